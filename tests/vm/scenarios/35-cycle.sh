#!/bin/sh
# igb VFs created and removed in turn, 4 then 2, with their drivers and a
# setting checked at each step against sysfs and iproute2.
# shellcheck disable=SC2154 # J_* variables come from json_load
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
IGB=$(netdev_of "$PCI/$IGB_PF")

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
ip_mac() { $IP -j -d link show "$IGB" | jq -r --argjson n "$1" '.[0].vfinfo_list[] | select(.vf == $n) | .address'; }

# COUNT: creates COUNT VFs, checks their drivers and one MAC each, removes them
cycle() {
	case_begin "igb: $1 VFs created, drivers and MACs checked"
	expect_json $S -j pf set "$IGB_PF" num-vfs "$1"
	expect_eq "sysfs sriov_numvfs" "$1" "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
	created=$OUT
	i=0
	while [ "$i" -lt "$1" ]; do
		vf=$(link_name "$PCI/$IGB_PF/virtfn$i")
		expect_eq "VF $i on igbvf" igbvf "$(link_name "$PCI/$vf/driver")"
		expect_eq "VF $i driver in the report" '"igbvf"' "$(printf '%s\n' "$created" | jq -c ".vfs[$i].driver")"
		expect_json $S -j vf set "$IGB#$i" mac "02:00:00:00:0$1:1$i"
		expect_eq "VF $i MAC (iproute2)" "02:00:00:00:0$1:1$i" "$(ip_mac "$i")"
		i=$((i + 1))
	done
	case_begin "igb: the $1 VFs removed"
	expect_json $S -j pf disable "$IGB_PF"
	expect_eq "changed" true "$(jqv .changed)"
	expect_eq "sysfs sriov_numvfs" 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
	expect_no_file "$PCI/$IGB_PF/virtfn0"
	expect_json $S -j pf disable "$IGB_PF"
	expect_eq "disabling again changes nothing" false "$(jqv .changed)"
}

cycle 4
cycle 2

# The PF's netdev renamed: VF settings still reach it, by its device
case_begin "igb: PF netdev renamed, vf set by PCI address reaches it"
expect_json $S -j pf set "$IGB_PF" num-vfs 1
$IP link set "$IGB" down
$IP link set "$IGB" name pfrenamed
$IP link set pfrenamed up
expect_eq "renamed" pfrenamed "$(netdev_of "$PCI/$IGB_PF")"
expect_json $S -j vf set "$IGB_PF#0" mac 02:00:00:00:0a:01
expect_eq "MAC set through the renamed PF (iproute2)" 02:00:00:00:0a:01 \
	"$($IP -j -d link show pfrenamed | jq -r '.[0].vfinfo_list[0].address')"
expect_json $S -j pf disable "$IGB_PF"
$IP link set pfrenamed down
# udev keeps the old name as an alternative name, which blocks the way back
$IP link property del dev pfrenamed altname "$IGB" 2>/dev/null
$IP link set pfrenamed name "$IGB"
$IP link set "$IGB" up
expect_eq "back to its name, no VFs" "$IGB 0" \
	"$(netdev_of "$PCI/$IGB_PF") $(attr "$PCI/$IGB_PF/sriov_numvfs")"

scenario_done
