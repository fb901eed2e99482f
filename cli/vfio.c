/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl vfio bind / release / check / vf-token */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sriov/vfio.h"


int cli_parse_size(const char *s, uint64_t *ret)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end && (u = strchr(units, *end)) != NULL) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*ret = (uint64_t)v << shift;
	return 0;
}

/*
 * A guest's RAM (--memory): a size of at most 4096T (4 PiB, what 52-bit
 * physical addresses reach), or a usage error.
 */
int cli_parse_memory(struct cli *cli, const char *s, uint64_t *ret)
{
	if (cli_parse_size(s, ret) < 0 || *ret == 0)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --memory \"%s\": expected a size such as 4G or 4096M",
				 s);
	if (*ret > CLI_MEMORY_MAX)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --memory \"%s\": more than 4096T, the most a host can address",
				 s);
	return 0;
}

static int add_addrs(struct sriov_pci_addr **all, size_t *n,
		     const struct sriov_pci_addr *more, size_t k)
{
	struct sriov_pci_addr *na = realloc(*all, (*n + k + 1) * sizeof(*na));

	if (!na)
		return -ENOMEM;
	*all = na;
	for (size_t i = 0; i < k; i++) {
		bool dup = false;

		for (size_t j = 0; j < *n && !dup; j++)
			dup = !sriov_pci_addr_cmp(&na[j], &more[i]);
		if (!dup)
			na[(*n)++] = more[i];
	}
	return 0;
}

/* EXIT_USAGE when an option is left among argv[1..], else 0. */
static int no_options_left(struct cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_error(cli, EXIT_USAGE,
					 "unknown option \"%s\" for \"%s\"; try \"sriovctl help\"",
					 argv[i], argv[0]);
	return 0;
}

int cli_resolve_devices(struct cli *cli, int argc, char **argv,
			struct sriov_pci_addr **ret_addrs, size_t *ret_n)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pci_addr *all = NULL, *some;
	size_t n = 0, k;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	r = no_options_left(cli, argc, argv);
	if (r)
		return r;
	for (int i = 1; i < argc; i++) {
		r = sriov_vfio_spec_resolve(ctx, argv[i], &some, &k);
		if (r < 0) {
			free(all);
			return cli_lib_error(cli, r, cli_exit_for(r));
		}
		r = add_addrs(&all, &n, some, k);
		free(some);
		if (r < 0) {
			free(all);
			return cli_error(cli, EXIT_FAILED, "out of memory");
		}
	}
	if (n == 0) {
		free(all);
		return cli_error(cli, EXIT_USAGE, "\"%s\" names no devices", argv[1]);
	}
	*ret_addrs = all;
	*ret_n = n;
	return 0;
}

/* sriovctl(8): ok, changed (with --dry-run: would be), failed */
static const char *status_of(const struct sriov_vfio_result *d)
{
	if (d->error || d->rolled_back)
		return "failed";
	return d->changed ? "changed" : "ok";
}

/* A VFIO driver other than the plain one: the device's vfio-pci variant. */
static bool on_variant(struct sriov_ctx *ctx, const struct sriov_vfio_result *d)
{
	return d->driver_after && strcmp(d->driver_after, "vfio-pci") != 0 &&
	       sriov_driver_is_vfio(ctx, d->driver_after);
}

/* The names of the SRIOV_VF_HAS_* fields of mask; null for a bind. */
static void print_field_names(struct out *o, const char *key, const char *label,
			      uint32_t mask, bool release)
{
	const char *names[17];
	size_t n = 0;

	if (!release) {
		out_str(o, key, NULL, NULL);
		return;
	}
	for (uint32_t bit = 1; bit && n < 16; bit <<= 1)
		if ((mask & bit) && sriov_vf_field_name(bit))
			names[n++] = sriov_vf_field_name(bit);
	names[n] = NULL;
	out_strv(o, key, label, names);
}

