/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the fuzz harnesses share. Each tests/fuzz/fuzz_TARGET.c defines
 * LLVMFuzzerTestOneInput(); it is linked with libFuzzer for `make fuzz`
 * and with replay.c, a plain main(), to replay the committed corpora in
 * `make check`.
 */
#ifndef SRIOV_FUZZ_H
#define SRIOV_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/sriov.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string in a block of its own size + 1. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A context on the given sysfs root (NULL: /sys), silent; aborts on failure. */
static inline struct sriov_ctx *fuzz_ctx(const char *sysfs_root)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts),
				       .sysfs_root = sysfs_root };
	struct sriov_ctx *ctx;

	if (sriov_ctx_new(&opts, &ctx) < 0) {
		fprintf(stderr, "fuzz: no context on %s\n",
			sysfs_root ? sysfs_root : "/sys");
		abort();
	}
	return ctx;
}

/* An invariant of the code under test does not hold: a finding. */
#define fuzz_assert(cond)                                                     \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: %s does not hold\n",          \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

#endif
