/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IOMMU group viability, by the kernel's rule: VFIO takes a group only
 * when no member is bound to a driver that uses the DMA API on the host.
 * The drivers that do not (driver_managed_dma in the kernel) are the VFIO
 * drivers, pci-stub and pcieport; an unbound member is fine too.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"
#include "iommu.h"

SRIOV_EXPORT bool sriov_vfio_driver_is_vfio(const char *driver)
{
	size_t len;

	if (!driver)
		return false;
	len = strlen(driver);
	/* vfio-pci, and variant drivers such as mlx5_vfio_pci */
	return !strcmp(driver, "vfio-pci") ||
	       (len >= 8 && !strcmp(driver + len - 8, "vfio_pci")) ||
	       (len >= 8 && !strcmp(driver + len - 8, "vfio-pci"));
}

/*
 * vfio-pci and its variants are built on vfio_pci_core, which lists the
 * modules that use it in its holders/: a driver by any name whose module
 * is one of them hands its devices to VFIO.
 */
SRIOV_EXPORT bool sriov_driver_is_vfio(struct sriov_ctx *ctx, const char *driver)
{
	const char *link[] = { "bus", "pci", "drivers", driver, "module", NULL };
	char path[SYSFS_PATH_MAX], module[128];
	const char *holder[] = { "module", "vfio_pci_core", "holders", module, NULL };

	if (sriov_vfio_driver_is_vfio(driver))
		return true;
	if (!driver || !*driver || sriov_sysfs_join(ctx, path, sizeof(path), link) < 0 ||
	    sriov_sysfs_readlink_name(ctx, path, module, sizeof(module)) < 0)
		return false;
	return sriov_sysfs_join(ctx, path, sizeof(path), holder) == 0 &&
	       sriov_sysfs_exists(ctx, path);
}

/*
 * The one viability rule. on_vfio is what the library read with
 * sriov_driver_is_vfio(); a member filled in by a caller has only its name.
 */
SRIOV_EXPORT bool sriov_iommu_member_viable(const struct sriov_iommu_member *m)
{
	const char *driver = m ? m->driver : NULL;

	return m && (!driver || !*driver || m->on_vfio ||
		     sriov_vfio_driver_is_vfio(driver) ||
		     !strcmp(driver, "pci-stub") || !strcmp(driver, "pcieport"));
}

void sriov_vgroup_clear(struct vgroup *g)
{
	for (size_t i = 0; i < g->n; i++)
		free((char *)g->members[i].driver);
	free(g->members);
	g->members = NULL;
	g->n = 0;
}

static int member_read(struct sriov_ctx *ctx, const char *name,
		       struct sriov_iommu_member *m)
{
	struct sriov_pci_addr a;
	char drv[SRIOV_DRIVER_NAME_MAX];
	int v;

	if (sriov_pci_addr_parse(name, &a) < 0)
		return sriov_err(ctx, EINVAL, "unexpected IOMMU group member %s",
				 name);
	sriov_pci_addr_format(&a, m->pci);
	if (sriov_dev_read_driver(ctx, &a, drv, sizeof(drv)) == 0 && drv[0] &&
	    !(m->driver = strdup(drv)))
		return -ENOMEM;
	if (sriov_sysfs_dev_read_int(ctx, &a, "class", 16, &v) == 0)
		m->class_code = (uint32_t)v;
	if (sriov_sysfs_dev_read_int(ctx, &a, "vendor", 16, &v) == 0)
		m->vendor_id = (uint16_t)v;
	if (sriov_sysfs_dev_read_int(ctx, &a, "device", 16, &v) == 0)
		m->device_id = (uint16_t)v;
	m->is_bridge = (m->class_code >> 8) == 0x0604;
	m->on_vfio = sriov_driver_is_vfio(ctx, m->driver);
	return 0;
}

/* Reads a group afresh, without the context's cache of groups. */
int sriov_vgroup_load(struct sriov_ctx *ctx, int id, struct vgroup *ret)
{
	char num[16], path[SYSFS_PATH_MAX], **names = NULL;
	const char *comps[] = { "kernel", "iommu_groups", num, "devices", NULL };
	struct vgroup g = { .id = id };
	size_t n = 0;
	int r;

	snprintf(num, sizeof(num), "%d", id);
	r = sriov_sysfs_join(ctx, path, sizeof(path), comps);
	if (r == 0)
		r = sriov_sysfs_list(ctx, path, &names, &n);
	if (r == -ENOENT)
		return sriov_err(ctx, ENODEV, "no IOMMU group %d", id);
	if (r < 0)
		return r;
	g.members = calloc(n ? n : 1, sizeof(*g.members));
	if (!g.members)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++, g.n++)
		r = member_read(ctx, names[i], &g.members[i]);
	sriov_sysfs_names_free(names);
	if (r < 0) {
		sriov_vgroup_clear(&g);
		return r;
	}
	*ret = g;
	return 0;
}

static bool skipped(const char *pci, const struct sriov_pci_addr *skip,
		    size_t n_skip)
{
	char s[SRIOV_PCI_ADDR_STRLEN];

	for (size_t i = 0; i < n_skip; i++) {
		sriov_pci_addr_format(&skip[i], s);
		if (!strcmp(s, pci))
			return true;
	}
	return false;
}

size_t sriov_vgroup_blockers(const struct vgroup *g,
		       const struct sriov_pci_addr *skip, size_t n_skip,
		       char *buf, size_t size)
{
	size_t n = 0, len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < g->n; i++) {
		const struct sriov_iommu_member *m = &g->members[i];

		if (sriov_iommu_member_viable(m) || skipped(m->pci, skip, n_skip))
			continue;
		n++;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s on %s",
						len ? ", " : "", m->pci,
						m->driver);
	}
	return n;
}
