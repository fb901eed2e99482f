# sriovctl rate on a built sysfs tree, which has no devlink: the grammar
# and the units are checked before devlink is asked (bad input exits 2
# with one line and touches nothing), a bare "rate" lists nothing, and
# what needs devlink says it is not there (exit 1). Rates against a
# kernel: tests/unit/test_rate.c (fake devlink) and tests/vm (netdevsim).
root=$TMP/rate
cat >"$TMP/rate.topo" <<'EOF2'
pf 0000:03:00.0 vendor=15b3 device=101d class=020000 driver=mlx5_core netdev=ens1f0 total=8 numvfs=4 offset=2 stride=1 vfdevice=101e vfdriver=mlx5_core vfnetdev=ens1f0v%d iommu=separate
EOF2
"$FAKESYS" "$TMP/rate.topo" "$root" >/dev/null || fail "build rate tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_STATE_DIR="$TMP/rate-state"
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

run rate
expect_rc "bare rate lists" 0
expect_eq "nothing to list without devlink" "" "$out"
run -j rate
jq_eq "bare rate: an empty JSON list" . "[]"
run -j rate list
jq_eq "rate list: an empty JSON list" . "[]"
run rate help
expect_rc "rate help" 0
expect_match "help shows the units" "100mbit, 1gbit, 500kbit" "$out"

expect_usage_error "unknown unit" rate set ens1f0#0 tx-max 100mbits
run rate set ens1f0#0 tx-max 100mbits
expect_match "the unit error names the value and the units" \
	'invalid rate "100mbits" for tx-max: a number and a unit: 100mbit' "$err"
expect_usage_error "a space in the rate" rate set ens1f0#0 tx-share "100 mbit"
expect_usage_error "not whole bytes per second" rate set ens1f0#0 tx-max 1bit
run rate set ens1f0#0 tx-max 1bit
expect_match "why 1bit is refused" "not a whole number of bytes per second" "$err"
expect_usage_error "a rate past 64 bits" rate set ens1f0#0 tx-max 99999999999tbit
expect_usage_error "a value missing" rate set ens1f0#0 tx-max
expect_usage_error "a setting twice" rate set ens1f0#0 tx-max 1gbit tx-max 2gbit
expect_usage_error "an unknown setting" rate set ens1f0#0 max-tx-rate 100
expect_usage_error "no setting" rate set ens1f0#0 noparent noparent
expect_usage_error "no VF spec" rate set
expect_usage_error "noparent is for set" rate add ens1f0/grp noparent
expect_usage_error "a node name of digits" rate add ens1f0/123 tx-max 1gbit
expect_usage_error "a node name with a space" rate add "ens1f0/a b"
expect_usage_error "no node name" rate add ens1f0/ tx-max 1gbit
expect_usage_error "no PF" rate del /grp
expect_usage_error "an unknown PF" rate del nosuch0/grp
expect_usage_error "an unknown VF" rate set ens1f0#9 tx-max 1gbit

run -j rate set ens1f0#0-3 tx-share 100mbit tx-max 1gbit
expect_rc "rate set without devlink fails" 1
jq_eq "and says why" '.error.message | test("devlink is not available")' true
run -n rate set ens1f0#0 tx-max 100
expect_rc "a dry run needs devlink too" 1
run -j rate add ens1f0/grp tx-max 2gbit
expect_rc "rate add without devlink fails" 1
run -j rate del ens1f0/grp
expect_rc "rate del without devlink fails" 1
run -j rate list ens1f0
expect_rc "rate list of a PF without devlink fails" 1
expect_eq "the tree is untouched" "$before" "$(tree_sum)"

# vf set's port function words are checked before anything is asked
expect_usage_error "hw-addr that is no MAC" vf set ens1f0#0 hw-addr zz
expect_usage_error "a multicast hw-addr" vf set ens1f0#0 hw-addr 01:00:00:00:00:01
expect_usage_error "a zero hw-addr" vf set ens1f0#0 hw-addr 00:00:00:00:00:00
expect_usage_error "hw-addr to two VFs" vf set ens1f0#0-1 hw-addr 02:00:00:00:00:01
expect_usage_error "hw-addr without a value" vf set ens1f0#0 hw-addr
expect_usage_error "state twice" vf set ens1f0#0 state active state inactive
expect_usage_error "a state that is neither" vf set ens1f0#0 state up
expect_eq "the tree is still untouched" "$before" "$(tree_sum)"
