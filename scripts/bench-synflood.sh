#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-synflood: the SYN flood benchmark (selftests/vm/bench_synflood)
# against tcpalt and against the kernel's TCP, in one boot of the test VM
# with the repository's tcpalt.ko loaded.  For each it prints the flood
# rate reached, the share of legitimate clients that connected and their
# median connect time.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")

cd "$REPO"
[[ -f tcpalt.ko ]] || { echo "bench: no tcpalt.ko: run make" >&2; exit 1; }
exec scripts/vm-run.sh --timeout 900 -- \
	"cd selftests/vm && ./bench_synflood && TCPALT_TEST_PROTO=6 ./bench_synflood"
