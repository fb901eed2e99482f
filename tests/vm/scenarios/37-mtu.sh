#!/bin/sh
# MTUs on igb: the PF to 9000, then a VF bound to igbvf to 9000; a VF above
# its PF and a PF below its VF refused (the latter goes with --force); bad
# values refused with nothing changed; vfio bind and release give the VF
# its 9000 back; apply of a file raising both to 9000 and back, and its
# re-apply without a link event. Everything read back with iproute2's
# ip -j link; the MTUs are left as they were.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
IGB=$(netdev_of "$PCI/$IGB_PF")

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
ip_mtu() { $IP -j -d link show "$1" | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu]'; }
mtu_of() { $IP -j link show "$1" | jq -r '.[0].mtu'; }

case_begin "igb: one VF on igbvf, MTUs as iproute2 reads them"
pf_mtu0=$(mtu_of "$IGB")
expect_json $S -j pf set "$IGB_PF" num-vfs 1
VF=$(link_name "$PCI/$IGB_PF/virtfn0")
expect_eq "VF 0 on igbvf" igbvf "$(link_name "$PCI/$VF/driver")"
VFN=$(netdev_of "$PCI/$VF")
vf_mtu0=$(mtu_of "$VFN")
note "PF $IGB [mtu,min,max] $(ip_mtu "$IGB"); VF $VFN $(ip_mtu "$VFN")"
expect_eq "PF MTU before" 1500 "$pf_mtu0"
expect_json $S -j pf show "$IGB_PF"
expect_eq "pf show: mtu as ip says" "$pf_mtu0" "$(jqv .mtu)"
expect_json $S -j vf show "$IGB_PF#0"
expect_eq "vf show: mtu as ip says" "$vf_mtu0" "$(jqv .mtu)"

case_begin "bad MTUs: exit 2, nothing changed"
expect_fail 2 $S pf set "$IGB_PF" mtu 0
expect_fail 2 $S pf set "$IGB_PF" mtu 70000
expect_fail 2 $S vf set "$IGB_PF#0" mtu 0
expect_fail 2 $S vf set "$IGB_PF#0" mtu 70000
# igb takes at most 9216 (IFLA_MAX_MTU)
expect_fail 2 $S pf set "$IGB_PF" mtu 9300
expect_match "the driver's range named" "MTU 9300 is outside what $IGB_PF \($IGB\) takes: 68-9216" "$OUT"
expect_eq "PF MTU unchanged (ip)" "$pf_mtu0" "$(mtu_of "$IGB")"
expect_eq "VF MTU unchanged (ip)" "$vf_mtu0" "$(mtu_of "$VFN")"

case_begin "a VF above its PF: refused (exit 2), both values named"
expect_fail 2 $S vf set "$IGB_PF#0" mtu 9000
expect_match "both values" "VF 0 \($VFN\): MTU 9000 would be above its PF's \($IGB: 1500\)" "$OUT"
expect_eq "VF MTU unchanged (ip)" "$vf_mtu0" "$(mtu_of "$VFN")"

case_begin "PF to 9000, then the VF"
expect_json $S -j pf set "$IGB_PF" mtu 9000
expect_eq "report: before, after, changed" '[1500,9000,true]' "$(jqv '[.mtu_before,.mtu,.changed]')"
expect_eq "PF MTU (ip)" 9000 "$(mtu_of "$IGB")"
expect_json $S -j pf set "$IGB_PF" mtu 9000
expect_eq "again: nothing to change" '[false,9000]' "$(jqv '[.changed,.mtu]')"
expect_json $S -j vf set "$IGB_PF#0" mtu 9000
expect_eq "report" '["changed",1500,9000]' "$(jqv '.results[0] | [.status,.mtu_before,.mtu]')"
expect_eq "VF MTU (ip)" 9000 "$(mtu_of "$VFN")"
expect_json $S -j vf show "$IGB_PF#0"
expect_eq "vf show" 9000 "$(jqv .mtu)"

