# vfio, qemu, doctor, recover and the iommu viability verdict on built
# trees: bad input (exit 2), refusals (exit 3), JSON shapes, dry runs,
# and that nothing is written when nothing should be. Moving drivers for
# real needs a kernel: the unit tests simulate one, tests/vm has one.
root=$TMP/vfio
dev=$TMP/vfio-dev
state=$TMP/vfio-state
cat >"$TMP/vfio.topo" <<'EOF'
module vfio_pci
pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=4 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%d iommu=separate
vf 0000:03:00.0#2 operstate=up
vf 0000:03:00.0#3 driver=vfio-pci override=vfio-pci netdev=none
pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 vfdriver=none autoprobe=0 iommu=shared
dev 0000:00:1f.2 vendor=8086 device=2922 class=010601 driver=ahci iommu=none
EOF
"$FAKESYS" "$TMP/vfio.topo" "$root" >/dev/null || fail "build vfio tree"
mkdir -p "$dev/vfio"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$dev" SRIOVCTL_STATE_DIR="$state"
tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)
VF0=0000:03:10.0 VF1=0000:03:10.2 VF3=0000:03:10.6

# --- bad input ------------------------------------------------------------------
expect_usage_error "bind without devices" vfio bind
expect_usage_error "release without devices" vfio release
expect_usage_error "check without devices" vfio check
expect_usage_error "bind: VF out of range" vfio bind 'enp3s0#9'
expect_usage_error "bind: no such device" vfio bind 0000:09:00.0
expect_usage_error "bind: not a device" vfio bind no-such-nic0
expect_usage_error "bind: unknown option" vfio bind 'enp3s0#0' --frobnicate
expect_usage_error "bind: --owner without value" vfio bind 'enp3s0#0' --owner
expect_usage_error "bind: unknown owner" vfio bind 'enp3s0#0' --owner no-such-user-zz
expect_usage_error "bind: owner with empty group" vfio bind 'enp3s0#0' --owner root:
expect_usage_error "bind: bad timeout" vfio bind 'enp3s0#0' --timeout soon
expect_usage_error "check: bad memory" vfio check 'enp3s0#3' --memory lots
expect_usage_error "qemu args without devices" qemu args
expect_usage_error "qemu: bad rombar" qemu args 'enp3s0#3' --rombar 2
expect_usage_error "qemu: bad format" qemu args 'enp3s0#3' --format xml
expect_usage_error "qemu: bad id prefix" qemu args 'enp3s0#3' --id-prefix 0dev
expect_usage_error "qemu: bad bus" qemu args 'enp3s0#3' --bus 'pcie.0,addr=1'
expect_usage_error "qemu: libvirt with root ports" qemu args 'enp3s0#3' --format libvirt --root-ports
expect_usage_error "qemu: netdevsim-style spec" qemu args 'enp3s0#'
expect_usage_error "doctor: stray argument" doctor now
expect_usage_error "doctor: bad memory" doctor --memory 0
expect_usage_error "recover: stray argument" recover all
expect_usage_error "unknown vfio verb" vfio unbind 'enp3s0#0'

# --- refusals -------------------------------------------------------------------
run vfio bind 04:00.1
expect_rc "shared group refused" 3
expect_match "names the member on a host driver" '0000:04:00.0 on nvme' "$err"
expect_match "never unbinds it" 'sriovctl never does' "$err"
expect_match "report on stdout: the refusal is a failure" '^  0000:04:00\.1 +0000:04:00\.0#0 .* failed$' "$out"
run -j vfio bind 04:00.1 04:00.2
expect_rc "both NVMe VFs: still refused (the PF)" 3
jq_eq "JSON: error code and per-device reports, refused (ECANCELED)" '[.error.code,.changed,[.devices[] | [.status,.errno]]]' '[3,false,[["failed",125],["failed",125]]]'
run vfio bind 0000:00:01.0
expect_rc "a bridge is refused" 3
expect_match "says why" 'is a bridge' "$err"
run --force vfio bind 0000:00:01.0
expect_rc "even with --force" 3
run vfio bind 'enp3s0#2'
expect_rc "an interface that is up is refused" 3
expect_match "says why" 'enp3s0v2 is up.*--force' "$err"
run -n --force vfio bind 'enp3s0#2'
expect_rc "--force passes that check" 0
ln -s ../br0 "$root/class/net/enp3s0v1/master"
run vfio bind "$VF1"
expect_rc "a bridge member is refused" 3
expect_match "says why" 'enp3s0v1 is enslaved to br0' "$err"
rm "$root/class/net/enp3s0v1/master"
run vfio bind 03:00.0
expect_rc "a PF's address names its VFs: VF 2 is up" 3
run qemu args 'enp3s0#0'
expect_rc "qemu args: VF not on vfio-pci refused" 3
expect_match "says why" 'is on igbvf, not vfio-pci: bind it first' "$err"
run qemu args 04:00.1 --no-check
expect_rc "--no-check emits anyway" 0
run qemu args 'enp3s0#3' --iommufd --qemu-version 9.2
expect_rc "--iommufd without kernel iommufd refused" 3
expect_match "says why" 'no iommufd' "$err"
mkdir -p "$state/journal"
printf 'version 1\ndevice %s\nlock 0000:03:00.0\nvf 1\nstate binding\ndriver igbvf\noverride -\n' "$VF1" >"$state/journal/$VF1.vfio"
run vfio bind "$VF1"
expect_rc "an interrupted bind in the journal blocks a new one" 3
expect_match "says what to do" 'sriovctl recover' "$err"
run -j -n recover
expect_rc "recover dry run" 0
jq_eq "recover plans the restore" '[.dry_run,.entries[0].state,.entries[0].action,.entries[0].status]' '[true,"binding","restore","ok"]'
jq_eq "the VF is as journaled: no change" '.changed' 'false'
expect_eq "the entry stays after a dry run" yes "$([ -f "$state/journal/$VF1.vfio" ] && echo yes)"
printf 'version 1\ndevice %s\nstate binding\ndriver ../x\n' "$VF1" >"$state/journal/$VF1.vfio"
run -j recover
expect_rc "a damaged journal entry fails recover" 1
jq_eq "and is named" '[.entries[0].state,(.entries[0].error|test("damaged"))]' '["damaged",true]'
jq_eq "a failed entry, and the report carries the error" '[.entries[0].status,.error.code]' '["failed",1]'
rm -r "$state/journal"
run -j recover
expect_rc "empty journal" 0
jq_eq "nothing to recover" '[.changed,.entries]' '[false,[]]'

