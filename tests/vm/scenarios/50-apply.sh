#!/bin/sh
# Declarative apply on the real kernel: a desired-state file converges
# netdevsim (every VF setting) and igb (a real driver, vfio-pci, owners);
# the second apply writes nothing - no sysfs attribute (counted in the -vv
# log) and no RTM_SETLINK (watched with "ip monitor", which sees each
# one); drift is repaired field by field; a resize is refused while a VF
# is in use; restore brings a VF back; an apply killed while it waits for
# new VFs is put back by "apply --recover"; and the exact commands the
# Ansible module runs ("-j apply -", "--check") answer as it expects.
# shellcheck disable=SC2154 # J_* variables come from json_load
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
NSIM_DEV=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NSIM=$(netdev_of "$NSIM_DEV")
IGB=$(netdev_of "$PCI/$IGB_PF")
D=/tmp/apply
JOURNAL=/run/sriovctl/apply
mkdir -p "$D"

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }

# VF N of a PF as iproute2 reports it: "mac vlan qos spoofchk trust max_rate"
ip_vf() { # ifname index
	$IP -j -d link show "$1" | jq -r --argjson n "$2" \
		'.[0].vfinfo_list[] | select(.vf == $n) |
		 "\(.address) \(.vlan_list[0].vlan // 0) \(.vlan_list[0].qos // 0) \(.spoofchk) \(.trust) \(.rate.max_tx)"'
}

# sriovctl -vv -j apply ARGS: the JSON in OUT, status in RC, and in WRITES
# the sysfs writes the library logged ('write "VALUE" to PATH').
apply_counted() {
	echo "\$ $S -vv -j ${FORCE:+--force }apply $*"
	OUT=$($S -vv -j ${FORCE:+--force} apply "$@" 2>"$D/log" 3>&-)
	RC=$?
	WRITES=$(grep -c '^sriovctl: write "' "$D/log")
	printf '%s\n' "$OUT" | jq -c '{changed, failed, steps: [.results[] | select(.status != "ok") | [.pf, .vf, .action, .status]]}' 2>/dev/null
	grep '^sriovctl: write "' "$D/log"
}

# RTM_NEWLINK events of the netdevsim PF while CMD runs: the kernel sends
# one for every RTM_SETLINK that carries VF settings (to an interface that
# is up: netdev_state_change()).
watch_setlinks() { # cmd...
	$IP -o monitor link >"$D/monitor" 2>&1 &
	_mon=$!
	sleep 1
	"$@"
	sleep 1
	kill "$_mon"
	wait "$_mon" 2>/dev/null
	EVENTS=$(grep -c ": ${NSIM}[:@]" "$D/monitor")
}

cat >"$D/nsim.yaml" <<EOF
pfs:
  - netdev: $NSIM
    num_vfs: 8
    vfs:
      - vfs: all
        vlan: 42
        qos: 5
        vlan_proto: 802.1ad
        spoofchk: false
        trust: true
        min_tx_rate: 10
        max_tx_rate: 500
        link_state: disable
        query_rss: true
      - vf: 0
        mac: "02:00:00:00:0a:00"
      - vf: 1
        mac: "02:00:00:00:0a:01"
      - vf: 7
        mac: "02:00:00:00:0a:07"
        max_tx_rate: 900
EOF

# --- netdevsim: every setting -------------------------------------------------

case_begin set-up: no VFs
expect_json $S -j --force pf disable "$NSIM"
expect_json $S -j pf disable "$IGB_PF"

case_begin netdevsim: apply creates 8 VFs with their settings
expect_json $S -j apply --check --diff "$D/nsim.yaml"
expect_eq "check: changed, nothing done" '[true,true,0]' \
	"$(jqv "[.changed, .check, $(attr "$NSIM_DEV/sriov_numvfs")]")"