static void print_result(struct cli *cli, const struct sriov_vfio_result *d,
			 bool release)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", d->pci);
	out_str(o, "pf", NULL, d->pf[0] ? d->pf : NULL);
	out_int(o, "vf", NULL, d->vf, d->vf >= 0);
	if (d->vf >= 0)
		out_text(o, "vf", "%s#%d", d->pf, d->vf);
	else
		out_text(o, "vf", "-");
	out_int(o, "iommu_group", "group", d->iommu_group,
		d->iommu_group != SRIOV_NO_VALUE);
	out_str(o, "driver_before", "before", d->driver_before);
	out_str(o, "driver", "after", d->driver_after);
	out_yesno(o, "variant_driver", NULL, on_variant(cli->ctx, d));
	out_str(o, "group_dev", NULL, d->group_dev);
	out_yesno(o, "changed", NULL, d->changed);
	out_yesno(o, "rolled_back", NULL, d->rolled_back);
	print_field_names(o, "settings_restored", NULL, d->settings_restored, release);
	print_field_names(o, "settings_failed", NULL, d->settings_failed, release);
	out_yesno(o, "reset", NULL, d->reset);
	out_str(o, "status", "status", status_of(d));
	out_int(o, "errno", NULL, -d->error, d->error != 0);
	out_str(o, "error", NULL, d->message);
	out_obj_end(o);
}

/* The report; on failure with the error (sriovctl(8), OUTPUT). */
static int print_report(struct cli *cli, const struct sriov_vfio_report *rep,
			bool release, int code)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_yesno(o, "changed", NULL, rep->changed);
	out_yesno(o, "dry_run", NULL, cli->dry_run);
	out_list_begin(o, "devices", cli->dry_run ? "planned" : "devices");
	for (size_t i = 0; i < rep->n; i++)
		print_result(cli, &rep->devs[i], release);
	out_list_end(o);
	if (code)
		cli_report_error(cli, code, "%s", sriov_ctx_last_error(cli->ctx));
	out_obj_end(o);
	for (size_t i = 0; !cli->json && !cli->quiet && i < rep->n; i++)
		if (rep->devs[i].changed && on_variant(cli->ctx, &rep->devs[i]))
			text_write_line(stderr,
					"sriovctl: %s: %s %s, its vfio-pci variant driver (named for it in modules.alias); --driver vfio-pci %s the plain one",
					rep->devs[i].pci, cli->dry_run ? "would go to" : "went to",
					rep->devs[i].driver_after,
					cli->dry_run ? "would bind" : "binds");
	return code;
}

static int move(struct cli *cli, int argc, char **argv, bool release)
{
	struct sriov_vfio_opts o = { .sz = sizeof(o), .force = cli->force,
				     .dry_run = cli->dry_run };
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr *devs;
	size_t n;
	int r;

	if (!release && cli_take_option(&argc, argv, "--owner", &o.owner) < 0)
		return cli_error(cli, EXIT_USAGE, "--owner needs USER[:GROUP]");
	if (release) {
		o.keep_settings = cli_take_flag(&argc, argv, "--keep-settings");
		o.reset = cli_take_flag(&argc, argv, "--reset");
	}
	if (!release && cli_take_option(&argc, argv, "--driver", &o.driver) < 0)
		return cli_error(cli, EXIT_USAGE, "--driver needs a VFIO driver, such as vfio-pci");
	r = cli_take_timeout(cli, &argc, argv, &o.timeout_ms);
	if (r == 0)
		r = cli_resolve_devices(cli, argc, argv, &devs, &n);
	if (r)
		return r;
	r = release ? sriov_vfio_release(cli->ctx, devs, n, &o, &rep)
		    : sriov_vfio_bind(cli->ctx, devs, n, &o, &rep);
	free(devs);
	if (!rep)
		return cli_lib_error(cli, r, cli_exit_for(r));
	r = print_report(cli, rep, release, r < 0 ? cli_exit_for(r) : EXIT_OK);
	sriov_vfio_report_free(rep);
	return r;
}

static int vfio_bind(struct cli *cli, int argc, char **argv)
{
	return move(cli, argc, argv, false);
}

static int vfio_release(struct cli *cli, int argc, char **argv)
{
	return move(cli, argc, argv, true);
}

static const char *region_name(uint32_t i)
{
	static const char *const names[] = { "BAR0", "BAR1", "BAR2", "BAR3",
					     "BAR4", "BAR5", "ROM", "config",
					     "VGA" };

	return i < sizeof(names) / sizeof(names[0]) ? names[i] : "device-specific";
}

static const char *irq_name(uint32_t i)
{
	static const char *const names[] = { "INTx", "MSI", "MSI-X", "error",
					     "request" };

	return i < sizeof(names) / sizeof(names[0]) ? names[i] : "other";
}

