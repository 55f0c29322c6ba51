#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test VM's initramfs: busybox plus the few modules needed to mount
# the host's root over virtio-9p, an overlay on top of it, and an /init that
# chroots into that overlay and runs scripts/vm-guest.sh from the repo.
#
# Usage: vm-initramfs.sh [-d MODROOT] KVER OUT.cpio.gz
#   -d MODROOT  take modules from MODROOT/lib/modules/KVER instead of
#               /lib/modules/KVER (e.g. a debug kernel's modules_install
#               staging dir)
#
# The result is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt keyed on
# KVER, MODROOT, the modules' modules.dep and this script's own content, so a
# rebuild happens only when one of those changes.
set -euo pipefail

readonly BUSYBOX=/bin/busybox
# Everything /init needs before the host root is reachable.
readonly WANTED_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

die() {
	echo "vm-initramfs: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 [-d MODROOT] KVER OUT.cpio.gz" >&2
	exit 2
}

cache_dir() {
	echo "${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt/initramfs"
}

# Name images KVER-SOURCE-CONTENT: SOURCE tells module trees apart, CONTENT
# covers this script and modules.dep's mtime (which stands in for the module
# tree: every depmod rewrites it).
cache_key() {
	local kver=$1 modroot=$2 moddir=$3 source content
	source=$(echo "$modroot" | sha256sum)
	content=$(
		{
			sha256sum <"${BASH_SOURCE[0]}"
			stat -c %Y "$moddir/modules.dep"
		} | sha256sum
	)
	echo "$kver-${source:0:8}-${content:0:16}"
}

# Print the wanted modules' .ko paths in insmod order, each once; modules
# built into the kernel ("builtin ...") need nothing.
module_paths() {
	local kver=$1 modroot=$2 name
	for name in "${WANTED_MODULES[@]}"; do
		modprobe -d "$modroot" -S "$kver" --show-depends "$name" ||
			die "modprobe cannot resolve $name for $kver under $modroot"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# Copy one module into the image, decompressing it so busybox insmod copes.
copy_module() {
	local src=$1 dst_dir=$2 base
	base=$(basename "$src")
	case $src in
	*.ko) cp "$src" "$dst_dir/$base" ;;
	*.ko.xz) xz -dc "$src" >"$dst_dir/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst_dir/${base%.zst}" ;;
	*.ko.gz) gzip -dc "$src" >"$dst_dir/${base%.gz}" ;;
	*) die "unexpected module file $src" ;;
	esac
	base=${base%.ko*}.ko
	echo "$base" >>"$dst_dir/order"
}

install_modules() {
	local kver=$1 modroot=$2 root=$3 path
	mkdir -p "$root/modules"
	: >"$root/modules/order"
	while read -r path; do
		copy_module "$path" "$root/modules"
	done < <(module_paths "$kver" "$modroot")
}

install_busybox() {
	local root=$1
	[[ -x $BUSYBOX ]] || die "$BUSYBOX missing (apt-get install busybox-static)"
	mkdir -p "$root/bin" "$root/sbin" "$root/dev" "$root/proc" "$root/sys" \
		"$root/host" "$root/rw" "$root/newroot"
	cp "$BUSYBOX" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
}

# The guest's PID 1. It runs busybox sh, so it is POSIX sh, not bash.
write_init() {
	local root=$1
	cat >"$root/init" <<'INIT'
#!/bin/sh
# Options come from the kernel command line as tcpalt_vm.KEY=VALUE (dotted
# names are kept out of init's environment, so read /proc/cmdline).
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "vm-init: $*" >&2
	# Dropping PID 1 panics the kernel; with panic=-1 and -no-reboot that ends
	# QEMU, and the host reports the missing rc.
	exit 1
}

opt() {
	for word in $(cat /proc/cmdline); do
		case $word in "tcpalt_vm.$1="*) echo "${word#*=}"; return ;; esac
	done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The kernel opened the console before /dev existed if the image lacks a node.
exec </dev/console >/dev/console 2>&1

