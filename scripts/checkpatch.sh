#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict, from Debian's linux-source-6.1, over every C file
# and header of the module and the uapi header, and the translator's BPF
# program.  The tracepoint header is laid out as TRACE_EVENT() wants, as
# include/trace/events/ are: its macro calls end lines with '(' and align
# to no parenthesis, and those two checks alone are left out for it.
set -euo pipefail

cd "$(dirname "$0")/.."
src=$(scripts/linux-src.sh)
trace=module/trace.h
mapfile -t files < <(find module include -name '*.[ch]' ! -path "$trace" |
		     sort)
files+=(scripts/tcpalt-xlate.bpf.c)

"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--summary-file -f "${files[@]}"
"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--summary-file --ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT \
	-f "$trace"
echo "checkpatch: $((${#files[@]} + 1)) files clean"
