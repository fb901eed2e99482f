/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "cli.h"

static void print_cap(struct out *o, const struct sriov_cap_info *c)
{
	out_obj_begin(o, "sriov_cap", "SR-IOV capability");
	/* a number in JSON; in hexadecimal in text, as lspci shows it */
	out_int(o, "offset", NULL, c->offset, true);
	out_text(o, "offset", "0x%x", c->offset);
	out_int(o, "version", "version", c->version, true);
	out_int(o, "initial_vfs", "initial VFs", c->initial_vfs, true);
	out_int(o, "total_vfs", "total VFs", c->total_vfs, true);
	out_int(o, "num_vfs", "number of VFs", c->num_vfs, true);
	out_bool(o, "vf_enable", "VF enable", c->vf_enable);
	out_bool(o, "vf_memory_space", "VF memory space", c->vf_memory_space);
	out_bool(o, "ari_hierarchy", "ARI hierarchy", c->ari_hierarchy);
	out_int(o, "vf_offset", "first VF offset", c->vf_offset, true);
	out_int(o, "vf_stride", "VF stride", c->vf_stride, true);
	out_hex(o, "vf_device_id", "VF device ID", c->vf_device_id, 4, true);
	out_int(o, "function_link", "function dependency link",
		c->function_link, true);
	out_hex(o, "supported_page_sizes", "supported page sizes",
		c->supported_page_sizes, 8, true);
	out_hex(o, "system_page_size", "system page size",
		c->system_page_size, 8, true);
	out_obj_end(o);
}

#define OPT_INT(v) (v), ((v) != SRIOV_NO_VALUE)

/* A PF that is not a PCI function (netdevsim) has no IDs: null. */
static void print_pf_ids(struct out *o, const struct sriov_pf_info *i,
			 bool detail)
{
	bool pci = i->pci[0] != '\0';

	out_hex(o, "vendor_id", detail ? "vendor ID" : NULL, i->vendor_id, 4,
		pci);
	out_hex(o, "device_id", detail ? "device ID" : NULL, i->device_id, 4,
		pci);
	if (!detail && pci)
		out_text(o, "id", "%04x:%04x", i->vendor_id, i->device_id);
	else if (!detail)
		out_text(o, "id", "%s", i->bus);
	out_str(o, "vendor", detail ? "vendor" : NULL, i->vendor_name);
	out_str(o, "device", detail ? "device" : NULL, i->device_name);
	out_hex(o, "class", detail ? "class" : NULL, i->class_code, 6, pci);
}

static void print_pf_sriov(struct out *o, const struct sriov_pf_info *i,
			   bool detail)
{
	out_int(o, "total_vfs", detail ? "total VFs" : NULL, OPT_INT(i->total_vfs));
	out_int(o, "num_vfs", detail ? "enabled VFs" : NULL, OPT_INT(i->num_vfs));
	if (!detail) {
		if (i->num_vfs != SRIOV_NO_VALUE && i->total_vfs != SRIOV_NO_VALUE)
			out_text(o, "vfs", "%d/%d", i->num_vfs, i->total_vfs);
		else if (i->num_vfs != SRIOV_NO_VALUE)
			out_text(o, "vfs", "%d/-", i->num_vfs);
		else
			out_text(o, "vfs", "-");
	}
	out_bool(o, "drivers_autoprobe", "autoprobe",
		 i->drivers_autoprobe == SRIOV_NO_VALUE ? -1
							: i->drivers_autoprobe);
	out_hex(o, "vf_device_id", detail ? "VF device ID" : NULL,
		(unsigned long)i->vf_device_id, 4,
		i->vf_device_id != SRIOV_NO_VALUE);
	out_int(o, "vf_offset", detail ? "VF offset" : NULL, OPT_INT(i->vf_offset));
	out_int(o, "vf_stride", detail ? "VF stride" : NULL, OPT_INT(i->vf_stride));
	out_int(o, "vf_total_msix", detail ? "VF MSI-X vectors" : NULL,
		OPT_INT(i->vf_total_msix));
}

