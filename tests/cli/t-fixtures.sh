# The fake sysfs trees are only worth testing against if the real tools
# read them as the kernel's: lspci must see every device, driver and
# SR-IOV capability as the topology describes it.
if out=$(tests/fixtures/check-lspci.sh "$FAKESYS" 2>&1); then
	pass "lspci reads every preset as described"
else
	fail "lspci reads every preset as described" "$out"
fi
if tests/fixtures/gen-presets.sh --check >/dev/null 2>&1; then
	pass "embedded presets match topologies/*.topo"
else
	fail "embedded presets match topologies/*.topo" "run tests/fixtures/gen-presets.sh"
fi
