#!/bin/sh
# The VF token on the real kernel: the igb PF itself on vfio-pci (loaded
# with enable_sriov=1), VFs created through it; qemu args wants the token
# and emits vf-token=; the guest's QEMU 7.2 (older than the property) and
# vfio check are refused the VF without the PF's token; once sriovctl vfio
# vf-token has set a known token on the PF, QEMU and vfio check open the
# VF with it. Ends with the PF back on igb, no VFs, and vfio-pci without
# enable_sriov.
# shellcheck disable=SC2154,SC2153 # J_* come from json_load, the topology from vm.env
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
NULL_TOKEN=00000000-0000-0000-0000-000000000000
OTHER_TOKEN=4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e60
TOKEN=7c9e6679-7425-40de-944b-e07fc1f90ae7
ENABLE_SRIOV=/sys/module/vfio_pci/parameters/enable_sriov

jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
driver() { link_name "$PCI/$1/driver"; }
group() { link_name "$PCI/$1/iommu_group"; }

# vfio-pci with enable_sriov as asked: the parameter where it is writable,
# else the module loaded again with it.
vfio_pci_sriov() { # Y|N
	if [ -w "$ENABLE_SRIOV" ]; then
		sysfs_write "$1" "$ENABLE_SRIOV"
	else
		rmmod vfio_pci 2>/dev/null
		if [ "$1" = Y ]; then modprobe vfio_pci enable_sriov=1; else modprobe vfio_pci; fi
	fi
}

case_begin set-up: the igb PF on vfio-pci with enable_sriov
expect_json $S -j pf disable "$IGB_PF"
modprobe vfio_pci
expect_ok vfio_pci_sriov Y
expect_eq "enable_sriov" Y "$(attr "$ENABLE_SRIOV")"
expect_ok sysfs_write vfio-pci "$PCI/$IGB_PF/driver_override"
expect_ok sysfs_write "$IGB_PF" "$PCI/$IGB_PF/driver/unbind"
expect_ok sysfs_write "$IGB_PF" /sys/bus/pci/drivers_probe
expect_eq "PF driver" vfio-pci "$(driver "$IGB_PF")"

case_begin VFs created through the PF on vfio-pci
run_out $S -j pf set "$IGB_PF" num-vfs 2
note "sriovctl pf set num-vfs 2 on the vfio-pci PF: exit $RC"
[ "$(attr "$PCI/$IGB_PF/sriov_numvfs")" = 2 ] || expect_ok set_numvfs "$IGB_PF" 2
udevadm settle --timeout=30
expect_eq "sriov_numvfs" 2 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
VF0=$(link_name "$PCI/$IGB_PF/virtfn0")
note "VF 0 $VF0 on $(driver "$VF0") (vfio-pci sets the override of its PF's new VFs)"
[ "$(driver "$VF0")" = vfio-pci ] || expect_json $S -j vfio bind "$VF0"
expect_eq "VF 0 driver" vfio-pci "$(driver "$VF0")"
expect_file "/dev/vfio/$(group "$VF0")"

case_begin doctor explains the token
expect_json $S -j doctor
expect_eq "vf-token finding" '"info"' \
	"$(jqv ".findings[] | select(.subject == \"$IGB_PF\" and .check == \"vf-token\") | .status")"
expect_match "a random token" 'random UUID' \
	"$(jqv ".findings[] | select(.check == \"vf-token\") | .message")"

case_begin qemu args wants the token and emits vf-token
expect_fail 3 $S qemu args "$VF0"
expect_match "says why" "PF's VF token, a random UUID" "$OUT"
run_out $S qemu args "$VF0" --vf-token "$NULL_TOKEN"
expect_eq "exit status" 0 "$RC"
expect_eq "arguments" "-device vfio-pci,host=$VF0,id=hostdev0,vf-token=$NULL_TOKEN" "$OUT"
note "qemu args --vf-token: $OUT"
ARGS=$OUT
# shellcheck disable=SC2086 # the words sriovctl printed
guest_qemu $ARGS
# the property came after 7.2: the guest's QEMU does not know it yet
expect_eq "QEMU 7.2 exit status" 1 "$RC"
expect_match "QEMU 7.2 has no vf-token" "Property 'vfio-pci.vf-token' not found" "$OUT"
note "QEMU 7.2 with vf-token: exit $RC: $(printf '%s\n' "$OUT" | grep -m1 vf-token)"
expect_fail 2 $S qemu args "$VF0" --vf-token not-a-uuid
expect_match "says why" 'invalid VF token' "$OUT"

# What vf-token does in QEMU is to ask for the device as "ADDR
# vf_token=UUID"; QEMU 7.2 asks for the basename of sysfsdev=, so a
# directory of that name with the VF link iommu_group makes it do so.
sysfsdev() { # token
	_d="/tmp/vf-token/$VF0 vf_token=$1"
	mkdir -p "$_d"
	[ -L "$_d/iommu_group" ] || ln -s "$(readlink -f "$PCI/$VF0/iommu_group")" "$_d/iommu_group"
	echo "vfio-pci,sysfsdev=$_d,id=hostdev0"
}

case_begin QEMU without a token is refused
guest_qemu -device "vfio-pci,host=$VF0,id=hostdev0"
expect_eq "QEMU exit status" 1 "$RC"
expect_match "the kernel refused the device" 'Permission denied' "$OUT"
note "QEMU without a token: exit $RC: $(printf '%s\n' "$OUT" | grep -m1 'Permission denied')"
note "kernel: $(dmesg | grep 'VF token' | tail -n 1)"

