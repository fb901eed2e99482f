#!/bin/bash
# make bench: sriovctl side by side with what users run today, and with
# the least the kernel allows (bench/floor/). One invocation measures
# every case, alternating the contenders run by run, and writes
# bench/results.md and bench/results.json (bench/README.md says what each
# case measures and why).
#
# Usage: bench/run.sh [--build-dir DIR] [--runs N] [--out DIR]
#                     [--cases "1 2 3 4 5 6 7 8"] [--no-vm] [--keep] [-v]
#   --build-dir DIR  sriovctl, libsriov.so.0 and fakesys (default build)
#   --runs N         runs per contender, at least 5 (default 5)
#   --out DIR        where results.md/.json go (default: bench/)
#   --cases LIST     a subset of the cases (default all)
#   --no-vm          host cases only (6, 7, 8)
#   --keep           keep the work directory (raw results, console log)
#   -v               show the guest's console as it runs
#   --profile        also print full strace -r traces of sriovctl to the
#                    guest's console (kept with --keep), for diagnosis
# Environment: as tests/vm/run.sh (SRIOVCTL_VM_CACHE ...); TMPDIR for the
# work directory; the fake trees are built under /dev/shm.
# Exit status: 0 results written, 1 a case could not be measured,
# 2 usage, 3 the VM could not be prepared.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=../tests/vm/common.sh
. "$ROOT/tests/vm/common.sh"

build_dir=build
runs=5
out=$BENCH_DIR
cases="1 2 3 4 5 6 7 8"
vm=1
keep=0
verbose=0
profile=0
usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^Exit status/p' "$0" | sed '$d' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build_dir=${2:?}; shift ;;
	--runs) runs=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--cases) cases=${2:?}; shift ;;
	--no-vm) vm=0 ;;
	--keep) keep=1 ;;
	-v) verbose=1 ;;
	--profile) profile=1 ;;
	*) usage ;;
	esac
	shift
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] || usage
build_dir=$(cd "$ROOT" && cd "$build_dir" && pwd)
SRIOVCTL=$build_dir/sriovctl
FAKESYS=$build_dir/fakesys
[ -x "$SRIOVCTL" ] && [ -x "$FAKESYS" ] || { echo "bench: build first (make): no $SRIOVCTL or $FAKESYS" >&2; exit 2; }
has_case() { case " $cases " in *" $1 "*) return 0 ;; esac; return 1; }

# The host's peers and probes, from Debian's packages.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "bench: installing ${missing[*]}" >&2
	[ "$(id -u)" = 0 ] || { echo "bench: need root to install ${missing[*]}" >&2; exit 3; }
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}
need_pkgs strace pciutils python3 gcc libc6-dev

work=$(mktemp -d "${TMPDIR:-/tmp}/sriovctl-bench.XXXXXX")
raw=$work/raw.txt
: >"$raw"
trees=$(mktemp -d /dev/shm/sriovctl-bench.XXXXXX)
cleanup() {
	rm -rf "$trees"
	if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "bench: work directory kept: $work" >&2; fi
}
trap cleanup EXIT

# The stopwatch, the write counter and the floors, for host and guest.
tools=$work/tools
mkdir -p "$tools"
for t in tools/btime tools/nlcount floor/setlink floor/getlink; do
	name=${t#*/}
	case $name in setlink | getlink) name=bench-$name ;; esac
	gcc -O2 -Wall -Wextra -o "$tools/$name" "$BENCH_DIR/$t.c"
done
BTIME=$tools/btime
# host only: the parsing half of apply, linked to this build's libsriov
host_tools=$work/host-tools
mkdir -p "$host_tools"
gcc -O2 -Wall -Wextra -I"$ROOT/libsriov/include" -o "$host_tools/bench-parse" \
	"$BENCH_DIR/tools/parse.c" -L"$build_dir" -l:libsriov.so.0 -Wl,-rpath,"$build_dir"

bench_start=$SECONDS
meta() { echo "@@BMETA $*" >>"$raw"; }
meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta host_cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) x$(nproc)"
meta host_kernel "$(uname -r)"
meta host_os "$(. /etc/os-release && echo "$PRETTY_NAME")"
meta host_load "$(cut -d' ' -f1-3 /proc/loadavg)"
meta runs "$runs"
meta sriovctl "$("$SRIOVCTL" --version 2>&1 | head -n1)"
meta commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- libsriov cli vfio 2>/dev/null || echo +changes)"
meta lspci "$(lspci --version)"

