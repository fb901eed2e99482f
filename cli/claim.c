/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl claim add / list / show / release / gc */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/vfio.h"
#include "vfconf.h"

/* A duplicate claim is bad input; too few free VFs a failure. */
static int claim_exit(int r)
{
	return r == -EEXIST ? EXIT_USAGE : cli_exit_for(r);
}

/* The lease of a claim; an unknown claim is bad input. */
static int get_claim(struct cli *cli, const char *name, struct sriov_claim **ret)
{
	int r = sriov_claim_get(cli->ctx, name, ret);

	if (r < 0)
		return cli_lib_error(cli, r, r == -ENOENT || r == -EINVAL ? EXIT_USAGE
									 : EXIT_FAILED);
	return 0;
}

static const char *driver_name(int driver)
{
	return driver == SRIOV_CLAIM_DRIVER_HOST ? "host" : "vfio-pci";
}

static void print_claim_vf(struct cli *cli, const struct sriov_claim *c,
			   const struct sriov_claim_vf *v)
{
	struct out *o = cli->out;
	struct sriov_vfio_access acc;
	char mac[SRIOV_VF_VALUE_STRLEN] = "";
	bool vfio = c->driver == SRIOV_CLAIM_DRIVER_VFIO &&
		    v->iommu_group != SRIOV_NO_VALUE &&
		    sriov_vfio_group_access(cli->ctx, v->iommu_group, NULL, &acc) == 0;

	if (v->settings.mask & SRIOV_VF_HAS_MAC)
		sriov_vf_key_format(sriov_vf_key_find("mac"), &v->settings, mac, sizeof(mac));
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", v->pci);
	out_str(o, "pf", NULL, v->pf);
	out_int(o, "vf", NULL, v->vf, true);
	out_text(o, "vf", "%s#%d", v->pf, v->vf);
	out_int(o, "iommu_group", "group", v->iommu_group, v->iommu_group != SRIOV_NO_VALUE);
	out_str(o, "driver_before", "before", v->driver_before[0] ? v->driver_before : NULL);
	out_str(o, "driver", "driver", v->driver[0] ? v->driver : NULL);
	out_str(o, "group_dev", NULL, vfio ? acc.path : NULL);
	out_str(o, "mac", "mac", mac[0] ? mac : NULL);
	if (cli->json) {
		out_obj_begin(o, "settings", NULL);
		print_vf_settings(o, &v->settings, ~(uint32_t)SRIOV_VF_HAS_STATS, VF_LABELS_NONE);
		out_obj_end(o);
		if (v->has_before) {
			out_obj_begin(o, "settings_before", NULL);
			print_vf_settings(o, &v->before, ~(uint32_t)SRIOV_VF_HAS_STATS,
					  VF_LABELS_NONE);
			out_obj_end(o);
		} else {
			out_str(o, "settings_before", NULL, NULL);
		}
		out_int(o, "mtu", NULL, v->mtu, v->mtu != 0);
		out_int(o, "mtu_before", NULL, v->mtu_before, v->mtu != 0 && v->mtu_before != 0);
	}
	out_obj_end(o);
}

/* The claim's fields; the caller opens and closes the object. */
static void print_claim_fields(struct cli *cli, const struct sriov_claim *c,
			       bool detail)
{
	struct out *o = cli->out;

	out_str(o, "name", "name", c->name);
	out_int(o, "created", detail ? "created" : NULL, (long long)c->created, true);
	out_int(o, "holder_pid", "holder", c->holder_pid, c->holder_pid > 0);
	if (c->holder_pid > 0)
		out_yesno(o, "holder_alive", detail ? "holder alive" : NULL, c->holder_alive);
	else
		out_str(o, "holder_alive", NULL, NULL);
	out_str(o, "owner", "owner", c->owner[0] ? c->owner : NULL);
	out_str(o, "driver", "driver", driver_name(c->driver));
	out_yesno(o, "complete", detail ? "complete" : NULL, c->complete);
	out_int(o, "count", detail ? NULL : "vfs", (long long)c->n, true);
	out_list_begin(o, "vfs", detail ? "vfs" : NULL);
	for (size_t i = 0; i < c->n; i++)
		print_claim_vf(cli, c, &c->vfs[i]);
	out_list_end(o);
}

/* The devices of a lease (qemu args --claim). */
int cli_claim_devices(struct cli *cli, const char *name,
		      struct sriov_pci_addr **ret_addrs, size_t *ret_n)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_claim *c = NULL;
	struct sriov_pci_addr *a;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	r = get_claim(cli, name, &c);
	if (r)
		return r;
	a = calloc(c->n, sizeof(*a));
	for (size_t i = 0; a && i < c->n; i++)
		sriov_pci_addr_parse(c->vfs[i].pci, &a[i]);
	*ret_n = c->n;
	sriov_claim_free(c);
	if (!a)
		return cli_error(cli, EXIT_FAILED, "out of memory");
	*ret_addrs = a;
	return 0;
}

