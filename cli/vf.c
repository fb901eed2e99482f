/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include <string.h>

#include "vfconf.h"

/*
 * In switchdev mode: the VF's devlink port, representor and port
 * function; null otherwise and where the host has no devlink.
 */
static void print_vf_port(struct cli *cli, const struct sriov_vf *vf, bool detail)
{
	static const char *const states[] = { "inactive", "active" };
	static const char *const opstates[] = { "detached", "attached" };
	struct sriov_vf_port p;
	struct out *o = cli->out;
	int r = sriov_vf_read_port((struct sriov_vf *)vf, &p);

	if (r < 0 && r != -ENOENT && r != -EOPNOTSUPP && !cli->quiet &&
	    !cli->port_warned) {
		text_write_line(stderr, "sriovctl: warning: %s",
				sriov_ctx_last_error(cli->ctx));
		cli->port_warned = true;
	}
	out_str(o, "devlink_port", detail ? "devlink port" : NULL, r == 0 ? p.port : NULL);
	out_str(o, "representor", detail ? "representor" : "rep",
		r == 0 && p.representor[0] ? p.representor : NULL);
	if (r < 0 || (!p.hw_addr[0] && p.state == SRIOV_NO_VALUE &&
		      p.opstate == SRIOV_NO_VALUE)) {
		out_str(o, "port_function", NULL, NULL);
		return;
	}
	out_obj_begin(o, "port_function", detail ? "port function" : NULL);
	out_str(o, "hw_addr", detail ? "hw_addr" : NULL, p.hw_addr[0] ? p.hw_addr : NULL);
	out_str(o, "state", detail ? "state" : NULL,
		p.state >= 0 && p.state <= 1 ? states[p.state] : NULL);
	out_str(o, "opstate", detail ? "opstate" : NULL,
		p.opstate >= 0 && p.opstate <= 1 ? opstates[p.opstate] : NULL);
	out_obj_end(o);
}

void print_vf(struct cli *cli, const struct sriov_vf *vf, bool detail)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(vf);
	struct out *o = cli->out;
	unsigned int mtu = 0;
	bool known;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", cli_vf_pf_name(vf));
	out_int(o, "vf", "vf", i->index, true);
	/* VFs of a PF that is not a PCI function have no address */
	out_str(o, "pci", "pci", i->pci[0] ? i->pci : NULL);
	out_str(o, "netdev", "netdev", i->netdev);
	out_str(o, "driver", "driver", i->driver);
	out_str(o, "driver_override", detail ? "driver override" : NULL,
		i->driver_override);
	out_hex(o, "vendor_id", detail ? "vendor ID" : NULL, i->vendor_id, 4,
		i->pci[0]);
	out_hex(o, "device_id", detail ? "device ID" : NULL, i->device_id, 4,
		i->pci[0]);
	out_int(o, "iommu_group", "iommu", i->iommu_group,
		i->iommu_group != SRIOV_NO_VALUE);
	out_int(o, "numa_node", detail ? "numa" : NULL, i->numa_node,
		i->numa_node >= 0);
	known = sriov_vf_get_mtu(vf, &mtu) == 0;
	out_int(o, "mtu", "mtu", mtu, known);
	print_vf_config(o, sriov_vf_get_config(vf), detail);
	print_vf_port(cli, vf, detail);
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
	bool stats = cli_take_flag(&argc, argv, "--stats");
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pf *const *pfs;
	struct sriov_pf *pf;
	size_t n;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	if (argc > 2)
		return cli_error(cli, EXIT_USAGE, "usage: sriovctl vf list [PF] [--stats]");
	if (argc > 1) {
		r = sriov_pf_find(ctx, argv[1], &pf);
		if (r < 0)
			return cli_lib_error(cli, r, cli_exit_for(r));
		cli_read_vf_config(cli, pf, stats);
		out_list_begin(cli->out, NULL, NULL);
		list_pf_vfs(cli, pf);
		out_list_end(cli->out);
		return EXIT_OK;
	}
	r = sriov_pf_list(ctx, &pfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, r == -ENOENT ? EXIT_USAGE : EXIT_FAILED);
	for (size_t i = 0; i < n; i++)
		cli_read_vf_config(cli, pfs[i], stats);
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		list_pf_vfs(cli, pfs[i]);
	out_list_end(cli->out);
	return EXIT_OK;
}

static int vf_show(struct cli *cli, int argc, char **argv)
{
	bool stats = cli_take_flag(&argc, argv, "--stats");
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_vf **vfs;
	size_t n;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	if (argc != 2)
		return cli_error(cli, EXIT_USAGE, "usage: sriovctl vf show VFSPEC [--stats]");
	r = sriov_vf_spec_resolve(ctx, argv[1], &vfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	if (n > 0)
		cli_read_vf_config(cli, sriov_vf_get_pf(vfs[0]), stats);
	if (cli_spec_is_single(argv[1])) {
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
	{ "list", 0, 2, vf_list, "[PF] [--stats]", "list VFs, of one PF or of all" },
	{ "show", 1, 2, vf_show, "VFSPEC [--stats]", "show VFs: PF#N, PF#0-3,7 or a VF address" },
	{ "set", 2, -1, vf_set, "VFSPEC SETTING VALUE...",
	  "mac, vlan [qos] [proto], min/max-tx-rate, spoofchk, trust, state, query-rss, node/port-guid; switchdev: hw-addr, state active|inactive; or mtu alone" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
