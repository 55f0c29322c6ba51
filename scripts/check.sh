#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test run: dependencies, build, lint, host unit tests, then the
# VM selftests in one boot of Debian's kernel (the stock leg) and one of
# the debug kernel (the debug leg).  Prints one line per test and ends with
# "N passed, N failed"; exits non-zero when anything failed.
# Usage: check.sh [all|stock|debug]
set -uo pipefail

legs=${1:-all}

cd "$(dirname "$0")/.."
LOG=build/check
rm -rf "$LOG"
mkdir -p "$LOG"

passed=0
failed=0
skipped=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# A step that is one test: its output goes to a log, shown on failure.
step() {
	local name=$1
	shift
	if "$@" >"$LOG/$name.log" 2>&1; then
		pass "$name"
	else
		fail "$name"
		tail -n 40 "$LOG/$name.log" | sed 's/^/    /'
	fi
}

# Counts the TAP lines of kselftest_harness output; "# suite:" lines
# name the binary the following results came from.
tally_tap() {
	local prefix=$1 suite=$1 line name
	while IFS= read -r line; do
		case $line in
		"# suite: "*) suite=$prefix${line#\# suite: } ;;
		"ok "*"# SKIP"*)
			name=${line#ok }; echo "SKIP $suite: ${name#* }"
			skipped=$((skipped + 1)) ;;
		"ok "*)
			name=${line#ok }; pass "$suite: ${name#* }" ;;
		"not ok "*)
			name=${line#not ok }; fail "$suite: ${name#* }" ;;
		esac
	done
}

run_unit() {
	local t
	for t in selftests/unit/test_*; do
		[ -x "$t" ] || continue
		tally_tap "$(basename "$t")" < <("$t" 2>&1 | tee "$LOG/$(basename "$t").log")
	done
}

# One boot of the VM running every selftest: run_vm LEG VM-RUN-ARGS...
run_vm() {
	local leg=$1 log=$LOG/vm-$1.log rc
	shift
	scripts/vm-run.sh "$@" >"$log" 2>&1
	rc=$?
	tally_tap "$leg/" < <(tr -d '\r' <"$log")
	# vm-run.sh ends with "VM: rc=N in S s"; any other "VM:" line is
	# the VM's own verdict: a warning in the kernel log, a bad taint, a
	# panic or a timeout.  That fails the run whatever the tests said.
	if grep '^VM: ' "$log" | grep -qv '^VM: rc='; then
		fail "$leg: boot and kernel log"
		grep '^VM: ' "$log" | sed 's/^/    /'
	elif [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail "$leg: selftests exit status $rc"
		tail -n 60 "$log" | sed 's/^/    /'
	else
		pass "$leg: boot and kernel log"
	fi
	grep '^VM: rc=' "$log" | sed 's/^/    /'
}

stock_leg() {
	echo "== VM selftests, stock kernel"
	step vm-runner-catches-warnings selftests/build/test_vm_verdict.sh
	run_vm stock -- "sh selftests/vm/run.sh tcpalt.ko"
}

debug_leg() {
	local kdir ko
	echo "== VM selftests, debug kernel"
	if ! kdir=$(scripts/debug-kernel.sh 2>"$LOG/debug-kernel.log"); then
		fail debug-kernel-build
		tail -n 40 "$LOG/debug-kernel.log"
		return
	fi
	pass debug-kernel-build
	if ! ko=$(scripts/build-variant.sh "$kdir" build/debug \
			2>"$LOG/debug-module.log"); then
		fail debug-module-build
		tail -n 40 "$LOG/debug-module.log"
		return
	fi
	pass debug-module-build
	run_vm debug --kernel "$kdir/arch/x86/boot/bzImage" \
		--modules-dir "$kdir/modroot" --module "$ko" --timeout 2400 -- \
		"sh selftests/vm/run.sh $ko --debug"
	step debug-leg-catches-faults selftests/build/test_debug_faults.sh "$kdir"
}

echo "== dependencies"
scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

echo "== build and lint"
step build make --no-print-directory all
step symcheck-catches-tcp selftests/build/test_symcheck.sh
step sparse make --no-print-directory sparse
step checkpatch make --no-print-directory checkpatch
# sparse rebuilt the module; make sure the tested one is the plain build.
step rebuild make --no-print-directory all

echo "== host unit tests"
if make --no-print-directory -C selftests/unit >"$LOG/unit-build.log" 2>&1; then
	run_unit
else
	fail unit-build
	tail -n 40 "$LOG/unit-build.log"
fi

if [ -f tcpalt.ko ] &&
   make --no-print-directory -C selftests/vm >"$LOG/vm-build.log" 2>&1; then
	[ "$legs" = debug ] || stock_leg
	[ "$legs" = stock ] || debug_leg
else
	fail vm-build
	tail -n 40 "$LOG/vm-build.log"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