static int parse_count(struct cli *cli, const char *flag, const char *v,
		       unsigned long min, unsigned long max, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = v && *v >= '0' && *v <= '9' ? strtoul(v, &end, 10) : 0;
	if (!v || *v < '0' || *v > '9' || errno || *end || *ret < min || *ret > max)
		return cli_error(cli, EXIT_USAGE, "invalid %s \"%s\": expected a number from %lu to %lu",
				 flag, v ? v : "", min, max);
	return 0;
}

static int parse_device(struct cli *cli, const char *v, uint32_t *ret)
{
	unsigned int vendor, device;
	char tail;

	if (strlen(v) != 9 || sscanf(v, "%4x:%4x%c", &vendor, &device, &tail) != 2)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --device \"%s\": expected VVVV:DDDD in hexadecimal", v);
	*ret = vendor << 16 | device;
	return *ret ? 0 : cli_error(cli, EXIT_USAGE, "invalid --device \"%s\"", v);
}

struct add_args {
	struct sriov_claim_opts o;
	const char *pfs[64];
	struct vf_macs macs;
};

static int take_pfs(struct cli *cli, int *argc, char **argv, struct add_args *a)
{
	const char *v;

	for (;;) {
		if (cli_take_option(argc, argv, "--pf", &v) < 0)
			return cli_error(cli, EXIT_USAGE, "--pf needs a PF");
		if (!v)
			return 0;
		if (a->o.n_pfs == sizeof(a->pfs) / sizeof(a->pfs[0]))
			return cli_error(cli, EXIT_USAGE, "too many --pf");
		a->pfs[a->o.n_pfs++] = v;
	}
}

static int take_add_options(struct cli *cli, int *argc, char **argv,
			    struct add_args *a)
{
	const char *count = NULL, *numa = NULL, *dev = NULL, *drv = NULL, *pid = NULL;
	unsigned long v = 0;
	int r;

	if (cli_take_option(argc, argv, "--count", &count) < 0 ||
	    cli_take_option(argc, argv, "--numa", &numa) < 0 ||
	    cli_take_option(argc, argv, "--device", &dev) < 0 ||
	    cli_take_option(argc, argv, "--driver", &drv) < 0 ||
	    cli_take_option(argc, argv, "--owner", &a->o.owner) < 0 ||
	    cli_take_option(argc, argv, "--holder-pid", &pid) < 0)
		return cli_error(cli, EXIT_USAGE,
				 "--count, --numa, --device, --driver, --owner and --holder-pid need a value");
	a->o.spread = cli_take_flag(argc, argv, "--spread");
	r = take_pfs(cli, argc, argv, a);
	if (r == 0)
		r = cli_take_timeout(cli, argc, argv, &a->o.timeout_ms);
	if (r == 0 && !count)
		r = cli_error(cli, EXIT_USAGE, "claim add needs --count N");
	if (r == 0)
		r = parse_count(cli, "--count", count, 1, 256, &v);
	a->o.count = v;
	if (r == 0 && numa && (r = parse_count(cli, "--numa", numa, 0, 4095, &v)) == 0) {
		a->o.numa_set = true;
		a->o.numa_node = (int)v;
	}
	if (r == 0 && dev)
		r = parse_device(cli, dev, &a->o.device);
	if (r == 0 && drv && strcmp(drv, "vfio-pci") && strcmp(drv, "host"))
		r = cli_error(cli, EXIT_USAGE, "invalid --driver \"%s\": expected vfio-pci or host", drv);
	a->o.driver = drv && !strcmp(drv, "host") ? SRIOV_CLAIM_DRIVER_HOST : SRIOV_CLAIM_DRIVER_VFIO;
	/* named, vfio-pci is the plain driver, as for vfio bind --driver */
	a->o.vfio_driver = drv && !strcmp(drv, "vfio-pci") ? drv : NULL;
	if (r == 0 && pid && (r = parse_count(cli, "--holder-pid", pid, 1, 0x7fffffff, &v)) == 0)
		a->o.holder_pid = (long)v;
	return r;
}

static int mac_mode(const struct vf_macs *m)
{
	switch (m->kind) {
	case VF_MAC_AUTO:
		return SRIOV_CLAIM_MAC_AUTO;
	case VF_MAC_LIST:
		return SRIOV_CLAIM_MAC_LIST;
	case VF_MAC_ONE:
	case VF_MAC_COUNT:
		return SRIOV_CLAIM_MAC_COUNT;
	default:
		return SRIOV_CLAIM_MAC_NONE;
	}
}

