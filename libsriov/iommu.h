/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU groups read afresh from sysfs, and the kernel's viability rule. */
#ifndef SRIOV_IOMMU_H
#define SRIOV_IOMMU_H

#include "internal.h"
#include "sriov/vfio.h"

struct vgroup {
	int id;
	size_t n;
	struct sriov_iommu_member *members;
	bool *on_vfio;   /* members[i] is on a VFIO driver (sriov_driver_is_vfio()) */
};

/*
 * True for a driver that hands devices to VFIO: vfio-pci or a variant by
 * name (sriov_vfio_driver_is_vfio()), or any driver whose module uses
 * vfio_pci_core (its holders/ in sysfs).
 */
bool sriov_driver_is_vfio(struct sriov_ctx *ctx, const char *driver);
/* Reads a group afresh, without the context's cache of groups. */
int sriov_vgroup_load(struct sriov_ctx *ctx, int id, struct vgroup *ret);
void sriov_vgroup_clear(struct vgroup *g);
/*
 * Describes the members that keep the group from being viable, skipping
 * those in skip[] (devices about to be bound). Returns how many there are.
 */
size_t sriov_vgroup_blockers(const struct vgroup *g,
		       const struct sriov_pci_addr *skip, size_t n_skip,
		       char *buf, size_t size);

#endif
