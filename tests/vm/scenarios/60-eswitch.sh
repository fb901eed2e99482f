#!/bin/sh
# The NIC's embedded switch through devlink on the real kernel: netdevsim
# implements eswitch modes, VF ports with representors and rate nodes;
# igb has no devlink instance. iproute2's devlink is the independent
# readback.
# shellcheck disable=SC2154 # J_* variables come from json_load
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
DL=/usr/sbin/devlink
NSIM_DEV=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NSIM=$(netdev_of "$NSIM_DEV")
HANDLE=netdevsim/netdevsim$NSIM_ID

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
# The eswitch mode as iproute2's devlink reads it.
dl_mode() { $DL -j dev eswitch show "$HANDLE" | jq -r '.dev[].mode'; }
# The VF ports as devlink lists them: [{vf, port, netdev}] sorted by VF.
dl_vf_ports() {
	$DL -j port show | jq -c --arg h "$HANDLE/" '[.port | to_entries[] |
		select((.key | startswith($h)) and .value.flavour == "pcivf") |
		{vf: .value.vfnum, port: .key, netdev: .value.netdev}] | sort_by(.vf)'
}
# The same from sriovctl's vf list in OUT.
s_vf_ports() { jqv '[.[] | {vf, port: .devlink_port, netdev: .representor}] | sort_by(.vf)'; }

case_begin devlink handle and legacy mode
expect_json $S -j pf show "$NSIM"
expect_eq "handle and mode" "[\"$HANDLE\",\"legacy\"]" "$(jqv '[.devlink, .eswitch_mode]')"
expect_eq "devlink agrees" legacy "$(dl_mode)"

case_begin igb has no devlink: nulls, exit 0
expect_json $S -j pf show "$IGB_PF"
expect_eq "no devlink" '[null,null,null,null]' "$(jqv '[.devlink, .eswitch_mode, .inline_mode, .encap_mode]')"
expect_json $S -j pf list
expect_eq "the list has both" "[\"$HANDLE\",null]" \
	"$(jqv "[(.[] | select(.device_name == \"netdevsim$NSIM_ID\") | .devlink), (.[] | select(.pci == \"$IGB_PF\") | .devlink)]")"

for n in 8 64; do
	case_begin "$n VFs: switchdev through iproute2, representors for every VF"
	expect_ok sysfs_write "$n" "$NSIM_DEV/sriov_numvfs"
	expect_ok $DL dev eswitch set "$HANDLE" mode switchdev
	# udev renames the new representors; both listings below see the names
	udevadm settle --timeout=60
	expect_json $S -j pf show "$NSIM"
	expect_eq "mode" '"switchdev"' "$(jqv .eswitch_mode)"
	expect_json $S -j vf list "$NSIM"
	expect_eq "a port and a representor per VF" "$n" "$(jqv '[.[] | select(.devlink_port != null and .representor != null)] | length')"
	expect_eq "ports and representors as devlink lists them" "$(dl_vf_ports)" "$(s_vf_ports)"
	expect_ok $DL dev eswitch set "$HANDLE" mode legacy
	expect_json $S -j vf list "$NSIM"
	expect_eq "legacy: no ports" "$n" "$(jqv '[.[] | select(.devlink_port == null and .representor == null)] | length')"
	expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"
done

scenario_done
