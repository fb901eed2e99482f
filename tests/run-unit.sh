#!/bin/sh
# Runs cmocka suites of DIR: the NAMEs given (a name runs that suite, or,
# when none has that name, every suite whose name begins with it), else
# every test_* there. Prints one result line per suite and a closing
# "unit: N passed, N failed" line counting test cases.
# Usage: run-unit.sh DIR [NAME...]
set -u
dir=${1:?usage: run-unit.sh DIR [NAME...]}
shift
passed=0 failed=0 status=0

# The suites a name stands for, one path a line; nothing when none.
suites_of() {
	if [ -x "$dir/$1" ]; then
		echo "$dir/$1"
		return
	fi
	for t in "$dir/$1"*; do
		[ -x "$t" ] && echo "$t"
	done
}

run_suite() {
	t=$1
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	p=${p:-0} f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or sanitizer report
	fi
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		status=1
		printf '%s\n' "$out"
	fi
	printf '%-28s %3d passed, %d failed\n' "$(basename "$t")" "$p" "$f"
	passed=$((passed + p)) failed=$((failed + f))
}

[ $# -gt 0 ] || set -- test_
for name in "$@"; do
	found=$(suites_of "$name")
	if [ -z "$found" ]; then
		echo "FAIL no unit suite $name in $dir"
		failed=$((failed + 1)) status=1
		continue
	fi
	for t in $found; do
		run_suite "$t"
	done
done
echo "unit: $passed passed, $failed failed"
exit $status