static int parse_add(struct cli *cli, int argc, char **argv, struct add_args *a)
{
	struct sriov_vf_config *probe;
	bool has_mtu = false;
	int r = take_add_options(cli, &argc, argv, a);

	/* mtu N: the VFs' host netdevs, not a setting on the PF side */
	if (r == 0)
		r = cli_take_mtu(cli, &argc, argv, &has_mtu, &a->o.mtu);

	if (r == 0 && (argc < 2 || argv[1][0] == '-'))
		r = cli_error(cli, EXIT_USAGE, "claim add needs a NAME");
	if (r == 0 && argc > 2 && !strcmp(argv[2], "--"))
		r = cli_error(cli, EXIT_USAGE, "unexpected \"--\"");
	if (r == 0 && argc > 2)
		r = parse_vf_settings_macs(cli, argc - 2, argv + 2, true, &a->o.settings, &a->macs);
	if (r)
		return r;
	/* one address, counted, lists: the same checks as vf set */
	probe = calloc(a->o.count, sizeof(*probe));
	r = probe ? vf_macs_fill(cli, &a->macs, probe, a->o.count)
		  : cli_error(cli, EXIT_FAILED, "out of memory");
	free(probe);
	a->o.pfs = a->pfs;
	a->o.mac_mode = mac_mode(&a->macs);
	a->o.macs = a->macs.list ? a->macs.list[0] : NULL;
	a->o.n_macs = a->macs.n;
	a->o.settings.mask &= ~(uint32_t)SRIOV_VF_HAS_MAC;
	return r;
}

static int claim_add(struct cli *cli, int argc, char **argv)
{
	struct add_args a = { .o = { .sz = sizeof(a.o) } };
	struct sriov_claim *c = NULL;
	int r;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = parse_add(cli, argc, argv, &a);
	a.o.dry_run = cli->dry_run;
	if (r) {
		free(a.macs.list);
		return r;
	}
	r = sriov_claim_add(cli->ctx, argv[1], &a.o, &c);
	free(a.macs.list);
	if (r < 0)
		return cli_lib_error(cli, r, claim_exit(r));
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, true);
	out_yesno(cli->out, "dry_run", cli->dry_run ? "dry run" : NULL, cli->dry_run);
	print_claim_fields(cli, c, true);
	out_obj_end(cli->out);
	sriov_claim_free(c);
	return EXIT_OK;
}

static int claim_list(struct cli *cli, int argc, char **argv)
{
	char **names = NULL;
	size_t n;
	int r;

	(void)argc;
	(void)argv;
	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = sriov_claim_list(cli->ctx, &names, &n);
	if (r < 0)
		return cli_lib_error(cli, r, claim_exit(r));
	out_list_begin(cli->out, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		struct sriov_claim *c = NULL;

		if (sriov_claim_get(cli->ctx, names[i], &c) < 0) {
			if (!cli->quiet)
				text_write_line(stderr, "%s: %s", cli->prog,
						sriov_ctx_last_error(cli->ctx));
			continue;
		}
		out_obj_begin(cli->out, NULL, NULL);
		print_claim_fields(cli, c, false);
		out_obj_end(cli->out);
		sriov_claim_free(c);
	}
	out_list_end(cli->out);
	sriov_strv_free(names);
	return EXIT_OK;
}

const char *cli_claim_id_prefix(const char *claim, char *buf, size_t size)
{
	bool letter = (*claim >= 'a' && *claim <= 'z') || (*claim >= 'A' && *claim <= 'Z');
	int len = snprintf(buf, size, "%s%s-", letter ? "" : "c", claim);

	/* CLI_QEMU_ID_PREFIX_MAX: what sriov_qemu_args() takes */
	return len > 0 && (size_t)len < size && len <= CLI_QEMU_ID_PREFIX_MAX ? buf : NULL;
}

/*
 * What "qemu args --claim NAME" prints for a claim on vfio-pci, as a list;
 * null when they cannot be given.
 */
static void print_qemu_args(struct cli *cli, const struct sriov_claim *c)
{
	struct sriov_qemu_opts q = { .sz = sizeof(q) };
	struct sriov_pci_addr *a = calloc(c->n, sizeof(*a));
	char **argv = NULL, prefix[64];
	bool ok = a && c->driver == SRIOV_CLAIM_DRIVER_VFIO;

	for (size_t i = 0; ok && i < c->n; i++)
		sriov_pci_addr_parse(c->vfs[i].pci, &a[i]);
	q.id_prefix = cli_claim_id_prefix(c->name, prefix, sizeof(prefix));
	ok = ok && sriov_qemu_args(cli->ctx, a, c->n, &q, &argv) == 0;
	if (ok) {
		out_strv(cli->out, "qemu_args", "qemu args", (const char *const *)argv);
	} else {
		out_str(cli->out, "qemu_args", NULL, NULL);
	}
	sriov_strv_free(argv);
	free(a);
}

