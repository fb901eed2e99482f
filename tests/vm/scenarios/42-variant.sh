#!/bin/sh
# vfio-pci variant drivers on the real kernel: its own modules.alias (from
# depmod) has only vfio_pci's catch-all, so igb VFs go to plain vfio-pci;
# a modules.alias that names a variant for them makes vfio bind pick it,
# ask libkmod for a module this kernel does not have, fail, and leave the
# VF where it was; --driver vfio-pci binds the plain one.
# shellcheck disable=SC2154,SC2153 # the topology comes from vm.env
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

S=sriovctl
jqv() { printf '%s\n' "$OUT" | jq -c "$1" 2>&1; }
driver() { link_name "$PCI/$1/driver"; }
override() { attr "$PCI/$1/driver_override"; }
ALIAS=/lib/modules/$(uname -r)/modules.alias

case_begin set-up: igb VFs
expect_json $S -j pf disable "$IGB_PF"
expect_json $S -j pf set "$IGB_PF" num-vfs 2
udevadm settle --timeout=30
VF1=$(link_name "$PCI/$IGB_PF/virtfn1")
expect_eq "VF 1 on igbvf" igbvf "$(driver "$VF1")"

case_begin modules.alias of the kernel: only the catch-all, plain vfio-pci
expect_match "depmod wrote vfio_pci's catch-all" \
	'^alias vfio_pci:v\*d\*sv\*sd\*bc\*sc\*i\* vfio_pci$' "$(grep '^alias vfio_pci:' "$ALIAS")"
note "modalias of $VF1: $(attr "$PCI/$VF1/modalias")"
expect_json $S -j -n vfio bind "$VF1"
expect_eq "dry run: vfio-pci, no variant" '["vfio-pci",false]' "$(jqv '[.devices[0].driver,.devices[0].variant_driver]')"

case_begin a modules.alias naming a variant the kernel lacks
mkdir -p /tmp/variant-modules
{
	cat "$ALIAS"
	echo 'alias vfio_pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf_vfio_pci'
} >/tmp/variant-modules/modules.alias
export SRIOVCTL_MODULES_DIR=/tmp/variant-modules
expect_json $S -j -n vfio bind "$VF1"
expect_eq "dry run: the variant, said so" '["igbvf_vfio_pci",true]' "$(jqv '[.devices[0].driver,.devices[0].variant_driver]')"
run $S vfio bind "$VF1"
expect_eq "bind: fails (exit 1)" 1 "$RC"
note "vfio bind: $OUT"
expect_match "libkmod has no such module" 'cannot load module igbvf_vfio_pci' "$OUT"
expect_eq "libkmod's own log stays quiet" "" "$(printf '%s\n' "$OUT" | grep libkmod)"
expect_match "the report: the VF failed, still on igbvf" \
	'^  0000:01:10\.2 +0000:01:00\.0#1 +[0-9]+ +igbvf +igbvf +failed$' "$OUT"
expect_eq "the VF stays on igbvf" igbvf "$(driver "$VF1")"
expect_eq "its override untouched" '(null)' "$(override "$VF1")"
expect_json $S -j vfio bind "$VF1" --driver vfio-pci
expect_eq "--driver vfio-pci: the plain one" '["vfio-pci",false,"changed"]' \
	"$(jqv '[.devices[0].driver,.devices[0].variant_driver,.devices[0].status]')"
expect_eq "on vfio-pci" vfio-pci "$(driver "$VF1")"
expect_json $S -j vfio release "$VF1"
expect_eq "released to igbvf" igbvf "$(driver "$VF1")"
unset SRIOVCTL_MODULES_DIR

case_begin clean-up
expect_json $S -j pf disable "$IGB_PF"
scenario_done
