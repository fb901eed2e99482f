#!/bin/sh
# The narrated session tests/vm/demo.sh shows: sriovctl on a real kernel
# with emulated SR-IOV hardware. Each command is echoed as "$ ..." and
# followed by its output. Verbs sriovctl does not have yet are replaced
# by plain sysfs writes, and the narration says so.
# shellcheck source=/dev/null
. /tests/vm.env
for n in "/sys/bus/pci/devices/$IGB_PF"/net/*; do IGB_NET=${n##*/}; done

say() { printf '\n# %s\n' "$*"; }
show() {
	printf '$ %s\n' "$*"
	"$@" 2>&1
}
has_verb() { sriovctl "$1" help 2>/dev/null | grep -q "^ *$1 $2 "; }

# Give PF $1 $2 VFs (autoprobe $3) with sriovctl when it can, else sysfs.
set_vfs() { # pf count on|off
	if has_verb pf set; then
		show sriovctl pf set "$1" num-vfs "$2" autoprobe "$3"
	else
		say "(sriovctl has no 'pf set' yet: writing sysfs directly)"
		p=/sys/bus/pci/devices/$1
		v=0
		[ "$3" = off ] || v=1
		show sh -c "echo $v > $p/sriov_drivers_autoprobe"
		show sh -c "echo 0 > $p/sriov_numvfs && echo $2 > $p/sriov_numvfs"
		udevadm settle
	fi
}

if ! command -v sriovctl >/dev/null; then
	echo "sriovctl is not in this image: build it first (make), then run the demo again."
	exit 1
fi

say "Debian's kernel $(uname -r) under QEMU: an Intel 82576 (igb) and two QEMU NVMe"
say "controllers with SR-IOV, each behind its own PCIe root port, and an Intel IOMMU."
show sriovctl --version
show sriovctl pf list

say "One PF in full, named by its network interface."
show sriovctl pf show "$IGB_NET"

say "Four VFs on the igb PF; udev names their interfaces after the PF."
set_vfs "$IGB_NET" 4 on
show sriovctl vf list

if has_verb vf set; then
	say "VF settings go through the PF's driver over rtnetlink."
	show sriovctl vf set "$IGB_NET#0" mac 02:00:00:00:10:01 vlan 100 qos 3
	show sriovctl vf show "$IGB_NET#0"
fi

if has_verb vfio bind && has_verb qemu args; then
	say "Passthrough: VF 1 goes to vfio-pci (loaded on demand), its original"
	say "driver journaled so that 'vfio release' or 'recover' can bring it back."
	show sriovctl vfio bind "$IGB_NET#1"
	show sriovctl iommu show "$IGB_NET#1"
	say "What QEMU will do, done for real: open the VFIO group, program the IOMMU"
	say "with a DMA mapping, open the device."
	show sriovctl vfio check "$IGB_NET#1" --memory 64M
	say "The arguments for QEMU, and the guest's own QEMU 7.2 taking them:"
	show sriovctl qemu args "$IGB_NET#1"
	args=$(sriovctl qemu args "$IGB_NET#1")
	printf '$ qemu-system-x86_64 -machine q35 -accel tcg -m 64 -S %s  (monitor: info pci)\n' "$args"
	# shellcheck disable=SC2086 # the words sriovctl printed, as $(...) gives them
	printf 'info pci\nquit\n' | timeout 120 qemu-system-x86_64 -nodefaults \
		-no-user-config -display none -machine q35 -accel tcg -m 64 -S \
		-monitor stdio -serial none $args 2>&1 | grep -E -B1 -A2 'Ethernet' | head -n 8
	show sriovctl qemu args "$IGB_NET#1" --format libvirt
	show sriovctl vfio release "$IGB_NET#1"
fi

say "Each igb VF has an IOMMU group of its own. The second NVMe PF sits behind"
say "a root port without ACS: its VFs share the PF's group and cannot be"
say "passed through alone. Autoprobe off keeps the host's nvme driver away."
set_vfs "$NVME_SHARED_PF" 2 off
show sriovctl iommu list
show sriovctl iommu show "$NVME_SHARED_PF#0"

say "The same as JSON, for scripts:"
show sriovctl -p vf show "$IGB_NET#1"

say "Removing the VFs again."
if has_verb pf disable; then
	show sriovctl pf disable "$IGB_NET"
	show sriovctl pf disable "$NVME_SHARED_PF"
else
	set_vfs "$IGB_PF" 0 on
	set_vfs "$NVME_SHARED_PF" 0 on
fi
show sriovctl vf list
