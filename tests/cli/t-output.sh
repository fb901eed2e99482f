# What sriovctl(8), OUTPUT, promises of every object: one vocabulary
# (switches on/off, facts yes/no, status ok/changed/failed), one shape of
# failures under -j, configuration-space offsets as lspci shows them, and
# a JSON Schema of every -j output (sriovctl help --schema). Every JSON
# document that run sees in any script is also checked against its
# command's schema, and for the rule of errors, by check_schemas (lib.sh);
# this script adds the outputs no other script asks for.
# shellcheck disable=SC2016 # jq programs
root=$TMP/output
"$FAKESYS" --preset demo "$root" >/dev/null || fail "build demo tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/output-state \
	SRIOVCTL_DEV_ROOT=$TMP/output-dev

# --- the schemas ------------------------------------------------------------
run help --schema pf list
expect_rc "help --schema pf list exits 0" 0
jq_eq "a draft 2020-12 schema that names its command's definition" \
	'[."$schema", ."$ref", .title]' \
	'["https://json-schema.org/draft/2020-12/schema","#/$defs/pf_list","sriovctl -j pf list"]'
run -j help --schema doctor
jq_eq "a command without verbs: help --schema COMMAND" '."$ref"' '"#/$defs/doctor"'
run help --schema
jq_eq "without a command: every definition, no \$ref" '[has("$ref"), (."$defs" | has("failure"))]' '[false,true]'
for cmd in "pf list" "pf show" "pf set" "pf disable" "vf list" "vf show" "vf set" \
	"iommu list" "iommu show" "vfio bind" "vfio release" "vfio check" \
	"qemu args" doctor recover apply restore; do
	# shellcheck disable=SC2086 # OBJECT VERB
	run help --schema $cmd
	expect_rc "help --schema $cmd" 0
	jq_eq "help --schema $cmd: its definition is there" '."$defs"[."$ref" | ltrimstr("#/$defs/")] | type' '"object"'
done
expect_usage_error "help --schema: an unknown verb" help --schema pf frob
expect_usage_error "help --schema: an object without its verb" help --schema pf
expect_usage_error "help --schema: a definition that is no verb" help --schema pf fields
expect_usage_error "help --schema: a verb after a command" help --schema doctor now
expect_usage_error "help --schema: help writes no JSON" help --schema help

# the VF settings are the keys of the VF field table, as in the input
run help --schema vf show
got=$(printf '%s' "$out" | jq -c '."$defs".vf_settings.properties | keys')
run apply --schema
jq_eq "output VF settings: the keys of the field table" \
	'."$defs".vf.properties | keys - ["vf","vfs","driver","owner","mtu","tx_share","tx_max","rate_parent"]' "$got"

# the check of every document bites: a wrong key, a failure without its
# error, two documents
bad=$TMP/output-bad
mkdir -p "$bad"
printf '%s\0' -j pf list >"$bad/1.args"
echo '[{"pci":"03:00.0"}]' >"$bad/1.out"
printf '%s\0' -j pf set 05:00.0 num-vfs 2 >"$bad/2.args"
echo '{"pf":"0000:05:00.0","changed":false,"dry_run":false,"num_vfs_before":0,"num_vfs":0,"drivers_autoprobe_before":true,"drivers_autoprobe":true,"timed_out":false,"vfs":[]}' >"$bad/2.out"
printf '%s\0' -j vf list >"$bad/3.args"
printf '[]\n[]\n' >"$bad/3.out"
echo 0 >"$bad/1.rc"
echo 1 >"$bad/2.rc"
echo 0 >"$bad/3.rc"
expect_eq "the check rejects a wrong document, a failure without error, two documents" \
	"FAIL FAIL FAIL" "$(/usr/bin/python3 "$CLI_DIR/../json-schema.py" outputs "$SRIOVCTL" "$bad" |
		cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"

# --- outputs no other script asks for ------------------------------------------
for format in shell args json libvirt; do
	run -j qemu args 'enp1s0f0#0' --no-check --format "$format"
	expect_rc "qemu args -j --format $format exits 0" 0
done
run qemu args 'enp1s0f0#0' --no-check --format json
jq_eq "qemu args --format json without -j: the object of -j" '.args[0]' '"-device"'
run -j -n pf disable enp6s0f0
jq_eq "pf disable -n: the report of pf set" '[.changed, .dry_run, .num_vfs]' '[true,true,0]'

# --- failures under -j: the report with an error, or the error alone ----------
run -j pf set enp1s0f0 num-vfs 4
expect_rc "pf set refused: exit 3" 3
jq_eq "a refused pf set: the report with the error (sriovctl-pf(8))" \
	'[.error.code, .num_vfs, (.error.message | test("destroys all of them"))]' '[3,2,true]'
run -j vf set 'enp1s0f0#0' trust on
jq_eq "vf set that cannot start: only the error" 'keys' '["error"]'
run -j --sysfs-root "$TMP/none" vf list
jq_eq "a root that is no sysfs: only the error" '.error.code' '2'

# --- one vocabulary: switches on/off, facts yes/no (sriovctl(8)) ---------------
run pf show enp1s0f0
expect_match "a switch in text: autoprobe on" '^autoprobe: +on$' "$out"
expect_match "a control bit in text: VF enable on" '^  VF enable: +on$' "$out"
expect_match "config-space offset in hexadecimal, as lspci shows it" '^  offset: +0x160$' "$out"
if command -v lspci >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	expect_match "lspci agrees: [160]" 'Capabilities: \[160( v1)?\] Single Root I/O Virtualization' \
		"$(lspci -A linux-sysfs -O "sysfs.path=$root/bus/pci" -D -s 0000:01:00.0 -v 2>&1)"
fi
run -j pf show enp1s0f0
jq_eq "in JSON the offset is a number (sriovctl(8): numbers as numbers)" '.sriov_cap.offset' '352'
run iommu show enp6s0f0
expect_match "facts in text: BRIDGE and VIABLE yes or no" '^  PCI +DRIVER +ID +CLASS +BRIDGE +VIABLE$' "$out"
expect_match "a member row: no and no" '^  0000:06:00\.0 +igb +8086:1521 +020000 +no +no$' "$out"
run -n pf set 05:00.0 num-vfs 4
expect_match "pf set: changed is a fact" '^changed: +yes$' "$out"
run -j -n recover
jq_eq "recover: the report's facts" '[.changed, .dry_run]' '[false,true]'
"$FAKESYS" --preset iommu-off "$TMP/output-off" >/dev/null
run --sysfs-root "$TMP/output-off" doctor
expect_match "doctor: a check that failed says failed" '^failed +iommu +no IOMMU' "$out"
