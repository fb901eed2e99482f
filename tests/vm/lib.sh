# shellcheck shell=sh
# Helpers for the guest scenarios (busybox sh). A scenario is a list of
# cases; each case holds checks, and its result goes to the results port
# (fd 3, the VM's second serial line), which tests/vm/run.sh reads:
#
#   @@CASE pass SCENARIO/NAME
#   @@CASE fail SCENARIO/NAME
#   @@DETAIL text              why the case before it failed, line by line
#   @@LOG text                 anything else worth showing with -v
#
#   case_begin NAME                    start a case (ends the one before)
#   expect_eq WHAT EXPECTED ACTUAL     strings must be equal
#   expect_match WHAT REGEX ACTUAL     ACTUAL must match the grep -E REGEX
#   expect_ok CMD...                   CMD must exit 0
#   expect_fail CODE CMD...            CMD must exit with CODE ('!': any but 0)
#   expect_file PATH / expect_no_file PATH
#   note TEXT                          a @@LOG line
#   scenario_done                      the last line of every scenario
#
# Commands under test see no fd 3, and their output is kept in $OUT (and
# shown on the console), their exit status in $RC.

# shellcheck disable=SC2034 # for the scenarios
IP=/usr/bin/ip # iproute2's; busybox's own applet would win as plain 'ip'
SCENARIO=${SCENARIO:-${0##*/}}
SCENARIO=${SCENARIO%.sh}
CASE_NAME=
CASE_FAILED=0
CASE_DETAIL=

# Send one line to the results port.
_report() { printf '%s\n' "$*" >&3; }

note() { _report "@@LOG $*"; }

case_end() {
	[ -n "$CASE_NAME" ] || return 0
	if [ "$CASE_FAILED" = 0 ]; then
		_report "@@CASE pass $SCENARIO/$CASE_NAME"
	else
		_report "@@CASE fail $SCENARIO/$CASE_NAME"
		printf '%s\n' "$CASE_DETAIL" | sed -n '/./s/^/@@DETAIL /p' | head -n 40 >&3
	fi
	CASE_NAME=
}

# A scenario ends with scenario_done; stopping anywhere else (a shell
# error, an exit) is a failure of its own.
scenario_done() {
	SCENARIO_DONE=1
	exit 0
}
_on_exit() {
	case_end
	[ "${SCENARIO_DONE:-0}" = 1 ] && return 0
	case_begin ran to the end
	_failed "the scenario stopped before scenario_done" "exit status $1"
	case_end
	exit 1
}
trap '_on_exit $?' EXIT

case_begin() {
	case_end
	CASE_NAME=$(printf '%s' "$*" | tr -s ' /' '-_')
	CASE_FAILED=0
	CASE_DETAIL=
	echo "=== $SCENARIO/$CASE_NAME (at $(cut -d' ' -f1 /proc/uptime) s)"
}

# Record a failed check: the first argument says what, the rest how.
_failed() {
	[ -n "$CASE_NAME" ] || case_begin "$1"
	CASE_FAILED=1
	_msg="$1
"
	shift
	for _l in "$@"; do
		_msg="$_msg  $_l
"
	done
	CASE_DETAIL="$CASE_DETAIL$_msg"
	printf 'FAILED: %s' "$_msg"
}

expect_eq() {
	[ "$2" = "$3" ] && return 0
	_failed "$1" "expected: $2" "got:      $3"
	return 1
}

expect_match() {
	printf '%s\n' "$3" | grep -Eq -- "$2" && return 0
	_failed "$1" "expected to match: $2" "got:      $3"
	return 1
}

expect_file() {
	[ -e "$1" ] && return 0
	_failed "$1" "expected: exists" "got:      missing"
	return 1
}

expect_no_file() {
	[ ! -e "$1" ] && return 0
	_failed "$1" "expected: absent" "got:      exists"
	return 1
}

# Run CMD, keep its output in OUT and status in RC, and echo both.
run() {
	echo "\$ $*"
	OUT=$("$@" 2>&1 3>&-)
	RC=$?
	_echo_out
	return "$RC"
}

# Show OUT on the console, long lines (JSON) cut short.
_echo_out() { [ -z "$OUT" ] || printf '%s\n' "$OUT" | head -n 200 | cut -c 1-400; }

# Like run, for commands whose standard output is data (JSON): OUT gets
# stdout only, while stderr goes to the console.
run_out() {
	echo "\$ $*"
	OUT=$("$@" 3>&-)
	RC=$?
	_echo_out
	return "$RC"
}

_show_output() { printf '%s\n' "$OUT" | head -n 15 | cut -c 1-300 | sed 's/^/  | /'; }

expect_ok() {
	run "$@" && return 0
	_failed "$*" "expected: exit 0" "got:      exit $RC" "$(_show_output)"
	return 1
}

expect_fail() {
	_want=$1
	shift
	run "$@"
	if [ "$_want" = '!' ]; then
		[ "$RC" != 0 ] && return 0
	elif [ "$RC" = "$_want" ]; then
		return 0
	fi
	_failed "$*" "expected: exit $_want" "got:      exit $RC" "$(_show_output)"
	return 1
}

# Run CMD, which must exit 0 and print one JSON document; it is in OUT.
expect_json() {
	if ! run_out "$@"; then
		_failed "$*" "expected: exit 0" "got:      exit $RC" "$(_show_output)"
		return 1
	fi
	printf '%s\n' "$OUT" | jq -e 'type' >/dev/null 2>&1 && return 0
	_failed "$*" "expected: one JSON document" "got:" "$(_show_output)"
	return 1
}

# Set J_<key> to the compact JSON value of each KEY of the JSON object,
# or to <missing> when the object lacks it. Not an object: a failed check.
json_load() { # json key...
	_json=$1
	shift
	for _k in "$@"; do eval "J_$_k='<no object>'"; done
	if ! _vals=$(printf '%s\n' "$_json" | jq -r --arg keys "$*" '
		if type != "object" then error("not an object") else . end |
		. as $o | $keys | split(" ")[] as $k |
		"\($k) \(if $o | has($k) then $o[$k] | tojson else "<missing>" end)"' 2>/dev/null); then
		_failed "JSON object" "expected: an object" "got:      $(printf '%s' "$_json" | head -c 200)"
		return 1
	fi
	while read -r _k _v; do
		[ -n "$_k" ] && eval "J_$_k=\$_v"
	done <<EOF
$_vals
EOF
}

# JSON literal for a string value, or null for "null".
js() { if [ "$1" = null ]; then echo null; else printf '"%s"\n' "$1"; fi; }

# --- sysfs and topology helpers ------------------------------------------

PCI=/sys/bus/pci/devices

# Contents of a sysfs attribute, or "<missing>".
attr() { cat "$1" 2>/dev/null || echo '<missing>'; }

# Basename of a symlink's target, or "null" when there is none.
link_name() {
	if [ -L "$1" ]; then
		_t=$(readlink "$1")
		echo "${_t##*/}"
	else
		echo null
	fi
}

# First network interface of a device in name order, or "null".
netdev_of() {
	for _n in "$1"/net/*; do
		[ -e "$_n" ] && echo "${_n##*/}" && return 0
	done
	echo null
}

# Write a sysfs attribute; on failure the kernel's reason is in OUT.
sysfs_write() { # value file
	echo "\$ echo $1 > $2"
	OUT=$(sh -c 'echo "$1" > "$2"' sh "$1" "$2" 2>&1 3>&-)
	RC=$?
	[ -z "$OUT" ] || printf '%s\n' "$OUT"
	return "$RC"
}

# Set a PF's VF count through sysfs (0 first when changing N->M) and let
# udev finish with the new devices.
set_numvfs() { # pf-address count
	if [ "$(attr "$PCI/$1/sriov_numvfs")" != 0 ] && [ "$2" != 0 ]; then
		sysfs_write 0 "$PCI/$1/sriov_numvfs" || return 1
	fi
	sysfs_write "$2" "$PCI/$1/sriov_numvfs" || return 1
	udevadm settle --timeout=30
}

# Poll until a command succeeds (up to $2 tenths of a second).
wait_for() { # "shell condition" tenths
	_i=0
	while ! eval "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -lt "$2" ] || return 1
		sleep 0.1
	done
}

# The guest's QEMU with the given arguments, stopped before the CPU runs;
# its monitor answers "info pci" (bus 0 only: no firmware has numbered the
# buses behind bridges yet) and "info qtree" (every device). Output in
# OUT, exit status in RC.
guest_qemu() {
	echo "\$ qemu-system-x86_64 ... $*"
	OUT=$(printf 'info pci\ninfo qtree\nquit\n' | timeout 120 qemu-system-x86_64 -nodefaults \
		-no-user-config -display none -machine q35 -accel tcg -m 64 -S \
		-monitor stdio -serial none "$@" 2>&1 3>&-)
	RC=$?
	printf '%s\n' "$OUT" | grep -E 'Error|error|vfio|id "' | head -n 25
}
# shellcheck disable=SC1091 # written by run.sh into the image
. /tests/vm.env
