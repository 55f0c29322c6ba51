#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel's own verdicts, as TAP, after the selftests ran:
# kmemleak finds no unreferenced object, and lockdep is still alive (it
# turns itself off after its first report, hiding any later one).
# Usage: debug-checks.sh begin|end
set -u

KMEMLEAK=/sys/kernel/debug/kmemleak

begin() {
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs none /sys/kernel/debug
	# Objects from boot are not the tests'.
	echo clear >"$KMEMLEAK"
}

end() {
	echo "# suite: debug-checks"
	# An object is reported only once unreferenced for 5 s, and a scan
	# can miss a pointer still in flight, hence two scans apart.
	sleep 6
	echo scan >"$KMEMLEAK"
	sleep 1
	echo scan >"$KMEMLEAK"
	leaks=$(cat "$KMEMLEAK")
	if [ -z "$leaks" ]; then
		echo "ok 1 kmemleak"
	else
		echo "$leaks" | sed 's/^/# /'
		echo "not ok 1 kmemleak"
	fi

	if grep -Eq 'debug_locks:[[:space:]]+1' /proc/lockdep_stats; then
		echo "ok 2 lockdep.debug_locks"
	else
		grep debug_locks /proc/lockdep_stats | sed 's/^/# /'
		echo "not ok 2 lockdep.debug_locks"
	fi
}

"$1"
