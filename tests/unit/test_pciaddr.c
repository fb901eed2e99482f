/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static void assert_addr(const char *text, unsigned domain, unsigned bus,
			unsigned slot, unsigned fn, const char *canonical)
{
	struct sriov_pci_addr a;
	char buf[SRIOV_PCI_ADDR_STRLEN];

	assert_int_equal(sriov_pci_addr_parse(text, &a), 0);
	assert_int_equal(a.domain, domain);
	assert_int_equal(a.bus, bus);
	assert_int_equal(a.slot, slot);
	assert_int_equal(a.function, fn);
	sriov_pci_addr_format(&a, buf);
	assert_string_equal(buf, canonical);
}

static void test_good(void **state)
{
	(void)state;
	assert_addr("0000:03:00.0", 0, 3, 0, 0, "0000:03:00.0");
	assert_addr("03:00.1", 0, 3, 0, 1, "0000:03:00.1");
	assert_addr("ffff:ff:1f.7", 0xffff, 0xff, 0x1f, 7, "ffff:ff:1f.7");
	assert_addr("0001:5E:0A.3", 1, 0x5e, 0x0a, 3, "0001:5e:0a.3");
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "0", "03:00", "03:00.", "3:00.0", "003:00.0",
		"0000:03:00.0 ", " 0000:03:00.0", "0000:03:00.8",
		"0000:03:20.0", "0000:03:00.0x", "00000:03:00.0",
		"0000:03:00:0", "0000.03:00.0", "0000:g3:00.0",
		"../03:00.0", "0000:03/00.0", "0000:03:00.0/..",
		"..", "/", "0000:03:00.-1", "+000:03:00.0", "enp3s0",
		"0000:03:00.0\n", "0000:03:00.00", "0000:3:00.0",
	};
	struct sriov_pci_addr a = { .domain = 7 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(sriov_pci_addr_parse(bad[i], &a), -EINVAL);
		/* outputs stay untouched on failure */
		assert_int_equal(a.domain, 7);
	}
	assert_int_equal(sriov_pci_addr_parse(NULL, &a), -EINVAL);
}

static void test_cmp(void **state)
{
	struct sriov_pci_addr a, b;

	(void)state;
	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &a), 0);
	assert_int_equal(sriov_pci_addr_parse("0000:03:10.0", &b), 0);
	assert_true(sriov_pci_addr_cmp(&a, &b) < 0);
	assert_true(sriov_pci_addr_cmp(&b, &a) > 0);
	assert_int_equal(sriov_pci_addr_cmp(&a, &a), 0);
	assert_int_equal(sriov_pci_addr_parse("0001:00:00.0", &b), 0);
	assert_true(sriov_pci_addr_cmp(&a, &b) < 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(sriov_name_valid("virtfn0"));
	assert_false(sriov_name_valid(""));
	assert_false(sriov_name_valid("."));
	assert_false(sriov_name_valid(".."));
	assert_false(sriov_name_valid("a/b"));
	assert_true(sriov_ifname_valid("enp3s0f0v12"));
	assert_false(sriov_ifname_valid("a234567890123456"));
	assert_false(sriov_ifname_valid("eth 0"));
	assert_false(sriov_ifname_valid("eth:0"));
	assert_false(sriov_ifname_valid("../x"));
}

static void test_parse_uint(void **state)
{
	unsigned long v = 42;

	(void)state;
	assert_int_equal(sriov_parse_uint("17", 10, 100, &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(sriov_parse_uint("0x10ca", 16, 0xffff, &v), 0);
	assert_int_equal(v, 0x10ca);
	assert_int_equal(sriov_parse_uint("101", 10, 100, &v), -ERANGE);
	assert_int_equal(sriov_parse_uint("-1", 10, 100, &v), -EINVAL);
	assert_int_equal(sriov_parse_uint("1x", 10, 100, &v), -EINVAL);
	assert_int_equal(sriov_parse_uint("", 10, 100, &v), -EINVAL);
	assert_int_equal(v, 0x10ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_uint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
