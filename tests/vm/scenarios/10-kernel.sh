#!/bin/sh
# The kernel side on its own, without sriovctl: proves the VM's topology
# and the facts the other scenarios rely on (REAL-KERNEL.md).
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

# PCI address of VF $2 of PF $1 from its SR-IOV offset and stride.
vf_address() { # pf index
	_pf=$1
	_devfn=$(($(attr "$PCI/$_pf/sriov_offset") + $2 * $(attr "$PCI/$_pf/sriov_stride")))
	_bus=$((0x$(echo "$_pf" | cut -d: -f2) + _devfn / 256))
	_devfn=$((_devfn % 256))
	printf '%s:%02x:%02x.%x\n' "${_pf%%:*}" "$_bus" $((_devfn / 8)) $((_devfn % 8))
}

group_of() { link_name "$PCI/$1/iommu_group"; }

# --- igb (82576): up to 8 VFs, driven by igbvf ---------------------------

case_begin igb PF
expect_eq vendor 0x8086 "$(attr "$PCI/$IGB_PF/vendor")"
expect_eq device 0x10c9 "$(attr "$PCI/$IGB_PF/device")"
expect_eq driver igb "$(link_name "$PCI/$IGB_PF/driver")"
IGB_NET=$(netdev_of "$PCI/$IGB_PF")
expect_match "netdev named by udev" '^enp1s0$' "$IGB_NET"

# The 82576 offers 8 VFs; the igb driver keeps one pool for the PF and
# lowers the limit to 7 (pci_sriov_set_totalvfs in igb_probe_vfs).
case_begin igb SR-IOV capability
expect_eq "sriov_totalvfs under igb" 7 "$(attr "$PCI/$IGB_PF/sriov_totalvfs")"
expect_eq sriov_numvfs 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_eq sriov_offset 128 "$(attr "$PCI/$IGB_PF/sriov_offset")"
expect_eq sriov_stride 2 "$(attr "$PCI/$IGB_PF/sriov_stride")"
expect_eq sriov_vf_device 10ca "$(attr "$PCI/$IGB_PF/sriov_vf_device")"
expect_eq sriov_drivers_autoprobe 1 "$(attr "$PCI/$IGB_PF/sriov_drivers_autoprobe")"

case_begin igb sriov_totalvfs without its driver
expect_ok sysfs_write "$IGB_PF" /sys/bus/pci/drivers/igb/unbind
expect_eq "sriov_totalvfs unbound" 8 "$(attr "$PCI/$IGB_PF/sriov_totalvfs")"
sysfs_write 1 "$PCI/$IGB_PF/sriov_numvfs"
expect_match "enabling VFs with no PF driver" 'No such file' "$OUT"
expect_ok sysfs_write "$IGB_PF" /sys/bus/pci/drivers/igb/bind
udevadm settle --timeout=30
expect_eq "sriov_totalvfs rebound" 7 "$(attr "$PCI/$IGB_PF/sriov_totalvfs")"
expect_eq "netdev renamed again" "$IGB_NET" "$(netdev_of "$PCI/$IGB_PF")"

case_begin igb enable 4 VFs
expect_ok set_numvfs "$IGB_PF" 4
expect_eq sriov_numvfs 4 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_no_file "$PCI/$IGB_PF/virtfn4"
pf_group=$(group_of "$IGB_PF")
for i in 0 1 2 3; do
	vf=$(link_name "$PCI/$IGB_PF/virtfn$i")
	expect_eq "virtfn$i address" "$(vf_address "$IGB_PF" $i)" "$vf"
	expect_eq "virtfn$i device" 0x10ca "$(attr "$PCI/$vf/device")"
	expect_eq "virtfn$i physfn" "$IGB_PF" "$(link_name "$PCI/$vf/physfn")"
	wait_for "[ -e $PCI/$vf/net ]" 50
	expect_eq "virtfn$i driver" igbvf "$(link_name "$PCI/$vf/driver")"
	expect_eq "virtfn$i netdev (udev's SR-IOV name)" "${IGB_NET}v$i" "$(netdev_of "$PCI/$vf")"
	g=$(group_of "$vf")
	expect_match "virtfn$i has its own IOMMU group" '^[0-9]+$' "$g"
	[ "$g" != "$pf_group" ] || expect_eq "virtfn$i group differs from the PF's" "not $pf_group" "$g"
done

case_begin igb VF count changes
sysfs_write 2 "$PCI/$IGB_PF/sriov_numvfs"
expect_match "4 -> 2 while VFs exist" 'busy' "$OUT"
sysfs_write 4 "$PCI/$IGB_PF/sriov_numvfs"
expect_eq "the same count again" 0 "$RC"
sysfs_write 9 "$PCI/$IGB_PF/sriov_numvfs"
expect_match "above sriov_totalvfs" 'out of range' "$OUT"
sysfs_write abc "$PCI/$IGB_PF/sriov_numvfs"
expect_match "not a number" 'Invalid argument' "$OUT"
expect_eq sriov_numvfs 4 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"

