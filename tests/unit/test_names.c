/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names from a pci.ids held in memory, as libpci would give them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static void expect(const char *ids, uint16_t vendor, uint16_t device,
		   const char *want_vendor, const char *want_device)
{
	char *v = NULL, *d = NULL;

	sriov_pci_ids_lookup(ids, strlen(ids), vendor, device, &v, &d);
	if (want_vendor)
		assert_string_equal(v, want_vendor);
	else
		assert_null(v);
	if (want_device)
		assert_string_equal(d, want_device);
	else
		assert_null(d);
	free(v);
	free(d);
}

static const char small[] =
	"# comment 8086  not a vendor\n"
	"\n"
	"0001  SafeNet (wrong ID)\n"
	"10de  NVIDIA Corporation\n"
	"\t0020  NV4 [Riva TNT]\n"
	"\t\t1043 0200  V3400 TNT\n"
	"# a comment inside\n"
	"\t0028  NV5 \n"
	"8086  Intel Corporation\r\n"
	"\t10c9  82576 Gigabit Network Connection\r\n"
	"\t\t8086 a03c  Ethernet Server Adapter\n"
	"\t10ca\t82576 Virtual Function\n"
	"C 02  Network controller\n"
	"\t00  Ethernet controller\n";

static void test_small(void **state)
{
	(void)state;
	expect(small, 0x8086, 0x10c9, "Intel Corporation",
	       "82576 Gigabit Network Connection");
	expect(small, 0x8086, 0x10ca, "Intel Corporation",
	       "82576 Virtual Function");
	/* one trailing blank goes, as libpci drops it */
	expect(small, 0x10de, 0x0028, "NVIDIA Corporation", "NV5");
	/* a subsystem line is not a device of its vendor */
	expect(small, 0x10de, 0x1043, "NVIDIA Corporation", NULL);
	expect(small, 0x0001, 0x0020, "SafeNet (wrong ID)", NULL);
	/* a class entry is no vendor, a comment no entry */
	expect(small, 0x0002, 0x0000, NULL, NULL);
	expect(small, 0x1234, 0x10c9, NULL, NULL);
}

/* Vendors 0x1000.. with 12 devices each, ~100 KiB: the binary search
 * runs; out_of_order swaps two vendor blocks. */
static char *big(bool out_of_order)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "# header\n");
	for (unsigned i = 0; i < 200; i++) {
		unsigned v = 0x1000 + 2 * i;

		if (out_of_order && i == 10)
			v = 0x1000 + 2 * 150;
		else if (out_of_order && i == 150)
			v = 0x1000 + 2 * 10;
		len += (size_t)snprintf(s + len, cap - len, "%04x  Vendor %u\n",
					v, v);
		for (unsigned d = 0; d < 12; d++)
			len += (size_t)snprintf(s + len, cap - len,
						"\t%04x  Device %u of %u\n"
						"\t\t%04x 0001  Sub %u\n",
						3 * d, d, v, v, d);
	}
	snprintf(s + len, cap - len, "C 00  Unclassified device\n");
	return s;
}

static void test_big(void **state)
{
	char *ids = big(false);
	char want_v[32], want_d[64];

	(void)state;
	for (unsigned i = 0; i < 200; i++) {
		unsigned v = 0x1000 + 2 * i;

		snprintf(want_v, sizeof(want_v), "Vendor %u", v);
		for (unsigned d = 0; d < 12; d++) {
			snprintf(want_d, sizeof(want_d), "Device %u of %u", d,
				 v);
			expect(ids, (uint16_t)v, (uint16_t)(3 * d), want_v,
			       want_d);
		}
		expect(ids, (uint16_t)v, 1, want_v, NULL);
		expect(ids, (uint16_t)(v + 1), 0, NULL, NULL);
	}
	free(ids);
}

static void test_out_of_order(void **state)
{
	char *ids = big(true);
	char want_v[32], want_d[64];

	(void)state;
	for (unsigned i = 0; i < 200; i++) {
		unsigned v = 0x1000 + 2 * i;

		snprintf(want_v, sizeof(want_v), "Vendor %u", v);
		snprintf(want_d, sizeof(want_d), "Device 11 of %u", v);
		expect(ids, (uint16_t)v, 33, want_v, want_d);
	}
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
