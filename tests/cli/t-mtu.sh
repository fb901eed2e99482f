# MTUs on a built host: shown by pf/vf show and list (from sysfs), bad
# values and unsafe orders refused before anything is touched. The writes
# themselves go over rtnetlink (unit tests: test_mtu; real kernel: VM).
root=$TMP/mtu
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build host tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/mtu-state
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

run -j pf list
jq_eq "pf list: mtu of the PF's netdev, null without one" '[.[] | .mtu]' '[1500,null,null,1500]'
run -j pf show enp3s0
jq_eq "pf show: mtu, and each VF's" '[.mtu, (.vfs | map(.mtu))]' '[1500,[1500,1500,1500]]'
echo 9000 >"$root/class/net/enp3s0v1/mtu"
run -j vf show 'enp3s0#1'
jq_eq "vf show: the VF's own netdev" '.mtu' '9000'
run -j vf list 04:00.0
jq_eq "vf list: null for a VF without a netdev" '[.[] | .mtu]' '[null,null]'
run vf list enp3s0
expect_match "vf list text: an MTU column" '^0000:03:00.0 +1 +0000:03:10.2 +enp3s0v1 +igbvf +2 +9000 ' "$(printf '%s\n' "$out" | sed -n 3p)"
echo 1500 >"$root/class/net/enp3s0v1/mtu"
before=$(tree_sum)

expect_usage_error "pf set mtu 0" pf set enp3s0 mtu 0
run pf set enp3s0 mtu 0
expect_eq "says the range" 'sriovctl: MTU 0 is out of range 68-65535' "$err"
expect_usage_error "pf set mtu 70000" pf set enp3s0 mtu 70000
expect_usage_error "pf set mtu not a number" pf set enp3s0 mtu 9k
expect_usage_error "pf set mtu twice" pf set enp3s0 mtu 9000 mtu 1500
expect_usage_error "pf set autoprobe without num-vfs" pf set enp3s0 mtu 9000 autoprobe on
expect_usage_error "vf set mtu 70000" vf set 'enp3s0#0' mtu 70000
expect_usage_error "vf set mtu with other settings" vf set 'enp3s0#0' mtu 1500 trust on
expect_usage_error "vf set mtu above the PF's" vf set 'enp3s0#0-2' mtu 9000
run vf set 'enp3s0#0-2' mtu 9000
expect_eq "both values named" 'sriovctl: VF 0 (enp3s0v0): MTU 9000 would be above its PF'"'"'s (enp3s0: 1500); raise the PF'"'"'s first' "$err"
run -j vf set 'enp3s0#0' mtu 9000
jq_eq "JSON: the same refusal" '.error.code' '2'
run pf set enp3s0 mtu 1400
expect_rc "PF below its VFs: refused" 3
expect_match "naming the VF and both values" 'MTU 1400 would be below VF 0.s \(enp3s0v0: 1500\); lower the VFs first, or repeat with --force' "$err"
run -n pf set enp3s0 mtu 1400
expect_rc "refused in a dry run too" 3
# a bad MTU stops a VF count change in the same command before it starts
run pf set enp3s0 num-vfs 0 mtu 70000
expect_rc "num-vfs with a bad mtu: exit 2" 2
expect_eq "nothing touched by any of it" "$before" "$(tree_sum)"
run -j vf set '04:00.0#0-1' mtu 1500
jq_eq "VFs without a netdev: a failure each, named" \
	'[.changed, (.results | map(.status, .mtu, (.error | test("has no driver, so no network interface")))), .error.code]' \
	'[false,["failed",null,true,"failed",null,true],1]'
run vf set '04:00.0#0' mtu 1500
expect_rc "text: exit 1" 1
# past the checks, the write needs the running kernel
run --force pf set enp3s0 mtu 1400
expect_rc "pf set mtu on a built tree: refused as input" 2
expect_match "and says why" 'running kernel' "$err"
run -j pf set enp3s0 num-vfs 3
jq_eq "pf set report: mtu before and after" '[.mtu_before, .mtu]' '[1500,1500]'
run -j pf disable 04:00.0 -n
jq_eq "without a netdev: null" '[.mtu_before, .mtu]' '[null,null]'
# doctor names a VF above its PF, and only then
run -j doctor
jq_eq "doctor: no mtu finding while they agree" '[.findings[] | select(.check == "mtu")] | length' '0'
echo 9000 >"$root/class/net/enp3s0v2/mtu"
run -j doctor
jq_eq "doctor: a VF above its PF" '[.findings[] | select(.check == "mtu") | .subject, .status, (.message | test("1 VF has an MTU above the PF.s 1500 \\(up to 9000, VF 2 first\\)")), (.fix | test("pf set 0000:03:00.0 mtu 9000"))]' \
	'["0000:03:00.0","warn",true,true]'
