# One grammar for VF lists: PF#LIST on the command line and "vfs:" in a
# desired state accept the same lists and refuse the same ones (empty
# elements, ranges that run backwards, signs, spaces, numbers past 65535).
# shellcheck disable=SC2016 # jq programs
root=$TMP/vflist
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build vflist tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_STATE_DIR="$TMP/vflist-state"
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

# both ways of naming VFs; $1 is the list, $2 the exit status wanted
same_verdict() {
	run vf show "enp3s0#$1"
	expect_rc "PF#$1: exit $2" "$2"
	case $2:$err in
	0:* | *"invalid VF list \"$1\""*) pass "PF#$1: says which list" ;;
	*) fail "PF#$1: says which list" "got: $err" ;;
	esac
	printf 'pfs:\n  - netdev: enp3s0\n    vfs:\n      - vfs: "%s"\n        driver: host\n' \
		"$1" >"$TMP/vflist.yaml"
	run apply --check "$TMP/vflist.yaml"
	expect_rc "vfs: \"$1\": exit $2" "$2"
}
for l in 0-1 2,0 0-2,1 1,1 2; do
	same_verdict "$l" 0
done
for l in ,1 1, 1,,2 , 2-1 -1 1- a-b +1 ' 1' '1 ' 0x1 1-70000 70000; do
	same_verdict "$l" 2
done
run -j vf show 'enp3s0#2,0-1,0'
jq_eq "PF#2,0-1,0: each VF once, in the order given" '[.[].vf]' '[2,0,1]'
printf 'pfs:\n  - netdev: enp3s0\n    vfs:\n      - vfs: "2,0-1,0"\n        driver: host\n' >"$TMP/vflist.yaml"
run -j apply --check "$TMP/vflist.yaml"
jq_eq "vfs: \"2,0-1,0\": the same VFs, one step each" '[.results[] | .vf] | sort' '[0,1,2]'
expect_eq "nothing written" "$before" "$(tree_sum)"
