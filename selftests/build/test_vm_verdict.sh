#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM runner must fail a run whose command succeeds when the kernel
# log shows a warning, or when the kernel is tainted beyond O and E.
set -uo pipefail

cd "$(dirname "$0")/../.."
status=0

expect_red() {
	local what=$1 cmd=$2 out
	out=$(scripts/vm-run.sh --no-module -- "$cmd" 2>&1)
	if [ $? -eq 0 ]; then
		echo "vm-run.sh passed a run with $what"
		status=1
	elif ! grep -q '^VM: ' <<<"$out"; then
		echo "vm-run.sh failed a run with $what but gave no reason"
		status=1
	fi
}

expect_red "a WARNING in the kernel log" \
	"echo 'WARNING: CPU: 0 PID: 1 at test' > /dev/kmsg; true"
# Bit 9 is W, the taint a WARN_ON leaves.
expect_red "a W taint" "echo 512 > /proc/sys/kernel/tainted; true"
exit $status