M() { # case size contender run cmd...
	local c=$1 s=$2 n=$3 r=$4 res
	shift 4
	res=$("$BTIME" -o "$work/o.$n" -e "$work/e.$n" "$@")
	echo "@@BENCH $c $s $n $r $res" >>"$raw"
}
info() { echo "@@BINFO $*" >>"$raw"; }

# strace -c -f totals: "CALLS name:calls ..." for the six busiest syscalls.
syscalls() {
	strace -c -f -o "$work/strace.txt" "$@" >/dev/null 2>&1 || true
	printf '%s' "$(awk '$NF == "total" { print $4 }' "$work/strace.txt")"
	awk '$NF != "total" && $4 ~ /^[0-9]+$/ { print $4, $NF }' "$work/strace.txt" |
		sort -rn | head -n 6 | awk '{ printf " %s:%s", $2, $1 } END { print "" }'
}

# --- 6: discovery at scale (host) -----------------------------------------
if has_case 6; then
	echo "bench: case 6, discovery at scale on a 16 x 256 fake tree" >&2
	scale=$trees/scale
	"$FAKESYS" --preset scale "$scale" >/dev/null
	nvf=$(ls -d "$scale"/bus/pci/devices/*/physfn | wc -l)
	for r in $(seq 1 "$runs"); do
		M discovery 16x256 sriovctl "$r" "$SRIOVCTL" --sysfs-root "$scale" -j vf list
		M discovery 16x256 lspci "$r" lspci -A linux-sysfs -O "sysfs.path=$scale/bus/pci"
	done
	info discovery 16x256 all vfs "$nvf"
	info discovery 16x256 sriovctl listed "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/o.sriovctl")"
	info discovery 16x256 lspci listed "$(wc -l <"$work/o.lspci")"
	info discovery 16x256 sriovctl syscalls "$(syscalls "$SRIOVCTL" --sysfs-root "$scale" -j vf list)"
	info discovery 16x256 lspci syscalls "$(syscalls lspci -A linux-sysfs -O "sysfs.path=$scale/bus/pci")"
fi

# --- 7: start-up (host, small fake tree) -----------------------------------
if has_case 7; then
	echo "bench: case 7, start-up on the demo fake tree" >&2
	demo=$trees/demo
	"$FAKESYS" --preset demo "$demo" >/dev/null
	for r in $(seq 1 "$runs"); do
		M startup host true "$r" /bin/true
		M startup host ip-V "$r" ip -V
		M startup host sriovctl-version "$r" "$SRIOVCTL" --version
		M startup host sriovctl-pf-list "$r" "$SRIOVCTL" --sysfs-root "$demo" pf list
		M startup host lspci-n "$r" lspci -n -A linux-sysfs -O "sysfs.path=$demo/bus/pci"
	done
	info startup host sriovctl-pf-list syscalls "$(syscalls "$SRIOVCTL" --sysfs-root "$demo" pf list)"
	info startup host sriovctl-version syscalls "$(syscalls "$SRIOVCTL" --version)"
	info startup host sriovctl-version libraries "$(ldd "$SRIOVCTL" | grep -c '=>')"
fi

# --- 8: parsing a desired state of 4,096 VF entries (host) ----------------
if has_case 8; then
	echo "bench: case 8, parsing a desired-state file of 4,096 VF entries" >&2
	parse_tree=$trees/parse
	"$FAKESYS" --preset demo "$parse_tree" >/dev/null
	# 16 PFs x 256 VFs, each VF with a MAC, VLAN+QoS, spoofchk, trust, max rate
	python3 - "$work/desired-4096.yaml" <<-'PY'
		import sys
		with open(sys.argv[1], "w") as f:
		    f.write("pfs:\n")
		    for p in range(16):
		        f.write(f"  - pci: \"0000:{0x10 + p:02x}:00.0\"\n    num_vfs: 256\n    vfs:\n")
		        for v in range(256):
		            f.write(f"      - vf: {v}\n        mac: \"02:00:00:{p:02x}:{v >> 8:02x}:{v & 255:02x}\"\n"
		                    "        vlan: 20\n        qos: 2\n        spoofchk: false\n"
		                    "        trust: true\n        max_tx_rate: 200\n")
	PY
	for r in $(seq 1 "$runs"); do
		M parse 4096 bench-parse "$r" "$host_tools/bench-parse" "$parse_tree" "$work/desired-4096.yaml"
	done
	info parse 4096 bench-parse pfs "$(cat "$work/o.bench-parse")"
fi

# --- the VM cases (1-5, 7 in the guest) ------------------------------------
vm_cases=$(for c in $cases; do case $c in 1 | 2 | 3 | 4 | 5 | 7) printf '%s ' "$c" ;; esac; done)
status=0
if [ "$vm" = 1 ] && [ -n "$vm_cases" ]; then
	ensure_cache
	"$BENCH_DIR/guest/fetch.sh" || die "could not prepare the benchmark's guest image"
	need_cmd cpio timeout
	stage=$work/stage
	stage_guest_files "$build_dir" "$stage"
	cp "$BENCH_DIR/guest/bench.sh" "$stage/tests/scenarios/50-bench.sh"
	cp "$tools"/* "$stage/usr/bin/"
	cat >"$stage/tests/bench.env" <<-EOF
		RUNS=$runs
		CASES="$vm_cases"
		SIZES_SET="${BENCH_SIZES_SET:-64 128 256 512 1024}"
		SIZES_READ="${BENCH_SIZES_READ:-64 128 256 512 1024}"
		PROFILE=$profile
	EOF
	# base image, the benchmark's extras, this run's files: each archive
	# on a 4-byte boundary
	{
		cat "$BASE_CPIO"
		head -c $(((4 - $(stat -c %s "$BASE_CPIO") % 4) % 4)) /dev/zero
		cat "$CACHE/bench/bench.cpio"
		head -c $(((4 - $(stat -c %s "$CACHE/bench/bench.cpio") % 4) % 4)) /dev/zero
		(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	} >"$work/initrd"
	meta vm "$(host_qemu -version | head -n1), TCG, 1 vCPU, ${SRIOVCTL_VM_MEM:-1536} MiB"
	SRIOVCTL_VM_MEM=${SRIOVCTL_VM_MEM:-1536}
	export SRIOVCTL_VM_MEM
	vm_command "$work/console.log" "$work/initrd" ""
	echo "bench: cases $vm_cases in the VM ($(cat "$CACHE/kernel-release")), $runs runs each" >&2
	start=$SECONDS
	if [ "$verbose" = 1 ]; then
		: >"$work/console.log"
		tail -f "$work/console.log" > >(sed -u 's/\r$//; s/^/  console| /' >&2) &
		tail_pid=$!
	fi
	set +e
	{
		timeout --foreground -k 10 "${BENCH_TIMEOUT:-3600}" "${VM_CMD[@]}" </dev/null 2>"$work/qemu.log"
		echo "@@QEMU-EXIT $?"
	} | tr -d '\r' | tee -a "$raw" | awk '
		/^@@BENCH / { n++; if (n % 20 == 0) { printf "bench: %d measurements\n", n > "/dev/stderr" } }
		/^@@CASE fail / { print "bench: guest check failed: " $3 > "/dev/stderr" }
		/^@@DETAIL / { print "bench:   " substr($0, 10) > "/dev/stderr" }
		/^@@BINFO .* wrong / { print "bench: " substr($0, 9) > "/dev/stderr" }'
	set -e
	[ -z "${tail_pid:-}" ] || kill "$tail_pid" 2>/dev/null || true
	echo "bench: the VM ran for $((SECONDS - start)) s" >&2
	if ! grep -q '^@@END$' "$raw"; then
		echo "bench: the guest did not finish; last console lines:" >&2
		tail -n 20 "$work/console.log" | tr -d '\r' >&2
		keep=1
		status=1
	fi
fi

meta host_load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta elapsed "$((SECONDS - bench_start)) s"
mkdir -p "$out"
python3 "$BENCH_DIR/report.py" "$raw" "$out/results.md" "$out/results.json" || status=1
echo "bench: wrote $out/results.md and $out/results.json" >&2
exit $status
