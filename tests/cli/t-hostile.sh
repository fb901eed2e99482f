# Input that tries to break sriovctl or what reads its output: absurd
# sizes, names with invalid UTF-8 and terminal escapes, sysfs trees with
# links out of the tree, FIFOs and out-of-range values.
root=$TMP/hostile
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build hostile tree"
export SRIOVCTL_SYSFS_ROOT=$root

# --- memory sizes: saturated, absurd ones refused ---------------------------------
expect_usage_error "doctor: --memory beyond 64 bits" doctor --memory 17179869183G
expect_usage_error "doctor: --memory beyond 4096T" doctor --memory 4097T
expect_usage_error "vfio check: --memory beyond 4096T" vfio check 'enp3s0#0' --memory 17179869183G
expect_usage_error "qemu args: --memory beyond 4096T" qemu args 'enp3s0#0' --memory 17179869183G
run doctor --memory 17179869183G
expect_match "doctor: says what is wrong" 'more than 4096T' "$err"
# as a process without CAP_IPC_LOCK under a 64 KiB limit, which any real
# guest exceeds
nocap() { setpriv --bounding-set -ipc_lock sh -c 'ulimit -l 64 && exec "$@"' sh "$@"; }
if nocap true 2>/dev/null; then
	out=$(nocap "$SRIOVCTL" -j doctor --memory 4096T)
	jq_eq "doctor: 4096T does not fit 64 KiB" \
		'.findings[] | select(.check == "memlock") | .status' '"failed"'
	out=$(nocap "$SRIOVCTL" -j doctor --memory 1T)
	jq_eq "doctor: 1T does not fit 64 KiB" \
		'.findings[] | select(.check == "memlock") | .message | test("needs")' 'true'
else
	pass "doctor without CAP_IPC_LOCK (skipped: setpriv cannot drop it here)"
fi

# --- names with invalid UTF-8 and terminal escapes ---------------------------------
# the igb PF's netdev is renamed to e<0xff><ESC>[31mx in its net/ directory
esc=$(printf '\033')
bad=$(printf 'e\377\033[31mx')
mv "$root/bus/pci/devices/0000:03:00.0/net/enp3s0" "$root/bus/pci/devices/0000:03:00.0/net/$bad"
run -j pf list
expect_rc "pf list with a hostile netdev name" 0
got=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.loads(sys.stdin.buffer.read())[0]["netdev"].encode("unicode_escape").decode())' 2>&1)
expect_eq "JSON parses; invalid byte as U+FFFD, ESC escaped" 'e\ufffd\x1b[31mx' "$got"
case $out in *"$esc"*) fail "JSON carries a raw ESC" "$out" ;; *) pass "JSON carries no raw ESC" ;; esac
run pf list
expect_match "text: escaped as \\xNN" '^0000:03:00\.0 +e\\xff\\x1b\[31mx +igb ' "$out"
case $out in *"$esc"*) fail "text carries a raw ESC" "$out" ;; *) pass "text carries no raw ESC" ;; esac
run pf show "$(printf 'x\033[2J')"
case $err in *"$esc"*) fail "error message carries a raw ESC" "$err" ;; *) pass "error message carries no raw ESC" ;; esac
expect_match "error message: escaped" 'x\\x1b\[2J' "$err"
printf 'pfs:\n  - pci: "0000:03:00.0"\n    "\\e]0;owned\\a": 2\n' >"$TMP/hostile.yaml"
run -n apply "$TMP/hostile.yaml"
expect_rc "apply: an escape in a key is a usage error" 2
expect_match "apply: the key escaped in the message" 'unknown key "\\x1b\]0;owned\\x07"' "$err"

# --- a hostile --sysfs-root tree ---------------------------------------------------
tree=$TMP/hostile-sys
"$FAKESYS" - "$tree" >/dev/null <<'TOPO' || fail "build hostile sysfs tree"
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf iommu=separate
pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 autoprobe=0
pf 0000:05:00.0 vendor=15b3 device=1017 class=020000 driver=none total=16 numvfs=0 offset=2 stride=1 vfdevice=1018
TOPO
export SRIOVCTL_SYSFS_ROOT=$tree SRIOVCTL_STATE_DIR=$TMP/hostile-state SRIOVCTL_DEV_ROOT=$TMP/hostile-dev
printf 'precious\n' >"$TMP/outside"
# the file a link stands for in the tree (bus/pci/devices/X is a link too)
real() { readlink -f "$tree/$1"; }
ln -sf "$TMP/outside" "$(real bus/pci/devices/0000:03:10.0/driver_override)"
ln -sf "$TMP/outside" "$(real bus/pci/devices/0000:05:00.0/sriov_numvfs)"
run vfio bind 03:10.0
expect_rc "bind through a link out of the tree fails" 1
expect_match "and says so" 'driver_override leads out of the sysfs root' "$err"
run -j pf set 0000:05:00.0 num-vfs 4
expect_rc "pf set through a link out of the tree fails" 1
jq_eq "the count it cannot read is null, not a number" '[.num_vfs_before,.error.message]' \
	"[null,\"$tree/bus/pci/devices/0000:05:00.0/sriov_numvfs leads out of the sysfs root\"]"
expect_eq "the file outside is untouched" precious "$(cat "$TMP/outside")"
# a FIFO where an attribute belongs, and a negative count
numvfs=$(real bus/pci/devices/0000:03:00.0/sriov_numvfs)
rm "$numvfs" && mkfifo "$numvfs"
printf -- '-5\n' >"$(real bus/pci/devices/0000:04:00.0/sriov_numvfs)"
out=$(timeout 20 "$SRIOVCTL" -j pf list 2>"$TMP/stderr")
rc=$?
expect_rc "pf list with a FIFO attribute does not hang" 0
jq_eq "a FIFO, a negative count, a link out: unknown" '[.[0].num_vfs,.[1].num_vfs,.[2].num_vfs]' '[null,null,null]'
out=$(timeout 20 "$SRIOVCTL" pf list 2>"$TMP/stderr")
expect_match "text: unknown counts as -, not -5" '^0000:04:00\.0 +- +nvme +1b36:0010 +[0-9]+ +[0-9]+ +- +- +off ' "$out"
