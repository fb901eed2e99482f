#!/bin/sh
# VF lifecycle (pf set / pf disable) and VF settings (vf set) on the real
# kernel: igb (a real driver, with what it refuses), NVMe (autoprobe,
# EBUSY, a PF without driver) and netdevsim (every attribute, and the VF
# list at 128, 256 and 1,024 VFs). sriovctl's view is compared with sysfs
# and with iproute2's.
# shellcheck disable=SC2154 # J_* variables come from json_load
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
NSIM_DEV=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NSIM=$(netdev_of "$NSIM_DEV")
IGB=$(netdev_of "$PCI/$IGB_PF")

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }

# VF N of a PF as iproute2 reports it: "mac vlan qos spoofchk trust max_rate"
ip_vf() { # ifname index
	$IP -j -d link show "$1" | jq -r --argjson n "$2" \
		'.[0].vfinfo_list[] | select(.vf == $n) |
		 "\(.address) \(.vlan_list[0].vlan // 0) \(.vlan_list[0].qos // 0) \(.spoofchk) \(.trust) \(.rate.max_tx)"'
}

case_begin igb: enable 4 VFs and wait for them
expect_json $S -j pf set "$IGB_PF" num-vfs 4
expect_eq changed true "$(jqv .changed)"
expect_eq "sysfs sriov_numvfs" 4 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_eq "all ready" '[true,true,true,true]' "$(jqv '[.vfs[].ready]')"
for i in 0 1 2 3; do
	vf=$(link_name "$PCI/$IGB_PF/virtfn$i")
	expect_eq "VF $i address" "\"$vf\"" "$(jqv ".vfs[$i].pci")"
	expect_eq "VF $i driver" "\"$(link_name "$PCI/$vf/driver")\"" "$(jqv ".vfs[$i].driver")"
	# the name udev gave it, not the kernel's first one
	expect_eq "VF $i netdev (udev's name)" "\"$(netdev_of "$PCI/$vf")\"" "$(jqv ".vfs[$i].netdev")"
	expect_match "VF $i netdev renamed" '^"enp' "$(jqv ".vfs[$i].netdev")"
done

case_begin igb: same count again changes nothing
expect_json $S -j pf set "$IGB_PF" num-vfs 4
expect_eq changed false "$(jqv .changed)"

case_begin igb: N to M is refused without --force
expect_fail 3 $S pf set "$IGB_PF" num-vfs 2
expect_eq "VFs untouched" 4 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_fail 2 $S pf set "$IGB_PF" num-vfs 9
expect_json $S -j --force pf set "$IGB_PF" num-vfs 2
expect_eq "resized through 0" '[4,2]' "$(jqv '[.num_vfs_before,.num_vfs]')"
expect_eq "sysfs" 2 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"

case_begin igb: VF settings the driver supports
$IP link set "$IGB" up
wait_for "[ \"\$(cat /sys/class/net/$IGB/carrier)\" = 1 ]" 100 || note "no carrier on $IGB"
expect_json $S -j vf set "$IGB#0" mac 02:11:22:33:44:55 vlan 100 qos 3 spoofchk off trust on max-tx-rate 100
expect_eq changed true "$(jqv .changed)"
expect_eq status '"changed"' "$(jqv '.results[0].status')"
expect_eq "ip agrees" "02:11:22:33:44:55 100 3 false true 100" "$(ip_vf "$IGB" 0)"
expect_json $S -j vf show "$IGB#0"
expect_eq "vf show" '["02:11:22:33:44:55",100,3,false,true,100]' \
	"$(jqv '[.mac,.vlan,.qos,.spoofchk,.trust,.max_tx_rate]')"

case_begin igb: the same settings again write nothing
expect_json $S -j vf set "$IGB#0" mac 02:11:22:33:44:55 vlan 100 qos 3 spoofchk off trust on max-tx-rate 100
expect_eq changed false "$(jqv .changed)"
expect_eq "nothing changed" '[]' "$(jqv '.results[0].changed')"

case_begin igb: what igb refuses fails alone
run_out $S -j vf set "$IGB#1" trust on state enable
expect_eq "exit status" 1 "$RC"
expect_eq "failed field" '["link_state"]' "$(jqv '.results[0].failed')"
expect_eq "the report carries the error (sriovctl(8))" '[1,"failed"]' "$(jqv '[.error.code,.results[0].status]')"
expect_eq "its errno" '[95]' "$(jqv '[.results[0].errors[].errno]')"
expect_eq "trust still applied" '["trust"]' "$(jqv '.results[0].changed')"
expect_eq "ip: trust on" true "$(ip_vf "$IGB" 1 | cut -d' ' -f5)"
run_out $S -j vf set "$IGB#1" vlan 5 proto 802.1ad
expect_eq "802.1ad refused" '[93]' "$(jqv '[.results[0].errors[].errno]')"
expect_fail 2 $S vf set "$IGB#2" trust on

case_begin nvme: autoprobe off leaves VFs unbound
expect_json $S -j pf set "$NVME_PF" num-vfs 2 autoprobe off
expect_eq "sysfs autoprobe" 0 "$(attr "$PCI/$NVME_PF/sriov_drivers_autoprobe")"
expect_eq "VFs unbound" '[null,null]' "$(jqv '[.vfs[].driver]')"
expect_eq "states" '["unbound","unbound"]' "$(jqv '[.vfs[].state]')"
expect_fail 3 $S pf set "$NVME_PF" num-vfs 3
expect_json $S -j pf disable "$NVME_PF"
expect_eq "disabled" '[true,0]' "$(jqv '[.changed,.num_vfs]')"
expect_eq "sysfs" 0 "$(attr "$PCI/$NVME_PF/sriov_numvfs")"

