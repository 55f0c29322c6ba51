#!/usr/bin/env bash
# Run a command in a throwaway QEMU VM with the tcpalt module loaded, and
# fail if the kernel complained while it ran.
#
# The VM sees the host's root read-only over 9p with a tmpfs overlay on top,
# so the repo and all host tools are there at the same paths and nothing the
# guest writes reaches the host, except through the vmout dir.
#
# Usage: vm-run.sh [options] [--] COMMAND STRING
#   --kernel BZIMAGE    kernel to boot (default /boot/vmlinuz-$(kver.sh))
#   --modules-dir DIR   its modules' install root, DIR/lib/modules/KVER
#                       (make modules_install INSTALL_MOD_PATH=DIR);
#                       default /
#   --module KO         module to insmod (default REPO/tcpalt.ko)
#   --modparams "..."   its parameters
#   --no-module         do not load it
#   --interactive       shell on the serial console (after COMMAND, if given)
#   --timeout SECS      kill the VM after SECS (default 900; none when
#                       interactive unless given)
# Environment:
#   TCPALT_ACCEL=tcg|kvm    skip the cached KVM probe
#   TCPALT_VM_APPEND="..."  extra kernel command line
#
# Exit status: the command's, or 124 if the VM timed out, or 1 if the guest
# died or the kernel log shows a warning, a bug or a bad taint.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
readonly SCRIPTS REPO
readonly CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt

# Kernel log lines that fail a run.
readonly BAD_PATTERNS=(
	"WARNING:" "BUG:" "Oops" "KASAN" "UBSAN" "circular locking"
	"suspicious RCU usage" "possible recursive locking"
	"inconsistent lock state" "blocked for more than" "soft lockup"
	"hard LOCKUP" "kernel BUG" "general protection fault" "Call Trace:"
	"memory leak"
)
# Taint flags a test run may have: O (out-of-tree) and E (unsigned module).
readonly ALLOWED_TAINT=$((4096 | 8192))
readonly TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

kernel=""
modroot=/
module=$REPO/tcpalt.ko
modparams=""
load_module=1
interactive=0
timeout_secs=""
command=""
workdir=""

die() {
	echo "VM: $*" >&2
	exit 1
}

