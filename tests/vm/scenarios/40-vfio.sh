#!/bin/sh
# Passthrough on the real kernel: igb and NVMe VFs to vfio-pci and back
# (vfio-pci loaded by sriovctl itself), the refusals (a shared IOMMU group,
# an interface with an address), the whole VFIO sequence with a DMA
# mapping (vfio check), kill -9 in the middle of binds then recover, and
# the guest's own QEMU 7.2 started with exactly what "qemu args" printed.
# shellcheck disable=SC2154,SC2153 # J_* come from json_load, the topology from vm.env
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
JOURNAL=/run/sriovctl/journal
IGB=$(netdev_of "$PCI/$IGB_PF")

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
override() { attr "$PCI/$1/driver_override"; }
driver() { link_name "$PCI/$1/driver"; }
group() { link_name "$PCI/$1/iommu_group"; }

# --- set-up: VFs on both kinds of device, vfio-pci not loaded --------------

case_begin set-up: igb and NVMe VFs
# from whatever the scenarios before left
for pf in "$IGB_PF" "$NVME_PF" "$NVME_SHARED_PF"; do
	expect_json $S -j pf disable "$pf"
done
expect_json $S -j pf set "$IGB_PF" num-vfs 3
expect_json $S -j pf set "$NVME_PF" num-vfs 2 autoprobe off
expect_json $S -j pf set "$NVME_SHARED_PF" num-vfs 1 autoprobe off
udevadm settle --timeout=30
IGB_VF1=$(link_name "$PCI/$IGB_PF/virtfn1")
IGB_VF2=$(link_name "$PCI/$IGB_PF/virtfn2")
NVME_VF0=$(link_name "$PCI/$NVME_PF/virtfn0")
SHARED_VF0=$(link_name "$PCI/$NVME_SHARED_PF/virtfn0")
expect_eq "igb VF 1 on igbvf" igbvf "$(driver "$IGB_VF1")"
expect_eq "NVMe VF 0 unbound" null "$(driver "$NVME_VF0")"
# so that vfio bind has to load it (libkmod)
expect_ok rmmod vfio_pci
expect_no_file /sys/bus/pci/drivers/vfio-pci

case_begin doctor
expect_ok $S doctor
expect_match "text verdict" '^ready for passthrough$' "$OUT"
run_out $S -j doctor
expect_eq "exit status" 0 "$RC"
expect_eq ready true "$(jqv .ready)"
expect_eq "IOMMU found" '"ok"' "$(jqv '.findings[] | select(.check == "iommu") | .status')"
expect_match "Intel VT-d" 'VT-d' "$(jqv '.findings[] | select(.check == "iommu") | .message')"
expect_eq "interrupt remapping (intremap=on)" '"ok"' \
	"$(jqv '.findings[] | select(.check == "interrupt-remapping") | .status')"
expect_eq "vfio-pci loadable" '"ok"' "$(jqv '.findings[] | select(.check == "vfio-pci") | .status')"
expect_match "shared group found" 'shares IOMMU group' \
	"$(jqv ".findings[] | select(.subject == \"$NVME_SHARED_PF\" and .check == \"vf-groups\") | .message")"

# --- igb: bind, check, QEMU, release ---------------------------------------

case_begin igb: bind loads vfio-pci and moves the VF
expect_json $S -j vfio bind "$IGB#1"
json_load "$OUT" changed devices
expect_eq changed true "$J_changed"
expect_eq "before/after" '["igbvf","vfio-pci","changed"]' \
	"$(jqv '.devices[0] | [.driver_before,.driver,.status]')"
