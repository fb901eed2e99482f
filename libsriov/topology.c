/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PF/VF model, read from sysfs. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sysfs.h"

int sriov_dev_read_driver(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
			  char *buf, size_t size)
{
	int r = sriov_sysfs_dev_link_name(ctx, a, "driver", buf, size);

	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

/* driver_override reads "(null)" when unset; older kernels lack it. */
int sriov_dev_read_override(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *a, char *buf,
			    size_t size)
{
	int r = sriov_sysfs_dev_read(ctx, a, "driver_override", buf, size, true);

	if (r == -ENOENT || (r >= 0 && !strcmp(buf, "(null)")))
		buf[0] = '\0';
	else if (r < 0)
		return r;
	return 0;
}

int sriov_dev_read_iommu_group(struct sriov_ctx *ctx,
			       const struct sriov_pci_addr *a, int *ret)
{
	char name[64], pci[SRIOV_PCI_ADDR_STRLEN];
	unsigned long v;
	int r = sriov_sysfs_dev_link_name(ctx, a, "iommu_group", name,
					  sizeof(name));

	*ret = SRIOV_NO_VALUE;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (sriov_parse_uint(name, 10, 0x7fffffff, &v) < 0) {
		sriov_pci_addr_format(a, pci);
		return sriov_err(ctx, EINVAL, "%s: unexpected iommu_group %s",
				 pci, name);
	}
	*ret = (int)v;
	return 0;
}

/* A reader's value as a new string; NULL in *ret when it reads "". */
static int read_dup(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
		    int (*read)(struct sriov_ctx *, const struct sriov_pci_addr *,
				char *, size_t),
		    char **ret)
{
	char buf[256];
	int r = read(ctx, a, buf, sizeof(buf));

	*ret = NULL;
	if (r < 0 || !buf[0])
		return r;
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

/* Listing does not fail on a group it cannot read: the VF has none. */
static int read_iommu_group(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *a)
{
	int group;

	return sriov_dev_read_iommu_group(ctx, a, &group) < 0 ? SRIOV_NO_VALUE
							       : group;
}

/* An attribute in min..max; missing, unreadable or out of range: none. */
static int read_int_or_none(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *a, const char *attr,
			    int base, int min, int max)
{
	int v;

	return sriov_sysfs_dev_read_range(ctx, a, attr, base, min, max, &v) < 0
		       ? SRIOV_NO_VALUE : v;
}

int sriov_dev_read_netdevs(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
			   char ***ret)
{
	int r = sriov_sysfs_dev_list(ctx, a, "net", ret, NULL);

	if (r != -ENOENT)
		return r;
	/* no net/ directory: not a network device, or not registered yet */
	*ret = calloc(1, sizeof(char *));
	return *ret ? 0 : -ENOMEM;
}

static int read_ids(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
		    uint16_t *vendor, uint16_t *device, uint32_t *class_code)
{
	int v, d, c = 0, r;

	r = sriov_sysfs_dev_read_range(ctx, a, "vendor", 16, 0, 0xffff, &v);
	if (r == 0)
		r = sriov_sysfs_dev_read_range(ctx, a, "device", 16, 0, 0xffff, &d);
	if (r < 0)
		return r;
	if (class_code &&
	    sriov_sysfs_dev_read_range(ctx, a, "class", 16, 0, 0xffffff, &c) == 0)
		*class_code = (uint32_t)c;
	*vendor = (uint16_t)v;
	*device = (uint16_t)d;
	return 0;
}

/*
 * Driver, override, netdev and IOMMU group, read again: the VF's fields
 * change only when every read succeeded, and the handle stays the same.
 */
int sriov_vf_reload(struct sriov_vf *vf)
{
	struct sriov_ctx *ctx = vf->pf->ctx;
	const struct sriov_pci_addr *a = &vf->info.addr;
	char *driver = NULL, *override = NULL, **net = NULL;
	struct sriov_sysfs_hold prev;
	int r;

	sriov_sysfs_dev_hold_in(ctx, sriov_pf_parent_fd(vf->pf), a, &prev);
	r = read_dup(ctx, a, sriov_dev_read_driver, &driver);
	if (r == 0)
		r = read_dup(ctx, a, sriov_dev_read_override, &override);
	if (r == 0)
		r = sriov_dev_read_netdevs(ctx, a, &net);
	if (r < 0) {
		sriov_sysfs_dev_release(ctx, &prev);
		free(driver);
		free(override);
		return r;
	}
	free(vf->driver);
	free(vf->driver_override);
	free(vf->netdev);
	vf->driver = driver;
	vf->driver_override = override;
	vf->netdev = net[0] ? TAKE_PTR(net[0]) : NULL;
	sriov_sysfs_names_free(net);
	vf->info.driver = vf->driver;
	vf->info.driver_override = vf->driver_override;
	vf->info.netdev = vf->netdev;
	vf->info.iommu_group = read_iommu_group(ctx, a);
	sriov_sysfs_dev_release(ctx, &prev);
	return 0;
}

int sriov_vf_reload_addr(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr)
{
	struct sriov_vf *vf = sriov_vf_cached(ctx, addr);

	return vf ? sriov_vf_reload(vf) : 0;
}

static int vf_load(struct sriov_pf *pf, unsigned int index,
		   const struct sriov_pci_addr *addr, struct sriov_vf **ret)
{
	struct sriov_vf *vf = calloc(1, sizeof(*vf));
	int r;

	if (!vf)
		return -ENOMEM;
	vf->pf = pf;
	vf->info.addr = *addr;
	vf->info.index = index;
	sriov_pci_addr_format(addr, vf->info.pci);
	memcpy(vf->info.pf, pf->info.pci, sizeof(vf->info.pf));
	/* the kernel reports the PF's vendor and the VF device ID for VFs */
	vf->info.vendor_id = pf->info.vendor_id;
	vf->info.device_id = (uint16_t)pf->info.vf_device_id;
	vf->info.numa_node = pf->info.numa_node;
	r = sriov_vf_reload(vf);
	if (r < 0) {
		sriov_vf_free(vf);
		return r;
	}
	*ret = vf;
	return 0;
}

/* Each enabled VF through its virtfnN link; a missing link stays NULL. */
static int pf_load_vfs(struct sriov_pf *pf)
{
	struct sriov_ctx *ctx = pf->ctx;
	size_t n = pf->info.num_vfs > 0 ? (size_t)pf->info.num_vfs : 0;
	int fd = n ? sriov_sysfs_dev_parent_open(ctx, &pf->info.addr) : -1;

	/* without it each VF is opened from the root, as before */
	pf->parent_fd = fd;
	pf->has_parent_fd = fd >= 0;
	pf->vfs = calloc(n ? n : 1, sizeof(*pf->vfs));
	if (!pf->vfs)
		return -ENOMEM;
	pf->n_vfs = n;
	for (size_t i = 0; i < n; i++) {
		char link[32], name[64];
		struct sriov_pci_addr addr;
		int r;

		snprintf(link, sizeof(link), "virtfn%zu", i);
		r = sriov_sysfs_dev_link_name(ctx, &pf->info.addr, link, name,
					sizeof(name));
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (sriov_pci_addr_parse(name, &addr) < 0)
			return sriov_err(ctx, EINVAL,
					 "%s/%s points to \"%s\", not a PCI device",
					 pf->info.pci, link, name);
		r = vf_load(pf, (unsigned int)i, &addr, &pf->vfs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void pf_read_sriov_attrs(struct sriov_pf *pf)
{
	struct sriov_ctx *ctx = pf->ctx;
	const struct sriov_pci_addr *a = &pf->info.addr;
	struct sriov_pf_info *i = &pf->info;

	/* 16-bit fields of the SR-IOV capability; -1: NUMA_NO_NODE */
	i->total_vfs = read_int_or_none(ctx, a, "sriov_totalvfs", 10, 0, 0xffff);
	i->num_vfs = read_int_or_none(ctx, a, "sriov_numvfs", 10, 0, 0xffff);
	i->drivers_autoprobe =
		read_int_or_none(ctx, a, "sriov_drivers_autoprobe", 10, 0, 1);
	i->vf_device_id = read_int_or_none(ctx, a, "sriov_vf_device", 16, 0, 0xffff);
	i->vf_offset = read_int_or_none(ctx, a, "sriov_offset", 10, 0, 0xffff);
	i->vf_stride = read_int_or_none(ctx, a, "sriov_stride", 10, 0, 0xffff);
	i->vf_total_msix = read_int_or_none(ctx, a, "sriov_vf_total_msix", 10, 0,
					    INT_MAX);
	i->numa_node = read_int_or_none(ctx, a, "numa_node", 10, -1, 0xffff);
	i->iommu_group = read_iommu_group(ctx, a);
}

/* Older kernels lack some sriov_* files: fill them from the capability. */
static void pf_fill_from_cap(struct sriov_pf_info *i)
{
	if (!i->cap.present)
		return;
	if (i->vf_device_id == SRIOV_NO_VALUE)
		i->vf_device_id = i->cap.vf_device_id;
	if (i->vf_offset == SRIOV_NO_VALUE)
		i->vf_offset = i->cap.vf_offset;
	if (i->vf_stride == SRIOV_NO_VALUE)
		i->vf_stride = i->cap.vf_stride;
}

static int pf_read_strings(struct sriov_pf *pf)
{
	int r = read_dup(pf->ctx, &pf->info.addr, sriov_dev_read_driver,
			 &pf->driver);

	if (r == 0)
		r = read_dup(pf->ctx, &pf->info.addr, sriov_dev_read_override,
			     &pf->driver_override);
	if (r == 0)
		r = sriov_dev_read_netdevs(pf->ctx, &pf->info.addr, &pf->netdevs);
	pf->info.driver = pf->driver;
	pf->info.driver_override = pf->driver_override;
	pf->info.netdevs = (const char *const *)pf->netdevs;
	return r;
}

int sriov_pf_load(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		  struct sriov_pf **ret_pf)
{
	struct sriov_sysfs_hold prev;
	struct sriov_pf *pf;
	char path[SYSFS_PATH_MAX];
	int r;

	r = sriov_sysfs_dev_path(ctx, addr, "sriov_totalvfs", path, sizeof(path));
	if (r < 0)
		return r;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->ctx = ctx;
	pf->info.addr = *addr;
	sriov_pci_addr_format(addr, pf->info.pci);
	strcpy(pf->bus, "pci");
	memcpy(pf->dev_name, pf->info.pci, sizeof(pf->info.pci));
	pf->info.bus = pf->bus;
	pf->info.dev_name = pf->dev_name;
	sriov_sysfs_dev_hold(ctx, addr, &prev);
	r = read_ids(ctx, addr, &pf->info.vendor_id, &pf->info.device_id,
		     &pf->info.class_code);
	if (r == 0)
		r = pf_read_strings(pf);
	if (r == 0) {
		pf_read_sriov_attrs(pf);
		r = sriov_pci_read_sriov_cap(ctx, addr, &pf->info.cap);
	}
	if (r == 0) {
		pf_fill_from_cap(&pf->info);
		r = pf_load_vfs(pf);
	}
	sriov_sysfs_dev_release(ctx, &prev);
	if (r < 0) {
		sriov_pf_free(pf);
		return r;
	}
	*ret_pf = pf;
	return 0;
}

/*
 * A VF of a PF loaded so far: its routing ID is the PF's plus offset plus
 * a multiple of stride (PCIe SR-IOV), so each PF answers with one look at
 * the slot of that index.
 */
static bool is_known_vf(struct sriov_ctx *ctx, const struct sriov_pci_addr *a)
{
	unsigned int rid = (unsigned int)a->bus << 8 | a->slot << 3 | a->function;

	for (size_t i = 0; i < ctx->n_pfs; i++) {
		const struct sriov_pf *pf = ctx->pfs[i];
		const struct sriov_pf_info *in = &pf->info;
		unsigned int first, idx;

		if (!pf->n_vfs || in->vf_offset <= 0 || in->vf_stride <= 0 ||
		    in->addr.domain != a->domain)
			continue;
		first = ((unsigned int)in->addr.bus << 8 | in->addr.slot << 3 |
			 in->addr.function) + (unsigned int)in->vf_offset;
		if (rid < first || (rid - first) % (unsigned int)in->vf_stride)
			continue;
		idx = (rid - first) / (unsigned int)in->vf_stride;
		if (idx < pf->n_vfs && pf->vfs[idx] &&
		    !sriov_pci_addr_cmp(&pf->vfs[idx]->info.addr, a))
			return true;
	}
	return false;
}

static int scan_device(struct sriov_ctx *ctx, const struct sriov_pci_addr *a)
{
	char path[SYSFS_PATH_MAX];
	struct sriov_pf *pf;
	int r;

	r = sriov_sysfs_dev_path(ctx, a, "sriov_totalvfs", path, sizeof(path));
	if (r < 0 || !sriov_sysfs_exists(ctx, path))
		return r;
	/* a PF found before keeps its handle (callers may hold it) */
	return sriov_pf_get(ctx, a, &pf);
}

/* PCI PFs by address, then the others by device name. */
static int cmp_pf(const void *a, const void *b)
{
	const struct sriov_pf *x = *(struct sriov_pf *const *)a;
	const struct sriov_pf *y = *(struct sriov_pf *const *)b;
	bool xp = !strcmp(x->bus, "pci"), yp = !strcmp(y->bus, "pci");

	if (xp != yp)
		return xp ? -1 : 1;
	if (xp)
		return sriov_pci_addr_cmp(&x->info.addr, &y->info.addr);
	return strcmp(x->dev_name, y->dev_name);
}

static int scan_all(struct sriov_ctx *ctx)
{
	size_t n_names;
	char **names;
	int r;

	r = sriov_sysfs_list(ctx, "bus/pci/devices", &names, &n_names);
	if (r == -ENOENT)
		return sriov_err(ctx, ENOENT, "%s/bus/pci/devices: no such directory (is %s a sysfs tree?)",
				 ctx->sysfs_root, ctx->sysfs_root);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_names && r >= 0; i++) {
		struct sriov_pci_addr a;

		if (sriov_pci_addr_parse(names[i], &a) < 0 ||
		    is_known_vf(ctx, &a))
			continue;
		r = scan_device(ctx, &a);
	}
	sriov_sysfs_names_free(names);
	return r < 0 ? r : sriov_scan_other_buses(ctx);
}

SRIOV_EXPORT int sriov_pf_list(struct sriov_ctx *ctx,
			       struct sriov_pf *const **ret_pfs,
			       size_t *ret_count)
{
	int r;

	if (!ctx || !ret_pfs || !ret_count)
		return -EINVAL;
	if (!ctx->scanned) {
		r = scan_all(ctx);
		if (r < 0)
			return r;
		qsort(ctx->pfs, ctx->n_pfs, sizeof(*ctx->pfs), cmp_pf);
		ctx->scanned = true;
	}
	*ret_pfs = ctx->pfs;
	*ret_count = ctx->n_pfs;
	return 0;
}

/* Reads the PF again in place; its VF handles are replaced. */
int sriov_pf_refresh(struct sriov_pf *pf)
{
	struct sriov_pf *fresh;
	int r = strcmp(pf->bus, "pci")
			? sriov_pf_load_bus(pf->ctx, pf->bus, pf->dev_name, &fresh)
			: sriov_pf_load(pf->ctx, &pf->info.addr, &fresh);

	if (r < 0)
		return r;
	fresh->generation = pf->generation + 1;
	sriov_pf_free_contents(pf);
	*pf = *fresh;
	pf->info.netdevs = (const char *const *)pf->netdevs;
	pf->info.bus = pf->bus;
	pf->info.dev_name = pf->dev_name;
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i])
			pf->vfs[i]->pf = pf;
	free(fresh);
	return 0;
}

/* The PF at addr, loaded once per context. */
int sriov_pf_get(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		 struct sriov_pf **ret_pf)
{
	char path[SYSFS_PATH_MAX], pci[SRIOV_PCI_ADDR_STRLEN];
	struct sriov_pf *pf;
	int r;

	for (size_t i = 0; i < ctx->n_pfs; i++)
		if (!sriov_pci_addr_cmp(&ctx->pfs[i]->info.addr, addr)) {
			*ret_pf = ctx->pfs[i];
			return 0;
		}
	sriov_pci_addr_format(addr, pci);
	r = sriov_sysfs_dev_path(ctx, addr, NULL, path, sizeof(path));
	if (r < 0)
		return r;
	if (!sriov_sysfs_exists(ctx, path))
		return sriov_err(ctx, ENODEV, "no PCI device %s", pci);
	r = sriov_sysfs_dev_path(ctx, addr, "sriov_totalvfs", path, sizeof(path));
	if (r < 0)
		return r;
	if (!sriov_sysfs_exists(ctx, path))
		return sriov_err(ctx, EOPNOTSUPP,
				 "%s is not an SR-IOV physical function", pci);
	r = sriov_pf_load(ctx, addr, &pf);
	if (r == 0)
		r = sriov_ctx_add_pf(ctx, pf);
	if (r < 0)
		return r;
	*ret_pf = pf;
	return 0;
}

SRIOV_EXPORT const struct sriov_pf_info *
sriov_pf_get_info(const struct sriov_pf *cpf)
{
	/* the names are a cache filled on first use; every PF is heap-made */
	struct sriov_pf *pf = (struct sriov_pf *)cpf;

	if (!pf->names_loaded) {
		pf->names_loaded = true;
		sriov_pci_lookup_names(pf->ctx, pf->info.vendor_id,
				       pf->info.device_id, &pf->vendor_name,
				       &pf->device_name);
		pf->info.vendor_name = pf->vendor_name;
		pf->info.device_name = pf->device_name;
	}
	return &pf->info;
}

SRIOV_EXPORT unsigned long sriov_pf_generation(const struct sriov_pf *pf)
{
	return pf ? pf->generation : 0;
}

SRIOV_EXPORT size_t sriov_pf_vf_count(const struct sriov_pf *pf)
{
	return pf->n_vfs;
}

SRIOV_EXPORT struct sriov_vf *sriov_pf_get_vf(const struct sriov_pf *pf,
					      unsigned int index)
{
	if (index >= pf->n_vfs || !pf->vfs[index]) {
		errno = ENOENT;
		return NULL;
	}
	return pf->vfs[index];
}

SRIOV_EXPORT const struct sriov_vf_info *
sriov_vf_get_info(const struct sriov_vf *vf)
{
	return &vf->info;
}

SRIOV_EXPORT struct sriov_pf *sriov_vf_get_pf(const struct sriov_vf *vf)
{
	return vf->pf;
}
