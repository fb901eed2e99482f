#!/bin/sh
# Adds up the "TIER: N passed, N failed" lines that each tier wrote into
# DIR and prints the closing line of make check. TIERs: those that ran
# (make check T=...), by default all of them.
set -u
dir=${1:?usage: summary.sh DIR [TIER...]}
shift
[ $# -gt 0 ] || set -- abi layers unit cli docs fuzz ansible vm
passed=0 failed=0 missing=""
for tier in "$@"; do
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$dir/$tier.txt" 2>/dev/null | tail -n1)
	if [ -z "$line" ]; then
		missing="$missing $tier"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed 's/^[a-z]*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
	passed=$((passed + p)) failed=$((failed + f))
done
[ -z "$missing" ] || echo "check: no result from:$missing (counted as failed)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
