#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds tcpalt.ko against another kernel tree, or with extra flags, in a
# directory of its own so the repository's tcpalt.ko stays the stock build.
# Usage: build-variant.sh KDIR OUTDIR [EXTRA_CFLAGS [MAKEVAR=VALUE...]]
#
# Only the sources are copied, with their times, so a second build in
# the same directory recompiles only what changed: a variant that
# differs from the last in one object's flags (MAKEVAR
# CFLAGS_module/input.o=-DX) compiles that object alone.
set -euo pipefail

cd "$(dirname "$0")/.."
kdir=$1
out=$2
extra=${3:-}
shift $(($# < 3 ? $# : 3))

mkdir -p "$out"
out=$(realpath "$out")
mapfile -t sources < <(find Kbuild module include -name Kbuild -o -name '*.[ch]')
cp -a --parents -t "$out" -- "${sources[@]}"
make -s -j"$(nproc)" -C "$kdir" M="$out" W=1 KCFLAGS="-Werror $extra" \
	"$@" modules
scripts/symcheck.sh "$out/tcpalt.ko" >/dev/null
echo "$out/tcpalt.ko"
