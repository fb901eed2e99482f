/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The desired-state parser of sriovctl apply (YAML and JSON documents). */
#include "fuzz.h"
#include "sriov/apply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sriov_ctx *ctx;
	struct sriov_desired *d = NULL;
	int r;

	if (!ctx)
		ctx = fuzz_ctx(NULL);
	if (sriov_desired_new(&d) < 0)
		abort();
	r = sriov_desired_add_text(ctx, d, "fuzz", (const char *)data, size);
	fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE || r == -ENOMEM);
	if (r < 0)
		fuzz_assert(sriov_ctx_last_error(ctx)[0] != '\0');
	sriov_desired_free(d);
	return 0;
}
