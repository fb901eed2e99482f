/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SRIOV_READY_H
#define SRIOV_READY_H

#include "internal.h"

struct sriov_ready;

/* Starts listening before the change, so that no event is missed. */
int sriov_ready_begin(struct sriov_ctx *ctx, struct sriov_ready **ret);
void sriov_ready_end(struct sriov_ready *w);

/*
 * The VFs waited for are being created now: a bound VF without a netdev
 * is ready once udev has passed on its "bind" (its driver's probe ended).
 */
void sriov_ready_new_vfs(struct sriov_ready *w);

/*
 * Takes pf as the caller has just read it (after the change) and reads
 * it again after every udev event, until its first n_want VFs are ready
 * and udev has no event left to process (the names it gives are final),
 * or timeout_ms passed (-ETIMEDOUT). st[0..n_want) receives each VF's
 * state either way.
 */
int sriov_ready_wait(struct sriov_ready *w, struct sriov_pf *pf,
		     size_t n_want, int timeout_ms, struct sriov_vf_status *st);

/*
 * The same for VF index of pf alone: until it is ready (on its driver,
 * with its netdev named by udev) or unbound and udev has no event left
 * to process, or timeout_ms passed.
 */
int sriov_ready_wait_vf(struct sriov_ready *w, struct sriov_pf *pf,
			unsigned int index, int timeout_ms,
			struct sriov_vf_status *st);

#endif
