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
