#!/bin/sh
# The host protections on the real kernel: a process holding a VFIO group
# node open (as a VM does) stops vfio release, pf disable and pf set
# (exit 3, naming it); the udev rule marks VFs meant for passthrough
# NM_UNMANAGED; a journal entry naming a module the device does not match
# loads nothing.
# shellcheck disable=SC2154,SC2153 # the topology comes from vm.env
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
IGB=$(netdev_of "$PCI/$IGB_PF")
driver() { link_name "$PCI/$1/driver"; }
group() { link_name "$PCI/$1/iommu_group"; }

case_begin set-up: igb VF 1 on vfio-pci, NVMe VFs with autoprobe off
if [ -f /tests/contrib/80-sriovctl-vf.rules ]; then
	cp /tests/contrib/80-sriovctl-vf.rules /etc/udev/rules.d/
	udevadm control --reload
fi
for pf in "$IGB_PF" "$NVME_PF"; do
	expect_json $S -j pf disable "$pf"
done
expect_json $S -j pf set "$IGB_PF" num-vfs 2
expect_json $S -j pf set "$NVME_PF" num-vfs 1 autoprobe off
udevadm settle --timeout=30
IGB_VF0=$(link_name "$PCI/$IGB_PF/virtfn0")
IGB_VF1=$(link_name "$PCI/$IGB_PF/virtfn1")
NVME_VF0=$(link_name "$PCI/$NVME_PF/virtfn0")
expect_json $S -j vfio bind "$IGB#1"
udevadm settle --timeout=30
G=$(group "$IGB_VF1")
expect_file "/dev/vfio/$G"

case_begin a held group node refuses release, pf disable and pf set
# shellcheck disable=SC2217 # sleep holds the node open, as a VM does
sleep 600 <"/dev/vfio/$G" >/dev/null 2>&1 3>&- &
HOLDER=$!
sleep 1
expect_fail 3 $S vfio release "$IGB#1"
expect_match "vfio release names the holder" "process $HOLDER\)" "$OUT"
expect_fail 3 $S pf disable "$IGB_PF"
expect_match "pf disable names the holder" "pid $HOLDER\)" "$OUT"
expect_fail 3 $S pf set "$IGB_PF" num-vfs 0
expect_match "pf set names the holder" "pid $HOLDER\)" "$OUT"
expect_fail 3 $S --dev-root /dev/ vfio release "$IGB#1"
(cd / && expect_fail 3 $S --dev-root dev vfio release "$IGB#1") ||
	_failed "relative --dev-root dev: refused"
# the same node under another name: identity, not spelling
mkdir -p /tmp/otherdev/vfio
mknod "/tmp/otherdev/vfio/$G" c $((0x$(stat -c %t "/dev/vfio/$G"))) \
	$((0x$(stat -c %T "/dev/vfio/$G")))
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
# shellcheck disable=SC2217
sleep 600 <"/tmp/otherdev/vfio/$G" >/dev/null 2>&1 3>&- &
HOLDER=$!
sleep 1
expect_fail 3 $S vfio release "$IGB#1"
expect_match "held by another name: named" "process $HOLDER\)" "$OUT"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
rm -rf /tmp/otherdev
expect_eq "still on vfio-pci" vfio-pci "$(driver "$IGB_VF1")"

case_begin udev marks VFs meant for passthrough NM_UNMANAGED
if [ -f /etc/udev/rules.d/80-sriovctl-vf.rules ]; then
	run udevadm info "$PCI/$IGB_VF1"
	expect_match "VF on vfio-pci" '^E: NM_UNMANAGED=1$' "$OUT"
	run udevadm info "$PCI/$NVME_VF0"
	expect_match "VF created with autoprobe off" '^E: NM_UNMANAGED=1$' "$OUT"
	run udevadm info "$PCI/$IGB_VF0"
	expect_eq "a VF on its host driver: not marked" "" \
		"$(printf '%s\n' "$OUT" | grep NM_UNMANAGED)"
	run udevadm test "/sys/bus/pci/devices/$IGB_VF1"
	expect_match "udevadm test: the rule sets it" 'NM_UNMANAGED=1' "$OUT"
else
	_failed "contrib/udev/80-sriovctl-vf.rules staged in the guest"
fi

case_begin a journal entry naming a module the device does not match
rmmod pci_pf_stub 2>/dev/null
expect_no_file /sys/module/pci_pf_stub
mkdir -p /run/sriovctl/journal
printf 'version 1\ndevice %s\nlock %s\nvf 1\nstate releasing\ndriver pci-pf-stub\noverride -\n' \
	"$IGB_VF1" "$IGB_PF" >"/run/sriovctl/journal/$IGB_VF1.vfio"
expect_fail 1 $S recover
expect_match "says why" 'not one the device.s modalias names' "$OUT"
expect_no_file /sys/module/pci_pf_stub
rm -f "/run/sriovctl/journal/$IGB_VF1.vfio"
expect_json $S -j vfio bind "$IGB#1"

case_begin clean-up
expect_json $S -j vfio release "$IGB#1"
expect_eq "back on igbvf" igbvf "$(driver "$IGB_VF1")"
for pf in "$IGB_PF" "$NVME_PF"; do
	expect_json $S -j pf disable "$pf"
done
rm -f /etc/udev/rules.d/80-sriovctl-vf.rules
udevadm control --reload

scenario_done
