# Writes the kernel does not finish: a FIFO in place of a driver's unbind
# file blocks the write as a stuck driver would. The command gives up
# after --timeout, leaves the device journaled and locked while the write
# may still land, holds nobody's output open, and frees the other PFs.
root=$TMP/timeout
state=$TMP/timeout-state
cat >"$TMP/timeout.topo" <<'EOF2'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
pf 0000:05:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp5s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp5s0v%d iommu=separate
EOF2
"$FAKESYS" "$TMP/timeout.topo" "$root" >/dev/null || fail "build timeout tree"
mkdir -p "$TMP/timeout-dev/vfio"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$TMP/timeout-dev" SRIOVCTL_STATE_DIR="$state"
fifo=$root/bus/pci/drivers/igbvf/unbind
rm -f "$fifo" && mkfifo "$fifo"
# drain: reads what the blocked writers send, so that they finish
drain() { timeout 5 cat "$fifo" 2>/dev/null; }

# two PFs in one command, the first one's write hung; output captured
start=$(date +%s)
out=$( ("$SRIOVCTL" -j vfio bind 03:10.0 05:10.0 --timeout 1 2>"$TMP/stderr"; echo "rc=$?") |
	timeout 10 cat)
took=$(($(date +%s) - start))
err=$(cat "$TMP/stderr")
expect_match "exit 1" 'rc=1$' "$out"
if [ "$took" -le 5 ]; then pass "a caller capturing the output is not kept waiting"
else fail "a caller capturing the output is not kept waiting" "took ${took}s"; fi
out=$(printf '%s\n' "$out" | sed '$d')
jq_eq "the hung device is not rolled back" \
	'[.devices[0].pci, .devices[0].status, .devices[0].rolled_back]' '["0000:03:10.0","failed",false]'
jq_eq "the message names the device, the attribute, and recover" \
	'.devices[0].error | test("0000:03:10.0: cannot unbind from igbvf: writing 0000:03:10.0 to .*/drivers/igbvf/unbind did not return within 1000 ms.*still in flight.*sriovctl recover")' true
[ -f "$state/journal/0000:03:10.0.vfio" ] && journaled=1 || journaled=0
expect_eq "the device stays journaled" 1 "$journaled"
run -n vfio bind 05:10.2 --timeout 1
expect_rc "the other PF is not left locked" 0
run vfio bind 03:10.2 --timeout 1
expect_rc "the hung PF stays locked: a bounded wait" 1
expect_match "names the holder" '0000:03:00.0 is locked by pid [0-9]+' "$err"
# recover waits for the writer's lock, then finishes the change
"$SRIOVCTL" -j recover >"$TMP/recover.json" 2>"$TMP/stderr" &
recover=$!
sleep 0.5
expect_eq "the late write lands" 0000:03:10.0 "$(drain)"
wait $recover
# shellcheck disable=SC2034 # rc and err are read by expect_rc
rc=$? out=$(cat "$TMP/recover.json") err=$(cat "$TMP/stderr")
expect_rc "recover finishes the change once the write is done" 0
jq_eq "back on igbvf" '[.entries[0].pci, .entries[0].action, .entries[0].driver]' \
	'["0000:03:10.0","restore","igbvf"]'
expect_eq "journal empty" 0 "$(ls "$state/journal" | wc -l)"

# a lock holder that never lets go: waits are bounded by --timeout
exec 7>"$state/0000:05:00.0.lock"
flock 7
echo $$ >&7
start=$(date +%s)
run pf set 05:00.0 num-vfs 2 --timeout 1
took=$(($(date +%s) - start))
expect_rc "pf set gives up on a lock that is never released" 1
expect_match "naming the holder" "0000:05:00.0 is locked by pid $$" "$err"
if [ "$took" -le 4 ]; then pass "within the timeout"; else fail "within the timeout" "took ${took}s"; fi
exec 7>&-
drain >/dev/null
