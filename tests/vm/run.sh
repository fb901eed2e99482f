#!/bin/bash
# The real-kernel test tier: boot Debian's kernel under QEMU (TCG) with
# emulated SR-IOV devices (igb, NVMe, netdevsim) and an IOMMU, run the
# scenarios in tests/vm/scenarios/ there against the project's freshly
# built sriovctl, and report one line per case:
#
#   PASS 10-kernel/igb-enable-4-VFs
#   FAIL 20-discovery/pf-list-fields
#       total_vfs
#         expected: 8
#         got:      7
#   vm: 12 passed, 1 failed
#
# Usage: tests/vm/run.sh [--build-dir DIR] [--timeout SECONDS] [--jobs N]
#                        [--keep] [-v|--verbose] [SCENARIO...]
#   --build-dir DIR   where to find sriovctl and libsriov.so.0 (default: build)
#   --timeout SEC     hard limit on each VM's run (default 600,
#                     env SRIOVCTL_VM_TIMEOUT)
#   -k, --kernel VER  boot only this kernel: 6.1 (Debian 12's) or 6.12
#                     (bookworm-backports'); repeatable; default both
#                     (env SRIOVCTL_VM_KERNELS="6.1 6.12")
#   -j, --jobs N      VMs booted side by side (default 2, env SRIOVCTL_VM_JOBS);
#                     the scenarios marked "# vm-guest: systemd" run in a
#                     systemd-booted guest, the others in the busybox one,
#                     on each kernel
#   --keep            keep the work directory (console log, initrd) even
#                     when everything passed; it is always kept on failure
#   -v, --verbose     also show the guest's console and scenario logs
#   SCENARIO          run only these, by file name with or without .sh
#                     (e.g. 10-kernel); default: all
# Environment: SRIOVCTL_VM_CACHE (default ~/.cache/sriovctl-vm),
#   SRIOVCTL_VM_MIRROR (Debian mirror when /etc/apt names none),
#   SRIOVCTL_VM_MEM (MiB, default 1024), SRIOVCTL_VM_SMP (default 1).
# Exit status: 0 all cases passed, 1 a case failed (including a VM that
# crashed or timed out), 2 usage error, 3 the tier could not run (no
# cache and the download failed, QEMU missing or broken).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^Exit status/p' "$0" | sed '$d' >&2
	exit 2
}

build_dir=build
timeout=${SRIOVCTL_VM_TIMEOUT:-600}
jobs=${SRIOVCTL_VM_JOBS:-2}
read -r -a want_kernels <<<"${SRIOVCTL_VM_KERNELS:-}"
keep=0
verbose=0
scenarios=()
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build_dir=${2:?}; shift ;;
	--build-dir=*) build_dir=${1#*=} ;;
	--timeout) timeout=${2:?}; shift ;;
	--timeout=*) timeout=${1#*=} ;;
	-k | --kernel) want_kernels+=("${2:?}"); shift ;;
	--kernel=*) want_kernels+=("${1#*=}") ;;
	-j | --jobs) jobs=${2:?}; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	--keep) keep=1 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) scenarios+=("${1%.sh}") ;;
	esac
	shift
done
[[ $timeout =~ ^[0-9]+$ && $jobs =~ ^[0-9]+$ ]] || usage

# Setting up counts as a case too: a machine that cannot run the tier
# says so in the summary instead of skipping.
setup_failed() {
	printf 'FAIL vm/setup\n    %s\n' "$*"
	echo "vm: 0 passed, 1 failed"
	exit 3
}
die() { setup_failed "$*"; }

ensure_cache
need_cmd cpio timeout

# The kernels, by version (6.1, 6.12): the suite's own, then the one
# from its backports.
series() { cut -d. -f1,2 <<<"$1"; }
all_kernels=("$(series "$(cat "$CACHE/kernel-release")")" "$(series "$(cat "$BPO_DIR/kernel-release")")")
if [ ${#want_kernels[@]} -eq 0 ]; then
	kernels=("${all_kernels[@]}")
else
	kernels=()
	for k in "${want_kernels[@]}"; do
		case " ${all_kernels[*]} " in
		*" $k "*) kernels+=("$k") ;;
		*)
			echo "$0: no kernel $k (there are: ${all_kernels[*]})" >&2
			exit 2
			;;
		esac
	done
fi

