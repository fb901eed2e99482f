/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a QEMU with passed-through devices needs from the host: an IOMMU
 * (and interrupt remapping), vfio-pci, the VFIO device nodes it can open,
 * and enough locked memory. Also the device specifications of passthrough.
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"
#include "vfio_private.h"

#define GIB (1024ULL * 1024 * 1024)
#define CAP_IPC_LOCK_BIT 14

static bool dev_has(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
		    const char *attr)
{
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_dev_path(ctx, a, attr, path, sizeof(path)) == 0 &&
	       sriov_sysfs_exists(ctx, path);
}

SRIOV_EXPORT int sriov_vfio_spec_resolve(struct sriov_ctx *ctx,
					 const char *spec,
					 struct sriov_pci_addr **ret_addrs,
					 size_t *ret_count)
{
	struct sriov_pci_addr a, *addrs;
	struct sriov_vf **vfs;
	size_t n;
	int r;

	if (!ctx || !spec || !ret_addrs || !ret_count)
		return -EINVAL;
	/* a device that is neither VF nor PF stands for itself */
	if (sriov_pci_addr_parse(spec, &a) == 0) {
		char pci[SRIOV_PCI_ADDR_STRLEN];

		sriov_pci_addr_format(&a, pci);
		if (!sriov_vdev_exists(ctx, &a))
			return sriov_err(ctx, ENODEV, "no PCI device %s", pci);
		if (!dev_has(ctx, &a, "physfn") && !dev_has(ctx, &a, "sriov_totalvfs")) {
			addrs = malloc(sizeof(*addrs));
			if (!addrs)
				return -ENOMEM;
			*addrs = a;
			*ret_addrs = addrs;
			*ret_count = 1;
			return 0;
		}
	}
	r = sriov_vf_spec_resolve(ctx, spec, &vfs, &n);
	if (r < 0)
		return r;
	addrs = calloc(n ? n : 1, sizeof(*addrs));
	for (size_t i = 0; addrs && r == 0 && i < n; i++) {
		const struct sriov_vf_info *vi = sriov_vf_get_info(vfs[i]);

		if (!vi->pci[0])
			r = sriov_err(ctx, EINVAL,
				      "VF %u of \"%s\" has no PCI function: it cannot be passed through",
				      vi->index, spec);
		addrs[i] = vi->addr;
	}
	free(vfs);
	if (!addrs || r < 0) {
		free(addrs);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_addrs = addrs;
	*ret_count = n;
	return 0;
}

SRIOV_EXPORT int sriov_vfio_usable(struct sriov_ctx *ctx,
				   const struct sriov_pci_addr *dev)
{
	struct vgroup g;
	struct vdev d;
	char who[320];
	size_t n;
	int r;

	if (!ctx || !dev)
		return -EINVAL;
	r = sriov_vdev_load(ctx, dev, &d);
	if (r < 0)
		return r;
	if (!sriov_driver_is_vfio(ctx, d.driver))
		return sriov_err(ctx, ECANCELED,
				 "%s is on %s, not vfio-pci: bind it first (sriovctl vfio bind %s)",
				 d.pci, d.driver[0] ? d.driver : "no driver",
				 d.pci);
	if (d.group == SRIOV_NO_VALUE)
		return sriov_err(ctx, ECANCELED, "%s is in no IOMMU group",
				 d.pci);
	r = sriov_vgroup_load(ctx, d.group, &g);
	if (r < 0)
		return r;
	n = sriov_vgroup_blockers(&g, NULL, 0, who, sizeof(who));
	sriov_vgroup_clear(&g);
	if (n)
		return sriov_err(ctx, ECANCELED,
				 "%s: IOMMU group %d is not viable: it also holds %s",
				 d.pci, d.group, who);
	return 0;
}

SRIOV_EXPORT uint64_t sriov_vfio_memlock_need(uint64_t guest_ram,
					      size_t n_devices, bool viommu)
{
	uint64_t copies = viommu && n_devices > 1 ? n_devices : 1;

	/* no amount is enough rather than a sum that wraps to a small one */
	if (guest_ram > (UINT64_MAX - GIB) / copies)
		return UINT64_MAX;
	return guest_ram * copies + GIB;
}

static void iommu_kind(const char *unit, char *buf, size_t size)
{
	const char *kind = "other";

	if (!strncmp(unit, "dmar", 4))
		kind = "intel-vt-d";
	else if (!strncmp(unit, "ivhd", 4))
		kind = "amd-vi";
	else if (strstr(unit, "smmu"))
		kind = "arm-smmu";
	snprintf(buf, size, "%s", kind);
}

static void probe_iommu(struct sriov_ctx *ctx, struct sriov_vfio_host *h)
{
	char **names = NULL, path[SYSFS_PATH_MAX];
	size_t n = 0;

	if (sriov_sysfs_list(ctx, "class/iommu", &names, &n) == 0 && n) {
		h->iommu = true;
		iommu_kind(names[0], h->iommu_kind, sizeof(h->iommu_kind));
	}
	sriov_sysfs_names_free(names);
	names = NULL;
	if (sriov_sysfs_list(ctx, "kernel/iommu_groups", &names, &n) == 0 && n) {
		const char *comps[] = { "kernel", "iommu_groups", names[0], "type",
					NULL };

		h->n_groups = n;
		if (sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0)
			sriov_sysfs_read(ctx, path, h->domain_type,
				   sizeof(h->domain_type), true);
	}
	sriov_sysfs_names_free(names);
}

/* 1 for "Y", 0 for "N", -1 when the parameter (its module) is absent. */
static int module_param(struct sriov_ctx *ctx, const char *mod,
			const char *param)
{
	const char *comps[] = { "module", mod, "parameters", param, NULL };
	char path[SYSFS_PATH_MAX], buf[8];

	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) < 0 ||
	    sriov_sysfs_read(ctx, path, buf, sizeof(buf), true) < 0)
		return -1;
	return buf[0] == 'Y' || buf[0] == '1';
}

