/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl pf set / pf disable: the VF count, autoprobe and the MTU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * The report, also when the change failed part-way or was refused: then
 * it carries the error (JSON) or is followed by it on stderr (text).
 */
/* pf set's mtu: asked for, and what it did when it got that far. */
struct mtu_part {
	bool asked;
	bool done;
	unsigned int mtu;
	struct sriov_mtu_change ch;
};

/* The PF's MTU before and after; as it is now when not asked (or failed). */
static void print_mtu(struct out *o, const struct sriov_pf *pf,
		      const struct mtu_part *m)
{
	unsigned int cur = 0;
	bool known;

	if (m && m->done) {
		out_int(o, "mtu_before", "MTU before", m->ch.before, true);
		out_int(o, "mtu", "MTU", m->ch.after, true);
		return;
	}
	known = pf && sriov_pf_get_mtu(pf, &cur) == 0;
	out_int(o, "mtu_before", NULL, cur, known);
	out_int(o, "mtu", "MTU", cur, known);
}

static void print_report(struct cli *cli, const struct sriov_pf *pf,
			 const char *pci, const struct sriov_numvfs_report *rep,
			 const struct mtu_part *m, int code, const char *error)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", pci);
	out_yesno(o, "changed", "changed",
		  rep->changed || (m && m->done && m->ch.changed));
	out_yesno(o, "dry_run", NULL, cli->dry_run);
	out_int(o, "num_vfs_before", "VFs before", rep->num_vfs_before,
		rep->num_vfs_before != SRIOV_NO_VALUE);
	out_int(o, "num_vfs", "VFs", rep->num_vfs_after,
		rep->num_vfs_after != SRIOV_NO_VALUE);
	out_bool(o, "drivers_autoprobe_before", NULL,
		 rep->autoprobe_before == SRIOV_NO_VALUE ? -1 : rep->autoprobe_before);
	out_bool(o, "drivers_autoprobe", "autoprobe",
		 rep->autoprobe_after == SRIOV_NO_VALUE ? -1 : rep->autoprobe_after);
	out_yesno(o, "timed_out", NULL, rep->timed_out);
	print_mtu(o, pf, m);
	out_list_begin(o, "vfs", "VFs");
	for (size_t i = 0; i < rep->n_vfs; i++) {
		const struct sriov_vf_status *s = &rep->vfs[i];

		out_obj_begin(o, NULL, NULL);
		out_int(o, "vf", "vf", s->index, true);
		out_str(o, "pci", "pci", s->pci[0] ? s->pci : NULL);
		out_str(o, "driver", "driver", s->driver);
		out_str(o, "netdev", "netdev", s->netdev);
		out_yesno(o, "ready", NULL, s->ready);
		out_str(o, "state", "state", s->state);
		out_obj_end(o);
	}
	out_list_end(o);
	cli_report_notes(cli);
	if (error)
		cli_report_error(cli, code, "%s", error);
	out_obj_end(o);
}

static int parse_count(struct cli *cli, const char *s, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0 || v > 65535 || *s == '+' || *s == ' ')
		return cli_error(cli, EXIT_USAGE,
				 "invalid VF count \"%s\": expected a number from 0 to the PF's total", s);
	*ret = (int)v;
	return 0;
}

/* The report of a pf set that changes no VF count: the PF as it is. */
static struct sriov_numvfs_report report_now(const struct sriov_pf *pf)
{
	const struct sriov_pf_info *i = sriov_pf_get_info(pf);

	return (struct sriov_numvfs_report){
		.num_vfs_before = i->num_vfs, .num_vfs_after = i->num_vfs,
		.autoprobe_before = i->drivers_autoprobe,
		.autoprobe_after = i->drivers_autoprobe,
	};
}

static unsigned int mtu_flags(const struct cli *cli)
{
	return (cli->dry_run ? SRIOV_MTU_DRY_RUN : 0) |
	       (cli->force ? SRIOV_MTU_FORCE : 0);
}

static int run_set_pf(struct cli *cli, struct sriov_pf *pf,
		      struct sriov_numvfs_opts *o, struct mtu_part *m)
{
	struct sriov_ctx *ctx = cli->ctx;
	struct sriov_numvfs_report *rep = NULL, now = report_now(pf);
	char pci[SRIOV_PCI_ADDR_STRLEN], err[1024];
	int r = 0;

	memcpy(pci, sriov_pf_get_info(pf)->pci, sizeof(pci));
	o->force = cli->force;
	o->dry_run = cli->dry_run;
	if (o->num_vfs >= 0) {
		r = sriov_pf_set_num_vfs(pf, o, &rep);
		if (!rep)
			return r < 0 ? cli_lib_error(cli, r, cli_exit_for(r)) : EXIT_OK;
	}
	/* the VF count first: the MTU is checked against the VFs there are */
	if (r == 0 && m && m->asked) {
		r = sriov_pf_set_mtu(pf, m->mtu, mtu_flags(cli), &m->ch);
		m->done = r == 0;
	}
	snprintf(err, sizeof(err), "%s", r < 0 ? sriov_ctx_last_error(ctx) : "");
	print_report(cli, pf, pci, rep ? rep : &now, m, cli_exit_for(r),
		     r < 0 ? err : NULL);
	sriov_numvfs_report_free(rep);
	return r < 0 ? cli_exit_for(r) : EXIT_OK;
}

