#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test run: dependencies, build, lint, host unit tests, then the
# VM selftests in one boot of Debian's kernel (the stock leg) and one of
# the debug kernel (the debug leg).  Prints one line per test, then the
# wall time of each part, and ends with "N passed, N failed"; exits
# non-zero when anything failed.  The debug kernel, when it is not cached
# yet, compiles while the module is built and linted and the stock leg
# runs: checkpatch uses one CPU, and the stock VM spends much of its time
# in the tests' waits.
# Usage: check.sh [all|stock|debug]
# Environment: TCPALT_SCALE=full runs the debug leg at the stock leg's
# sizes (make check-full).
set -uo pipefail

legs=${1:-all}
scale=${TCPALT_SCALE:-}
kdir=""
dko=""
kernel_job=""
debug_t0=0
fault_t0=0
fault_job=""

cd "$(dirname "$0")/.."
LOG=build/check
rm -rf "$LOG"
mkdir -p "$LOG"

passed=0
failed=0
skipped=0

# The parts of the run in order, and the wall time each took.
parts=()
declare -A took

# Runs "$@" as the part named $1 and records its wall time.
timed() {
	local part=$1 t0=$SECONDS rc
	shift
	"$@"
	rc=$?
	parts+=("$part")
	took[$part]=$((SECONDS - t0))
	return $rc
}

