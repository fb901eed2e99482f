#!/bin/sh
# Claims on the real kernel: 16 claims of one VF each in parallel over the
# igb VFs and both NVMe PFs' VFs (those sharing the IOMMU group of the
# NVMe PF behind the ACS-less port are not free for vfio-pci), every
# claimed VF on vfio-pci with its group node owned as asked, the guest's
# QEMU 7.2 started with "qemu args --claim"; a claim with VLAN, trust and
# MACs given back so that "ip -d link show" reads as before; vfio release
# after vf set, and --reset; mac ADDR+ on a range; claim gc after the holder was
# killed; bad input.
# shellcheck disable=SC2154,SC2153 # J_* come from json_load, the topology from vm.env
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
CLAIMS=/run/sriovctl/claims
IGB=$(netdev_of "$PCI/$IGB_PF")

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
driver() { link_name "$PCI/$1/driver"; }
group() { link_name "$PCI/$1/iommu_group"; }
# the PF's VF settings as iproute2 shows them, stats aside
vfinfo() { $IP -j -d link show "$IGB" | jq -c '[.[0].vfinfo_list[] | del(.stats)]'; }
igb_drivers() {
	for v in 0 1 2 3 4 5 6; do driver "$(link_name "$PCI/$IGB_PF/virtfn$v")"; done | tr '\n' ' '
}
lease_pcis() { cat "$CLAIMS"/*.json 2>/dev/null | jq -r '.vfs[].pci'; }

case_begin set-up: 7 igb VFs, 4 and 4 NVMe VFs, vfio-pci loaded
for pf in "$IGB_PF" "$NVME_PF" "$NVME_SHARED_PF"; do
	expect_json $S -j pf disable "$pf"
done
expect_json $S -j pf set "$IGB_PF" num-vfs 7
expect_json $S -j pf set "$NVME_PF" num-vfs 4 autoprobe off
expect_json $S -j pf set "$NVME_SHARED_PF" num-vfs 4 autoprobe off
udevadm settle --timeout=30
modprobe vfio_pci
rm -rf "$CLAIMS"
expect_eq "igb VFs on igbvf" "igbvf igbvf igbvf igbvf igbvf igbvf igbvf " "$(igb_drivers)"

case_begin bad input: exit 2, nothing touched
overrides() { for f in "$PCI"/*/driver_override; do printf '%s=%s ' "${f%/*}" "$(cat "$f")"; done; }
SUM=$(overrides)
expect_fail 2 $S claim show nosuch
expect_fail 2 $S claim release nosuch
expect_fail 2 $S claim add vm --count 0
expect_fail 2 $S claim add vm --count 1 --numa 9
expect_fail 2 $S claim add vm --count 1 --device 8086:ffff
expect_fail 2 $S claim add vm --count 2 --pf "$IGB_PF" mac 02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:03
expect_fail 2 $S vf set "$IGB#0-3" mac 02:00:00:00:01:00
expect_match "one MAC for four VFs refused" 'would go to 4 VFs' "$OUT"
expect_eq "no lease" "" "$(ls "$CLAIMS" 2>/dev/null)"
expect_match "driver_override files read" "$IGB_PF=" "$SUM"
expect_eq "no driver_override written" "$SUM" "$(overrides)"
expect_eq "igb VFs still on igbvf" "igbvf igbvf igbvf igbvf igbvf igbvf igbvf " "$(igb_drivers)"

case_begin 16 claims of one VF in parallel
i=0
while [ $i -lt 16 ]; do
	i=$((i + 1))
	$S -j claim add "vm$i" --count 1 --owner 1000:kvm >"/tmp/claim.$i" 2>&1 &
done
wait
OK=$(cat /tmp/claim.* | jq -s '[.[] | select(.changed == true)] | length')
FAILED=$(cat /tmp/claim.* | jq -s '[.[] | select(.error.code == 1 and (.error.message | test("1 VF asked, 0 free")))] | length')
note "claims made: $OK, failed cleanly: $FAILED"
note "a failure: $(cat /tmp/claim.* | jq -rs '[.[] | select(.error)][0].error.message')"
expect_eq "claims made (7 igb + 4 NVMe VFs free for vfio-pci)" 11 "$OK"
expect_eq "the others fail cleanly, naming what they found" 5 "$FAILED"
expect_eq "one lease per claim" 11 "$(find "$CLAIMS" -name "*.json" | wc -l)"
expect_eq "11 distinct VFs in the leases" 11 "$(lease_pcis | sort -u | wc -l)"
expect_eq "no VF of the NVMe PF whose group it shares" "" \
	"$(lease_pcis | grep "^${NVME_SHARED_PF%.*}" )"
BAD=
for vf in $(lease_pcis); do
	[ "$(driver "$vf")" = vfio-pci ] || BAD="$BAD $vf:$(driver "$vf")"
	[ "$(stat -c %u:%G "/dev/vfio/$(group "$vf")")" = 1000:kvm ] ||
		BAD="$BAD $vf:$(stat -c %u:%G "/dev/vfio/$(group "$vf")")"
done
expect_eq "every claimed VF on vfio-pci, its group node owned by 1000:kvm" "" "$BAD"
expect_eq "each lease 0600" "600" "$(stat -c %a "$CLAIMS"/*.json | sort -u)"

