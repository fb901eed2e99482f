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

for n in 8 64; do
	case_begin "$n VFs: legacy -> switchdev -> legacy through sriovctl"
	expect_ok sysfs_write "$n" "$NSIM_DEV/sriov_numvfs"
	expect_json $S -j vf set "$NSIM#1" mac 02:00:00:00:60:01 vlan 60
	expect_json $S -j -n pf set "$NSIM" eswitch switchdev
	expect_eq "dry run: the plan, nothing sent" '[true,true,0,"planned"]' \
		"$(jqv '[.changed, .dry_run, .devlink_writes, (.steps[] | select(.step == "set-mode") | .status)]')"
	expect_eq "dry run: devlink still says legacy" legacy "$(dl_mode)"
	expect_json $S -j pf set "$NSIM" eswitch switchdev
	expect_eq "report" "[true,\"legacy\",\"switchdev\",$n,$n,1,false]" \
		"$(jqv '[.changed, .eswitch_mode_before, .eswitch_mode, .num_vfs_before, .num_vfs, .devlink_writes, .vfs_recreated]')"
	expect_eq "devlink reads switchdev" switchdev "$(dl_mode)"
	udevadm settle --timeout=60
	expect_json $S -j vf list "$NSIM"
	expect_eq "ports and representors as devlink lists them" "$(dl_vf_ports)" "$(s_vf_ports)"
	expect_eq "VF 1 kept its settings" '["02:00:00:00:60:01",60]' "$(jqv '.[1] | [.mac, .vlan]')"
	expect_json $S -j pf set "$NSIM" eswitch switchdev
	expect_eq "again: no change, no devlink write" '[false,0]' "$(jqv '[.changed, .devlink_writes]')"
	expect_json $S -j pf set "$NSIM" eswitch legacy
	expect_eq "back to legacy" "[true,\"legacy\",$n,1]" "$(jqv '[.changed, .eswitch_mode, .num_vfs, .devlink_writes]')"
	expect_eq "devlink reads legacy" legacy "$(dl_mode)"
	expect_eq "no pcivf ports left" '[]' "$(dl_vf_ports)"
	expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"
done

case_begin leaving switchdev while a rate node exists is refused, naming it
expect_ok sysfs_write 4 "$NSIM_DEV/sriov_numvfs"
expect_json $S -j pf set "$NSIM" eswitch switchdev
expect_ok $DL port function rate add "$HANDLE/grp1"
expect_fail 3 $S pf set "$NSIM" eswitch legacy
expect_match "names the node and the way out" "rate node grp1 exists.*devlink port function rate del $HANDLE/grp1" "$OUT"
expect_eq "still switchdev" switchdev "$(dl_mode)"
expect_ok $DL port function rate del "$HANDLE/grp1"
expect_json $S -j pf set "$NSIM" eswitch legacy
expect_eq "then it goes" '[true,"legacy"]' "$(jqv '[.changed, .eswitch_mode]')"
expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"

case_begin doctor: devlink and the mode per PF, legacy rates in switchdev mode
expect_ok sysfs_write 2 "$NSIM_DEV/sriov_numvfs"
# netdevsim keeps VF settings across 0->N (50-apply left rates): none but VF 1's
expect_json $S -j vf set "$NSIM#0-1" min-tx-rate 0 max-tx-rate 0
expect_json $S -j vf set "$NSIM#1" max-tx-rate 100
expect_json $S -j doctor
expect_eq "legacy: ok, igb: no devlink" "[\"ok\",\"info\"]" \
	"$(jqv "[(.findings[] | select(.check == \"eswitch\" and .subject == \"netdevsim$NSIM_ID\") | .status), (.findings[] | select(.check == \"eswitch\" and .subject == \"$IGB_PF\") | .status)]")"
expect_json $S -j pf set "$NSIM" eswitch switchdev
expect_json $S -j doctor
expect_eq "switchdev with a legacy rate: a warning with the way out" '["warn",true,true]' \
	"$(jqv "[.findings[] | select(.check == \"eswitch\" and .subject == \"netdevsim$NSIM_ID\") | .status, (.message | test(\"1 VFs have legacy\")), (.fix | test(\"sriovctl rate set\"))]")"
expect_json $S -j pf set "$NSIM" eswitch legacy
expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"

case_begin "apply: eswitch switchdev, then a re-apply with zero devlink writes"
expect_ok sysfs_write 8 "$NSIM_DEV/sriov_numvfs"
printf 'pfs:\n  - netdev: %s\n    eswitch: switchdev\n' "$NSIM" >/tmp/esw.yaml
expect_json $S -j apply --check /tmp/esw.yaml
expect_eq "check: would change, devlink still legacy" '["changed","legacy","switchdev"]' \
	"$(jqv '.results[] | select(.action == "eswitch") | [.status, .before.eswitch, .after.eswitch]' | tr -d '\n')"
expect_eq "check sent nothing" legacy "$(dl_mode)"
run $S -v -v -v -j apply /tmp/esw.yaml
expect_match "apply: one devlink write" 'devlink: 1 change requests sent' "$OUT"
expect_eq "devlink reads switchdev" switchdev "$(dl_mode)"
udevadm settle --timeout=60
expect_eq "representors for the 8 VFs" 8 "$($DL -j port show | jq "[.port | to_entries[] | select(.key | startswith(\"$HANDLE/\")) | select(.value.flavour == \"pcivf\")] | length")"
run $S -v -v -v -j apply /tmp/esw.yaml
expect_match "re-apply: zero devlink writes" 'devlink: 0 change requests sent' "$OUT"
expect_match "re-apply: the step is ok" '"action":"eswitch","status":"ok"' "$OUT"
printf 'pfs:\n  - netdev: %s\n    eswitch: bogus\n' "$NSIM" >/tmp/esw-bad.yaml
expect_fail 2 $S apply /tmp/esw-bad.yaml
expect_match "a bad mode: its position" 'esw-bad.yaml:3:.*legacy or switchdev' "$OUT"
expect_eq "still switchdev" switchdev "$(dl_mode)"
expect_json $S -j pf set "$NSIM" eswitch legacy
expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"

case_begin bad input: exit 2, nothing touched
expect_fail 2 $S pf set "$NSIM" eswitch bogus
expect_match "says what is expected" 'legacy or switchdev' "$OUT"
expect_fail 2 $S pf set "$NSIM" eswitch switchdev num-vfs 2
expect_fail 2 $S pf set "$IGB_PF" eswitch switchdev
expect_match "igb has no devlink" 'no devlink instance' "$OUT"
expect_eq "netdevsim still legacy" legacy "$(dl_mode)"

scenario_done
