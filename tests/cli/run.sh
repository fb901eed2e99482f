#!/bin/sh
# The CLI tier: the real sriovctl binary against built sysfs trees.
# Usage: tests/cli/run.sh BUILD_DIR [SCRIPT...]
# BUILD_DIR is the sanitizer build of make check; SCRIPTs (t-vfio.sh or
# t-vfio) run those alone, by default every t-*.sh here.
set -u
build=${1:?usage: tests/cli/run.sh BUILD_DIR [SCRIPT...]}
shift
SRIOVCTL=$build/sriovctl
FAKESYS=$build/fakesys
TMP=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT
here=$(dirname "$0")
CLI_DIR=$here
export SRIOVCTL FAKESYS TMP CLI_DIR
total_p=0 total_f=0
scripts=
for name in "$@"; do
	t=$here/${name##*/}
	[ -f "$t" ] || t=$t.sh
	if [ ! -f "$t" ]; then
		echo "FAIL no CLI script $name in $here"
		total_f=$((total_f + 1))
		continue
	fi
	scripts="$scripts $t"
done
[ $# -gt 0 ] || scripts=$(echo "$here"/t-*.sh)
for t in $scripts; do
	result=$(sh -c '. "$1"/lib.sh; . "$2"; echo "@@ $passed $failed"' sh "$here" "$t" 2>&1)
	printf '%s\n' "$result" | grep -v '^@@ '
	counts=$(printf '%s\n' "$result" | sed -n 's/^@@ //p')
	p=${counts% *} f=${counts#* }
	[ -n "$counts" ] || { p=0; f=1; echo "FAIL $t did not finish"; }
	printf '%-28s %3d passed, %d failed\n' "$(basename "$t")" "$p" "$f"
	total_p=$((total_p + p)) total_f=$((total_f + f))
done
echo "cli: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
