#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs the VM selftests in the guest, as TAP: all of them, or one of the
# two parts the debug leg splits them into so that two debug VMs can
# share the work.  The module tests and the fuzz test, which ends by
# unloading tcpalt.ko, need it unused, so they go first: orphans that
# other tests leave hold the module until they end.  On the debug
# kernel, --debug adds its own verdicts, kmemleak and lockdep, and runs
# the tests whose cost is their size at the debug leg's sizes (lib.h's
# test_size()) unless TCPALT_SCALE=full asks for the full ones.  Each
# suite's wall time follows it, and each test's its result, for the
# budget.
# Usage: run.sh MODULE.ko [--debug] [--part 1|2]
set -u

# Part 1 and part 2 take about the same time on the debug kernel.
PART1="tcpalt_module tcpalt_fuzz tcpalt_socket tcpalt_bind tcpalt_closed
       tcpalt_malformed tcpalt_surfaces tcpalt_handshake tcpalt_data
       tcpalt_api tcpalt_close tcpalt_diag tcpalt_trace"
PART2="tcpalt_timewait tcpalt_keepalive tcpalt_syncookies tcpalt_listen
       tcpalt_table tcpalt_offload tcpalt_paws tcpalt_icmp tcpalt_limits
       tcpalt_memory tcpalt_programs tcpalt_interop"

TCPALT_KO=$(realpath "$1")
export TCPALT_KO
shift
cd "$(dirname "$0")"
debug=""
suites="$PART1 $PART2"
while [ $# -gt 0 ]; do
	case $1 in
	--debug) debug=1 ;;
	--part)
		case ${2:-} in
		1) suites=$PART1 ;;
		2) suites=$PART2 ;;
		*) echo "run.sh: --part takes 1 or 2" >&2; exit 2 ;;
		esac
		shift ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

if [ -n "$debug" ]; then
	export TCPALT_DEBUG_KERNEL=1
	export TCPALT_SCALE=${TCPALT_SCALE:-debug}
	./debug-checks.sh begin
fi

# Runs suite $1, its output followed after each test by that test's wall
# time; writes the suite's exit status to $2.
run_suite() {
	{ ./"$1" 2>&1; echo $? >"$2"; } | bash ./test-times.sh
}

status=0
rcfile=$(mktemp)
for t in $suites; do
	echo "# suite: $t"
	t0=$(date +%s)
	run_suite "$t" "$rcfile"
	[ "$(cat "$rcfile")" = 0 ] || status=1
	echo "# suite $t took $(($(date +%s) - t0)) s"
done
rm -f "$rcfile"
[ -n "$debug" ] && { ./debug-checks.sh end || status=1; }
exit $status
