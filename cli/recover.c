/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl recover: replay the journal of interrupted driver changes. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "sriov/vfio.h"

static void print_entry(struct out *o, const struct sriov_recover_result *e,
			bool dry_run)
{
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", e->pci);
	out_str(o, "state", "journal", e->state);
	out_str(o, "action", "action", e->action);
	out_str(o, "driver", "driver", dry_run ? NULL : e->driver);
	out_bool(o, "changed", NULL, e->changed);
	out_str(o, NULL, "result",
		e->error ? "failed" : dry_run && e->changed ? "would change"
				     : e->changed ? "changed" : "ok");
	out_str(o, "error", NULL, e->message);
	out_obj_end(o);
}

int cmd_recover(struct cli *cli, int argc, char **argv)
{
	struct sriov_recover_report *rep = NULL;
	struct sriov_ctx *ctx;
	int r;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		puts("Usage: sriovctl [-n] recover\n"
		     "Finishes or undoes vfio bind/release runs that were interrupted (see sriovctl-recover(8)).");
		return EXIT_OK;
	}
	if (argc > 1)
		return cli_error(cli, EXIT_USAGE, "usage: sriovctl [-n] recover");
	ctx = cli_ctx(cli);
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_recover(ctx, cli->dry_run, &rep);
	if (!rep)
		return cli_lib_error(cli, r, EXIT_FAILED);
	out_obj_begin(cli->out, NULL, NULL);
	out_bool(cli->out, "changed", NULL, rep->changed);
	out_bool(cli->out, "dry_run", NULL, cli->dry_run);
	out_list_begin(cli->out, "entries", "journal");
	for (size_t i = 0; i < rep->n; i++)
		print_entry(cli->out, &rep->entries[i], cli->dry_run);
	out_list_end(cli->out);
	out_obj_end(cli->out);
	for (size_t i = 0; !cli->json && i < rep->n; i++)
		if (rep->entries[i].message)
			fprintf(stderr, "%s: %s: %s\n", cli->prog, rep->entries[i].pci,
				rep->entries[i].message);
	r = rep->n_failed ? EXIT_FAILED : EXIT_OK;
	sriov_recover_report_free(rep);
	return r;
}