timing_table() {
	local part total=0
	echo "== wall time"
	for part in "${parts[@]}"; do
		printf '  %-20s %3dm %02ds\n' "$part" \
			$((took[$part] / 60)) $((took[$part] % 60))
	done
	total=$SECONDS
	printf '  %-20s %3dm %02ds\n' total $((total / 60)) $((total % 60))
	[ -z "$kernel_job" ] ||
		echo "  (the debug kernel build runs beside the parts before the" \
		     "debug leg; the debug leg's two VMs beside the stock leg" \
		     "and each other, the fault boots from the end of the" \
		     "first of them)"
}

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
# name the binary the following results came from.  A failed test is
# followed by what it logged since its "RUN" line, so that the run's
# output alone says why.
tally_tap() {
	local prefix=$1 suite=$1 line name said=()
	while IFS= read -r line; do
		case $line in
		"# suite: "*) suite=$prefix${line#\# suite: } ;;
		"#  RUN "*) said=("$line") ;;
		"# "*) [ ${#said[@]} -ge 60 ] || said+=("$line") ;;
		"ok "*"# SKIP"*)
			name=${line#ok }; echo "SKIP $suite: ${name#* }"
			skipped=$((skipped + 1)) ;;
		"ok "*)
			name=${line#ok }; pass "$suite: ${name#* }" ;;
		"not ok "*)
			name=${line#not ok }; fail "$suite: ${name#* }"
			printf '    %s\n' "${said[@]}" ;;
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

# One boot of the VM running every selftest, in the background:
# vm_start LEG VM-RUN-ARGS...; vm_finish LEG waits for it and counts.
declare -A vm_job
vm_start() {
	local leg=$1
	shift
	(
		scripts/vm-run.sh "$@" >"$LOG/vm-$leg.log" 2>&1
		echo $? >"$LOG/vm-$leg.rc"
	) &
	vm_job[$leg]=$!
}

vm_finish() {
	local leg=$1 log=$LOG/vm-$1.log rc
	wait "${vm_job[$leg]}"
	rc=$(cat "$LOG/vm-$leg.rc")
	# Both parts of the debug leg report as "debug/".
	tally_tap "${leg%-[12]}/" < <(tr -d '\r' <"$log")
	# vm-run.sh ends with "VM: rc=N in S s"; any other "VM:" line is
	# the VM's own verdict: a warning in the kernel log, a bad taint, a
	# panic or a timeout.  That fails the run whatever the tests said.
	if grep '^VM: ' "$log" | grep -qv '^VM: rc='; then
		fail "$leg: boot and kernel log"
		grep '^VM: ' "$log" | sed 's/^/    /'
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail "$leg: selftests exit status $rc"
		tail -n 60 "$log" | sed 's/^/    /'
	else
		pass "$leg: boot and kernel log"
	fi
	grep '^VM: rc=' "$log" | sed 's/^/    /'
	suite_times "$log"
}

# The seconds each suite of a leg took, slowest first, and its ten
# slowest tests, for the budget.
suite_times() {
	tr -d '\r' <"$1" | sed -n 's/^# suite tcpalt_\([a-z_]*\) took \([0-9]*\) s$/\2 \1/p' |
		sort -rn | awk '{ printf "%s%s %ss", NR == 1 ? "    suites:" : ",", " " $2, $1 }
				END { if (NR) print "" }'
	tr -d '\r' <"$1" | sed -n 's/^# test \([^ ]*\) took \([0-9]*\) s$/\2 \1/p' |
		sort -rn | head -n 10 |
		awk '{ printf "%s%s %ss", NR == 1 ? "    slowest tests:" : ",", " " $2, $1 }
				END { if (NR) print "" }'
}

stock_leg() {
	echo "== VM selftests, stock kernel"
	step vm-runner-catches-warnings selftests/build/test_vm_verdict.sh
	vm_start stock --timeout 2400 -- \
		"${scale:+TCPALT_SCALE=$scale }sh selftests/vm/run.sh tcpalt.ko"
	vm_finish stock
}

# The debug kernel, built or taken from the cache, then the debug module
# against it, in the background: the kernel's directory goes to
# $LOG/debug-kernel.dir, its wall time to .secs, and the module's path to
# $LOG/debug-module.ko.  The module is built once for both parts of the
# debug leg, beside the stock build and lint.
debug_kernel_start() {
	(
		t0=$SECONDS
		scripts/debug-kernel.sh >"$LOG/debug-kernel.dir" \
			2>"$LOG/debug-kernel.log"
		rc=$?
		echo $((SECONDS - t0)) >"$LOG/debug-kernel.secs"
		[ $rc -eq 0 ] || exit $rc
		scripts/build-variant.sh "$(cat "$LOG/debug-kernel.dir")" \
			build/debug >"$LOG/debug-module.ko" \
			2>"$LOG/debug-module.log" || exit 100
	) &
	kernel_job=$!
}

# Waits for debug_kernel_start's job; sets kdir to the kernel's directory
# and dko to the module.
debug_kernel_wait() {
	local rc
	wait "$kernel_job"
	rc=$?
	parts+=("debug kernel build")
	took["debug kernel build"]=$(cat "$LOG/debug-kernel.secs" 2>/dev/null || echo 0)
	if [ $rc -ne 0 ] && [ $rc -ne 100 ]; then
		fail debug-kernel-build
		tail -n 40 "$LOG/debug-kernel.log"
		return 1
	fi
	pass debug-kernel-build
	kdir=$(cat "$LOG/debug-kernel.dir")
	if [ $rc -eq 100 ]; then
		fail debug-module-build
		tail -n 40 "$LOG/debug-module.log"
		return 1
	fi
	pass debug-module-build
	dko=$(cat "$LOG/debug-module.ko")
	debug_t0=$SECONDS
}

# The debug leg is two VMs, each running one part of the suites
# (run.sh --part), so that both CPUs can work on it.
debug_part_start() {
	vm_start "debug-$1" --kernel "$kdir/arch/x86/boot/bzImage" \
		--modules-dir "$kdir/modroot" --module "$dko" --timeout 2400 -- \
		"${scale:+TCPALT_SCALE=$scale }sh selftests/vm/run.sh $dko" \
		"--debug --part $1"
}

debug_part_finish() {
	echo "== VM selftests, debug kernel, part $1"
	vm_finish "debug-$1"
}

debug_leg_done() {
	parts+=("debug leg")
	took["debug leg"]=$((SECONDS - debug_t0))
}

# The fault boots, in the background: they start when the first of the
# debug leg's two VMs ends, so that the CPU it leaves does their work.
fault_start() {
	fault_t0=$SECONDS
	(
		selftests/build/test_debug_faults.sh "$1" \
			>"$LOG/debug-leg-catches-faults.log" 2>&1
		echo $? >"$LOG/debug-leg-catches-faults.rc"
	) &
	fault_job=$!
}

fault_finish() {
	echo "== fault boots"
	wait "$fault_job"
	if [ "$(cat "$LOG/debug-leg-catches-faults.rc")" = 0 ]; then
		pass debug-leg-catches-faults
	else
		fail debug-leg-catches-faults
		tail -n 40 "$LOG/debug-leg-catches-faults.log" | sed 's/^/    /'
	fi
	parts+=("fault boots")
	took["fault boots"]=$((SECONDS - fault_t0))
}

# Waits for the first of the debug leg's VMs to end, then starts the
# fault boots, then reports both parts.
debug_parts_finish() {
	wait -n "${vm_job[debug-1]}" "${vm_job[debug-2]}"
	fault_start "$kdir"
	debug_part_finish 1
	debug_part_finish 2
	debug_leg_done
	fault_finish
}

build_and_lint() {
	step build make --no-print-directory all
	step symcheck-catches-tcp selftests/build/test_symcheck.sh
	step sparse make --no-print-directory sparse
	step checkpatch make --no-print-directory checkpatch
}

unit_tests() {
	if make --no-print-directory -C selftests/unit \
			>"$LOG/unit-build.log" 2>&1; then
		run_unit
	else
		fail unit-build
		tail -n 40 "$LOG/unit-build.log"
	fi
}

# Each VM runs its vCPUs on one host thread (single-threaded TCG).  The
# debug leg's two parts keep both CPUs busy; the stock VM, which spends
# much of its time in the tests' waits, runs beside them when the debug
# kernel is cached, and beside the kernel's compiler when it is not.
# TCPALT_LEGS=serial runs one VM at a time.
vm_legs() {
	local mode=${TCPALT_LEGS:-together}

	if [ "$legs" = all ] && [ "$mode" = together ] &&
	   ! kill -0 "$kernel_job" 2>/dev/null; then
		debug_kernel_wait ||
			{ timed "stock leg" stock_leg; return; }
		debug_part_start 1
		debug_part_start 2
		timed "stock leg" stock_leg
		debug_parts_finish
		return
	fi
	[ "$legs" = debug ] || timed "stock leg" stock_leg
	[ "$legs" = stock ] && return
	debug_kernel_wait || return
	debug_part_start 1
	if [ "$mode" = together ]; then
		debug_part_start 2
		debug_parts_finish
		return
	fi
	debug_part_finish 1
	debug_part_start 2
	debug_part_finish 2
	debug_leg_done
	fault_start "$kdir"
	fault_finish
}

echo "== dependencies"
timed dependencies scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

# The debug kernel compiles from here on, beside the build, the lint and
# the stock leg: checkpatch and the VM's waits leave a CPU free.
[ "$legs" = stock ] || debug_kernel_start

echo "== build and lint"
timed "build and lint" build_and_lint

echo "== host unit tests"
timed "unit tests" unit_tests

if [ -f tcpalt.ko ] &&
   make --no-print-directory -C selftests/vm >"$LOG/vm-build.log" 2>&1; then
	vm_legs
else
	fail vm-build
	tail -n 40 "$LOG/vm-build.log"
fi

timing_table
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
