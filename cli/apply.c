/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl apply: converge the host to desired-state files (sriovctl.conf(5)). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfconf.h"
#include "sriov/apply.h"

static const char apply_help[] =
	"Usage: sriovctl [OPTIONS] apply [--check] [--diff] [--pf PF]\n"
	"                [--timeout SEC] FILE|DIR|-...\n"
	"       sriovctl apply --recover [--check]\n"
	"       sriovctl apply --schema\n"
	"Converges the host to the desired state in FILE (YAML or JSON), in every\n"
	"*.yaml, *.yml and *.json file of DIR, or on standard input (-). See\n"
	"sriovctl.conf(5) for the format and sriovctl-apply(8).\n"
	"  --check        show the plan, change nothing (also -n)\n"
	"  --diff         show each changed field, before and after\n"
	"  --pf PF        only the entry that selects this PF (udev)\n"
	"  --timeout SEC  bound on each step's writes and waits (default 30)\n"
	"  --recover      put back the PFs of an apply that was killed (its journal)\n"
	"  --schema       print the JSON Schema of the format\n"
	"  --force        allow changing a VF count N -> M (destroys the VFs)\n";

struct apply_args {
	bool check;
	bool diff;
	bool schema;
	bool recover;
	const char *pf;
	int timeout_ms;
};

static int parse_args(struct cli *cli, int *argc, char **argv,
		      struct apply_args *a)
{
	int r;