/* null everywhere when the PF has no devlink instance */
static void print_pf_eswitch(struct cli *cli, struct sriov_pf *pf, bool detail)
{
	struct sriov_eswitch_info e = { "", SRIOV_NO_VALUE, SRIOV_NO_VALUE,
					SRIOV_NO_VALUE };
	struct out *o = cli->out;

	if (sriov_pf_read_eswitch(pf, &e) < 0 && !cli->quiet)
		text_write_line(stderr, "sriovctl: warning: %s",
				sriov_ctx_last_error(cli->ctx));
	out_str(o, "devlink", detail ? "devlink" : NULL, e.handle[0] ? e.handle : NULL);
	out_str(o, "eswitch_mode", detail ? "eswitch mode" : "eswitch",
		sriov_eswitch_mode_name(e.mode));
	out_str(o, "inline_mode", detail ? "eswitch inline mode" : NULL,
		sriov_eswitch_inline_mode_name(e.inline_mode));
	out_str(o, "encap_mode", detail ? "eswitch encap mode" : NULL,
		sriov_eswitch_encap_mode_name(e.encap_mode));
}

void print_pf(struct cli *cli, struct sriov_pf *pf, bool detail)
{
	const struct sriov_pf_info *i = sriov_pf_get_info(pf);
	struct out *o = cli->out;
	unsigned int mtu = 0;
	bool known;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", i->pci[0] ? i->pci : NULL);
	/* for PCI PFs both say what pci says */
	out_str(o, "bus", detail && !i->pci[0] ? "bus" : NULL, i->bus);
	out_str(o, "device_name", detail && !i->pci[0] ? "sysfs device" : NULL,
		i->dev_name);
	out_str(o, "netdev", detail ? NULL : "netdev", i->netdevs[0]);
	out_strv(o, "netdevs", detail ? "netdevs" : NULL, i->netdevs);
	out_str(o, "driver", "driver", i->driver);
	out_str(o, "driver_override", detail ? "driver override" : NULL,
		i->driver_override);
	print_pf_ids(o, i, detail);
	/* the kernel's -1 means no NUMA affinity: absent, so null */
	out_int(o, "numa_node", "numa", i->numa_node, i->numa_node >= 0);
	out_int(o, "iommu_group", "iommu", OPT_INT(i->iommu_group));
	known = sriov_pf_get_mtu(pf, &mtu) == 0;
	out_int(o, "mtu", "mtu", mtu, known);
	print_pf_sriov(o, i, detail);
	print_pf_eswitch(cli, pf, detail);
	if (!detail)
		out_str(o, NULL, "device", i->device_name);
	if (i->cap.present)
		print_cap(o, &i->cap);
	else
		out_str(o, "sriov_cap", detail ? "SR-IOV capability" : NULL,
			NULL);
	if (detail) {
		out_list_begin(o, "vfs", "VFs");
		for (size_t n = 0; n < sriov_pf_vf_count(pf); n++) {
			struct sriov_vf *vf = sriov_pf_get_vf(pf, (unsigned int)n);

			if (vf)
				print_vf(cli, vf, false);
		}
		out_list_end(o);
	}
	out_obj_end(o);
}

static int pf_list(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pf *const *pfs;
	size_t n;
	int r;

	(void)argc;
	(void)argv;
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_pf_list(ctx, &pfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, r == -ENOENT ? EXIT_USAGE : EXIT_FAILED);
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		print_pf(cli, pfs[i], false);
	out_list_end(cli->out);
	if (n == 0 && !cli->json && !cli->quiet)
		fputs("No SR-IOV physical functions found.\n", stderr);
	return EXIT_OK;
}

static int pf_show(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pf *pf;
	struct sriov_vf *vf;
	int r;

	(void)argc;
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_pf_find(ctx, argv[1], &pf);
	if (r < 0) {
		char why[512];

		/* the VF look-up must not replace the reason */
		snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(ctx));
		if (sriov_vf_find(ctx, argv[1], &vf) == 0)
			return cli_error(cli, EXIT_USAGE,
					 "%s is a virtual function; try \"sriovctl vf show %s\"",
					 argv[1], sriov_vf_get_info(vf)->pci);
		return cli_error(cli, cli_exit_for(r), "%s", *why ? why : strerror(-r));
	}
	cli_read_vf_config(cli, pf, false);
	print_pf(cli, pf, true);
	return EXIT_OK;
}

const struct verb pf_verbs[] = {
	{ "list", 0, 0, pf_list, "", "list SR-IOV physical functions" },
	{ "show", 1, 1, pf_show, "PF", "show a PF, its capability and VFs" },
	{ "set", 3, -1, pf_set, "PF [num-vfs N [autoprobe on|off]] [mtu N] | eswitch legacy|switchdev [--timeout SEC]",
	  "create, resize or remove VFs and wait until they are ready; set the PF's MTU or its eswitch mode" },
	{ "disable", 1, 3, pf_disable, "PF [--timeout SEC]",
	  "remove every VF of a PF" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
