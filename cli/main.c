/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

const struct object cli_objects[] = {
	{ "pf", pf_verbs, NULL, "SR-IOV physical functions" },
	{ "vf", vf_verbs, NULL, "virtual functions" },
	{ "iommu", iommu_verbs, NULL, "IOMMU groups" },
	{ "vfio", vfio_verbs, NULL, "move devices to vfio-pci and back, check VFIO" },
	{ "qemu", qemu_verbs, NULL, "QEMU arguments and libvirt XML for passthrough" },
	{ "claim", claim_verbs, NULL, "lease free VFs to a VM and give them back whole" },
	{ "rate", rate_verbs, NULL, "devlink rates of VFs and rate nodes (switchdev mode)" },
	{ "doctor", NULL, cmd_doctor, "check the host's readiness for passthrough" },
	{ "recover", NULL, cmd_recover, "finish or undo changes a crash interrupted" },
	{ "apply", NULL, cmd_apply, "converge the host to desired-state files" },
	{ "restore", NULL, cmd_restore, "VFs back to safe settings and their host driver" },
	{ "help", NULL, cmd_help, "show this help, or an object's help" },
	{ NULL, NULL, NULL, NULL },
};

static const struct option global_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "sysfs-root", required_argument, NULL, 'S' },
	{ "dev-root", required_argument, NULL, 'D' },
	{ "state-dir", required_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 },
};

static const char global_help[] =
	"Global options:\n"
	"  -j, --json            write JSON\n"
	"  -p, --pretty          indent JSON (implies --json)\n"
	"  -n, --dry-run         show what would change, change nothing\n"
	"  -f, --force           override a safety refusal where that is sane\n"
	"  -q, --quiet           no notes or warnings, only results and errors\n"
	"  -v, --verbose         log what the library does (repeat for more)\n"
	"      --sysfs-root DIR  sysfs mount (env SRIOVCTL_SYSFS_ROOT, default /sys)\n"
	"      --dev-root DIR    device directory (env SRIOVCTL_DEV_ROOT, default /dev)\n"
	"      --state-dir DIR   locks and journal (env SRIOVCTL_STATE_DIR,\n"
	"                        default /run/sriovctl)\n"
	"  -V, --version         print the version\n"
	"  -h, --help            show this help\n";

static void usage(FILE *f)
{
	fputs("Usage: sriovctl [OPTIONS] OBJECT VERB [ARGS]\n"
	      "       sriovctl help | sriovctl OBJECT help\n"
	      "       sriovctl help --schema OBJECT [VERB]   (the JSON Schema of -j)\n"
	      "\nObjects:\n", f);
	for (const struct object *o = cli_objects; o->name; o++)
		fprintf(f, "  %-8s %s\n", o->name, o->summary);
	fputc('\n', f);
	fputs(global_help, f);
	fputs("\nExit status: 0 success, 1 operation failed, 2 invalid input,\n"
	      "3 refused by a safety check.\n", f);
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--schema"))
		return cli_print_schema(cli, cli_objects, argc - 1, argv + 1);
	if (argc > 1) {
		for (const struct object *o = cli_objects; o->name; o++) {
			char *args[] = { argv[1], (char *)"help", NULL };

			if (strcmp(o->name, argv[1]) != 0 || o->run == cmd_help)
				continue;
			if (!o->verbs)
				return o->run(cli, 2, args);
			cli_object_help(o, stdout);
			return EXIT_OK;
		}
		return cli_error(cli, EXIT_USAGE,
				 "unknown object \"%s\"; try \"sriovctl help\"",
				 argv[1]);
	}
	usage(stdout);
	for (const struct object *o = cli_objects; o->name; o++)
		if (o->verbs) {
			fputc('\n', stdout);
			cli_object_help(o, stdout);
		}
	return EXIT_OK;
}

static const char *env_or(const char *value, const char *env)
{
	const char *e = getenv(env);

	return value ? value : (e && *e ? e : NULL);
}

/* Applies one global option; -1 to go on, or an exit code. */
static int apply_global(struct cli *cli, int c, const char *arg)
{
	switch (c) {
	case 'j': cli->json = true; break;
	case 'p': cli->json = cli->pretty = true; break;
	case 'n': cli->dry_run = true; break;
	case 'f': cli->force = true; break;
	case 'q': cli->quiet = true; break;
	case 'v': cli->verbose++; break;
	case 'S': cli->sysfs_root = arg; break;
	case 'D': cli->dev_root = arg; break;
	case 'T': cli->state_dir = arg; break;
	case 'h': cli->help = true; break;
	case 'V':
		printf("sriovctl %s\n", sriov_version());
		return EXIT_OK;
	default:
		return EXIT_USAGE;
	}
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_global(struct cli *cli, int argc, char **argv)
{
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpnfqvVh", global_options,
				NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_error(cli, EXIT_USAGE, "%s option \"%s\"; try \"sriovctl help\"",
					 c == ':' ? "missing value of" : "unknown",
					 argv[optind - 1]);
		if ((r = apply_global(cli, c, optarg)) >= 0)
			return r;
	}
	return -1;
}

