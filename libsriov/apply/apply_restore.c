/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sriov_restore(): VFs back to safe settings and their host driver, as a
 * desired state built here and applied like any other - so it is planned,
 * checked, verified and rolled back the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "journal.h"

struct restore_vf {
	struct sriov_pf *pf;
	unsigned int index;
	char pci[SRIOV_PCI_ADDR_STRLEN];
};

/* spoofchk on, trust off, VLAN 0 and the MAC the vfio journal kept. */
static void safe_config(struct sriov_ctx *ctx, const struct restore_vf *v,
			struct sriov_vf_config *c)
{
	static const uint8_t zero[6];
	struct journal_entry e;

	memset(c, 0, sizeof(*c));
	c->mask = SRIOV_VF_HAS_SPOOFCHK | SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_VLAN;
	c->spoofchk = true;
	c->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	if (v->pci[0] && sriov_journal_read(ctx, v->pci, &e) == 0 && e.has_config &&
	    (e.config.mask & SRIOV_VF_HAS_MAC) &&
	    memcmp(e.config.mac, zero, sizeof(zero))) {
		memcpy(c->mac, e.config.mac, sizeof(c->mac));
		c->mask |= SRIOV_VF_HAS_MAC;
	}
}

static struct want_pf *pf_entry(struct sriov_desired *d,
				struct sriov_pf **owners, struct sriov_pf *pf)
{
	struct want_pf *w;

	for (size_t i = 0; i < d->n_pfs; i++)
		if (owners[i] == pf)
			return &d->pfs[i];
	owners[d->n_pfs] = pf;
	w = &d->pfs[d->n_pfs++];
	memset(w, 0, sizeof(*w));
	w->index = w->num_vfs = w->autoprobe = w->eswitch = -1;
	w->loc = (struct apply_loc){ .file = d->files[0], .line = 1, .col = 1 };
	snprintf(w->path, sizeof(w->path), "pfs[%zu]", d->n_pfs - 1);
	if (pf->info.pci[0]) {
		w->sel = APPLY_SEL_PCI;
		w->addr = pf->info.addr;
		snprintf(w->sel_text, sizeof(w->sel_text), "pci %s", pf->info.pci);
	} else {
		w->sel = APPLY_SEL_NETDEV;
		snprintf(w->netdev, sizeof(w->netdev), "%s", pf->info.netdevs[0]);
		snprintf(w->sel_text, sizeof(w->sel_text), "netdev %s", w->netdev);
	}
	return w;
}

static int add_vf(struct sriov_ctx *ctx, struct sriov_desired *d,
		  struct sriov_pf **owners, const struct restore_vf *v,
		  size_t n_max)
{
	struct want_pf *w = pf_entry(d, owners, v->pf);
	struct want_vf *e;

	if (!w->vfs && !(w->vfs = calloc(n_max, sizeof(*w->vfs))))
		return -ENOMEM;
	e = &w->vfs[w->n_vfs++];
	e->single = true;
	e->loc = w->loc;
	snprintf(e->path, sizeof(e->path), "%s.vfs[%zu]", w->path, w->n_vfs - 1);
	e->idx = malloc(sizeof(*e->idx));
	if (!e->idx)
		return -ENOMEM;
	e->idx[0] = v->index;
	e->n_idx = 1;
	if (v->pf->info.netdevs[0])
		safe_config(ctx, v, &e->cfg);
	for (int b = 0; b < APPLY_FIELD_BITS; b++)
		e->field_loc[b] = w->loc;
	if (v->pf->info.pci[0]) {
		e->driver = APPLY_DRV_HOST;
		e->driver_loc = w->loc;
	}
	return 0;
}

/* Every VF the specifications name, once. */
static int resolve_specs(struct sriov_ctx *ctx, const char *const *specs,
			 size_t n_specs, struct restore_vf **ret, size_t *ret_n)
{
	struct restore_vf *out = NULL;
	size_t n = 0;

	for (size_t i = 0; i < n_specs; i++) {
		struct sriov_vf **vfs;
		struct restore_vf *grown;
		size_t k;
		int r = sriov_vf_spec_resolve(ctx, specs[i], &vfs, &k);

		if (r < 0 || !(grown = realloc(out, (n + k + 1) * sizeof(*out)))) {
			free(out);
			if (r == 0)
				free(vfs);
			return r < 0 ? r : -ENOMEM;
		}
		out = grown;
		for (size_t j = 0; j < k; j++) {
			const struct sriov_vf_info *vi = sriov_vf_get_info(vfs[j]);
			bool dup = false;

			for (size_t m = 0; m < n; m++)
				dup = dup || (out[m].pf == vfs[j]->pf &&
					      out[m].index == vi->index);
			if (!dup)
				out[n++] = (struct restore_vf){ vfs[j]->pf, vi->index, "" };
			if (!dup)
				memcpy(out[n - 1].pci, vi->pci, sizeof(vi->pci));
		}
		free(vfs);
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

SRIOV_EXPORT int sriov_restore(struct sriov_ctx *ctx, const char *const *specs,
			       size_t n_specs,
			       const struct sriov_apply_opts *opts,
			       struct sriov_apply_report **ret_report)
{
	_cleanup_free_ struct restore_vf *vfs = NULL;
	_cleanup_free_ struct sriov_pf **owners = NULL;
	struct sriov_desired *d = NULL;
	size_t n = 0;
	int r;

	if (!ctx || !specs || !n_specs || !opts || !ret_report)
		return -EINVAL;
	r = resolve_specs(ctx, specs, n_specs, &vfs, &n);
	if (r == 0)
		r = sriov_desired_new(&d);
	if (r == 0 && (!(owners = calloc(n + 1, sizeof(*owners))) ||
		       !(d->files = calloc(1, sizeof(*d->files))) ||
		       !(d->files[0] = strdup("restore")) ||
		       !(d->pfs = calloc(n + 1, sizeof(*d->pfs)))))
		r = -ENOMEM;
	if (r == 0)
		d->n_files = 1;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = add_vf(ctx, d, owners, &vfs[i], n);
	if (r == 0)
		r = sriov_apply_run_desired(ctx, d, opts, false, ret_report);
	sriov_desired_free(d);
	return r;
}
