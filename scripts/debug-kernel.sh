#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the debug kernel of the VM's second leg from Debian's
# linux-source-6.1 and scripts/debug-kernel.config, and prints the build
# directory: it holds arch/x86/boot/bzImage, vmlinux and what an out-of-tree
# module builds against; modroot/ holds its modules' install root for the
# VM runner.  Cached outside the repository, keyed by the source package's
# version, the config fragment and RECIPE, so it is built only when one of
# them changes: bump RECIPE when a change here alters the kernel built.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt/debug-kernel
TARBALL=/usr/src/linux-source-6.1.tar.xz
FRAGMENT=$SCRIPTS/debug-kernel.config
RECIPE=1

log() { echo "debug-kernel: $*" >&2; }

[ -f "$TARBALL" ] || { log "$TARBALL missing (scripts/deps.sh)"; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$version $RECIPE"; cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
src=$CACHE/src-$version
out=$CACHE/build-$key

# The VM mounts modroot over /lib/modules; everything is built in, so it
# holds only the index files that modprobe and depmod expect.
install_modroot() {
	[ -d "$out/modroot" ] && return 0
	make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" \
		modules_install >/dev/null
}

if [ -f "$out/.complete" ]; then
	install_modroot
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.complete" ]; then
	log "extracting linux-source $version"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1
	touch "$src/.complete"
fi

# Every option of the fragment must survive Kconfig's dependency checks;
# one that does not would silently build a weaker kernel.
check_config() {
	local line missing=0
	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" ||
				{ log "not in .config: $line"; missing=1; } ;;
		"# CONFIG_"*" is not set")
			grep -qxF "$line" "$out/.config" ||
				{ log "not off in .config: $line"; missing=1; } ;;
		esac
	done <"$FRAGMENT"
	return $missing
}

rm -rf "$out"
mkdir -p "$out"
log "configuring in $out"
make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig
check_config
log "building with $(nproc) jobs (several minutes)"
start=$(date +%s)
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; exit 1; }
log "built in $(( $(date +%s) - start )) s"
touch "$out/.complete"
install_modroot
# Older builds are of no further use; keep the cache to one kernel.
find "$CACHE" -maxdepth 1 -name 'build-*' ! -path "$out" -exec rm -rf {} +
echo "$out"
