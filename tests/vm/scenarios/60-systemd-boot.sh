#!/bin/sh
# vm-guest: systemd
# The boot, under Debian's systemd as PID 1 with sriovctl from "make
# install" and /etc/sriovctl/host.yaml (tests/vm/systemd/): the boot unit
# ran once, succeeded and finished before network-pre.target; the PFs are
# as the file says, read back with iproute2 and sysfs; a unit ordered after
# sriovctl-ready.target found the VFs ready; no unit failed; the journal
# has sriovctl's report.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

U=sriovctl-apply.service
# igb as host.yaml says (tests/vm/systemd/igb-state's line)
WANT="3 igbvf vfio-pci igbvf|02:00:00:00:0d:00 100 3 true false|true true|02:00:00:00:0d:02 true false|root:kvm 660|9000 9000"

prop() { systemctl show "$1" -p "$2" --value 2>&1; }
# seconds since boot of a unit's monotonic timestamp property
at() { awk -v us="$(prop "$1" "$2")" 'BEGIN { printf "%.2f\n", us / 1e6 }'; }

case_begin the boot finished: running, no failed unit
run systemctl is-system-running --wait
expect_eq "systemctl is-system-running" running "$OUT"
run systemctl --failed --plain --no-legend
expect_eq "systemctl --failed" "" "$OUT"

case_begin sriovctl-apply.service ran once and succeeded
run systemctl status --no-pager "$U"
expect_eq "ActiveState SubState Result ExecMainStatus UnitFileState" \
	"active exited success 0 enabled" \
	"$(prop "$U" ActiveState) $(prop "$U" SubState) $(prop "$U" Result) $(prop "$U" ExecMainStatus) $(prop "$U" UnitFileState)"
OUT=$(journalctl -b -o json -u "$U" 2>&1)
expect_eq "runs in the journal (distinct invocation IDs)" 1 \
	"$(printf '%s\n' "$OUT" | jq -r '.INVOCATION_ID // ._SYSTEMD_INVOCATION_ID // empty' | sort -u | wc -l)"

case_begin the journal has sriovctl\'s report
run journalctl -b -o cat -u "$U" _COMM=sriovctl
expect_match "changed" '^changed: +yes' "$OUT"
expect_match "igb: 3 VFs" "^ *$IGB_PF +- +num_vfs +changed +0 -> 3" "$OUT"
expect_match "igb: VF 1 to vfio-pci" "^ *$IGB_PF +1 +driver +changed +.* -> vfio-pci" "$OUT"
expect_match "NVMe: 2 VFs" "^ *$NVME_PF +- +num_vfs +changed +0 -> 2" "$OUT"

case_begin the PFs are as the file says, read with iproute2 and sysfs
run /tests/systemd/igb-state
expect_eq "igb: VF count, drivers, VF settings, group owner" "$WANT" "$OUT"
expect_eq "NVMe: VF count, autoprobe, VF drivers" "2 0 null null" \
	"$(attr "$PCI/$NVME_PF/sriov_numvfs") $(attr "$PCI/$NVME_PF/sriov_drivers_autoprobe") $(link_name "$PCI/$NVME_PF/virtfn0/driver") $(link_name "$PCI/$NVME_PF/virtfn1/driver")"

case_begin finished before network-pre.target
t_start=$(at "$U" ExecMainStartTimestampMonotonic)
t_done=$(at "$U" ActiveEnterTimestampMonotonic)
t_net=$(at network-pre.target ActiveEnterTimestampMonotonic)
note "sriovctl-apply.service ran from $t_start s to $t_done s; network-pre.target reached at $t_net s"
expect_eq "network-pre.target reached" active "$(prop network-pre.target ActiveState)"
expect_eq "apply done <= network-pre.target" 1 "$(awk -v a="$t_done" -v n="$t_net" 'BEGIN { print (a > 0 && a <= n) }')"
run systemd-analyze critical-chain --no-pager network-pre.target
expect_match "the critical chain of network-pre.target goes through sriovctl-apply.service" \
	"sriovctl-apply.service" "$OUT"
printf '%s\n' "$OUT" | sed -n 's/^/critical-chain: /p' | while read -r l; do note "$l"; done

case_begin a unit after sriovctl-ready.target sees the VFs ready
expect_eq "sriovctl-ready.target" active "$(prop sriovctl-ready.target ActiveState)"
expect_eq "the consumer ran" "active success" \
	"$(prop sriovctl-vm-consumer.service ActiveState) $(prop sriovctl-vm-consumer.service Result)"
expect_eq "what the consumer found" "$WANT" "$(sed -n 2p /run/sriovctl-vm/consumer 2>&1)"
t_cons=$(at sriovctl-vm-consumer.service ExecMainStartTimestampMonotonic)
note "sriovctl-ready.target reached at $(at sriovctl-ready.target ActiveEnterTimestampMonotonic) s; the consumer started at $t_cons s"
expect_eq "consumer started after the apply finished" 1 "$(awk -v a="$t_done" -v c="$t_cons" 'BEGIN { print (c >= a) }')"

case_begin a PF that bound while the boot unit ran: its unit found nothing to change
for pf in "$IGB_PF" "$NVME_PF"; do
	inst=sriovctl-apply@$pf.service
	OUT=$(journalctl -b -o cat -u "$inst" _COMM=sriovctl 2>&1)
	note "$inst at boot: $(printf '%s\n' "$OUT" | grep -c '^changed:') run(s) $(printf '%s\n' "$OUT" | grep '^changed:' | tr '\n' ' ')"
	[ -z "$OUT" ] || expect_eq "$inst: runs that changed something" "" \
		"$(printf '%s\n' "$OUT" | grep '^changed: *yes')"
done

scenario_done
