/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MTUs in a desired state: of the PF's netdev and of its VFs' own host
 * netdevs. Checked against the host before anything is written (a VF
 * above the PF's resulting MTU, a VF without a host netdev, a value the
 * driver does not take: bad input), planned (a PF lowered below a VF the
 * file leaves as it is: refused unless force), and set through the
 * engine of pf set / vf set mtu in a safe order: the VFs that go down,
 * then the PF, then the VFs that go up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "sriov/vfio.h"

static unsigned int pf_mtu_now(const struct pf_plan *p)
{
	unsigned int m;

	return sriov_pf_get_mtu(p->pf, &m) == 0 ? m : 0;
}

/* The VF as it is now, or NULL when the apply creates it anew. */
static struct sriov_vf *vf_now(const struct pf_plan *p, size_t v)
{
	return p->recreate ? NULL : sriov_pf_get_vf(p->pf, (unsigned int)v);
}

static unsigned int vf_mtu_now(const struct pf_plan *p, size_t v)
{
	struct sriov_vf *vf = vf_now(p, v);
	unsigned int m;

	return vf && sriov_vf_get_mtu(vf, &m) == 0 ? m : 0;
}

/*
 * The driver's range through the engine's dry run (nothing written). A
 * tree given as sysfs root has no kernel to ask: the range is then
 * checked when the value is written.
 */
static int dry_run(struct apply_run *run, const struct apply_loc *loc,
		   const char *path, int r)
{
	char why[SRIOV_ERRBUF_LEN];

	if (r == 0 || r == -EOPNOTSUPP)
		return 0;
	snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(run->ctx));
	return sriov_apply_loc_err(run->ctx, -r == ECANCELED ? EINVAL : -r, loc,
				   path, "mtu", "%s", why);
}

static int check_vf(struct apply_run *run, struct pf_plan *p, size_t v,
		    unsigned int pf_after)
{
	const struct vf_target *t = &p->t[v];
	const struct want_vf *e = t->mtu_from;
	struct sriov_vf *vf = vf_now(p, v);
	const struct sriov_vf_info *i = vf ? sriov_vf_get_info(vf) : NULL;
	struct sriov_mtu_change ch;
	bool to_host = t->driver == APPLY_DRV_HOST;

	if (pf_after && t->mtu > pf_after)
		return sriov_apply_loc_err(run->ctx, EINVAL, &e->mtu_loc, e->path, "mtu",
				     "VF %zu: MTU %u would be above its PF's (%s: %u); the PF's mtu must be at least that",
				     v, t->mtu, p->name, pf_after);
	if (t->driver == APPLY_DRV_VFIO)
		return sriov_apply_loc_err(run->ctx, EINVAL, &e->mtu_loc, e->path, "mtu",
				     "VF %zu goes to vfio-pci: it has no network interface on the host to set an MTU on",
				     v);
	if (!i || i->netdev) {
		/* the range of a VF that can be asked now, below the PF */
		if (!i || t->mtu == vf_mtu_now(p, v) || t->mtu > pf_mtu_now(p))
			return 0;
		return dry_run(run, &e->mtu_loc, e->path,
			       sriov_vf_set_mtu(vf, t->mtu, SRIOV_MTU_DRY_RUN, &ch));
	}
	if (to_host && i->driver && sriov_vfio_driver_is_vfio(i->driver))
		return 0;       /* its netdev comes with the host driver */
	return sriov_apply_loc_err(run->ctx, ENODEV, &e->mtu_loc, e->path, "mtu",
			     "VF %zu (%s) %s%s, so no network interface on the host to set an MTU on",
			     v, i->pci[0] ? i->pci : "-",
			     i->driver ? "is on " : "has no driver",
			     i->driver ? i->driver : "");
}

int sriov_apply_check_mtus(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	unsigned int pf_after = w->mtu ? w->mtu : pf_mtu_now(p);
	struct sriov_mtu_change ch;
	int r = 0;

	if (w->mtu && !p->pf->info.netdevs[0])
		return sriov_apply_loc_err(run->ctx, ENODEV, &w->mtu_loc, w->path, "mtu",
				     "%s has no network interface to set an MTU on",
				     p->name);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].mtu)
			r = check_vf(run, p, v, pf_after);
	/* force: the apply refuses a PF below its VFs itself (plan) */
	if (r == 0 && w->mtu && w->mtu != pf_mtu_now(p))
		r = dry_run(run, &w->mtu_loc, w->path,
			    sriov_pf_set_mtu(p->pf, w->mtu,
					     SRIOV_MTU_DRY_RUN | SRIOV_MTU_FORCE, &ch));
	return r;
}

static int plan_one(struct apply_run *run, struct pf_plan *p, int vf,
		    unsigned int before, unsigned int after)
{
	int i = sriov_apply_result_add(run->rep, p->name, vf, SRIOV_APPLY_MTU);
	struct sriov_apply_result *res;

	if (i < 0)
		return i;
	res = &run->rep->results[i];
	res->before = before ? (int)before : SRIOV_NO_VALUE;
	res->after = (int)after;
	res->status = before == after ? SRIOV_APPLY_OK : SRIOV_APPLY_CHANGED;
	return 0;
}

