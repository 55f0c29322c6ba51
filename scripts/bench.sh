#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: tcpalt against the kernel's TCP in one boot of the test VM
# with the repository's tcpalt.ko loaded: bulk throughput over loopback,
# over veth and over veth with 10 ms RTT, CPU and packets per MB, 1-byte
# request/response and connection churn.  Builds build/tcpalt-bench (from
# scripts/tcpalt-bench.c) and runs scripts/bench-guest.sh in the VM, which
# prints one table of medians and ratios, then the raw repetitions.
#
# Environment (passed to the guest, see scripts/bench-guest.sh):
#   BENCH_SIZE_MB, BENCH_NETEM_SIZE_MB, BENCH_REPS, BENCH_SECS,
#   BENCH_DEADLINE
#   BENCH_TIMEOUT=S   the VM's limit in seconds (default 2400)
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
readonly SCRIPTS REPO

die() {
	echo "bench: $*" >&2
	exit 1
}

build_bench() {
	mkdir -p "$REPO/build"
	gcc -O2 -Wall -Wextra -Werror -I"$REPO/include/uapi" \
		-o "$REPO/build/tcpalt-bench" "$SCRIPTS/tcpalt-bench.c"
}

# The commit measured, marked if the tree differs from it.
commit() {
	git -C "$REPO" describe --always --dirty --abbrev=12 2>/dev/null ||
		echo unknown
}

# The guest runs a command string: pass the settings inside it.
guest_command() {
	local var cmd
	cmd="BENCH_COMMIT=$(printf %q "$(commit)") "
	for var in BENCH_SIZE_MB BENCH_NETEM_SIZE_MB BENCH_REPS BENCH_SECS \
		BENCH_DEADLINE; do
		[[ -z ${!var:-} ]] || cmd+="$var=$(printf %q "${!var}") "
	done
	echo "${cmd}scripts/bench-guest.sh"
}

main() {
	local var rc=0
	for var in BENCH_SIZE_MB BENCH_NETEM_SIZE_MB BENCH_REPS BENCH_SECS \
		BENCH_DEADLINE BENCH_TIMEOUT; do
		[[ -z ${!var:-} || ${!var} =~ ^[1-9][0-9]*$ ]] ||
			die "$var must be a positive number"
	done
	cd "$REPO"
	[[ -f tcpalt.ko ]] || die "no tcpalt.ko: run make bench"
	build_bench
	# The VM's numbers move with what else the host runs: say so.
	echo "bench: host load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
	scripts/vm-run.sh --timeout "${BENCH_TIMEOUT:-2400}" -- \
		"$(guest_command)" || rc=$?
	echo "bench: host load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	return "$rc"
}

main "$@"