while read -r m; do
	insmod "/modules/$m" || fail "insmod $m failed"
done </modules/order

# Read-only, nothing changes under it while the VM runs: cache freely.
# 512000 is the largest msize virtio-9p supports on these kernels.
P9=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$P9,cache=loose,ro" hostroot /host || fail "mount hostroot"
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work \
	overlay /newroot || fail "mount overlay"

R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/mnt/vmout
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
# udev would make these; bash's <(...) and /dev/stdin users need them.
ln -s /proc/self/fd $R/dev/fd
ln -s /proc/self/fd/0 $R/dev/stdin
ln -s /proc/self/fd/1 $R/dev/stdout
ln -s /proc/self/fd/2 $R/dev/stderr
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mount -t tmpfs -o mode=755 tmpfs $R/run
# Results must reach the host before power-off: no caching.
mount -t 9p -o "$P9,cache=none" vmout $R/mnt/vmout || fail "mount vmout"
# The host's boot watchdog (vm-run.sh) waits for this.
: >$R/mnt/vmout/booted

# A non-host kernel brings its modules in a staging dir; show them where
# modprobe looks.
kver=$(uname -r)
modroot=$(opt modroot)
if [ -n "$modroot" ]; then
	mkdir -p "$R/lib/modules/$kver"
	mount --bind "/host$modroot/lib/modules/$kver" "$R/lib/modules/$kver" ||
		fail "no modules for $kver under $modroot"
fi

repo=$(opt repo)
[ -n "$repo" ] || fail "tcpalt_vm.repo= missing from the kernel command line"
# A repo under /tmp or /run is hidden by the fresh tmpfs there: overlay it
# back, writable like the rest of the tree.
if [ ! -e "$R$repo/scripts/vm-guest.sh" ]; then
	mkdir -p /rw/repo/upper /rw/repo/work "$R$repo"
	mount -t overlay \
		-o "lowerdir=/host$repo,upperdir=/rw/repo/upper,workdir=/rw/repo/work" \
		overlay "$R$repo" || fail "cannot reach $repo"
fi
exec chroot $R /bin/bash "$repo/scripts/vm-guest.sh"
INIT
	chmod 755 "$root/init"
}

# Pack as newc; root-owned, so the guest sees sane ownership.
pack() {
	local root=$1 out=$2
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -6 >"$out"
}

build() {
	local kver=$1 modroot=$2 out=$3 stage
	stage=$(mktemp -d)
	# shellcheck disable=SC2064  # expand now: $stage is local
	trap "rm -rf '$stage'" EXIT
	install_busybox "$stage/root"
	install_modules "$kver" "$modroot" "$stage/root"
	write_init "$stage/root"
	pack "$stage/root" "$stage/out.cpio.gz"
	# Rename last so a concurrent run never sees a partial image.
	mv "$stage/out.cpio.gz" "$out"
	rm -rf "$stage"
	trap - EXIT
}

# Older images from the same kernel and module tree are dead weight now.
prune_stale() {
	local keep=$1 f
	for f in "${keep%-*}"-*.cpio.gz; do
		[[ -e $f && $f != "$keep" ]] && rm -f "$f"
	done
	return 0
}

main() {
	local modroot=/ opt
	while getopts d: opt; do
		case $opt in
		d) modroot=$(realpath "$OPTARG") ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	[[ $# -eq 2 ]] || usage
	local kver=$1 out=$2
	local moddir=${modroot%/}/lib/modules/$kver
	[[ -f $moddir/modules.dep ]] || die "no modules.dep in $moddir (run depmod?)"

	local dir cached
	dir=$(cache_dir)
	mkdir -p "$dir"
	cached=$dir/$(cache_key "$kver" "$modroot" "$moddir").cpio.gz
	if [[ ! -f $cached ]]; then
		build "$kver" "$modroot" "$cached"
		prune_stale "$cached"
	fi
	[[ $cached -ef $out ]] || cp "$cached" "$out"
}

main "$@"
