# pf, vf and iommu read-only commands on a built host.
root=$TMP/host
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build host tree"
export SRIOVCTL_SYSFS_ROOT=$root

run -j pf list
expect_rc "pf list -j exits 0" 0
jq_eq "pf list: every PF, in address order" '[.[].pci]' \
	'["0000:03:00.0","0000:04:00.0","0000:05:00.0","0001:81:00.0"]'
jq_eq "pf list: igb PF fields" \
	'.[0] | [.netdev,.driver,.vendor_id,.device_id,.numa_node,.total_vfs,.num_vfs,.drivers_autoprobe,.vf_device_id,.vf_offset,.vf_stride]' \
	'["enp3s0","igb","8086","10c9",1,8,3,true,"10ca",128,2]'
jq_eq "pf list: keys DESIGN.md names" \
	'.[0] | [has("pci","netdev","driver","vendor_id","device_id","numa_node","total_vfs","num_vfs","drivers_autoprobe","vf_device_id","vf_offset","vf_stride")] | all' 'true'
jq_eq "pf list: PF without driver" '.[2] | [.driver,.netdev,.num_vfs]' '[null,null,0]'
jq_eq "pf list: old kernel values from config space" \
	'.[3] | [.drivers_autoprobe,.vf_device_id,.vf_offset,.iommu_group,.numa_node]' \
	'[null,"10ed",128,null,null]'
jq_eq "pf list: SR-IOV capability decoded" \
	'.[0].sriov_cap | [.total_vfs,.initial_vfs,.num_vfs,.vf_offset,.vf_stride,.vf_device_id,.vf_enable]' \
	'[8,8,3,128,2,"10ca",true]'

run pf list
expect_rc "pf list exits 0" 0
expect_match "pf list: table header" '^PCI +NETDEV +DRIVER +ID +NUMA +IOMMU +MTU +VFS +AUTOPROBE +ESWITCH +DEVICE' "$out"
expect_match "pf list: igb row" '^0000:03:00\.0 +enp3s0 +igb +8086:10c9 +1 +[0-9]+ +1500 +3/8 +on ' "$out"
expect_match "pf list: unbound PF row" '^0000:05:00\.0 +- +- +15b3:1017 ' "$out"

run -j pf show enp3s0
expect_rc "pf show by netdev" 0
jq_eq "pf show: its VFs" '[.vfs[] | [.vf,.pci,.netdev,.driver]]' \
	'[[0,"0000:03:10.0","enp3s0v0","igbvf"],[1,"0000:03:10.2","enp3s0v1","igbvf"],[2,"0000:03:10.4","enp3s0v2","igbvf"]]'
jq_eq "pf show: vendor name from pci.ids" '.vendor | test("Intel")' 'true'
run -j pf show 03:00.0
jq_eq "pf show by short address" '.pci' '"0000:03:00.0"'
run pf show enp3s0
expect_match "pf show text: detail lines" '^total VFs: +8$' "$out"
expect_match "pf show text: VF table" '^  PF +VF +PCI +NETDEV +DRIVER +IOMMU' "$out"

run -j vf list
expect_rc "vf list exits 0" 0
jq_eq "vf list: all VFs of all PFs" 'length' '7'
jq_eq "vf list: keys" '.[0] | [has("pf","vf","pci","netdev","driver","iommu_group")] | all' 'true'
run -j vf list 0000:04:00.0
jq_eq "vf list PF: NVMe VFs unbound, in the PF's group" \
	'[.[] | [.vf,.driver,.netdev]]' '[[0,null,null],[1,null,null]]'
run -j vf show 'enp3s0#1'
jq_eq "vf show PF#N" '[.pci,.pf,.vf]' '["0000:03:10.2","0000:03:00.0",1]'
run -j vf show 0000:03:10.4
jq_eq "vf show by VF address" '[.pf,.vf]' '["0000:03:00.0",2]'
run -j vf show 'enp3s0#0-1'
jq_eq "vf show range" '[.[].vf]' '[0,1]'

