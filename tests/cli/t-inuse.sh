# "In use" by device identity: a process holding a VFIO node open stops
# vfio release and pf disable (exit 3, naming it), however --dev-root is
# spelled (canonical, trailing slash, relative) and whichever node it
# holds: the group node or a member's VFIO cdev (iommufd).
root=$TMP/inuse
cat >"$TMP/inuse.topo" <<'EOF2'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=4 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
vf 0000:03:00.0#3 driver=vfio-pci override=vfio-pci netdev=none
EOF2
"$FAKESYS" "$TMP/inuse.topo" "$root" >/dev/null || fail "build in-use tree"
VF3=0000:03:10.6
group=$(basename "$(readlink "$root/bus/pci/devices/$VF3/iommu_group")")
mkdir -p "$TMP/dv/vfio/devices"
: >"$TMP/dv/vfio/$group"
: >"$TMP/dv/vfio/devices/vfio0"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_STATE_DIR="$TMP/inuse-state"
unset SRIOVCTL_DEV_ROOT
case $SRIOVCTL in /*) ;; *) SRIOVCTL=$PWD/$SRIOVCTL ;; esac
here_dir=$PWD

# held NODE: a process with NODE open on stdin, its pid in $holder
held() {
	# shellcheck disable=SC2217 # sleep holds the node open, as a VM does
	sleep 300 <"$1" >/dev/null 2>&1 &
	holder=$!
}

refused_by_holder() { # WHAT
	expect_rc "$1: refused" 3
	expect_match "$1: names the process" "(process|pid) $holder\)" "$err"
}

held "$TMP/dv/vfio/$group"
for spelling in "$TMP/dv" "$TMP/dv/" rel; do
	if [ "$spelling" = rel ]; then
		cd "$TMP" || break
		run --dev-root dv -n vfio release "$VF3"
		refused_by_holder "group node, --dev-root dv: vfio release"
		run --dev-root dv/ -n pf disable 03:00.0
		refused_by_holder "group node, --dev-root dv/: pf disable"
		cd "$here_dir" || break
		continue
	fi
	run --dev-root "$spelling" -n vfio release "$VF3"
	refused_by_holder "group node, --dev-root $spelling: vfio release"
	run --dev-root "$spelling" -n pf disable 03:00.0
	refused_by_holder "group node, --dev-root $spelling: pf disable"
done
kill "$holder"
wait "$holder" 2>/dev/null

run --dev-root "$TMP/dv" -n vfio release "$VF3"
expect_rc "nobody holds it: release goes through" 0

# the VFIO cdev of the member, as QEMU opens it with -object iommufd
mkdir -p "$root/bus/pci/devices/$VF3/vfio-dev/vfio0"
echo 511:0 >"$root/bus/pci/devices/$VF3/vfio-dev/vfio0/dev"
held "$TMP/dv/vfio/devices/vfio0"
run --dev-root "$TMP/dv/" -n vfio release "$VF3"
refused_by_holder "VFIO cdev: vfio release"
run --dev-root "$TMP/dv" -n pf disable 03:00.0
refused_by_holder "VFIO cdev: pf disable"
kill "$holder"
wait "$holder" 2>/dev/null

# /proc is read only when a VFIO node of a group exists: a bind of a VF
# whose group has none (its own group, on igbvf) reads no process's fds;
# the release above (a group node there) does.
VF0=0000:03:10.0
if strace -f -o /dev/null true 2>/dev/null; then
	procs() { strace -f -e trace=openat -o "$TMP/inuse.trace" "$SRIOVCTL" --dev-root "$TMP/dv" -n "$@" >/dev/null 2>&1
		grep -c '"/proc/[0-9]*/fd"' "$TMP/inuse.trace"; }
	expect_eq "bind of a VF whose group has no VFIO node: no /proc scan" 0 "$(procs vfio bind "$VF0")"
	n=$(procs vfio release "$VF3")
	expect_eq "release of a VF whose group node exists: /proc scanned" yes "$([ "$n" -gt 0 ] && echo yes || echo "no ($n)")"
else
	echo "t-inuse: strace cannot run here; the /proc scan is not checked"
fi