case_begin "vfio bind, vfio release: igbvf comes back with 1500, the VF's 9000 is set back"
expect_json $S -j vfio bind "$IGB_PF#0"
expect_eq "VF on vfio-pci" vfio-pci "$(link_name "$PCI/$VF/driver")"
expect_json $S -j vfio release "$IGB_PF#0"
expect_eq "VF back on igbvf" igbvf "$(link_name "$PCI/$VF/driver")"
expect_eq "report: mtu given back" '["mtu"]' \
	"$(jqv '[.devices[0].settings_restored[] | select(. == "mtu")]')"
expect_eq "report: nothing failed" '[]' "$(jqv '.devices[0].settings_failed')"
VFN=$(netdev_of "$PCI/$VF")
expect_eq "VF MTU after the release (ip)" 9000 "$(mtu_of "$VFN")"
note "after vfio release: VF $VFN [mtu,min,max] $(ip_mtu "$VFN")"
expect_json $S -j vfio bind "$IGB_PF#0"
expect_json $S -j vfio release "$IGB_PF#0" --keep-settings
VFN=$(netdev_of "$PCI/$VF")
expect_eq "--keep-settings: igbvf's own MTU stays (ip)" 1500 "$(mtu_of "$VFN")"

case_begin "claim add mtu: a host claim sets 9000 and gives 1500 back; a vfio-pci claim refuses it"
expect_fail 2 $S claim add mtuc --count 1 --pf "$IGB_PF" mtu 9000
expect_match "the reason" "the guest sets the MTU of a passed-through VF" "$OUT"
expect_eq "no lease" '[]' "$($S -j claim list | jq -c '[.[]]')"
expect_eq "VF still on igbvf" igbvf "$(link_name "$PCI/$VF/driver")"
expect_json $S -j claim add mtuc --count 1 --pf "$IGB_PF" --driver host mtu 9000
expect_eq "the claim's VF" "\"$VF\"" "$(jqv '.vfs[0].pci')"
expect_eq "the claim: mtu and the one before" '[9000,1500]' "$(jqv '[.vfs[0].mtu, .vfs[0].mtu_before]')"
expect_eq "VF MTU while claimed (ip)" 9000 "$(mtu_of "$VFN")"
expect_json $S -j claim release mtuc
expect_eq "VF MTU after claim release (ip)" 1500 "$(mtu_of "$VFN")"
expect_json $S -j vf set "$IGB_PF#0" mtu 9000

case_begin "the PF below its VF: refused (exit 3) without --force"
expect_fail 3 $S pf set "$IGB_PF" mtu 1500
expect_match "names the VF and both values" "MTU 1500 would be below VF 0's \($VFN: 9000\)" "$OUT"
expect_eq "PF MTU still 9000 (ip)" 9000 "$(mtu_of "$IGB")"
expect_json $S -j --force pf set "$IGB_PF" mtu 1500
expect_eq "with --force it goes" '[9000,1500]' "$(jqv '[.mtu_before,.mtu]')"
expect_eq "PF MTU (ip)" 1500 "$(mtu_of "$IGB")"
run_out $S -j doctor
expect_eq "doctor: the VF above its PF" '["warn"]' \
	"$(jqv '[.findings[] | select(.check == "mtu") | .status]')"

case_begin "MTUs put back as they were"
expect_json $S -j vf set "$IGB_PF#0" mtu "$vf_mtu0"
expect_json $S -j pf set "$IGB_PF" mtu "$pf_mtu0"
expect_eq "PF MTU (ip)" "$pf_mtu0" "$(mtu_of "$IGB")"
expect_eq "VF MTU (ip)" "$vf_mtu0" "$(mtu_of "$VFN")"

case_begin "apply: the PF and VF 0 to 9000 in one file (the PF first)"
D=/tmp/mtu-apply
mkdir -p "$D"
cat >"$D/up.yaml" <<EOF
pfs:
  - pci: "$IGB_PF"
    mtu: 9000
    vfs:
      - vf: 0
        mtu: 9000
EOF
cat >"$D/down.yaml" <<EOF
pfs:
  - pci: "$IGB_PF"
    mtu: $pf_mtu0
    vfs:
      - vf: 0
        mtu: $vf_mtu0
