# Each PF has its own lock: a change of one PF never waits for a process
# that holds another PF's lock, and does wait for one holding its own.
root=$TMP/locks
state=$TMP/locks-state
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build locks tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_STATE_DIR="$state"
mkdir -m 0700 "$state"

# hold LOCKNAME: a process keeps the lock until killed, its pid in $holder
hold() {
	(
		exec 9>>"$state/$1.lock"
		flock 9
		exec sleep 60
	) >/dev/null 2>&1 &
	holder=$!
	tries=50
	while [ "$tries" -gt 0 ] && flock -n "$state/$1.lock" true; do
		sleep 0.1
		tries=$((tries - 1))
	done
}

hold 0000:04:00.0
start=$(date +%s)
out=$(timeout 20 "$SRIOVCTL" pf set 03:00.0 num-vfs 3 autoprobe off 2>"$TMP/stderr")
rc=$? err=$(cat "$TMP/stderr")
took=$(($(date +%s) - start))
expect_rc "another PF's lock held: pf set goes through" 0
expect_eq "at once, without waiting for it" yes "$([ "$took" -le 5 ] && echo yes)"
kill "$holder"
wait "$holder" 2>/dev/null

hold 0000:03:00.0
out=$(timeout 3 "$SRIOVCTL" pf set 03:00.0 num-vfs 3 autoprobe on 2>"$TMP/stderr")
rc=$? err=$(cat "$TMP/stderr")
expect_rc "its own PF's lock held: pf set waits for it" 124
kill "$holder"
wait "$holder" 2>/dev/null