# --- dry runs and reports --------------------------------------------------------
run -j -n vfio bind 'enp3s0#0-1' "$VF3"
expect_rc "dry-run bind" 0
jq_eq "dry run: what would change" '[.changed,.dry_run,[.devices[].status]]' '[true,true,["changed","changed","ok"]]'
jq_eq "device object keys" '.devices[0] | keys' \
	'["changed","driver","driver_before","errno","error","group_dev","iommu_group","pci","pf","reset","rolled_back","settings_failed","settings_restored","status","variant_driver","vf"]'
jq_eq "device fields" '.devices[0] | [.pci,.pf,.vf,.driver_before,.driver]' "[\"$VF0\",\"0000:03:00.0\",0,\"igbvf\",\"vfio-pci\"]"
run -n vfio bind 'enp3s0#0'
expect_match "text: planned table" '^  PCI +VF +GROUP +BEFORE +AFTER +STATUS' "$out"
run -j -n vfio release 'enp3s0#3' 'enp3s0#0'
expect_rc "dry-run release" 0
jq_eq "release plan" '[.changed,[.devices[].status],.devices[0].driver]' '[true,["changed","ok"],null]'
jq_eq "release: settings need the running kernel, none on a built tree" '[.devices[].settings_restored,.devices[].settings_failed,.devices[].reset]' '[[],[],[],[],false,false]'
run -j -n vfio bind 'enp3s0#0'
jq_eq "bind: no settings given back (null)" '[.devices[0].settings_restored,.devices[0].settings_failed]' '[null,null]'
run -j -n vfio release 'enp3s0#3' --keep-settings --reset
expect_rc "release --keep-settings --reset: a dry run" 0
jq_eq "plans the move alone" '[.changed,.devices[0].status,.devices[0].reset]' '[true,"changed",false]'
expect_usage_error "release: unknown option" vfio release 'enp3s0#3' --keep
expect_usage_error "bind takes no --reset" vfio bind 'enp3s0#0' --reset
expect_eq "nothing written by refusals and dry runs" "$before" "$(tree_sum)"
expect_eq "no journal entry left" "" "$(ls "$state/journal" 2>/dev/null)"

# --- qemu args -----------------------------------------------------------------
run qemu args 'enp3s0#3'
expect_rc "qemu args on a VF on vfio-pci" 0
expect_eq "shell format" "-device vfio-pci,host=$VF3,id=hostdev0" "$out"
run qemu args "$VF3" --root-ports --id-prefix net --bus pcie.0 --rombar 0 --format args
expect_eq "one argument a line" "-device
pcie-root-port,id=netrp0,chassis=64,slot=0,bus=pcie.0,addr=0x8.0x0
-device
vfio-pci,host=$VF3,id=net0,bus=netrp0,rombar=0" "$out"
run qemu args "$VF3" --format json
jq_eq "--format json: the object of -j" '[.format,.args,.command_line,.libvirt_xml]' \
	"[\"args\",[\"-device\",\"vfio-pci,host=$VF3,id=hostdev0\"],\"-device vfio-pci,host=$VF3,id=hostdev0\",null]"
