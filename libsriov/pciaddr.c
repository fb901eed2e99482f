/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Exactly n hex digits at *p; advances *p. */
static int take_hex(const char **p, int n, unsigned int *ret)
{
	unsigned int v = 0;

	for (int i = 0; i < n; i++) {
		int d = sriov_hex_digit((*p)[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned int)d;
	}
	*p += n;
	*ret = v;
	return 0;
}

static int take_char(const char **p, char c)
{
	if (**p != c)
		return -EINVAL;
	(*p)++;
	return 0;
}

SRIOV_EXPORT int sriov_pci_addr_parse(const char *text,
				      struct sriov_pci_addr *ret_addr)
{
	unsigned int domain = 0, bus, slot, func;
	const char *p = text;
	size_t len;

	if (!text || !ret_addr)
		return -EINVAL;
	len = strlen(text);
	if (len == 12) {
		if (take_hex(&p, 4, &domain) < 0 || take_char(&p, ':') < 0)
			return -EINVAL;
	} else if (len != 7) {
		return -EINVAL;
	}
	if (take_hex(&p, 2, &bus) < 0 || take_char(&p, ':') < 0 ||
	    take_hex(&p, 2, &slot) < 0 || take_char(&p, '.') < 0 ||
	    take_hex(&p, 1, &func) < 0 || *p != '\0')
		return -EINVAL;
	if (slot > 0x1f || func > 7)
		return -EINVAL;
	*ret_addr = (struct sriov_pci_addr){
		.domain = (uint16_t)domain,
		.bus = (uint8_t)bus,
		.slot = (uint8_t)slot,
		.function = (uint8_t)func,
	};
	return 0;
}

SRIOV_EXPORT void sriov_pci_addr_format(const struct sriov_pci_addr *addr,
					char buf[SRIOV_PCI_ADDR_STRLEN])
{
	snprintf(buf, SRIOV_PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x",
		 (unsigned int)addr->domain, (unsigned int)addr->bus,
		 (unsigned int)addr->slot & 0x1f,
		 (unsigned int)addr->function & 7);
}

SRIOV_EXPORT int sriov_pci_addr_cmp(const struct sriov_pci_addr *a,
				    const struct sriov_pci_addr *b)
{
	uint64_t ka = (uint64_t)a->domain << 16 | (uint64_t)a->bus << 8 |
		      (uint64_t)a->slot << 3 | a->function;
	uint64_t kb = (uint64_t)b->domain << 16 | (uint64_t)b->bus << 8 |
		      (uint64_t)b->slot << 3 | b->function;

	return ka < kb ? -1 : ka > kb;
}

bool sriov_name_valid(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len > 255 || strchr(name, '/'))
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* The kernel's dev_valid_name(): < IFNAMSIZ, no '/', ':' or white space. */
bool sriov_ifname_valid(const char *name)
{
	if (!sriov_name_valid(name) || strlen(name) >= 16)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == ':' || *p == '/' || *p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			return false;
	return true;
}

int sriov_parse_uint(const char *s, int base, unsigned long max,
		     unsigned long *ret)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (errno || *end != '\0' || end == s)
		return -EINVAL;
	*ret = v;
	return 0;
}
