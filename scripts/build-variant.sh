#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds tcpalt.ko against another kernel tree, or with extra flags, in a
# directory of its own so the repository's tcpalt.ko stays the stock build.
# Usage: build-variant.sh KDIR OUTDIR [EXTRA_CFLAGS]
set -euo pipefail

cd "$(dirname "$0")/.."
kdir=$1
out=$2
extra=${3:-}

mkdir -p "$out"
out=$(realpath "$out")
rm -rf "$out/module" "$out/include"
cp -r Kbuild module include "$out/"
make -s -j"$(nproc)" -C "$kdir" M="$out" W=1 KCFLAGS="-Werror $extra" modules
scripts/symcheck.sh "$out/tcpalt.ko" >/dev/null
echo "$out/tcpalt.ko"