/* Remapped MSIs show up as "IR-PCI-MSI" in /proc/interrupts. */
static int irq_remapping(struct sriov_ctx *ctx)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[512];
	int found = -1;

	if (!ctx->live || !(f = fopen("/proc/interrupts", "re")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "IR-"))
			return 1;
		if (strstr(line, "PCI-MSI"))
			found = 0;
	}
	return found;
}

static void iommu_cmdline(struct sriov_ctx *ctx, char *buf, size_t size)
{
	static const char *const keys[] = { "intel_iommu=", "amd_iommu=",
					    "iommu=", "iommu.", "vfio",
					    "intremap=" };
	_cleanup_fclose_ FILE *f = NULL;
	char line[4096], *save = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (!ctx->live || !(f = fopen("/proc/cmdline", "re")) ||
	    !fgets(line, sizeof(line), f))
		return;
	for (char *w = strtok_r(line, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save))
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strncmp(w, keys[k], strlen(keys[k])) &&
			    len + strlen(w) + 2 < size) {
				len += (size_t)snprintf(buf + len, size - len,
							"%s%s", len ? " " : "", w);
				break;
			}
}

static bool has_cap_ipc_lock(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long caps;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			return caps & (1ULL << CAP_IPC_LOCK_BIT);
	return false;
}

static bool dev_exists(struct sriov_ctx *ctx, const char *rel)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", ctx->dev_root, rel);
	return stat(path, &st) == 0;
}

static size_t count_cdevs(struct sriov_ctx *ctx)
{
	_cleanup_closedir_ DIR *d = NULL;
	char path[600];
	struct dirent *de;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/vfio/devices", ctx->dev_root);
	d = opendir(path);
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	return n;
}

static uint64_t rlim(rlim_t v)
{
	return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}

SRIOV_EXPORT int sriov_vfio_host_probe(struct sriov_ctx *ctx,
				       struct sriov_vfio_host *ret)
{
	struct sriov_vfio_host h = { .irq_remapping = -1 };
	struct rlimit rl;

	if (!ctx || !ret)
		return -EINVAL;
	probe_iommu(ctx, &h);
	h.irq_remapping = irq_remapping(ctx);
	h.unsafe_interrupts = module_param(ctx, "vfio_iommu_type1",
					   "allow_unsafe_interrupts");
	h.noiommu = module_param(ctx, "vfio", "enable_unsafe_noiommu_mode");
	h.vfio_pci_loaded = sriov_driver_loaded(ctx, VFIO_PCI);
	h.vfio_pci_loadable = h.vfio_pci_loaded ? 1 : sriov_module_available(ctx, VFIO_PCI);
	h.container = dev_exists(ctx, "vfio/vfio");
	h.iommufd = dev_exists(ctx, "iommu");
	h.n_device_cdevs = count_cdevs(ctx);
	iommu_cmdline(ctx, h.cmdline, sizeof(h.cmdline));
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		h.memlock_cur = rlim(rl.rlim_cur);
		h.memlock_max = rlim(rl.rlim_max);
	}
	h.cap_ipc_lock = has_cap_ipc_lock();
	*ret = h;
	return 0;
}

static bool may_rw(const struct stat *st, uid_t uid, const gid_t *gids,
		   int n_gids)
{
	if (uid == 0)
		return true;
	if (st->st_uid == uid)
		return (st->st_mode & 0600) == 0600;
	for (int i = 0; i < n_gids; i++)
		if (st->st_gid == gids[i])
			return (st->st_mode & 0060) == 0060;
	return (st->st_mode & 0006) == 0006;
}

