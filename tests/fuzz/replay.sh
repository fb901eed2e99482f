#!/bin/sh
# The fuzz tier of make check: every file of every corpus under CORPUS_DIR
# through its harness's replay binary (the sanitizer build in BIN_DIR).
# Prints a line per target and "fuzz: N passed, N failed" counting files.
# Usage: tests/fuzz/replay.sh BIN_DIR CORPUS_DIR
set -u
bin=${1:?usage: replay.sh BIN_DIR CORPUS_DIR}
corpus=${2:?usage: replay.sh BIN_DIR CORPUS_DIR}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0 status=0
for exe in "$bin"/replay_*; do
	[ -x "$exe" ] || continue
	t=${exe##*/replay_}
	n=$(find "$corpus/$t" -type f 2>/dev/null | wc -l)
	p=0 f=0
	if [ "$n" -eq 0 ]; then
		echo "FAIL $t: no corpus in $corpus/$t"
		f=1
	elif find "$corpus/$t" -type f -exec "$exe" {} + >"$log" 2>&1; then
		p=$n
	else
		# one process per file, to name every file that fails
		for file in $(find "$corpus/$t" -type f | sort); do
			if "$exe" "$file" >"$log" 2>&1; then
				p=$((p + 1))
			else
				f=$((f + 1))
				echo "FAIL $t: $file"
				tail -n 30 "$log"
			fi
		done
	fi
	[ "$f" -eq 0 ] || status=1
	printf '%-28s %3d passed, %d failed\n' "$t" "$p" "$f"
	passed=$((passed + p)) failed=$((failed + f))
done
echo "fuzz: $passed passed, $failed failed"
exit $status
