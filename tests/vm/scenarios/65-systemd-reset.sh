#!/bin/sh
# vm-guest: systemd
# After a PF reset the udev rule's sriovctl-apply@PF.service brings the PF
# back to /etc/sriovctl on its own: igb unbound and bound again, then
# unloaded and loaded again, wipe the VFs; counts, settings, drivers and
# the owner come back within a bound, measured. A bind when nothing changed
# runs the unit, which reports "changed: no" and writes nothing. Settings
# that drift while the host runs are left alone until the next apply.
# shellcheck disable=SC2317 # functions called through reset_and_time and eval
# shellcheck disable=SC2016 # conditions expanded by wait_until's eval
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

PFU=sriovctl-apply@$IGB_PF.service
WANT="3 igbvf vfio-pci igbvf|02:00:00:00:0d:00 100 3 true false|true true|02:00:00:00:0d:02 true false|root:kvm 660|9000 9000"
# the bound on the way back, under TCG (a real host takes a fraction)
BOUND=60

prop() { systemctl show "$1" -p "$2" --value 2>&1; }
now() { cut -d' ' -f1 /proc/uptime; }
state() { /tests/systemd/igb-state; }
# The runs of the unit, oldest first (the invocation IDs of sriovctl's
# output in the journal), and sriovctl's output in the latest one.
runs() { journalctl -b -o json -u "$PFU" _COMM=sriovctl | jq -r ._SYSTEMD_INVOCATION_ID | uniq; }
last_log() { journalctl -b -o cat _SYSTEMD_INVOCATION_ID="$(runs | tail -n1)" _COMM=sriovctl 2>&1; }
# Poll a shell condition until it holds, for up to $2 seconds of uptime
# (each check costs a few hundred milliseconds under TCG).
wait_until() { # "condition" seconds
	_end=$(awk -v t="$(now)" -v s="$2" 'BEGIN { print t + s }')
	until eval "$1" 2>/dev/null; do
		awk -v t="$(now)" -v e="$_end" 'BEGIN { exit !(t < e) }' || return 1
		sleep 0.2
	done
}
# Wait for run number $1 of the unit to finish (up to $2 s).
wait_run() { # count seconds
	wait_until "[ \$(runs | wc -l) -ge $1 ] && [ \"\$(prop $PFU ActiveState)\" = inactive ]" "$2"
}

# Time the way back after CMD: until igb-state equals the file.
reset_and_time() { # what cmd...
	_what=$1
	shift
	n=$(runs | wc -l)
	t0=$(now)
	"$@"
	if wait_until '[ "$(state)" = "$WANT" ]' "$BOUND"; then
		t1=$(now)
		SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }')
		note "$_what: back as the file says $SECS s after it (bound $BOUND s)"
	else
		SECS=timeout
	fi
	expect_eq "state $BOUND s after $_what" "$WANT" "$(state)"
	wait_run $((n + 1)) 30
	expect_eq "runs of $PFU" $((n + 1)) "$(runs | wc -l)"
	expect_eq "its result" success "$(prop "$PFU" Result)"
	run last_log
	expect_match "its report: changed" '^changed: +yes' "$OUT"
	expect_match "its report: the VF count" "^ *$IGB_PF +- +num_vfs +changed +0 -> 3" "$OUT"
}

unbind_bind() {
	sysfs_write "$IGB_PF" /sys/bus/pci/drivers/igb/unbind
	expect_eq "unbound: VFs gone" "0" "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
	sysfs_write "$IGB_PF" /sys/bus/pci/drivers/igb/bind
}
reload_igb() {
	run modprobe -r igb
	expect_eq "igb unloaded: no driver, VFs gone" "null 0" \
		"$(link_name "$PCI/$IGB_PF/driver") $(attr "$PCI/$IGB_PF/sriov_numvfs")"
	run modprobe igb
}

case_begin before: as the file says
expect_eq "igb" "$WANT" "$(state)"

case_begin igb unbound and bound again: back on its own
reset_and_time "the rebind" unbind_bind

case_begin igb unloaded and loaded again: back on its own
reset_and_time "the reload" reload_igb

case_begin a bind when nothing changed: changed no, nothing written
IGB=$(netdev_of "$PCI/$IGB_PF")
$IP link set "$IGB" up
wait_for "[ \"\$(cat /sys/class/net/$IGB/carrier)\" = 1 ]" 100 || note "no carrier on $IGB"
n=$(runs | wc -l)
# VF settings written to an interface that is up show as link events
$IP -o monitor link >/tmp/monitor 2>&1 &
mon=$!
sleep 1
expect_ok udevadm trigger --action=bind "$PCI/$IGB_PF"
wait_run $((n + 1)) 60
sleep 1
kill "$mon"
expect_eq "runs of $PFU" $((n + 1)) "$(runs | wc -l)"
run last_log
expect_match "its report" '^changed: +no' "$OUT"
expect_eq "steps other than ok" "" "$(printf '%s\n' "$OUT" | awk '$1 ~ /^0000:/ && $4 != "ok"')"
expect_eq "link events of $IGB (RTM_SETLINK of VF settings)" 0 "$(grep -c ": ${IGB}[:@]" /tmp/monitor)"
expect_eq "igb" "$WANT" "$(state)"

case_begin drift while running is left alone until the next apply
n=$(runs | wc -l)
$IP -o monitor link >/tmp/monitor 2>&1 &
mon=$!
sleep 1
expect_ok $IP link set "$IGB" vf 0 vlan 7
sleep 5
kill "$mon"
# the positive control of the case before: a VF setting written shows
expect_match "link events of ${IGB} after ip link set vf" '^[1-9]' "$(grep -c ": ${IGB}[:@]" /tmp/monitor)"
expect_eq "runs of $PFU: none more" "$n" "$(runs | wc -l)"
expect_eq "VF 0's VLAN stays as set" "02:00:00:00:0d:00 7 0 true false" \
	"$(state | cut -d'|' -f2)"
expect_ok systemctl start "$PFU"
run last_log
expect_match "the next apply repairs it" "^ *$IGB_PF +0 +vf_config +changed +vlan" "$OUT"
expect_eq "igb" "$WANT" "$(state)"

scenario_done
