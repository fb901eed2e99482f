/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

void print_vf(struct cli *cli, const struct sriov_vf *vf, bool detail)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(vf);
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", i->pf);
	out_int(o, "vf", "vf", i->index, true);
	out_str(o, "pci", "pci", i->pci);
	out_str(o, "netdev", "netdev", i->netdev);
	out_str(o, "driver", "driver", i->driver);
	out_str(o, "driver_override", detail ? "driver override" : NULL,
		i->driver_override);
	out_hex(o, "vendor_id", detail ? "vendor ID" : NULL, i->vendor_id, 4,
		true);
	out_hex(o, "device_id", detail ? "device ID" : NULL, i->device_id, 4,
		true);
	out_int(o, "iommu_group", "iommu", i->iommu_group,
		i->iommu_group != SRIOV_NO_VALUE);
	out_int(o, "numa_node", detail ? "numa" : NULL, i->numa_node,
		i->numa_node != SRIOV_NO_VALUE);
	out_obj_end(o);
}

static int list_pf_vfs(struct cli *cli, struct sriov_pf *pf)
{
	for (size_t n = 0; n < sriov_pf_vf_count(pf); n++) {
		struct sriov_vf *vf = sriov_pf_get_vf(pf, (unsigned int)n);

		if (vf)
			print_vf(cli, vf, false);
	}
	return EXIT_OK;
}

static int vf_list(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pf *const *pfs;
	struct sriov_pf *pf;
	size_t n;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	if (argc > 1) {
		r = sriov_pf_find(ctx, argv[1], &pf);
		if (r < 0)
			return cli_lib_error(cli, r, EXIT_USAGE);
		out_list_begin(cli->out, NULL, NULL);
		list_pf_vfs(cli, pf);
		out_list_end(cli->out);
		return EXIT_OK;
	}
	r = sriov_pf_list(ctx, &pfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, r == -ENOENT ? EXIT_USAGE : EXIT_FAILED);
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		list_pf_vfs(cli, pfs[i]);
	out_list_end(cli->out);
	return EXIT_OK;
}

static int vf_show(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_vf **vfs;
	size_t n;
	int r;

	(void)argc;
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_vf_spec_resolve(ctx, argv[1], &vfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, EXIT_USAGE);
	if (n == 1) {
		print_vf(cli, vfs[0], true);
	} else {
		out_list_begin(cli->out, NULL, NULL);
		for (size_t i = 0; i < n; i++)
			print_vf(cli, vfs[i], true);
		out_list_end(cli->out);
	}
	free(vfs);
	return EXIT_OK;
}

const struct verb vf_verbs[] = {
	{ "list", 0, 1, vf_list, "[PF]", "list VFs, of one PF or of all" },
	{ "show", 1, 1, vf_show, "VFSPEC", "show VFs: PF#N, PF#0-3,7 or a VF address" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
