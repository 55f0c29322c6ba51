#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug leg must catch what it exists for.  Each deliberate fault of
# module/fault.h is built into a module of its own, one SYN drives it
# through the receive path in the debug VM, and the run must come out red
# with the detector's own report.
# Usage: test_debug_faults.sh KDIR [FAULT]   (FAULT: run only that one)
set -uo pipefail

cd "$(dirname "$0")/../.."
kdir=$1
only=${2:-}
status=0

# fault define|what the kernel log must say (an extended regex).  Sleeping
# in softirq trips whichever detector sees it first: msleep()'s on-stack
# timer on the IRQ stack (debug objects), or the sleep itself.  The second
# kfree_skb() is caught as the caller's read of the freed skb, before its
# own free.
FAULTS=(
	"TCPALT_FAULT_SLEEP_IN_RX|ODEBUG: .*on stack|BUG: sleeping function called from invalid context|BUG: scheduling while atomic"
	"TCPALT_FAULT_DOUBLE_FREE|BUG: KASAN: (double-free|use-after-free)"
	"TCPALT_FAULT_LEAK|unreferenced object"
)

# Each boot runs tcpalt_closed with one faulty module and leaves its
# output in $out/FAULT.log and its status in $out/FAULT.rc.
boot_fault() {
	local fault=$1 ko=$2
	scripts/vm-run.sh --kernel "$kdir/arch/x86/boot/bzImage" \
		--modules-dir "$kdir/modroot" --module "$ko" --timeout 600 -- \
		"sh selftests/vm/debug-checks.sh begin &&
		 cd selftests/vm && ./tcpalt_closed &&
		 ./debug-checks.sh end | tee /dev/stderr | grep -q '^ok 1 kmemleak'" \
		>"$out/$fault.log" 2>&1
	echo $? >"$out/$fault.rc"
}

# The modules are built one after another in one directory, each
# differing from the last in input.o's flags alone, so that after the
# first only that object compiles.  Each boots as soon as it is built: a
# VM runs its two vCPUs on one host thread, so three short boots share
# two CPUs well.
out=build/fault-boots
rm -rf "$out"
mkdir -p "$out"
faults=()
for entry in "${FAULTS[@]}"; do
	fault=${entry%%|*}
	[ -z "$only" ] || [ "$only" = "$fault" ] || continue
	if ko=$(scripts/build-variant.sh "$kdir" build/fault-build "" \
			"CFLAGS_module/input.o=-D$fault") &&
	   cp "$ko" "$out/$fault.ko"; then
		boot_fault "$fault" "$out/$fault.ko" &
		faults+=("$entry")
	else
		echo "$fault: build failed"
		status=1
	fi
done
wait

for entry in "${faults[@]}"; do
	fault=${entry%%|*}
	report=${entry#*|}
	rc=$(cat "$out/$fault.rc")
	if [ "$rc" -eq 0 ]; then
		echo "$fault: the debug leg passed a faulty module"
		status=1
	elif ! grep -qE "$report" "$out/$fault.log"; then
		echo "$fault: red, but without '$report':"
		tail -n 30 "$out/$fault.log" | sed 's/^/    /'
		status=1
	else
		echo "$fault: caught: $(grep -oE "$report" "$out/$fault.log" | head -n1)"
	fi
done
exit $status
