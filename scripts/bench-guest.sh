#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make bench; scripts/bench.sh boots the VM and runs it.
#
# Runs build/tcpalt-bench (scripts/tcpalt-bench.c) over the kernel's TCP
# and over tcpalt, alternately, BENCH_REPS times each, in these cases:
#
#   lo     bulk transfer over loopback, client and server in namespace a
#   veth   bulk transfer from a (10.0.0.1) to b (10.0.0.2) over veth
#   netem  the same with netem delay 5 ms on both veth ends (10 ms RTT)
#   rr     1-byte request/response over the veth, no delay
#   churn  connect, 1 byte each way, server closes first; over the veth
#
# Then prints one table of medians with the ratio tcpalt/TCP, and every
# repetition's raw line under it.  A repetition that failed (a stall past
# the deadline, a reset, a short transfer) is left out of the median, and
# the cell says how many failed; the failures are listed in full.  Exits 0
# whatever the numbers say; non-zero only if the topology cannot be made.
#
# Environment:
#   BENCH_SIZE_MB=N        MiB per bulk transfer, lo and veth (default 32)
#   BENCH_NETEM_SIZE_MB=N  MiB per bulk transfer with netem (default 16)
#   BENCH_REPS=N           repetitions of each protocol (default 3)
#   BENCH_SECS=N           seconds per rr and churn run (default 10)
#   BENCH_DEADLINE=N       seconds before a bulk transfer is a stall
#                          (default 120)
#   BENCH_COMMIT=TEXT      the commit measured, for the table's heading
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly BENCH=$REPO/build/tcpalt-bench
readonly SIZE=${BENCH_SIZE_MB:-32}
readonly NETEM_SIZE=${BENCH_NETEM_SIZE_MB:-16}
readonly REPS=${BENCH_REPS:-3}
readonly SECS=${BENCH_SECS:-10}
readonly DEADLINE=${BENCH_DEADLINE:-120}
readonly COMMIT=${BENCH_COMMIT:-unknown}
readonly VETH=(--ns a --peer-ns b --addr 10.0.0.2 --dev veth-a)

results=""
port=6000

die() {
	echo "bench: $*" >&2
	exit 1
}

# Two namespaces joined by veth, in two ip batches (each exec is dear).
setup_topology() {
	ip -batch - <<-EOF
		netns add a
		netns add b
		link add veth-a netns a type veth peer name veth-b netns b
	EOF
	ip -n a -batch - <<-EOF
		link set lo up
		addr add 10.0.0.1/24 dev veth-a
		link set veth-a up
	EOF
	ip -n b -batch - <<-EOF
		link set lo up
		addr add 10.0.0.2/24 dev veth-b
		link set veth-b up
	EOF
}

add_netem() {
	tc -n a qdisc add dev veth-a root netem delay 5ms
	tc -n b qdisc add dev veth-b root netem delay 5ms
}

proto_name() {
	[[ $1 == 6 ]] && echo TCP || echo tcpalt
}

# One repetition (CASE PROTO REP MODE ARG [OPTIONS]): appends "case proto rep status key=value ... # why" to
# the results and shows it.  A run that could not even start (the module
# missing, a port taken) is recorded as an error with its message.
run_one() {
	local case=$1 proto=$2 rep=$3 mode=$4 arg=$5 line
	shift 5
	port=$((port + 1))
	if ! line=$("$BENCH" --proto "$proto" --port "$port" \
		--deadline "$DEADLINE" "$@" "$mode" "$arg" 2>&1); then
		line="error # ${line//$'\n'/ }"
	fi
	printf '%s\t%s\t%s\t%s\n' "$case" "$proto" "$rep" "$line" >>"$results"
	printf '%-6s %-6s %s  %s\n' "$case" "$(proto_name "$proto")" "$rep" "$line"
}

# BENCH_REPS repetitions of a case (CASE MODE ARG [OPTIONS]), TCP and
# tcpalt alternately.
run_case() {
	local case=$1 rep proto
	shift
	for ((rep = 1; rep <= REPS; rep++)); do
		for proto in 6 253; do
			run_one "$case" "$proto" "$rep" "$@"
		done
	done
}