EOF
# link events of the PF and the VF while CMD runs: the kernel sends one for
# every MTU it takes (NETDEV_CHANGEMTU)
watch_links() { # cmd...
	$IP -o monitor link >"$D/monitor" 2>&1 &
	_mon=$!
	sleep 1
	"$@"
	sleep 1
	kill "$_mon"
	wait "$_mon" 2>/dev/null
	EVENTS=$(grep -c -e ": $IGB[:@ ]" -e ": $VFN[:@ ]" "$D/monitor")
}
# an MTU change resets igb: its carrier drops and comes back a moment later
# (its own link event, not a write); wait for it before watching again
carrier_back() {
	_i=0
	while [ "$(cat "/sys/class/net/$IGB/carrier" 2>/dev/null)" != 1 ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 1
}
steps() { jqv '[.changed, (.results[] | select(.action == "mtu") | [.vf, .status, .before.mtu, .after.mtu])]'; }
run_out $S -j apply --check "$D/up.yaml"
expect_eq "apply --check: the plan" "[true,[null,\"changed\",$pf_mtu0,9000],[0,\"changed\",$vf_mtu0,9000]]" "$(steps)"
expect_eq "apply --check: PF MTU unchanged (ip)" "$pf_mtu0" "$(mtu_of "$IGB")"
expect_json $S -j apply "$D/up.yaml"
expect_eq "apply: the report" "[true,[null,\"changed\",$pf_mtu0,9000],[0,\"changed\",$vf_mtu0,9000]]" "$(steps)"
expect_eq "apply: PF MTU (ip)" 9000 "$(mtu_of "$IGB")"
expect_eq "apply: VF MTU (ip)" 9000 "$(mtu_of "$VFN")"

case_begin "apply: the same file again writes nothing"
# the positive control: an MTU changed with ip shows in the monitor, and
# apply sets back only that one
watch_links $IP link set dev "$VFN" mtu 8000
expect_match "ip monitor sees an MTU change" '^[1-9]' "$EVENTS"
expect_json $S -j apply "$D/up.yaml"
expect_eq "apply: only the VF that drifted" "[true,[null,\"ok\",9000,9000],[0,\"changed\",8000,9000]]" "$(steps)"
watch_links run_out $S -j apply "$D/up.yaml"
expect_eq "apply again: changed false, every step ok" "[false,[null,\"ok\",9000,9000],[0,\"ok\",9000,9000]]" "$(steps)"
expect_eq "no link event (no MTU written)" 0 "$EVENTS"

case_begin "apply: the PF below a VF the file leaves is refused (exit 3)"
printf 'pfs:\n  - pci: "%s"\n    mtu: %s\n' "$IGB_PF" "$pf_mtu0" >"$D/pf-only.yaml"
expect_fail 3 $S apply "$D/pf-only.yaml"
expect_match "names the VF and both values" "MTU $pf_mtu0 would be below VF 0's \\($VFN: 9000\\)" "$OUT"
expect_eq "PF MTU still 9000 (ip)" 9000 "$(mtu_of "$IGB")"
printf 'pfs:\n  - pci: "%s"\n    vfs:\n      - vf: 0\n        mtu: 9100\n' "$IGB_PF" >"$D/vf-above.yaml"
expect_fail 2 $S apply "$D/vf-above.yaml"
expect_match "a VF above its PF: both values" "VF 0: MTU 9100 would be above its PF's \\($IGB_PF: 9000\\)" "$OUT"

case_begin "apply: back down in one file (the VF first)"
expect_json $S -j apply "$D/down.yaml"
expect_eq "apply: the report" "[true,[null,\"changed\",9000,$pf_mtu0],[0,\"changed\",9000,$vf_mtu0]]" "$(steps)"
expect_eq "PF MTU (ip)" "$pf_mtu0" "$(mtu_of "$IGB")"
expect_eq "VF MTU (ip)" "$vf_mtu0" "$(mtu_of "$VFN")"
carrier_back
watch_links run_out $S -j apply "$D/down.yaml"
expect_eq "again: changed false" false "$(jqv .changed)"
expect_eq "no link event" 0 "$EVENTS"

expect_json $S -j pf disable "$IGB_PF"
expect_eq "no VFs left" 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"

scenario_done