echo 1500 >"$root/class/net/enp3s0v2/mtu"

# apply: mtu of the PF and of each VF, checked before anything is touched
before=$(tree_sum)
mtu_file() { printf 'pfs:\n  - netdev: enp3s0\n%b' "$1" >"$TMP/mtu-apply.yaml"; }
mtu_file '    mtu: 70000\n'
run apply "$TMP/mtu-apply.yaml"
expect_rc "apply: PF mtu 70000 exits 2" 2
expect_match "apply: the range, with the position" 'mtu-apply.yaml:3:10: pfs\[0\].mtu: expected an MTU from 68 to 65535' "$err"
mtu_file '    vfs:\n      - vf: 1\n        mtu: 9000\n'
run apply -n "$TMP/mtu-apply.yaml"
expect_rc "apply: a VF above the PF exits 2" 2
expect_match "apply: both values named" 'pfs\[0\].vfs\[0\].mtu: VF 1: MTU 9000 would be above its PF.s \(0000:03:00.0: 1500\)' "$err"
mtu_file '    mtu: 4000\n    vfs:\n      - vf: 1\n        mtu: 9000\n'
run apply "$TMP/mtu-apply.yaml"
expect_rc "apply: a VF above the PF's new MTU exits 2" 2
mtu_file '    vfs:\n      - vf: 1\n        mtu: 1400\n        driver: vfio-pci\n'
run apply "$TMP/mtu-apply.yaml"
expect_rc "apply: mtu of a VF sent to vfio-pci exits 2" 2
expect_match "apply: it has no host netdev" 'VF 1 goes to vfio-pci: it has no network interface on the host' "$err"
printf 'pfs:\n  - pci: 04:00.0\n    vfs:\n      - vf: 0\n        mtu: 1500\n' >"$TMP/mtu-apply.yaml"
run apply "$TMP/mtu-apply.yaml"
expect_rc "apply: mtu of a VF without a driver exits 2" 2
expect_match "apply: named" 'VF 0 \(0000:04:00.1\) has no driver, so no network interface' "$err"
# the plan: the PF and VF 0 up, the JSON and --diff
mtu_file '    mtu: 9000\n    vfs:\n      - vf: 0\n        mtu: 9000\n'
run -j apply --check "$TMP/mtu-apply.yaml"
expect_rc "apply --check: planned" 0
jq_eq "apply --check: the PF and the VF, before and after" \
	'[.changed, (.results[] | select(.action == "mtu") | [.vf, .status, .before.mtu, .after.mtu, .changed_fields])]' \
	'[true,[null,"changed",1500,9000,["mtu"]],[0,"changed",1500,9000,["mtu"]]]'
run apply --check --diff "$TMP/mtu-apply.yaml"
expect_match "apply --diff: the PF's row" '0000:03:00.0 +mtu +1500 +9000' "$out"
expect_match "apply --diff: the VF's row" '0000:03:00.0#0 +mtu +1500 +9000' "$out"
# lowering the PF below a VF the file leaves: refused, exit 3
echo 9000 >"$root/class/net/enp3s0/mtu"
echo 9000 >"$root/class/net/enp3s0v2/mtu"
mtu_file '    mtu: 1500\n    vfs:\n      - vf: 0\n        mtu: 1500\n'
run -j apply --check "$TMP/mtu-apply.yaml"
expect_rc "apply: the PF below VF 2: refused" 3
jq_eq "apply: the refusal names the VF and both values" \
	'.results[] | select(.action == "mtu" and .vf == null) | [.status, .errno, (.reason | test("MTU 1500 would be below VF 2.s \\(enp3s0v2: 9000\\), which the file leaves"))]' \
	'["failed",125,true]'
run apply "$TMP/mtu-apply.yaml"
expect_rc "apply: refused without --check too" 3
# already there: nothing to write, changed false
mtu_file '    mtu: 9000\n    vfs:\n      - vf: 2\n        mtu: 9000\n'
snap=$(tree_sum)
run -j apply "$TMP/mtu-apply.yaml"
jq_eq "apply: converged, nothing written" '[.changed, (.results | map(.status))]' '[false,["ok","ok"]]'
expect_eq "apply: the tree as it was" "$snap" "$(tree_sum)"
echo 1500 >"$root/class/net/enp3s0/mtu"
echo 1500 >"$root/class/net/enp3s0v2/mtu"
expect_eq "apply: nothing touched by the refusals" "$before" "$(tree_sum)"
