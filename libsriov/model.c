/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The context's cache of PFs and VFs: adding and freeing them. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sysfs.h"

void sriov_vf_free(struct sriov_vf *vf)
{
	if (!vf)
		return;
	free(vf->driver);
	free(vf->driver_override);
	free(vf->netdev);
	free(vf);
}

void sriov_pf_free_contents(struct sriov_pf *pf)
{
	for (size_t i = 0; i < pf->n_vfs; i++)
		sriov_vf_free(pf->vfs[i]);
	free(pf->vfs);
	sriov_sysfs_names_free(pf->netdevs);
	free(pf->driver);
	free(pf->driver_override);
	free(pf->vendor_name);
	free(pf->device_name);
	if (pf->has_parent_fd)
		close(pf->parent_fd);
}

void sriov_pf_free(struct sriov_pf *pf)
{
	if (!pf)
		return;
	sriov_pf_free_contents(pf);
	free(pf);
}

void sriov_topology_reset(struct sriov_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_pfs; i++)
		sriov_pf_free(ctx->pfs[i]);
	free(ctx->pfs);
	ctx->pfs = NULL;
	ctx->n_pfs = 0;
	ctx->scanned = false;
}

int sriov_ctx_add_pf(struct sriov_ctx *ctx, struct sriov_pf *pf)
{
	struct sriov_pf **n = realloc(ctx->pfs, (ctx->n_pfs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	ctx->pfs = n;
	ctx->pfs[ctx->n_pfs++] = pf;
	return 0;
}

struct sriov_vf *sriov_vf_cached(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *addr)
{
	for (size_t i = 0; i < ctx->n_pfs; i++) {
		struct sriov_pf *pf = ctx->pfs[i];

		if (strcmp(pf->bus, "pci") != 0)
			continue;
		for (size_t j = 0; j < pf->n_vfs; j++)
			if (pf->vfs[j] &&
			    !sriov_pci_addr_cmp(&pf->vfs[j]->info.addr, addr))
				return pf->vfs[j];
	}
	return NULL;
}
