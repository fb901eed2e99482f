# shellcheck shell=bash disable=SC2034 # variables are for the sourcing scripts
# Shared settings of the real-kernel test tier's host scripts
# (fetch.sh, run.sh, demo.sh). Sourced, not run.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SRIOVCTL_VM_CACHE:-$HOME/.cache/sriovctl-vm}
# Debian release whose kernel, udev and QEMU 7.2 go into the guest; the
# host QEMU (10.x) comes from its backports suite.
SUITE=bookworm
ARCH_TRIPLET=x86_64-linux-gnu

log() { printf 'vm: %s\n' "$*" >&2; }
die() {
	printf 'vm: error: %s\n' "$*" >&2
	exit 3
}
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found: install the packages in tests/vm/packages.txt"
	done
}

# Everything fetch.sh leaves behind for run.sh and demo.sh.
HOST_ROOT=$CACHE/host             # QEMU 10 unpacked with dpkg -x
VMLINUX=$CACHE/vmlinux            # the kernel, uncompressed ELF
# Left uncompressed: gunzip under TCG costs the guest ~3.5 s per boot.
BASE_CPIO=$CACHE/base.cpio        # static part of the initramfs
BASE_LIST=$CACHE/base.files       # the paths it holds
READY=$CACHE/ready                # stamp: all of the above is complete
# The systemd-booted guest's layer over base.cpio (systemd, udev's units).
SYSTEMD_DIR=$CACHE/systemd
SYSTEMD_CPIO=$SYSTEMD_DIR/systemd.cpio
SYSTEMD_READY=$SYSTEMD_DIR/ready  # stamp: systemd.cpio is complete
# The second kernel, from the backports suite (6.12), and its modules.
BPO_DIR=$CACHE/kernel-bpo
BPO_VMLINUX=$BPO_DIR/vmlinux
BPO_MODULES=$BPO_DIR/modules.cpio
BPO_READY=$BPO_DIR/ready          # stamp: the three above are complete

# The cached QEMU 10, with its own libraries, modules and firmware.
HOST_QEMU=(env "LD_LIBRARY_PATH=$HOST_ROOT/usr/lib/$ARCH_TRIPLET:$HOST_ROOT/lib/$ARCH_TRIPLET"
	"QEMU_MODULE_DIR=$HOST_ROOT/usr/lib/$ARCH_TRIPLET/qemu"
	"$HOST_ROOT/usr/bin/qemu-system-x86_64" -L "$HOST_ROOT/usr/share/qemu"
	-L "$HOST_ROOT/usr/share/seabios" -L "$HOST_ROOT/usr/lib/ipxe/qemu")
host_qemu() { "${HOST_QEMU[@]}" "$@"; }

# --- the VM -------------------------------------------------------------

# The topology: each PF behind its own PCIe root port, so the guest's bus
# numbers follow the port order (01, 02, 03). The third port has no ACS:
# its NVMe PF and that PF's VFs share one IOMMU group.
NVME_SRIOV=sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=10,msix_qsize=5
# shellcheck disable=SC2054 # QEMU's options are comma-separated
VM_DEVICES=(
	-device intel-iommu,intremap=on,caching-mode=on
	-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1,addr=2.0
	-netdev user,id=net0,restrict=on
	-device igb,bus=rp1,netdev=net0,romfile=
	-device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2,addr=3.0
	-device nvme-subsys,id=subsys0,nqn=sriovctl-vm-0
	-device "nvme,bus=rp2,serial=sriovctl0,subsys=subsys0,$NVME_SRIOV"
	-device pcie-root-port,id=rp3,bus=pcie.0,chassis=3,slot=3,addr=4.0,disable-acs=on
	-device nvme-subsys,id=subsys1,nqn=sriovctl-vm-1
	-device "nvme,bus=rp3,serial=sriovctl1,subsys=subsys1,$NVME_SRIOV"
)

# What the scenarios know about that topology (/tests/vm.env in the guest).
vm_env() {
	cat <<EOF
IGB_PF=0000:01:00.0
NVME_PF=0000:02:00.0
NVME_SHARED_PF=0000:03:00.0
NSIM_ID=1
NSIM_MAX_VFS=1024
EOF
}

# The command that boots the VM, in VM_CMD: the console (ttyS0) goes to
# file $1, the results line (ttyS1) to stdout; $2 is the initrd, $3 more
# kernel parameters. The guest powers off when done; a panic ends QEMU too.
# no_timer_check: on a loaded host the emulated CPU can be too slow for
# the kernel's early IO-APIC timer check, which then panics ("timer
# doesn't work through Interrupt-remapped IO-APIC").
vm_command() { # console-file initrd extra-kernel-params
	# shellcheck disable=SC2054
	VM_CMD=("${HOST_QEMU[@]}" -nodefaults -no-user-config -display none -monitor none
		-machine q35,kernel-irqchip=split -accel tcg -cpu qemu64
		-m "${SRIOVCTL_VM_MEM:-1024}" -smp "${SRIOVCTL_VM_SMP:-1}" -no-reboot
		"${VM_DEVICES[@]}"
		-kernel "$VMLINUX" -initrd "$2"
		-append "console=ttyS0 quiet intel_iommu=on iommu=pt panic=-1 no_timer_check $3"
		-serial "file:$1" -chardev stdio,id=results -serial chardev:results)
}

