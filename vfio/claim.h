/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Claims: leases in STATE_DIR/claims/NAME.json, one per claim, written
 * atomically (0600) and validated field by field when read.
 */
#ifndef SRIOV_CLAIM_H
#define SRIOV_CLAIM_H

#include "vfio_private.h"

#define CLAIMS_DIR "claims"
#define CLAIMS_LOCK "claims"
#define CLAIM_MAX_VFS 256

/* lease.c */
bool sriov_claim_name_valid(const char *name);
/* The lease as JSON text (malloc'ed). */
int sriov_lease_format(const struct sriov_claim *c, char **ret_text);
/* -EBADMSG for anything but a lease this code writes. */
int sriov_lease_parse(const char *text, struct sriov_claim **ret);
int sriov_lease_write(struct sriov_ctx *ctx, const struct sriov_claim *c);
/* -ENOENT quietly when there is none; -EBADMSG with the reason. */
int sriov_lease_read(struct sriov_ctx *ctx, const char *name,
		     struct sriov_claim **ret);
int sriov_lease_remove(struct sriov_ctx *ctx, const char *name);
/* Whether the process of pid, started at start (0: any), still runs. */
bool sriov_holder_alive(long pid, uint64_t start);
/* The start time of a process (clock ticks after boot), 0 when unknown. */
uint64_t sriov_process_start(long pid);

/* claim_release.c: gives the VFs of a lease back, without the claims lock. */
int sriov_claim_undo(struct sriov_ctx *ctx, const struct sriov_claim *c,
		     const struct sriov_claim_opts *o);

#endif
