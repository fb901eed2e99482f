#!/bin/sh
# sriovctl's read-only commands against the real kernel: every field of
# its JSON (schema in sriovctl-pf(8), -vf(8), -iommu(8)) must say what
# sysfs says. VFs are created through sysfs here, not through sriovctl.
# shellcheck disable=SC2154 # J_* variables come from json_load
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

PF_KEYS='pci netdev driver vendor_id device_id numa_node total_vfs num_vfs
drivers_autoprobe vf_device_id vf_offset vf_stride iommu_group sriov_cap'
VF_KEYS='pf vf pci netdev driver vendor_id device_id iommu_group numa_node'

# An ID attribute ("0x8086", or "10" for sriov_vf_device) as 4 hex digits.
hex4() { printf '%04x\n' "0x$(attr "$1" | sed 's/^0x//')"; }
numa() { _v=$(attr "$1/numa_node"); if [ "$_v" = -1 ]; then echo null; else echo "$_v"; fi; }
group_of() { link_name "$1/iommu_group"; }
autoprobe() { if [ "$(attr "$1")" = 1 ]; then echo true; else echo false; fi; }
# Addresses of the SR-IOV PFs in sysfs, in address order.
sysfs_pfs() { for d in "$PCI"/*/sriov_totalvfs; do d=${d%/*}; echo "${d##*/}"; done; }

# Compare a PF object with sysfs, field by field.
check_pf() { # json pf
	d=$PCI/$2
	# shellcheck disable=SC2086 # one key per word
	json_load "$1" $PF_KEYS || return 1
	expect_eq pci "\"$2\"" "$J_pci"
	expect_eq netdev "$(js "$(netdev_of "$d")")" "$J_netdev"
	expect_eq driver "$(js "$(link_name "$d/driver")")" "$J_driver"
	expect_eq vendor_id "\"$(hex4 "$d/vendor")\"" "$J_vendor_id"
	expect_eq device_id "\"$(hex4 "$d/device")\"" "$J_device_id"
	expect_eq numa_node "$(numa "$d")" "$J_numa_node"
	expect_eq total_vfs "$(attr "$d/sriov_totalvfs")" "$J_total_vfs"
	expect_eq num_vfs "$(attr "$d/sriov_numvfs")" "$J_num_vfs"
	expect_eq drivers_autoprobe "$(autoprobe "$d/sriov_drivers_autoprobe")" "$J_drivers_autoprobe"
	expect_eq vf_device_id "\"$(hex4 "$d/sriov_vf_device")\"" "$J_vf_device_id"
	expect_eq vf_offset "$(attr "$d/sriov_offset")" "$J_vf_offset"
	expect_eq vf_stride "$(attr "$d/sriov_stride")" "$J_vf_stride"
	expect_eq iommu_group "$(group_of "$d")" "$J_iommu_group"
	# The capability as decoded from config space (we are root here).
	json_load "$J_sriov_cap" total_vfs num_vfs vf_offset vf_stride vf_device_id vf_enable
	expect_eq "sriov_cap.num_vfs" "$(attr "$d/sriov_numvfs")" "$J_num_vfs"
	expect_eq "sriov_cap.vf_offset" "$(attr "$d/sriov_offset")" "$J_vf_offset"
	expect_eq "sriov_cap.vf_stride" "$(attr "$d/sriov_stride")" "$J_vf_stride"
	expect_eq "sriov_cap.vf_device_id" "\"$(hex4 "$d/sriov_vf_device")\"" "$J_vf_device_id"
}

# Compare a VF object with sysfs: VF number $3 of PF $2.
check_vf() { # json pf index
	vf=$(link_name "$PCI/$2/virtfn$3")
	d=$PCI/$vf
	# shellcheck disable=SC2086
	json_load "$1" $VF_KEYS || return 1
	expect_eq "vf $3: pf" "\"$2\"" "$J_pf"
	expect_eq "vf $3: vf" "$3" "$J_vf"
	expect_eq "vf $3: pci" "\"$vf\"" "$J_pci"
	expect_eq "vf $3: netdev" "$(js "$(netdev_of "$d")")" "$J_netdev"
	expect_eq "vf $3: driver" "$(js "$(link_name "$d/driver")")" "$J_driver"
	expect_eq "vf $3: vendor_id" "\"$(hex4 "$PCI/$2/vendor")\"" "$J_vendor_id"
	expect_eq "vf $3: device_id" "\"$(hex4 "$PCI/$2/sriov_vf_device")\"" "$J_device_id"
	expect_eq "vf $3: iommu_group" "$(group_of "$d")" "$J_iommu_group"
	expect_eq "vf $3: numa_node" "$(numa "$PCI/$2")" "$J_numa_node"
}

