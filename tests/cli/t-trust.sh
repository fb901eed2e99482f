# The state directory is a trust boundary: a state dir or subdir that is a
# link, another user's, or writable by others is refused (exit 1, saying
# why); journal and lock files are never followed through links nor
# blocked on (FIFOs); and recover acts only on entries that describe the
# device as it is.
root=$TMP/trust
state=$TMP/trust-state
cat >"$TMP/trust.topo" <<'EOF2'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=4 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
vf 0000:03:00.0#3 driver=vfio-pci override=vfio-pci netdev=none
dev 0000:00:1f.2 vendor=8086 device=2922 class=010601 driver=ahci iommu=none
EOF2
"$FAKESYS" "$TMP/trust.topo" "$root" >/dev/null || fail "build trust tree"
mkdir -p "$TMP/trust-dev/vfio"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$TMP/trust-dev" SRIOVCTL_STATE_DIR="$state"
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
entry() { # PCI TEXT: a journal entry, as a file of root's, mode 0600
	mkdir -p "$state/journal"
	printf '%s' "$2" >"$state/journal/$1.vfio"
	chmod 600 "$state/journal/$1.vfio"
}

run recover
expect_rc "a fresh state directory: recover has nothing to do" 0
expect_eq "created mode 0700" 700 "$(stat -c %a "$state")"

refused() { # NAME WHY
	expect_rc "$1: refused" 1
	expect_match "$1: says why" "$2" "$err"
}

chmod 0777 "$state"
run recover
refused "world-writable state dir" "refusing state directory $state: others may write to it"
chmod 0770 "$state"
run recover
refused "group-writable state dir" "others may write to it"
chmod 0700 "$state"

if id nobody >/dev/null 2>&1; then
	chown nobody "$state"
	run recover
	refused "state dir of another user" "it belongs to another user"
	chown 0 "$state"
fi

mv "$state" "$state.real"
ln -s "$state.real" "$state"
run recover
refused "state dir that is a symlink" "it is a symbolic link"
rm "$state"
mv "$state.real" "$state"

mkdir -p "$TMP/elsewhere"
rm -rf "$state/journal"
ln -s "$TMP/elsewhere" "$state/journal"
run recover
refused "journal/ that is a symlink" "refusing state directory $state/journal: it is a symbolic link"
rm "$state/journal"
mkdir -m 0777 "$state/journal"
run recover
refused "world-writable journal/" "others may write to it"
chmod 0700 "$state/journal"

# a FIFO where an entry should be hangs nothing
mkfifo "$state/journal/0000:03:10.6.vfio"
out=$(timeout 20 "$SRIOVCTL" recover 2>"$TMP/stderr")
rc=$? err=$(cat "$TMP/stderr")
refused "a FIFO as journal entry" "not a regular file"
rm "$state/journal/0000:03:10.6.vfio"
ln -s "$TMP/elsewhere/x" "$state/journal/0000:03:10.6.vfio"
run recover
refused "a symlink as journal entry" "cannot open .*0000:03:10.6.vfio"
rm "$state/journal/0000:03:10.6.vfio"

# a lock file that is a FIFO or a link: refused, not waited on
mkfifo "$state/0000:03:00.0.lock"
entry 0000:03:10.6 "version 1
device 0000:03:10.6
lock 0000:03:00.0
vf 3
state bound
driver igbvf
override -
"
out=$(timeout 20 "$SRIOVCTL" recover 2>"$TMP/stderr")
rc=$? err=$(cat "$TMP/stderr")
refused "a FIFO as lock file" "not a regular file"
rm "$state/0000:03:00.0.lock"
ln -s "$TMP/elsewhere/lock" "$state/0000:03:00.0.lock"
run recover
refused "a symlink as lock file" "cannot open .*0000:03:00.0.lock"
expect_eq "nothing created through it" "" "$(ls "$TMP/elsewhere")"
rm "$state/0000:03:00.0.lock" "$state/journal/0000:03:10.6.vfio"

# hostile entries that parse: left alone, the tree untouched
before=$(tree_sum)
hostile() { # NAME PCI TEXT WHY
	entry "$2" "$3"
	run recover
	refused "$1" "$4"
	expect_eq "$1: nothing written" "$before" "$(tree_sum)"
	expect_eq "$1: the entry stays for a human" yes \
		"$([ -f "$state/journal/$2.vfio" ] && echo yes)"
	rm -f "$state/journal/$2.vfio"
}
hostile "an entry for a device sriovctl never touched" 0000:00:1f.2 "version 1
device 0000:00:1f.2
state binding
driver -
" "does not match the device \(the device is on a driver the entry does not name\)"
hostile "an entry that makes a SATA controller a VF" 0000:00:1f.2 "version 1
device 0000:00:1f.2
lock 0000:03:00.0
vf 0
state binding
driver ahci
" "it is not that VF of that PF"
hostile "an entry with another VF number" 0000:03:10.6 "version 1
device 0000:03:10.6
lock 0000:03:00.0
vf 1
state releasing
driver igbvf
" "it is not that VF of that PF"
hostile "an entry naming a VF as a lone device" 0000:03:10.6 "version 1
device 0000:03:10.6
state releasing
driver igbvf
" "it names no VF, but the device is one"
hostile "a driver name with other characters" 0000:03:10.6 "version 1
device 0000:03:10.6
lock 0000:03:00.0
vf 3
state releasing
driver Evil.ko
" "damaged"

# nor does one in apply/
mkdir -p "$state/apply"
mkfifo "$state/apply/0000:03:00.0.yaml"
out=$(timeout 20 "$SRIOVCTL" recover 2>"$TMP/stderr")
rc=$? err=$(cat "$TMP/stderr")
refused "a FIFO as apply journal" "not a regular file"
rm "$state/apply/0000:03:00.0.yaml"
chmod 0777 "$state/apply"
run recover
refused "world-writable apply/" "refusing state directory $state/apply: others may write to it"
chmod 0700 "$state/apply"
run recover
expect_rc "all put right: recover has nothing to do" 0