if [ ${#scenarios[@]} -eq 0 ]; then
	files=("$VM_DIR"/scenarios/*.sh)
else
	files=()
	for s in "${scenarios[@]}"; do
		if [ ! -f "$VM_DIR/scenarios/$s.sh" ]; then
			echo "$0: no scenario tests/vm/scenarios/$s.sh" >&2
			exit 2
		fi
		files+=("$VM_DIR/scenarios/$s.sh")
	done
fi
# Scenarios marked "# vm-guest: systemd" run in the systemd-booted guest,
# the others in the busybox one; each guest boots only when it has some.
busybox_files=()
systemd_files=()
for f in "${files[@]}"; do
	if grep -q '^# vm-guest: systemd$' "$f"; then
		systemd_files+=("$f")
	else
		busybox_files+=("$f")
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/sriovctl-vm.XXXXXX")

# Turn the guest's results stream into per-case lines and the counts.
# The last line of the stream is the QEMU exit status added below.
# With more than one kernel, case names begin with the kernel's version.
report() { # counts-file guest prefix
	awk -v verbose="$verbose" -v timeout="$timeout" -v counts="$1" -v guest="$2" -v prefix="$3" '
		function out(s) { print s; fflush() }
		/^@@CASE pass / { out("PASS " prefix $3); passed++; next }
		/^@@CASE fail / { out("FAIL " prefix $3); failed++; next }
		/^@@DETAIL / { sub(/^@@DETAIL /, ""); out("    " $0); next }
		/^@@SCENARIO / { if (verbose) out("== " $2); next }
		/^@@END$/ { finished = 1; next }
		/^@@QEMU-EXIT / { status = $2; next }
		{ sub(/^@@LOG /, ""); if (verbose) out("  | " $0) }
		END {
			if (!finished) {
				why = status == 124 ? "timed out after " timeout " s" : "QEMU exit status " status
				out("FAIL " prefix "vm/" guest "-guest-finished")
				out("    the " guest " guest stopped before running every scenario (" why ")")
				failed++
			}
			print passed + 0, failed + 0 > counts
		}'
}

# Build one guest's initrd, boot it on one kernel and report its cases;
# its files are in $work/KERNEL-GUEST (console.log, results.log, counts).
run_guest() { # kernel guest(busybox|systemd) scenario-file...
	local kernel=$1 guest=$2 dir=$work/$1-$2 stage=$work/$1-$2/stage params='' layers=()
	local tail_pid='' start prefix='' VMLINUX=$VMLINUX release
	shift 2
	[ ${#kernels[@]} -le 1 ] || prefix=$kernel:
	release=$(cat "$CACHE/kernel-release")
	if [ "$kernel" != "$(series "$release")" ]; then
		VMLINUX=$BPO_VMLINUX
		layers=("$BPO_MODULES")
		release=$(cat "$BPO_DIR/kernel-release")
	fi
	mkdir -p "$dir"
	stage_guest_files "$build_dir" "$stage"
	cp "$@" "$stage/tests/scenarios/"
	if [ "$guest" = systemd ]; then
		stage_systemd_files "$build_dir" "$stage"
		layers+=("$SYSTEMD_CPIO")
		params="rdinit=/lib/systemd/systemd systemd.unit=multi-user.target"
	fi
	make_initrd "$stage" "$dir/initrd" "${layers[@]}"
	vm_command "$dir/console.log" "$dir/initrd" "$params"
	log "booting the $guest guest: $release with $(host_qemu -version | head -n1)"
	start=$SECONDS
	if [ "$verbose" = 1 ]; then
		: >"$dir/console.log"
		tail -f "$dir/console.log" > >(sed -u "s/\r\$//; s/^/  $kernel $guest console| /") &
		tail_pid=$!
	fi
	set +e
	{
		timeout --foreground -k 10 "$timeout" "${VM_CMD[@]}" </dev/null 2>"$dir/qemu.log"
		echo "@@QEMU-EXIT $?"
	} | tr -d '\r' | tee "$dir/results.log" | report "$dir/counts" "$guest" "$prefix"
	set -e
	[ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null || true
	log "the $guest guest on $release ran for $((SECONDS - start)) s"
}

# The runs: each kernel with each guest that has scenarios, the busybox
# guests (the longer ones) first.
runs=()
for k in "${kernels[@]}"; do
	[ ${#busybox_files[@]} -eq 0 ] || runs+=("$k-busybox")
done
for k in "${kernels[@]}"; do
	[ ${#systemd_files[@]} -eq 0 ] || runs+=("$k-systemd")
done
start_run() { # kernel-guest
	local files
	if [ "${1##*-}" = systemd ]; then files=("${systemd_files[@]}"); else files=("${busybox_files[@]}"); fi
	run_guest "${1%-*}" "${1##*-}" "${files[@]}"
}
# Each guest has one vCPU: with jobs > 1 they boot side by side, and each
# one's lines are shown when it is done.
tier_start=$SECONDS
if [ "$jobs" -le 1 ] || [ ${#runs[@]} -le 1 ]; then
	for r in "${runs[@]}"; do
		start_run "$r"
	done
else
	running=0
	for r in "${runs[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
		mkdir -p "$work/$r"
		start_run "$r" >"$work/$r/report" 2>&1 &
		running=$((running + 1))
	done
	wait
	for r in "${runs[@]}"; do
		cat "$work/$r/report"
	done
fi

passed=0
failed=0
declare -A kpassed kfailed
for r in "${runs[@]}"; do
	read -r p f <"$work/$r/counts" || { p=0 f=1; }
	passed=$((passed + p))
	failed=$((failed + f))
	kpassed[${r%-*}]=$((${kpassed[${r%-*}]:-0} + p))
	kfailed[${r%-*}]=$((${kfailed[${r%-*}]:-0} + f))
	if [ "$f" != 0 ]; then
		echo "--- last console lines of the ${r##*-} guest on ${r%-*} ($work/$r/console.log):"
		tail -n 30 "$work/$r/console.log" | tr -d '\r'
		[ ! -s "$work/$r/qemu.log" ] || { echo "--- QEMU said:"; cat "$work/$r/qemu.log"; }
	fi
done
log "${#runs[@]} guests in $((SECONDS - tier_start)) s"
if [ "$failed" != 0 ]; then
	echo "--- logs kept in $work"
elif [ "$keep" = 1 ]; then
	log "work directory kept: $work"
else
	rm -rf "$work"
fi
if [ ${#kernels[@]} -gt 1 ]; then
	for k in "${kernels[@]}"; do
		echo "vm on $k: ${kpassed[$k]:-0} passed, ${kfailed[$k]:-0} failed"
	done
fi
echo "vm: $passed passed, $failed failed"
[ "$failed" = 0 ]