expect_file /sys/bus/pci/drivers/vfio-pci
expect_eq "sysfs driver" vfio-pci "$(driver "$IGB_VF1")"
expect_eq "driver_override" vfio-pci "$(override "$IGB_VF1")"
expect_file "/dev/vfio/$(group "$IGB_VF1")"
expect_eq "group node named" "\"/dev/vfio/$(group "$IGB_VF1")\"" "$(jqv '.devices[0].group_dev')"
expect_no_file "/sys/class/net/${IGB}v1"
expect_file "$JOURNAL/$IGB_VF1.vfio"
expect_eq "journal mode" 600 "$(stat -c %a "$JOURNAL/$IGB_VF1.vfio")"
expect_match "journal: the original driver" '^driver igbvf$' "$(cat "$JOURNAL/$IGB_VF1.vfio")"
expect_match "journal: the VF's MAC" '^mac ' "$(cat "$JOURNAL/$IGB_VF1.vfio")"

case_begin igb: bind again changes nothing
expect_json $S -j vfio bind "$IGB_VF1"
expect_eq "nothing to do: ok" '[false,"ok"]' "$(jqv '[.changed,.devices[0].status]')"

case_begin igb: the group is viable
expect_json $S -j iommu show "$IGB_VF1"
expect_eq viable true "$(jqv .viable)"

case_begin igb: vfio check opens VFIO and maps DMA
expect_json $S -j vfio check "$IGB#1" --memory 64M
expect_eq ok true "$(jqv .ok)"
json_load "$(jqv '.devices[0]')" ok api_version type1v2 viable dma_map regions irqs reset_supported iommufd
expect_eq "device ok" true "$J_ok"
expect_eq "API version" 0 "$J_api_version"
expect_eq "type1v2, viable" "true true" "$J_type1v2 $J_viable"
expect_eq "1 MiB mapped and unmapped" 1048576 "$(printf '%s' "$J_dma_map" | jq .size)"
expect_eq "every step passed" '[]' "$(jqv '[.devices[0].steps[] | select(.result != "ok")]')"
expect_eq "BAR0 and MSI-X" '[true,3]' \
	"$(jqv '.devices[0] | [(.regions | map(.name) | index("BAR0") != null), (.irqs[] | select(.name == "MSI-X") | .count)]')"
expect_eq "no iommufd on 6.1" false "$J_iommufd"
note "regions: $(jqv '[.devices[0].regions[] | "\(.name)=\(.size)"]') irqs: $(jqv '[.devices[0].irqs[] | "\(.name)=\(.count)"]') reset: $J_reset_supported"
expect_ok $S vfio check "$IGB#1" --memory 64M
expect_match "text: the verdict" '^result: +ok$' "$OUT"
expect_match "text: the mapping" '^DMA test mapping: +1048576 bytes at IOVA 0x' "$OUT"

case_begin igb: QEMU takes the VF with the arguments sriovctl printed
run_out $S qemu args "$IGB#1"
expect_eq "exit status" 0 "$RC"
expect_eq "arguments" "-device vfio-pci,host=$IGB_VF1,id=hostdev0" "$OUT"
ARGS=$OUT
# shellcheck disable=SC2086 # the words sriovctl printed, as $(...) would give them
guest_qemu $ARGS
expect_eq "QEMU exit status" 0 "$RC"
expect_match "info pci shows the VF" 'Ethernet controller.*8086:10ca|10ca.*Ethernet' "$OUT"
expect_match "with our id" 'id "hostdev0"' "$OUT"

case_begin igb: QEMU with root ports and a JSON argument list
expect_json $S -j qemu args "$IGB#1" --root-ports --id-prefix vf --rombar 0
expect_eq "argument list" "[\"-device\",\"pcie-root-port,id=vfrp0,chassis=64,slot=0,addr=0x8.0x0\",\"-device\",\"vfio-pci,host=$IGB_VF1,id=vf0,bus=vfrp0,rombar=0\"]" "$(jqv .args)"
# shellcheck disable=SC2046
guest_qemu $($S qemu args "$IGB#1" --root-ports --id-prefix vf --rombar 0)
expect_eq "QEMU exit status" 0 "$RC"
expect_match "the VF behind the root port" 'dev: vfio-pci, id "vf0"' "$OUT"
expect_match "the root port" 'dev: pcie-root-port, id "vfrp0"' "$OUT"

