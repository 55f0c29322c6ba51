#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The symbol check must fail on an object that imports a Linux TCP function
# and pass on one that does not.
set -euo pipefail

cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
for sym in tcp_v4_connect inet_csk_accept inet_twsk_put __inet_lookup_established \
	   reqsk_queue_alloc secure_tcp_seq cookie_v4_check inet_hash_connect; do
	printf 'extern void %s(void);\nvoid f(void) { %s(); }\n' "$sym" "$sym" >"$tmp/bad.c"
	gcc -c -o "$tmp/bad.o" "$tmp/bad.c"
	if scripts/symcheck.sh "$tmp/bad.o" >/dev/null 2>&1; then
		echo "symcheck missed $sym"
		status=1
	fi
done

printf 'extern void sk_stream_wait_memory(void);\nvoid f(void) { sk_stream_wait_memory(); }\n' >"$tmp/good.c"
gcc -c -o "$tmp/good.o" "$tmp/good.c"
scripts/symcheck.sh "$tmp/good.o" >/dev/null || { echo "symcheck rejected a clean object"; status=1; }
exit $status
