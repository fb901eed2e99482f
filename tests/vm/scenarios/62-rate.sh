#!/bin/sh
# devlink rates on the real kernel (netdevsim on Linux 6.1, which keeps VF
# rate leaves and nodes in switchdev mode): with 8 and 64 VFs, one leaf
# per VF, compared with iproute2's "devlink -j port function rate show";
# a node with VFs under it, read back from netdevsim's debugfs too
# (ports/N/tx_share ..., in Mbit/s, and rate_nodes/); the same command
# again sends no devlink change (counted in the -vv log, one line per
# request sent); bad input (a bad unit, a parent that does not exist, a
# rate over the link speed, which the kernel refuses part-way) exits 2
# with the kernel's rates as they were; legacy vf set rates name the rate
# command; vf set hw-addr and state active|inactive go through the devlink
# port function, which netdevsim refuses per attribute; the node goes
# before the eswitch goes back to legacy mode.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
DL=/usr/sbin/devlink
NSIM_DEV=/sys/bus/netdevsim/devices/netdevsim$NSIM_ID
NSIM=$(netdev_of "$NSIM_DEV")
H=netdevsim/netdevsim$NSIM_ID
DBG=/sys/kernel/debug/netdevsim/netdevsim$NSIM_ID
D=/tmp/rate
mkdir -p "$D"

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }

# sriovctl -vv ARGS: OUT, RC, and WRITES: the devlink change requests the
# library logged ("devlink: setting ...", "adding ...", "deleting ...").
counted() {
	echo "\$ $S -vv $*"
	OUT=$($S -vv "$@" 2>"$D/log" 3>&-)
	RC=$?
	WRITES=$(grep -c '^sriovctl: devlink: \(setting\|adding\|deleting\) ' "$D/log")
	_echo_out
	grep '^sriovctl: devlink: \(setting\|adding\|deleting\) ' "$D/log"
	grep -v '^sriovctl: devlink' "$D/log"
}

# "OBJECT TYPE TX_SHARE TX_MAX PARENT" lines, as iproute2 and as sriovctl see them
dl_rates() {
	$DL -j port function rate show | jq -r '.rate | to_entries[] |
		"\(.key) \(.value.type) \(.value.tx_share // 0) \(.value.tx_max // 0) \(.value.parent // "-")"' | sort
}
our_rates() {
	$S -j rate list "$NSIM" | jq -r '.[] |
		"\(.port // (.handle + "/" + .name)) \(.type) \(.tx_share) \(.tx_max) \(.parent // "-")"' | sort
}

