/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU groups read afresh from sysfs, and the kernel's viability rule. */
#ifndef SRIOV_IOMMU_H
#define SRIOV_IOMMU_H

#include "internal.h"
#include "sriov/vfio.h"

struct vgroup {
	int id;
	size_t n;
	struct sriov_iommu_member *members; /* on_vfio set (sriov_driver_is_vfio()) */
};

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
