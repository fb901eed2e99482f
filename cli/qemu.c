/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl qemu args: -device vfio-pci arguments, or libvirt XML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sriov/vfio.h"

enum format { F_SHELL, F_ARGS, F_JSON, F_LIBVIRT };
static const char *const format_names[] = { "shell", "args", "json", "libvirt" };

struct qargs {
	struct sriov_qemu_opts o;
	enum format format;
	bool no_check;
	const char *user;       /* --user: the user QEMU runs as */
	uint64_t memory;        /* --memory: its guest RAM */
};

static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_@%+=:,./-", *s))
			return false;
	return true;
}

/* Words joined by spaces, each single-quoted unless it needs no quoting. */
static char *shell_line(char *const *argv)
{
	size_t len = 1;
	char *line, *p;

	for (char *const *a = argv; *a; a++)
		len += 4 * strlen(*a) + 3;
	line = p = calloc(1, len);
	for (char *const *a = argv; line && *a; a++) {
		if (a != argv)
			*p++ = ' ';
		if (shell_safe(*a)) {
			p = stpcpy(p, *a);
			continue;
		}
		*p++ = '\'';
		for (const char *c = *a; *c; c++)
			p = *c == '\'' ? stpcpy(p, "'\\''") : (*p = *c, p + 1);
		*p++ = '\'';
	}
	return line;
}

static int parse_format(struct cli *cli, const char *f, struct qargs *q)
{
	if (!f) {
		q->format = cli->json ? F_JSON : F_SHELL;
		return 0;
	}
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(f, format_names[i])) {
			q->format = (enum format)i;
			return 0;
		}
	return cli_error(cli, EXIT_USAGE,
			 "invalid --format \"%s\": expected shell, args, json or libvirt", f);
}

static int parse_chassis(struct cli *cli, const char *s, struct qargs *q)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = s[0] >= '0' && s[0] <= '9' ? strtoul(s, &end, 10) : 0;
	if (!v || errno || *end || v > 255)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --chassis-base \"%s\": expected a multiple of 8 from 8 to 240", s);
	if (!q->o.root_ports)
		return cli_error(cli, EXIT_USAGE, "--chassis-base applies to --root-ports only");
	q->o.chassis_base = (unsigned int)v;
	return 0;
}

/* --iommufd needs a QEMU that has it: its version, given or asked. */
static int parse_qemu(struct cli *cli, const char *path, const char *version,
		      struct qargs *q)
{
	if (path && version)
		return cli_error(cli, EXIT_USAGE, "--qemu and --qemu-version exclude each other");
	if (version && cli_qemu_version_parse(cli, version, &q->o.qemu_version))
		return EXIT_USAGE;
	if (path && cli_qemu_version_ask(cli, path, &q->o.qemu_version))
		return EXIT_USAGE;
	if (q->o.iommufd && !q->o.qemu_version)
		return cli_error(cli, EXIT_USAGE,
				 "--iommufd needs the QEMU that will run: --qemu PATH (asks it) or --qemu-version X.Y; QEMU has -object iommufd since %u.%u",
				 SRIOV_QEMU_IOMMUFD_VERSION / 10000,
				 SRIOV_QEMU_IOMMUFD_VERSION / 100 % 100);
	return 0;
}