for N in 8 64; do
	case_begin "$N VFs in switchdev mode: one rate leaf per VF"
	expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"
	expect_ok sysfs_write "$N" "$NSIM_DEV/sriov_numvfs"
	# netdevsim keeps VF settings across 0->N (an earlier scenario's rates
	# and trust): a clean start, while legacy mode takes them
	expect_ok $S vf set "$NSIM#0-$((N - 1))" min-tx-rate 0 max-tx-rate 0 trust off
	expect_ok $DL dev eswitch set "$H" mode switchdev
	expect_json $S -j rate list "$NSIM"
	expect_eq "leaves" "$N" "$(jqv '[.[] | select(.type == "leaf")] | length')"
	expect_eq "one per VF, in order" true "$(jqv "[.[].vf] == [range(0; $N)]")"
	expect_eq "leaf ports" "\"$H/128\" \"$H/$((127 + N))\"" "$(jqv '.[0].port, .[-1].port' | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "the same as devlink's" "$(dl_rates)" "$(our_rates)"
	expect_eq "devlink lists $N" "$N" "$(dl_rates | grep -c ' leaf ')"

	case_begin "$N VFs: a rate node with VFs under it"
	counted -j rate add "$NSIM/tenant1" tx-share 1gbit tx-max 2gbit
	expect_eq "rate add: exit" 0 "$RC"
	expect_eq "rate add: one request" 1 "$WRITES"
	expect_eq "created" '"created"' "$(jqv '.results[0].status')"
	counted -j rate set "$NSIM#0-3,$((N - 1))" tx-share 100mbit tx-max 1gbit parent tenant1
	expect_eq "rate set: exit" 0 "$RC"
	expect_eq "rate set: one request per leaf" 5 "$WRITES"
	expect_eq "values in bytes/s" '[12500000,125000000,"tenant1"]' \
		"$(jqv '[.results[0].tx_share, .results[0].tx_max, .results[0].parent]')"
	expect_eq "debugfs: VF 0 tx_share (Mbit/s)" 100 "$(attr "$DBG/ports/128/tx_share")"
	expect_eq "debugfs: VF 0 tx_max" 1000 "$(attr "$DBG/ports/128/tx_max")"
	expect_eq "debugfs: VF 0 parent" tenant1 "$(attr "$DBG/ports/128/rate_parent")"
	expect_eq "debugfs: VF $((N - 1)) parent" tenant1 "$(attr "$DBG/ports/$((127 + N))/rate_parent")"
	expect_eq "debugfs: VF 4 untouched" 0 "$(attr "$DBG/ports/132/tx_max")"
	expect_eq "debugfs: node tx_share" 1000 "$(attr "$DBG/rate_nodes/tenant1/tx_share")"
	expect_eq "debugfs: node tx_max" 2000 "$(attr "$DBG/rate_nodes/tenant1/tx_max")"
	expect_eq "the same as devlink's" "$(dl_rates)" "$(our_rates)"
	run $DL port function rate show "$H/128"
	expect_match "devlink: VF 0" "tx_share 100Mbit tx_max 1Gbit parent tenant1" "$OUT"

	case_begin "$N VFs: the same again sends nothing"
	counted -j rate set "$NSIM#0-3,$((N - 1))" tx-share 100mbit tx-max 1gbit parent tenant1
	expect_eq "exit" 0 "$RC"
	expect_eq "no devlink change sent" 0 "$WRITES"
	expect_eq "changed" false "$(jqv .changed)"
	counted -j rate set "$NSIM/tenant1" tx-share 1000 tx-max 2000
	expect_eq "the node, in plain Mbit/s: nothing sent" "0 0 false" "$RC $WRITES $(jqv .changed)"
	counted -n -j rate set "$NSIM#4" tx-max 300
	expect_eq "a dry run plans and sends nothing" '0 0 true ["tx_max"]' \
		"$RC $WRITES $(jqv '.changed, .results[0].changed' | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "debugfs: VF 4 still untouched" 0 "$(attr "$DBG/ports/132/tx_max")"
done

case_begin "bad input: exit 2, nothing touched"
before=$(dl_rates)
counted rate set "$NSIM#4" tx-max 100mbits
expect_eq "a bad unit" "2 0" "$RC $WRITES"
counted rate set "$NSIM#4-5" tx-max 100mbit parent nosuch
expect_eq "a parent that does not exist" "2 0" "$RC $WRITES"
expect_match "says so" 'rate node "nosuch" does not exist on netdevsim/netdevsim' "$(cat "$D/log")"
counted rate set "$NSIM#4" tx-max 10gbit
expect_eq "over the link speed: the kernel refuses the one request" "2 1" "$RC $WRITES"
expect_match "with its reason" "TX rate value exceed link maximum speed 5000Mbps" "$(cat "$D/log")"
# the kernel sets tx_share, then refuses tx_max: tx_share is set back
counted rate set "$NSIM#4-5" tx-share 200mbit tx-max 10gbit
expect_eq "refused part-way: exit 2, one request and one to set back" "2 2" "$RC $WRITES"
counted rate set "$NSIM#4" tx-max 500kbit
expect_eq "not whole Mbit/s: netdevsim refuses" 2 "$RC"
expect_match "with its reason" "not in link speed units of 1Mbps" "$(cat "$D/log")"
counted rate add "$NSIM/123" tx-max 1gbit
expect_eq "a node name of digits" "2 0" "$RC $WRITES"
counted rate add "$NSIM/tenant1" tx-max 1gbit
expect_eq "a node that exists" "2 0" "$RC $WRITES"
counted rate set "$NSIM/nosuch" tx-max 1gbit
expect_eq "a node to set that does not exist" "2 0" "$RC $WRITES"
expect_eq "the kernel's rates as they were" "$before" "$(dl_rates)"
expect_eq "debugfs: VF 4 tx_share" 0 "$(attr "$DBG/ports/132/tx_share")"

