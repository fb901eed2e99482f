/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriovctl rate: devlink rate objects of the embedded switch (switchdev
 * mode): VF leaves and named nodes, tx_share/tx_max and a parent node.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sriov/rate.h"

static const char rate_units_hint[] =
	"a number and a unit: 100mbit, 1gbit, 500kbit, 12500000bps; a plain number is Mbit/s";

/* The PF as users name it: its PCI address, or its device (netdevsim1). */
static const char *pf_name(const struct sriov_pf *pf)
{
	const struct sriov_pf_info *i = pf ? sriov_pf_get_info(pf) : NULL;

	return !i ? NULL : i->pci[0] ? i->pci : i->dev_name;
}

static void print_rate_value(struct out *o, const char *key, uint64_t bytes)
{
	char text[32];

	out_int(o, key, NULL, (long long)bytes, true);
	if (sriov_rate_format(bytes, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "%llubps", (unsigned long long)bytes);
	out_text(o, key, "%s", text);
}

static void print_values(struct out *o, const struct sriov_rate_config *c)
{
	print_rate_value(o, "tx_share", c->tx_share);
	print_rate_value(o, "tx_max", c->tx_max);
	out_str(o, "parent", "parent", c->parent[0] ? c->parent : NULL);
}

/* What the object is: pf, handle, type, name, vf, port. */
static void print_ident(struct out *o, const struct sriov_rate *r)
{
	out_str(o, "pf", "pf", pf_name(r->pf));
	out_str(o, "handle", NULL, r->handle);
	out_str(o, "type", NULL, r->is_node ? "node" : "leaf");
	out_str(o, "name", NULL, r->is_node ? r->name : NULL);
	out_int(o, "vf", NULL, r->vf, r->vf != SRIOV_NO_VALUE);
	if (r->is_node)
		out_text(o, "rate", "node %s", r->name);
	else if (r->vf != SRIOV_NO_VALUE)
		out_text(o, "rate", "vf %d", r->vf);
	else
		out_text(o, "rate", "port %d", r->port_index);
	if (r->is_node) {
		out_str(o, "port", NULL, NULL);
	} else {
		char port[SRIOV_RATE_HANDLE_STRLEN + 16];

		snprintf(port, sizeof(port), "%s/%d", r->handle, r->port_index);
		out_str(o, "port", NULL, port);
	}
}

static int rate_list(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_rate *rates = NULL;
	struct sriov_pf *pf = NULL;
	size_t n = 0;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	if (argc > 1 && (r = sriov_pf_find(ctx, argv[1], &pf)) < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	r = sriov_rate_list(ctx, pf, &rates, &n);
	if (r < 0)
		return cli_lib_error(cli, r, r == -ENODEV ? EXIT_FAILED : cli_exit_for(r));
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		out_obj_begin(cli->out, NULL, NULL);
		print_ident(cli->out, &rates[i]);
		print_values(cli->out, &rates[i].config);
		out_obj_end(cli->out);
	}
	out_list_end(cli->out);
	free(rates);
	return EXIT_OK;
}

static int take_rate(struct cli *cli, const char *word, const char *value,
		     uint64_t *ret)
{
	int r = sriov_rate_parse(value, ret);

	if (r == -ERANGE)
		return cli_error(cli, EXIT_USAGE,
				 "%s %s: not a whole number of bytes per second, or too large",
				 word, value);
	if (r < 0)
		return cli_error(cli, EXIT_USAGE, "invalid rate \"%s\" for %s: %s",
				 value, word, rate_units_hint);
	return 0;
}

/* tx-share RATE, tx-max RATE, parent NODE, noparent (when allowed). */
static int parse_settings(struct cli *cli, int argc, char **argv,
			  bool noparent_ok, struct sriov_rate_config *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		uint32_t bit = !strcmp(w, "tx-share") ? SRIOV_RATE_HAS_TX_SHARE
			     : !strcmp(w, "tx-max") ? SRIOV_RATE_HAS_TX_MAX
			     : !strcmp(w, "parent") || (noparent_ok && !strcmp(w, "noparent"))
			     ? SRIOV_RATE_HAS_PARENT : 0;
		int r = 0;

		if (!bit)
			return cli_error(cli, EXIT_USAGE,
					 "unknown rate setting \"%s\"; expected tx-share, tx-max, parent%s",
					 w, noparent_ok ? " or noparent" : "");
		if (ret->mask & bit)
			return cli_error(cli, EXIT_USAGE, "%s given twice", w);
		ret->mask |= bit;
		if (!strcmp(w, "noparent"))
			continue;
		if (++i >= argc)
			return cli_error(cli, EXIT_USAGE, "%s needs a value", w);
		if (bit == SRIOV_RATE_HAS_PARENT) {
			if (strlen(argv[i]) >= sizeof(ret->parent) || !argv[i][0])
				return cli_error(cli, EXIT_USAGE, "invalid rate node name \"%s\"",
						 argv[i]);
			snprintf(ret->parent, sizeof(ret->parent), "%s", argv[i]);
		} else {
			r = take_rate(cli, w, argv[i],
				      bit == SRIOV_RATE_HAS_TX_MAX ? &ret->tx_max
								   : &ret->tx_share);
		}
		if (r)
			return r;
	}
	return 0;
}

