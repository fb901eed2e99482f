#!/bin/bash
# Boot the test VM (see run.sh) and show a narrated sriovctl session on
# the terminal: tests/vm/demo/session.sh, run inside the guest against
# the project's freshly built binaries.
#
# Usage: tests/vm/demo.sh [--build-dir DIR] [--timeout SECONDS]
#   --build-dir DIR   where to find sriovctl and libsriov.so.0 (default: build)
#   --timeout SEC     hard limit on the VM's run (default 600)
# Environment: as for run.sh (SRIOVCTL_VM_CACHE, SRIOVCTL_VM_MIRROR, ...).
# Exit status: 0 the session ran to its end, 1 it did not (boot step
# failed, VM crashed or timed out), 2 usage error, 3 the VM could not be
# prepared.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^Environment/p' "$0" | sed '$d' >&2
	exit 2
}
build_dir=build
timeout=${SRIOVCTL_VM_TIMEOUT:-600}
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build_dir=${2:?}; shift ;;
	--build-dir=*) build_dir=${1#*=} ;;
	--timeout) timeout=${2:?}; shift ;;
	--timeout=*) timeout=${1#*=} ;;
	*) usage ;;
	esac
	shift
done
[[ $timeout =~ ^[0-9]+$ ]] || usage

ensure_cache
need_cmd cpio timeout
work=$(mktemp -d "${TMPDIR:-/tmp}/sriovctl-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage_guest_files "$build_dir" "$work/stage"
make_initrd "$work/stage" "$work/initrd"
vm_command "$work/console.log" "$work/initrd" vm_mode=demo
log "booting $(cat "$CACHE/kernel-release") under QEMU (software emulation, about 10 s)"

# The session's lines as they come; boot steps only when they fail.
set +e
timeout --foreground -k 10 "$timeout" "${VM_CMD[@]}" </dev/null 2>"$work/qemu.log" |
	tr -d '\r' | awk '
		/^@@CASE fail / { print "vm: boot step failed: " $3 > "/dev/stderr"; next }
		/^@@DETAIL / { sub(/^@@DETAIL /, "    "); print > "/dev/stderr"; next }
		/^@@END$/ { finished = 1; next }
		/^@@/ { next }
		{ print; fflush() }
		END { exit !finished }'
rc=$?
set -e
if [ "$rc" != 0 ]; then
	log "the VM stopped before the end of the session; last console lines:"
	tail -n 20 "$work/console.log" | tr -d '\r' >&2
	cat "$work/qemu.log" >&2
	exit 1
fi
