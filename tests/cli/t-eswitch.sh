# The embedded switch on built hosts, through sriovctl-devlink: sriovctl
# linked with the fake devlink kernel of tests/fixtures (its state in a
# file, so that one command sees what the one before changed). The plain
# binary shows nulls on a built tree; bad input and refusals touch
# nothing.
root=$TMP/eswitch
cat >"$TMP/eswitch.topo" <<'TOPO'
pf 0000:03:00.0 vendor=8086 device=1592 class=020000 driver=ice netdev=ens1f0 total=8 numvfs=2 offset=8 stride=1 vfdevice=1889 vfdriver=iavf vfnetdev=ens1f0v%d iommu=separate
pf 0000:05:00.0 vendor=15b3 device=1017 class=020000 driver=mlx5_core netdev=enp5s0f0np0 total=8 numvfs=3 offset=2 stride=1 vfdevice=1018 vfdriver=mlx5_core vfnetdev=none iommu=separate
pf 0000:06:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp6s0 total=8 numvfs=1 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp6s0v%d iommu=separate
TOPO
"$FAKESYS" "$TMP/eswitch.topo" "$root" >/dev/null || fail "build eswitch tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/eswitch-state
state=$TMP/devlink.state
export SRIOVCTL_TEST_DEVLINK=$state
cat >"$state" <<'STATE'
pci 0000:03:00.0 driver=ice netdev=ens1f0
pci 0000:05:00.0 driver=mlx5_core netdev=enp5s0f0np0 portfn=1 inline=3 encap=1
STATE
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

# the product binary on a built tree: no devlink, nulls, exit 0
run -j pf show 0000:03:00.0
expect_rc "plain sriovctl: pf show exits 0" 0
jq_eq "plain sriovctl: devlink and eswitch null" '[.devlink,.eswitch_mode,.inline_mode,.encap_mode]' '[null,null,null,null]'
SRIOVCTL=$SRIOVCTL_DEVLINK

run -j pf list
expect_rc "pf list exits 0" 0
jq_eq "pf list: handles, modes, null for igb" '[.[] | [.devlink,.eswitch_mode]]' \
	'[["pci/0000:03:00.0","legacy"],["pci/0000:05:00.0","legacy"],[null,null]]'
jq_eq "inline and encap mode where reported" '[.[1].inline_mode,.[1].encap_mode,.[0].inline_mode]' '["transport","basic",null]'
run pf list
expect_match "pf list text: an ESWITCH column" '^0000:05:00\.0 .* legacy ' "$out"
run -j vf list 0000:05:00.0
jq_eq "legacy: no ports" '[.[] | .devlink_port, .representor, .port_function] | unique' '[null]'

echo nofamily >"$TMP/nofamily.state"
SRIOVCTL_TEST_DEVLINK=$TMP/nofamily.state run -j pf show 0000:05:00.0
expect_rc "a kernel without devlink: exit 0" 0
jq_eq "a kernel without devlink: nulls" '[.devlink,.eswitch_mode]' '[null,null]'

# bad input: exit 2, nothing touched
expect_usage_error "unknown eswitch mode" pf set 0000:05:00.0 eswitch bogus
expect_match "the modes named" 'legacy or switchdev' "$(run pf set 0000:05:00.0 eswitch bogus; echo "$err")"
expect_usage_error "eswitch with num-vfs" pf set 0000:05:00.0 eswitch switchdev num-vfs 3
expect_usage_error "eswitch twice" pf set 0000:05:00.0 eswitch switchdev eswitch legacy
expect_usage_error "a PF without devlink: one message, exit 2" pf set 0000:06:00.0 eswitch switchdev
run pf set 0000:06:00.0 eswitch switchdev
expect_rc "a PF without devlink: exit 2" 2
expect_match "and says so" 'no devlink instance' "$err"

# ice needs 0 VFs: refused with the sequence, or planned with -n
run pf set ens1f0 eswitch switchdev
expect_rc "ice with VFs: refused" 3
expect_match "the refusal gives the sequence" 'pf set ens1f0 num-vfs 0.*devlink dev eswitch set pci/0000:03:00.0 mode switchdev.*pf set ens1f0 num-vfs 2' "$err"
run -j pf set ens1f0 eswitch switchdev
jq_eq "refusal as JSON: the report with the error" '[.changed,.eswitch_mode,.error.code]' '[false,"legacy",3]'
run -j -n --force pf set ens1f0 eswitch switchdev
expect_rc "dry run with --force exits 0" 0
jq_eq "dry run: the plan" '[.changed,.dry_run,.vfs_recreated,([.steps[].step]|join(" ")),([.steps[].status]|unique),.devlink_writes]' \
	'[true,true,true,"save-settings remove-vfs set-mode create-vfs restore-settings",["planned"],0]'
expect_match "the state file still says legacy" 'pci 0000:03:00.0 .*mode=legacy' "$(cat "$state")"
expect_eq "nothing written by refusals, bad input and dry runs" "$before" "$(tree_sum)"

