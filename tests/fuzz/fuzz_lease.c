/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The claim lease reader. A lease it accepts must survive being written
 * out and read back unchanged.
 */
#include "fuzz.h"
#include "claim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriov_claim *c = NULL, *again = NULL;
	char *text = fuzz_cstr(data, size), *out1 = NULL, *out2 = NULL;

	if (sriov_lease_parse(text, &c) == 0) {
		fuzz_assert(sriov_lease_format(c, &out1) == 0);
		fuzz_assert(sriov_lease_parse(out1, &again) == 0);
		fuzz_assert(sriov_lease_format(again, &out2) == 0);
		fuzz_assert(strcmp(out1, out2) == 0);
	}
	sriov_claim_free(c);
	sriov_claim_free(again);
	free(out1);
	free(out2);
	free(text);
	return 0;
}
