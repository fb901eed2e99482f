# apply and restore on a built host: the schema, file errors with their
# positions, the plan (--check, --diff, -j), what converges on a built
# tree (autoprobe is a plain file there) and that a second run changes
# nothing, exit codes, that checks and bad input touch nothing, and the
# systemd units (systemd-analyze verify, when there is one).
# shellcheck disable=SC2016 # jq programs
root=$TMP/apply
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build host tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_STATE_DIR="$TMP/apply-state"
files=$CLI_DIR/../apply
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

# the schema: JSON Schema 2020-12, whose keys are the format's
run apply --schema
expect_rc "schema exits 0" 0
jq_eq "schema is draft 2020-12" '."$schema"' '"https://json-schema.org/draft/2020-12/schema"'
jq_eq "schema: PF keys" '."$defs".pf.properties | keys' \
	'["autoprobe","device","eswitch","index","mtu","netdev","num_vfs","pci","rate_nodes","vfs"]'
jq_eq "schema: VF keys" '."$defs".vf.properties | keys | length' '20'
run -j apply --schema
jq_eq "schema is JSON with -j too" '.required' '["pfs"]'
# a real validator: the schema is valid 2020-12, the examples follow it
if /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	"$SRIOVCTL" apply --schema >"$TMP/schema.json"
	run_py=$(/usr/bin/python3 "$files/schema-check.py" "$TMP/schema.json" \
		"$files"/examples/* "$files/cli/bad-key.yaml" 2>&1)
	expect_eq "jsonschema: the examples are valid, an unknown key is not" \
		"valid valid valid valid invalid" \
		"$(printf '%s\n' "$run_py" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
fi

# usage
expect_usage_error "apply without a file" apply
expect_usage_error "apply: unknown option" apply --frobnicate "$files/cli/host-converge.yaml"
expect_usage_error "apply: bad timeout" apply --timeout soon "$files/cli/host-converge.yaml"
expect_usage_error "apply: --schema with a file" apply --schema "$files/cli/host-converge.yaml"
expect_usage_error "apply: missing file" apply "$TMP/nonexistent.yaml"
run apply help
expect_rc "apply help" 0
expect_match "apply help names the format page" 'sriovctl.conf\(5\)' "$out"
expect_usage_error "restore without VFs" restore
expect_usage_error "restore: no such PF" restore 'eth9#0'

# errors name the file, line, column and key; exit 2; JSON errors with -j
expect_usage_error "unknown key" apply "$files/cli/bad-key.yaml"
run apply "$files/cli/bad-key.yaml"
expect_eq "unknown key: position and key" \
	"sriovctl: $files/cli/bad-key.yaml:7:9: pfs[0].vfs[0]: unknown key \"colour\"; expected one of: vf, vfs, mac, vlan, qos, vlan_proto, min_tx_rate, max_tx_rate, spoofchk, trust, link_state, query_rss, node_guid, port_guid, driver, owner, mtu, tx_share, tx_max, rate_parent" "$err"
run apply "$files/cli/bad-conflict.yaml"
expect_eq "conflict: both positions" \
	"sriovctl: $files/cli/bad-conflict.yaml:7:9: pfs[0].vfs[1].vlan: VF 1's vlan is set already at $files/cli/bad-conflict.yaml:5" "$err"
run -j apply "$files/cli/bad-syntax.json"
expect_rc "JSON syntax error exits 2" 2
jq_eq "JSON syntax error as JSON" '.error.message' \
	"\"$files/cli/bad-syntax.json:3:3: invalid YAML/JSON: did not find expected ',' or ']' while parsing a flow sequence\""
printf 'pfs:\n  - netdev: enp3s0\n    num_vfs: 9\n' >"$TMP/over.yaml"
run apply --check "$TMP/over.yaml"
expect_rc "num_vfs above the PF's total: exit 2" 2
expect_match "above total: position and limit" 'over.yaml:3:5: pfs\[0\].num_vfs: 0000:03:00.0 supports at most 8 VFs' "$err"
printf 'pfs:\n  - netdev: enp3s0\n    vfs:\n      - vf: 5\n        trust: true\n' >"$TMP/novf.yaml"
run apply --check "$TMP/novf.yaml"
expect_match "a VF the PF does not have" 'novf.yaml:4:9: pfs\[0\].vfs\[0\]: VF 5 does not exist: netdev enp3s0 has 3 VFs' "$err"
printf 'pfs:\n  - netdev: enp3s0\n    vfs:\n      - vf: 0\n        trust: true\n' >"$TMP/vfset.yaml"
run apply --check "$TMP/vfset.yaml"
expect_rc "VF settings of existing VFs need the running kernel" 2
expect_match "and it says so" 'running kernel' "$err"

# the plan: changes nothing, says everything
run --force apply --check --diff "$files/cli/host-plan.yaml"
expect_rc "check exits 0" 0
expect_match "text plan lists steps" '0000:03:00.0 +- +num_vfs +changed +3 -> 5' "$out"
expect_match "text diff: a field, before and after" '0000:03:00.0#2 +vlan +- +10 qos 0 802.1Q' "$out"
expect_match "text: switches on or off, as everywhere (sriovctl(8))" '0000:03:00.0 +- +autoprobe +changed +on -> off' "$out"
expect_match "text diff: a VF switch on or off" '0000:03:00.0#0 +spoofchk +- +on$' "$out"
expect_match "text: check is a fact, yes or no" '^check: +yes$' "$out"
run -j --force apply --check "$files/cli/host-plan.yaml"
jq_eq "-j: top level" '[.changed, .check, (.results | length)]' '[true,true,11]'
jq_eq "-j: every result has the documented keys" \
	'[.results[] | keys] | unique' \
	'[["action","after","before","changed_fields","errno","pf","reason","rolled_back","status","vf"]]'
jq_eq "-j: num_vfs step" '.results[] | select(.action == "num_vfs" and .pf == "0000:03:00.0") | [.before, .after, .status]' \
	'[{"num_vfs":3},{"num_vfs":5},"changed"]'
jq_eq "-j: VF settings of a new VF: before unknown" \
	'.results[] | select(.action == "vf_config" and .vf == 0) | [.before.mac, .after.mac, .after.vlan, .after.vlan_proto, .changed_fields]' \
	'[null,"02:00:00:00:03:00",10,"802.1Q",["mac","vlan","spoofchk"]]'
jq_eq "-j: driver and owner steps" \
	'[.results[] | select(.vf == 1 and (.action == "driver" or .action == "owner")) | [.action, .after[.action], .status]]' \
	'[["driver","vfio-pci","changed"],["owner","root:root","changed"]]'
run -j -n --force apply "$files/cli/host-plan.yaml"
jq_eq "-n is --check" '.check' 'true'
run apply --check "$files/cli/host-plan.yaml"
expect_rc "N -> M without --force is refused: exit 3" 3
run -j apply --check "$files/cli/host-plan.yaml"
jq_eq "refusal is a failed step" '.results[] | select(.action == "num_vfs" and .pf == "0000:03:00.0") | [.status, .errno]' '["failed",125]'
jq_eq "the report of a refusal carries the error" '[.error.code, (.error.message | test("^[0-9]+ steps? failed$"))]' '[3,true]'
expect_eq "checks and bad input wrote nothing" "$before" "$(tree_sum)"

# what a built tree can converge: autoprobe; the count is already so
run -j apply "$files/cli/host-converge.yaml"
expect_rc "apply exits 0" 0
jq_eq "first apply changes autoprobe" '[.changed, [.results[] | select(.status == "changed") | .action]]' '[true,["autoprobe"]]'
expect_eq "the tree has it" 1 "$(cat "$root/bus/pci/devices/0000:04:00.0/sriov_drivers_autoprobe")"
after_first=$(tree_sum)
run -j apply "$files/cli/host-converge.yaml"
jq_eq "second apply: changed false, all ok" '[.changed, ([.results[].status] | unique)]' '[false,["ok"]]'
expect_eq "second apply wrote nothing" "$after_first" "$(tree_sum)"
expect_eq "no journal left" "" "$(ls "$TMP/apply-state/apply" 2>/dev/null)"
run apply - <"$files/cli/host-converge.yaml"
expect_rc "state on standard input" 0
expect_match "text report: changed is a fact, yes or no" 'changed: +no$' "$out"
mkdir -p "$TMP/etc-sriovctl"
run -j apply "$TMP/etc-sriovctl"
jq_eq "an empty directory: nothing to do" '[.changed, .results]' '[false,[]]'
cp "$files/cli/host-converge.yaml" "$TMP/etc-sriovctl/10-host.yaml"
echo 'not a state file' >"$TMP/etc-sriovctl/README"
run -j apply "$TMP/etc-sriovctl"
jq_eq "a directory: its *.yaml files" '.results | length' '3'
run -j apply --pf 04:00.0 "$TMP/etc-sriovctl"
jq_eq "--pf: only that PF's entry" '[.results[].pf] | unique' '["0000:04:00.0"]'
run -j apply --pf 00:1f.2 "$TMP/etc-sriovctl"
expect_rc "--pf names no SR-IOV PF: exit 2" 2

# a selector matching nothing fails alone
printf 'pfs:\n  - netdev: eth9\n    num_vfs: 1\n  - netdev: enp3s0\n    num_vfs: 3\n' >"$TMP/missing.yaml"
run -j apply "$TMP/missing.yaml"
expect_rc "a missing PF: exit 1" 1
jq_eq "the missing PF is a failed find_pf" '[.results[0].action, .results[0].status, .results[1].status]' '["find_pf","failed","ok"]'
jq_eq "the report carries the error" '.error.code' '1'
run -j apply --check "$TMP/missing.yaml"
jq_eq "check: the same plan, the same error" '[.check, .error.code]' '[true,1]'

# recover with nothing to recover; restore of VFs without netdev
run -j apply --recover
jq_eq "recover without journals: empty" '[.changed, .results]' '[false,[]]'
run -j restore --check '04:00.0#0-1'
jq_eq "restore plans the driver of VFs without netdev" '[.results[] | .action] | unique' '["driver"]'

# the boot unit and its per-PF template, with sriovctl where the build has it
units=$CLI_DIR/../../contrib/systemd
mkdir -p "$TMP/units"
for u in sriovctl-apply.service sriovctl-apply@.service sriovctl-ready.target; do
	sed "s|@BINDIR@|$(cd "$(dirname "$SRIOVCTL")" && pwd)|g" "$units/$u.in" >"$TMP/units/$u"
done
expect_match "the boot unit runs apply on /etc/sriovctl before network-pre.target" \
	'^Before=network-pre.target' "$(cat "$TMP/units/sriovctl-apply.service")"
expect_match "the ready target waits for the boot unit and needs it" \
	'^Requires=sriovctl-apply.service$' "$(cat "$TMP/units/sriovctl-ready.target")"
expect_match "a PF that binds during the boot apply waits for it" \
	'^After=.*sriovctl-apply.service' "$(cat "$TMP/units/sriovctl-apply@.service")"
expect_match "the udev rule starts the per-PF unit when a PF binds" \
	'ACTION=="bind", SUBSYSTEM=="pci", ATTR\{sriov_totalvfs\}=="\?\*"' "$(cat "$units/90-sriovctl-apply.rules.in")"
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(systemd-analyze verify --man=no "$TMP/units/sriovctl-apply.service" 2>&1)
	expect_eq "systemd-analyze verify sriovctl-apply.service" "" "$out"
	# (systemd 252's verify chokes on ":" in instance names; "x" stands in)
	out=$(SYSTEMD_UNIT_PATH=$TMP/units: systemd-analyze verify --man=no sriovctl-apply@x.service 2>&1)
	expect_eq "systemd-analyze verify sriovctl-apply@.service" "" "$out"
	out=$(SYSTEMD_UNIT_PATH=$TMP/units: systemd-analyze verify --man=no sriovctl-ready.target 2>&1)
	expect_eq "systemd-analyze verify sriovctl-ready.target" "" "$out"
fi
