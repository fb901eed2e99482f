/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTUs on the command line: vf set VFSPEC mtu N, and pf set's mtu. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_mtu(struct cli *cli, const char *s, unsigned int *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s < '0' || *s > '9' || v > 0xffffffffUL)
		return cli_error(cli, EXIT_USAGE,
				 "invalid MTU \"%s\": expected a number from %d to %d",
				 s, SRIOV_MTU_MIN, SRIOV_MTU_MAX);
	*ret = (unsigned int)v;
	return 0;
}

int cli_take_mtu(struct cli *cli, int *argc, char **argv, bool *ret_given,
		 unsigned int *ret_mtu)
{
	const char *v;

	*ret_given = false;
	if (cli_take_option(argc, argv, "mtu", &v) < 0)
		return cli_error(cli, EXIT_USAGE, "\"mtu\" needs a value");
	if (!v)
		return 0;
	*ret_given = true;
	return cli_parse_mtu(cli, v, ret_mtu);
}

/* One VF of vf set ... mtu N: before, after, and why it failed. */
struct vf_mtu {
	struct sriov_vf *vf;
	struct sriov_mtu_change ch;
	int error;               /* -errno, 0 */
	char *message;
};

static void print_vf_mtu(struct cli *cli, const struct vf_mtu *m)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(m->vf);
	struct out *o = cli->out;
	unsigned int cur = 0;
	bool known = !m->error || sriov_vf_get_mtu(m->vf, &cur) == 0;

	if (!m->error)
		cur = m->ch.before;
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", cli_vf_pf_name(m->vf));
	out_int(o, "vf", "vf", i->index, true);
	out_str(o, "pci", "pci", i->pci[0] ? i->pci : NULL);
	out_str(o, "netdev", "netdev", i->netdev);
	out_str(o, "status", "status",
		m->error ? "failed" : m->ch.changed ? "changed" : "ok");
	out_int(o, "mtu_before", "mtu before", cur, known);
	out_int(o, "mtu", "mtu", m->error ? cur : m->ch.after, known);
	out_int(o, "errno", NULL, -m->error, m->error != 0);
	out_str(o, "error", "error", m->message);
	out_obj_end(o);
}

/*
 * Every VF is checked first (a dry run of each): a value out of range or
 * above a PF's MTU is bad input, nothing is touched. A VF without a host
 * netdev fails alone.
 */
static int check_all(struct cli *cli, struct vf_mtu *m, size_t n,
		     unsigned int mtu)
{
	for (size_t i = 0; i < n; i++) {
		int r = sriov_vf_set_mtu(m[i].vf, mtu, SRIOV_MTU_DRY_RUN, &m[i].ch);

		if (r == -ENODEV) {
			m[i].error = r;
			m[i].message = strdup(sriov_ctx_last_error(cli->ctx));
		} else if (r < 0) {
			return cli_lib_error(cli, r, cli_exit_for(r));
		}
	}
	return 0;
}

static void set_all(struct cli *cli, struct vf_mtu *m, size_t n,
		    unsigned int mtu)
{
	for (size_t i = 0; i < n; i++) {
		int r;

		if (m[i].error)
			continue;
		r = sriov_vf_set_mtu(m[i].vf, mtu, 0, &m[i].ch);
		if (r < 0) {
			m[i].error = r;
			m[i].message = strdup(sriov_ctx_last_error(cli->ctx));
		}
	}
}

static int report(struct cli *cli, struct vf_mtu *m, size_t n,
		  unsigned int mtu)
{
	size_t n_failed = 0;
	bool changed = false;

	for (size_t i = 0; i < n; i++) {
		n_failed += m[i].error != 0;
		changed = changed || (!m[i].error && m[i].ch.changed);
	}
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, changed);
	out_yesno(cli->out, "dry_run", NULL, cli->dry_run);
	out_int(cli->out, "mtu", NULL, mtu, true);
	out_list_begin(cli->out, "results", cli->dry_run ? "planned" : "results");
	for (size_t i = 0; i < n; i++)
		print_vf_mtu(cli, &m[i]);
	out_list_end(cli->out);
	cli_report_notes(cli);
	if (n_failed)
		cli_report_error(cli, EXIT_FAILED, "%zu of %zu VFs failed", n_failed, n);
	out_obj_end(cli->out);
	return n_failed ? EXIT_FAILED : EXIT_OK;
}

int vf_set_mtu(struct cli *cli, struct sriov_vf **vfs, size_t n,
	       unsigned int mtu)
{
	struct vf_mtu *m = calloc(n ? n : 1, sizeof(*m));
	int r;

	if (!m)
		return cli_error(cli, EXIT_FAILED, "out of memory");
	for (size_t i = 0; i < n; i++)
		m[i].vf = vfs[i];
	r = check_all(cli, m, n, mtu);
	if (r == 0 && !cli->dry_run)
		set_all(cli, m, n, mtu);
	if (r == 0)
		r = report(cli, m, n, mtu);
	for (size_t i = 0; i < n; i++)
		free(m[i].message);
	free(m);
	return r;
}
