#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM as PID 1: the initramfs /init chroots into an
# overlay of the host's root and execs this. It loads the module, runs the
# command the host left in the vmout dir, records the results there and
# powers the VM off. PID 1 must never just exit (the kernel would panic), so
# every way out goes through power_off.
#
# Files in the vmout dir (shared with the host over 9p):
#   written by the host:  cmd, module, modparams, NOMODULE, interactive
#   written here:         output, dmesg, tainted, insmod-failed, rc (last)
set -euo pipefail

readonly VMOUT=/mnt/vmout

power_off() {
	sync
	echo o >/proc/sysrq-trigger
	# If ACPI power-off does not end QEMU, a reboot does: it runs -no-reboot.
	# A builtin wait: executables may be unreachable by now.
	read -rt 5 _ <> <(:) || true
	echo b >/proc/sysrq-trigger
}

setup_env() {
	# The host's PATH (and its pyenv shims) mean nothing here.
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}
	export TCPALT_VMOUT=$VMOUT
	# Without forking: every exec costs ~0.1 s under TCG.
	echo tcpalt-vm >/proc/sys/kernel/hostname
	ip link set lo up
}

# Returns non-zero (after saying why in insmod-failed) if the module would
# not load; the command is pointless then.
load_module() {
	[[ -e $VMOUT/NOMODULE ]] && return 0
	local ko params
	ko=$VMOUT/$(<"$VMOUT/module")
	params=$(<"$VMOUT/modparams")
	# insmod loads no dependency: tcpalt's sock_diag handler needs
	# inet_diag (built in on the debug kernel, where this is a no-op).
	modprobe inet_diag 2>/dev/null || true
	# Word splitting is the point: modparams is "a=1 b=2".
	# shellcheck disable=SC2086
	if ! insmod "$ko" $params 2>"$VMOUT/insmod-failed"; then
		cat "$VMOUT/insmod-failed" >&2
		return 1
	fi
	rm -f "$VMOUT/insmod-failed"
}

# The command's output goes to the console (which the host shows) and to
# output; stdin is /dev/null so nothing blocks on the console.
run_batch() {
	[[ -s $VMOUT/cmd ]] || return 0
	{
		local rc=0
		sh "$VMOUT/cmd" </dev/null || rc=$?
		echo "$rc" >"$VMOUT/.cmd-rc"
	} 2>&1 | tee "$VMOUT/output"
	return "$(<"$VMOUT/.cmd-rc")"
}

# A login shell on the serial line as its controlling tty, so job control
# and ^C work. The host passes its TERM and window size in "interactive".
run_interactive() {
	local term rows cols
	{ read -r term && read -r rows cols; } <"$VMOUT/interactive" || true
	[[ -n ${term:-} ]] && export TERM=$term
	if ((${rows:-0} > 0 && ${cols:-0} > 0)); then
		stty rows "$rows" cols "$cols" </dev/ttyS0
	fi
	run_batch || echo "vm-guest: command exited with $?" >&2
	setsid -w -c /bin/bash -l <>/dev/ttyS0 >&0 2>&1
}

record_logs() {
	dmesg >"$VMOUT/dmesg"
	echo "$(</proc/sys/kernel/tainted)" >"$VMOUT/tainted"
}

main() {
	trap power_off EXIT
	set -E
	trap 'echo "vm-guest: line $LINENO: command failed" >&2' ERR
	setup_env
	cd "$(dirname "${BASH_SOURCE[0]}")/.."
	if ! load_module; then
		record_logs
		return 0
	fi
	local rc=0
	if [[ -e $VMOUT/interactive ]]; then
		run_interactive || rc=$?
	else
		run_batch || rc=$?
	fi
	record_logs
	# rc goes last: its presence tells the host the guest finished cleanly.
	echo "$rc" >"$VMOUT/rc"
}

main