static int parse_args(struct cli *cli, int *argc, char **argv, struct qargs *q)
{
	const char *rombar = NULL, *format = NULL, *mem = NULL, *chassis = NULL,
		   *qemu = NULL, *version = NULL;

	if (cli_take_option(argc, argv, "--chassis-base", &chassis) < 0 ||
	    cli_take_option(argc, argv, "--qemu", &qemu) < 0 ||
	    cli_take_option(argc, argv, "--qemu-version", &version) < 0 ||
	    cli_take_option(argc, argv, "--id-prefix", &q->o.id_prefix) < 0 ||
	    cli_take_option(argc, argv, "--bus", &q->o.bus) < 0 ||
	    cli_take_option(argc, argv, "--rombar", &rombar) < 0 ||
	    cli_take_option(argc, argv, "--format", &format) < 0 ||
	    cli_take_option(argc, argv, "--vf-token", &q->o.vf_token) < 0 ||
	    cli_take_option(argc, argv, "--user", &q->user) < 0 ||
	    cli_take_option(argc, argv, "--memory", &mem) < 0)
		return cli_error(cli, EXIT_USAGE, "an option needs a value; try \"sriovctl qemu help\"");
	if (mem && cli_parse_memory(cli, mem, &q->memory))
		return EXIT_USAGE;
	q->o.root_ports = cli_take_flag(argc, argv, "--root-ports");
	q->o.iommufd = cli_take_flag(argc, argv, "--iommufd");
	q->no_check = cli_take_flag(argc, argv, "--no-check");
	if (rombar && strcmp(rombar, "0") && strcmp(rombar, "1"))
		return cli_error(cli, EXIT_USAGE, "invalid --rombar \"%s\": expected 0 or 1",
				 rombar);
	if ((chassis && parse_chassis(cli, chassis, q)) ||
	    parse_qemu(cli, qemu, version, q))
		return EXIT_USAGE;
	q->o.rombar = !rombar ? SRIOV_ROMBAR_DEFAULT
			      : rombar[0] == '1' ? SRIOV_ROMBAR_ON : SRIOV_ROMBAR_OFF;
	return parse_format(cli, format, q);
}

/* The user QEMU runs as must open the group's node: vfio check's preflight. */
static int check_access(struct cli *cli, const struct qargs *q,
			const struct sriov_pci_addr *dev)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_iommu_group *g;
	int r;

	if (!q->user)
		return 0;
	sriov_pci_addr_format(dev, pci);
	r = sriov_iommu_group_find(cli->ctx, pci, &g);
	if (r == 0)
		r = sriov_vfio_access_check(cli->ctx, sriov_iommu_group_get_info(g)->id,
					    q->user);
	return r;
}

/* QEMU must be able to open each device now: vfio-pci, viable group. */
static int check_devices(struct cli *cli, const struct qargs *q,
			 const struct sriov_pci_addr *devs, size_t n)
{
	struct sriov_vfio_host host;
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		r = sriov_vfio_usable(cli->ctx, &devs[i]);
		if (r == 0)
			r = check_access(cli, q, &devs[i]);
	}
	if (r == 0 && (q->o.iommufd || q->memory))
		r = sriov_vfio_host_probe(cli->ctx, &host);
	if (r == 0 && q->memory)
		r = sriov_vfio_memlock_check(cli->ctx, &host, q->memory, n, false);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	if (q->o.iommufd && (!host.iommufd || !host.n_device_cdevs))
		return cli_error(cli, EXIT_REFUSED,
				 "the kernel offers no iommufd with VFIO device files (%s/iommu, %s/vfio/devices/): leave out --iommufd, or add --no-check",
				 sriov_ctx_dev_root(cli->ctx), sriov_ctx_dev_root(cli->ctx));
	return 0;
}

/* MAC and VLAN of each VF, where rtnetlink has them (the running kernel). */
static const struct sriov_vf_config **vf_configs(struct cli *cli,
						 const struct sriov_pci_addr *devs,
						 size_t n)
{
	const struct sriov_vf_config **cfgs = calloc(n, sizeof(*cfgs));

	for (size_t i = 0; cfgs && i < n; i++) {
		char pci[SRIOV_PCI_ADDR_STRLEN];
		struct sriov_vf *vf;

		sriov_pci_addr_format(&devs[i], pci);
		if (sriov_vf_find(cli->ctx, pci, &vf) < 0)
			continue;
		if (!sriov_vf_get_config(vf))
			cli_read_vf_config(cli, sriov_vf_get_pf(vf), false);
		cfgs[i] = sriov_vf_get_config(vf);
	}
	return cfgs;
}

/* libvirt XML, or QEMU's arguments: what qemu args prints. */
struct emitted {
	char *xml;
	char **argv;
};

static int build(struct cli *cli, const struct qargs *q,
		 const struct sriov_pci_addr *devs, size_t n, struct emitted *e)
{
	const struct sriov_vf_config **cfgs;
	int r;

	if (q->format != F_LIBVIRT)
		return sriov_qemu_args(cli->ctx, devs, n, &q->o, &e->argv);
	cfgs = vf_configs(cli, devs, n);
	r = cfgs ? sriov_libvirt_xml(cli->ctx, devs, cfgs, n, &q->o, &e->xml)
		 : -ENOMEM;
	free(cfgs);
	return r;
}

