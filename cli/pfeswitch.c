/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl pf set PF eswitch legacy|switchdev: the NIC's embedded switch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_steps(struct out *o, const struct sriov_eswitch_report *rep)
{
	out_list_begin(o, "steps", "steps");
	for (size_t i = 0; i < rep->n_steps; i++) {
		const struct sriov_eswitch_step *s = &rep->steps[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "step", "step", sriov_eswitch_action_name(s->action));
		out_str(o, "status", "status", sriov_eswitch_status_name(s->status));
		out_int(o, "errno", NULL, -s->error, s->error != 0);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void print_report(struct cli *cli, const char *pf,
			 const struct sriov_eswitch_report *rep, int code,
			 const char *error)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", pf);
	out_str(o, "devlink", "devlink", rep->handle[0] ? rep->handle : NULL);
	out_yesno(o, "changed", "changed", rep->changed);
	out_yesno(o, "dry_run", NULL, cli->dry_run);
	out_str(o, "eswitch_mode_before", "eswitch mode before",
		sriov_eswitch_mode_name(rep->mode_before));
	out_str(o, "eswitch_mode", "eswitch mode", sriov_eswitch_mode_name(rep->mode_after));
	out_int(o, "num_vfs_before", "VFs before", rep->num_vfs_before,
		rep->num_vfs_before != SRIOV_NO_VALUE);
	out_int(o, "num_vfs", "VFs", rep->num_vfs_after,
		rep->num_vfs_after != SRIOV_NO_VALUE);
	out_yesno(o, "vfs_recreated", "VFs re-created", rep->vfs_recreated);
	out_int(o, "settings_saved", "VF settings saved", (long)rep->n_settings_saved, true);
	out_int(o, "settings_restored", "VF settings re-applied",
		(long)rep->n_settings_restored, true);
	out_int(o, "settings_failed", "VF settings failed", (long)rep->n_settings_failed, true);
	out_int(o, "devlink_writes", "devlink writes", (long)rep->devlink_writes, true);
	out_yesno(o, "rolled_back", NULL, rep->rolled_back);
	out_str(o, "journal", rep->journal ? "journal" : NULL, rep->journal);
	print_steps(o, rep);
	cli_report_notes(cli);
	if (error)
		cli_report_error(cli, code, "%s", error);
	out_obj_end(o);
}

int pf_set_eswitch(struct cli *cli, const char *name, const char *mode,
		   int timeout_ms)
{
	struct sriov_eswitch_opts o = { .sz = sizeof(o), .timeout_ms = timeout_ms };
	struct sriov_eswitch_report *rep = NULL;
	struct sriov_ctx *ctx;
	struct sriov_pf *pf;
	char pfname[64];
	int r;

	if (sriov_eswitch_mode_parse(mode, &o.mode) < 0)
		return cli_error(cli, EXIT_USAGE,
				 "invalid eswitch mode \"%s\": expected legacy or switchdev", mode);
	ctx = cli_ctx(cli);
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_pf_find(ctx, name, &pf);
	if (r < 0)
		return cli_lib_error(cli, r, EXIT_USAGE);
	o.force = cli->force;
	o.dry_run = cli->dry_run;
	snprintf(pfname, sizeof(pfname), "%s",
		 sriov_pf_get_info(pf)->pci[0] ? sriov_pf_get_info(pf)->pci
					       : sriov_pf_get_info(pf)->dev_name);
	r = sriov_pf_set_eswitch(pf, &o, &rep);
	/* nothing was planned: bad input is one message */
	if (!rep || (r < 0 && cli_exit_for(r) == EXIT_USAGE && !rep->n_steps)) {
		sriov_eswitch_report_free(rep);
		return cli_lib_error(cli, r, cli_exit_for(r));
	}
	print_report(cli, pfname, rep, cli_exit_for(r),
		     r < 0 ? sriov_ctx_last_error(ctx) : NULL);
	sriov_eswitch_report_free(rep);
	return r < 0 ? cli_exit_for(r) : EXIT_OK;
}
