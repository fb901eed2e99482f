/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vfio journal's entry parser. An entry it accepts must survive
 * being written out and read back unchanged.
 */
#include "fuzz.h"
#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_entry e, again;
	char *text = fuzz_cstr(data, size);
	static char out1[8192], out2[8192];

	if (sriov_journal_parse(text, &e) == 0) {
		fuzz_assert(sriov_journal_format(&e, out1, sizeof(out1)) >= 0);
		fuzz_assert(sriov_journal_parse(out1, &again) == 0);
		fuzz_assert(sriov_journal_format(&again, out2, sizeof(out2)) >= 0);
		fuzz_assert(strcmp(out1, out2) == 0);
	}
	free(text);
	return 0;
}
