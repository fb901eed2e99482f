# Assertions for the CLI tier; sourced by tests/cli/*.sh.
# Each check prints "ok NAME" or "FAIL NAME" with expected and actual.
passed=0
failed=0

pass() { passed=$((passed + 1)); [ -z "${VERBOSE:-}" ] || echo "ok   $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	for line in "$@"; do printf '     %s\n' "$line"; done
}

# run CMD...: runs sriovctl, keeps stdout, stderr and status in $out $err $rc,
# and keeps them for check_schemas
run() {
	out=$("$SRIOVCTL" "$@" 2>"$TMP/stderr")
	rc=$?
	err=$(cat "$TMP/stderr")
	kept=$((${kept:-0} + 1))
	mkdir -p "$TMP/json"
	printf '%s\0' "$@" >"$TMP/json/$kept.args"
	printf '%s\n' "$out" >"$TMP/json/$kept.out"
	echo "$rc" >"$TMP/json/$kept.rc"
}

# Every JSON document that run saw against "sriovctl help --schema" of its
# command, and sriovctl(8)'s rule for errors (tests/json-schema.py); one
# check each. run.sh calls it after each script.
check_schemas() {
	[ -d "$TMP/json" ] || return 0
	if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		fail "JSON output against its schemas" "python3-jsonschema is missing (make deps)"
	else
		/usr/bin/python3 "$CLI_DIR/../json-schema.py" outputs "$SRIOVCTL" \
			"$TMP/json" >"$TMP/json.results" 2>"$TMP/json.err" ||
			echo "FAIL tests/json-schema.py: $(tail -n1 "$TMP/json.err")" >>"$TMP/json.results"
		while IFS= read -r line; do
			case $line in
			"ok "*) pass "${line#ok }" ;;
			*) fail "${line#FAIL }" ;;
			esac
		done <"$TMP/json.results"
		sed -n 's/^ok schema \([a-z_-]*\): .*/\1/p' "$TMP/json.results" >>"$TMP/json-seen"
	fi
	rm -rf "$TMP/json"
}

expect_rc() { # NAME WANT
	if [ "$rc" -eq "$2" ]; then pass "$1"; else
		fail "$1" "expected exit $2, got $rc" "stdout: $out" "stderr: $err"; fi
}

expect_eq() { # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1" "expected: $2" "got:      $3"; fi
}

expect_match() { # NAME REGEX TEXT
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else
		fail "$1" "expected to match: $2" "got: $3"; fi
}

# jq_eq NAME FILTER WANT: applies FILTER to $out
jq_eq() {
	got=$(printf '%s' "$out" | jq -c "$2" 2>&1)
	expect_eq "$1" "$3" "$got"
}

# A bad invocation: exit 2, exactly one line on stderr, nothing on stdout;
# with -j the same error as a JSON object on stdout.
expect_usage_error() { # NAME ARGS...
	name=$1
	shift
	run "$@"
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		[ -n "$err" ]; then
		pass "$name"
	else
		fail "$name" "expected exit 2 with one line on stderr" \
			"got exit $rc, stdout: $out" "stderr: $err"
	fi
	run -j "$@"
	got=$(printf '%s' "$out" | jq -r '.error.code' 2>/dev/null)
	if [ "$rc" -eq 2 ] && [ "$got" = 2 ]; then pass "$name (json)"; else
		fail "$name (json)" "expected a JSON error with code 2, exit 2" \
			"got exit $rc, stdout: $out"; fi
}