/* The global option spelled by arg ("--json", "--sysfs-root=DIR"), or NULL. */
static const struct option *global_long(const char *arg, const char **ret_value)
{
	size_t len = strcspn(arg + 2, "=");

	*ret_value = arg[2 + len] == '=' ? arg + 3 + len : NULL;
	for (const struct option *o = global_options; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, arg + 2, len))
			return o;
	return NULL;
}

/* "-jp": true when every letter is a global option without a value. */
static bool global_shorts(const char *arg)
{
	if (arg[0] != '-' || !arg[1] || arg[1] == '-')
		return false;
	for (const char *p = arg + 1; *p; p++)
		if (!strchr("jpnfqvVh", *p))
			return false;
	return true;
}

/*
 * Global options after the object and verb, as ip users type them
 * ("sriovctl pf list -j"): applied, and removed from the arguments.
 */
static int take_globals(struct cli *cli, int *argc, char **argv)
{
	int i = 1, r;

	while (i < *argc && strcmp(argv[i], "--") != 0) {
		const struct option *o = NULL;
		const char *value = NULL;
		int used = 1;

		if (!strncmp(argv[i], "--", 2))
			o = global_long(argv[i], &value);
		if (o && o->has_arg && !value) {
			if (i + 1 >= *argc)
				return cli_error(cli, EXIT_USAGE, "missing value of option \"%s\"",
						 argv[i]);
			value = argv[i + 1];
			used = 2;
		}
		if (o)
			r = apply_global(cli, o->val, value);
		else if (global_shorts(argv[i]))
			for (const char *p = argv[i] + 1; *p; p++)
				r = apply_global(cli, *p, NULL);
		else {
			i++;
			continue;
		}
		if (r >= 0)
			return r;
		memmove(argv + i, argv + i + used,
			(size_t)(*argc - i - used + 1) * sizeof(*argv));
		*argc -= used;
	}
	return -1;
}

static void take_env(struct cli *cli)
{
	cli->sysfs_root = env_or(cli->sysfs_root, "SRIOVCTL_SYSFS_ROOT");
	cli->dev_root = env_or(cli->dev_root, "SRIOVCTL_DEV_ROOT");
	cli->state_dir = env_or(cli->state_dir, "SRIOVCTL_STATE_DIR");
}

static int run_object(struct cli *cli, int argc, char **argv)
{
	const char *names[32];
	size_t n = 0;

	for (const struct object *o = cli_objects; o->name; o++) {
		if (n + 1 < sizeof(names) / sizeof(names[0]))
			names[n++] = o->name;
		if (strcmp(o->name, argv[0]) != 0)
			continue;
		if (cli->help) {
			char *args[] = { argv[0], (char *)"help", NULL };

			return o->verbs ? cli_dispatch(cli, o, 1, args + 1)
					: o->run(cli, 2, args);
		}
		if (o->run)
			return o->run(cli, argc, argv);
		return cli_dispatch(cli, o, argc - 1, argv + 1);
	}
	names[n] = NULL;
	if (*cli_did_you_mean(argv[0], names))
		return cli_error(cli, EXIT_USAGE, "unknown object \"%s\"%s",
				 argv[0], cli_did_you_mean(argv[0], names));
	return cli_error(cli, EXIT_USAGE,
			 "unknown object \"%s\"; try \"sriovctl help\"", argv[0]);
}

int main(int argc, char **argv)
{
	struct cli cli = { .prog = "sriovctl" };
	char **args;
	int n, r;

	r = parse_global(&cli, argc, argv);
	n = argc - optind;
	args = argv + optind;
	if (r < 0 && n > 0)
		r = take_globals(&cli, &n, args);
	take_env(&cli);
	if (!cli.out)
		cli.out = out_new(cli.json, cli.pretty);
	if (r >= 0) {
		/* done already: --version, or an option's error */
	} else if (n == 0) {
		usage(cli.help ? stdout : stderr);
		r = cli.help ? EXIT_OK : EXIT_USAGE;
	} else {
		r = run_object(&cli, n, args);
	}
	cli_progress_clear(&cli);
	out_flush(cli.out, stdout);
	out_free(cli.out);
	sriov_ctx_free(cli.ctx);
	return r;
}
