/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An entry against the PF it selected: counts within the PF's limits, VF
 * numbers that will exist, settings the PF can take, owners that exist.
 * Every failure is bad input and names the entry's position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

static int check_counts(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	const struct sriov_pf_info *i = &p->pf->info;

	if (w->num_vfs >= 0 && i->total_vfs != SRIOV_NO_VALUE &&
	    w->num_vfs > i->total_vfs)
		return sriov_apply_loc_err(run->ctx, ERANGE, &w->num_vfs_loc, w->path,
				     "num_vfs", "%s supports at most %d VFs",
				     p->name, i->total_vfs);
	if (w->autoprobe >= 0 && i->drivers_autoprobe == SRIOV_NO_VALUE)
		return sriov_apply_loc_err(run->ctx, EINVAL, &w->autoprobe_loc,
				     w->path, "autoprobe",
				     "%s has no sriov_drivers_autoprobe (kernel too old)",
				     p->name);
	return 0;
}

static int first_field(const struct vf_target *t)
{
	for (int b = 0; b < APPLY_FIELD_BITS; b++)
		if (t->cfg.mask & (1u << b))
			return b;
	return 0;
}

static int check_target(struct apply_run *run, struct pf_plan *p,
			const struct vf_target *t, size_t vf)
{
	const struct sriov_pf *pf = p->pf;
	uid_t uid;
	gid_t gid;
	int r;

	int b = first_field(t);

	if (t->cfg.mask && !pf->info.netdevs[0])
		return sriov_apply_loc_err(run->ctx, EINVAL, t->field_loc[b],
				     t->field_path[b], sriov_vf_field_name(1u << b),
				     "VF %zu: %s has no network interface, and VF settings are set through the PF's netdev",
				     vf, p->name);
	if (t->driver && !pf->info.pci[0])
		return sriov_apply_loc_err(run->ctx, EINVAL,
				     &t->driver_from->driver_loc,
				     t->driver_from->path, "driver",
				     "the VFs of %s are not PCI devices: they have no driver to change",
				     p->name);
	if (!t->owner)
		return 0;
	r = sriov_owner_parse(run->ctx, t->owner, &uid, &gid);
	if (r < 0) {
		char why[SRIOV_ERRBUF_LEN];

		snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(run->ctx));
		return sriov_apply_loc_err(run->ctx, -r, &t->owner_from->owner_loc,
				     t->owner_from->path, "owner", "%s", why);
	}
	return 0;
}

int sriov_apply_check_pf(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	int n = w->num_vfs >= 0 ? w->num_vfs : p->num_vfs_before;
	int r = check_counts(run, p);

	if (r < 0)
		return r;
	if (n == SRIOV_NO_VALUE)
		n = 0;
	r = sriov_apply_merge(run->ctx, w, n, n, &p->t, &p->n_t);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].any)
			r = check_target(run, p, &p->t[v], v);
	p->recreate = w->num_vfs >= 0 && w->num_vfs != p->num_vfs_before;
	return r < 0 ? r : sriov_apply_check_mtus(run, p);
}