case_begin "vf set max-tx-rate in switchdev mode names the rate command"
expect_fail 1 $S -j vf set "$NSIM#1" min-tx-rate 10 max-tx-rate 100
expect_eq "max_tx_rate" "\"Operation not supported: in switchdev mode VF rates are devlink rate objects; use sriovctl rate set $NSIM#1 tx-max RATE\"" \
	"$(jqv '.results[0].errors[] | select(.field == "max_tx_rate") | .message')"
expect_match "min_tx_rate" "use sriovctl rate set $NSIM#1 tx-share RATE" \
	"$(jqv '.results[0].errors[] | select(.field == "min_tx_rate") | .message')"
expect_ok $S rate set "$NSIM#1" tx-max 100
expect_eq "what it says works: debugfs" 100 "$(attr "$DBG/ports/129/tx_max")"

case_begin "port function: hw-addr and state fail per attribute on netdevsim"
expect_fail 1 $S -j vf set "$NSIM#1" hw-addr 02:00:00:00:00:21 state active trust on
expect_eq "trust changed, the port function attributes failed" \
	'["trust"] ["hw_addr","fn_state"] "failed"' \
	"$(jqv '.results[0].changed, .results[0].failed, .results[0].status' | tr '\n' ' ' | sed 's/ $//')"
expect_match "with the kernel's reason" \
	"^\"setting the port function hw_addr of $H/129: Operation not supported: .*Port doesn't support function attributes\"\$" \
	"$(jqv '.results[0].errors[] | select(.field == "hw_addr") | .message')"
expect_match "each attribute its own" "port function state of $H/129: Operation not supported: .*(support function attributes|does not support state setting)" \
	"$(jqv '.results[0].errors[] | select(.field == "fn_state") | .message')"
expect_eq "ip: trust on" true "$($IP -j -d link show "$NSIM" | jq '.[0].vfinfo_list[1].trust')"
expect_fail '!' $DL port function set "$H/129" hw_addr 02:00:00:00:00:21
expect_match "devlink says the same" "Port doesn't support function attributes" "$OUT"
expect_ok $S vf set "$NSIM#1" trust off
expect_fail 2 $S vf set "$NSIM#1-2" hw-addr 02:00:00:00:00:21
expect_fail 2 $S vf set "$NSIM#1" hw-addr 01:00:00:00:00:21

case_begin "the node goes before legacy mode"
expect_fail '!' $DL dev eswitch set "$H" mode legacy
expect_match "the kernel refuses while a node exists" "exists" "$OUT"
counted rate del "$NSIM/tenant1"
expect_eq "a node with children is not deleted" "1 0" "$RC $WRITES"
expect_match "says why" "has 5 children" "$(cat "$D/log")"
expect_file "$DBG/rate_nodes/tenant1"
counted rate set "$NSIM#0-3,63" noparent tx-share 0 tx-max 0
expect_eq "children off the node" "0 5" "$RC $WRITES"
expect_eq "debugfs: VF 0 parent" "" "$(attr "$DBG/ports/128/rate_parent")"
counted -j rate del "$NSIM/tenant1"
expect_eq "deleted" '0 1 "deleted"' "$RC $WRITES $(jqv '.results[0].status')"
expect_no_file "$DBG/rate_nodes/tenant1"
counted -j rate del "$NSIM/tenant1"
expect_eq "again: nothing to do" '0 0 "absent"' "$RC $WRITES $(jqv '.results[0].status')"
expect_ok $DL dev eswitch set "$H" mode legacy
expect_json $S -j rate list "$NSIM"
expect_eq "legacy mode: no rate objects" "[]" "$OUT"
expect_fail 2 $S rate set "$NSIM#0" tx-max 100
expect_match "a VF without a leaf says why" "switchdev" "$OUT"
expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"
expect_eq "no node left" "" "$(ls "$DBG/rate_nodes")"

