/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl restore: VFs back to safe settings and their host driver. */
#include <string.h>

#include "cli.h"
#include "sriov/apply.h"

static const char restore_help[] =
	"Usage: sriovctl [OPTIONS] restore [--check] [--diff] VFSPEC...\n"
	"Returns VFs (PF#N, PF#0-3,7, PF, or VF addresses) to safe settings:\n"
	"spoofchk on, trust off, VLAN 0, the MAC recorded when the VF was bound\n"
	"to vfio-pci, and the host driver it had then. See sriovctl-apply(8).\n"
	"  --check  show the plan, change nothing (also -n)\n"
	"  --diff   show each changed field, before and after\n";

int cmd_restore(struct cli *cli, int argc, char **argv)
{
	struct sriov_apply_opts o = { .sz = sizeof(o) };
	struct sriov_apply_report *rep = NULL;
	struct sriov_ctx *ctx;
	bool diff;
	int r;

	if (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		fputs(restore_help, stdout);
		return EXIT_OK;
	}
	o.check = cli_take_flag(&argc, argv, "--check") || cli->dry_run;
	diff = cli_take_flag(&argc, argv, "--diff");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_error(cli, EXIT_USAGE,
					 "unknown option \"%s\"; try \"sriovctl restore help\"",
					 argv[i]);
	if (argc < 2)
		return cli_error(cli, EXIT_USAGE,
				 "usage: sriovctl restore [--check] [--diff] VFSPEC...");
	ctx = cli_ctx(cli);
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_restore(ctx, (const char *const *)argv + 1, (size_t)argc - 1,
			  &o, &rep);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	return apply_finish(cli, rep, diff);
}
