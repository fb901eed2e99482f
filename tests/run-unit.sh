#!/bin/sh
# Runs every cmocka suite in DIR; prints one result line per suite and a
# closing "unit: N passed, N failed" line counting test cases.
set -u
dir=${1:?usage: run-unit.sh DIR}
passed=0 failed=0 status=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
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
done
echo "unit: $passed passed, $failed failed"
exit $status