case_begin igb disable VFs
vf0=$(link_name "$PCI/$IGB_PF/virtfn0")
vf0_group=$(group_of "$vf0")
expect_ok set_numvfs "$IGB_PF" 0
expect_eq sriov_numvfs 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_no_file "$PCI/$IGB_PF/virtfn0"
expect_no_file "/sys/kernel/iommu_groups/$vf0_group"
expect_no_file "/sys/class/net/${IGB_NET}v0"

# --- NVMe: SR-IOV on a second device class --------------------------------

for pf in "$NVME_PF" "$NVME_SHARED_PF"; do
	case_begin "nvme PF $pf"
	expect_eq vendor 0x1b36 "$(attr "$PCI/$pf/vendor")"
	expect_eq device 0x0010 "$(attr "$PCI/$pf/device")"
	expect_eq driver nvme "$(link_name "$PCI/$pf/driver")"
	expect_eq sriov_totalvfs 4 "$(attr "$PCI/$pf/sriov_totalvfs")"
	expect_eq sriov_offset 1 "$(attr "$PCI/$pf/sriov_offset")"
	expect_eq sriov_stride 1 "$(attr "$PCI/$pf/sriov_stride")"
done

case_begin nvme VFs with autoprobe off get own groups
expect_ok sysfs_write 0 "$PCI/$NVME_PF/sriov_drivers_autoprobe"
expect_ok set_numvfs "$NVME_PF" 2
pf_group=$(group_of "$NVME_PF")
vf0=$(link_name "$PCI/$NVME_PF/virtfn0")
vf1=$(link_name "$PCI/$NVME_PF/virtfn1")
expect_eq "virtfn0 address" "$(vf_address "$NVME_PF" 0)" "$vf0"
expect_eq "virtfn0 driver" null "$(link_name "$PCI/$vf0/driver")"
g0=$(group_of "$vf0")
g1=$(group_of "$vf1")
expect_match "three distinct groups" '^3$' "$(printf '%s\n' "$pf_group" "$g0" "$g1" | sort -u | wc -l)"
expect_ok set_numvfs "$NVME_PF" 0
expect_ok sysfs_write 1 "$PCI/$NVME_PF/sriov_drivers_autoprobe"

case_begin nvme behind a port without ACS shares one group
expect_ok sysfs_write 0 "$PCI/$NVME_SHARED_PF/sriov_drivers_autoprobe"
expect_ok set_numvfs "$NVME_SHARED_PF" 2
g=$(group_of "$NVME_SHARED_PF")
for i in 0 1; do
	vf=$(link_name "$PCI/$NVME_SHARED_PF/virtfn$i")
	expect_eq "virtfn$i group" "$g" "$(group_of "$vf")"
	expect_file "/sys/kernel/iommu_groups/$g/devices/$vf"
done
expect_file "/sys/kernel/iommu_groups/$g/devices/$NVME_SHARED_PF"
expect_ok set_numvfs "$NVME_SHARED_PF" 0
expect_ok sysfs_write 1 "$PCI/$NVME_SHARED_PF/sriov_drivers_autoprobe"

# --- netdevsim: rtnetlink VF semantics at any scale ------------------------

NSIM=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NSIM_NET=$(netdev_of "$NSIM")

case_begin netdevsim device
expect_file "$NSIM/sriov_numvfs"
expect_match netdev '^eni[0-9]+np1$' "$NSIM_NET"
expect_eq max_vfs "$NSIM_MAX_VFS" "$(attr "/sys/kernel/debug/netdevsim/netdevsim$NSIM_ID/max_vfs")"

case_begin netdevsim 128 VFs in ip link
expect_ok sysfs_write 128 "$NSIM/sriov_numvfs"
expect_ok "$IP" -d link show dev "$NSIM_NET"
expect_eq "vf lines" 128 "$(printf '%s\n' "$OUT" | grep -cE '^ +vf [0-9]+ ')"
expect_match "last VF" '^ +vf 127 ' "$(printf '%s\n' "$OUT" | grep -E '^ +vf [0-9]+ ' | tail -n1)"
expect_ok sysfs_write 0 "$NSIM/sriov_numvfs"

# Past ~221 VFs the 16-bit IFLA_VFINFO_LIST length wraps; iproute2 6.1
# says so on stderr. sriovctl has to cope with exactly this.
case_begin netdevsim 1024 VFs
expect_ok sysfs_write 1024 "$NSIM/sriov_numvfs"
expect_eq sriov_numvfs 1024 "$(attr "$NSIM/sriov_numvfs")"
run "$IP" link show dev "$NSIM_NET" >/dev/null
expect_match "ip warns about the wrapped list" 'Truncated VF list' "$OUT"
expect_ok sysfs_write 0 "$NSIM/sriov_numvfs"
expect_eq sriov_numvfs 0 "$(attr "$NSIM/sriov_numvfs")"

scenario_done
