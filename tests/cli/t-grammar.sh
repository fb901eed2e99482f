# The command line as people type it: help at every level, global options
# after the object, a bare object lists, typos get a suggestion.
root=$TMP/grammar
"$FAKESYS" "$CLI_DIR/host.topo" "$root" >/dev/null || fail "build host tree"
export SRIOVCTL_SYSFS_ROOT=$root

for obj in pf vf iommu vfio qemu; do
	run "$obj" --help
	expect_rc "$obj --help exits 0" 0
	expect_match "$obj --help shows the object's verbs" "^sriovctl $obj - " "$out"
	run "$obj" show -h
	expect_rc "$obj show -h is help, not an argument" 0
done
for cmd in doctor recover apply restore; do
	run "$cmd" --help
	expect_rc "$cmd --help exits 0" 0
	expect_match "$cmd --help prints its usage" "^Usage: sriovctl .*$cmd" "$out"
done
run pf show --help
expect_eq "pf show --help: nothing on stderr" "" "$err"

run -j pf list
want=$out
run pf list -j
expect_rc "pf list -j exits 0" 0
expect_eq "pf list -j equals -j pf list" "$want" "$out"
run pf list --json --sysfs-root "$root"
expect_eq "long global options after the verb" "$want" "$out"
run pf list --sysfs-root="$root" -jp
jq_eq "--opt=value and bundled -jp after the verb" '[.[].pci] | length' '4'
run pf list --sysfs-root
expect_rc "a global option after the verb still needs its value" 2

run vf
expect_rc "bare vf lists" 0
run vf list
expect_eq "sriovctl vf = sriovctl vf list" "$out" "$("$SRIOVCTL" vf 2>/dev/null)"
run -j pf
jq_eq "bare pf lists (JSON)" 'length' '4'
run vfio
expect_rc "an object without a list verb still needs one" 2

run pf lst
expect_rc "typo of a verb exits 2" 2
expect_eq "typo of a verb: one suggestion" 'sriovctl: unknown verb "pf lst"; did you mean "list"?' "$err"
run pff list
expect_eq "typo of an object: one suggestion" 'sriovctl: unknown object "pff"; did you mean "pf"?' "$err"
run pf frobnicate
expect_eq "no close word: a pointer to help" 'sriovctl: unknown verb "pf frobnicate"; try "sriovctl pf help"' "$err"
run --bogus pf list
expect_rc "unknown global option exits 2" 2
expect_eq "unknown option: named, prefixed with sriovctl" \
	'sriovctl: unknown option "--bogus"; try "sriovctl help"' "$err"
run pf list extra
expect_eq "usage line has no trailing space" 'sriovctl: usage: sriovctl pf list' "$err"
run pf show 0000:03:10.0
expect_rc "pf show of a VF exits 2" 2
expect_match "pf show of a VF points to vf show" 'sriovctl vf show 0000:03:10.0' "$err"
