#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs every VM selftest in the guest, as TAP.  The module tests and the
# fuzz test, which ends by unloading tcpalt.ko, need it unused, so they
# go first: orphans that other tests leave hold the module until they
# end.  On the debug kernel, --debug adds its own verdicts, kmemleak and
# lockdep, and runs the tests whose cost is their size at the debug
# leg's sizes (lib.h's test_size()) unless TCPALT_SCALE=full asks for
# the full ones.
# Usage: run.sh MODULE.ko [--debug]
set -u

TCPALT_KO=$(realpath "$1")
export TCPALT_KO
cd "$(dirname "$0")"
debug=${2:-}
if [ "$debug" = --debug ]; then
	export TCPALT_DEBUG_KERNEL=1
	export TCPALT_SCALE=${TCPALT_SCALE:-debug}
	./debug-checks.sh begin
fi

status=0
for t in tcpalt_module tcpalt_fuzz tcpalt_socket tcpalt_bind \
	 tcpalt_closed tcpalt_malformed tcpalt_surfaces tcpalt_handshake \
	 tcpalt_data tcpalt_api tcpalt_close tcpalt_timewait tcpalt_keepalive \
	 tcpalt_syncookies tcpalt_listen tcpalt_table tcpalt_offload \
	 tcpalt_paws tcpalt_icmp tcpalt_limits tcpalt_memory \
	 tcpalt_programs tcpalt_interop; do
	echo "# suite: $t"
	./"$t" || status=1
done
[ "$debug" = --debug ] && { ./debug-checks.sh end || status=1; }
exit $status
