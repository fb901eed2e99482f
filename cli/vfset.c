/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl vf set: the report of a settings change. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfconf.h"

static void print_fields(struct out *o, const char *key, const char *label,
			 uint32_t mask, uint32_t fn_mask)
{
	const char *names[19];
	size_t n = 0;

	for (uint32_t bit = 1; bit && n < 16; bit <<= 1)
		if ((mask & bit) && sriov_vf_field_name(bit))
			names[n++] = sriov_vf_field_name(bit);
	n = vf_port_fn_names(fn_mask, names, n);
	names[n] = NULL;
	out_strv(o, key, label, names);
}

static void print_errors(struct out *o, const struct sriov_vf_change *ch,
			 const struct sriov_port_fn_change *fn)
{
	out_list_begin(o, "errors", NULL);
	for (size_t e = 0; e < ch->n_errors; e++) {
		out_obj_begin(o, NULL, NULL);
		out_str(o, "field", NULL, sriov_vf_field_name(ch->errors[e].field));
		out_int(o, "errno", NULL, -ch->errors[e].error, true);
		out_str(o, "message", NULL, ch->errors[e].message);
		out_obj_end(o);
	}
	vf_port_fn_errors(o, fn);
	out_list_end(o);
}

/* fn: the VF's port function change, when vf set has port function words. */
static void print_change(struct cli *cli, const struct sriov_vf_change *ch,
			 const struct sriov_port_fn_change *fn)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(ch->vf);
	struct out *o = cli->out;
	char reason[512] = "";
	size_t len = 0;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", cli_vf_pf_name(ch->vf));
	out_int(o, "vf", "vf", i->index, true);
	out_str(o, "pci", "pci", i->pci[0] ? i->pci : NULL);
	out_str(o, "status", "status",
		ch->failed || (fn && fn->failed) ? "failed"
		: ch->changed || (fn && fn->changed) ? "changed" : "ok");
	print_fields(o, "changed", "changed", ch->changed, fn ? fn->changed : 0);
	print_fields(o, "failed", NULL, ch->failed, fn ? fn->failed : 0);
	for (size_t e = 0; e < ch->n_errors && len < sizeof(reason) - 64; e++)
		len += (size_t)snprintf(reason + len, sizeof(reason) - len,
					"%s%s: %s", len ? "; " : "",
					sriov_vf_field_name(ch->errors[e].field),
					ch->errors[e].message);
	len = vf_port_fn_reason(fn, reason, len, sizeof(reason));
	out_text(o, "failed", "%s", len ? reason : "-");
	print_errors(o, ch, fn);
	out_obj_begin(o, "before", NULL);
	print_vf_config(o, &ch->before, true);
	if (fn)
		vf_port_fn_print(o, &fn->before);
	out_obj_end(o);
	out_obj_begin(o, "after", NULL);
	print_vf_config(o, &ch->after, true);
	if (fn)
		vf_port_fn_print(o, &fn->after);
	out_obj_end(o);
	out_obj_end(o);
}

/* The GUIDs name one VF, as the MAC does (vf_macs_fill()). */
static int per_vf_check(struct cli *cli, const struct sriov_vf_config *want,
			size_t n)
{
	const struct sriov_vf_key *k;

	for (size_t i = 0; n > 1 && (k = sriov_vf_key_at(i)); i++)
		if (k->per_vf && k->field != SRIOV_VF_HAS_MAC &&
		    (want->mask & k->field))
			return cli_error(cli, EXIT_USAGE,
					 "%s names one VF: it cannot go to %zu VFs",
					 k->word, n);
	return 0;
}

/* vf set VFSPEC mtu N: the VFs' own netdevs, a report of its own. */
static int vf_set_mtu_only(struct cli *cli, int argc, char **argv,
			   unsigned int mtu)
{
	struct sriov_vf **vfs;
	size_t n;
	int r;

	if (argc > 2)
		return cli_error(cli, EXIT_USAGE,
				 "mtu is set on its own: sriovctl vf set VFSPEC mtu N");
	r = sriov_vf_spec_resolve(cli->ctx, argv[1], &vfs, &n);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	r = n == 0 ? cli_error(cli, EXIT_USAGE, "%s has no VFs", argv[1])
		   : vf_set_mtu(cli, vfs, n, mtu);
	free(vfs);
	return r;
}

int vf_set(struct cli *cli, int argc, char **argv)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config want, *desired;
	struct sriov_vf **vfs;
	struct sriov_port_fn_change *fn = NULL;
	struct sriov_port_fn_config fn_want;
	struct vf_macs macs;
	bool changed = false, has_mtu;
	unsigned int mtu = 0;
	size_t n, n_failed = 0;
	int r, nargs;

	if (!ctx)
		return EXIT_USAGE;
	r = cli_take_mtu(cli, &argc, argv, &has_mtu, &mtu);
	if (r || has_mtu)
		return r ? r : vf_set_mtu_only(cli, argc, argv, mtu);
	nargs = argc - 2;
	r = vf_take_port_fn(cli, &nargs, argv + 2, &fn_want);
	if (r == 0)
		r = parse_vf_settings_macs(cli, nargs, argv + 2, false, &want, &macs);
	if (r)
		return r;
	if (!want.mask && !fn_want.mask)
		return cli_error(cli, EXIT_USAGE,
				 "no setting given; try \"sriovctl vf help\"");
	r = sriov_vf_spec_resolve(ctx, argv[1], &vfs, &n);
	if (r < 0) {
		free(macs.list);
		return cli_lib_error(cli, r, cli_exit_for(r));
	}
	desired = calloc(n ? n : 1, sizeof(*desired));
	for (size_t i = 0; desired && i < n; i++)
		desired[i] = want;
	r = n == 0 ? cli_error(cli, EXIT_USAGE, "%s has no VFs", argv[1])
	     : !desired ? cli_error(cli, EXIT_FAILED, "out of memory")
	     : (fn_want.mask & SRIOV_PORT_FN_HAS_HW_ADDR) && n > 1
	     ? cli_error(cli, EXIT_USAGE, "hw-addr names one VF: it cannot go to %zu VFs", n)
	     : per_vf_check(cli, &want, n);
	if (r == 0)
		r = vf_macs_fill(cli, &macs, desired, n);
	free(macs.list);
	if (r) {
		free(desired);
		free(vfs);
		return r;
	}
	r = sriov_vf_set_config(vfs, desired, n, cli->dry_run, &rep);
	if (r == 0 && fn_want.mask)
		r = sriov_vf_set_port_function(vfs, n, &fn_want, cli->dry_run, &fn);
	free(desired);
	free(vfs);
	if (r < 0) {
		sriov_vf_change_report_free(rep);
		return cli_lib_error(cli, r, cli_exit_for(r));
	}
	for (size_t i = 0; i < rep->n; i++) {
		changed = changed || rep->vfs[i].changed || (fn && fn[i].changed);
		n_failed += rep->vfs[i].failed || (fn && fn[i].failed);
	}
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, changed);
	out_yesno(cli->out, "dry_run", NULL, cli->dry_run);
	out_list_begin(cli->out, "results", cli->dry_run ? "planned" : "results");
	for (size_t i = 0; i < rep->n; i++)
		print_change(cli, &rep->vfs[i], fn ? &fn[i] : NULL);
	out_list_end(cli->out);
	cli_report_notes(cli);
	r = n_failed ? EXIT_FAILED : EXIT_OK;
	if (r)
		cli_report_error(cli, r, "%zu of %zu VFs have settings that failed",
				 n_failed, rep->n);
	out_obj_end(cli->out);
	sriov_vf_change_report_free(rep);
	free(fn);
	return r;
}
