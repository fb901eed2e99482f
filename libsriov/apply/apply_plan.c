/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Planning an apply: desired x current -> one result per step, with the
 * value the host has (before) and the one it should have (after), in the
 * order the steps run. Only reads: sysfs, one rtnetlink request per PF
 * with VF settings, the VFIO group devices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "sriov/vfio.h"

struct sriov_apply_result *sriov_apply_find_result(struct apply_run *run,
					     const struct pf_plan *p, int vf,
					     enum sriov_apply_action action)
{
	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *r = &run->rep->results[i];

		if (r->vf == vf && r->action == action)
			return r;
	}
	return NULL;
}

static int plan_pf_int(struct apply_run *run, struct pf_plan *p,
		       enum sriov_apply_action action, int before, int want)
{
	int i = sriov_apply_result_add(run->rep, p->name, -1, action);
	struct sriov_apply_result *res;

	if (i < 0)
		return i;
	res = &run->rep->results[i];
	res->before = before;
	res->after = want;
	res->status = before == want ? SRIOV_APPLY_OK : SRIOV_APPLY_CHANGED;
	return 0;
}

static int plan_config(struct apply_run *run, struct pf_plan *p, size_t v)
{
	const struct vf_target *t = &p->t[v];
	const struct sriov_vf_config *cur = NULL;
	struct sriov_apply_result *res;
	int i = sriov_apply_result_add(run->rep, p->name, (int)v, SRIOV_APPLY_VF_CONFIG);

	if (i < 0)
		return i;
	res = &run->rep->results[i];
	res->fields = t->cfg.mask;
	res->config_after = t->cfg;
	if (!p->recreate) {
		cur = sriov_vf_get_config(sriov_pf_get_vf(p->pf, (unsigned int)v));
		if (!cur)
			return sriov_err(run->ctx, ENODEV,
					 "%s did not report VF %zu over rtnetlink",
					 p->name, v);
		res->config_before = *cur;
		res->config_before.mask &= t->cfg.mask;
	}
	res->changed = p->recreate ? t->cfg.mask
				   : sriov_vf_config_diff(cur, &t->cfg);
	res->status = res->changed ? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	return 0;
}

static int plan_configs(struct apply_run *run, struct pf_plan *p)
{
	bool any = false;
	int r = 0;

	for (size_t v = 0; v < p->n_t; v++)
		any = any || p->t[v].cfg.mask;
	if (!any)
		return 0;
	if (!p->recreate)
		r = sriov_pf_read_vf_config(p->pf, false);
	p->config_read = !p->recreate && r == 0;
	p->config_gen = sriov_pf_generation(p->pf);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].cfg.mask)
			r = plan_config(run, p, v);
	return r;
}

/* The VF's driver now, NULL when it has none or is not created yet. */
static const char *vf_driver(const struct pf_plan *p, size_t v)
{
	const struct sriov_vf *vf;

	if (p->recreate)
		return NULL;
	vf = sriov_pf_get_vf(p->pf, (unsigned int)v);
	return vf ? sriov_vf_get_info(vf)->driver : NULL;
}

static int plan_driver(struct apply_run *run, struct pf_plan *p, size_t v)
{
	const char *drv = vf_driver(p, v);
	bool vfio = sriov_driver_is_vfio(run->ctx, drv);
	bool want_vfio = p->t[v].driver == APPLY_DRV_VFIO;
	struct sriov_apply_result *res;
	int i = sriov_apply_result_add(run->rep, p->name, (int)v, SRIOV_APPLY_DRIVER);

	if (i < 0)
		return i;
	res = &run->rep->results[i];
	if (sriov_apply_set_str(&res->str_before, drv) < 0 ||
	    sriov_apply_set_str(&res->str_after, want_vfio ? (vfio ? drv : "vfio-pci")
							 : vfio ? "host" : drv) < 0)
		return -ENOMEM;
	res->status = (want_vfio ? !vfio : vfio) ? SRIOV_APPLY_CHANGED
						 : SRIOV_APPLY_OK;
	return 0;
}