/*
 * -j, and --format json: one object whatever the format (sriovctl-qemu(8)),
 * members that do not apply null.
 */
static void print_json(struct cli *cli, const struct qargs *q,
		       const struct emitted *e)
{
	char *line = e->argv ? shell_line(e->argv) : NULL;

	out_obj_begin(cli->out, NULL, NULL);
	out_str(cli->out, "format", NULL,
		format_names[q->format == F_JSON ? F_ARGS : q->format]);
	if (e->argv)
		out_strv(cli->out, "args", NULL, (const char *const *)e->argv);
	else
		out_str(cli->out, "args", NULL, NULL);
	out_str(cli->out, "command_line", NULL, line);
	out_str(cli->out, "libvirt_xml", NULL, e->xml);
	out_obj_end(cli->out);
	free(line);
}

static void print_text(struct cli *cli, const struct qargs *q, struct emitted *e)
{
	char *line;

	if (e->xml) {
		size_t len = strlen(e->xml);

		if (len && e->xml[len - 1] == '\n')
			e->xml[len - 1] = '\0';
		out_str(cli->out, NULL, "xml", e->xml);
	} else if (q->format == F_SHELL) {
		line = shell_line(e->argv);
		out_str(cli->out, NULL, "args", line ? line : "");
		free(line);
	} else {
		out_list_begin(cli->out, NULL, NULL);
		for (char **a = e->argv; *a; a++)
			out_str(cli->out, NULL, NULL, *a);
		out_list_end(cli->out);
	}
}

/* Emitted first, so that bad options are usage errors whatever the devices. */
static int emit(struct cli *cli, const struct qargs *q,
		const struct sriov_pci_addr *devs, size_t n)
{
	struct emitted e = { 0 };
	int r = build(cli, q, devs, n, &e);

	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	r = q->no_check ? 0 : check_devices(cli, q, devs, n);
	if (r == 0 && cli->json)
		print_json(cli, q, &e);
	else if (r == 0)
		print_text(cli, q, &e);
	free(e.xml);
	sriov_strv_free(e.argv);
	return r ? r : EXIT_OK;
}

static int qemu_args(struct cli *cli, int argc, char **argv)
{
	struct qargs q = { .o = { .sz = sizeof(q.o) } };
	struct sriov_pci_addr *devs;
	char prefix[CLI_QEMU_ID_PREFIX_MAX + 1];
	const char *claim = NULL;
	size_t n;
	int r;

	if (cli_take_option(&argc, argv, "--claim", &claim) < 0)
		return cli_error(cli, EXIT_USAGE, "--claim needs a claim's NAME");
	r = parse_args(cli, &argc, argv, &q);
	if (r == 0 && claim && !q.o.id_prefix)
		q.o.id_prefix = cli_claim_id_prefix(claim, prefix, sizeof(prefix));
	if (r == 0 && q.format == F_JSON && !cli->json) {
		/* the output, and errors with it, are JSON */
		cli->json = true;
		out_free(cli->out);
		cli->out = out_new(true, cli->pretty);
	}
	if (r == 0 && claim && argc > 1)
		r = cli_error(cli, EXIT_USAGE, "--claim names the devices: no VFSPEC with it");
	if (r == 0)
		r = claim ? cli_claim_devices(cli, claim, &devs, &n)
			  : cli_resolve_devices(cli, argc, argv, &devs, &n);
	if (r)
		return r;
	r = emit(cli, &q, devs, n);
	free(devs);
	return r;
}

const struct verb qemu_verbs[] = {
	{ "args", 1, -1, qemu_args, "VFSPEC...|--claim NAME [--id-prefix P] [--root-ports] [--chassis-base N] [--bus B] [--rombar 0|1] [--iommufd] [--qemu PATH|--qemu-version X.Y] [--vf-token UUID] [--format shell|args|json|libvirt] [--user USER] [--memory SIZE] [--no-check]",
	  "QEMU -device arguments (or libvirt XML) for devices on vfio-pci" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
