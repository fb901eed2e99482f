/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SRIOV_HOLDERS_H
#define SRIOV_HOLDERS_H

#include "internal.h"

/* The descriptors every process holds, as device identities (holders.c). */
struct sriov_holders;

int sriov_holders_scan(struct sriov_ctx *ctx, struct sriov_holders **ret);
void sriov_holders_free(struct sriov_holders *h);

/*
 * A process that holds a VFIO node of the group open (its group node,
 * legacy or no-IOMMU, or a member's VFIO cdev), 0 when none.
 */
pid_t sriov_holders_group(struct sriov_ctx *ctx, const struct sriov_holders *h,
			  int group);

#endif
