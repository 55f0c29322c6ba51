#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fails when an object imports any of Linux TCP's functions: tcpalt keeps
# its own tables, handshakes, cookies and timers (README, "Decisions").
# Usage: symcheck.sh OBJECT...
set -euo pipefail

FORBIDDEN='^(tcp_|inet_csk_|inet_twsk_|inet_hash|__inet_lookup|reqsk_|inet_reqsk_|cookie_v4_|__cookie_v4_|secure_tcp_seq)'

status=0
for obj in "$@"; do
	hits=$(nm -u "$obj" | awk '{ print $NF }' | grep -E "$FORBIDDEN" || true)
	if [ -n "$hits" ]; then
		echo "symcheck: $obj imports Linux TCP functions:" >&2
		sed 's/^/  /' <<<"$hits" >&2
		status=1
	fi
done
[ $status -eq 0 ] && echo "symcheck: $* imports no Linux TCP function"
exit $status
