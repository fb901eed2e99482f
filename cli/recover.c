/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl recover: replay the journal of interrupted driver changes. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "sriov/apply.h"
#include "sriov/vfio.h"

/* sriovctl(8): ok, changed (with --dry-run: would be), failed */
static void print_entry(struct out *o, const struct sriov_recover_result *e,
			bool dry_run)
{
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", e->pci);
	out_str(o, "state", "journal", e->state);
	out_str(o, "action", "action", e->action);
	out_str(o, "driver", "driver", dry_run ? NULL : e->driver);
	out_yesno(o, "changed", NULL, e->changed);
	out_str(o, "status", "status",
		e->error ? "failed" : e->changed ? "changed" : "ok");
	out_str(o, "error", NULL, e->message);
	out_obj_end(o);
}

/* The journals of killed applies: PFs put back as they were before. */
static int recover_apply(struct cli *cli, struct sriov_ctx *ctx,
			 struct sriov_apply_report **ret)
{
	struct sriov_apply_opts o = { .sz = sizeof(o), .check = cli->dry_run };

	return sriov_apply_recover(ctx, &o, ret);
}

static void print_apply(struct out *o, const struct sriov_apply_report *a)
{
	out_list_begin(o, "apply", "apply journal");
	for (size_t i = 0; a && i < a->n; i++) {
		const struct sriov_apply_result *e = &a->results[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "pf", "pf", e->pf);
		out_str(o, "action", "action", sriov_apply_action_name(e->action));
		out_str(o, "status", "status", sriov_apply_status_name(e->status));
		out_str(o, "reason", "reason", e->reason);
		out_obj_end(o);
	}
	out_list_end(o);
}

/* The failure, if any: the apply journal's, or the entries that failed. */
static int report_failure(struct cli *cli, int r,
			  const struct sriov_recover_report *rep,
			  const struct sriov_apply_report *apply)
{
	size_t n = rep->n_failed + (apply ? apply->n_failed : 0);

	for (size_t i = 0; !cli->json && i < rep->n; i++)
		if (rep->entries[i].message)
			text_write_line(stderr, "%s: %s: %s", cli->prog,
					rep->entries[i].pci, rep->entries[i].message);
	if (r < 0)
		cli_report_error(cli, EXIT_FAILED, "%s", sriov_ctx_last_error(cli->ctx));
	else if (n && cli->json)
		cli_report_error(cli, EXIT_FAILED, "%zu of the journal's entries and steps failed", n);
	return r < 0 || n ? EXIT_FAILED : EXIT_OK;
}

int cmd_recover(struct cli *cli, int argc, char **argv)
{
	struct sriov_recover_report *rep = NULL;
	struct sriov_apply_report *apply = NULL;
	struct sriov_ctx *ctx;
	int r;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		puts("Usage: sriovctl [-n] recover\n"
		     "Finishes or undoes vfio bind/release runs that were interrupted, then\n"
		     "puts back the PFs of an apply that was killed (see sriovctl-recover(8)).");
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
	/* drivers first (the vfio journal), then what an apply left */
	r = recover_apply(cli, ctx, &apply);
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, rep->changed || (apply && apply->changed));
	out_yesno(cli->out, "dry_run", NULL, cli->dry_run);
	out_list_begin(cli->out, "entries", "journal");
	for (size_t i = 0; i < rep->n; i++)
		print_entry(cli->out, &rep->entries[i], cli->dry_run);
	out_list_end(cli->out);
	print_apply(cli->out, apply);
	r = report_failure(cli, r, rep, apply);
	out_obj_end(cli->out);
	sriov_recover_report_free(rep);
	sriov_apply_report_free(apply);
	return r;
}