static void print_fields(struct out *o, uint32_t mask)
{
	const char *names[4];
	size_t n = 0;

	if (mask & SRIOV_RATE_HAS_TX_SHARE)
		names[n++] = "tx_share";
	if (mask & SRIOV_RATE_HAS_TX_MAX)
		names[n++] = "tx_max";
	if (mask & SRIOV_RATE_HAS_PARENT)
		names[n++] = "parent";
	names[n] = NULL;
	out_strv(o, "changed", "changed", names);
}

static const char *change_status(const struct sriov_rate_change *ch)
{
	if (!ch->existed && ch->exists)
		return "created";
	if (ch->existed && !ch->exists)
		return "deleted";
	if (!ch->existed)
		return "absent";
	return ch->changed ? "changed" : "ok";
}

static void print_change(struct out *o, const struct sriov_rate_change *ch)
{
	const struct sriov_rate *now = ch->exists ? &ch->after : &ch->before;

	out_obj_begin(o, NULL, NULL);
	print_ident(o, now);
	out_str(o, "status", "status", change_status(ch));
	print_fields(o, ch->changed);
	if (ch->exists)
		print_values(o, &ch->after.config);
	if (ch->existed) {
		out_obj_begin(o, "before", NULL);
		print_values(o, &ch->before.config);
		out_obj_end(o);
	} else {
		out_str(o, "before", NULL, NULL);
	}
	if (ch->exists) {
		out_obj_begin(o, "after", NULL);
		print_values(o, &ch->after.config);
		out_obj_end(o);
	} else {
		out_str(o, "after", NULL, NULL);
	}
	out_obj_end(o);
}

static int report(struct cli *cli, const struct sriov_rate_change *ch, size_t n)
{
	bool changed = false;

	for (size_t i = 0; i < n; i++)
		changed = changed || ch[i].changed || ch[i].existed != ch[i].exists;
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, changed);
	out_yesno(cli->out, "dry_run", NULL, cli->dry_run);
	out_list_begin(cli->out, "results", cli->dry_run ? "planned" : "results");
	for (size_t i = 0; i < n; i++)
		print_change(cli->out, &ch[i]);
	out_list_end(cli->out);
	out_obj_end(cli->out);
	return EXIT_OK;
}

/* Exit codes of a change: what the kernel refuses as invalid is bad input. */
static int change_error(struct cli *cli, int r)
{
	return cli_lib_error(cli, r, r == -EEXIST ? EXIT_USAGE : cli_exit_for(r));
}

/* "PF/NODE": the PF and where the node name starts. */
static int split_node(struct cli *cli, char *arg, struct sriov_pf **ret_pf,
		      const char **ret_name)
{
	char *slash = strrchr(arg, '/');
	int r;

	if (!slash || slash == arg || !slash[1])
		return cli_error(cli, EXIT_USAGE, "\"%s\": expected PF/NODE", arg);
	*slash = '\0';
	r = sriov_pf_find(cli->ctx, arg, ret_pf);
	*slash = '/';
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	*ret_name = slash + 1;
	return 0;
}