jq_of() { printf '%s\n' "$1" | jq -c "$2" 2>&1; }

case_begin sriovctl runs
expect_file /usr/bin/sriovctl
expect_ok sriovctl --version

# --- PFs, no VFs yet ------------------------------------------------------

case_begin pf list finds every PF
expect_json sriovctl -j pf list
list=$OUT
# (PFs that are not PCI devices, netdevsim's, have a null pci.)
expect_eq "PCI PFs in address order" "$(sysfs_pfs | tr '\n' ' ')" \
	"$(printf '%s\n' "$list" | jq -r '.[] | select(.pci != null) | .pci' 2>&1 | tr '\n' ' ')"

for pf in $(sysfs_pfs); do
	case_begin "pf list fields $pf"
	check_pf "$(printf '%s\n' "$list" | jq -c --arg p "$pf" '.[] | select(.pci == $p)')" "$pf"
done

case_begin pf list as text
expect_ok sriovctl pf list
for pf in $(sysfs_pfs); do
	expect_match "a row for $pf" "^$pf " "$(printf '%s\n' "$OUT" | grep "^$pf" || echo none)"
done

case_begin igb capability beyond the driver limit
expect_json sriovctl -j pf show "$IGB_PF"
expect_eq "total_vfs (igb keeps one pool)" 7 "$(jq_of "$OUT" .total_vfs)"
expect_eq "sriov_cap.total_vfs (the hardware)" 8 "$(jq_of "$OUT" .sriov_cap.total_vfs)"
expect_eq "vfs" '[]' "$(jq_of "$OUT" .vfs)"

# --- igb with 4 VFs ---------------------------------------------------------

case_begin igb VFs
IGB_NET=$(netdev_of "$PCI/$IGB_PF")
expect_ok set_numvfs "$IGB_PF" 4
for i in 0 1 2 3; do
	wait_for "[ -e $PCI/$(link_name "$PCI/$IGB_PF/virtfn$i")/net ]" 50
done
expect_json sriovctl -j vf list "$IGB_PF"
expect_eq "VFs listed" 4 "$(jq_of "$OUT" length)"
for i in 0 1 2 3; do
	check_vf "$(jq_of "$OUT" ".[$i]")" "$IGB_PF" $i
done

case_begin pf show by interface name
expect_json sriovctl -j pf show "$IGB_NET"
show=$OUT
check_pf "$show" "$IGB_PF"
expect_eq "vfs" 4 "$(jq_of "$show" '.vfs | length')"
for i in 0 1 2 3; do
	check_vf "$(jq_of "$show" ".vfs[$i]")" "$IGB_PF" $i
done

case_begin pf show by short address
expect_json sriovctl -j pf show "${IGB_PF#0000:}"
expect_eq pci "\"$IGB_PF\"" "$(jq_of "$OUT" .pci)"

case_begin vf show PF#N
expect_json sriovctl -j vf show "$IGB_PF#2"
check_vf "$OUT" "$IGB_PF" 2

case_begin vf show by VF address
vf1=$(link_name "$PCI/$IGB_PF/virtfn1")
expect_json sriovctl -j vf show "$vf1"
check_vf "$OUT" "$IGB_PF" 1

case_begin vf show a range
expect_json sriovctl -j vf show "$IGB_NET#0-1,3"
expect_eq "VF numbers" '[0,1,3]' "$(jq_of "$OUT" '[.[].vf]')"

case_begin vf list of all PFs
expect_json sriovctl -j vf list
expect_eq "VFs listed" "[\"$IGB_PF\",\"$IGB_PF\",\"$IGB_PF\",\"$IGB_PF\"]" "$(jq_of "$OUT" '[.[].pf]')"