usage() {
	sed -n '/^# Usage:/,/^# Exit status/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		--kernel) kernel=$2 && shift 2 ;;
		--modules-dir) modroot=$2 && shift 2 ;;
		--module) module=$2 && shift 2 ;;
		--modparams) modparams=$2 && shift 2 ;;
		--no-module) load_module=0 && shift ;;
		--interactive) interactive=1 && shift ;;
		--timeout) timeout_secs=$2 && shift 2 ;;
		-h | --help) usage ;;
		--) shift && break ;;
		-*) echo "VM: unknown option $1" >&2 && usage ;;
		*) break ;;
		esac
	done
	command="$*"
	[[ -n $command || $interactive == 1 ]] || usage
	[[ -z $timeout_secs || $timeout_secs =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
	if [[ -z $timeout_secs && $interactive == 0 ]]; then
		timeout_secs=900
	fi
}

# The release string a bzImage reports, from its setup header: a 16-bit
# pointer at 0x20e, relative to 0x200, to "6.1.0-56-amd64 (debian-kernel@...".
kernel_release() {
	local image=$1 magic ptr
	magic=$(dd if="$image" bs=1 skip=$((0x202)) count=4 status=none)
	[[ $magic == HdrS ]] || die "$image is not a bzImage"
	ptr=$(od -An -tu2 -j $((0x20e)) -N2 "$image" | tr -d ' ')
	dd if="$image" bs=1 skip=$((ptr + 0x200)) count=256 status=none |
		tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

resolve_kernel() {
	if [[ -z $kernel ]]; then
		kernel=/boot/vmlinuz-$("$SCRIPTS/kver.sh")
	fi
	[[ -r $kernel ]] || die "cannot read kernel $kernel"
	kernel=$(realpath "$kernel")
	modroot=$(realpath "$modroot")
}

resolve_module() {
	[[ $load_module == 1 ]] || return 0
	[[ -f $module ]] || die "no module at $module (build it, or pass --no-module)"
	module=$(realpath "$module")
}

# Fill the vmout dir the guest reads. The module travels in it, so any path
# works, even one under the host's /tmp (which the guest mounts afresh).
prepare_vmout() {
	local vmout=$1
	mkdir "$vmout"
	printf '%s\n' "$command" >"$vmout/cmd"
	printf '%s\n' "$modparams" >"$vmout/modparams"
	if [[ $load_module == 1 ]]; then
		cp "$module" "$vmout/"
		basename "$module" >"$vmout/module"
	else
		touch "$vmout/NOMODULE"
	fi
	if [[ $interactive == 1 ]]; then
		{
			echo "${TERM:-vt100}"
			stty size 2>/dev/null || true
		} >"$vmout/interactive"
	fi
}

# KVM, where it works, is much faster; but on some hosts /dev/kvm exists and
# a KVM guest just hangs. So boot a trivial KVM guest once per host kernel
# and remember the verdict.
probe_accel() {
	local verdict
	verdict=$CACHE/accel-$(uname -r)
	if [[ ! -s $verdict ]]; then
		mkdir -p "$CACHE"
		if [[ -r /dev/kvm && -w /dev/kvm ]] &&
			TCPALT_ACCEL=kvm "${BASH_SOURCE[0]}" --no-module --timeout 20 true \
				>/dev/null 2>&1 </dev/null; then
			echo kvm >"$verdict"
		else
			echo tcg >"$verdict"
		fi
	fi
	cat "$verdict"
}

accel_args() {
	local accel=${TCPALT_ACCEL:-}
	[[ -n $accel ]] || accel=$(probe_accel)
	case $accel in
	kvm) printf '%s\n' -accel kvm ;;
	tcg) printf '%s\n' -accel tcg,thread=multi ;;
	*) die "TCPALT_ACCEL must be tcg or kvm, not '$accel'" ;;
	esac
}

kernel_cmdline() {
	local args=(
		console=ttyS0 panic=-1 panic_on_warn=1 oops=panic
		softlockup_panic=1 hung_task_panic=1 slub_debug=FZPU loglevel=4
		rdinit=/init "tcpalt_vm.repo=$REPO"
	)
	[[ $modroot == / ]] || args+=("tcpalt_vm.modroot=$modroot")
	echo "${args[*]} ${TCPALT_VM_APPEND:-}"
}

# Interactive: the serial line shares stdio with the QEMU monitor (^A x
# quits, ^A c for the monitor), and ^C goes to the guest. Batch: stdin is
# /dev/null and ^C stops QEMU.
serial_args() {
	if [[ $interactive == 1 ]]; then
		printf '%s\n' -chardev stdio,id=con,mux=on,signal=off \
			-serial chardev:con -mon chardev=con
	else
		printf '%s\n' -chardev stdio,id=con -serial chardev:con
	fi
}

