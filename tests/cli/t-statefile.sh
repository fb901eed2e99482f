# State files are written one way, by vfio bind (its driver journal) and
# by apply (its journal of a desired-state run): PATH.tmp created afresh
# (O_EXCL, O_NOFOLLOW) mode 0600, synced, renamed over PATH, and the
# directory synced; whatever waits at PATH.tmp is never written through.
# Under strace(1), when it can run here, the calls themselves are checked.
vroot=$TMP/statefile-vfio
aroot=$TMP/statefile-apply
state=$TMP/statefile-state
sed -n '/^pf 0000:03:00.0/p' "$CLI_DIR/host.topo" | sed 's/$/\nmodule vfio_pci/' |
	"$FAKESYS" - "$vroot" >/dev/null || fail "build statefile tree"
"$FAKESYS" "$CLI_DIR/host.topo" "$aroot" >/dev/null || fail "build statefile apply tree"
export SRIOVCTL_DEV_ROOT="$TMP/statefile-dev" SRIOVCTL_STATE_DIR="$state"
VF=0000:03:10.2
vjournal=$state/journal/$VF.vfio
ajournal=$state/apply/0000:04:00.0.yaml
mkdir -p "$state/journal" "$state/apply"
echo victim >"$TMP/statefile-victim"

# a link planted at the temporary name: replaced, its target untouched
ln -s "$TMP/statefile-victim" "$vjournal.tmp"
run --sysfs-root "$vroot" vfio bind "$VF"
expect_rc "vfio bind on a built tree writes its journal, then fails and rolls back" 1
expect_eq "vfio journal: the link's target is untouched" victim "$(cat "$TMP/statefile-victim")"
expect_eq "vfio journal: no temporary file, no entry left" "" "$(ls -A "$state/journal")"
ln -s "$TMP/statefile-victim" "$ajournal.tmp"
run --sysfs-root "$aroot" apply "$CLI_DIR/../apply/cli/host-converge.yaml"
expect_rc "apply writes its journal through the link's place" 0
expect_eq "apply journal: the link's target is untouched" victim "$(cat "$TMP/statefile-victim")"
expect_eq "apply journal: no temporary file, no journal left" "" "$(ls -A "$state/apply")"

# The calls on PATH in a strace log: "create sync rename dirsync" for an
# atomic write (the sync: fsync of the file, or syncfs of its file system,
# which a write of several entries at once does); "create?" for a
# temporary file opened with other flags.
atomic_calls() { # LOG PATH
	awk -v p="\"$1.tmp\"" -v to="\"$1\"" -v d="\"${1%/*}\"" '
	index($0, p) && /openat\(/ && /O_CREAT/ {
		ok = /O_EXCL/ && /O_NOFOLLOW/ && /O_CLOEXEC/ && /, 0600\)/
		fd = $NF; printf "%s ", ok ? "create" : "create?"; next }
	fd != "" && (index($0, "fsync(" fd ")") || /syncfs\(/) { printf "sync "; fd = ""; next }
	index($0, p) && index($0, to) && /rename/ { printf "rename "; dirs = 1; next }
	dirs && index($0, d) && /O_DIRECTORY/ { dfd = $NF; next }
	dfd != "" && index($0, "fsync(" dfd ")") { printf "dirsync"; exit }
	' "$2"
}
if strace -f -o /dev/null true 2>/dev/null; then
	trace="strace -f -e trace=openat,fsync,syncfs,rename,renameat,renameat2 -o $TMP/statefile.trace"
	$trace "$SRIOVCTL" --sysfs-root "$vroot" vfio bind "$VF" >/dev/null 2>&1
	expect_eq "vfio bind: the journal is written atomically" "create sync rename dirsync" \
		"$(atomic_calls "$vjournal" "$TMP/statefile.trace")"
	echo 0 >"$aroot/bus/pci/devices/0000:04:00.0/sriov_drivers_autoprobe"
	$trace "$SRIOVCTL" --sysfs-root "$aroot" apply "$CLI_DIR/../apply/cli/host-converge.yaml" >/dev/null 2>&1
	expect_eq "apply: the journal is written atomically" "create sync rename dirsync" \
		"$(atomic_calls "$ajournal" "$TMP/statefile.trace")"
else
	echo "t-statefile: strace cannot run here; the system calls are not checked"
fi