case_begin igb: a VF not on vfio-pci is refused, and QEMU agrees
expect_fail 3 $S qemu args "$IGB#0"
expect_match "says why" 'is on igbvf, not vfio-pci' "$OUT"
# shellcheck disable=SC2046
guest_qemu $($S qemu args --no-check "$IGB#0")
expect_eq "QEMU fails" 1 "$RC"
expect_match "as REAL-KERNEL.md saw it" 'vfio' "$OUT"

case_begin igb: libvirt XML
expect_ok $S qemu args "$IGB#1" --format libvirt
expect_match "a hostdev" "<hostdev mode='subsystem' type='pci' managed='no'>" "$OUT"
expect_match "source address" "<address domain='0x0000' bus='0x01' slot='0x10' function='0x2'/>" "$OUT"
# a VF with a MAC and a VLAN (set from the PF, whatever the VF's driver)
$IP link set "$IGB" up
expect_json $S -j vf set "$IGB#1" mac 02:00:00:00:01:01 vlan 42
expect_ok $S qemu args "$IGB#1" --format libvirt
expect_match "an interface" "<interface type='hostdev' managed='no'>" "$OUT"
expect_match "with its MAC" "<mac address='02:00:00:00:01:01'/>" "$OUT"
expect_match "and VLAN" "<tag id='42'/>" "$OUT"
expect_json $S -j vf set "$IGB#1" mac 00:00:00:00:00:00 vlan 0

case_begin igb: release returns the VF to igbvf
G=$(group "$IGB_VF1")
expect_json $S -j vfio release "$IGB#1"
expect_eq "before/after" '["vfio-pci","igbvf",true]' \
	"$(jqv '.devices[0] | [.driver_before,.driver,.changed]')"
expect_eq "sysfs driver" igbvf "$(driver "$IGB_VF1")"
expect_eq "driver_override cleared" '(null)' "$(override "$IGB_VF1")"
expect_no_file "/dev/vfio/$G"
expect_no_file "$JOURNAL/$IGB_VF1.vfio"
udevadm settle --timeout=30
expect_eq "netdev back" "${IGB}v1" "$(netdev_of "$PCI/$IGB_VF1")"

# --- refusals ----------------------------------------------------------------

case_begin igb: an interface with an address is refused without --force
expect_ok "$IP" addr add 192.0.2.2/24 dev "${IGB}v2"
expect_fail 3 $S vfio bind "$IGB#2"
expect_match "says why" "${IGB}v2 has 1 address" "$OUT"
expect_eq "still igbvf" igbvf "$(driver "$IGB_VF2")"
expect_eq "override untouched" '(null)' "$(override "$IGB_VF2")"
expect_no_file "$JOURNAL/$IGB_VF2.vfio"
expect_json $S -j --force vfio bind "$IGB#2"
expect_eq "forced" vfio-pci "$(driver "$IGB_VF2")"
expect_json $S -j vfio release "$IGB#2"
udevadm settle --timeout=30

case_begin nvme: a VF in a group shared with its PF is refused
expect_fail 3 $S vfio bind "$NVME_SHARED_PF#0"
expect_match "names the member and its driver" "$NVME_SHARED_PF on nvme" "$OUT"
expect_eq "VF untouched" null "$(driver "$SHARED_VF0")"
expect_eq "PF untouched" nvme "$(driver "$NVME_SHARED_PF")"
expect_json $S -j iommu show "$SHARED_VF0"
expect_eq "not viable" false "$(jqv .viable)"
expect_match "blocker" "\"$NVME_SHARED_PF\",\"nvme\"" "$(jqv '[.blockers[] | .pci, .driver]')"

# --- NVMe: an unbound VF goes to vfio-pci and back to no driver ------------