# The table, from the results file; medians over the repetitions that
# succeeded.
print_table() {
	awk -F'\t' -v reps="$REPS" '
	function median(list,   v, n, i, j, t) {
		n = split(list, v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		if (n == 0)
			return ""
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function fmt(x) {
		if (x == "")
			return "-"
		if (x == int(x))
			return sprintf("%d", x)
		return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? \
			sprintf("%.1f", x) : sprintf("%.2f", x)
	}
	function cell(c, p, key,   m, s) {
		m = median(vals[c, p, key])
		s = fmt(m)
		if (fails[c, p])
			s = s sprintf(" (%d of %d failed)", fails[c, p], runs[c, p])
		return s
	}
	function row(label, c, key,   t, a) {
		t = median(vals[c, 6, key])
		a = median(vals[c, 253, key])
		printf "| %s | %s | %s | %s |\n", label, cell(c, 6, key),
			cell(c, 253, key),
			(t != "" && a != "" && t > 0) ? sprintf("%.2f", a / t) : "-"
	}
	{
		runs[$1, $2]++
		n = split($4, w, " ")
		if (w[1] != "ok") {
			fails[$1, $2]++
			failed[++nfailed] = $1 " " ($2 == 6 ? "TCP" : "tcpalt") \
				" repetition " $3 ": " $4
			next
		}
		for (i = 2; i <= n && w[i] != "#"; i++) {
			split(w[i], kv, "=")
			vals[$1, $2, kv[1]] = vals[$1, $2, kv[1]] " " kv[2]
		}
	}
	END {
		print "| measure | TCP | tcpalt | tcpalt/TCP |"
		print "|---|---|---|---|"
		row("bulk, loopback, MB/s", "lo", "mbps")
		row("bulk, veth, MB/s", "veth", "mbps")
		row("bulk, veth, netem 5 ms each way, MB/s", "netem", "mbps")
		row("CPU ms per MB, loopback (both vCPUs)", "lo", "cpu_ms_per_mb")
		row("CPU ms per MB, veth (both vCPUs)", "veth", "cpu_ms_per_mb")
		row("CPU ms per MB, veth netem (both vCPUs)", "netem", "cpu_ms_per_mb")
		row("packets per MB, loopback", "lo", "pkts_per_mb")
		row("packets per MB, veth (both ways)", "veth", "pkts_per_mb")
		row("packets per MB, veth netem (both ways)", "netem", "pkts_per_mb")
		row("data packets per MB, veth (a to b)", "veth", "tx_per_mb")
		row("ACK packets per MB, veth (b to a)", "veth", "rx_per_mb")
		row("retransmitted segments per transfer, loopback", "lo", "retrans")
		row("retransmitted segments per transfer, veth", "veth", "retrans")
		row("retransmitted segments per transfer, veth netem", "netem", "retrans")
		row("1-byte request/response, transactions/s", "rr", "per_sec")
		row("packets per transaction", "rr", "pkts_per_op")
		row("connection churn, connections/s", "churn", "per_sec")
		row("packets per connection", "churn", "pkts_per_op")
		if (nfailed) {
			printf "\nfailed repetitions (left out of the medians):\n"
			for (i = 1; i <= nfailed; i++)
				print "  " failed[i]
		}
	}' "$results"
}

print_heading() {
	echo "make bench: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT," \
		"kernel $(uname -r), $(nproc) vCPUs"
	echo "$REPS repetitions of each, TCP and tcpalt alternately; bulk" \
		"$SIZE MiB ($NETEM_SIZE MiB with netem), deadline ${DEADLINE} s;" \
		"rr and churn ${SECS} s each; medians of the repetitions that" \
		"succeeded"
}

main() {
	[[ -x $BENCH ]] || die "no $BENCH; run make bench"
	results=$(mktemp)
	setup_topology || die "cannot set up the namespaces"

	echo "== each repetition as it ends"
	run_case lo bulk "$SIZE" --ns a
	run_case veth bulk "$SIZE" "${VETH[@]}"
	run_case rr rr "$SECS" "${VETH[@]}"
	run_case churn churn "$SECS" "${VETH[@]}"
	add_netem || die "cannot add netem"
	run_case netem bulk "$NETEM_SIZE" "${VETH[@]}"

	echo
	echo "== results"
	print_heading
	echo
	print_table
	echo
	echo "raw: case, protocol (6 TCP, 253 tcpalt), repetition, result"
	cat "$results"
	rm -f "$results"
}

main "$@"
