#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in a throwaway QEMU VM with the tcpalt module loaded, and
# fail if the kernel complained while it ran.
#
# The VM sees the host's root read-only over 9p with a tmpfs overlay on top,
# so the repo and all host tools are there at the same paths and nothing the
# guest writes reaches the host, except through the vmout dir.
#
# Usage: vm-run.sh [options] [--] COMMAND STRING
#   --kernel IMAGE      kernel to boot, a bzImage or a vmlinux with a PVH
#                       entry (default /boot/vmlinuz-$(kver.sh))
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
#   TCPALT_VM_MEM=SIZE      guest memory, as QEMU's -m (default 2G)
#
# Exit status: the command's, or 124 if the VM timed out, or 1 if the guest
# died or the kernel log shows a warning, a bug or a bad taint.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
readonly SCRIPTS REPO
readonly CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcpalt
readonly SMP=2

# Kernel log lines that fail a run.
readonly BAD_PATTERNS=(
	"WARNING:" "BUG:" "Oops" "KASAN" "UBSAN" "circular locking"
	"suspicious RCU usage" "possible recursive locking"
	"inconsistent lock state" "blocked for more than" "soft lockup"
	"hard LOCKUP" "kernel BUG" "general protection fault" "Call Trace:"
	"suspected memory leak" "Kernel panic"
)
# A guest that has not reached its init this long after QEMU started hung
# in early boot: seen under TCG with three VMs booting at once on two
# CPUs, the kernel stopped for good after its APIC calibration. That is
# the emulator, not the code under test, so such a boot is tried once
# more. Nothing else is ever retried.
readonly BOOT_LIMIT=${TCPALT_VM_BOOT_LIMIT:-300}
# Taint flags a test run may have: O (out-of-tree) and E (unsigned module).
readonly ALLOWED_TAINT=$((4096 | 8192))
readonly TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

kernel=""
kver=""
boot_kernel=""
modroot=/
module=$REPO/tcpalt.ko
modparams=""
accel=""
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
	sed -n '/^# Usage:/,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
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

is_elf() {
	[[ $(head -c4 "$1" | tr -d '\0') == $'\177ELF' ]]
}

