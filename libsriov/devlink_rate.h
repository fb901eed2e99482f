/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devlink rate objects (private to the library): the leaves the kernel
 * makes for ports (a VF's port in switchdev mode) and the nodes users add,
 * with tx_share/tx_max in bytes per second and a parent node. Requests
 * only; rate.c decides what to send.
 */
#ifndef SRIOV_DEVLINK_RATE_H
#define SRIOV_DEVLINK_RATE_H

#include "devlink.h"

#define SRIOV_DL_RATE_NAME_MAX 64

struct sriov_dl_rate {
	char bus[32];
	char dev[64];
	bool node;                          /* else a leaf */
	uint32_t port_index;                /* leaf */
	char name[SRIOV_DL_RATE_NAME_MAX];  /* node */
	uint64_t tx_share;                  /* bytes/s */
	uint64_t tx_max;
	char parent[SRIOV_DL_RATE_NAME_MAX]; /* "" none */
};

/* Which values a request carries. */
#define SRIOV_DL_RATE_SHARE (1u << 0)
#define SRIOV_DL_RATE_MAX (1u << 1)
#define SRIOV_DL_RATE_PARENT (1u << 2)

/* Every rate object of every devlink instance in one dump; *ret malloc'ed. */
int sriov_dl_rate_dump(struct sriov_devlink *dl, struct sriov_dl_rate **ret,
		       size_t *ret_n);
/* Reads one rate message into ret (exposed for tests and fuzzing). */
int sriov_dl_rate_parse(const struct sriov_dl_msg *m, struct sriov_dl_rate *ret);

/*
 * RATE_SET of the object r names (its bus/dev and port index or node
 * name), with the values of mask taken from v. A parent of "" unsets it.
 */
int sriov_dl_rate_set(struct sriov_devlink *dl, const struct sriov_dl_rate *r,
		      uint32_t mask, const struct sriov_dl_rate *v);
/* RATE_NEW of the node r names, with the values of mask from r. */
int sriov_dl_rate_new(struct sriov_devlink *dl, const struct sriov_dl_rate *r,
		      uint32_t mask);
int sriov_dl_rate_del(struct sriov_devlink *dl, const struct sriov_dl_rate *r);

/*
 * 1 when pf's devlink instance is in switchdev mode, 0 when it is not or
 * has none, a negative errno when devlink could not say (rate.c).
 */
int sriov_pf_eswitch_is_switchdev(struct sriov_pf *pf);

#endif