/* rate set changes a node, never adds one. */
static int node_must_exist(struct cli *cli, struct sriov_pf *pf, const char *name)
{
	struct sriov_rate *rates = NULL;
	bool found = false;
	size_t n = 0;
	int r = sriov_rate_list(cli->ctx, pf, &rates, &n);

	if (r < 0)
		return change_error(cli, r);
	for (size_t i = 0; i < n; i++)
		found = found || (rates[i].is_node && !strcmp(rates[i].name, name));
	free(rates);
	if (!found)
		return cli_error(cli, EXIT_USAGE,
				 "rate node \"%s\" does not exist on %s; add it with sriovctl rate add %s/%s",
				 name, pf_name(pf), pf_name(pf), name);
	return 0;
}

static int set_node(struct cli *cli, char *target,
		    const struct sriov_rate_config *cfg, bool create_only)
{
	struct sriov_rate_change ch;
	struct sriov_pf *pf;
	const char *name;
	int r = split_node(cli, target, &pf, &name);

	if (r == 0 && !create_only)
		r = node_must_exist(cli, pf, name);
	if (r)
		return r;
	r = sriov_pf_rate_node_set(pf, name, cfg, create_only, cli->dry_run, &ch);
	if (r < 0)
		return change_error(cli, r);
	return report(cli, &ch, 1);
}

static int set_vfs(struct cli *cli, const char *spec,
		   const struct sriov_rate_config *cfg)
{
	struct sriov_rate_change *ch = NULL;
	struct sriov_vf **vfs = NULL;
	size_t n = 0;
	int r = sriov_vf_spec_resolve(cli->ctx, spec, &vfs, &n);

	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	if (n == 0) {
		free(vfs);
		return cli_error(cli, EXIT_USAGE, "%s has no VFs", spec);
	}
	r = sriov_vf_set_rate(vfs, n, cfg, cli->dry_run, &ch);
	free(vfs);
	if (r < 0)
		return change_error(cli, r);
	r = report(cli, ch, n);
	free(ch);
	return r;
}

static int rate_set(struct cli *cli, int argc, char **argv)
{
	struct sriov_rate_config cfg;
	int r;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = parse_settings(cli, argc - 2, argv + 2, true, &cfg);
	if (r)
		return r;
	if (!cfg.mask)
		return cli_error(cli, EXIT_USAGE, "no setting given; try \"sriovctl rate help\"");
	if (strchr(argv[1], '/'))
		return set_node(cli, argv[1], &cfg, false);
	return set_vfs(cli, argv[1], &cfg);
}

static int rate_add(struct cli *cli, int argc, char **argv)
{
	struct sriov_rate_config cfg;
	int r;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = parse_settings(cli, argc - 2, argv + 2, false, &cfg);
	return r ? r : set_node(cli, argv[1], &cfg, true);
}

static int rate_del(struct cli *cli, int argc, char **argv)
{
	struct sriov_rate_change ch;
	struct sriov_pf *pf;
	const char *name;
	int r;

	(void)argc;
	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = split_node(cli, argv[1], &pf, &name);
	if (r)
		return r;
	r = sriov_pf_rate_node_del(pf, name, cli->dry_run, &ch);
	if (r < 0)
		return change_error(cli, r);
	return report(cli, &ch, 1);
}

const struct verb rate_verbs[] = {
	{ "list", 0, 1, rate_list, "[PF]", "list rate leaves (VFs) and nodes with their rates" },
	{ "set", 2, -1, rate_set, "VFSPEC|PF/NODE [tx-share RATE] [tx-max RATE] [parent NODE|noparent]",
	  "set VF leaves or a node (RATE: 100mbit, 1gbit, 500kbit, 12500000bps; plain = Mbit/s)" },
	{ "add", 1, -1, rate_add, "PF/NODE [tx-share RATE] [tx-max RATE] [parent NODE]",
	  "add a rate node" },
	{ "del", 1, 1, rate_del, "PF/NODE", "delete a rate node" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
