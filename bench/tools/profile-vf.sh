#!/bin/sh
# Profiles one sriovctl command on a netdevsim-like PF with N VFs on the
# host, without a VM: a sysfs tree as the kernel shows netdevsim, the fake
# rtnetlink and devlink kernels behind build/sriovctl-rtnl.
#
#   bench/tools/profile-vf.sh [--build-dir DIR] [--callgrind OUT | --strace OUT] N ARGS...
#   e.g. bench/tools/profile-vf.sh 1024 -j vf list eni1np1
#
# Prints the command's instruction count (valgrind --tool=callgrind) and
# keeps the profile in OUT (callgrind_annotate OUT) when given; --strace
# writes the command's system calls to OUT instead (netlink not among
# them: the fake kernels answer in-process).
set -eu
build=build
out=
trace=
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=$2; shift 2 ;;
	--callgrind) out=$2; shift 2 ;;
	--strace) trace=$2; shift 2 ;;
	*) break ;;
	esac
done
n=$1; shift
if [ ! -x "$build/sriovctl-rtnl" ]; then
	echo "profile-vf.sh: no $build/sriovctl-rtnl: make $build/sriovctl-rtnl first" >&2
	exit 2
fi
root=$(mktemp -d /tmp/profile-vf.XXXXXX)
trap 'rm -rf "$root"' EXIT
dev=$root/devices/netdevsim1
mkdir -p "$dev/net/eni1np1" "$root/bus/netdevsim/devices" \
	"$root/bus/netdevsim/drivers/netdevsim" "$root/class/net"
echo "$n" >"$dev/sriov_numvfs"
echo "$n" >"$dev/sriov_totalvfs"
echo 3 >"$dev/net/eni1np1/ifindex"
echo 1500 >"$dev/net/eni1np1/mtu"
ln -s ../../../devices/netdevsim1 "$root/bus/netdevsim/devices/netdevsim1"
ln -s ../../bus/netdevsim/drivers/netdevsim "$dev/driver"
ln -s ../../bus/netdevsim "$dev/subsystem"
ln -s ../../../netdevsim1 "$dev/net/eni1np1/device"
ln -s ../../devices/netdevsim1/net/eni1np1 "$root/class/net/eni1np1"
export SRIOVCTL_TEST_RTNL="3 eni1np1 $n"
cmd="$build/sriovctl-rtnl --sysfs-root $root --state-dir $root/state"
if [ -n "$trace" ]; then
	exec strace -f -o "$trace" $cmd "$@"
fi
if [ -z "$out" ]; then
	exec $cmd "$@"
fi
valgrind --tool=callgrind --callgrind-out-file="$out" $cmd "$@" >"$out.stdout" 2>"$out.log" || true
grep -o 'Collected : [0-9]*' "$out.log" | sed 's/Collected : /instructions: /'
