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

# run CMD...: runs sriovctl, keeps stdout, stderr and status in $out $err $rc
run() {
	out=$("$SRIOVCTL" "$@" 2>"$TMP/stderr")
	rc=$?
	err=$(cat "$TMP/stderr")
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
