#!/bin/sh
# make fuzz: runs each libFuzzer target for SECONDS, starting from its
# committed corpus. New inputs land in BIN_DIR/corpus/TARGET and crashing
# inputs in BIN_DIR/crashes/TARGET/ (add those to CORPUS_DIR/TARGET once
# fixed); prints executions and crashes per target.
# Usage: tests/fuzz/run.sh BIN_DIR CORPUS_DIR SECONDS TARGET...
set -u
bin=${1:?usage: run.sh BIN_DIR CORPUS_DIR SECONDS TARGET...}
corpus=${2:?usage: run.sh BIN_DIR CORPUS_DIR SECONDS TARGET...}
secs=${3:?usage: run.sh BIN_DIR CORPUS_DIR SECONDS TARGET...}
shift 3
here=$(dirname "$0")
status=0
for t in "$@"; do
	work=$bin/corpus/$t crashes=$bin/crashes/$t log=$bin/$t.log
	mkdir -p "$work" "$crashes"
	dict=
	[ ! -f "$here/$t.dict" ] || dict=-dict=$here/$t.dict
	# shellcheck disable=SC2086
	"$bin/fuzz_$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" $dict "$work" "$corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	found=$(find "$crashes" -type f | wc -l)
	printf '%-12s %s executions in %s s, %s crashes (corpus %s files)\n' "$t" \
		"${runs:-?}" "$secs" "$found" "$(find "$work" -type f | wc -l)"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		status=1
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*does not hold)' "$log" | head -n 5
		echo "  log: $log, inputs: $crashes"
	fi
done
exit $status
