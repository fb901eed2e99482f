# Notes: what the user should know about a change that goes ahead, shown
# without -v (stderr in text, a "notes" array in JSON). A bnxt_en PF whose
# link is down is named before any VF setting is written.
root=$TMP/notes
printf '%s\n' \
	'pf 0000:05:00.0 vendor=14e4 device=16d7 class=020000 driver=bnxt_en netdev=ens2f0np0 operstate=down total=8 numvfs=2 offset=8 stride=1 vfdevice=16dc vfdriver=bnxt_en vfnetdev=ens2f0v%d iommu=separate' \
	'pf 0000:06:00.0 vendor=14e4 device=16d7 class=020000 driver=bnxt_en netdev=ens3f0np0 total=8 numvfs=2 offset=8 stride=1 vfdevice=16dc vfdriver=bnxt_en vfnetdev=ens3f0v%d iommu=separate' \
	>"$TMP/notes.topo"
"$FAKESYS" "$TMP/notes.topo" "$root" >/dev/null || fail "build notes tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/notes-state
hint='0000:05:00.0 \(ens2f0np0\): its link is down and bnxt_en refuses or drops VF settings while it is; bring it up first: ip link set ens2f0np0 up'

run vf set 'ens2f0np0#0-1' trust on
expect_match "bnxt_en link down: a note without -v" "^sriovctl: note: $hint\$" "$(printf '%s\n' "$err" | head -n1)"
expect_eq "named once for the PF, not per VF" 1 "$(printf '%s\n' "$err" | grep -c 'note:')"
# a built tree has no rtnetlink: the write itself is refused after the note
expect_rc "then the command goes on (to the built tree's refusal)" 2
run -j vf set 'ens2f0np0#0' trust on
jq_eq "JSON: the note travels with the error" '[(.notes | length), (.notes[0] | test("ip link set ens2f0np0 up")), .error.code]' '[1,true,2]'
run -q vf set 'ens2f0np0#0' trust on
expect_eq "-q: no note" 0 "$(printf '%s\n' "$err" | grep -c 'note:')"
run vf set 'ens3f0np0#0' trust on
expect_eq "bnxt_en with its link up: no note" 0 "$(printf '%s\n' "$err" | grep -c 'note:')"
run -n -j pf set ens2f0np0 num-vfs 2
jq_eq "pf set report: notes array" '.notes' '[]'