run -j iommu show 04:00.0
expect_rc "iommu show by member" 0
jq_eq "iommu show: shared group members" '[.devices[].pci]' \
	'["0000:04:00.0","0000:04:00.1","0000:04:00.2"]'
run -j iommu list
jq_eq "iommu list: groups sorted by number" '[.[].group] == ([.[].group] | sort)' 'true'
run iommu show 'enp3s0#0'
expect_match "iommu show text" '^group: +[0-9]+$' "$out"

# bad input: one clear line, exit 2, nothing else
expect_usage_error "unknown object" frob list
expect_usage_error "unknown verb" pf frob
expect_usage_error "prefix is not a verb" pf lis
expect_usage_error "missing argument" pf show
expect_usage_error "extra argument" pf list extra
expect_usage_error "malformed PCI address" pf show 0000:03:00.9
expect_usage_error "path in a name" pf show ../../etc
expect_usage_error "non-existent PCI address" pf show 0000:09:00.0
expect_usage_error "device that is no PF" pf show 00:1f.2
expect_usage_error "VF netdev as PF" pf show enp3s0v0
expect_usage_error "VF beyond num_vfs" vf show 'enp3s0#3'
expect_usage_error "bad range" vf show 'enp3s0#2-1'
expect_usage_error "unknown netdev" vf list nosuch0
expect_usage_error "no such IOMMU group" iommu show 4242
expect_usage_error "missing sysfs root" --sysfs-root "$TMP/nonexistent" pf list
expect_usage_error "sysfs root that is no sysfs" --sysfs-root "$TMP" pf list
run --bogus pf list
expect_rc "unknown option" 2

# help at every level comes from the same tables
run help
expect_match "help lists objects" '^  iommu ' "$out"
run pf help
expect_match "pf help lists verbs" 'pf show PF' "$out"
run --version
expect_match "version" '^sriovctl [0-9]+\.[0-9]+\.[0-9]+$' "$out"

# a PF that is not a PCI function: netdevsim, laid out as the kernel does
ns=$root/devices/netdevsim1
mkdir -p "$ns/net/eni1np1" "$root/bus/netdevsim/devices" "$root/bus/netdevsim/drivers/netdevsim"
echo 4 > "$ns/sriov_numvfs"
echo 9 > "$ns/net/eni1np1/ifindex"
ln -s ../../../devices/netdevsim1 "$root/bus/netdevsim/devices/netdevsim1"
ln -s ../../bus/netdevsim "$ns/subsystem"
ln -s ../../bus/netdevsim/drivers/netdevsim "$ns/driver"
ln -s ../../devices/netdevsim1/net/eni1np1 "$root/class/net/eni1np1"
ln -s ../../../netdevsim1 "$ns/net/eni1np1/device"
run -j pf show eni1np1
expect_rc "netdevsim PF by netdev" 0
jq_eq "netdevsim PF: no PCI identity, VFs by index" \
	'[.pci,.bus,.device_name,.netdev,.driver,.num_vfs,.vendor_id,[.vfs[].vf]]' \
	'[null,"netdevsim","netdevsim1","eni1np1","netdevsim",4,null,[0,1,2,3]]'
run -j pf list
jq_eq "pf list includes the netdevsim PF" '[.[] | select(.bus == "netdevsim") | .netdev]' '["eni1np1"]'
run -j vf show 'eni1np1#3'
jq_eq "netdevsim VF" '[.pf,.vf,.pci,.vendor_id]' '["netdevsim1",3,null,null]'
expect_usage_error "netdevsim VF beyond num_vfs" vf show 'eni1np1#4'

run -j iommu show enp3s0v1
jq_eq "iommu show by a VF's interface" '[.devices[].pci]' '["0000:03:10.2"]'
run -j vf show 'enp3s0#0-0'
jq_eq "vf show of a range is a list, even of one" 'type' '"array"'
run -j vf show 'enp3s0#0'
jq_eq "vf show of one VF is an object" 'type' '"object"'
run -j pf show enp3s0
jq_eq "capability offset is a number" '.sriov_cap.offset | type' '"number"'
expect_usage_error "vf set on a PF without VFs" vf set 05:00.0 trust on