static int user_ids(struct sriov_ctx *ctx, const char *user, uid_t *uid,
		    gid_t *gids, int *n_gids)
{
	struct passwd pw, *res = NULL;
	gid_t gid = getegid();
	char buf[4096];
	int r = 0;

	*uid = geteuid();
	if (user)
		r = sriov_owner_user(ctx, user, uid, &gid);
	if (r < 0)
		return r;
	if (getpwuid_r(*uid, &pw, buf, sizeof(buf), &res) != 0 || !res) {
		/* the caller keeps its group; a bare number has none to count */
		gids[0] = gid;
		*n_gids = user ? 0 : 1;
		return 0;
	}
	if (getgrouplist(res->pw_name, res->pw_gid, gids, n_gids) < 0) {
		gids[0] = res->pw_gid;
		*n_gids = 1;
	}
	return 0;
}

SRIOV_EXPORT int sriov_vfio_group_access(struct sriov_ctx *ctx, int group,
					 const char *user,
					 struct sriov_vfio_access *ret)
{
	struct sriov_vfio_access acc = { 0 };
	gid_t gids[256];
	int n_gids = ARRAY_SIZE(gids), r;
	char container[600];
	struct stat st;
	uid_t uid = 0;

	if (!ctx || !ret || group < 0)
		return -EINVAL;
	r = user_ids(ctx, user, &uid, gids, &n_gids);
	if (r < 0)
		return r;
	r = sriov_vfio_group_path(ctx, group, false, acc.path, sizeof(acc.path));
	if (r == 0 && stat(acc.path, &st) == 0) {
		acc.exists = true;
		acc.uid = st.st_uid;
		acc.gid = st.st_gid;
		acc.mode = st.st_mode & 07777;
		acc.user_rw = may_rw(&st, uid, gids, n_gids);
	}
	snprintf(container, sizeof(container), "%s/vfio/vfio", ctx->dev_root);
	acc.container_rw = stat(container, &st) == 0 &&
			   may_rw(&st, uid, gids, n_gids);
	*ret = acc;
	return 0;
}

SRIOV_EXPORT int sriov_vfio_access_check(struct sriov_ctx *ctx, int group,
					 const char *user)
{
	struct sriov_vfio_access a;
	char who[64];
	int r;

	if (!ctx)
		return -EINVAL;
	r = sriov_vfio_group_access(ctx, group, user, &a);
	if (r < 0)
		return r;
	snprintf(who, sizeof(who), "%s%s", user ? "user " : "this user",
		 user ? user : "");
	if (!a.exists)
		return sriov_err(ctx, ECANCELED, "%s missing: QEMU cannot open IOMMU group %d",
				 a.path, group);
	if (!a.user_rw)
		return sriov_err(ctx, ECANCELED,
				 "%s cannot open %s (%u:%u %04o) read-write: QEMU running as %s cannot (sriovctl vfio bind --owner)",
				 who, a.path, a.uid, a.gid, a.mode, user ? user : "it");
	if (!a.container_rw)
		return sriov_err(ctx, ECANCELED, "%s cannot open %s/vfio/vfio read-write",
				 who, ctx->dev_root);
	return 0;
}

SRIOV_EXPORT int sriov_vfio_memlock_check(struct sriov_ctx *ctx,
					  const struct sriov_vfio_host *host,
					  uint64_t guest_ram, size_t n_devices,
					  bool viommu)
{
	uint64_t need = sriov_vfio_memlock_need(guest_ram, n_devices, viommu);

	if (!ctx || !host)
		return -EINVAL;
	if (host->cap_ipc_lock || host->memlock_cur >= need)
		return 0;
	return sriov_err(ctx, ECANCELED,
			 "RLIMIT_MEMLOCK is %" PRIu64 " bytes, QEMU needs %" PRIu64 " for %" PRIu64 " bytes of guest RAM (raise it with ulimit -l, limits.conf or LimitMEMLOCK=)",
			 host->memlock_cur, need, guest_ram);
}

bool sriov_vf_token_valid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (!s || strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool sriov_vdev_needs_vf_token(struct sriov_ctx *ctx, const struct vdev *d)
{
	struct sriov_pci_addr a;
	struct vdev pf;

	if (d->vf < 0 || !d->pf[0] || sriov_pci_addr_parse(d->pf, &a) < 0 ||
	    sriov_vdev_load(ctx, &a, &pf) < 0)
		return false;
	return sriov_driver_is_vfio(ctx, pf.driver);
}