run -j qemu args "$VF3"
jq_eq "-j: the same object" '[.format,(.args | length)]' '["args",2]'
run -j qemu args "$VF3" --format shell
jq_eq "-j --format shell: the same members" '[.format,(.args | length),.command_line]' \
	"[\"shell\",2,\"-device vfio-pci,host=$VF3,id=hostdev0\"]"
run qemu args "$VF3" --format libvirt
expect_match "libvirt hostdev" "^<hostdev mode='subsystem' type='pci' managed='no'>" "$out"
expect_match "source address" "<address domain='0x0000' bus='0x03' slot='0x10' function='0x6'/>" "$out"
run -j qemu args "$VF3" --format libvirt
jq_eq "libvirt in JSON: the same members" '[.format,.args,.command_line,(.libvirt_xml | test("^<hostdev"))]' '["libvirt",null,null,true]'
run qemu args "$VF3" --iommufd --qemu-version 9.0 --no-check
expect_eq "iommufd object" "-object iommufd,id=hostdeviommufd -device vfio-pci,host=$VF3,id=hostdev0,iommufd=hostdeviommufd" "$out"
run -j qemu args 'enp3s0#0'
jq_eq "refusal in JSON" '.error.code' '3'

# --- vfio check on a tree without VFIO --------------------------------------------
run -j vfio check "$VF3" --memory 1G --user root
expect_rc "check without /dev/vfio/vfio fails" 1
jq_eq "where and why" '[.ok,.devices[0].ok,.devices[0].failed_step,.devices[0].iommu_group]' '[false,false,"open container",4]'
jq_eq "the check's report carries the error" '[.error.code,(.error.message|test("open container"))]' '[1,true]'
jq_eq "preflight object" '.devices[0].preflight | keys' '["container_access","group_access","group_dev_gid","group_dev_mode","group_dev_uid","noiommu","user"]'
jq_eq "memlock object" '.memlock | keys' '["cap_ipc_lock","guest_memory","limit","need","ok"]'
jq_eq "memlock need: RAM + 1 GiB" '.memlock.need' '2147483648'
run vfio check 00:1f.2
expect_rc "a device in no group is refused" 3
run vfio check 'enp3s0#0'
expect_rc "a VF not on vfio-pci is refused" 3
expect_match "says why" 'is on igbvf, not vfio-pci' "$err"

# --- iommu viability ----------------------------------------------------------------
run -j iommu show 04:00.1
jq_eq "shared group not viable, blocker named" '[.viable,.blockers]' '[false,[{"pci":"0000:04:00.0","driver":"nvme"}]]'
jq_eq "members carry the verdict" '[.devices[].viable]' '[false,true,true]'
run -j iommu show "$VF3"
jq_eq "a VF on vfio-pci alone: viable" '[.viable,.blockers]' '[true,[]]'
run iommu list
expect_match "list: VIABLE column" '^GROUP +TYPE +DEVICES +VIABLE +MEMBERS' "$out"
run iommu show 04:00.1
expect_match "show: the reason" '^viable: +no: on host drivers: 0000:04:00\.0 \(nvme\)' "$out"

# --- doctor ----------------------------------------------------------------------------
run -j doctor
expect_rc "doctor on the built host" 0
jq_eq "doctor JSON" '[.ready,(.findings|length > 5),(.findings[0]|keys)]' '[true,true,["check","fix","message","status","subject"]]'
jq_eq "the shared NVMe group is a warning" '[.findings[] | select(.subject == "0000:04:00.0" and .check == "vf-groups") | .status]' '["warn"]'
run doctor --memory 4G
expect_match "text findings" '^ok +iommu ' "$out"
offroot=$TMP/vfio-off
"$FAKESYS" --preset iommu-off "$offroot" >/dev/null
run -j --sysfs-root "$offroot" doctor
expect_rc "no IOMMU: not ready" 1
jq_eq "with the fix" '.findings[] | select(.check == "iommu") | [.status,(.fix|test("intel_iommu=on"))]' '["failed",true]'
jq_eq "not ready: the report carries the error" '[.ready,.error.code,(.error.message|test("not ready"))]' '[false,1,true]'
expect_eq "still nothing written" "$before" "$(tree_sum)"

# --- vfio-pci not loaded on a tree: fails before touching anything ------------------
root2=$TMP/vfio-nomod
grep -v '^module\|#3' "$TMP/vfio.topo" | "$FAKESYS" - "$root2" >/dev/null
sum2=$(find "$root2" -type f -exec cat {} + | cksum)
run --sysfs-root "$root2" vfio bind 'enp3s0#0'
expect_rc "vfio-pci missing" 1
expect_match "says so" 'vfio-pci driver is not loaded.*running kernel' "$err"
expect_eq "nothing written" "$sum2" "$(find "$root2" -type f -exec cat {} + | cksum)"
expect_eq "no journal" "" "$(ls "$state/journal" 2>/dev/null)"
