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
		'.findings[] | select(.check == "memlock") | .status' '"fail"'
	out=$(nocap "$SRIOVCTL" -j doctor --memory 1T)
	jq_eq "doctor: 1T does not fit 64 KiB" \
		'.findings[] | select(.check == "memlock") | .message | test("needs")' 'true'
else
	pass "doctor without CAP_IPC_LOCK (skipped: setpriv cannot drop it here)"
fi
