# vfio-pci variant drivers on a built tree with a modules.alias of its own
# (SRIOVCTL_MODULES_DIR): vfio bind picks the one named for the device and
# says so, --driver vfio-pci forces the plain one; a VF on a variant (or on
# any driver whose module uses vfio_pci_core) counts as on VFIO for qemu
# args, vfio check, release, the in-use checks and doctor.
root=$TMP/variant
dev=$TMP/variant-dev
mods=$TMP/variant-modules
cat >"$TMP/variant.topo" <<'EOF'
module vfio_pci
driver mlx5_vfio_pci
pf 0000:03:00.0 vendor=15b3 device=1017 class=020000 driver=mlx5_core netdev=enp3s0f0 total=8 numvfs=4 offset=2 stride=1 vfdevice=1018 vfdriver=mlx5_core vfnetdev=none iommu=separate
vf 0000:03:00.0#2 driver=mlx5_vfio_pci override=mlx5_vfio_pci
vf 0000:03:00.0#3 driver=acme_passthru
pf 0000:04:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp4s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=none iommu=separate
pf 0000:05:00.0 vendor=15b3 device=1017 class=020000 driver=mlx5_vfio_pci total=8 numvfs=1 offset=2 stride=1 vfdevice=1018 vfdriver=none iommu=separate
EOF
"$FAKESYS" "$TMP/variant.topo" "$root" >/dev/null || fail "build variant tree"
mkdir -p "$mods" "$dev/vfio"
cat >"$mods/modules.alias" <<'EOF'
# Aliases extracted from modules themselves.
alias pci:v000015B3d00001018sv*sd*bc*sc*i* mlx5_core
alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
alias vfio_pci:v000015B3d*sv*sd*bc*sc*i* mellanox_any_vfio_pci
alias vfio_pci:v000015B3d00001018sv*sd*bc*sc*i* mlx5_vfio_pci
alias vfio_pci:v00001D0Fd00007115sv*sd*bc*sc*i* other_vfio_pci
EOF
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$dev" SRIOVCTL_STATE_DIR="$TMP/variant-state" \
	SRIOVCTL_MODULES_DIR="$mods"
VF0=0000:03:00.2 VF2=0000:03:00.4 VF3=0000:03:00.5 IGBVF=0000:04:10.0
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

# --- bad input --------------------------------------------------------------------
expect_usage_error "bind --driver without value" vfio bind "$VF0" --driver
expect_usage_error "bind --driver that is no VFIO driver" vfio bind "$VF0" --driver mlx5_core
run vfio bind "$VF0" --driver mlx5_core
expect_match "says why" 'invalid driver "mlx5_core": a VFIO driver' "$err"
expect_usage_error "release takes no --driver" vfio release "$VF2" --driver vfio-pci

# --- the variant driver, as libvirt picks it -----------------------------------------
run -j -n vfio bind "$VF0"
expect_rc "dry-run bind of an mlx5 VF" 0
jq_eq "the most specific vfio_pci alias: mlx5_vfio_pci, said so" \
	'[.devices[0] | .driver_before, .driver, .variant_driver, .status]' \
	'["mlx5_core","mlx5_vfio_pci",true,"changed"]'
run -n vfio bind "$VF0"
expect_match "text: the planned driver" "^  $VF0 .* mlx5_core +mlx5_vfio_pci +changed$" "$out"
expect_match "text: a note names the variant and the way to the plain one" \
	"$VF0: would go to mlx5_vfio_pci, its vfio-pci variant driver .*--driver vfio-pci would bind the plain one" "$err"
run -j -n vfio bind "$VF0" --driver vfio-pci
jq_eq "--driver vfio-pci: the plain one" '[.devices[0] | .driver, .variant_driver]' '["vfio-pci",false]'
run -j -n vfio bind "$IGBVF"
jq_eq "an igb VF: only the catch-all matches, plain vfio-pci" '[.devices[0] | .driver, .variant_driver]' '["vfio-pci",false]'
SRIOVCTL_MODULES_DIR=$TMP/no-such-dir run -j -n vfio bind "$VF0"
jq_eq "no modules.alias: plain vfio-pci" '.devices[0].driver' '"vfio-pci"'
expect_eq "dry runs wrote nothing" "$before" "$(tree_sum)"

# --- a VF on a variant is on VFIO -------------------------------------------------------
run -j -n vfio bind "$VF2"
jq_eq "bind: already on a VFIO driver, nothing to do" '[.changed,.devices[0].status,.devices[0].variant_driver]' '[false,"ok",true]'
run -j -n vfio release "$VF2"
jq_eq "release: planned back to the host driver" '[.changed,.devices[0].status]' '[true,"changed"]'
run qemu args "$VF2"
expect_eq "qemu args takes it" "-device vfio-pci,host=$VF2,id=hostdev0" "$out"
run vfio check "$VF2"
expect_rc "vfio check gets past the driver (fails at the container: no VFIO here)" 1
if printf '%s' "$err" | grep -q 'not vfio-pci'; then fail "vfio check: a variant is VFIO"; else pass "vfio check: a variant is VFIO"; fi
run -j doctor
jq_eq "doctor: a PF on a variant hands out VFs only with its VF token" \
	'[.findings[] | select(.check == "vf-token") | [.subject,.status,(.message | test("PF is on mlx5_vfio_pci"))]]' \
	'[["0000:05:00.0","info",true]]'

