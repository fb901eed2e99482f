# claim add / list / show / release / gc on a built host: bad input (exit 2,
# nothing touched), the choice of VFs, leases, parallel claims that never
# share a VF, holders that are gone. Binding and VF settings need a
# kernel: tests/vm/scenarios/60-claims.sh has one.
root=$TMP/claim
state=$TMP/claim-state
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build claim tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$state SRIOVCTL_DEV_ROOT=$TMP/claim-dev
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
leases() { ls "$state/claims" 2>/dev/null | tr '\n' ' '; }
before=$(tree_sum)
IGB0=0000:03:10.0 IGB1=0000:03:10.2

# --- bad input: exit 2, nothing touched ------------------------------------------
expect_usage_error "add without --count" claim add web
expect_usage_error "--count 0" claim add web --count 0
expect_usage_error "--count not a number" claim add web --count two
expect_usage_error "add without a name" claim add --count 1
expect_usage_error "invalid name" claim add ../x --count 1
expect_usage_error "name starting with a dot" claim add .x --count 1
expect_usage_error "unknown PF" claim add web --count 1 --pf eth9
expect_usage_error "filters matching nothing: device" claim add web --count 1 --device ffff:ffff
expect_usage_error "filters matching nothing: NUMA" claim add web --count 1 --numa 7
expect_usage_error "bad --device" claim add web --count 1 --device 8086
expect_usage_error "bad --driver" claim add web --count 1 --driver igbvf
expect_usage_error "MAC list of the wrong length" claim add web --count 2 mac 02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:03
expect_usage_error "one MAC for two VFs" claim add web --count 2 mac 02:00:00:00:00:01
expect_usage_error "a MAC twice in a list" claim add web --count 2 mac 02:00:00:00:00:01,02:00:00:00:00:01
expect_usage_error "unknown VF setting" claim add web --count 1 colour blue
expect_usage_error "holder that does not run" claim add web --count 1 --holder-pid 2147483646
expect_usage_error "unknown owner" claim add web --count 1 --owner no-such-user-zz
expect_usage_error "settings need the running kernel" claim add web --count 1 --driver host vlan 10
expect_usage_error "mtu on a vfio-pci claim" claim add web --count 1 mtu 1400
run claim add web --count 1 mtu 1400
expect_eq "the reason: the guest sets it" \
	'sriovctl: claim "web": mtu is for --driver host claims: the guest sets the MTU of a passed-through VF' "$err"
expect_usage_error "mtu on a vfio-pci claim, dry run" -n claim add web --count 1 --driver vfio-pci mtu 1400
expect_usage_error "mtu out of range" claim add web --count 1 --driver host mtu 70000
expect_usage_error "mtu not a number" claim add web --count 1 --driver host mtu 9k
expect_usage_error "host claim: mtu above the PF's" claim add web --count 1 --driver host mtu 9000
run claim add web --count 1 --driver host mtu 9000
expect_match "names the PF's MTU" "MTU 9000 would be above its PF's \(enp3s0: 1500\)" "$err"
expect_usage_error "unknown claim: show" claim show nosuch
expect_usage_error "unknown claim: release" claim release nosuch
expect_usage_error "unknown claim: qemu args" qemu args --claim nosuch
expect_usage_error "qemu args: --claim and a VFSPEC" qemu args --claim web 'enp3s0#0'
expect_usage_error "list takes nothing" claim list web
expect_usage_error "gc: stray argument" claim gc now
expect_eq "bad input writes no lease" "" "$(leases)"
expect_eq "bad input touches no sysfs file" "$before" "$(tree_sum)"

# --- dry runs --------------------------------------------------------------------
run -j -n claim add web --count 2 --owner root
expect_rc "dry-run claim on vfio-pci" 0
jq_eq "the plan: one PF filled first, vfio-pci, the owner" \
	'[.dry_run,.changed,.driver,.owner,[.vfs[].pci],[.vfs[].driver_before],[.vfs[].driver]]' \
	"[true,true,\"vfio-pci\",\"root\",[\"$IGB0\",\"$IGB1\"],[\"igbvf\",\"igbvf\"],[\"vfio-pci\",\"vfio-pci\"]]"
jq_eq "the NVMe VFs share their group with the PF: not free for vfio-pci, nor the ixgbe ones without a group" \
	'[.vfs[].pf] | unique' '["0000:03:00.0"]'
run -j -n claim add web --count 5
expect_rc "five VFs for vfio-pci: too few free" 1
jq_eq "named PF by PF, nothing taken" '.error.message | test("5 VFs asked, 3 free: 0000:03:00.0: 3 VFs, 3 free, 0 claimed, 0 busy; 0000:04:00.0: 2 VFs, 0 free, 0 claimed, 2 busy \\(0000:04:00.1: IOMMU group .* also holds 0000:04:00.0.*nothing taken")' 'true'
run -j -n claim add web --count 3 --driver host --spread
jq_eq "--spread: round-robin across PFs" '[.vfs[].pci]' '["0000:03:10.0","0000:04:00.1","0001:81:10.0"]'
run -j -n claim add web --count 2 --driver host --pf 04:00.0
jq_eq "--pf keeps that PF's VFs" '[.vfs[].pci]' '["0000:04:00.1","0000:04:00.2"]'
run -j -n claim add web --count 1 --driver host --numa 1 --device 8086:10ca
jq_eq "--numa and --device" '[.vfs[].pci]' "[\"$IGB0\"]"
expect_eq "dry runs write no lease" "" "$(leases)"

