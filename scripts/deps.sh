#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs from Debian's archive everything the build, the test VM and the
# tests need.  Idempotent: when every package is present it only checks,
# and it refreshes the package lists only when something must be installed.
set -euo pipefail

PACKAGES=(
	# build: Kbuild against Debian's 6.1 headers, sparse, checkpatch
	make gcc libc6-dev binutils linux-headers-amd64 sparse perl
	# linux-source-6.1 gives kselftest_harness.h and checkpatch.pl
	linux-source-6.1 xz-utils
	# the test VM: the same kernel as the headers, booted by QEMU
	linux-image-amd64 qemu-system-x86 busybox-static kmod cpio
	# inside the VM: namespaces, veth, netem, sysctl, checksum offload
	# off for the raw-socket peer; tshark for make demo
	iproute2 procps ethtool tshark
	# inside the VM: unmodified programs run over tcpalt by tcpalt-run
	iperf3 nginx-light curl wrk redis-server redis-tools socat
	# the protocol translator (scripts/tcpalt-xlate): clang for BPF,
	# bpf_helpers.h, and bpftool to load it and fill its map
	clang libbpf-dev linux-libc-dev bpftool
	# the debug kernel, built from linux-source-6.1
	flex bison bc libelf-dev libssl-dev
	# make dkms-tarball
	dkms
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