	a->check = cli_take_flag(argc, argv, "--check") || cli->dry_run;
	a->diff = cli_take_flag(argc, argv, "--diff");
	a->schema = cli_take_flag(argc, argv, "--schema");
	a->recover = cli_take_flag(argc, argv, "--recover");
	if (cli_take_option(argc, argv, "--pf", &a->pf) < 0)
		return cli_error(cli, EXIT_USAGE, "--pf needs a PF");
	r = cli_take_timeout(cli, argc, argv, &a->timeout_ms);
	if (r)
		return r;
	for (int i = 1; i < *argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_error(cli, EXIT_USAGE,
					 "unknown option \"%s\"; try \"sriovctl apply help\"",
					 argv[i]);
	if ((a->schema || a->recover) && *argc > 1)
		return cli_error(cli, EXIT_USAGE, "--%s takes no files",
				 a->schema ? "schema" : "recover");
	if (!a->schema && !a->recover && *argc < 2)
		return cli_error(cli, EXIT_USAGE,
				 "usage: sriovctl apply [--check] [--diff] [--pf PF] FILE|DIR|-...");
	return 0;
}

static int read_stdin(char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nb;
	size_t got;

	while (buf && (got = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += got;
		if (len == cap && (nb = realloc(buf, cap *= 2)))
			buf = nb;
		else if (len == cap)
			break;
	}
	if (!buf || ferror(stdin) || len == cap) {
		free(buf);
		return -EIO;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

static int load(struct cli *cli, struct sriov_ctx *ctx, int argc, char **argv,
		struct sriov_desired **ret)
{
	struct sriov_desired *d;
	int r = sriov_desired_new(&d);

	for (int i = 1; r == 0 && i < argc; i++) {
		char *text = NULL;
		size_t len = 0;

		if (strcmp(argv[i], "-") != 0) {
			r = sriov_desired_add_path(ctx, d, argv[i]);
			continue;
		}
		r = read_stdin(&text, &len);
		if (r < 0) {
			sriov_desired_free(d);
			return cli_error(cli, EXIT_USAGE, "cannot read standard input");
		}
		r = sriov_desired_add_text(ctx, d, "<stdin>", text, len);
		free(text);
	}
	if (r < 0) {
		sriov_desired_free(d);
		return cli_lib_error(cli, r, r == -ENOMEM ? EXIT_FAILED : EXIT_USAGE);
	}
	*ret = d;
	return 0;
}

/*
 * One field as text for --diff: its keys' values, a part that is a number
 * after its word ("10 qos 0 802.1Q"); "-" when not known.
 */
static void field_text(const struct sriov_vf_config *c, uint32_t field,
		       char *buf, size_t size)
{
	const struct sriov_vf_key *k;
	char text[SRIOV_VF_VALUE_STRLEN];
	size_t len = 0;

	snprintf(buf, size, "-");
	for (size_t i = 0; (c->mask & field) && (k = sriov_vf_key_at(i)); i++) {
		bool named = k->part && k->type == SRIOV_VF_VALUE_NUMBER;

		if (k->field != field || len >= size ||
		    sriov_vf_key_format(k, c, text, sizeof(text)) < 0)
			continue;
		if (k->type == SRIOV_VF_VALUE_BOOL)
			snprintf(text, sizeof(text), "%s",
				 !strcmp(text, "true") ? "on" : "off");
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s",
					len ? " " : "", named ? k->word : "",
					named ? " " : "", text);
	}
}

static void emit_side(struct out *o, const char *key,
		      const struct sriov_apply_result *r, bool after)
{
	int v = after ? r->after : r->before;
	const char *s = after ? r->str_after : r->str_before;

	if (r->action == SRIOV_APPLY_FIND_PF) {
		out_str(o, key, NULL, NULL);
		return;
	}
	out_obj_begin(o, key, NULL);
	switch (r->action) {
	case SRIOV_APPLY_AUTOPROBE:
		out_bool(o, "autoprobe", NULL, v == SRIOV_NO_VALUE ? -1 : v);
		break;
	case SRIOV_APPLY_NUM_VFS:
		out_int(o, "num_vfs", NULL, v, v != SRIOV_NO_VALUE);
		break;
	case SRIOV_APPLY_MTU:
		out_int(o, "mtu", NULL, v, v != SRIOV_NO_VALUE);
		break;
	case SRIOV_APPLY_VF_CONFIG:
		print_vf_settings(o, after ? &r->config_after : &r->config_before,
				  r->fields, VF_LABELS_NONE);
		break;
	default:
		out_str(o, sriov_apply_action_name(r->action), NULL, s);
	}
	out_obj_end(o);
}

static uint32_t changed_mask(const struct sriov_apply_result *r)
{
	if (r->action == SRIOV_APPLY_VF_CONFIG)
		return r->changed;
	return r->status == SRIOV_APPLY_CHANGED || r->rolled_back;
}

static void emit_changed(struct out *o, const struct sriov_apply_result *r)
{
	const char *names[17];
	uint32_t m = changed_mask(r);
	size_t n = 0;

	if (r->action != SRIOV_APPLY_VF_CONFIG && m)
		names[n++] = sriov_apply_action_name(r->action);
	for (uint32_t bit = 1; r->action == SRIOV_APPLY_VF_CONFIG && bit &&
			       n < 16; bit <<= 1)
		if (m & bit)
			names[n++] = sriov_vf_field_name(bit);
	names[n] = NULL;
	out_strv(o, "changed_fields", NULL, names);
}

/* A number, or a switch (autoprobe) as on/off; "-" when not known. */
static void int_text(int v, bool is_bool, char *buf, size_t size)
{
	if (v == SRIOV_NO_VALUE)
		snprintf(buf, size, "-");
	else if (is_bool)
		snprintf(buf, size, "%s", v ? "on" : "off");
	else
		snprintf(buf, size, "%d", v);
}

/* sep and s after the len characters of buf, as far as they fit. */
static size_t append(char *buf, size_t size, size_t len, const char *sep,
		     const char *s)
{
	size_t a = strlen(sep), b = strlen(s);

	if (len + a + b >= size)
		return len;
	memcpy(buf + len, sep, a);
	memcpy(buf + len + a, s, b + 1);
	return len + a + b;
}

/* The text table's last column: what changed, or why it failed. */
static void detail_text(const struct sriov_apply_result *r, char *buf,
			size_t size)
{
	size_t len = 0;

	char b[64], a[64];
	bool is_bool = r->action == SRIOV_APPLY_AUTOPROBE;

	buf[0] = '\0';
	if (r->reason) {
		snprintf(buf, size, "%s", r->reason);
	} else if (is_bool || r->action == SRIOV_APPLY_NUM_VFS ||
		   r->action == SRIOV_APPLY_MTU) {
		int_text(r->before, is_bool, b, sizeof(b));
		int_text(r->after, is_bool, a, sizeof(a));
		snprintf(buf, size, r->before == r->after ? "%s" : "%s -> %s",
			 r->before == r->after ? a : b, a);
	} else if (r->action == SRIOV_APPLY_DRIVER ||
		   r->action == SRIOV_APPLY_OWNER ||
		   r->action == SRIOV_APPLY_ESWITCH ||
		   r->action == SRIOV_APPLY_RATE_NODE ||
		   r->action == SRIOV_APPLY_RATE) {
		snprintf(buf, size, r->status == SRIOV_APPLY_OK ? "%s" : "%s -> %s",
			 r->status == SRIOV_APPLY_OK && r->str_after ? r->str_after
			 : r->str_before ? r->str_before : "-",
			 r->str_after ? r->str_after : "-");
	} else if (r->action == SRIOV_APPLY_VF_CONFIG)
		for (uint32_t bit = 1; bit; bit <<= 1)
			if (r->changed & bit)
				len = append(buf, size, len, len ? ", " : "",
					     sriov_vf_field_name(bit));
}

static void emit_result(struct out *o, const struct sriov_apply_result *r)
{
	char detail[600];

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pf", "pf", r->pf);
	out_int(o, "vf", "vf", r->vf, r->vf >= 0);
	out_str(o, "action", "action", sriov_apply_action_name(r->action));
	out_str(o, "status", "status", sriov_apply_status_name(r->status));
	emit_side(o, "before", r, false);
	emit_side(o, "after", r, true);
	emit_changed(o, r);
	out_yesno(o, "rolled_back", NULL, r->rolled_back);
	out_int(o, "errno", NULL, -r->error, r->error != 0);
	out_str(o, "reason", NULL, r->reason);
	detail_text(r, detail, sizeof(detail));
	out_text(o, "detail", "%s", detail[0] ? detail : "-");
	out_obj_end(o);
}

static void diff_row(struct out *o, const struct sriov_apply_result *r,
		     const char *field, const char *before, const char *after)
{
	char target[96];

	snprintf(target, sizeof(target), r->vf >= 0 ? "%s#%d" : "%s", r->pf,
		 r->vf);
	out_obj_begin(o, NULL, NULL);
	out_text(o, "target", "%s", target);
	out_text(o, "field", "%s", field);
	out_text(o, "before", "%s", before ? before : "-");
	out_text(o, "after", "%s", after ? after : "-");
	out_obj_end(o);
}

/* --diff: one text row per field that changed (or would). */
static void emit_diff(struct out *o, const struct sriov_apply_report *rep)
{
	out_list_begin(o, NULL, "diff");
	for (size_t i = 0; i < rep->n; i++) {
		const struct sriov_apply_result *r = &rep->results[i];
		char b[64], a[64];

		if (!changed_mask(r) || r->action == SRIOV_APPLY_FIND_PF)
			continue;
		if (r->action == SRIOV_APPLY_AUTOPROBE ||
		    r->action == SRIOV_APPLY_NUM_VFS ||
		    r->action == SRIOV_APPLY_MTU) {
			int_text(r->before, r->action == SRIOV_APPLY_AUTOPROBE, b, sizeof(b));
			int_text(r->after, r->action == SRIOV_APPLY_AUTOPROBE, a, sizeof(a));
			diff_row(o, r, sriov_apply_action_name(r->action), b, a);
		} else if (r->action != SRIOV_APPLY_VF_CONFIG) {
			diff_row(o, r, sriov_apply_action_name(r->action),
				 r->str_before, r->str_after);
		}
		for (uint32_t bit = 1; r->action == SRIOV_APPLY_VF_CONFIG &&
				       bit <= SRIOV_VF_HAS_PORT_GUID; bit <<= 1) {
			if (!(r->changed & bit))
				continue;
			field_text(&r->config_before, bit, b, sizeof(b));
			field_text(&r->config_after, bit, a, sizeof(a));
			diff_row(o, r, sriov_vf_field_name(bit), b, a);
		}
	}
	out_list_end(o);
}

static void failed_steps(struct cli *cli, const struct sriov_apply_report *rep,
			 int code)
{
	if (code)
		cli_report_error(cli, code, "%zu step%s failed", rep->n_failed,
				 rep->n_failed == 1 ? "" : "s");
}

static void print_report(struct cli *cli, const struct sriov_apply_report *rep,
			 bool diff, int code)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_yesno(o, "changed", "changed", rep->changed);
	out_yesno(o, "check", "check", rep->check);
	out_int(o, "failed", rep->n_failed ? "failed" : NULL, (long long)rep->n_failed, true);
	out_list_begin(o, "results", rep->check ? "plan" : "results");
	for (size_t i = 0; i < rep->n; i++)
		emit_result(o, &rep->results[i]);
	out_list_end(o);
	if (diff)
		emit_diff(o, rep);
	cli_report_notes(cli);
	failed_steps(cli, rep, code);
	out_obj_end(o);
}

int apply_finish(struct cli *cli, struct sriov_apply_report *rep, bool diff)
{
	int r = rep->n_refused ? EXIT_REFUSED : rep->n_failed ? EXIT_FAILED : EXIT_OK;

	if (!cli->quiet || cli->json)
		print_report(cli, rep, diff, r);
	else
		failed_steps(cli, rep, r);
	sriov_apply_report_free(rep);
	return r;
}

static int print_schema(void)
{
	fputs(sriov_apply_schema(), stdout);
	return EXIT_OK;
}

int cmd_apply(struct cli *cli, int argc, char **argv)
{
	struct apply_args a = { 0 };
	struct sriov_apply_opts o = { .sz = sizeof(o) };
	struct sriov_apply_report *rep = NULL;
	struct sriov_desired *d = NULL;
	struct sriov_ctx *ctx;
	int r;

	if (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		fputs(apply_help, stdout);
		return EXIT_OK;
	}
	r = parse_args(cli, &argc, argv, &a);
	if (r)
		return r;
	if (a.schema)
		return print_schema();
	ctx = cli_ctx(cli);
	if (!ctx)
		return EXIT_USAGE;
	r = a.recover ? 0 : load(cli, ctx, argc, argv, &d);
	if (r)
		return r;
	o.check = a.check;
	o.force = cli->force;
	o.pf = a.pf;
	o.timeout_ms = a.timeout_ms;
	r = a.recover ? sriov_apply_recover(ctx, &o, &rep)
		      : sriov_apply(ctx, d, &o, &rep);
	sriov_desired_free(d);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	return apply_finish(cli, rep, a.diff);
}