static int plan_owner(struct apply_run *run, struct pf_plan *p, size_t v)
{
	const struct sriov_vf *vf = p->recreate ? NULL
						: sriov_pf_get_vf(p->pf, (unsigned int)v);
	const char *drv = vf_driver(p, v);
	char before[160] = "", after[160];
	struct sriov_apply_result *res;
	uid_t uid;
	gid_t gid;
	int i;

	if (vf && sriov_driver_is_vfio(run->ctx, drv))
		sriov_apply_owner_read(run->ctx, sriov_vf_get_info(vf)->iommu_group,
				 before, sizeof(before));
	i = sriov_owner_parse(run->ctx, p->t[v].owner, &uid, &gid);
	if (i < 0)
		return i;
	sriov_owner_format(uid, gid, after, sizeof(after));
	i = sriov_apply_result_add(run->rep, p->name, (int)v, SRIOV_APPLY_OWNER);
	if (i < 0)
		return i;
	res = &run->rep->results[i];
	if (sriov_apply_set_str(&res->str_before, *before ? before : NULL) < 0 ||
	    sriov_apply_set_str(&res->str_after, after) < 0)
		return -ENOMEM;
	res->status = strcmp(before, after) ? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	return 0;
}

static int plan_pf(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	int r = 0;

	p->res_first = run->rep->n;
	if (w->eswitch >= 0)
		r = sriov_apply_plan_eswitch(run, p);
	if (r == 0 && w->autoprobe >= 0)
		r = plan_pf_int(run, p, SRIOV_APPLY_AUTOPROBE,
				p->autoprobe_before, w->autoprobe);
	if (r == 0 && w->num_vfs >= 0)
		r = plan_pf_int(run, p, SRIOV_APPLY_NUM_VFS, p->num_vfs_before,
				w->num_vfs);
	if (r == 0)
		r = plan_configs(run, p);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].driver)
			r = plan_driver(run, p, v);
	for (size_t v = 0; r == 0 && v < p->n_t; v++)
		if (p->t[v].owner)
			r = plan_owner(run, p, v);
	if (r == 0)
		r = sriov_apply_plan_mtus(run, p);
	if (r == 0)
		r = sriov_apply_plan_rates(run, p);
	p->res_end = run->rep->n;
	return r;
}

/*
 * In check mode the VF count goes through the engine's dry run, which
 * applies the same refusals (N -> M without force, VFs in use) as a run.
 */
static void check_num_vfs(struct apply_run *run, struct pf_plan *p)
{
	struct sriov_apply_result *res =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_NUM_VFS);
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .autoprobe = -1,
				       .force = run->o.force, .dry_run = true };
	struct sriov_numvfs_report *nr = NULL;
	int r;

	if (!res || res->status != SRIOV_APPLY_CHANGED)
		return;
	o.num_vfs = p->want->num_vfs;
	o.autoprobe = p->want->autoprobe;
	o.timeout_ms = run->o.timeout_ms;
	r = sriov_pf_set_num_vfs(p->pf, &o, &nr);
	sriov_numvfs_report_free(nr);
	if (r < 0)
		sriov_apply_result_fail(res, r, sriov_ctx_last_error(run->ctx));
	/* a refused count stops the PF before its autoprobe is written */
	res = sriov_apply_find_result(run, p, -1, SRIOV_APPLY_AUTOPROBE);
	if (r < 0 && res && res->status == SRIOV_APPLY_CHANGED) {
		char why[160];

		snprintf(why, sizeof(why), "not done: num_vfs of %s failed", p->name);
		sriov_apply_result_fail(res, 0, why);
	}
}

void sriov_apply_plan_free(struct apply_run *run)
{
	for (size_t i = 0; i < run->n_pfs; i++) {
		free(run->pfs[i].t);
		free(run->pfs[i].rates);
	}
	free(run->pfs);
	run->pfs = NULL;
	run->n_pfs = 0;
}

int sriov_apply_plan(struct apply_run *run)
{
	int r = sriov_apply_resolve(run);

	for (size_t i = 0; r == 0 && i < run->n_pfs; i++)
		r = sriov_apply_check_pf(run, &run->pfs[i]);
	for (size_t i = 0; r == 0 && i < run->n_pfs; i++)
		r = plan_pf(run, &run->pfs[i]);
	for (size_t i = 0; r == 0 && run->o.check && i < run->n_pfs; i++) {
		sriov_apply_check_eswitch(run, &run->pfs[i]);
		check_num_vfs(run, &run->pfs[i]);
		/* drivers of VFs that exist: the vfio code's dry run and refusals */
		if (!run->pfs[i].recreate)
			sriov_apply_exec_drivers(run, &run->pfs[i]);
	}
	sriov_apply_report_sum(run->rep);
	return r;
}
