/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-parse: read one desired-state file (YAML or JSON) into libsriov's
 * structures and nothing more, the parsing half of `sriovctl apply`:
 *
 *   bench-parse SYSFS_ROOT FILE   -> "<PF entries>" on standard output
 *
 * SYSFS_ROOT is any tree (nothing is read from it); exit 1 when the file
 * does not parse, with libsriov's message.
 */
#include <stdio.h>

#include <sriov/sriov.h>
#include <sriov/apply.h>

int main(int argc, char **argv)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };
	struct sriov_desired *d = NULL;
	struct sriov_ctx *ctx = NULL;
	int r;

	if (argc != 3) {
		fputs("usage: bench-parse SYSFS_ROOT FILE\n", stderr);
		return 2;
	}
	opts.sysfs_root = argv[1];
	r = sriov_ctx_new(&opts, &ctx);
	if (r == 0)
		r = sriov_desired_new(&d);
	if (r == 0)
		r = sriov_desired_add_path(ctx, d, argv[2]);
	if (r < 0)
		fprintf(stderr, "bench-parse: %s\n",
			ctx ? sriov_ctx_last_error(ctx) : "no context");
	else
		printf("%zu\n", sriov_desired_pf_count(d));
	sriov_desired_free(d);
	sriov_ctx_free(ctx);
	return r < 0;
}
