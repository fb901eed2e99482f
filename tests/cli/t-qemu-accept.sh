# qemu args as its consumers take it: Debian 12's QEMU 7.2 parses 40 root
# ports packed eight to a slot and two runs for one VM, and fails only at
# the host devices this tree does not have; the iommufd version check
# (--qemu, --qemu-version); libvirt's schema accepts the XML.
root=$TMP/accept
cat >"$TMP/accept.topo" <<'EOF'
module vfio_pci
pf 0000:81:00.0 vendor=8086 device=10fb class=020000 driver=ixgbe netdev=ens1f0 total=63 numvfs=40 offset=128 stride=2 vfdevice=10ed vfdriver=vfio-pci iommu=separate
EOF
"$FAKESYS" "$TMP/accept.topo" "$root" >/dev/null || fail "build accept tree"
export SRIOVCTL_SYSFS_ROOT="$root" SRIOVCTL_DEV_ROOT="$TMP/accept-dev" SRIOVCTL_STATE_DIR="$TMP/accept-state"
QEMU=$(command -v qemu-system-x86_64) || fail "qemu-system-x86_64 is not installed (make deps)"
VALIDATE=$(command -v virt-xml-validate) || fail "virt-xml-validate is not installed (make deps)"
qemu_major=$("$QEMU" -version | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p')
expect_eq "the host's QEMU is Debian 12's 7.2" "7" "$qemu_major"

# --- bad input -------------------------------------------------------------------
expect_usage_error "chassis base not a multiple of 8" qemu args 'ens1f0#0' --root-ports --chassis-base 12
expect_usage_error "chassis base 0" qemu args 'ens1f0#0' --root-ports --chassis-base 0
expect_usage_error "chassis base on slot 0" qemu args 'ens1f0#0' --root-ports --chassis-base 4
expect_usage_error "chassis base not a number" qemu args 'ens1f0#0' --root-ports --chassis-base ten
expect_usage_error "chassis base beyond 255" qemu args 'ens1f0#0' --root-ports --chassis-base 256
expect_usage_error "40 ports from 224 reach slot 31" qemu args 'ens1f0#0-39' --root-ports --chassis-base 224
expect_usage_error "chassis base without root ports" qemu args 'ens1f0#0' --chassis-base 64
expect_usage_error "--chassis-base without value" qemu args 'ens1f0#0' --root-ports --chassis-base
expect_usage_error "--iommufd without the QEMU version" qemu args 'ens1f0#0' --iommufd --no-check
expect_usage_error "--qemu-version malformed" qemu args 'ens1f0#0' --qemu-version 9
expect_usage_error "--qemu-version with a word" qemu args 'ens1f0#0' --qemu-version nine.0
expect_usage_error "--qemu-version 0.x" qemu args 'ens1f0#0' --qemu-version 0.15
expect_usage_error "--qemu and --qemu-version" qemu args 'ens1f0#0' --qemu "$QEMU" --qemu-version 9.0
expect_usage_error "--qemu that does not exist" qemu args 'ens1f0#0' --qemu "$TMP/no-such-qemu"
expect_usage_error "--qemu that is no QEMU" qemu args 'ens1f0#0' --qemu /bin/true
run qemu args 'ens1f0#0' --qemu /bin/true
expect_match "says why" 'does not say "QEMU emulator version X.Y.Z"' "$err"

# --- iommufd: only for a QEMU that has it (9.0 and later) ----------------------
run qemu args 'ens1f0#0' --iommufd --qemu "$QEMU" --no-check
expect_rc "--iommufd for QEMU 7.2: refused as bad input" 2
expect_match "names the version it found and the one needed" \
	'QEMU 7\.2\.[0-9]+ has no iommufd backend .*came with QEMU 9\.0\.0' "$err"
expect_eq "nothing printed" "" "$out"
run qemu args 'ens1f0#0' --iommufd --qemu-version 8.2 --no-check
expect_rc "--iommufd for QEMU 8.2: refused" 2
run -j qemu args 'ens1f0#0' --iommufd --qemu-version 8.2.1 --no-check
jq_eq "JSON: the error" '[.error.code,(.error.message | test("QEMU 8.2.1 has no iommufd"))]' '[2,true]'
fake_qemu=$TMP/qemu-9.1
printf '#!/bin/sh\n[ "$1" = -version ] && echo "QEMU emulator version 9.1.2 (Debian 1:9.1.2)"\n' >"$fake_qemu"
chmod +x "$fake_qemu"
run qemu args 'ens1f0#0' --iommufd --qemu "$fake_qemu" --no-check
expect_eq "a QEMU that says 9.1.2: iommufd emitted" \
	"-object iommufd,id=hostdeviommufd -device vfio-pci,host=0000:81:10.0,id=hostdev0,iommufd=hostdeviommufd" "$out"
run qemu args 'ens1f0#0' --iommufd --qemu-version 9.0 --no-check
expect_rc "--qemu-version 9.0: accepted" 0

# --- 40 root ports, packed --------------------------------------------------------
run -j qemu args 'ens1f0#0-39' --root-ports
expect_rc "40 devices with root ports" 0
jq_eq "40 ports, then 40 devices" \
	'[(.args | length), ([.args[] | select(startswith("pcie-root-port"))] | length), (.args[1] | test("^pcie-root-port")), (.args[81] | test("^vfio-pci"))]' \
	'[160,40,true,true]'
jq_eq "five slots of eight, function 0 multifunction=on" \
	'[.args[] | select(test("multifunction=on")) | capture("addr=(?<a>[^,]+)").a]' \
	'["0x8.0x0","0x9.0x0","0xa.0x0","0xb.0x0","0xc.0x0"]'
jq_eq "the last port" '.args[79]' '"pcie-root-port,id=hostdevrp39,chassis=103,slot=0,addr=0xc.0x7"'
args=$("$SRIOVCTL" qemu args 'ens1f0#0-39' --root-ports)

# QEMU realises each -device in order and stops at the first failure:
# with every port before the devices, failing at the first device means
# every port was taken.
qemu_parse() {
	qerr=$(timeout 20 "$QEMU" -M q35 -accel tcg -S -display none -nodefaults \
		-monitor none -serial none "$@" 2>&1 </dev/null)
	qrc=$?
}
# shellcheck disable=SC2086
qemu_parse $args
expect_match "QEMU 7.2 takes 40 packed ports, fails at the missing host device" \
	'^qemu-system-x86_64: -device vfio-pci,host=0000:81:10\.0,id=hostdev0,bus=hostdevrp0: .*no such host device' "$qerr"
expect_eq "and nowhere else: no slot, function or chassis message" "" \
	"$(printf '%s\n' "$qerr" | grep -Ei 'slot|chassis|function')"
expect_eq "QEMU exits 1" 1 "$qrc"

# one port per slot, as sriovctl did before: the check can fail
unpacked=$(printf '%s\n' $args | awk '/^pcie-root-port/ { n++; sub(/,addr=[^,]*/, ""); sub(/,multifunction=on/, "") } 1')
# shellcheck disable=SC2086
qemu_parse $unpacked
expect_match "40 unpacked ports: QEMU runs out of slots" 'no slot/function available for pcie-root-port' "$qerr"

# --- two runs for one VM --------------------------------------------------------------
a=$("$SRIOVCTL" qemu args 'ens1f0#0-19' --root-ports --id-prefix vma)
b=$("$SRIOVCTL" qemu args 'ens1f0#20-39' --root-ports --id-prefix vmb --chassis-base 128)
expect_match "the second run starts at its base" 'id=vmbrp0,chassis=128,slot=0,addr=0x10\.0x0,multifunction=on' "$b"
# the arguments of both runs, every port first (the same words, reordered)
ports_first() {
	# shellcheck disable=SC2086
	printf '%s\n' $1 $2 | awk 'NR % 2 { opt = $0; next }
		/^pcie-root-port/ { p = p opt "\n" $0 "\n"; next }
		{ d = d opt "\n" $0 "\n" } END { printf "%s%s", p, d }'
}
# shellcheck disable=SC2046
qemu_parse $(ports_first "$a" "$b")
expect_match "two runs combined: only the missing host device" \
	'^qemu-system-x86_64: -device vfio-pci,host=0000:81:10\.0,id=vma0,bus=vmarp0: .*no such host device' "$qerr"
expect_eq "no slot or chassis collision" "" "$(printf '%s\n' "$qerr" | grep -Ei 'slot|chassis|function')"
b=$("$SRIOVCTL" qemu args 'ens1f0#20-39' --root-ports --id-prefix vmb)
# shellcheck disable=SC2046
qemu_parse $(ports_first "$a" "$b")
expect_match "the same base twice collides: the check can fail" 'slot 8 function 0 not available|chassis' "$qerr"

# --- libvirt's schema ---------------------------------------------------------------
run qemu args 'ens1f0#0-39' --format libvirt
expect_rc "libvirt XML for 40 VFs" 0
{
	printf "<domain type='kvm'>\n  <name>t</name>\n  <memory>131072</memory>\n"
	printf "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n"
	printf '%s\n' "$out"
	printf "  </devices>\n</domain>\n"
} >"$TMP/accept-domain.xml"
expect_eq "virt-xml-validate: the domain with them validates" \
	"$TMP/accept-domain.xml validates" "$("$VALIDATE" "$TMP/accept-domain.xml" domain 2>&1)"
sed 's/<source>/<source><bogus\/>/' "$TMP/accept-domain.xml" >"$TMP/accept-bad.xml"
expect_match "virt-xml-validate rejects a wrong one: the check can fail" \
	'fails to validate' "$("$VALIDATE" "$TMP/accept-bad.xml" domain 2>&1)"
