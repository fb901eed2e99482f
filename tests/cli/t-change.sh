# pf set / pf disable / vf set on a built host: what is refused, what is
# validated, and that nothing is touched when it should not be.
root=$TMP/change
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build host tree"
export SRIOVCTL_SYSFS_ROOT=$root SRIOVCTL_STATE_DIR=$TMP/state

tree_sum() { find "$root" -type f -exec cat {} + 2>/dev/null | cksum; }
before=$(tree_sum)

expect_usage_error "num-vfs above total" pf set enp3s0 num-vfs 9
expect_match "above total: says the limit" 'at most 8' "$(run pf set enp3s0 num-vfs 9; echo "$err")"
expect_usage_error "num-vfs not a number" pf set enp3s0 num-vfs abc
expect_usage_error "negative num-vfs" pf set enp3s0 num-vfs -1
expect_usage_error "bad autoprobe" pf set enp3s0 num-vfs 3 autoprobe maybe
expect_usage_error "unknown PF setting" pf set enp3s0 num-vfz 3
expect_usage_error "pf set without num-vfs" pf set enp3s0 autoprobe off
expect_usage_error "bad timeout" pf set enp3s0 num-vfs 3 --timeout soon
expect_usage_error "pf set on a non-PF" pf set 00:1f.2 num-vfs 1

run pf set enp3s0 num-vfs 5
expect_rc "N->M refused without --force" 3
expect_match "N->M refusal explains" 'destroys all of them' "$err"
run -j pf set enp3s0 num-vfs 5
jq_eq "N->M refusal as JSON" '.error.code' '3'

run -j pf set enp3s0 num-vfs 3
expect_rc "same count succeeds" 0
jq_eq "same count: changed false, VFs reported" '[.changed,.num_vfs,(.vfs|length)]' '[false,3,3]'
run -j -n pf set 0000:05:00.0 num-vfs 4 autoprobe off
expect_rc "dry run exits 0" 0
jq_eq "dry run: what would change" '[.changed,.dry_run,.num_vfs_before,.num_vfs,.drivers_autoprobe]' '[true,true,0,4,false]'
run -n pf disable enp3s0
expect_rc "dry-run disable" 0
expect_eq "nothing written by refusals, validation and dry runs" "$before" "$(tree_sum)"
[ ! -e "$TMP/state" ] || [ "$(stat -c %a "$TMP/state")" = 700 ] && pass "state dir mode 0700" ||
	fail "state dir mode 0700" "got $(stat -c %a "$TMP/state")"

# a VF in a bridge keeps its PF from being disabled, even with --force
ln -s ../br0 "$root/class/net/enp3s0v1/master"
run pf disable enp3s0
expect_rc "disable refused while a VF is enslaved" 3
expect_match "refusal names the VF and the bridge" 'enp3s0v1 is enslaved to br0' "$err"
run --force pf set enp3s0 num-vfs 6
expect_rc "resize refused even with --force while in use" 3
rm "$root/class/net/enp3s0v1/master"

expect_usage_error "VLAN out of range" vf set 'enp3s0#0' vlan 5000
expect_match "VLAN range named" '0 to 4095' "$(run vf set 'enp3s0#0' vlan 5000; echo "$err")"
expect_usage_error "QoS out of range" vf set 'enp3s0#0' vlan 10 qos 8
expect_usage_error "proto without vlan" vf set 'enp3s0#0' proto 802.1ad
expect_usage_error "unknown proto" vf set 'enp3s0#0' vlan 10 proto 802.1x
expect_usage_error "multicast MAC" vf set 'enp3s0#0' mac 01:00:5e:00:00:01
expect_usage_error "malformed MAC" vf set 'enp3s0#0' mac 02:00:00:00:00
expect_usage_error "min above max" vf set 'enp3s0#0' min-tx-rate 200 max-tx-rate 100
expect_usage_error "bad on/off" vf set 'enp3s0#0' trust yes
expect_usage_error "one MAC for a range of VFs" vf set 'enp3s0#0-1' mac 02:00:00:00:01:00
expect_match "says how to count up" 'mac 02:00:00:00:01:00\+' "$(run vf set 'enp3s0#0-1' mac 02:00:00:00:01:00; echo "$err")"
expect_usage_error "one MAC for every VF of a PF" vf set enp3s0 mac 02:00:00:00:01:00
expect_usage_error "a counted MAC range that would wrap" vf set 'enp3s0#0-1' mac 02:00:00:ff:ff:ff+
expect_usage_error "a counted MAC that is multicast" vf set 'enp3s0#0-1' mac 03:00:00:00:00:01+
expect_usage_error "a MAC list is for claims only" vf set 'enp3s0#0-1' mac 02:00:00:00:01:00,02:00:00:00:01:01
expect_usage_error "one node GUID for a range" vf set 'enp3s0#0-1' node-guid 00:11:22:33:44:55:66:77
expect_usage_error "bad link state" vf set 'enp3s0#0' state up
expect_usage_error "bad GUID" vf set 'enp3s0#0' node-guid 00:11
expect_usage_error "setting twice" vf set 'enp3s0#0' trust on trust off
expect_usage_error "no setting" vf set 'enp3s0#0'
expect_usage_error "setting without value" vf set 'enp3s0#0' mac
expect_usage_error "VF beyond num_vfs" vf set 'enp3s0#3' trust on
expect_usage_error "unknown setting" vf set 'enp3s0#0' colour blue
expect_usage_error "VF settings on a PF without netdev" vf set '04:00.0#0' trust on
# netlink speaks for the running kernel, not for a built tree
run vf set 'enp3s0#0' trust on
expect_rc "vf set on a built tree is refused as input" 2
expect_match "and says why" 'running kernel' "$err"
run -j vf list enp3s0
jq_eq "vf list on a built tree: settings are null" '[.[0] | .mac, .vlan, .spoofchk, .trust, .link_state]' '[null,null,null,null,null]'
expect_eq "nothing written by vf set validation" "$before" "$(tree_sum)"

