/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rates in the units people type (tc's), and back (sriov/rate.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sriov/rate.h"

struct rate_unit {
	const char *name;
	unsigned long long bits;    /* bits per second of one unit */
};

#define K 1000ull
#define KI 1024ull
static const struct rate_unit units[] = {
	{ "bit", 1 }, { "kbit", K }, { "mbit", K * K }, { "gbit", K * K * K },
	{ "tbit", K * K * K * K },
	{ "kibit", KI }, { "mibit", KI * KI }, { "gibit", KI * KI * KI },
	{ "tibit", KI * KI * KI * KI },
	{ "bps", 8 }, { "kbps", 8 * K }, { "mbps", 8 * K * K },
	{ "gbps", 8 * K * K * K }, { "tbps", 8 * K * K * K * K },
	{ "kibps", 8 * KI }, { "mibps", 8 * KI * KI }, { "gibps", 8 * KI * KI * KI },
	{ "tibps", 8 * KI * KI * KI * KI },
};

static const struct rate_unit *find_unit(const char *s)
{
	if (!*s)
		return &units[2];          /* a plain number: Mbit/s */
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcasecmp(s, units[i].name))
			return &units[i];
	return NULL;
}

SRIOV_EXPORT int sriov_rate_parse(const char *text, uint64_t *ret_bytes)
{
	unsigned __int128 mant = 0, den = 8, bytes;
	const struct rate_unit *u;
	const char *p = text;
	int digits = 0;
	bool point = false;

	if (!text || !ret_bytes)
		return -EINVAL;
	for (; isdigit((unsigned char)*p) || (*p == '.' && !point); p++) {
		if (*p == '.') {
			point = true;
			continue;
		}
		if (++digits > 30)
			return -ERANGE;
		mant = mant * 10 + (unsigned)(*p - '0');
		if (point)
			den *= 10;
	}
	if (!digits || p[-1] == '.')
		return -EINVAL;
	u = find_unit(p);
	if (!u)
		return -EINVAL;
	if (mant > ((unsigned __int128)1 << 100))
		return -ERANGE;
	mant *= u->bits;
	if (mant % den)
		return -ERANGE;
	bytes = mant / den;
	if (bytes > UINT64_MAX)
		return -ERANGE;
	*ret_bytes = (uint64_t)bytes;
	return 0;
}

SRIOV_EXPORT int sriov_rate_format(uint64_t bytes, char *buf, size_t size)
{
	static const char *const names[] = { "bit", "kbit", "mbit", "gbit", "tbit" };
	unsigned __int128 bits = (unsigned __int128)bytes * 8;
	size_t i = 0;
	int n;

	if (!buf)
		return -EINVAL;
	if (bytes == 0)
		n = snprintf(buf, size, "0");
	else {
		while (i + 1 < ARRAY_SIZE(names) && bits % 1000 == 0) {
			bits /= 1000;
			i++;
		}
		if (bits > UINT64_MAX)
			n = snprintf(buf, size, "%llubps", (unsigned long long)bytes);
		else
			n = snprintf(buf, size, "%llu%s", (unsigned long long)bits,
				     names[i]);
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
