/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replays corpus files through one harness without libFuzzer, so that the
 * corpora run in the sanitizer build of make check. Usage: replay_TARGET
 * FILE...; prints "ok FILE" after each file that ran through; a crash or
 * sanitizer report ends the process.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *exact;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *grown = realloc(data, cap = cap ? cap * 2 : 4096);

			if (!grown)
				abort();
			data = grown;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* an exact-size copy, so that reads past the end are caught */
	exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (replay(argv[i]) < 0) {
			failed++;
			continue;
		}
		printf("ok %s\n", argv[i]);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