static int claim_show(struct cli *cli, int argc, char **argv)
{
	struct sriov_claim *c = NULL;
	int r;

	(void)argc;
	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = get_claim(cli, argv[1], &c);
	if (r)
		return r;
	out_obj_begin(cli->out, NULL, NULL);
	print_claim_fields(cli, c, true);
	print_qemu_args(cli, c);
	out_obj_end(cli->out);
	sriov_claim_free(c);
	return EXIT_OK;
}

static int release_opts(struct cli *cli, int *argc, char **argv,
			struct sriov_claim_opts *o)
{
	o->sz = sizeof(*o);
	o->dry_run = cli->dry_run;
	o->keep_settings = cli_take_flag(argc, argv, "--keep-settings");
	o->reset = cli_take_flag(argc, argv, "--reset");
	return cli_take_timeout(cli, argc, argv, &o->timeout_ms);
}

static int no_more(struct cli *cli, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++)
		return cli_error(cli, EXIT_USAGE, "unexpected \"%s\"; try \"sriovctl claim help\"",
				 argv[i]);
	return 0;
}

static int claim_release(struct cli *cli, int argc, char **argv)
{
	struct sriov_claim_opts o = { 0 };
	struct sriov_claim *c = NULL;
	int r;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	r = release_opts(cli, &argc, argv, &o);
	if (r == 0)
		r = argc < 2 ? cli_error(cli, EXIT_USAGE, "claim release needs a NAME")
			     : no_more(cli, argc, argv, 2);
	if (r == 0)
		r = get_claim(cli, argv[1], &c);
	sriov_claim_free(c);
	c = NULL;
	if (r)
		return r;
	r = sriov_claim_release(cli->ctx, argv[1], &o, &c);
	if (!c)
		return cli_lib_error(cli, r, claim_exit(r));
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, r == 0);
	out_yesno(cli->out, "dry_run", cli->dry_run ? "dry run" : NULL, cli->dry_run);
	out_yesno(cli->out, "released", "released", r == 0 && !cli->dry_run);
	print_claim_fields(cli, c, true);
	if (r < 0)
		cli_report_error(cli, claim_exit(r), "%s", sriov_ctx_last_error(cli->ctx));
	out_obj_end(cli->out);
	sriov_claim_free(c);
	return r < 0 ? claim_exit(r) : EXIT_OK;
}

static int claim_gc(struct cli *cli, int argc, char **argv)
{
	struct sriov_claim_opts o = { 0 };
	char **done = NULL, **failed = NULL;
	bool all;
	int r;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	all = cli_take_flag(&argc, argv, "--all");
	r = release_opts(cli, &argc, argv, &o);
	if (r == 0)
		r = no_more(cli, argc, argv, 1);
	if (r)
		return r;
	r = sriov_claim_gc(cli->ctx, all, &o, &done, &failed);
	if (!done)
		return cli_lib_error(cli, r, claim_exit(r));
	out_obj_begin(cli->out, NULL, NULL);
	out_yesno(cli->out, "changed", NULL, done[0] != NULL);
	out_yesno(cli->out, "dry_run", cli->dry_run ? "dry run" : NULL, cli->dry_run);
	out_strv(cli->out, "released", "released", (const char *const *)done);
	out_strv(cli->out, "failed", "failed", (const char *const *)failed);
	if (r < 0)
		cli_report_error(cli, EXIT_FAILED, "%s", sriov_ctx_last_error(cli->ctx));
	out_obj_end(cli->out);
	sriov_strv_free(done);
	sriov_strv_free(failed);
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}

const struct verb claim_verbs[] = {
	{ "add", 1, -1, claim_add, "NAME --count N [--pf PF]... [--numa NODE] [--device VVVV:DDDD] [--spread] [--driver vfio-pci|host] [--owner USER[:GROUP]] [--holder-pid PID] [--timeout SEC] [SETTING VALUE]...",
	  "lease N free VFs: configure them and bind them to vfio-pci" },
	{ "list", 0, 0, claim_list, "", "every claim" },
	{ "show", 1, 1, claim_show, "NAME", "one claim, with QEMU arguments for its VFs" },
	{ "release", 1, -1, claim_release, "NAME [--keep-settings] [--reset] [--timeout SEC]",
	  "give a claim's VFs back as they were, then drop its lease" },
	{ "gc", 0, -1, claim_gc, "[--all] [--keep-settings] [--reset] [--timeout SEC]",
	  "release the claims whose holder process is gone (or all)" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