case_begin nvme: a PF without driver gets advice
sysfs_write "$NVME_SHARED_PF" /sys/bus/pci/drivers/nvme/unbind
expect_fail 1 $S pf set "$NVME_SHARED_PF" num-vfs 1
expect_match "advice" 'pci-pf-stub' "$OUT"
sysfs_write "$NVME_SHARED_PF" /sys/bus/pci/drivers/nvme/bind
udevadm settle --timeout=30

case_begin netdevsim: 128 VFs, every attribute
expect_json $S -j pf set "$NSIM" num-vfs 128
expect_eq "sysfs" 128 "$(attr "$NSIM_DEV/sriov_numvfs")"
expect_json $S -j vf set "$NSIM#0-127" vlan 42 qos 5 proto 802.1ad spoofchk off trust on min-tx-rate 10 max-tx-rate 500 state disable query-rss on
expect_eq "every VF changed" 128 "$(jqv '[.results[] | select(.status == "changed")] | length')"
expect_eq "no PCI address: null, the PF by its device name" "[null,\"netdevsim$NSIM_ID\"]" \
	"$(jqv '.results[0] | [.pci, .pf]')"
expect_json $S -j vf list "$NSIM"
expect_eq "128 VFs read back" 128 "$(jqv length)"
expect_eq "all as asked" 128 "$(jqv '[.[] | select(.vlan == 42 and .qos == 5 and .vlan_proto == "802.1ad" and .spoofchk == false and .trust == true and .min_tx_rate == 10 and .max_tx_rate == 500 and .link_state == "disable" and .query_rss == true)] | length')"
expect_eq "ip agrees on VF 127" "42 5 false true 500" "$(ip_vf "$NSIM" 127 | cut -d' ' -f2-)"
expect_json $S -j vf set "$NSIM#0-127" vlan 42 qos 5 proto 802.1ad spoofchk off trust on min-tx-rate 10 max-tx-rate 500 state disable query-rss on
expect_eq "re-apply: nothing changed" false "$(jqv .changed)"

case_begin netdevsim: only max-tx-rate keeps min-tx-rate
expect_json $S -j vf set "$NSIM#7" max-tx-rate 800
expect_json $S -j vf show "$NSIM#7"
expect_eq rates '[10,800]' "$(jqv '[.min_tx_rate,.max_tx_rate]')"

case_begin netdevsim: a multicast MAC never reaches the kernel
expect_fail 2 $S vf set "$NSIM#0" mac 01:00:5e:00:00:01

case_begin netdevsim: 256 VFs read back complete past the 16-bit wrap
expect_json $S -j --force pf set "$NSIM" num-vfs 256
expect_json $S -j vf set "$NSIM#255" mac 02:00:00:00:02:55
expect_json $S -j --pretty vf list "$NSIM" --stats
expect_eq "256 VFs" 256 "$(jqv length)"
expect_eq "the last one" '[255,"02:00:00:00:02:55"]' "$(jqv '.[255] | [.vf,.mac]')"
expect_eq "stats present" true "$(jqv '.[0].stats | has("rx_packets")')"
note "iproute2 lists $($IP -j -d link show "$NSIM" 2>/dev/null | jq '.[0].vfinfo_list | length') of 256 VFs"

case_begin netdevsim: 1024 VFs, written and read back
expect_json $S -j --force pf set "$NSIM" num-vfs 1024
expect_json $S -j vf set "$NSIM#0-1023" max-tx-rate 300
expect_eq "every VF changed" 1024 "$(jqv '[.results[] | select(.status == "changed")] | length')"
expect_json $S -j vf list "$NSIM"
expect_eq "1024 VFs at 300" 1024 "$(jqv '[.[] | select(.max_tx_rate == 300)] | length')"

case_begin netdevsim: 1024 VFs x 5 settings, more than one message holds
# about 100 bytes per VF: the VF list is split over several RTM_SETLINKs
expect_json $S -j vf set "$NSIM#0-1023" vlan 7 qos 1 spoofchk on trust off max-tx-rate 400
expect_eq "every VF changed" 1024 "$(jqv '[.results[] | select(.status == "changed")] | length')"
expect_json $S -j vf list "$NSIM"
expect_eq "all 1024 as asked" 1024 "$(jqv '[.[] | select(.vlan == 7 and .qos == 1 and .spoofchk == true and .trust == false and .max_tx_rate == 400)] | length')"
expect_json $S -j vf set "$NSIM#0-1023" vlan 7 qos 1 spoofchk on trust off max-tx-rate 400
expect_eq "re-apply: nothing changed" false "$(jqv .changed)"
expect_json $S -j pf disable "$NSIM"
expect_eq "sysfs" 0 "$(attr "$NSIM_DEV/sriov_numvfs")"

case_begin clean-up: the igb VFs go, as the scenario found it
expect_json $S -j pf disable "$IGB_PF"
expect_eq "sysfs" 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
$IP link set "$IGB" down

scenario_done