/*
 * A VF whose MTU the file leaves and that would end up above a lowered
 * PF: the PF's MTU is refused, and the PF's other steps are not done.
 */
static void refuse_below_vf(struct apply_run *run, struct pf_plan *p,
			    struct sriov_apply_result *res)
{
	unsigned int m, worst = 0;
	size_t worst_v = 0;
	char why[300];

	for (size_t v = 0; !p->recreate && (int)v < p->pf->info.num_vfs; v++) {
		if (v < p->n_t && p->t[v].mtu)
			continue;
		m = vf_mtu_now(p, v);
		if (m > (unsigned int)res->after && m > worst) {
			worst = m;
			worst_v = v;
		}
	}
	if (!worst || run->o.force)
		return;
	snprintf(why, sizeof(why),
		 "MTU %d would be below VF %zu's (%s: %u), which the file leaves as it is; give that VF an mtu too, or repeat with --force",
		 res->after, worst_v,
		 sriov_vf_get_info(sriov_pf_get_vf(p->pf, (unsigned int)worst_v))->netdev,
		 worst);
	sriov_apply_result_fail(res, -ECANCELED, why);
	snprintf(why, sizeof(why), "not done: mtu of %s refused", p->name);
	for (size_t i = p->res_first; i < run->rep->n; i++)
		if (apply_is_changed(&run->rep->results[i]))
			sriov_apply_result_fail(&run->rep->results[i], 0, why);
}

int sriov_apply_plan_mtus(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	size_t pf_res = run->rep->n;
	int r = 0;

	if (w->mtu)
		r = plan_one(run, p, -1, pf_mtu_now(p), w->mtu);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].mtu)
			r = plan_one(run, p, (int)v, vf_mtu_now(p, v), p->t[v].mtu);
	if (r == 0 && w->mtu && apply_is_changed(&run->rep->results[pf_res]) &&
	    (unsigned int)run->rep->results[pf_res].before > w->mtu)
		refuse_below_vf(run, p, &run->rep->results[pf_res]);
	return r;
}

/* One result through the engine, rewritten from what it read back. */
static int exec_one(struct apply_run *run, struct pf_plan *p,
		    struct sriov_apply_result *res)
{
	struct sriov_mtu_change ch = { 0 };
	struct sriov_vf *vf = NULL;
	int r;

	if (res->vf < 0) {
		/* the plan refused a PF below VFs the file leaves */
		r = sriov_pf_set_mtu(p->pf, (unsigned int)res->after,
				     SRIOV_MTU_FORCE, &ch);
	} else {
		vf = sriov_pf_get_vf(p->pf, (unsigned int)res->vf);
		r = vf ? sriov_vf_reload(vf)
		       : sriov_err(run->ctx, ENODEV, "%s has no VF %d", p->name,
				   res->vf);
		if (r == 0)
			r = sriov_vf_set_mtu(vf, (unsigned int)res->after, 0, &ch);
	}
	if (r < 0)
		return apply_step_failed(run, res, r);
	res->before = (int)ch.before;
	res->after = (int)ch.after;
	res->status = ch.changed ? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	return 0;
}

/* The MTU a VF has now (0: unknown) for the order of the writes. */
static unsigned int vf_mtu_at_exec(struct pf_plan *p, int v)
{
	struct sriov_vf *vf = sriov_pf_get_vf(p->pf, (unsigned int)v);
	unsigned int m;

	if (!vf || sriov_vf_reload(vf) < 0 || sriov_vf_get_mtu(vf, &m) < 0)
		return 0;
	return m;
}

int sriov_apply_exec_mtus(struct apply_run *run, struct pf_plan *p)
{
	size_t n = p->res_end - p->res_first;
	bool *done = calloc(n ? n : 1, sizeof(*done));
	char why[160];
	int r = 0;

	if (!done)
		return -ENOMEM;
	/* 0: VFs going down, 1: the PF, 2: VFs going up (or unknown) */
	for (int phase = 0; r == 0 && phase < 3; phase++)
		for (size_t k = 0; r == 0 && k < n; k++) {
			struct sriov_apply_result *res =
				&run->rep->results[p->res_first + k];
			unsigned int now;

			if (done[k] || res->action != SRIOV_APPLY_MTU ||
			    !apply_is_changed(res) || (res->vf < 0) != (phase == 1))
				continue;
			now = res->vf < 0 ? 0 : vf_mtu_at_exec(p, res->vf);
			if (phase == 0 && now <= (unsigned int)res->after)
				continue;
			done[k] = true;
			r = exec_one(run, p, res);
		}
	if (r < 0) {
		snprintf(why, sizeof(why), "not done: an mtu of %s failed", p->name);
		for (size_t k = 0; k < n; k++) {
			struct sriov_apply_result *res =
				&run->rep->results[p->res_first + k];

			if (!done[k] && res->action == SRIOV_APPLY_MTU &&
			    apply_is_changed(res))
				sriov_apply_result_fail(res, 0, why);
		}
	}
	free(done);
	return r;
}
