/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One target per VF from a PF's entries: a range may set what all its VFs
 * share and single entries what is unique (the MAC), as long as no two
 * entries set the same field of one VF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "vffield.h"

static int conflict(struct sriov_ctx *ctx, const struct want_vf *e,
		    const struct apply_loc *loc, const char *key, unsigned int vf,
		    const struct apply_loc *first)
{
	return sriov_apply_loc_err(ctx, EINVAL, loc, e->path, key,
			     "VF %u's %s is set already at %s:%d", vf, key,
			     first->file, first->line);
}

/* A field already set: a "vf: N" entry overrides a range, else conflict. */
static bool overrides(const struct want_vf *e, bool set, bool by_single)
{
	return !set || (e->single && !by_single);
}

static int merge_one(struct sriov_ctx *ctx, const struct want_vf *e,
		     unsigned int vf, struct vf_target *t)
{
	for (int b = 0; b < APPLY_FIELD_BITS; b++) {
		uint32_t bit = 1u << b;

		if (!(e->cfg.mask & bit))
			continue;
		if (!overrides(e, t->cfg.mask & bit, t->from_single & bit))
			return conflict(ctx, e, &e->field_loc[b],
					sriov_vf_field_name(bit), vf,
					t->field_loc[b]);
		sriov_vf_config_copy(&t->cfg, &e->cfg, bit);
		t->field_loc[b] = &e->field_loc[b];
		t->field_path[b] = e->path;
		if (e->single)
			t->from_single |= bit;
	}
	if (e->driver && !overrides(e, t->driver_from,
				    t->driver_from && t->driver_from->single))
		return conflict(ctx, e, &e->driver_loc, "driver", vf,
				&t->driver_from->driver_loc);
	if (e->driver) {
		t->driver = e->driver;
		t->driver_from = e;
	}
	if (e->owner && !overrides(e, t->owner_from,
				   t->owner_from && t->owner_from->single))
		return conflict(ctx, e, &e->owner_loc, "owner", vf,
				&t->owner_from->owner_loc);
	if (e->owner) {
		t->owner = e->owner;
		t->owner_from = e;
	}
	if (e->mtu && !overrides(e, t->mtu_from,
				 t->mtu_from && t->mtu_from->single))
		return conflict(ctx, e, &e->mtu_loc, "mtu", vf,
				&t->mtu_from->mtu_loc);
	if (e->mtu) {
		t->mtu = e->mtu;
		t->mtu_from = e;
	}
	if (e->rate.mask && !overrides(e, t->rate_from,
				       t->rate_from && t->rate_from->single))
		return conflict(ctx, e, &e->rate_loc, "rates", vf,
				&t->rate_from->rate_loc);
	if (e->rate.mask) {
		t->rate = e->rate;
		t->rate_from = e;
	}
	t->any = true;
	return 0;
}

static size_t targets_needed(const struct want_pf *pf, int n_all)
{
	size_t n = 0;

	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct want_vf *e = &pf->vfs[i];

		if (e->all && n_all > (int)n)
			n = (size_t)n_all;
		for (size_t k = 0; !e->all && k < e->n_idx; k++)
			if (e->idx[k] + 1 > n)
				n = e->idx[k] + 1;
	}
	return n;
}

static int merge_entry(struct sriov_ctx *ctx, const struct want_pf *pf,
		       const struct want_vf *e, int n_all, int limit,
		       struct vf_target *t)
{
	size_t n = e->all ? (size_t)(n_all > 0 ? n_all : 0) : e->n_idx;

	for (size_t k = 0; k < n; k++) {
		unsigned int vf = e->all ? (unsigned int)k : e->idx[k];
		int r;

		if (limit >= 0 && vf >= (unsigned int)limit)
			return sriov_apply_loc_err(ctx, ERANGE, &e->loc, e->path, NULL,
					     "VF %u does not exist: %s has %d VF%s%s",
					     vf, pf->sel_text, limit,
					     limit == 1 ? "" : "s",
					     pf->num_vfs == limit ? " (num_vfs)" : "");
		r = merge_one(ctx, e, vf, &t[vf]);
		if (r < 0)
			return r;
	}
	return 0;
}

int sriov_apply_merge(struct sriov_ctx *ctx, const struct want_pf *pf, int n_all,
		int limit, struct vf_target **ret_targets, size_t *ret_n)
{
	size_t n = targets_needed(pf, n_all);
	struct vf_target *t = calloc(n ? n : 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	/* ranges first, then the single VFs that override them */
	for (size_t k = 0; k < 2 * pf->n_vfs; k++) {
		const struct want_vf *e = &pf->vfs[k % pf->n_vfs];
		int r;

		if (e->single != (k >= pf->n_vfs) || (e->all && n_all < 0))
			continue;
		r = merge_entry(ctx, pf, e, n_all, limit, t);
		if (r < 0) {
			free(t);
			return r;
		}
	}
	for (size_t v = 0; v < n; v++)
		if (t[v].owner && t[v].driver != APPLY_DRV_VFIO) {
			const struct want_vf *e = t[v].owner_from;
			int r = sriov_apply_loc_err(ctx, EINVAL, &e->owner_loc, e->path,
					      "owner",
					      "VF %zu: an owner needs \"driver: vfio-pci\" (the owner is that of its VFIO group device)",
					      v);

			free(t);
			return r;
		}
	*ret_targets = t;
	*ret_n = n;
	return 0;
}
