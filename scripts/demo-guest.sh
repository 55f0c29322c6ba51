#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest half of make demo; scripts/demo.sh boots the VM and runs it.
#
# Two network namespaces, a (10.0.0.1) and b (10.0.0.2), joined by a veth
# pair with a netem delay each way. A tcpalt server in b receives a random
# file from a client in a; both print /proc/tcpalt/conns as the connection
# goes through its states. dumpcap records the segments on veth-b, and
# tshark decodes them as TCP, since tcpalt's wire format is TCP's.
# The demo passes if the file arrives intact and the trace shows the
# handshake; it exits non-zero otherwise.
#
# Environment:
#   DEMO_PROTO=N     the IP protocol (default 253, tcpalt); 6 runs the same
#                    demo over the kernel's TCP, with /proc/net/tcp in place
#                    of /proc/tcpalt/conns
#   DEMO_SIZE=BYTES  the file's size (default 4194304)
#   DEMO_DELAY=TIME  netem delay each way (default 2ms)
#   DEMO_PACKETS=N   decoded packets to print (default 15)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly XFER=$REPO/build/tcpalt-xfer
readonly PROTO=${DEMO_PROTO:-253}
readonly SIZE=${DEMO_SIZE:-4194304}
readonly DELAY=${DEMO_DELAY:-2ms}
readonly PACKETS=${DEMO_PACKETS:-15}
readonly PORT=5000

work=""
capture_pid=""
server_pid=""

step() {
	printf '\n== %s\n' "$*"
}

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	[[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true
	[[ -z $capture_pid ]] || kill "$capture_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[[ -z $work ]] || rm -rf "$work"
}

# Poll for a line in a log, up to 30 s or until PID exits: dumpcap and
# the server say when they are ready, and starting the client before that
# would race them.
wait_for_line() {
	local pid=$1 log=$2 pattern=$3 what=$4 i
	for ((i = 0; i < 300; i++)); do
		grep -q "$pattern" "$log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "demo: $what did not start:" >&2
	cat "$log" >&2
	return 1
}

setup_namespaces() {
	step "namespaces a (10.0.0.1) and b (10.0.0.2) over veth, netem delay $DELAY each way"
	ip netns add a
	ip netns add b
	ip link add veth-a netns a type veth peer name veth-b netns b
	ip -n a addr add 10.0.0.1/24 dev veth-a
	ip -n b addr add 10.0.0.2/24 dev veth-b
	ip -n a link set lo up
	ip -n b link set lo up
	ip -n a link set veth-a up
	ip -n b link set veth-b up
	tc -n a qdisc add dev veth-a root netem delay "$DELAY"
	tc -n b qdisc add dev veth-b root netem delay "$DELAY"
}

# dumpcap is the capture engine tshark itself runs, without the dissectors
# that take seconds to load under emulation. Headers are all the trace
# needs: 128 bytes hold Ethernet, IP and TCP with the largest options.
start_capture() {
	step "capturing IP protocol $PROTO on veth-b"
	ip netns exec b dumpcap -q -i veth-b -f "ip proto $PROTO" -s 128 \
		-w "$work/trace.pcapng" 2>"$work/dumpcap.log" &
	capture_pid=$!
	wait_for_line "$capture_pid" "$work/dumpcap.log" "Capturing on" dumpcap
}

stop_capture() {
	# The client's last ACK is still in netem's queue when it exits.
	sleep 0.5
	kill -INT "$capture_pid"
	wait "$capture_pid" || true
	capture_pid=""
}

transfer() {
	local conns=() rc=0
	# Kernel TCP has no /proc/tcpalt; its table is the closest thing.
	[[ $PROTO != 6 ]] || conns=(--conns /proc/net/tcp)

	step "random file of $SIZE bytes, server in b, client in a"
	head -c "$SIZE" /dev/urandom >"$work/in"
	ip netns exec b "$XFER" --proto "$PROTO" "${conns[@]}" \
		serve "$PORT" "$work/out" 2> >(tee "$work/serve.log" >&2) &
	server_pid=$!
	# No errexit here: main calls this in an || list.
	if ! wait_for_line "$server_pid" "$work/serve.log" listening "the server"; then
		wait "$server_pid" || true
		server_pid=""
		return 1
	fi
	ip netns exec a "$XFER" --proto "$PROTO" "${conns[@]}" \
		send 10.0.0.2 "$PORT" "$work/in" || rc=$?
	wait "$server_pid" || rc=$?
	server_pid=""
	return "$rc"
}

verify() {
	local sum_in sum_out
	step "SHA-256 of both files"
	sum_in=$(sha256sum <"$work/in" | cut -d' ' -f1)
	sum_out=$(sha256sum <"$work/out" | cut -d' ' -f1)
	echo "sent     $sum_in  $(stat -c %s "$work/in") bytes"
	echo "received $sum_out  $(stat -c %s "$work/out") bytes"
	if [[ $sum_in == "$sum_out" ]]; then
		echo "checksum: PASS"
		return 0
	fi
	echo "checksum: FAIL"
	return 1
}

# The first -d decodes the protocol number as TCP. The second shows the
# payload as plain data: the file is random bytes, and Wireshark's
# heuristic dissectors took some segments for other protocols. The TCP
# checksum covers a pseudo-header with protocol 6 in Wireshark's view and
# 253 on the wire, so checking it would flag every segment; it is off by
# default, and off here whatever the user's preferences say.
decode() {
	local tshark=(tshark -o tcp.check_checksum:FALSE
		-d "ip.proto==$PROTO,tcp" -d "tcp.port==$PORT,data")
	local trace
	step "the first $PACKETS packets, decoded by tshark as TCP"
	# tshark's one stderr line as root is a warning, not a question.
	trace=$("${tshark[@]}" -r "$work/trace.pcapng" -c "$PACKETS" \
		2>"$work/tshark.log") || {
		cat "$work/tshark.log" >&2
		return 1
	}
	if [[ -z $trace ]]; then
		echo "trace: FAIL (no packets captured)"
		return 1
	fi
	echo "$trace"
	step "the close: every FIN and RST in the trace"
	"${tshark[@]}" -r "$work/trace.pcapng" \
		-Y "tcp.flags.fin == 1 || tcp.flags.reset == 1" 2>/dev/null || true
	if grep -qv ' TCP ' <<<"$trace"; then
		echo "trace: FAIL (packets not decoded as TCP)"
		return 1
	fi
	if ! grep -q '\[SYN\]' <<<"$trace" ||
		! grep -q '\[SYN, ACK\]' <<<"$trace"; then
		echo "trace: FAIL (no handshake in the decoded trace)"
		return 1
	fi
	echo "trace: PASS (decoded as TCP, handshake present)"
}

main() {
	local rc=0
	[[ -x $XFER ]] || {
		echo "demo: no $XFER; run make demo" >&2
		exit 1
	}
	trap cleanup EXIT
	work=$(mktemp -d)
	setup_namespaces
	start_capture
	transfer || rc=1
	stop_capture
	if [[ $rc != 0 ]]; then
		echo "transfer: FAIL"
	else
		verify || rc=1
	fi
	decode || rc=1
	step "demo over IP protocol $PROTO: $([[ $rc == 0 ]] && echo PASS || echo FAIL)"
	exit "$rc"
}

main "$@"
