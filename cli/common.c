/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dispatch, error reporting and the library context for all objects. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_object_help(const struct object *obj, FILE *f)
{
	fprintf(f, "sriovctl %s - %s\n", obj->name, obj->summary);
	for (const struct verb *v = obj->verbs; v->name; v++) {
		char synopsis[256];

		snprintf(synopsis, sizeof(synopsis), "%s %s %s", obj->name,
			 v->name, v->args ? v->args : "");
		if (strlen(synopsis) > 36)
			fprintf(f, "  %s\n  %-36s %s\n", synopsis, "", v->summary);
		else
			fprintf(f, "  %-36s %s\n", synopsis, v->summary);
	}
	{
		char synopsis[64];

		snprintf(synopsis, sizeof(synopsis), "%s help", obj->name);
		fprintf(f, "  %-36s %s\n", synopsis, "show this help");
	}
}

/* Edit distance of two short words (names of objects and verbs). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cli_did_you_mean(const char *word, const char *const *names)
{
	static char buf[80];
	const char *best = NULL;
	size_t best_d = 3;

	for (; *names; names++) {
		size_t d = distance(word, *names);

		/* a prefix counts as close too: "dis" for "disable" */
		if (!strncmp(word, *names, strlen(word)) && *word)
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = *names;
		}
	}
	if (!best || best_d >= strlen(word))
		return "";
	snprintf(buf, sizeof(buf), "; did you mean \"%s\"?", best);
	return buf;
}

static const struct verb *find_verb(const struct object *obj, const char *name)
{
	for (const struct verb *v = obj->verbs; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static int unknown_verb(struct cli *cli, const struct object *obj,
			const char *word)
{
	const char *names[32], *hint;
	size_t n = 0;

	for (const struct verb *v = obj->verbs; v->name && n + 2 < 32; v++)
		names[n++] = v->name;
	names[n++] = "help";
	names[n] = NULL;
	hint = cli_did_you_mean(word, names);
	if (*hint)
		return cli_error(cli, EXIT_USAGE, "unknown verb \"%s %s\"%s",
				 obj->name, word, hint);
	return cli_error(cli, EXIT_USAGE,
			 "unknown verb \"%s %s\"; try \"sriovctl %s help\"",
			 obj->name, word, obj->name);
}

int cli_dispatch(struct cli *cli, const struct object *obj, int argc,
		 char **argv)
{
	char *list[] = { (char *)"list", NULL };
	const struct verb *v;
	int nargs = argc - 1;

	/* a bare object lists, as "ip link" does */
	if (argc == 0 && find_verb(obj, "list"))
		return cli_dispatch(cli, obj, 1, list);
	if (argc == 0)
		return cli_error(cli, EXIT_USAGE,
				 "\"%s\" needs a verb; try \"sriovctl %s help\"",
				 obj->name, obj->name);
	if (!strcmp(argv[0], "help") || cli->help) {
		cli_object_help(obj, stdout);
		return EXIT_OK;
	}
	v = find_verb(obj, argv[0]);
	if (!v)
		return unknown_verb(cli, obj, argv[0]);
	if (nargs < v->min_args || (v->max_args >= 0 && nargs > v->max_args))
		return cli_error(cli, EXIT_USAGE, "usage: sriovctl %s %s%s%s",
				 obj->name, v->name, v->args && *v->args ? " " : "",
				 v->args ? v->args : "");
	return v->run(cli, argc, argv);
}

/* Text: each note on stderr once (not with -q). */
static void show_notes(struct cli *cli)
{
	const char *const *notes;
	size_t n = sriov_ctx_notes(cli->ctx, &notes);

	for (size_t i = cli->notes_shown; i < n; i++)
		if (!cli->quiet)
			text_write_line(stderr, "%s: note: %s", cli->prog, notes[i]);
	cli->notes_shown = n;
}

void cli_report_notes(struct cli *cli)
{
	const char *const *notes;

	if (!cli->json) {
		cli_progress_clear(cli);
		show_notes(cli);
		return;
	}
	sriov_ctx_notes(cli->ctx, &notes);
	out_strv(cli->out, "notes", NULL, notes);
}

/*
 * Text: the message on stderr. JSON: an "error" member of the report
 * being written or, alone, a document that replaces whatever the command
 * had started to print.
 */
static void report_error(struct cli *cli, int code, bool alone,
			 const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void report_error(struct cli *cli, int code, bool alone,
			 const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!cli->json) {
		cli_progress_clear(cli);
		show_notes(cli);
		text_write_line(stderr, "%s: %s", cli->prog, msg);
		return;
	}
	if (alone) {
		out_free(cli->out);
		cli->out = out_new(true, cli->pretty);
		out_obj_begin(cli->out, NULL, NULL);
		/* what was noted before the failure is not lost with the report */
		if (sriov_ctx_notes(cli->ctx, NULL))
			cli_report_notes(cli);
	}
	out_obj_begin(cli->out, "error", NULL);
	out_int(cli->out, "code", NULL, code, true);
	out_str(cli->out, "message", NULL, msg);
	out_obj_end(cli->out);
	if (alone)
		out_obj_end(cli->out);
}

int cli_error(struct cli *cli, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_error(cli, code, true, fmt, ap);
	va_end(ap);
	return code;
}

void cli_report_error(struct cli *cli, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_error(cli, code, false, fmt, ap);
	va_end(ap);
}

int cli_lib_error(struct cli *cli, int r, int code)
{
	const char *msg = cli->ctx ? sriov_ctx_last_error(cli->ctx) : "";

	return cli_error(cli, code, "%s", *msg ? msg : strerror(-r));
}

static void log_stderr(enum sriov_log_level level, const char *msg,
		       void *userdata)
{
	cli_progress_clear(userdata);
	/* errors reach the user through the command's own message */
	if (level <= SRIOV_LOG_ERR)
		return;
	text_write_line(stderr, "sriovctl: %s%s",
			level <= SRIOV_LOG_WARNING ? "warning: " : "", msg);
}

struct sriov_ctx *cli_ctx(struct cli *cli)
{
	struct sriov_ctx_opts opts = {
		.sz = sizeof(opts),
		.sysfs_root = cli->sysfs_root,
		.dev_root = cli->dev_root,
		.state_dir = cli->state_dir,
		.modules_dir = getenv("SRIOVCTL_MODULES_DIR"),
	};
	int r;

	if (cli->ctx)
		return cli->ctx;
	r = sriov_ctx_new(&opts, &cli->ctx);
	if (r < 0) {
		cli_error(cli, EXIT_USAGE, "cannot use sysfs root %s: %s",
			  cli->sysfs_root ? cli->sysfs_root : "/sys",
			  strerror(-r));
		return NULL;
	}
	cli_progress_setup(cli);
	if (cli->verbose)
		sriov_ctx_set_log(cli->ctx, log_stderr,
				  cli->verbose > 1 ? SRIOV_LOG_DEBUG
						   : SRIOV_LOG_INFO,
				  cli);
	return cli->ctx;
}

bool cli_take_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 1; i < *argc; i++)
		if (!strcmp(argv[i], flag)) {
			memmove(&argv[i], &argv[i + 1],
				(size_t)(*argc - i) * sizeof(*argv));
			(*argc)--;
			return true;
		}
	return false;
}