# The release string a kernel image reports. A bzImage's setup header has a
# 16-bit pointer at 0x20e, relative to 0x200, to "6.1.0-56-amd64 (debian-...";
# an ELF vmlinux has the banner in the clear.
kernel_release() {
	local image=$1 magic ptr
	if is_elf "$image"; then
		LC_ALL=C grep -aom1 'Linux version [^ ]*' "$image" | cut -d' ' -f3
		return 0
	fi
	magic=$(dd if="$image" bs=1 skip=$((0x202)) count=4 status=none)
	[[ $magic == HdrS ]] || die "$image is neither a bzImage nor an ELF vmlinux"
	ptr=$(od -An -tu2 -j $((0x20e)) -N2 "$image" | tr -d ' ')
	dd if="$image" bs=1 skip=$((ptr + 0x200)) count=256 status=none |
		tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

# QEMU can only boot an ELF kernel that has a PVH entry point (Xen note 0x12).
has_pvh_entry() {
	readelf -n "$1" 2>/dev/null | grep -qE '0x00000012|PHYS32_ENTRY'
}

# Find the compressed vmlinux inside a bzImage the way the kernel's
# extract-vmlinux does: try each compressor at each place its magic occurs.
extract_vmlinux() {
	local image=$1 out=$2 entry magic unpack offset
	for entry in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
		magic=${entry%%:*} unpack=${entry#*:}
		command -v "$unpack" >/dev/null || continue
		while IFS=: read -r offset _; do
			# Trailing bytes after the stream make the unpacker complain.
			tail -c +$((offset + 1)) "$image" | "$unpack" -dcq >"$out" 2>/dev/null || true
			if is_elf "$out" && has_pvh_entry "$out"; then
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "$magic" "$image")
	done
	rm -f "$out"
	return 1
}

# Boot an ELF vmlinux through its PVH entry rather than the bzImage: that
# skips the kernel's self-decompression, about 3 s under TCG for Debian's
# xz-packed image. The extraction is kept, one per release; a bzImage with
# nothing usable inside is booted as it is.
boot_image() {
	local image=$1 kver=$2 dir key cached
	if is_elf "$image"; then
		has_pvh_entry "$image" || die "$image has no PVH entry point (CONFIG_PVH=y)"
		echo "$image"
		return 0
	fi
	dir=$CACHE/vmlinux
	key=$(stat -c '%n %s %Y' "$image" | sha256sum)
	cached=$dir/$kver-${key:0:16}
	if [[ ! -f $cached ]]; then
		mkdir -p "$dir"
		rm -f "$dir/$kver"-*
		if ! extract_vmlinux "$image" "$cached.tmp.$$"; then
			echo "$image"
			return 0
		fi
		mv "$cached.tmp.$$" "$cached"
	fi
	echo "$cached"
}

resolve_kernel() {
	if [[ -z $kernel ]]; then
		kernel=/boot/vmlinuz-$("$SCRIPTS/kver.sh")
	fi
	[[ -r $kernel ]] || die "cannot read kernel $kernel"
	kernel=$(realpath "$kernel")
	kver=$(kernel_release "$kernel")
	[[ -n $kver ]] || die "cannot read the release of $kernel"
	boot_kernel=$(boot_image "$kernel" "$kver")
}

# Accept the modules dir itself (DIR/lib/modules/KVER) as well as its root.
resolve_modroot() {
	modroot=$(realpath "$modroot")
	if [[ ! -d $modroot/lib/modules/$kver && $modroot == */lib/modules/$kver ]]; then
		modroot=${modroot%/lib/modules/"$kver"}
		modroot=${modroot:-/}
	fi
	[[ -d $modroot/lib/modules/$kver ]] || die "no $modroot/lib/modules/$kver for kernel $kernel"
	[[ $modroot != *[[:space:]]* ]] || die "--modules-dir must not contain spaces"
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
			TCPALT_ACCEL=kvm "${BASH_SOURCE[0]}" --kernel "$kernel" \
				--modules-dir "$modroot" --no-module --timeout 20 true \
				>/dev/null 2>&1 </dev/null; then
			echo kvm >"$verdict"
		else
			echo tcg >"$verdict"
		fi
	fi
	cat "$verdict"
}

choose_accel() {
	accel=${TCPALT_ACCEL:-}
	[[ -n $accel ]] || accel=$(probe_accel)
	[[ $accel == tcg || $accel == kvm ]] ||
		die "TCPALT_ACCEL must be tcg or kvm, not '$accel'"
}

# Multi-threaded TCG needs spare host CPUs: one per vCPU, one for QEMU's I/O
# thread and some for whatever else runs. On a 2-CPU host it was slower than
# round-robin even when idle, and twice as slow under load: vCPU threads get
# preempted holding guest locks, and cross-vCPU TLB flushes wait for them.
accel_args() {
	if [[ $accel == kvm ]]; then
		printf '%s\n' -accel kvm
	elif (($(nproc) > SMP + 1)); then
		printf '%s\n' -accel tcg,thread=multi
	else
		printf '%s\n' -accel tcg,thread=single
	fi
}

kernel_cmdline() {
	local args=(
		console=ttyS0 panic=-1 panic_on_warn=1 oops=panic
		softlockup_panic=1 hung_task_panic=1 slub_debug=FZPU
		# KERN_WARNING and above reach the console, so a WARN's own
		# lines are seen even when panic_on_warn kills the guest before
		# its dmesg can be saved.
		loglevel=5
		rdinit=/init "tcpalt_vm.repo=$REPO"
		# Under TCG the vCPUs' TSCs look unsynchronised and the kernel falls
		# back to HPET, where every clock read is an emulated MMIO access.
		tsc=reliable
		# Crypto self-tests cost ~0.5 s of boot under TCG and test nothing
		# of ours.
		cryptomgr.notests
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
	local initrd=$1 vmout=$2 console=$3 accel_opts serial
	mapfile -t accel_opts < <(accel_args)
	mapfile -t serial < <(serial_args)
	# q35 rather than pc: pc took ~4 s longer to reach the command here.
	# -nodefaults: no NIC, VGA or floppy for the guest to probe.
	local qemu=(
		qemu-system-x86_64 -nodefaults -no-user-config -no-reboot
		-machine q35 -cpu max -smp "$SMP" -m "${TCPALT_VM_MEM:-2G}" -display none
		"${accel_opts[@]}" "${serial[@]}"
		-kernel "$boot_kernel" -initrd "$initrd" -append "$(kernel_cmdline)"
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$vmout,mount_tag=vmout,security_model=none,multidevs=remap"
		-pidfile "$vmout/qemu.pid"
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

# Kills QEMU if the guest has not reached its init (vmout/booted) within
# BOOT_LIMIT seconds, and says so in vmout/boot-hung.
watch_boot() {
	local vmout=$1 waited=0
	while ((waited < BOOT_LIMIT)); do
		[[ ! -e $vmout/booted ]] || return 0
		sleep 1
		waited=$((waited + 1))
	done
	: >"$vmout/boot-hung"
	[[ ! -s $vmout/qemu.pid ]] || kill "$(<"$vmout/qemu.pid")" 2>/dev/null || true
}

# One boot: QEMU's exit status, 0 or not, with the boot watched unless a
# person is at the console.
boot_once() {
	local initrd=$1 vmout=$2 console=$3 watcher="" rc=0
	rm -f "$vmout/booted" "$vmout/boot-hung" "$vmout/qemu.pid"
	if [[ $interactive == 0 ]]; then
		watch_boot "$vmout" &
		watcher=$!
	fi
	run_qemu "$initrd" "$vmout" "$console" || rc=$?
	if [[ -n $watcher ]]; then
		kill "$watcher" 2>/dev/null || true
		wait "$watcher" 2>/dev/null || true
	fi
	return "$rc"
}

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	[[ -z $workdir ]] || rm -rf "$workdir"
}

main() {
	parse_args "$@"
	resolve_kernel
	resolve_modroot
	resolve_module
	choose_accel
	[[ $REPO != *[[:space:]]* ]] || die "the repo path must not contain spaces (kernel command line)"

	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/tcpalt-vm.XXXXXX")
	local vmout=$workdir/vmout console=$workdir/console.log initrd=$workdir/initrd.cpio.gz
	"$SCRIPTS/vm-initramfs.sh" -d "$modroot" "$kver" "$initrd"
	prepare_vmout "$vmout"

	local start qemu_rc=0 elapsed guest_rc=none problems
	start=$(date +%s%N)
	boot_once "$initrd" "$vmout" "$console" || qemu_rc=$?
	if [[ -e $vmout/boot-hung ]]; then
		echo "VM: the guest did not reach its init in ${BOOT_LIMIT}s (a hang in early boot); booting it again" >&2
		qemu_rc=0
		boot_once "$initrd" "$vmout" "$console" || qemu_rc=$?
	fi
	[[ ! -e $vmout/boot-hung ]] ||
		echo "VM: the guest did not reach its init in ${BOOT_LIMIT}s, twice" >&2
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
