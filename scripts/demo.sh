#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: a file sent over tcpalt between two network namespaces in the
# test VM, with the connection table along the way and a decoded trace.
#
# Installs what is missing (scripts/deps.sh, which includes tshark), builds
# build/tcpalt-xfer, the demo's server and client, and runs
# scripts/demo-guest.sh in the VM with the repository's tcpalt.ko loaded
# (make demo builds it first). Exits with the guest's status.
#
# Environment:
#   DEMO_PROTO=6     the same demo over the kernel's TCP, no module loaded
#   DEMO_SIZE, DEMO_DELAY, DEMO_PACKETS   see scripts/demo-guest.sh
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
readonly SCRIPTS REPO
readonly PROTO=${DEMO_PROTO:-253}

die() {
	echo "demo: $*" >&2
	exit 1
}

build_xfer() {
	mkdir -p "$REPO/build"
	gcc -O2 -Wall -Wextra -Werror -I"$REPO/include/uapi" \
		-o "$REPO/build/tcpalt-xfer" "$SCRIPTS/tcpalt-xfer.c"
}

# The guest runs a command string: pass the demo's settings inside it.
guest_command() {
	local var cmd=""
	for var in DEMO_PROTO DEMO_SIZE DEMO_DELAY DEMO_PACKETS; do
		[[ -z ${!var:-} ]] || cmd+="$var=$(printf %q "${!var}") "
	done
	echo "${cmd}scripts/demo-guest.sh"
}

main() {
	local vm_args=()
	[[ $PROTO =~ ^[0-9]+$ ]] || die "DEMO_PROTO must be a number"
	"$SCRIPTS/deps.sh"
	build_xfer
	if [[ $PROTO == 6 ]]; then
		vm_args=(--no-module)
	else
		[[ -f $REPO/tcpalt.ko ]] || die "no tcpalt.ko: run make demo"
		vm_args=(--module "$REPO/tcpalt.ko")
		[[ $PROTO == 253 ]] || vm_args+=(--modparams "proto=$PROTO")
	fi
	"$SCRIPTS/vm-run.sh" "${vm_args[@]}" --timeout 600 -- "$(guest_command)"
}

main "$@"