case_begin nvme: bind an unbound VF, hand its group to a user
expect_json $S -j vfio bind "$NVME_PF#0" --owner 1000:kvm
expect_eq "before/after" '[null,"vfio-pci"]' "$(jqv '.devices[0] | [.driver_before,.driver]')"
G=$(group "$NVME_VF0")
expect_eq "group node owner" "1000:106 660" "$(stat -c '%u:%g %a' "/dev/vfio/$G")"
run_out $S -j vfio check "$NVME_VF0" --user 1000 --no-reset
expect_eq "exit status" 0 "$RC"
expect_eq "the user may open it" '[true,true]' \
	"$(jqv '.devices[0].preflight | [.group_access,.container_access]')"

case_begin nvme: release leaves it without driver, as it was
expect_json $S -j vfio release "$NVME_VF0"
expect_eq "after" '[null,true]' "$(jqv '.devices[0] | [.driver,.changed]')"
expect_eq "sysfs" null "$(driver "$NVME_VF0")"
expect_eq "override cleared" '(null)' "$(override "$NVME_VF0")"

# --- kill -9 in the middle, then recover ------------------------------------

# The kill lands wherever the bind happens to be (the note shows where).
# After recover the VF is either back on igbvf with nothing journaled (a
# bind caught in the middle is undone) or, when the bind had finished,
# on vfio-pci with its record kept; never driverless, never half-done.
case_begin "kill -9 during binds, then recover"
seen=
for delay in 0.02 0.04 0.06 0.08 0.1 0.12 0.14 0.17 0.2 0.25; do
	$S vfio bind "$IGB_VF1" >/dev/null 2>&1 3>&- &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	state=$(sed -n 's/^state //p' "$JOURNAL/$IGB_VF1.vfio" 2>/dev/null)
	seen="$seen ${state:-none}/$(driver "$IGB_VF1")/$(override "$IGB_VF1")"
	run_out $S -j recover
	expect_eq "recover after ${delay}s: exit status" 0 "$RC"
	now="$(driver "$IGB_VF1") $(override "$IGB_VF1") $(sed -n 's/^state //p' "$JOURNAL/$IGB_VF1.vfio" 2>/dev/null)"
	if [ "$state" = bound ]; then
		expect_eq "after ${delay}s (bind had finished)" "vfio-pci vfio-pci bound" "$now"
		expect_eq "after ${delay}s: record kept" '"keep"' "$(jqv '.entries[0].action')"
		run_out $S -j vfio release "$IGB_VF1"
	else
		expect_eq "after ${delay}s (state ${state:-none}): restored" "igbvf (null) " "$now"
	fi
	udevadm settle --timeout=30
	expect_eq "after ${delay}s: igbvf again" igbvf "$(driver "$IGB_VF1")"
done
note "states the kills left (journal/driver/override):$seen"
expect_match "a kill landed in the middle of a bind" 'binding/' "$seen"

case_begin recover keeps the record of a finished bind
expect_json $S -j vfio bind "$IGB_VF1"
expect_json $S -j recover
expect_eq "kept" '[false,"keep"]' "$(jqv '[.changed,.entries[0].action]')"
expect_file "$JOURNAL/$IGB_VF1.vfio"
expect_json $S -j vfio release "$IGB_VF1"
udevadm settle --timeout=30

# --- clean up -----------------------------------------------------------------

case_begin clean up
"$IP" addr flush dev "${IGB}v2"
expect_json $S -j pf disable "$IGB_PF"
expect_json $S -j pf disable "$NVME_PF"
expect_json $S -j pf disable "$NVME_SHARED_PF"
expect_ok sysfs_write 1 "$PCI/$NVME_PF/sriov_drivers_autoprobe"
expect_ok sysfs_write 1 "$PCI/$NVME_SHARED_PF/sriov_drivers_autoprobe"

scenario_done
