#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints a directory holding the files of Debian's linux-source-6.1 that the
# build uses (kselftest_harness.h, checkpatch.pl and its data), extracted
# once per package version into the cache.  Nothing of the kernel's source
# is ever copied into the repository.
set -euo pipefail

TARBALL=/usr/src/linux-source-6.1.tar.xz
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt
FILES=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
)

[ -f "$TARBALL" ] || { echo "linux-src: $TARBALL missing (scripts/deps.sh)" >&2; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dir=$CACHE/linux-source-$version

if [ ! -f "$dir/.complete" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$TARBALL" -C "$dir" --strip-components=1 \
		"${FILES[@]/#/linux-source-6.1/}"
	touch "$dir/.complete"
fi
echo "$dir"