# the reports of writes that fail or VFs that never come
if command -v runuser >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	chmod -R a+rX "$root"
	chmod a+x "$TMP"
	mkdir -p "$TMP/nobody" && chmod 777 "$TMP/nobody"
	# a copy nobody can run: the checkout may sit under root's own 0700 home
	mkdir -p "$TMP/nobody/bin"
	cp "$SRIOVCTL" "$(dirname "$SRIOVCTL")"/libsriov.so.0 "$TMP/nobody/bin/"
	chmod -R a+rX "$TMP/nobody/bin"
	out=$(runuser -u nobody -- env SRIOVCTL_SYSFS_ROOT="$root" \
		"$TMP/nobody/bin/sriovctl" -j --state-dir "$TMP/nobody/state" pf set 05:00.0 num-vfs 2 2>/dev/null)
	jq_eq "a write refused by the kernel: changed false, with the error" \
		'[.changed, .num_vfs, (.error.message | test("Permission denied"))]' '[false,0,true]'
fi
run -j pf set 05:00.0 num-vfs 2 --timeout 1
expect_rc "VFs that never appear: exit 1" 1
jq_eq "no udev on a built tree: says sysfs was checked, and how many came" \
	'.error.message | test("0 of 2 VFs ready after 1000 ms \\(no udev events to wait for: sysfs was checked instead\\)")' 'true'
jq_eq "the count was written: changed true" '[.changed, .timed_out]' '[true,true]'

# progress: one redrawn line on a terminal's stderr, never elsewhere
"$SRIOVCTL" pf set 05:00.0 num-vfs 0 >/dev/null 2>&1
if command -v script >/dev/null 2>&1; then
	tty_out=$(script -qec "\"$SRIOVCTL\" pf set 05:00.0 num-vfs 2 --timeout 1" /dev/null)
	expect_match "progress on a terminal: count and the VF waited for" \
		'sriovctl: creating VFs 0/2, VF 0: no virtfn link' "$tty_out"
	expect_match "progress is wiped before the error" \
		"$(printf '\r\033\\[K')sriovctl: 0000:05:00.0: 0 of 2 VFs" "$tty_out"
	"$SRIOVCTL" pf set 05:00.0 num-vfs 0 >/dev/null 2>&1
	tty_out=$(script -qec "\"$SRIOVCTL\" -j pf set 05:00.0 num-vfs 2 --timeout 1" /dev/null)
	case $tty_out in *"creating VFs"*) fail "no progress with -j, even on a terminal" "$tty_out" ;;
	*) pass "no progress with -j, even on a terminal" ;; esac
	"$SRIOVCTL" pf set 05:00.0 num-vfs 0 >/dev/null 2>&1
fi
run pf set 05:00.0 num-vfs 2 --timeout 1
case $err in *"creating VFs"*) fail "no progress when stderr is not a terminal" "$err" ;;
*) pass "no progress when stderr is not a terminal" ;; esac

# ip link's spellings of the settings are synonyms of sriovctl's words
run -j -n vf set 'enp3s0#0' max-tx-rate 100 min-tx-rate 10
want=$err
for syn in "max_tx_rate 100 min_tx_rate 10" "max_tx_rate 100 min-tx-rate 10"; do
	# shellcheck disable=SC2086 # words on purpose
	run -j -n vf set 'enp3s0#0' $syn
	expect_eq "ip spelling \"$syn\" reads as max-tx-rate/min-tx-rate" "$want" "$err"
done
for syn in "query_rss on" "node_guid 00:11:22:33:44:55:66:77" "port_guid 00:11:22:33:44:55:66:77" "link_state auto"; do
	# shellcheck disable=SC2086
	run vf set 'enp3s0#0' $syn
	case $err in *"unknown VF setting"*) fail "ip spelling \"$syn\" is known" "$err" ;;
	*) pass "ip spelling \"$syn\" is known" ;; esac
done
expect_usage_error "a word and its synonym count as one setting twice" vf set 'enp3s0#0' max-tx-rate 10 max_tx_rate 20

# a device without SR-IOV has nothing to disable
run pf disable 00:1f.2
expect_rc "pf disable of a device without SR-IOV is a no-op" 0
expect_match "and says so" 'no SR-IOV, no VFs to remove' "$err"
run -j pf disable 00:1f.2
jq_eq "pf disable without SR-IOV: changed false, no VFs" '[.changed,.num_vfs,(.vfs|length)]' '[false,0,0]'
run pf show 00:1f.2
expect_eq "pf show of a device without SR-IOV keeps its reason" \
	'sriovctl: 0000:00:1f.2 is not an SR-IOV physical function' "$err"
