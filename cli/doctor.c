/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriovctl doctor: is this host ready to pass VFs to VMs? Each finding
 * has a verdict (ok, info, warn, failed) and, when it is not ok, a fix.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sriov/vfio.h"

#define GIB ((uint64_t)1 << 30)

enum verdict { V_OK, V_INFO, V_WARN, V_FAIL };

static const char *const verdict_names[] = { "ok", "info", "warn", "failed" };

struct finding {
	const char *check;
	char subject[64];
	enum verdict v;
	char message[512];
	char fix[256];
};

struct doctor {
	struct cli *cli;
	struct sriov_vfio_host host;
	uint64_t memory;
	struct finding *f;
	size_t n;
	bool oom;
};

static void add(struct doctor *d, const char *check, const char *subject,
		enum verdict v, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void add(struct doctor *d, const char *check, const char *subject,
		enum verdict v, const char *fix, const char *fmt, ...)
{
	struct finding *nf = realloc(d->f, (d->n + 1) * sizeof(*nf));
	va_list ap;

	if (!nf) {
		d->oom = true;
		return;
	}
	d->f = nf;
	nf += d->n++;
	memset(nf, 0, sizeof(*nf));
	nf->check = check;
	nf->v = v;
	snprintf(nf->subject, sizeof(nf->subject), "%s", subject ? subject : "");
	snprintf(nf->fix, sizeof(nf->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(nf->message, sizeof(nf->message), fmt, ap);
	va_end(ap);
}

static const char *kind_name(const char *kind)
{
	if (!strcmp(kind, "intel-vt-d"))
		return "Intel VT-d";
	if (!strcmp(kind, "amd-vi"))
		return "AMD-Vi";
	if (!strcmp(kind, "arm-smmu"))
		return "Arm SMMU";
	return "an IOMMU";
}

static void check_iommu(struct doctor *d)
{
	const struct sriov_vfio_host *h = &d->host;
	const char *mode = !strcmp(h->domain_type, "identity")
				   ? "passthrough for host DMA (iommu=pt)"
				   : h->domain_type[0] ? "translated DMA" : "unknown mode";

	if (!h->iommu) {
		add(d, "iommu", NULL, V_FAIL,
		    "boot with intel_iommu=on (Intel) or amd_iommu=on (AMD), and enable VT-d/AMD-Vi in the firmware",
		    "no IOMMU is enabled (%s/class/iommu is empty): VFIO cannot isolate devices",
		    sriov_ctx_sysfs_root(d->cli->ctx));
		return;
	}
	add(d, "iommu", NULL, V_OK, NULL,
	    "%s is on: %s, default domain %s, %zu IOMMU groups%s%s%s",
	    kind_name(h->iommu_kind), mode,
	    h->domain_type[0] ? h->domain_type : "unknown", h->n_groups,
	    h->cmdline[0] ? " (kernel parameters: " : "", h->cmdline,
	    h->cmdline[0] ? ")" : "");
}

static void check_irq(struct doctor *d)
{
	const struct sriov_vfio_host *h = &d->host;

	if (h->irq_remapping == 1)
		add(d, "interrupt-remapping", NULL, V_OK, NULL,
		    "on: MSIs of passed-through devices are isolated");
	else if (h->irq_remapping == 0 && h->unsafe_interrupts == 1)
		add(d, "interrupt-remapping", NULL, V_WARN,
		    "enable interrupt remapping (x2APIC, intremap=on) and drop allow_unsafe_interrupts",
		    "off, and vfio_iommu_type1 allow_unsafe_interrupts=1 lets VFIO run without it: a guest could inject interrupts into the host");
	else if (h->irq_remapping == 0)
		add(d, "interrupt-remapping", NULL, V_FAIL,
		    "enable interrupt remapping in the firmware and the kernel (intremap=on)",
		    "off: VFIO refuses to attach devices without it");
	else
		add(d, "interrupt-remapping", NULL, V_INFO, NULL,
		    "unknown: it shows in /proc/interrupts of the running kernel only");
}

static void check_vfio(struct doctor *d)
{
	const struct sriov_vfio_host *h = &d->host;
	const char *dev = sriov_ctx_dev_root(d->cli->ctx);

	if (h->noiommu == 1)
		add(d, "noiommu", NULL, V_WARN,
		    "echo N > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode, or reboot without vfio.enable_unsafe_noiommu_mode",
		    "VFIO no-IOMMU mode is on: devices get no DMA isolation (sriovctl never turns it on)");
	else
		add(d, "noiommu", NULL, V_OK, NULL, "VFIO no-IOMMU mode is off");
	if (h->vfio_pci_loaded)
		add(d, "vfio-pci", NULL, V_OK, NULL, "the vfio-pci driver is loaded");
	else if (h->vfio_pci_loadable == 1)
		add(d, "vfio-pci", NULL, V_OK, NULL,
		    "vfio-pci is not loaded; sriovctl vfio bind loads it");
	else if (h->vfio_pci_loadable == 0)
		add(d, "vfio-pci", NULL, V_FAIL,
		    "install the kernel's modules (vfio-pci), or a kernel with CONFIG_VFIO_PCI",
		    "no vfio-pci module for this kernel");
	else
		add(d, "vfio-pci", NULL, V_WARN, "modprobe vfio-pci",
		    "the vfio-pci driver is not loaded (and modules are looked up only for /sys)");
	if (h->container)
		add(d, "vfio-container", NULL, V_OK, NULL, "%s/vfio/vfio exists", dev);
	else
		add(d, "vfio-container", NULL, V_WARN, "modprobe vfio (vfio-pci loads it too)",
		    "no %s/vfio/vfio: the vfio module is not loaded", dev);
	add(d, "iommufd", NULL, V_INFO, NULL,
	    h->iommufd ? "%s/iommu exists; %zu VFIO device files: QEMU may use iommufd"
		       : "no %s/iommu (kernels before 6.2, such as Debian 12's 6.1, have none): QEMU uses the VFIO container (%zu device files)",
	    dev, h->n_device_cdevs);
}

static void check_memlock(struct doctor *d)
{
	const struct sriov_vfio_host *h = &d->host;
	uint64_t need = sriov_vfio_memlock_need(d->memory, 1, false);

	if (h->cap_ipc_lock) {
		add(d, "memlock", NULL, V_OK, NULL,
		    "this process may lock any amount of memory (CAP_IPC_LOCK), as a QEMU running as root may");
	} else if (d->memory && h->memlock_cur < need) {
		add(d, "memlock", NULL, V_FAIL,
		    "raise RLIMIT_MEMLOCK (ulimit -l, limits.conf, LimitMEMLOCK= in the QEMU unit)",
		    "RLIMIT_MEMLOCK is %" PRIu64 " KiB; a guest with %" PRIu64 " MiB needs %" PRIu64 " KiB",
		    h->memlock_cur / 1024, d->memory >> 20, need / 1024);
	} else if (h->memlock_cur == UINT64_MAX) {
		add(d, "memlock", NULL, V_OK, NULL, "RLIMIT_MEMLOCK is unlimited");
	} else {
		add(d, "memlock", NULL, d->memory ? V_OK : V_INFO,
		    d->memory ? NULL : "check with --memory SIZE for a guest's RAM",
		    "RLIMIT_MEMLOCK of this process is %" PRIu64 " KiB: enough for %" PRIu64 " MiB of guest RAM with passthrough",
		    h->memlock_cur / 1024,
		    h->memlock_cur > GIB ? (h->memlock_cur - GIB) >> 20 : 0);
	}
}

/* The members of a VF's group, other than itself, that keep it from VFIO. */
static size_t vf_blockers(struct sriov_ctx *ctx, const struct sriov_vf_info *vi,
			  char *who, size_t size, int *ret_group)
{
	const struct sriov_iommu_group_info *gi;
	struct sriov_iommu_group *g;
	size_t n = 0, len = 0;

	*ret_group = SRIOV_NO_VALUE;
	who[0] = '\0';
	if (sriov_iommu_group_find(ctx, vi->pci, &g) < 0)
		return 0;
	gi = sriov_iommu_group_get_info(g);
	*ret_group = gi->id;
	for (size_t m = 0; m < gi->n_members; m++) {
		const struct sriov_iommu_member *mb = &gi->members[m];

		if (!strcmp(mb->pci, vi->pci) || sriov_iommu_member_viable(mb))
			continue;
		if (n++ < 3 && len < size)
			len += (size_t)snprintf(who + len, size - len, "%s%s (%s)",
						len ? ", " : "", mb->pci, mb->driver);
	}
	return n;
}

static void check_pf_groups(struct doctor *d, struct sriov_pf *pf,
			    const struct sriov_pf_info *i)
{
	size_t n_vfs = sriov_pf_vf_count(pf), shared = 0, nogroup = 0;
	char who[256] = "", first[300] = "";
	int group;

	for (size_t v = 0; v < n_vfs; v++) {
		struct sriov_vf *vf = sriov_pf_get_vf(pf, (unsigned int)v);
		const struct sriov_vf_info *vi = vf ? sriov_vf_get_info(vf) : NULL;

		if (!vi || !vi->pci[0])
			continue;
		if (vi->iommu_group == SRIOV_NO_VALUE) {
			nogroup++;
			continue;
		}
		if (vf_blockers(d->cli->ctx, vi, who, sizeof(who), &group) && !shared++)
			snprintf(first, sizeof(first), "VF %zu shares IOMMU group %d with %s",
				 v, group, who);
	}
	if (nogroup)
		add(d, "vf-groups", i->pci, V_FAIL, "enable the IOMMU",
		    "%zu of %zu VFs are in no IOMMU group", nogroup, n_vfs);
	else if (shared)
		add(d, "vf-groups", i->pci, V_WARN,
		    "pass such VFs only with their whole group on vfio-pci, or move the device behind a port with ACS",
		    "%zu of %zu VFs cannot be passed through alone: %s", shared, n_vfs, first);
	else
		add(d, "vf-groups", i->pci, V_OK, NULL,
		    "each of the %zu VFs has an IOMMU group it can take alone onto vfio-pci", n_vfs);
}

/* VFs whose own netdev has a larger MTU than the PF's drop what is above it. */
static void check_pf_mtu(struct doctor *d, struct sriov_pf *pf,
			 const char *name)
{
	unsigned int pf_mtu, vf_mtu, worst = 0;
	size_t n_above = 0, first = 0;
	char fix[160];

	if (sriov_pf_get_mtu(pf, &pf_mtu) < 0)
		return;
	for (size_t v = 0; v < sriov_pf_vf_count(pf); v++) {
		struct sriov_vf *vf = sriov_pf_get_vf(pf, (unsigned int)v);

		if (!vf || sriov_vf_get_mtu(vf, &vf_mtu) < 0 || vf_mtu <= pf_mtu)
			continue;
		if (!n_above++)
			first = v;
		if (vf_mtu > worst)
			worst = vf_mtu;
	}
	if (!n_above)
		return;
	snprintf(fix, sizeof(fix), "sriovctl pf set %s mtu %u, or lower the VFs: sriovctl vf set '%s#%zu' mtu %u",
		 name, worst, name, first, pf_mtu);
	add(d, "mtu", name, V_WARN, fix,
	    "%zu VF%s MTU above the PF's %u (up to %u, VF %zu first): frames above %u are dropped",
	    n_above, n_above == 1 ? " has an" : "s have an", pf_mtu, worst, first, pf_mtu);
}

/* VFs of pf with a legacy (rtnetlink) rate limit. */
static size_t legacy_rates(struct sriov_pf *pf)
{
	size_t n = 0;

	if (sriov_pf_read_vf_config(pf, false) < 0)
		return 0;
	for (size_t k = 0; k < sriov_pf_vf_count(pf); k++) {
		struct sriov_vf *vf = sriov_pf_get_vf(pf, (unsigned int)k);
		const struct sriov_vf_config *c = vf ? sriov_vf_get_config(vf) : NULL;

		n += c && ((c->mask & SRIOV_VF_HAS_MAX_TX_RATE && c->max_tx_rate) ||
			   (c->mask & SRIOV_VF_HAS_MIN_TX_RATE && c->min_tx_rate));
	}
	return n;
}

/* Whether the PF has devlink, its eswitch mode, and what does not fit it. */
static void check_eswitch(struct doctor *d, struct sriov_pf *pf, const char *name)
{
	struct sriov_eswitch_info e;
	const char *mode;
	size_t rates;

	if (sriov_pf_read_eswitch(pf, &e) < 0) {
		add(d, "eswitch", name, V_WARN, NULL, "cannot read its devlink eswitch: %s",
		    sriov_ctx_last_error(d->cli->ctx));
		return;
	}
	if (!e.handle[0]) {
		add(d, "eswitch", name, V_INFO, NULL,
		    "no devlink instance: no embedded switch to manage (legacy SR-IOV only)");
		return;
	}
	mode = sriov_eswitch_mode_name(e.mode);
	if (!mode) {
		add(d, "eswitch", name, V_INFO, NULL, "devlink %s; the driver reports no eswitch mode",
		    e.handle);
		return;
	}
	rates = e.mode == SRIOV_ESWITCH_SWITCHDEV ? legacy_rates(pf) : 0;
	if (rates) {
		char fix[256];

		snprintf(fix, sizeof(fix),
			 "set them through devlink rate: sriovctl rate set '%s#N' tx-max RATE",
			 name);
		add(d, "eswitch", name, V_WARN, fix,
		    "devlink %s in switchdev mode, but %zu VFs have legacy (rtnetlink) rate limits, which switchdev drivers do not enforce",
		    e.handle, rates);
		return;
	}
	add(d, "eswitch", name, V_OK, NULL, "devlink %s, eswitch mode %s", e.handle, mode);
}

static void check_pf(struct doctor *d, struct sriov_pf *pf)
{
	const struct sriov_pf_info *i = sriov_pf_get_info(pf);
	const char *name = i->pci[0] ? i->pci
			   : i->netdevs[0] ? i->netdevs[0] : "(not PCI)";
	char fix[128];

	check_eswitch(d, pf, i->pci[0] ? name : i->dev_name);
	if (!i->pci[0]) {
		add(d, "pf", name, V_INFO, NULL,
		    "%s's VFs have no PCI functions: they cannot be passed through", name);
		return;
	}
	if (!i->driver) {
		add(d, "pf", name, V_WARN,
		    "bind the PF's driver (or pci-pf-stub for a device whose driver cannot enable VFs)",
		    "no driver: VFs cannot be enabled (%d possible)", i->total_vfs);
		return;
	}
	snprintf(fix, sizeof(fix), "sriovctl pf set %s num-vfs N", name);
	if (i->num_vfs <= 0) {
		add(d, "pf", name, V_INFO, fix, "driver %s, no VFs enabled (%d possible)",
		    i->driver, i->total_vfs);
		return;
	}
	add(d, "pf", name, V_OK, NULL, "driver %s, %d of %d VFs, autoprobe %s",
	    i->driver, i->num_vfs, i->total_vfs,
	    i->drivers_autoprobe == SRIOV_NO_VALUE ? "unknown"
	    : i->drivers_autoprobe ? "on" : "off");
	check_pf_groups(d, pf, i);
	check_pf_mtu(d, pf, name);
	if (sriov_driver_is_vfio(d->cli->ctx, i->driver))
		add(d, "vf-token", name, V_INFO,
		    "have the PF's user set a VF token (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN) and give it to sriovctl qemu args --vf-token UUID",
		    "the PF is on %s: the kernel opens its VFs only with the PF's VF token, a random UUID until the program holding the PF sets one; QEMU takes it as vf-token=, libvirt XML cannot carry it",
		    i->driver);
}

static void check_pfs(struct doctor *d)
{
	struct sriov_pf *const *pfs;
	size_t n;

	if (sriov_pf_list(d->cli->ctx, &pfs, &n) < 0) {
		add(d, "pf", NULL, V_FAIL, NULL, "cannot list PFs: %s",
		    sriov_ctx_last_error(d->cli->ctx));
		return;
	}
	if (n == 0)
		add(d, "pf", NULL, V_WARN, "check the NIC's firmware settings (SR-IOV) and its driver",
		    "no SR-IOV physical functions");
	for (size_t i = 0; i < n; i++)
		check_pf(d, pfs[i]);
}

static void print_text(struct doctor *d, bool ready)
{
	struct out *o = d->cli->out;

	for (size_t i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];

		if (d->cli->quiet && f->v < V_WARN)
			continue;
		out_text(o, "finding", "%-6s  %-19s %s%s%s", verdict_names[f->v],
			 f->check, f->subject, f->subject[0] ? ": " : "",
			 f->message);
		if (f->fix[0] && f->v != V_OK)
			out_text(o, "fix", "        %-19s fix: %s", "", f->fix);
	}
	out_text(o, "verdict", "%s", ready ? "ready for passthrough"
					   : "not ready for passthrough");
}

static void print_json(struct doctor *d, bool ready, size_t n_failed)
{
	struct out *o = d->cli->out;

	out_obj_begin(o, NULL, NULL);
	out_yesno(o, "ready", NULL, ready);
	out_list_begin(o, "findings", NULL);
	for (size_t i = 0; i < d->n; i++) {
		out_obj_begin(o, NULL, NULL);
		out_str(o, "check", NULL, d->f[i].check);
		out_str(o, "subject", NULL, d->f[i].subject[0] ? d->f[i].subject : NULL);
		out_str(o, "status", NULL, verdict_names[d->f[i].v]);
		out_str(o, "message", NULL, d->f[i].message);
		out_str(o, "fix", NULL, d->f[i].fix[0] ? d->f[i].fix : NULL);
		out_obj_end(o);
	}
	out_list_end(o);
	if (!ready)
		cli_report_error(d->cli, EXIT_FAILED,
				 "not ready for passthrough: %zu check%s failed",
				 n_failed, n_failed == 1 ? "" : "s");
	out_obj_end(o);
}

/* Ready unless a check failed; the text says so on its last line. */
static bool print_findings(struct doctor *d)
{
	size_t n_failed = 0;

	for (size_t i = 0; i < d->n; i++)
		n_failed += d->f[i].v == V_FAIL;
	if (d->cli->json)
		print_json(d, !n_failed, n_failed);
	else
		print_text(d, !n_failed);
	return !n_failed;
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	struct doctor d = { .cli = cli };
	const char *mem = NULL;
	bool ready;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		puts("Usage: sriovctl doctor [--memory SIZE]\n"
		     "Checks the host's readiness for SR-IOV passthrough (see sriovctl-doctor(8)).");
		return EXIT_OK;
	}
	if (cli_take_option(&argc, argv, "--memory", &mem) < 0)
		return cli_error(cli, EXIT_USAGE,
				 "--memory needs a size such as 4G or 4096M");
	if (mem && cli_parse_memory(cli, mem, &d.memory))
		return EXIT_USAGE;
	if (argc > 1)
		return cli_error(cli, EXIT_USAGE, "usage: sriovctl doctor [--memory SIZE]");
	if (!cli_ctx(cli))
		return EXIT_USAGE;
	sriov_vfio_host_probe(cli->ctx, &d.host);
	check_iommu(&d);
	check_irq(&d);
	check_vfio(&d);
	check_memlock(&d);
	check_pfs(&d);
	if (d.oom) {
		free(d.f);
		return cli_error(cli, EXIT_FAILED, "out of memory");
	}
	ready = print_findings(&d);
	free(d.f);
	return ready ? EXIT_OK : EXIT_FAILED;
}
