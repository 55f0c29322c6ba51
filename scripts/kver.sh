#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release (e.g. 6.1.0-56-amd64) that Debian's
# linux-image-amd64 metapackage pulls in. The test VM boots that kernel, not
# the one the host happens to run, so `uname -r` would be wrong here.
set -euo pipefail

readonly META=linux-image-amd64

die() {
	echo "kver: $*" >&2
	exit 1
}

# The metapackage must be installed, not merely known to dpkg (a removed
# package keeps its record with status "rc").
require_installed() {
	local status
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$META" 2>/dev/null) ||
		die "$META is not installed (apt-get install $META)"
	[[ $status == ii* ]] || die "$META is not installed (dpkg status '${status% }')"
}

# Depends looks like "linux-image-6.1.0-56-amd64 (= 6.1.192-2)"; take the
# first linux-image-* alternative and strip the prefix and version constraint.
release_from_depends() {
	local deps dep
	deps=$(dpkg-query -W -f='${Depends}' "$META")
	while read -r dep; do
		dep=${dep%% *}
		if [[ $dep == linux-image-* ]]; then
			echo "${dep#linux-image-}"
			return 0
		fi
	done < <(tr ',|' '\n' <<<"$deps")
	die "no linux-image-* dependency in $META's Depends: '$deps'"
}

require_installed
release_from_depends