# mlx5 keeps its VFs: the mode is set and read back
run -j pf set 0000:05:00.0 eswitch switchdev
expect_rc "mlx5: switchdev" 0
jq_eq "report: before and after, one devlink write" \
	'[.changed,.eswitch_mode_before,.eswitch_mode,.num_vfs_before,.num_vfs,.vfs_recreated,.devlink_writes]' \
	'[true,"legacy","switchdev",3,3,false,1]'
expect_match "the fake kernel holds switchdev" 'pci 0000:05:00.0 .*mode=switchdev' "$(cat "$state")"
run -j pf show 0000:05:00.0
jq_eq "pf show reads it back" '.eswitch_mode' '"switchdev"'
run -j vf list 0000:05:00.0
jq_eq "every VF has its port and representor" '[.[] | [.devlink_port,.representor]]' \
	'[["pci/0000:05:00.0/1","enp5s0f0pf0vf0"],["pci/0000:05:00.0/2","enp5s0f0pf0vf1"],["pci/0000:05:00.0/3","enp5s0f0pf0vf2"]]'
jq_eq "and its port function" '.[2].port_function' '{"hw_addr":"02:00:00:00:00:02","state":"active","opstate":"attached"}'
run vf show '0000:05:00.0#1'
expect_match "vf show text: the representor" 'representor: +enp5s0f0pf0vf1' "$out"
run -j pf set 0000:05:00.0 eswitch switchdev
jq_eq "the same mode again: no change, nothing sent" '[.changed,.devlink_writes,(.steps|length)]' '[false,0,0]'

# rate nodes: refused before anything is sent, naming them
sed -i 's/^\(pci 0000:05:00.0 .*\)ratenodes=0/\1ratenodes=2/' "$state"
run pf set 0000:05:00.0 eswitch legacy
expect_rc "rate nodes: refused" 3
expect_match "the nodes named, and the way out" 'rate nodes grp0, grp1 exist.*devlink port function rate del pci/0000:05:00.0/grp0' "$err"
expect_match "still switchdev" 'pci 0000:05:00.0 .*mode=switchdev' "$(cat "$state")"
sed -i 's/ratenodes=2/ratenodes=0/' "$state"
run -j pf set 0000:05:00.0 eswitch legacy
jq_eq "without them: back to legacy" '[.changed,.eswitch_mode]' '[true,"legacy"]'

# doctor: per PF, devlink or not, and the mode
run -j pf set 0000:05:00.0 eswitch switchdev
run -j doctor
jq_eq "doctor: the eswitch of each PF" \
	'[.findings[] | select(.check == "eswitch") | [.subject, .status, (.message | test("devlink pci/0000:0[35]:00.0, eswitch mode (legacy|switchdev)|no devlink instance"))]]' \
	'[["0000:03:00.0","ok",true],["0000:05:00.0","ok",true],["0000:06:00.0","info",true]]'
jq_eq "doctor: switchdev named" '[.findings[] | select(.check == "eswitch" and .subject == "0000:05:00.0") | .message]' \
	'["devlink pci/0000:05:00.0, eswitch mode switchdev"]'

# apply: eswitch per PF, with check, diff and no writes on re-apply
sets() { sed -n 's/^sets //p' "$state"; }
cat >"$TMP/esw.yaml" <<'YAML'
pfs:
  - pci: "0000:05:00.0"
    eswitch: switchdev
YAML
run -j pf set 0000:05:00.0 eswitch legacy
n0=$(sets)
run -j apply --check "$TMP/esw.yaml"
expect_rc "apply --check exits 0" 0
jq_eq "check: the eswitch step would change" '[.results[] | select(.action == "eswitch") | [.status,.before.eswitch,.after.eswitch]]' \
	'[["changed","legacy","switchdev"]]'
expect_eq "check: no devlink write" "$n0" "$(sets)"
run -j apply "$TMP/esw.yaml"
expect_rc "apply exits 0" 0
jq_eq "apply: changed to switchdev" '[.changed,(.results[] | select(.action == "eswitch") | .status)]' '[true,"changed"]'
expect_eq "apply: one devlink write" "$((n0 + 1))" "$(sets)"
expect_match "the fake kernel holds switchdev" 'pci 0000:05:00.0 .*mode=switchdev' "$(cat "$state")"
run -j apply "$TMP/esw.yaml"
jq_eq "re-apply: ok, nothing changed" '[.changed,(.results[] | select(.action == "eswitch") | .status)]' '[false,"ok"]'
expect_eq "re-apply: zero devlink writes" "$((n0 + 1))" "$(sets)"
run apply "$TMP/esw.yaml"
expect_match "text: the eswitch row" 'eswitch .*ok .*switchdev' "$out"

cat >"$TMP/esw-ice.yaml" <<'YAML'
pfs:
  - netdev: ens1f0
    eswitch: switchdev
YAML
run -j apply --check "$TMP/esw-ice.yaml"
jq_eq "check: ice with VFs is refused without --force" \
	'[.results[] | select(.action == "eswitch") | [.status,.errno,(.reason | test("num-vfs 0"))]]' '[["failed",125,true]]'