apply_counted "$D/nsim.yaml"
expect_eq "exit status" 0 "$RC"
expect_eq changed true "$(jqv .changed)"
expect_eq "sysfs: 8 VFs" 8 "$(attr "$NSIM_DEV/sriov_numvfs")"
expect_eq "one sysfs write (sriov_numvfs)" 1 "$WRITES"
expect_eq "every VF's settings changed" 8 \
	"$(jqv '[.results[] | select(.action == "vf_config" and .status == "changed")] | length')"
expect_json $S -j vf list "$NSIM"
expect_eq "all as the file says" 8 "$(jqv '[.[] | select(.vlan == 42 and .qos == 5 and .vlan_proto == "802.1ad" and .spoofchk == false and .trust == true and .min_tx_rate == 10 and .link_state == "disable" and .query_rss == true)] | length')"
expect_eq "VF 7 overrides the range" '["02:00:00:00:0a:07",900]' "$(jqv '.[7] | [.mac, .max_tx_rate]')"
expect_eq "ip agrees on VF 1" "02:00:00:00:0a:01 42 5 false true 500" "$(ip_vf "$NSIM" 1)"

case_begin netdevsim: the same file again writes nothing
expect_ok $IP link set "$NSIM" up
# the positive control: a VF setting changed with ip shows in the monitor
watch_setlinks $IP link set "$NSIM" vf 3 trust on
expect_match "ip monitor sees an RTM_SETLINK of VF settings" '^[1-9]' "$EVENTS"
watch_setlinks apply_counted "$D/nsim.yaml"
expect_eq "exit status" 0 "$RC"
expect_eq changed false "$(jqv .changed)"
expect_eq "every step ok" '["ok"]' "$(jqv '[.results[].status] | unique')"
expect_eq "no sysfs write" 0 "$WRITES"
expect_eq "no RTM_SETLINK (no link event)" 0 "$EVENTS"

case_begin netdevsim: drift - only the changed field is written back
expect_ok $IP link set "$NSIM" vf 1 mac 02:00:00:00:0b:01
expect_ok $IP link set "$NSIM" vf 5 vlan 7 qos 1 proto 802.1ad
expect_json $S -j apply --check "$D/nsim.yaml"
expect_eq "check finds the drift" '[[1,["mac"]],[5,["vlan"]]]' \
	"$(jqv '[.results[] | select(.status == "changed") | [.vf, .changed_fields]]')"
expect_eq "check left it" 7 "$(ip_vf "$NSIM" 5 | cut -d' ' -f2)"
watch_setlinks apply_counted "$D/nsim.yaml"
expect_eq "repaired" '[[1,["mac"]],[5,["vlan"]]]' \
	"$(jqv '[.results[] | select(.status == "changed") | [.vf, .changed_fields]]')"
expect_eq "before and after of the MAC" '["02:00:00:00:0b:01","02:00:00:00:0a:01"]' \
	"$(jqv '.results[] | select(.vf == 1 and .action == "vf_config") | [.before.mac, .after.mac]')"
expect_eq "no sysfs write" 0 "$WRITES"
expect_eq "one RTM_SETLINK" 1 "$EVENTS"
expect_eq "ip: VF 5 back" "42 5" "$(ip_vf "$NSIM" 5 | cut -d' ' -f2,3)"
expect_match "ip: VF 1's MAC as the file says" '^02:00:00:00:0a:01 ' "$(ip_vf "$NSIM" 1)"

case_begin the commands of the Ansible module: JSON on stdin, check, changed
state='{"pfs": [{"netdev": "'$NSIM'", "vfs": [{"vf": 4, "trust": false}]}]}'
echo "\$ echo '$state' | $S -j apply --check -"
OUT=$(printf '%s' "$state" | $S -j apply --check - 2>&1 3>&-)
expect_eq "check mode: would change" '[true,true,["trust"]]' \
	"$(jqv '[.changed, .check, .results[0].changed_fields]')"
