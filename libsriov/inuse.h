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
 * read once, on the first call, for the life of the handle.
 */
pid_t sriov_inuse_group(struct sriov_inuse *u, int group);

#endif