# $1/$2, or else the first file called $2 below $1 (sanitizer builds aside).
find_built() { # build-dir name
	if [ -e "$1/$2" ]; then
		echo "$1/$2"
	else
		find "$1" -name san -prune -o -name "$2" \( -type f -o -type l \) -print 2>/dev/null |
			sort | head -n1 || true
	fi
}

# Find the project's binaries in build directory $1 and stage them, the
# libraries ldd lists for them (those the base image lacks) and the
# guest-side scripts into directory $2. Missing binaries are reported,
# and the cases that need them fail in the guest.
stage_guest_files() { # build-dir stage-dir
	local build=$1 stage=$2 bin lib libdir='' f name
	local libs=$stage/usr/lib/$ARCH_TRIPLET
	mkdir -p "$stage/usr/bin" "$libs" "$stage/tests/scenarios" "$stage/tests/demo"
	cp "$VM_DIR/guest/init" "$stage/init"
	cp "$VM_DIR/lib.sh" "$stage/tests/lib.sh"
	cp "$VM_DIR/demo/session.sh" "$stage/tests/demo/"
	# the udev rule that re-applies a PF's part when it (re)appears
	mkdir -p "$stage/tests/contrib"
	cp "$VM_DIR/../../contrib/systemd/90-sriovctl-apply.rules.in" "$stage/tests/contrib/"
	cp "$VM_DIR/../../contrib/udev/80-sriovctl-vf.rules" "$stage/tests/contrib/"
	vm_env >"$stage/tests/vm.env"

	bin=$(find_built "$build" sriovctl)
	lib=$(find_built "$build" libsriov.so.0)
	if [ -n "$lib" ]; then
		cp -L "$lib" "$libs/libsriov.so.0"
		libdir=$(dirname "$lib")
	else
		log "warning: no libsriov.so.0 under '$build'"
	fi
	if [ -z "$bin" ]; then
		log "warning: no sriovctl under '$build': the cases that run it will fail"
		return 0
	fi
	cp "$bin" "$stage/usr/bin/sriovctl"
	# Host libraries the binaries were linked against, unless the image
	# has them already (it carries the same Debian release's).
	for f in $(LD_LIBRARY_PATH=$libdir ldd "$bin" ${lib:+"$lib"} |
		awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u); do
		name=${f##*/}
		case $name in libsriov.so*) continue ;; esac
		grep -qxF "usr/lib/$ARCH_TRIPLET/$name" "$BASE_LIST" || cp -L "$f" "$libs/$name"
	done
}

# The systemd-booted guest on top of stage_guest_files: sriovctl from
# "make install" (binary, library, units, udev rules), /etc/sriovctl, the
# PF drivers in /etc/modules-load.d (so that they are bound when the boot
# unit runs), the units enabled as an administrator would, and the
# harness's own units from tests/vm/systemd/.
stage_systemd_files() { # build-dir stage-dir
	local build=$1 stage=$2 sd=$VM_DIR/systemd
	rm -f "$stage/usr/bin/sriovctl"
	make -s -C "$VM_DIR/../.." BUILD="$(cd "$build" && pwd)" PREFIX=/usr \
		LIBDIR=/usr/lib/$ARCH_TRIPLET DESTDIR="$stage" install >"$stage.install.log" 2>&1 ||
		die "make install into the guest failed:"$'\n'"$(tail -n 5 "$stage.install.log")"
	rm -rf "${stage:?}/usr/include" "${stage:?}/usr/share"
	mkdir -p "$stage/etc/sriovctl" "$stage/etc/systemd/system" "$stage/etc/modules-load.d" \
		"$stage/tests/systemd"
	cp "$sd/host.yaml" "$stage/etc/sriovctl/"
	cp "$sd"/*.service "$stage/etc/systemd/system/"
	cp "$sd/consumer" "$sd/igb-state" "$stage/tests/systemd/"
	printf '%s\n' igb nvme >"$stage/etc/modules-load.d/sriovctl-vm.conf"
	printf 'PRETTY_NAME="sriovctl test guest"\nID=debian\n' >"$stage/etc/os-release"
	echo sriovctl-vm >"$stage/etc/hostname"
	: >"$stage/etc/fstab"
	systemctl --root="$stage" --quiet enable sriovctl-apply.service \
		sriovctl-vm-consumer.service sriovctl-vm-tests.service
}

# The initrd: the cached base archive, more cached layers, then one with
# this run's files. Each archive must start on a 4-byte boundary (the
# kernel skips zero padding between them), which matters once the base is
# compressed.
make_initrd() { # stage-dir out [layer.cpio...]
	local stage=$1 out=$2 f size
	shift 2
	{
		for f in "$BASE_CPIO" "$@"; do
			size=$(stat -c %s "$f")
			cat "$f"
			head -c $(((4 - size % 4) % 4)) /dev/zero
		done
		(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	} >"$out"
}

# Make sure the cache is complete (downloads only when it is not).
ensure_cache() {
	"$VM_DIR/fetch.sh" || die "could not prepare the VM cache in $CACHE (see above)"
	if [ ! -f "$READY" ] || [ ! -f "$SYSTEMD_READY" ] || [ ! -f "$BPO_READY" ]; then
		die "the VM cache in $CACHE is incomplete"
	fi
}
