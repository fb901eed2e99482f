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
SRIOVCTL_DEVLINK=$build/sriovctl-devlink
TMP=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT
here=$(dirname "$0")
CLI_DIR=$here
export SRIOVCTL FAKESYS SRIOVCTL_DEVLINK TMP CLI_DIR
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
	result=$(sh -c '. "$1"/lib.sh; . "$2"; check_schemas; echo "@@ $passed $failed"' \
		sh "$here" "$t" 2>&1)
	printf '%s\n' "$result" | grep -v '^@@ '
	counts=$(printf '%s\n' "$result" | sed -n 's/^@@ //p')
	p=${counts% *} f=${counts#* }
	[ -n "$counts" ] || { p=0; f=1; echo "FAIL $t did not finish"; }
	printf '%-28s %3d passed, %d failed\n' "$(basename "$t")" "$p" "$f"
	total_p=$((total_p + p)) total_f=$((total_f + f))
done
# every command that writes JSON had its output checked by some script
if [ $# -eq 0 ]; then
	# OBJECT_VERB, or a command alone (doctor), from "sriovctl help"
	for cmd in $("$SRIOVCTL" help | awk '/^Objects:/ { f = 1; next }
		f && /^$/ { f = 0 } f { obj[++n] = $1 }
		/^sriovctl [a-z]+ - / { o = $2; verbs[o] = 1; next } /^$/ { o = "" }
		o != "" && $1 == o && $2 != "help" { print o "_" $2 }
		END { for (i = 1; i <= n; i++) if (!verbs[obj[i]] && obj[i] != "help") print obj[i] }'); do
		if grep -qx "$cmd" "$TMP/json-seen" 2>/dev/null; then
			total_p=$((total_p + 1))
		else
			echo "FAIL no script checked the JSON of \"$cmd\" against its schema"
			total_f=$((total_f + 1))
		fi
	done
fi
echo "cli: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