# any driver whose module uses vfio_pci_core
run qemu args "$VF3"
expect_rc "a driver VFIO does not know: refused" 3
expect_match "says why" "is on acme_passthru, not vfio-pci" "$err"
mkdir -p "$root/module/vfio_pci_core/holders/acme_passthru"
run qemu args "$VF3"
expect_rc "once its module uses vfio_pci_core: taken" 0

# in use: an open group node of a VF on a variant stops pf disable
group=$(basename "$(readlink "$root/bus/pci/devices/$VF2/iommu_group")")
: >"$dev/vfio/$group"
# shellcheck disable=SC2217 # sleep holds the node open, as a VM does
sleep 300 <"$dev/vfio/$group" >/dev/null 2>&1 &
holder=$!
run -n pf disable 03:00.0
expect_rc "pf disable with the variant's group open: refused" 3
expect_match "names the holder" "VFIO group $group is open \\(pid $holder\\)" "$err"
run -n vfio release "$VF2"
expect_rc "vfio release: refused too" 3
kill "$holder"
wait "$holder" 2>/dev/null
run -n vfio release "$VF2"
expect_rc "nobody holds it: release goes through" 0

# --- one rule for VFIO drivers: iommu list/show and doctor agree with vfio check -----
# acme_vf_vfio is no VFIO driver by its name; it is one once its module is a
# holder of vfio_pci_core. Its VF shares IOMMU group 20 with a VF on vfio-pci.
hroot=$TMP/variant-holder
cat >"$TMP/holder.topo" <<'TOPO'
module vfio_pci
driver acme_vf_vfio
pf 0000:06:00.0 vendor=8086 device=1572 class=020000 driver=i40e netdev=enp6s0 total=4 numvfs=2 offset=16 stride=1 vfdevice=154c vfdriver=iavf vfnetdev=none iommu=separate
vf 0000:06:00.0#0 driver=acme_vf_vfio iommu=20
vf 0000:06:00.0#1 driver=vfio-pci iommu=20
TOPO
"$FAKESYS" "$TMP/holder.topo" "$hroot" >/dev/null || fail "build holder tree"
export SRIOVCTL_SYSFS_ROOT="$hroot"
ACME=0000:06:02.0 PLAIN=0000:06:02.1
agree() { # $1: what every command must say of group 20 (true: viable)
	run -j iommu list
	jq_eq "iommu list ($2): group 20 viable $1" '.[] | select(.group == 20) | .viable' "$1"
	run -j iommu show 20
	jq_eq "iommu show ($2): the acme member viable $1, the group too" \
		"[(.devices[] | select(.pci == \"$ACME\") | .viable), .viable, (.blockers | length)]" \
		"[$1,$1,$([ "$1" = true ] && echo 0 || echo 1)]"
	run -j doctor
	jq_eq "doctor ($2): vf-groups" '[.findings[] | select(.check == "vf-groups") | .status]' \
		"$([ "$1" = true ] && echo '["ok"]' || echo '["warn"]')"
	run qemu args "$PLAIN"
	expect_rc "qemu args of the VF beside it ($2)" "$([ "$1" = true ] && echo 0 || echo 3)"
	run vfio check "$ACME"
	expect_rc "vfio check of the acme VF ($2): $([ "$1" = true ] && echo 'past the driver, fails at the container' || echo 'refused: not VFIO')" \
		"$([ "$1" = true ] && echo 1 || echo 3)"
}
agree false "not a holder"
expect_match "vfio check says why" "is on acme_vf_vfio, not vfio-pci" "$err"
run iommu show 20
expect_match "iommu show names the blocker" "viable: no: on host drivers: $ACME \\(acme_vf_vfio\\)" "$out"
mkdir -p "$hroot/module/vfio_pci_core/holders/acme_vf_vfio"
agree true "a vfio_pci_core holder"
expect_match "vfio check: only the missing container" "open container: cannot open" "$err"

# --- apply: driver: vfio-pci names the driver the VF goes to, and a VF on ---------
# a VFIO driver (variant, or a vfio_pci_core holder) has converged
export SRIOVCTL_SYSFS_ROOT="$root"
printf 'pfs:\n  - pci: "03:00.0"\n    vfs:\n      - vf: 0\n        driver: vfio-pci\n' >"$TMP/variant-bind.yaml"
printf 'pfs:\n  - pci: "03:00.0"\n    vfs:\n      - vfs: 2-3\n        driver: vfio-pci\n' >"$TMP/variant-on.yaml"
before=$(tree_sum)
run apply --check "$TMP/variant-bind.yaml"
expect_rc "apply --check: a VF to bind" 0
expect_match "text plan: the variant modules.alias names" "^  0000:03:00.0 +0 +driver +changed +mlx5_core -> mlx5_vfio_pci$" "$out"
run -j apply --check "$TMP/variant-bind.yaml"
jq_eq "-j plan: after is the variant" '[.results[] | select(.action == "driver") | [.before.driver, .after.driver, .status]]' \
	'[["mlx5_core","mlx5_vfio_pci","changed"]]'
run -j apply "$TMP/variant-on.yaml"
expect_rc "apply: VFs on a variant and on a holder's driver" 0
jq_eq "-j: converged, each on the driver it is on" \
	'[.changed, [.results[] | select(.action == "driver") | [.vf, .after.driver, .status]]]' \
	'[false,[[2,"mlx5_vfio_pci","ok"],[3,"acme_passthru","ok"]]]'
run apply "$TMP/variant-on.yaml"
expect_match "text: the variant, not vfio-pci" "^  0000:03:00.0 +2 +driver +ok +mlx5_vfio_pci$" "$out"
expect_eq "apply of converged VFs and its plan wrote nothing" "$before" "$(tree_sum)"
