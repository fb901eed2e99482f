/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A PF's eswitch mode in a desired state: read while planning (a PF
 * without devlink is an error of the file), the core's dry run in check
 * mode, the core's planned change (sriov_pf_set_eswitch(): VFs and their
 * settings kept) as the first step, and the old mode back on undo. The
 * same mode is "ok" and sends nothing.
 */
#include <stdio.h>

#include "apply_internal.h"

/* The PF's eswitch result, once it is planned. */
static struct sriov_apply_result *eswitch_result(struct apply_run *run,
						 const struct pf_plan *p)
{
	for (size_t i = p->res_first; i < p->res_end; i++)
		if (run->rep->results[i].action == SRIOV_APPLY_ESWITCH)
			return &run->rep->results[i];
	return NULL;
}

int sriov_apply_plan_eswitch(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	struct sriov_apply_result *res;
	struct sriov_eswitch_info e;
	int i, r = sriov_pf_read_eswitch(p->pf, &e);

	if (r < 0)
		return sriov_apply_loc_err(run->ctx, -r, &w->eswitch_loc, w->path,
					   "eswitch", "%s", sriov_ctx_last_error(run->ctx));
	if (!e.handle[0] || e.mode == SRIOV_NO_VALUE)
		return sriov_apply_loc_err(run->ctx, EINVAL, &w->eswitch_loc, w->path,
					   "eswitch", "%s %s", p->name,
					   e.handle[0] ? "reports no eswitch mode"
						       : "has no devlink instance: no eswitch mode to set");
	p->eswitch_before = e.mode;
	i = sriov_apply_result_add(run->rep, p->name, -1, SRIOV_APPLY_ESWITCH);
	if (i < 0)
		return i;
	res = &run->rep->results[i];
	if (sriov_apply_set_str(&res->str_before, sriov_eswitch_mode_name(e.mode)) < 0 ||
	    sriov_apply_set_str(&res->str_after, sriov_eswitch_mode_name(w->eswitch)) < 0)
		return -ENOMEM;
	res->before = e.mode;
	res->after = w->eswitch;
	res->status = e.mode == w->eswitch ? SRIOV_APPLY_OK : SRIOV_APPLY_CHANGED;
	return 0;
}

static int set_mode(struct apply_run *run, struct pf_plan *p, int mode,
		    bool dry_run)
{
	struct sriov_eswitch_opts o = { .sz = sizeof(o), .mode = mode,
					.force = run->o.force, .dry_run = dry_run,
					.timeout_ms = run->o.timeout_ms };
	struct sriov_eswitch_report *rep = NULL;
	int r = sriov_pf_set_eswitch(p->pf, &o, &rep);

	sriov_eswitch_report_free(rep);
	return r;
}

/* Check mode: the core's dry run, with its refusals (VFs, rate nodes). */
void sriov_apply_check_eswitch(struct apply_run *run, struct pf_plan *p)
{
	struct sriov_apply_result *res = eswitch_result(run, p);
	int r;

	if (!apply_is_changed(res))
		return;
	r = set_mode(run, p, res->after, true);
	if (r < 0)
		sriov_apply_result_fail(res, r, sriov_ctx_last_error(run->ctx));
}

int sriov_apply_exec_eswitch(struct apply_run *run, struct pf_plan *p)
{
	struct sriov_apply_result *res = eswitch_result(run, p);
	int r;

	if (!apply_is_changed(res))
		return 0;
	r = set_mode(run, p, res->after, false);
	return r < 0 ? apply_step_failed(run, res, r) : 0;
}

void sriov_apply_undo_eswitch(struct apply_undo *u)
{
	struct sriov_apply_result *res = eswitch_result(u->run, u->p);
	char why[SRIOV_ERRBUF_LEN + 64];
	int r;

	/* a failed change was rolled back by the core already */
	if (!apply_is_changed(res))
		return;
	r = set_mode(u->run, u->p, res->before, false);
	if (r < 0) {
		snprintf(why, sizeof(why), "the change stays: rolling back failed: %s",
			 sriov_ctx_last_error(u->run->ctx));
		sriov_apply_result_fail(res, r, why);
		u->failed = true;
		return;
	}
	snprintf(why, sizeof(why), "rolled back: %s", u->cause);
	sriov_apply_result_fail(res, 0, why);
	res->rolled_back = true;
}