expect_eq "check: nothing sent" "$((n0 + 1))" "$(sets)"

printf 'pfs:\n  - pci: "0000:05:00.0"\n    eswitch: bogus\n' >"$TMP/esw-bad.yaml"
run apply "$TMP/esw-bad.yaml"
expect_rc "apply: a bad mode is exit 2" 2
expect_match "with its position" 'esw-bad.yaml:3:.*eswitch.*legacy or switchdev' "$err"
printf 'pfs:\n  - pci: "0000:06:00.0"\n    eswitch: legacy\n' >"$TMP/esw-igb.yaml"
run apply "$TMP/esw-igb.yaml"
expect_rc "apply: eswitch on a PF without devlink is exit 2" 2
expect_match "and says so" 'no devlink instance' "$err"
expect_eq "nothing sent by bad files" "$((n0 + 1))" "$(sets)"

# apply: rate nodes and VF rates (devlink), checked before anything is sent
sed -i 's/^\(pci 0000:05:00.0 .*\)ratenodes=0/\1ratenodes=1/' "$state"
cat >"$TMP/rate.yaml" <<'YAML'
pfs:
  - pci: "0000:05:00.0"
    rate_nodes:
      - name: tenant1
        tx_max: 1gbit
        parent: grp0
    vfs:
      - vfs: 0-1
        tx_share: 100
        tx_max: 500mbit
        rate_parent: tenant1
      - vf: 2
        rate_parent: grp0
YAML
run -j apply --check "$TMP/rate.yaml"
expect_rc "rates: apply --check exits 0" 0
jq_eq "check: a new node under an existing one, then three leaves" \
	'[.results[] | select(.action == "rate_node" or .action == "rate") | [.vf,.status,.before.rate_node // .before.rate,.after.rate_node // .after.rate]]' \
	'[[null,"changed",null,"tenant1 tx_share 0 tx_max 1gbit parent grp0"],[0,"changed",null,"tx_share 100mbit tx_max 500mbit parent tenant1"],[1,"changed",null,"tx_share 100mbit tx_max 500mbit parent tenant1"],[2,"changed",null,"parent grp0"]]'
expect_eq "check: nothing sent" "$((n0 + 1))" "$(sets)"
run apply --check --diff "$TMP/rate.yaml"
expect_match "diff: the node's row" '0000:05:00.0 +rate_node +- +tenant1 tx_share 0 tx_max 1gbit parent grp0' "$out"
expect_match "diff: a leaf's row" '0000:05:00.0#1 +rate +- +tx_share 100mbit tx_max 500mbit parent tenant1' "$out"

sed 's/parent: grp0/parent: grp9/' "$TMP/rate.yaml" >"$TMP/rate-bad.yaml"
run apply "$TMP/rate-bad.yaml"
expect_rc "a parent neither in the file nor on the PF: exit 2" 2
expect_match "names it, with its position" 'rate-bad.yaml:6:9: pfs\[0\].rate_nodes\[0\].parent: rate node "grp9" is neither in the file nor on 0000:05:00.0' "$err"
sed 's/tx_max: 500mbit/tx_max: 500mbits/' "$TMP/rate.yaml" >"$TMP/rate-bad.yaml"
run apply "$TMP/rate-bad.yaml"
expect_rc "a bad unit: exit 2" 2
expect_match "says what a rate is" 'tx_max: expected a rate like 100mbit, 1gbit or a number of Mbit/s, got "500mbits"' "$err"
sed 's/tx_share: 100$/tx_share: 2gbit/' "$TMP/rate.yaml" >"$TMP/rate-bad.yaml"
run apply "$TMP/rate-bad.yaml"
expect_rc "tx_share above tx_max: exit 2" 2
expect_match "says so" 'tx_share is above tx_max' "$err"
printf 'pfs:\n  - pci: "0000:05:00.0"\n    eswitch: legacy\n    rate_nodes:\n      - name: a\n' >"$TMP/rate-bad.yaml"
run apply "$TMP/rate-bad.yaml"
expect_rc "rates with eswitch legacy: exit 2" 2
expect_match "says why" 'rates need switchdev mode: the file sets 0000:05:00.0 to eswitch legacy' "$err"
printf 'pfs:\n  - pci: "0000:03:00.0"\n    vfs:\n      - vf: 0\n        tx_max: 1gbit\n' >"$TMP/rate-bad.yaml"
run apply "$TMP/rate-bad.yaml"
expect_rc "rates on a PF in legacy mode: exit 2" 2
expect_match "names the mode and the way out" 'rates need switchdev mode: 0000:03:00.0 is in legacy mode \(add "eswitch: switchdev"\)' "$err"
expect_eq "nothing sent by bad rate files" "$((n0 + 1))" "$(sets)"
expect_match "the fake kernel: 0000:05:00.0 still switchdev" 'pci 0000:05:00.0 .*mode=switchdev' "$(cat "$state")"
sed -i 's/ratenodes=1/ratenodes=0/' "$state"
