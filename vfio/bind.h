/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One bind or release call: its devices, locks and report. */
#ifndef SRIOV_VFIO_BIND_H
#define SRIOV_VFIO_BIND_H

#include <sys/types.h>

#include "vfio_private.h"

struct sriov_inuse;

struct op {
	struct vdev d;                   /* as read under the lock, then as now */
	char before[JOURNAL_NAME_MAX];   /* driver before the call */
	char target[JOURNAL_NAME_MAX];   /* bind: vfio-pci or its variant */
	struct journal_entry e;          /* as journaled */
	bool had_entry;                  /* release: a bind record existed */
	bool todo;                       /* the device must move */
	bool journaled;                  /* bind: its entry may be written */
	bool touched;                    /* bind: sysfs may be written; release: the journal */
	bool in_flight;                  /* a write timed out and may still land */
	size_t lock;                     /* index into call.lock_fds */
	/* checks, shared by the call's later devices in the same IOMMU group */
	bool group_checked;              /* group_holder is known */
	pid_t group_holder;              /* a process with its VFIO node open, 0: none */
	bool group_viable;               /* viable once the call's devices are bound */
	/* release: the settings to give back instead of the journal's */
	const struct sriov_vf_config *restore;
	struct sriov_vfio_result *res;
};

struct call {
	struct sriov_ctx *ctx;
	struct sriov_vfio_opts o;
	bool release;
	bool chown;
	uid_t uid;
	gid_t gid;
	struct op *ops;
	size_t n;
	struct sriov_pci_addr *locks;    /* sorted, unique */
	int *lock_fds;
	size_t n_locks;
	struct sriov_vfio_report *rep;
	struct vfio_aliases *aliases;    /* modules.alias, read on first use */
};

/*
 * sriov_vfio_release() that gives each VF back cfgs[i] (n entries, a zero
 * mask: the journal's settings) instead of the journal's: a claim's
 * settings from before the claim. cfgs may be NULL.
 */
int sriov_vfio_release_with(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *devs, size_t n,
			    const struct sriov_vfio_opts *opts,
			    const struct sriov_vf_config *cfgs,
			    struct sriov_vfio_report **ret_report);

/* settings.c: the VF settings a release gives back, one request per PF. */
void sriov_release_settings(struct call *c);
/*
 * settings.c: after the host driver took the VFs back, the MTU journaled
 * at bind time on each VF's netdev, waited for within the call's timeout;
 * a VF without a driver or a netdev is skipped with a warning.
 */
void sriov_release_mtu(struct call *c);

/* refuse.c: the safety checks, run under the locks before any write. */
int sriov_check_bind(struct call *c, struct op *op, struct sriov_inuse *u);
int sriov_check_release(struct call *c, struct op *op, struct sriov_inuse *u);
/* Records a failure of op from the context's last error; returns r. */
int sriov_op_fail(struct call *c, struct op *op, int r);

#endif
