#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict, from Debian's linux-source-6.1, over every C file
# and header of the module and the uapi header, and the translator's BPF
# program.
set -euo pipefail

cd "$(dirname "$0")/.."
src=$(scripts/linux-src.sh)
mapfile -t files < <(find module include -name '*.[ch]' | sort)
files+=(scripts/tcpalt-xlate.bpf.c)

"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--summary-file -f "${files[@]}"
echo "checkpatch: ${#files[@]} files clean"
