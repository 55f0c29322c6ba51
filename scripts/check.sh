#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test run: dependencies, build, lint, host unit tests, then the
# VM selftests in one boot.  Prints one line per test and ends with
# "N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail

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
	local suite=$1 line name
	while IFS= read -r line; do
		case $line in
		"# suite: "*) suite=${line#\# suite: } ;;
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

run_vm() {
	local rc
	scripts/vm-run.sh -- "sh selftests/vm/run.sh tcpalt.ko" \
		>"$LOG/vm.log" 2>&1
	rc=$?
	tally_tap vm < <(tr -d '\r' <"$LOG/vm.log")
	# vm-run.sh ends with "VM: rc=N in S s"; any other "VM:" line is
	# the VM's own verdict: a warning in the kernel log, a bad taint, a
	# panic or a timeout.  That fails the run whatever the tests said.
	if grep '^VM: ' "$LOG/vm.log" | grep -qv '^VM: rc='; then
		fail "vm: boot and kernel log"
		grep '^VM: ' "$LOG/vm.log" | sed 's/^/    /'
	elif [ $rc -ne 0 ] && ! grep -q '^not ok ' "$LOG/vm.log"; then
		fail "vm: selftests exit status $rc"
		tail -n 60 "$LOG/vm.log" | sed 's/^/    /'
	else
		pass "vm: boot and kernel log"
	fi
	grep '^VM: rc=' "$LOG/vm.log" | sed 's/^/    /'
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

echo "== VM selftests"
step vm-runner-catches-warnings selftests/build/test_vm_verdict.sh
if [ -f tcpalt.ko ] &&
   make --no-print-directory -C selftests/vm >"$LOG/vm-build.log" 2>&1; then
	run_vm
else
	fail vm-build
	tail -n 40 "$LOG/vm-build.log"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