int cli_take_option(int *argc, char **argv, const char *flag,
		    const char **ret_value)
{
	*ret_value = NULL;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], flag) != 0)
			continue;
		if (i + 1 >= *argc)
			return -1;
		*ret_value = argv[i + 1];
		memmove(&argv[i], &argv[i + 2],
			(size_t)(*argc - i - 1) * sizeof(*argv));
		*argc -= 2;
		return 0;
	}
	return 0;
}

int cli_exit_for(int r)
{
	switch (-r) {
	case ECANCELED:
		return EXIT_REFUSED;
	case EINVAL:
	case ERANGE:
	case ENODEV:
	case EOPNOTSUPP:
		return EXIT_USAGE;
	default:
		return EXIT_FAILED;
	}
}

/*
 * VF settings come over rtnetlink from the PF's netdev. A PF without one
 * (NVMe) or a sysfs tree that is not the running kernel's has none: the
 * fields stay null. Other failures are worth a warning.
 */
void cli_read_vf_config(struct cli *cli, struct sriov_pf *pf, bool stats)
{
	int r;

	if (!sriov_pf_vf_count(pf))
		return;
	r = sriov_pf_read_vf_config(pf, stats);
	if (r < 0 && r != -ENODEV && r != -EOPNOTSUPP && !cli->quiet)
		text_write_line(stderr, "sriovctl: warning: %s",
				sriov_ctx_last_error(cli->ctx));
}

const char *cli_vf_pf_name(const struct sriov_vf *vf)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(vf);

	return i->pf[0] ? i->pf : sriov_pf_get_info(sriov_vf_get_pf(vf))->dev_name;
}

bool cli_spec_is_single(const char *spec)
{
	struct sriov_pci_addr a;
	const char *hash = strrchr(spec, '#');

	if (!hash)
		return sriov_pci_addr_parse(spec, &a) == 0;
	if (!hash[1])
		return false;
	for (const char *p = hash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

int cli_take_timeout(struct cli *cli, int *argc, char **argv, int *ret)
{
	const char *v;
	char *end;
	double secs;

	*ret = 0;
	if (cli_take_option(argc, argv, "--timeout", &v) < 0)
		return cli_error(cli, EXIT_USAGE, "--timeout needs seconds");
	if (!v)
		return 0;
	secs = strtod(v, &end);
	if (*end || end == v || !(secs > 0) || secs > 3600)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --timeout \"%s\": expected seconds, up to 3600", v);
	*ret = (int)(secs * 1000);
	return 0;
}
