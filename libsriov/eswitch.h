/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The embedded switch in the model (private to the library). */
#ifndef SRIOV_ESWITCH_H
#define SRIOV_ESWITCH_H

#include "devlink.h"

/* The context's devlink, when the PF's device has an instance: -ENODEV if not. */
int sriov_pf_devlink(struct sriov_pf *pf, struct sriov_devlink **ret);
/*
 * Every devlink port of the host, from one dump kept on the context (its
 * error too, so that a failed dump is not repeated per VF).
 */
int sriov_ctx_dl_ports(struct sriov_ctx *ctx, const struct sriov_dl_port **ret,
		       size_t *ret_n);
/* Forgets the ports and every PF's eswitch: the mode changed. */
void sriov_ctx_dl_forget(struct sriov_ctx *ctx);

/*
 * eswitch_journal.c: the VFs' settings saved[0..n) (mask 0: none) into
 * STATE_DIR/eswitch/<PF device>, atomically; its path in *ret_path.
 */
int sriov_eswitch_journal_write(struct sriov_pf *pf,
				const struct sriov_vf_config *saved, size_t n,
				char **ret_path);

#endif