case_begin "apply: eswitch switchdev, a rate node and VFs under it; the same file sends nothing"
expect_ok sysfs_write 4 "$NSIM_DEV/sriov_numvfs"
expect_ok $S vf set "$NSIM#0-3" min-tx-rate 0 max-tx-rate 0
cat >"$D/apply.yaml" <<EOF
pfs:
  - netdev: $NSIM
    eswitch: switchdev
    rate_nodes:
      - name: apply_grp
        tx_share: 100mbit
        tx_max: 1gbit
    vfs:
      - vfs: 0-1
        tx_max: 500mbit
        rate_parent: apply_grp
      - vf: 2
        tx_share: 50
EOF
dl_mode() { $DL -j dev eswitch show "$H" | jq -r '.dev[].mode'; }
expect_json $S -j apply --check "$D/apply.yaml"
expect_eq "check: the node and three leaves would change" '["changed","changed","changed","changed"]' \
	"$(jqv '[.results[] | select(.action == "rate_node" or .action == "rate") | .status]')"
expect_eq "check: still legacy, no node" "legacy " "$(dl_mode) $(ls "$DBG/rate_nodes" 2>/dev/null)"
run $S -v -v -v -j apply "$D/apply.yaml"
expect_eq "apply: exit 0" 0 "$RC"
expect_match "apply: the mode, the node and three leaves" 'devlink: 5 change requests sent' "$OUT"
expect_eq "devlink: switchdev" switchdev "$(dl_mode)"
expect_match "devlink -j: the node" "^$H/apply_grp node 12500000 125000000 -\$" "$(dl_rates)"
expect_match "devlink -j: VF 0 under the node" "^$H/128 leaf 0 62500000 apply_grp\$" "$(dl_rates)"
expect_match "devlink -j: VF 1 under the node" "^$H/129 leaf 0 62500000 apply_grp\$" "$(dl_rates)"
expect_match "devlink -j: VF 2 with its tx_share" "^$H/130 leaf 6250000 0 -\$" "$(dl_rates)"
run $DL port function rate show "$H/128"
expect_match "devlink: VF 0" "tx_max 500Mbit parent apply_grp" "$OUT"
expect_eq "debugfs: VF 3 untouched" "0 " "$(attr "$DBG/ports/131/tx_max") $(attr "$DBG/ports/131/rate_parent")"
expect_eq "the same as sriovctl rate list" "$(dl_rates)" "$(our_rates)"
run $S -v -v -v -j apply "$D/apply.yaml"
expect_eq "re-apply: exit 0" 0 "$RC"
expect_match "re-apply: zero devlink change requests" 'devlink: 0 change requests sent' "$OUT"
expect_match "re-apply: nothing changed" '"changed":false' "$OUT"
printf 'pfs:\n  - netdev: %s\n    vfs:\n      - vf: 0\n        rate_parent: nosuch\n' "$NSIM" >"$D/apply-bad.yaml"
run $S -v -v -v apply "$D/apply-bad.yaml"
expect_eq "a parent neither in the file nor on the PF: exit 2" 2 "$RC"
expect_match "says so" 'rate node "nosuch" is neither in the file nor on' "$OUT"
expect_eq "VF 0 still under the node" apply_grp "$(attr "$DBG/ports/128/rate_parent")"
counted rate set "$NSIM#0-2" noparent tx-share 0 tx-max 0
counted rate del "$NSIM/apply_grp"
expect_eq "cleanup: the node deleted" "0 1" "$RC $WRITES"
expect_ok $S pf set "$NSIM" eswitch legacy
expect_ok sysfs_write 0 "$NSIM_DEV/sriov_numvfs"
expect_eq "no node left, legacy mode" "legacy" "$(ls "$DBG/rate_nodes")$(dl_mode)"
scenario_done