# --- host claims: leases, list, show, release ----------------------------------------
run -j claim add web --count 2 --driver host --holder-pid $$
expect_rc "claim two VFs on their host driver" 0
jq_eq "the claim" "[.changed,.dry_run,.name,.count,.holder_pid,.holder_alive,.complete,[.vfs[].pci]]" \
	"[true,false,\"web\",2,$$,true,true,[\"$IGB0\",\"$IGB1\"]]"
jq_eq "no mtu asked: mtu and mtu_before null" '[.vfs[] | .mtu, .mtu_before]' '[null,null,null,null]'
expect_eq "the lease is a 0600 file" "600" "$(stat -c %a "$state/claims/web.json" 2>/dev/null)"
expect_eq "the claims directory is 0700" "700" "$(stat -c %a "$state/claims" 2>/dev/null)"
expect_usage_error "a name in use" claim add web --count 1 --driver host
run -j claim add db --count 1 --driver host
jq_eq "the next claim takes the next free VF" '[.vfs[].pci]' '["0000:03:10.4"]'
run -j claim list
jq_eq "list: both, sorted by name" '[.[].name, .[].count]' '["db","web",1,2]'
run claim list
expect_match "list as a table" '^NAME +HOLDER +OWNER +DRIVER +VFS' "$out"
run -j claim show web
jq_eq "show: a host claim has no QEMU arguments" '[.name,.qemu_args,.vfs[0].group_dev]' '["web",null,null]'
run qemu args --claim web
expect_rc "qemu args --claim: its VFs are not on vfio-pci" 3
run qemu args --claim web --no-check
expect_eq "qemu args --claim: the claim's VFs in its order" \
	"-device vfio-pci,host=$IGB0,id=web-0 -device vfio-pci,host=$IGB1,id=web-1" "$out"
run -j -n claim release web
jq_eq "dry-run release keeps the lease" '[.changed,.dry_run,.released]' '[true,true,false]'
expect_eq "the lease is still there" "db.json web.json " "$(leases)"
run -j claim release db
expect_rc "release" 0
jq_eq "released" '[.changed,.released,.name]' '[true,true,"db"]'
expect_eq "the lease is gone" "web.json " "$(leases)"

# --- a damaged lease is never trusted ---------------------------------------------
printf '{"version": 1, "name": "bad", "vfs": [{"pci": "../../etc"}]}\n' >"$state/claims/bad.json"
run -j claim show bad
expect_rc "a damaged lease: show fails" 1
jq_eq "and says so" '.error.message | test("damaged")' 'true'
run -j claim add more --count 1 --driver host
expect_rc "a damaged lease stops new claims: its VFs are unknown" 1
rm "$state/claims/bad.json"

# --- gc: holders that are gone ---------------------------------------------------------
sleep 60 &
holder=$!
run claim add held --count 1 --driver host --holder-pid "$holder"
expect_rc "a claim held by a process" 0
run -j claim gc
jq_eq "gc keeps claims whose holder runs, and those without" '[.changed,.released]' '[false,[]]'
kill "$holder"
wait "$holder" 2>/dev/null
run -j claim gc
jq_eq "gc releases the claim whose holder was killed" '[.changed,.released,.failed]' '[true,["held"],[]]'
expect_eq "its lease is gone, the other stays" "web.json " "$(leases)"
run -j claim gc --all
jq_eq "gc --all releases every claim" '.released' '["web"]'
expect_eq "no lease left" "" "$(leases)"

# --- parallel claims never share a VF --------------------------------------------------
# seven VFs are free on their host driver: 3 igb, 2 NVMe, 2 ixgbe
mkdir -p "$TMP/race"
i=0
while [ $i -lt 16 ]; do
	i=$((i + 1))
	"$SRIOVCTL" -j claim add "r$i" --count 1 --driver host >"$TMP/race/$i.out" 2>&1 &
done
wait
ok=$(cat "$TMP/race"/*.out | jq -s '[.[] | select(.changed == true)] | length')
expect_eq "16 parallel claims of one VF: exactly the 7 free ones succeed" 7 "$ok"
expect_eq "the others failed cleanly, naming what they found" 9 \
	"$(cat "$TMP/race"/*.out | jq -s '[.[] | select(.error.code == 1 and (.error.message | test("1 VF asked, 0 free")))] | length')"
expect_eq "seven leases" 7 "$(ls "$state/claims" | wc -l)"
expect_eq "seven distinct VFs among the leases" 7 \
	"$(cat "$state/claims"/*.json | jq -r '.vfs[].pci' | sort -u | wc -l)"
run -j claim gc --all
jq_eq "and all of them released" '.released | length' '7'
expect_eq "nothing written to sysfs by host claims on a built tree" "$before" "$(tree_sum)"