static int run_set(struct cli *cli, const char *name,
		   struct sriov_numvfs_opts *o, struct mtu_part *m)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_mtu_change plan;
	struct sriov_pf *pf;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	r = sriov_pf_find(ctx, name, &pf);
	if (r < 0)
		return cli_lib_error(cli, r, EXIT_USAGE);
	/* a bad MTU touches nothing, the VF count included */
	if (m->asked) {
		r = sriov_pf_set_mtu(pf, m->mtu, mtu_flags(cli) | SRIOV_MTU_DRY_RUN,
				     &plan);
		if (r < 0)
			return cli_lib_error(cli, r, cli_exit_for(r));
	}
	return run_set_pf(cli, pf, o, m);
}

int pf_set(struct cli *cli, int argc, char **argv)
{
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .num_vfs = -1,
				       .autoprobe = -1 };
	struct mtu_part m = { 0 };
	const char *eswitch = NULL;
	int r = cli_take_timeout(cli, &argc, argv, &o.timeout_ms);

	for (int i = 2; r == 0 && i < argc; i += 2) {
		if (i + 1 >= argc)
			return cli_error(cli, EXIT_USAGE, "\"%s\" needs a value",
					 argv[i]);
		if (!strcmp(argv[i], "eswitch") && !eswitch)
			eswitch = argv[i + 1];
		else if (!strcmp(argv[i], "eswitch"))
			return cli_error(cli, EXIT_USAGE, "eswitch given twice");
		else if (!strcmp(argv[i], "num-vfs"))
			r = parse_count(cli, argv[i + 1], &o.num_vfs);
		else if (!strcmp(argv[i], "mtu") && !m.asked) {
			r = cli_parse_mtu(cli, argv[i + 1], &m.mtu);
			m.asked = true;
		} else if (!strcmp(argv[i], "mtu"))
			return cli_error(cli, EXIT_USAGE, "mtu given twice");
		else if (!strcmp(argv[i], "autoprobe") &&
			 (!strcmp(argv[i + 1], "on") || !strcmp(argv[i + 1], "off")))
			o.autoprobe = !strcmp(argv[i + 1], "on");
		else if (!strcmp(argv[i], "autoprobe"))
			return cli_error(cli, EXIT_USAGE,
					 "invalid autoprobe \"%s\": expected on or off",
					 argv[i + 1]);
		else
			return cli_error(cli, EXIT_USAGE,
					 "unknown PF setting \"%s\"; try \"sriovctl pf help\"",
					 argv[i]);
	}
	if (r)
		return r;
	if (eswitch && (o.num_vfs >= 0 || o.autoprobe >= 0 || m.asked))
		return cli_error(cli, EXIT_USAGE,
				 "eswitch is set on its own, not with num-vfs, autoprobe or mtu");
	if (eswitch)
		return pf_set_eswitch(cli, argv[1], eswitch, o.timeout_ms);
	if (o.num_vfs < 0 && (!m.asked || o.autoprobe >= 0))
		return cli_error(cli, EXIT_USAGE,
				 "usage: sriovctl pf set PF {num-vfs N [autoprobe on|off] | mtu N}... | eswitch legacy|switchdev [--timeout SEC]");
	return run_set(cli, argv[1], &o, &m);
}

/* A device without SR-IOV has no VFs to remove: nothing to do. */
static int disable_nothing(struct cli *cli, const char *name)
{
	struct sriov_numvfs_report rep = { .autoprobe_before = SRIOV_NO_VALUE,
					   .autoprobe_after = SRIOV_NO_VALUE };
	struct sriov_pci_addr a;
	char pci[SRIOV_PCI_ADDR_STRLEN];

	if (sriov_pci_addr_parse(name, &a) == 0)
		sriov_pci_addr_format(&a, pci);
	else
		snprintf(pci, sizeof(pci), "%s", name);
	if (!cli->json && !cli->quiet)
		text_write_line(stderr, "sriovctl: %s: no SR-IOV, no VFs to remove", name);
	print_report(cli, NULL, pci, &rep, NULL, EXIT_OK, NULL);
	return EXIT_OK;
}

int pf_disable(struct cli *cli, int argc, char **argv)
{
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .autoprobe = -1 };
	struct sriov_ctx *ctx;
	struct sriov_pf *pf;
	int r = cli_take_timeout(cli, &argc, argv, &o.timeout_ms);

	if (r)
		return r;
	if (argc != 2)
		return cli_error(cli, EXIT_USAGE,
				 "usage: sriovctl pf disable PF [--timeout SEC]");
	ctx = cli_ctx(cli);
	if (!ctx)
		return EXIT_USAGE;
	r = sriov_pf_find(ctx, argv[1], &pf);
	if (r == -EOPNOTSUPP)
		return disable_nothing(cli, argv[1]);
	if (r < 0)
		return cli_lib_error(cli, r, EXIT_USAGE);
	return run_set_pf(cli, pf, &o, NULL);
}
