# One owner for vfio bind --owner and "owner:" in a desired state: the
# same USER[:GROUP] grammar (names or numbers), the same refusals and
# messages, and one meaning: a bare USER gets that user's primary group.
# Binding for real needs a kernel (unit tests simulate one), so the
# meaning is shown on a VF that is on vfio-pci already.
# shellcheck disable=SC2016 # jq programs
root=$TMP/owner
dev=$TMP/owner-dev
cat >"$TMP/owner.topo" <<'TOPO'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
vf 0000:03:00.0#1 driver=vfio-pci override=vfio-pci netdev=none
TOPO
"$FAKESYS" "$TMP/owner.topo" "$root" >/dev/null || fail "build owner tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$dev" SRIOVCTL_STATE_DIR="$TMP/owner-state"
group=$(basename "$(readlink "$root/bus/pci/devices/0000:03:10.2/iommu_group")")
node=$dev/vfio/$group
mkdir -p "$dev/vfio"
: >"$node"
# a user whose primary group is neither root's nor the node's
user=$(getent passwd | awk -F: '$3 != 0 && $4 != 0 && $1 ~ /^[a-z_][a-z0-9_-]*$/ { print $1; exit }')
owner_file() { # OWNER
	printf 'pfs:\n  - netdev: enp3s0\n    vfs:\n      - vf: 1\n        driver: vfio-pci\n        owner: "%s"\n' \
		"$1" >"$TMP/owner.yaml"
}

# the same refusals, exit 2, with the same reason
for o in a:b:c -rf root: :root 'ro ot' no-such-user-zz root:no-such-group-zz 2147483647; do
	run vfio bind 'enp3s0#1' --owner "$o"
	expect_rc "vfio bind --owner '$o': exit 2" 2
	bind_err=${err#sriovctl: }
	owner_file "$o"
	run apply --check "$TMP/owner.yaml"
	expect_rc "owner: '$o': exit 2" 2
	case $bind_err in
	invalid*) why='USER or USER:GROUP (names or numbers)' ;;
	*) why=$bind_err ;;
	esac
	case $err in
	*"$why"*) pass "owner: '$o': the reason of vfio bind ($why)" ;;
	*) fail "owner: '$o': the reason of vfio bind" "vfio bind: $bind_err" "apply: $err" ;;
	esac
done

# the meaning, with a user of the host whose group is its own
meaning() {
	uid=$(id -u "$user")
	gid=$(getent passwd "$user" | cut -d: -f4)
	gname=$(getent group "$gid" | cut -d: -f1)
	want=$user:${gname:-$gid}

	# both take the user by name and by number
	for o in "$user" "$uid"; do
		run -n vfio bind 'enp3s0#1' --owner "$o"
		expect_rc "vfio bind -n --owner $o" 0
		owner_file "$o"
		run -j apply --check "$TMP/owner.yaml"
		jq_eq "owner: $o plans $want" '.results[] | select(.action == "owner") | [.before.owner, .after.owner]' \
			"[\"root:root\",\"$want\"]"
	done

	# and apply hands the node over as vfio bind does: the user's group, 0660
	owner_file "$user"
	run -j apply "$TMP/owner.yaml"
	expect_rc "apply owner: $user" 0
	jq_eq "the owner step says so" '.results[] | select(.action == "owner") | [.status, .after.owner]' \
		"[\"changed\",\"$want\"]"
	expect_eq "the node is $user's, with $user's group, mode 660" "$uid:$gid 660" "$(stat -c '%u:%g %a' "$node")"
	run -j apply "$TMP/owner.yaml"
	jq_eq "a second apply: ok" '[.changed, (.results[] | select(.action == "owner") | .status)]' '[false,"ok"]'
}
if [ -n "$user" ]; then
	meaning
else
	fail "this host has a user with a group of its own (such as daemon)"
fi

# a link planted at the node's name is never followed: refused, exit 1,
# and what it points to keeps its owner and mode
if [ -n "$user" ]; then
	victim=$TMP/owner-victim
	: >"$victim"
	chmod 600 "$victim"
	rm -f "$node"
	ln -s "$victim" "$node"
	owner_file "$user"
	run apply "$TMP/owner.yaml"
	expect_rc "apply owner: the node is a symlink: refused" 1
	expect_match "says why" "refusing to hand over .*: it is a symbolic link" "$out$err"
	expect_eq "the link's target is untouched" "0:0 600" "$(stat -c '%u:%g %a' "$victim")"
	rm -f "$node"
	mkfifo "$node"
	run apply "$TMP/owner.yaml"
	expect_rc "apply owner: the node is a FIFO: refused" 1
	expect_match "says why" "not a character device" "$out$err"
	rm -f "$node"
	: >"$node"
fi
