/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SRIOV_INUSE_H
#define SRIOV_INUSE_H

#include "internal.h"

struct sriov_inuse;

/* Snapshots addresses and routes (on the running kernel's sysfs only). */
int sriov_inuse_open(struct sriov_ctx *ctx, struct sriov_inuse **ret);
void sriov_inuse_close(struct sriov_inuse *u);

/* True, with the reason, when the host uses the VF. */
bool sriov_inuse_vf(struct sriov_inuse *u, const struct sriov_vf *vf,
		    char *reason, size_t size);

/*
 * A process holding a VFIO node of the group open, 0 when none. /proc is
 * read once, on the first call that finds a VFIO node of its group, for
 * the life of the handle.
 */
pid_t sriov_inuse_group(struct sriov_inuse *u, int group);

/* holders.c: the descriptors every process holds, as device identities */
struct sriov_holders;

int sriov_holders_scan(struct sriov_ctx *ctx, struct sriov_holders **ret);
void sriov_holders_free(struct sriov_holders *h);
/*
 * A process that holds a VFIO node of the group open (its group node,
 * legacy or no-IOMMU, or a member's VFIO cdev), 0 when none.
 */
pid_t sriov_holders_group(struct sriov_ctx *ctx, const struct sriov_holders *h,
			  int group);
/*
 * The same, scanning /proc into *h (NULL: not yet) only when a VFIO node
 * of the group exists: a group without one has no holder.
 */
pid_t sriov_holders_find(struct sriov_ctx *ctx, struct sriov_holders **h,
			 int group);

#endif