OUT=$(printf '%s' "$state" | $S -j apply - 2>&1 3>&-)
expect_eq "apply: changed" '[true,"changed"]' "$(jqv '[.changed, .results[0].status]')"
OUT=$(printf '%s' "$state" | $S -j apply - 2>&1 3>&-)
expect_eq "again: not changed" '[false,"ok"]' "$(jqv '[.changed, .results[0].status]')"
OUT=$(printf '{"pfs": [{"netdev": "%s", "colour": 1}]}' "$NSIM" | $S -j apply - 2>&1 3>&-)
expect_eq "bad input: a JSON error with the position and the key" '[2,true,true]' \
	"$(jqv '[.error.code, (.error.message | startswith("<stdin>:1:32: pfs[0]: unknown key")), (.error.message | contains("colour"))]')"

# --- igb: a real driver, vfio-pci, in use --------------------------------------

cat >"$D/igb.yaml" <<EOF
pfs:
  - pci: "$IGB_PF"
    num_vfs: 3
    vfs:
      - vfs: all
        spoofchk: true
        trust: false
      - vf: 0
        mac: "02:00:00:00:0c:00"
        vlan: 100
        qos: 3
      - vf: 1
        trust: true
        driver: vfio-pci
        owner: "0:0"
EOF

case_begin igb: VFs, settings, one VF on vfio-pci
$IP link set "$IGB" up
wait_for "[ \"\$(cat /sys/class/net/$IGB/carrier)\" = 1 ]" 100 || note "no carrier on $IGB"
apply_counted "$D/igb.yaml"
expect_eq "exit status" 0 "$RC"
udevadm settle --timeout=30
VF1=$(link_name "$PCI/$IGB_PF/virtfn1")
expect_eq "sysfs: 3 VFs" 3 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_eq "ip agrees on VF 0" "02:00:00:00:0c:00 100 3 true false" \
	"$(ip_vf "$IGB" 0 | cut -d' ' -f1-5)"
expect_eq "VF 1 on vfio-pci" vfio-pci "$(link_name "$PCI/$VF1/driver")"
G1=$(link_name "$PCI/$VF1/iommu_group")
expect_file "/dev/vfio/$G1"
expect_eq "the group device's owner" "0:0 660" "$(stat -c '%u:%g %a' "/dev/vfio/$G1")"
expect_eq "driver step" '["igbvf","vfio-pci"]' \
	"$(jqv '.results[] | select(.action == "driver") | [.before.driver, .after.driver]')"

case_begin igb: the same file again writes nothing
apply_counted "$D/igb.yaml"
expect_eq "changed" false "$(jqv .changed)"
expect_eq "no sysfs write" 0 "$WRITES"

case_begin igb: a resize is refused while a VF is in use
VF2NET=$(netdev_of "$PCI/$(link_name "$PCI/$IGB_PF/virtfn2")")
expect_ok $IP addr add 192.0.2.9/24 dev "$VF2NET"
sed 's/num_vfs: 3/num_vfs: 2/' "$D/igb.yaml" >"$D/igb2.yaml"
FORCE=1 apply_counted "$D/igb2.yaml"
expect_eq "exit status (refused)" 3 "$RC"
expect_eq "the count step is refused" '["failed",125]' \
	"$(jqv '.results[] | select(.action == "num_vfs") | [.status, .errno]')"
expect_match "the reason names the VF" "$VF2NET" "$(jqv '.results[] | select(.action == "num_vfs") | .reason')"
expect_eq "no sysfs write" 0 "$WRITES"
FORCE=1 apply_counted --check "$D/igb2.yaml"
expect_eq "--check refuses the same" 3 "$RC"
apply_counted "$D/igb2.yaml"
expect_match "without --force the count change itself is refused" 'repeat with --force' \
	"$(jqv '.results[] | select(.action == "num_vfs") | .reason')"
expect_eq "still 3 VFs" 3 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
$IP addr flush dev "$VF2NET"

