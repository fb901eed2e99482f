/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI address parsing and the name checks of the same file. An address
 * that parses must format to a string that parses to the same address.
 */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), buf[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_pci_addr a, b;
	unsigned long v;

	if (sriov_pci_addr_parse(s, &a) == 0) {
		sriov_pci_addr_format(&a, buf);
		fuzz_assert(strlen(buf) == 12);
		fuzz_assert(sriov_pci_addr_parse(buf, &b) == 0);
		fuzz_assert(sriov_pci_addr_cmp(&a, &b) == 0);
	}
	if (sriov_ifname_valid(s))
		fuzz_assert(sriov_name_valid(s) && strlen(s) < 16);
	if (sriov_name_valid(s))
		fuzz_assert(!strchr(s, '/') && strcmp(s, "..") && strcmp(s, "."));
	if (sriov_parse_uint(s, 0, 0xffff, &v) == 0)
		fuzz_assert(v <= 0xffff);
	free(s);
	return 0;
}
