# What sriovctl(8), OUTPUT, promises of every object: one vocabulary
# (switches on/off, facts yes/no, status ok/changed/failed), one shape of
# failures under -j, and configuration-space offsets as lspci shows them.
# shellcheck disable=SC2016 # jq programs
root=$TMP/output
"$FAKESYS" --preset demo "$root" >/dev/null || fail "build demo tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/output-state \
	SRIOVCTL_DEV_ROOT=$TMP/output-dev

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
