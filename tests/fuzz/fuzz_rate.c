/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rates: the first byte picks what the rest is. Even: a rate as users
 * type it (sriov_rate_parse); what parses must format and parse back to
 * the same bytes per second. Odd: a devlink answer to a rate dump
 * (sriov_devlink_parse_answer with sequence 1), each message read by
 * sriov_dl_rate_parse, whose strings must end within their buffers.
 */
#include "fuzz.h"
#include "devlink_fake.h"
#include "devlink_rate.h"
#include "sriov/rate.h"

static int one_rate(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		    void *data)
{
	struct sriov_dl_rate r;

	(void)dl, (void)data;
	if (sriov_dl_rate_parse(m, &r) == 0) {
		fuzz_assert(memchr(r.bus, '\0', sizeof(r.bus)));
		fuzz_assert(memchr(r.dev, '\0', sizeof(r.dev)));
		fuzz_assert(memchr(r.name, '\0', sizeof(r.name)));
		fuzz_assert(memchr(r.parent, '\0', sizeof(r.parent)));
		fuzz_assert(r.node ? r.name[0] != '\0' : r.name[0] == '\0');
	}
	return 0;
}

static void text(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), buf[64];
	uint64_t v, again;

	if (sriov_rate_parse(s, &v) == 0) {
		fuzz_assert(sriov_rate_format(v, buf, sizeof(buf)) == 0);
		fuzz_assert(sriov_rate_parse(buf, &again) == 0 && again == v);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sriov_ctx *ctx;
	static struct sriov_devlink *dl;

	if (!ctx) {
		ctx = fuzz_ctx(NULL);
		/* the fake kernel answers the family look-up */
		if (sriov_devlink_open_transport(ctx, devlink_fake_transact,
						 devlink_fake_new(), &dl) < 0)
			abort();
	}
	if (size == 0)
		return 0;
	if (!(data[0] & 1)) {
		text(data + 1, size - 1);
		return 0;
	}
	sriov_devlink_parse_answer(dl, data + 1, size - 1, 1, true, "rates",
				   one_rate, NULL);
	return 0;
}