# --- IOMMU groups ----------------------------------------------------------

# Entries of a directory, one per line.
entries() { for e in "$1"/*; do [ -e "$e" ] && echo "${e##*/}"; done; }
# Lines as a JSON array (of strings with -s).
json_array() {
	if [ "${1-}" = -s ]; then sed 's/.*/"&"/'; else cat; fi |
		tr '\n' ',' | sed 's/^/[/; s/,$//; s/$/]/'
}
# Group numbers in sysfs, in numeric order.
sysfs_groups() { entries /sys/kernel/iommu_groups | sort -n; }
# Members of a group, in address order.
sysfs_members() { entries "/sys/kernel/iommu_groups/$1/devices" | sort; }

case_begin iommu list
expect_json sriovctl -j iommu list
groups=$OUT
# One line per group: number, members, count, type.
expected=$(for g in $(sysfs_groups); do
	t=$(attr "/sys/kernel/iommu_groups/$g/type" | sed 's/^<missing>$/null/')
	echo "$g $(sysfs_members "$g" | json_array -s) $(sysfs_members "$g" | wc -l) $(js "$t")"
done)
expect_eq "groups: number, devices, n_devices, type" "$expected" "$(printf '%s\n' "$groups" |
	jq -r '.[] | "\(.group) \([.devices[].pci] | tojson) \(.n_devices) \(.type | tojson)"' 2>&1)"

case_begin iommu show of a VF
vf0=$(link_name "$PCI/$IGB_PF/virtfn0")
g=$(link_name "$PCI/$vf0/iommu_group")
expect_json sriovctl -j iommu show "$IGB_PF#0"
expect_eq group "$g" "$(jq_of "$OUT" .group)"
expect_eq devices "[\"$vf0\"]" "$(jq_of "$OUT" '[.devices[].pci]')"
expect_eq driver '"igbvf"' "$(jq_of "$OUT" .devices[0].driver)"
expect_eq bridge false "$(jq_of "$OUT" .devices[0].bridge)"

case_begin igb VFs removed
expect_ok set_numvfs "$IGB_PF" 0
expect_json sriovctl -j vf list "$IGB_PF"
expect_eq "VFs listed" '[]' "$OUT"

case_begin iommu show of a shared group
expect_ok sysfs_write 0 "$PCI/$NVME_SHARED_PF/sriov_drivers_autoprobe"
expect_ok set_numvfs "$NVME_SHARED_PF" 2
g=$(link_name "$PCI/$NVME_SHARED_PF/iommu_group")
expect_json sriovctl -j iommu show "$NVME_SHARED_PF"
expect_eq group "$g" "$(jq_of "$OUT" .group)"
expect_eq devices "$(sysfs_members "$g" | json_array -s)" "$(jq_of "$OUT" '[.devices[].pci]')"
expect_json sriovctl -j pf show "$NVME_SHARED_PF"
expect_eq drivers_autoprobe false "$(jq_of "$OUT" .drivers_autoprobe)"
expect_eq "VFs without a driver" '[null,null]' "$(jq_of "$OUT" '[.vfs[].driver]')"
expect_eq "VFs in the PF's group" "[$g,$g]" "$(jq_of "$OUT" '[.vfs[].iommu_group]')"
expect_ok set_numvfs "$NVME_SHARED_PF" 0
expect_ok sysfs_write 1 "$PCI/$NVME_SHARED_PF/sriov_drivers_autoprobe"

# --- names that do not resolve: exit 2, a JSON error object ------------------

for name in 0000:00:1f.0 nosuchdev0 ../x 0000:99:00.0; do
	case_begin "pf show $name is refused"
	run_out sriovctl -j pf show "$name"
	expect_eq "exit status" 2 "$RC"
	expect_eq "error code" 2 "$(jq_of "$OUT" .error.code)"
	expect_match "error message" '^".+"$' "$(jq_of "$OUT" .error.message)"
done

case_begin iommu show of an unknown group
run_out sriovctl -j iommu show 9999
expect_eq "exit status" 2 "$RC"
expect_eq "error code" 2 "$(jq_of "$OUT" .error.code)"

scenario_done
