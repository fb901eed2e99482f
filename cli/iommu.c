/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "cli.h"
#include "sriov/vfio.h"

static void print_member(struct out *o, const struct sriov_iommu_member *m)
{
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", m->pci);
	out_str(o, "driver", "driver", m->driver);
	out_hex(o, "vendor_id", NULL, m->vendor_id, 4, true);
	out_hex(o, "device_id", NULL, m->device_id, 4, true);
	out_text(o, "id", "%04x:%04x", m->vendor_id, m->device_id);
	out_hex(o, "class", "class", m->class_code, 6, true);
	out_yesno(o, "bridge", "bridge", m->is_bridge);
	out_yesno(o, "viable", "viable", sriov_iommu_member_viable(m));
	out_obj_end(o);
}

/* Viable or not, and which members on host drivers keep it from VFIO. */
static void print_viability(struct out *o,
			    const struct sriov_iommu_group_info *i, bool detail)
{
	bool viable = true;
	char why[256] = "";
	size_t len = 0;

	out_list_begin(o, "blockers", NULL);
	for (size_t m = 0; m < i->n_members; m++) {
		const struct sriov_iommu_member *mb = &i->members[m];

		if (sriov_iommu_member_viable(mb))
			continue;
		viable = false;
		out_obj_begin(o, NULL, NULL);
		out_str(o, "pci", NULL, mb->pci);
		out_str(o, "driver", NULL, mb->driver);
		out_obj_end(o);
		if (len < sizeof(why) - 32)
			len += (size_t)snprintf(why + len, sizeof(why) - len, "%s%s (%s)",
						len ? ", " : "", mb->pci, mb->driver);
	}
	out_list_end(o);
	out_yesno(o, "viable", NULL, viable);
	if (detail && !viable)
		out_text(o, "viable", "no: on host drivers: %s", why);
	else
		out_text(o, "viable", "%s", viable ? "yes" : "no");
}

static void print_group(struct out *o, const struct sriov_iommu_group *g,
			bool detail)
{
	const struct sriov_iommu_group_info *i = sriov_iommu_group_get_info(g);

	out_obj_begin(o, NULL, NULL);
	out_int(o, "group", "group", i->id, true);
	out_str(o, "type", "type", i->type);
	out_int(o, "n_devices", detail ? NULL : "devices", (long long)i->n_members,
		true);
	print_viability(o, i, detail);
	if (!detail) {
		const char **pcis = calloc(i->n_members + 1, sizeof(*pcis));

		for (size_t m = 0; pcis && m < i->n_members; m++)
			pcis[m] = i->members[m].pci;
		/* text only: JSON has the devices list */
		out_strv(o, NULL, "members", pcis);
		free(pcis);
	}
	out_list_begin(o, "devices", detail ? "devices" : NULL);
	for (size_t m = 0; m < i->n_members; m++)
		print_member(o, &i->members[m]);
	out_list_end(o);
	out_obj_end(o);
}

static int iommu_off(struct cli *cli)
{
	return cli_error(cli, EXIT_FAILED,
			 "no IOMMU is enabled (%s/class/iommu is empty): boot with intel_iommu=on (Intel) or amd_iommu=on (AMD), and enable VT-d/AMD-Vi in the firmware",
			 sriov_ctx_sysfs_root(cli->ctx));
}

static int iommu_list(struct cli *cli, int argc, char **argv)
{
	struct sriov_iommu_group *const *groups;
	struct sriov_ctx *ctx;
	size_t n;
	int r;

	(void)argc, (void)argv;
	if (!(ctx = cli_ctx(cli)))
		return EXIT_USAGE;
	r = sriov_iommu_group_list(ctx, &groups, &n);
	if (r < 0)
		return cli_lib_error(cli, r, EXIT_FAILED);
	if (n == 0 && !sriov_iommu_enabled(ctx))
		return iommu_off(cli);
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		print_group(cli->out, groups[i], false);
	out_list_end(cli->out);
	return EXIT_OK;
}

static int iommu_show(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_iommu_group *g;
	int r;

	(void)argc;
	if (!ctx)
		return EXIT_USAGE;
	if (!sriov_iommu_enabled(ctx))
		return iommu_off(cli);
	r = sriov_iommu_group_find(ctx, argv[1], &g);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	print_group(cli->out, g, true);
	return EXIT_OK;
}

const struct verb iommu_verbs[] = {
	{ "list", 0, 0, iommu_list, "", "list IOMMU groups and their devices" },
	{ "show", 1, 1, iommu_show, "GROUP|DEVICE", "show one group, by number or member" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