case_begin restore: VF 1 back to igbvf with safe settings
expect_json $S -j restore --check "$IGB_PF#1"
expect_eq "plan" '["vf_config","driver"]' "$(jqv '[.results[] | select(.status == "changed") | .action]')"
expect_json $S -j restore "$IGB_PF#1"
udevadm settle --timeout=30
expect_eq "driver back" igbvf "$(link_name "$PCI/$VF1/driver")"
expect_eq "ip: VF 1 spoofchk on, trust off, VLAN 0" "0 0 true false" \
	"$(ip_vf "$IGB" 1 | cut -d' ' -f2-5)"

# --- a killed apply --------------------------------------------------------------

case_begin killed apply: recover puts autoprobe back
expect_json $S -j pf set "$IGB_PF" num-vfs 0 autoprobe off
printf 'pfs:\n  - pci: "%s"\n    num_vfs: 2\n    autoprobe: true\n' "$IGB_PF" >"$D/kill.yaml"
# with udev's queue stopped the new VFs never get ready: apply waits
udevadm control --stop-exec-queue
$S apply --timeout 60 "$D/kill.yaml" >"$D/kill.out" 2>&1 3>&- &
pid=$!
wait_for "[ \"\$(cat $PCI/$IGB_PF/sriov_numvfs)\" = 2 ]" 300
sleep 1
expect_file "$JOURNAL/$IGB_PF.yaml"
kill -9 "$pid"
wait "$pid" 2>/dev/null
udevadm control --start-exec-queue
udevadm settle --timeout=30
expect_eq "apply changed autoprobe before it died" 1 "$(attr "$PCI/$IGB_PF/sriov_drivers_autoprobe")"
expect_match "the journal has autoprobe as it was" 'autoprobe: false' "$(cat "$JOURNAL/$IGB_PF.yaml" 2>&1)"
expect_json $S -j apply --recover --check
expect_eq "recover --check plans it" '[true,"autoprobe",false]' \
	"$(jqv '[.changed, .results[0].action, .results[0].after.autoprobe]')"
expect_json $S -j apply --recover
expect_eq "recovered" '[true,0]' "$(jqv '[.changed, .failed]')"
expect_eq "sysfs: autoprobe back" 0 "$(attr "$PCI/$IGB_PF/sriov_drivers_autoprobe")"
expect_no_file "$JOURNAL/$IGB_PF.yaml"
expect_eq "the VF count stays" 2 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_json $S -j apply --recover
expect_eq "nothing left" '[false,[]]' "$(jqv '[.changed, .results]')"

# --- the udev rule, when the harness ships it -----------------------------------

case_begin udev rule: matches a PF bind, not a VF
if [ -f /tests/contrib/90-sriovctl-apply.rules.in ]; then
	sed 's|@SYSTEMCTL@|/bin/true|' /tests/contrib/90-sriovctl-apply.rules.in \
		>/etc/udev/rules.d/90-sriovctl-apply.rules
	run udevadm test --action=bind "/sys/bus/pci/devices/$IGB_PF"
	expect_match "a PF bind starts its unit" "sriovctl-apply@$IGB_PF.service" "$OUT"
	run udevadm test --action=bind "/sys/bus/pci/devices/$(link_name "$PCI/$IGB_PF/virtfn0")"
	if printf '%s\n' "$OUT" | grep -q 'sriovctl-apply@'; then
		_failed "a VF bind starts nothing" "got: $(printf '%s\n' "$OUT" | grep 'sriovctl-apply@')"
	fi
	rm -f /etc/udev/rules.d/90-sriovctl-apply.rules
else
	note "contrib/systemd/90-sriovctl-apply.rules.in is not staged in the guest: not checked"
fi

# --- clean up ----------------------------------------------------------------------

case_begin clean up
expect_json $S -j pf disable "$IGB_PF"
expect_ok sysfs_write 1 "$PCI/$IGB_PF/sriov_drivers_autoprobe"
expect_json $S -j --force pf disable "$NSIM"

scenario_done
