# qemu args on built trees: the VF token of VFs whose PF is on vfio-pci
# (--vf-token, libvirt's refusal, doctor's note) and the ownership and
# memlock preflight of --user/--memory, with vfio check's messages.
root=$TMP/qemu
dev=$TMP/qemu-dev
cat >"$TMP/qemu.topo" <<'EOF'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 driver=igb netdev=enp3s0 total=8 numvfs=4 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
vf 0000:03:00.0#3 driver=vfio-pci override=vfio-pci netdev=none
pf 0000:05:00.0 vendor=8086 device=10c9 driver=vfio-pci total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=vfio-pci iommu=separate
EOF
"$FAKESYS" "$TMP/qemu.topo" "$root" >/dev/null || fail "build qemu tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$dev" SRIOVCTL_STATE_DIR="$TMP/qemu-state"
VF3=0000:03:10.6 TVF=0000:05:10.0
NULL_TOKEN=00000000-0000-0000-0000-000000000000
TOKEN=4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e60
group=$(basename "$(readlink "$root/bus/pci/devices/$VF3/iommu_group")")
mkdir -p "$dev/vfio"
: >"$dev/vfio/$group"
chmod 0600 "$dev/vfio/$group"
: >"$dev/vfio/vfio"
chmod 0666 "$dev/vfio/vfio"

# --- bad input -------------------------------------------------------------------
expect_usage_error "qemu: malformed VF token" qemu args "$TVF" --vf-token not-a-uuid
expect_usage_error "qemu: VF token one digit short" qemu args "$TVF" --vf-token 4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e6
expect_usage_error "qemu: --vf-token without value" qemu args "$TVF" --vf-token
expect_usage_error "qemu: VF token in libvirt XML" qemu args "$VF3" --format libvirt --vf-token "$TOKEN"
expect_usage_error "qemu: bad memory" qemu args "$VF3" --memory lots
expect_usage_error "qemu: zero memory" qemu args "$VF3" --memory 0
expect_usage_error "qemu: --user without value" qemu args "$VF3" --user
expect_usage_error "qemu: unknown user" qemu args "$VF3" --user no-such-user-zz

# --- the VF token -------------------------------------------------------------------
run qemu args "$TVF"
expect_rc "a VF of a PF on vfio-pci without its token: refused" 3
expect_match "says why" "PF's VF token, a random UUID until the PF's user sets one" "$err"
run qemu args "$TVF" --vf-token "$NULL_TOKEN"
expect_eq "the token given" "-device vfio-pci,host=$TVF,id=hostdev0,vf-token=$NULL_TOKEN" "$out"
run qemu args "$TVF" "$VF3" --vf-token "$TOKEN" --format args
expect_eq "--vf-token, only where the PF is on vfio-pci" "-device
vfio-pci,host=$TVF,id=hostdev0,vf-token=$TOKEN
-device
vfio-pci,host=$VF3,id=hostdev1" "$out"
run qemu args "$TVF" --format libvirt --no-check
expect_rc "libvirt XML cannot carry the token: refused" 3
expect_match "says why" "cannot carry" "$err"
run -j doctor
jq_eq "doctor explains the token" \
	'[.findings[] | select(.check == "vf-token") | [.subject,.status,(.message | test("random UUID"))]]' \
	'[["0000:05:00.0","info",true]]'

# --- vfio vf-token: the PF's token -------------------------------------------------
expect_usage_error "vf-token without arguments" vfio vf-token
expect_usage_error "vf-token without a UUID" vfio vf-token 05:00.0
expect_usage_error "vf-token: malformed UUID" vfio vf-token 05:00.0 not-a-uuid
expect_usage_error "vf-token: UUID one digit short" vfio vf-token 05:00.0 4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e6
expect_usage_error "vf-token: unknown option" vfio vf-token 05:00.0 --frobnicate
expect_usage_error "vf-token: no such device" vfio vf-token 0000:09:00.0 "$TOKEN"
expect_usage_error "vf-token: no such netdev" vfio vf-token nope0 "$TOKEN"
expect_usage_error "check: malformed --vf-token" vfio check "$TVF" --vf-token nope
expect_usage_error "check: --vf-token without value" vfio check "$TVF" --vf-token
run vfio vf-token enp3s0 "$TOKEN"
expect_rc "a PF on its own driver: refused" 3
expect_match "says why" '0000:03:00.0 is on igb, not vfio-pci' "$err"
run -j vfio vf-token "$TVF" "$TOKEN"
expect_rc "a VF on vfio-pci: refused" 3
jq_eq "JSON: refused" '[.error.code,(.error.message | test("not an SR-IOV PF"))]' '[3,true]'
run -j -n vfio vf-token 05:00.0 "$TOKEN"
expect_rc "dry run" 0
jq_eq "JSON: what it would set" '[.pci,.vf_token,.changed,.dry_run]' \
	'["0000:05:00.0","'"$TOKEN"'",true,true]'
run vfio vf-token 05:00.0 "$TOKEN"
expect_rc "a container that is no VFIO device: failed" 1
expect_match "at the step that failed" '0000:05:00.0: api version: VFIO_GET_API_VERSION' "$err"
expect_eq "nothing printed" "" "$out"

# --- --user: who may open the group node -----------------------------------------
run qemu args "$VF3" --user nobody
expect_rc "a user who cannot open the group node: refused" 3
msg="user nobody cannot open $dev/vfio/$group \\(0:0 0600\\) read-write"
expect_match "says why" "$msg" "$err"
expect_eq "nothing printed" "" "$out"
run -j qemu args "$VF3" --user nobody
jq_eq "JSON: refused" '.error.code' '3'
run qemu args "$VF3" --user root
expect_rc "root may" 0
run qemu args "$VF3" --user nobody --no-check
expect_rc "--no-check skips the preflight" 0
run vfio check "$VF3" --user nobody
expect_match "vfio check says the same" "$msg" "$err"

# --- --memory: RLIMIT_MEMLOCK of a process without CAP_IPC_LOCK -----------------------
limited=$TMP/sriovctl-limited
cat >"$limited" <<EOF
#!/bin/sh
exec prlimit --memlock=65536:65536 setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock "$SRIOVCTL" "\$@"
EOF
chmod +x "$limited"
run qemu args "$VF3" --memory 1G
expect_rc "with CAP_IPC_LOCK any amount may be locked" 0
saved=$SRIOVCTL
SRIOVCTL=$limited
msg='RLIMIT_MEMLOCK is 65536 bytes, QEMU needs 2147483648 for 1073741824 bytes of guest RAM'
run qemu args "$VF3" --memory 1G
expect_rc "a memlock limit too low: refused" 3
expect_match "says why" "$msg" "$err"
run vfio check "$VF3" --memory 1G
expect_match "vfio check says the same" "$msg" "$err"
SRIOVCTL=$saved