static void print_steps(struct out *o, const struct sriov_vfio_check_report *r)
{
	out_list_begin(o, "steps", "steps");
	for (int s = 0; s < SRIOV_VFIO_N_STEPS; s++) {
		bool ok = r->steps_passed & (1u << s);

		/* the steps that ran: a skipped reset shows in reset_done */
		if (!ok && s != r->failed_step)
			continue;
		out_obj_begin(o, NULL, NULL);
		out_str(o, "step", "step", sriov_vfio_step_name(s));
		out_str(o, "result", "result", ok ? "ok" : "failed");
		out_obj_end(o);
	}
	out_list_end(o);
}

static void print_device_info(struct out *o,
			      const struct sriov_vfio_check_report *r)
{
	out_list_begin(o, "regions", "regions");
	for (size_t i = 0; i < r->n_regions; i++) {
		if (!r->regions[i].size || !(r->steps_passed & (1u << SRIOV_VFIO_STEP_REGIONS)))
			continue;
		out_obj_begin(o, NULL, NULL);
		out_int(o, "index", NULL, r->regions[i].index, true);
		out_str(o, "name", "region", region_name(r->regions[i].index));
		out_int(o, "size", "size", (long long)r->regions[i].size, true);
		out_yesno(o, "mmap", "mmap", r->regions[i].flags & 4);
		out_obj_end(o);
	}
	out_list_end(o);
	out_list_begin(o, "irqs", "interrupts");
	for (size_t i = 0; i < r->n_irqs && r->steps_passed & (1u << SRIOV_VFIO_STEP_IRQS); i++) {
		out_obj_begin(o, NULL, NULL);
		out_int(o, "index", NULL, r->irqs[i].index, true);
		out_str(o, "name", "type", irq_name(r->irqs[i].index));
		out_int(o, "count", "count", r->irqs[i].count, true);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void print_iommu(struct out *o, const struct sriov_vfio_check_report *r)
{
	out_int(o, "api_version", "api version", r->api_version,
		r->steps_passed & (1u << SRIOV_VFIO_STEP_API_VERSION));
	out_yesno(o, "type1v2", "type1v2", r->type1v2);
	out_yesno(o, "viable", "viable", r->viable);
	out_hex(o, "iova_pgsizes", "IOVA page sizes", r->iova_pgsizes, 1,
		r->iova_pgsizes != 0);
	out_int(o, "dma_avail", "DMA mappings left", r->dma_avail,
		r->dma_avail >= 0);
	out_obj_begin(o, "dma_map", NULL);
	out_hex(o, "iova", NULL, r->dma_iova, 1,
		r->steps_passed & (1u << SRIOV_VFIO_STEP_MAP_DMA));
	out_int(o, "size", NULL, (long long)r->dma_size, r->dma_size != 0);
	out_obj_end(o);
	if (r->steps_passed & (1u << SRIOV_VFIO_STEP_MAP_DMA))
		out_text(o, "DMA test mapping", "%" PRIu64 " bytes at IOVA 0x%" PRIx64,
			 r->dma_size, r->dma_iova);
	out_list_begin(o, "iova_ranges", NULL);
	for (size_t i = 0; i < r->n_iova_ranges; i++) {
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "start", NULL, r->iova_ranges[i].start, 1, true);
		out_hex(o, "end", NULL, r->iova_ranges[i].end, 1, true);
		out_obj_end(o);
	}
	out_list_end(o);
}

struct preflight {
	const char *user;
	uint64_t memory;
	bool viommu;
	size_t n;
	struct sriov_vfio_host host;
	int problems;
};

static void print_preflight(struct cli *cli, struct preflight *p, int group)
{
	struct sriov_vfio_access a;
	struct out *o = cli->out;

	out_obj_begin(o, "preflight", "preflight");
	out_str(o, "user", "user", p->user);
	if (sriov_vfio_group_access(cli->ctx, group, p->user, &a) == 0) {
		out_int(o, "group_dev_uid", NULL, a.uid, a.exists);
		out_int(o, "group_dev_gid", NULL, a.gid, a.exists);
		out_text(o, "group node", a.exists ? "%s %u:%u %04o" : "%s missing",
			 a.path, a.uid, a.gid, a.mode);
		out_int(o, "group_dev_mode", NULL, a.mode, a.exists);
		out_yesno(o, "group_access", "group access", a.user_rw);
		out_yesno(o, "container_access", "container access", a.container_rw);
		p->problems += !a.user_rw + !a.container_rw;
		if (sriov_vfio_access_check(cli->ctx, group, p->user) < 0 &&
		    !cli->json && !cli->quiet)
			text_write_line(stderr, "%s: %s", cli->prog, sriov_ctx_last_error(cli->ctx));
	}
	out_bool(o, "noiommu", "no-IOMMU mode", p->host.noiommu < 0 ? -1 : p->host.noiommu);
	p->problems += p->host.noiommu == 1;
	out_obj_end(o);
}

static void print_check(struct cli *cli, const struct sriov_vfio_check_report *r,
			struct preflight *p)
{
	struct out *o = cli->out;

	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", r->pci);
	out_int(o, "iommu_group", "IOMMU group", r->iommu_group, true);
	out_str(o, "group_path", "group node", r->group_path);
	out_yesno(o, "ok", NULL, r->ok);
	out_str(o, NULL, "result", r->ok ? "ok" : "failed");
	out_str(o, "failed_step", "failed step", sriov_vfio_step_name(r->failed_step));
	out_str(o, "error", r->ok ? NULL : "error", r->message);
	print_iommu(o, r);
	out_yesno(o, "reset_supported", "reset supported", r->reset_supported);
	out_yesno(o, "reset_done", "reset done", r->reset_done);
	out_yesno(o, "iommufd", "iommufd", r->iommufd);
	out_str(o, "device_cdev", "device cdev", r->device_cdev);
	print_steps(o, r);
	print_device_info(o, r);
	print_preflight(cli, p, r->iommu_group);
	out_obj_end(o);
}

static int memlock_check(struct cli *cli, struct preflight *p)
{
	uint64_t need = sriov_vfio_memlock_need(p->memory, p->n, p->viommu);
	bool ok = p->host.cap_ipc_lock || p->host.memlock_cur >= need;
	struct out *o = cli->out;

	out_obj_begin(o, cli->json ? "memlock" : NULL, NULL);
	out_str(o, NULL, "locked memory", ok ? "enough" : "too little");
	out_int(o, "guest_memory", "guest memory", (long long)p->memory, true);
	out_int(o, "need", "needed", (long long)need, need <= INT64_MAX);
	out_int(o, "limit", "RLIMIT_MEMLOCK", (long long)p->host.memlock_cur,
		p->host.memlock_cur <= INT64_MAX);
	out_yesno(o, "cap_ipc_lock", "CAP_IPC_LOCK", p->host.cap_ipc_lock);
	out_yesno(o, "ok", NULL, ok);
	out_obj_end(o);
	if (sriov_vfio_memlock_check(cli->ctx, &p->host, p->memory, p->n, p->viommu) < 0 &&
	    !cli->quiet)
		text_write_line(stderr, "%s: %s", cli->prog, sriov_ctx_last_error(cli->ctx));
	return ok ? 0 : 1;
}

static int parse_check_opts(struct cli *cli, int *argc, char **argv,
			    struct preflight *p, struct sriov_vfio_check_opts *co)
{
	const char *mem = NULL;

	if (cli_take_option(argc, argv, "--user", &p->user) < 0 ||
	    cli_take_option(argc, argv, "--memory", &mem) < 0 ||
	    cli_take_option(argc, argv, "--vf-token", &co->vf_token) < 0)
		return cli_error(cli, EXIT_USAGE,
				 "--user, --memory and --vf-token need a value");
	if (mem && cli_parse_memory(cli, mem, &p->memory))
		return EXIT_USAGE;
	p->viommu = cli_take_flag(argc, argv, "--viommu");
	co->no_reset = cli_take_flag(argc, argv, "--no-reset");
	return 0;
}

/*
 * Each device's check; *ret_failed counts those that failed, the first
 * one's message in first_error. Exit code when a check could not run.
 */
static int check_each(struct cli *cli, const struct sriov_pci_addr *devs,
		      size_t n, const struct sriov_vfio_check_opts *co,
		      struct preflight *p, char *first_error, size_t size,
		      int *ret_failed)
{
	for (size_t i = 0; i < n; i++) {
		struct sriov_vfio_check_report *rep = NULL;
		int r = sriov_vfio_check(cli->ctx, &devs[i], co, &rep);

		if (!rep)
			return cli_lib_error(cli, r, cli_exit_for(r));
		if (r < 0 && !cli->json && !cli->quiet)
			text_write_line(stderr, "%s: %s", cli->prog, sriov_ctx_last_error(cli->ctx));
		if (r < 0 && !(*ret_failed)++)
			snprintf(first_error, size, "%s", sriov_ctx_last_error(cli->ctx));
		print_check(cli, rep, p);
		sriov_vfio_check_report_free(rep);
	}
	return 0;
}

static int vfio_check(struct cli *cli, int argc, char **argv)
{
	struct sriov_vfio_check_opts co = { .sz = sizeof(co) };
	struct preflight p = { 0 };
	struct sriov_pci_addr *devs;
	char first_error[1024] = "";
	int r, failed = 0;
	size_t n;

	r = parse_check_opts(cli, &argc, argv, &p, &co);
	if (r == 0)
		r = cli_resolve_devices(cli, argc, argv, &devs, &n);
	if (r)
		return r;
	p.n = n;
	sriov_vfio_host_probe(cli->ctx, &p.host);
	/* JSON: one object; text: a block per device */
	if (cli->json) {
		out_obj_begin(cli->out, NULL, NULL);
		out_list_begin(cli->out, "devices", NULL);
	}
	r = check_each(cli, devs, n, &co, &p, first_error, sizeof(first_error),
		       &failed);
	free(devs);
	if (r)
		return r;
	if (cli->json)
		out_list_end(cli->out);
	if (p.memory)
		p.problems += memlock_check(cli, &p);
	r = failed || p.problems ? EXIT_FAILED : EXIT_OK;
	if (!cli->json)
		return r;
	out_yesno(cli->out, "ok", NULL, r == EXIT_OK);
	/* in text each problem was reported as it was found */
	if (r)
		cli_report_error(cli, r, "%s", failed ? first_error
				 : "the preflight found problems (see preflight and memlock)");
	out_obj_end(cli->out);
	return r;
}

/* A PF by PCI address (any device: the library says what it is) or netdev. */
static int pf_addr(struct cli *cli, const char *name, struct sriov_pci_addr *ret)
{
	struct sriov_ctx *ctx = cli_ctx(cli);
	struct sriov_pf *pf;
	int r;

	if (!ctx)
		return EXIT_USAGE;
	if (sriov_pci_addr_parse(name, ret) == 0)
		return 0;
	r = sriov_pf_find(ctx, name, &pf);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	*ret = sriov_pf_get_info(pf)->addr;
	return 0;
}

static int vfio_vf_token(struct cli *cli, int argc, char **argv)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_pci_addr a;
	struct out *o = cli->out;
	int r;

	r = no_options_left(cli, argc, argv);
	if (r == 0)
		r = pf_addr(cli, argv[1], &a);
	if (r)
		return r;
	r = sriov_vfio_set_vf_token(cli->ctx, &a, argv[2], cli->dry_run);
	if (r < 0)
		return cli_lib_error(cli, r, cli_exit_for(r));
	sriov_pci_addr_format(&a, pci);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pf", pci);
	out_str(o, "vf_token", "VF token", argv[2]);
	/* the kernel never shows the token: setting it counts as a change */
	out_yesno(o, "changed", "changed", true);
	out_yesno(o, "dry_run", cli->dry_run ? "dry run" : NULL, cli->dry_run);
	out_obj_end(o);
	return EXIT_OK;
}

const struct verb vfio_verbs[] = {
	{ "bind", 1, -1, vfio_bind, "VFSPEC... [--owner USER[:GROUP]] [--driver DRIVER] [--timeout SEC]",
	  "move devices to vfio-pci (journaled, rolled back on failure)" },
	{ "release", 1, -1, vfio_release, "VFSPEC... [--keep-settings] [--reset] [--timeout SEC]",
	  "return devices from vfio-pci to their drivers and VF settings" },
	{ "check", 1, -1, vfio_check, "VFSPEC... [--user USER] [--memory SIZE] [--viommu] [--no-reset] [--vf-token UUID]",
	  "open VFIO as QEMU does, map DMA, and check what QEMU needs" },
	{ "vf-token", 2, 2, vfio_vf_token, "PF UUID",
	  "set the VF token of a PF on vfio-pci (its VFs' users must give it)" },
	{ NULL, 0, 0, NULL, NULL, NULL },
};