case_begin QEMU 7.2 starts with qemu args --claim
ONE=$(grep -l "\"pf\": \"$IGB_PF\"" "$CLAIMS"/*.json | head -n 1)
ONE=$(basename "$ONE" .json)
run_out $S qemu args --claim "$ONE"
expect_eq "qemu args --claim: exit status" 0 "$RC"
ARGS=$OUT
note "qemu args --claim $ONE: $ARGS"
# shellcheck disable=SC2086 # the words sriovctl printed
guest_qemu $ARGS
expect_eq "QEMU exit status" 0 "$RC"
expect_match "info pci shows the VF" 'Ethernet controller.*8086:10ca|10ca.*Ethernet' "$OUT"
expect_json $S -j claim show "$ONE"
expect_eq "claim show carries the same arguments" "\"$ARGS\"" "$(jqv '.qemu_args | join(" ")')"

case_begin claim gc --all gives every VF back
expect_json $S -j claim gc --all
expect_eq "released" 11 "$(jqv '.released | length')"
expect_eq "no lease left" "" "$(ls "$CLAIMS")"
expect_eq "igb VFs back on igbvf" "igbvf igbvf igbvf igbvf igbvf igbvf igbvf " "$(igb_drivers)"
expect_eq "NVMe VF 0 back to no driver" null "$(driver "$(link_name "$PCI/$NVME_PF/virtfn0")")"

case_begin "a claim with VLAN, trust and MACs, then claim release: as before"
BEFORE=$(vfinfo)
DRV_BEFORE=$(igb_drivers)
expect_json $S -j claim add net --count 2 --pf "$IGB_PF" vlan 100 qos 3 trust on mac auto
MAC0=$(jqv '.vfs[0].mac')
note "claim net: $(jqv '[.vfs[] | [.pci, .mac]]')"
CLAIMED=$(vfinfo)
expect_eq "VF 0 in VLAN 100 with QoS 3, trusted, with the claim's MAC" "[100,3,true,$MAC0]" \
	"$(printf '%s\n' "$CLAIMED" | jq -c "[.[0] | .vlan_list[0].vlan, .vlan_list[0].qos, .trust, .address]")"
expect_match "a locally administered MAC" '^"[0-9a-f][26ae]:' "$MAC0"
expect_json $S -j claim release net
expect_eq "released" true "$(jqv .released)"
AFTER=$(vfinfo)
note "before: $BEFORE"
note "after:  $AFTER"
expect_eq "every VF setting as before (ip -j -d link show)" "$BEFORE" "$AFTER"
expect_eq "drivers as before" "$DRV_BEFORE" "$(igb_drivers)"

case_begin vfio release after vf set gives the settings back
BEFORE=$(vfinfo)
expect_json $S -j vfio bind "$IGB#2"
expect_json $S -j vf set "$IGB#2" vlan 42 trust on mac 02:00:00:00:42:42 spoofchk off
expect_eq "changed while bound" '[42,true,"02:00:00:00:42:42"]' \
	"$(vfinfo | jq -c '[.[2] | .vlan_list[0].vlan, .trust, .address]')"
expect_json $S -j vfio release "$IGB#2"
expect_eq "settings given back" '["mac","vlan","spoofchk","trust"]' "$(jqv '.devices[0].settings_restored')"
expect_eq "every VF setting as before" "$BEFORE" "$(vfinfo)"
expect_eq "back on igbvf" igbvf "$(driver "$(link_name "$PCI/$IGB_PF/virtfn2")")"

case_begin vfio release --reset resets the VF before igbvf takes it back
expect_json $S -j vfio bind "$IGB#3"
expect_json $S -j vfio release "$IGB#3" --reset
expect_eq "reset, back on igbvf" '[true,"igbvf","changed"]' "$(jqv '[.devices[0].reset, .devices[0].driver, .devices[0].status]')"
expect_file "$PCI/$(link_name "$PCI/$IGB_PF/virtfn3")/reset"

case_begin vf set mac ADDR+ on a range
expect_json $S -j vf set "$IGB#0-3" mac 02:00:00:00:01:fe+
expect_eq "consecutive MACs" '["02:00:00:00:01:fe","02:00:00:00:01:ff","02:00:00:00:02:00","02:00:00:00:02:01"]' \
	"$(vfinfo | jq -c '[.[0:4][].address]')"

case_begin claim gc after the holder was killed
sleep 600 &
HOLDER=$!
expect_json $S -j claim add held --count 1 --pf "$NVME_PF" --holder-pid "$HOLDER"
HELD=$(printf '%s\n' "$OUT" | jq -r '.vfs[0].pci')
expect_eq "on vfio-pci" vfio-pci "$(driver "$HELD")"
expect_json $S -j claim gc
expect_eq "kept while the holder runs" '[]' "$(jqv .released)"
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null
expect_json $S -j claim gc
expect_eq "released once it is gone" '["held"]' "$(jqv .released)"
expect_eq "the VF back to no driver" null "$(driver "$HELD")"
expect_eq "no lease left" "" "$(ls "$CLAIMS")"

case_begin clean-up
for pf in "$IGB_PF" "$NVME_PF" "$NVME_SHARED_PF"; do
	expect_json $S -j pf disable "$pf"
done
scenario_done