run_qemu() {
	local initrd=$1 vmout=$2 console=$3 accel serial
	mapfile -t accel < <(accel_args)
	[[ ${#accel[@]} -gt 0 ]] || die "cannot choose an accelerator"
	mapfile -t serial < <(serial_args)
	local qemu=(
		qemu-system-x86_64 -nodefaults -no-user-config -no-reboot
		-machine q35 -cpu max -smp 2 -m 2G -display none
		"${accel[@]}" "${serial[@]}"
		-kernel "$kernel" -initrd "$initrd" -append "$(kernel_cmdline)"
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$vmout,mount_tag=vmout,security_model=none,multidevs=remap"
	)
	local wrap=()
	# --foreground keeps QEMU in our process group, so ^C still reaches it.
	[[ -z $timeout_secs ]] || wrap=(timeout --foreground -k 10 "$timeout_secs")
	local stdin=/dev/null
	[[ $interactive == 0 ]] || stdin=/dev/stdin
	local rc=0
	"${wrap[@]}" "${qemu[@]}" <"$stdin" | tee "$console" || rc=${PIPESTATUS[0]}
	return "$rc"
}

# Print the kernel log lines matching BAD_PATTERNS. In the console capture
# only timestamped kernel lines count, so a test printing "WARNING:" itself
# is not mistaken for the kernel.
bad_log_lines() {
	local vmout=$1 console=$2 re
	re=$(printf '%s|' "${BAD_PATTERNS[@]}")
	re="(${re%|})"
	{
		[[ ! -f $vmout/dmesg ]] || grep -E "$re" "$vmout/dmesg" || true
		tr -d '\r' <"$console" | grep -E "\[ *[0-9]+\.[0-9]+\].*$re" |
			sed 's/^.*\(\[ *[0-9]*\.[0-9]*\]\)/\1/' || true
	} | awk '!seen[$0]++'
}

taint_letters() {
	local value=$1 i letters=""
	for ((i = 0; i < ${#TAINT_LETTERS}; i++)); do
		((value & (1 << i))) && letters+=${TAINT_LETTERS:i:1}
	done
	echo "$letters"
}

# Print why the run failed, if it did; empty output means it passed.
check_results() {
	local vmout=$1 console=$2 bad tainted
	if [[ -f $vmout/insmod-failed ]]; then
		echo "VM: insmod $(<"$vmout/module") failed: $(<"$vmout/insmod-failed")"
	elif [[ ! -f $vmout/rc ]]; then
		echo "VM: the guest did not finish (kernel panic, crash or power-off before the command ended); see the console output above"
	fi
	bad=$(bad_log_lines "$vmout" "$console")
	if [[ -n $bad ]]; then
		echo "VM: kernel log shows problems:"
		awk '{ print "VM:   " $0 }' <<<"$bad"
	fi
	if [[ -f $vmout/tainted ]]; then
		tainted=$(<"$vmout/tainted")
		if ((tainted & ~ALLOWED_TAINT)); then
			echo "VM: kernel tainted $tainted ($(taint_letters "$tainted")); only O and E are expected"
		fi
	fi
}

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	[[ -z $workdir ]] || rm -rf "$workdir"
}

main() {
	parse_args "$@"
	resolve_kernel
	resolve_module
	local kver
	kver=$(kernel_release "$kernel")
	[[ -n $kver ]] || die "cannot read the release of $kernel"

	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/tcpalt-vm.XXXXXX")
	local vmout=$workdir/vmout console=$workdir/console.log initrd=$workdir/initrd.cpio.gz
	"$SCRIPTS/vm-initramfs.sh" -d "$modroot" "$kver" "$initrd"
	prepare_vmout "$vmout"

	local start qemu_rc=0 elapsed guest_rc=none problems
	start=$(date +%s%N)
	run_qemu "$initrd" "$vmout" "$console" || qemu_rc=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	elapsed=$((elapsed / 1000)).$(printf %03d $((elapsed % 1000)) | cut -c1)
	[[ ! -f $vmout/rc ]] || guest_rc=$(<"$vmout/rc")

	if [[ $qemu_rc == 124 || $qemu_rc == 137 ]]; then
		echo "VM: timed out after ${timeout_secs}s (guest hung or too slow; --timeout to change)" >&2
		echo "VM: rc=$guest_rc in ${elapsed}s" >&2
		exit 124
	fi
	problems=$(check_results "$vmout" "$console")
	[[ $qemu_rc == 0 ]] || problems="VM: qemu exited with $qemu_rc"$'\n'$problems
	[[ -z $problems ]] || echo "$problems" >&2
	echo "VM: rc=$guest_rc in ${elapsed}s" >&2
	[[ -z $problems ]] || exit 1
	exit "$guest_rc"
}

main "$@"