case_begin QEMU with a token the PF does not hold is refused
guest_qemu -device "$(sysfsdev "$NULL_TOKEN")"
expect_eq "QEMU exit status" 1 "$RC"
expect_match "the kernel refused the device" 'Permission denied' "$OUT"
note "QEMU asking for the VF with the null token: exit $RC: $(printf '%s\n' "$OUT" | grep -m1 'Permission denied')"
note "kernel: $(dmesg | grep 'VF token' | tail -n 1)"

case_begin libvirt XML is refused with the reason
expect_fail 3 $S qemu args "$VF0" --format libvirt --no-check
expect_match "says why" 'cannot carry' "$OUT"

case_begin vfio check asks for the VF with a token
run_out $S -j vfio check "$VF0"
expect_eq "exit status" 1 "$RC"
expect_eq "refused at the device fd" '"device fd"' "$(jqv '.devices[0].failed_step')"
note "kernel: $(dmesg | grep 'VF token' | tail -n 1)"
expect_match "with a token, not without" 'Incorrect VF token' "$(dmesg | grep 'VF token' | tail -n 1)"

case_begin sriovctl vfio vf-token: bad input and refusals
expect_fail 2 $S vfio vf-token "$IGB_PF" not-a-uuid
expect_match "says why" 'invalid VF token' "$OUT"
expect_fail 3 $S vfio vf-token "$VF0" "$TOKEN"
expect_match "a VF keeps no token" 'not an SR-IOV PF' "$OUT"
expect_json $S -j -n vfio vf-token "$IGB_PF" "$TOKEN"
expect_eq "dry run: what it would change" '[true,true]' "$(jqv '[.changed,.dry_run]')"

case_begin sriovctl vfio vf-token sets the token of the PF
expect_json $S -j vfio vf-token "$IGB_PF" "$TOKEN"
expect_eq "set" '["'"$IGB_PF"'",true]' "$(jqv '[.pci,.changed]')"
note "sriovctl vfio vf-token $IGB_PF $TOKEN: exit $RC"
expect_eq "the PF stays on vfio-pci" vfio-pci "$(driver "$IGB_PF")"
expect_eq "its VFs stay" 2 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_eq "VF 0 stays on vfio-pci" vfio-pci "$(driver "$VF0")"

case_begin QEMU with the token of the PF opens the VF
guest_qemu -device "$(sysfsdev "$TOKEN")"
expect_eq "QEMU exit status" 0 "$RC"
expect_eq "no refusal" "" "$(printf '%s\n' "$OUT" | grep -E 'Permission denied|Incorrect VF token')"
expect_match "info pci shows the VF" 'Ethernet controller.*8086:10ca|10ca.*Ethernet' "$OUT"
expect_match "with our id" 'id "hostdev0"' "$OUT"
note "QEMU 7.2 asking for \"$VF0 vf_token=$TOKEN\": exit $RC: $(printf '%s\n' "$OUT" | grep -m1 'id "hostdev0"')"
guest_qemu -device "$(sysfsdev "$NULL_TOKEN")"
expect_eq "the null token now refused" 1 "$RC"
expect_match "the kernel refused the device" 'Permission denied' "$OUT"

case_begin vfio check --vf-token opens the VF
run_out $S -j vfio check "$VF0" --vf-token "$TOKEN"
expect_eq "exit status" 0 "$RC"
expect_eq "every step" 'true' "$(jqv '.devices[0].ok')"
expect_eq "the device opened" '"ok"' "$(jqv '.devices[0].steps[] | select(.step == "device fd") | .result')"
note "vfio check --vf-token $TOKEN: exit $RC, ok $(jqv '.devices[0].ok')"
run_out $S -j vfio check "$VF0" --vf-token "$OTHER_TOKEN"
expect_eq "another token: refused" 1 "$RC"
expect_eq "at the device fd" '"device fd"' "$(jqv '.devices[0].failed_step')"

case_begin qemu args with the token
run_out $S qemu args "$VF0" --vf-token "$TOKEN"
expect_eq "exit status" 0 "$RC"
expect_eq "arguments" "-device vfio-pci,host=$VF0,id=hostdev0,vf-token=$TOKEN" "$OUT"
note "qemu args --vf-token: $OUT"

case_begin qemu args --user: the ownership preflight
# a user number without a passwd entry: no groups
expect_fail 3 $S qemu args "$VF0" --vf-token "$NULL_TOKEN" --user 12345
expect_match "says why" "cannot open /dev/vfio/$(group "$VF0")" "$OUT"
expect_ok $S qemu args "$VF0" --vf-token "$NULL_TOKEN" --user root --memory 64M

case_begin clean up: no VFs, the PF back on igb
expect_ok sysfs_write 0 "$PCI/$IGB_PF/sriov_numvfs"
expect_ok sysfs_write "$IGB_PF" /sys/bus/pci/drivers/vfio-pci/unbind
expect_ok sysfs_write "" "$PCI/$IGB_PF/driver_override"
expect_ok sysfs_write "$IGB_PF" /sys/bus/pci/drivers_probe
udevadm settle --timeout=30
expect_eq "PF driver" igb "$(driver "$IGB_PF")"
expect_eq "no VFs" 0 "$(attr "$PCI/$IGB_PF/sriov_numvfs")"
expect_ok vfio_pci_sriov N
expect_eq "enable_sriov off" N "$(attr "$ENABLE_SRIOV")"
wait_for '[ "$(netdev_of "$PCI/$IGB_PF")" != null ]' 100
expect_match "the PF's netdev is back" '^en' "$(netdev_of "$PCI/$IGB_PF")"

scenario_done
