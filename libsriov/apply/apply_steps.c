/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The steps of one PF, in one table: what each changes, how it is done
 * and how it is undone. They run top to bottom; after a failed step the
 * ones before it are undone bottom to top, and the ones after it say
 * that they were not done.
 */
#include <stdio.h>

#include "apply_internal.h"

struct apply_step {
	enum sriov_apply_action actions[2];
	int (*exec)(struct apply_run *run, struct pf_plan *p);
	void (*undo)(struct apply_undo *u);
};

static const struct apply_step steps[] = {
	/* first: a mode change may remove and re-create the VFs */
	{ { SRIOV_APPLY_ESWITCH, SRIOV_APPLY_ESWITCH },
	  sriov_apply_exec_eswitch, sriov_apply_undo_eswitch },
	{ { SRIOV_APPLY_AUTOPROBE, SRIOV_APPLY_NUM_VFS },
	  sriov_apply_exec_counts, sriov_apply_undo_counts },
	{ { SRIOV_APPLY_VF_CONFIG, SRIOV_APPLY_VF_CONFIG },
	  sriov_apply_exec_configs, sriov_apply_undo_configs },
	/* nodes, then the leaves under them: the VFs exist by now */
	{ { SRIOV_APPLY_RATE_NODE, SRIOV_APPLY_RATE },
	  sriov_apply_exec_rates, sriov_apply_undo_rates },
	{ { SRIOV_APPLY_DRIVER, SRIOV_APPLY_DRIVER },
	  sriov_apply_exec_drivers, sriov_apply_undo_drivers },
	{ { SRIOV_APPLY_OWNER, SRIOV_APPLY_OWNER },
	  sriov_apply_exec_owners, sriov_apply_undo_owners },
	{ { SRIOV_APPLY_MTU, SRIOV_APPLY_MTU },
	  sriov_apply_exec_mtus, sriov_apply_undo_mtus },
};

/* The index of the step that makes results of this action. */
static size_t step_of(enum sriov_apply_action a)
{
	for (size_t k = 0; k < ARRAY_SIZE(steps); k++)
		if (steps[k].actions[0] == a || steps[k].actions[1] == a)
			return k;
	return 0;
}

static bool pf_has_changes(const struct apply_run *run,
			   const struct pf_plan *p)
{
	for (size_t i = p->res_first; i < p->res_end; i++)
		if (apply_is_changed(&run->rep->results[i]))
			return true;
	return false;
}

/* The first failed step of the PF, for the rollback's reason. */
static const struct sriov_apply_result *first_failure(struct apply_run *run,
						      const struct pf_plan *p)
{
	for (size_t i = p->res_first; i < p->res_end; i++)
		if (run->rep->results[i].status == SRIOV_APPLY_FAILED)
			return &run->rep->results[i];
	return NULL;
}

static void step_text(const struct sriov_apply_result *res, const char *pf,
		     char *buf, size_t size)
{
	if (!res)
		snprintf(buf, size, "a step of %s", pf);
	else if (res->vf >= 0)
		snprintf(buf, size, "%s of %s VF %d",
			 sriov_apply_action_name(res->action), pf, res->vf);
	else
		snprintf(buf, size, "%s of %s",
			 sriov_apply_action_name(res->action), pf);
}

/* The steps after the failed one were not done: they say so. */
static void not_done(struct apply_run *run, struct pf_plan *p, size_t failed,
		     const struct sriov_apply_result *cause)
{
	char what[160], why[200];

	step_text(cause, p->name, what, sizeof(what));
	snprintf(why, sizeof(why), "not done: %s failed", what);
	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *res = &run->rep->results[i];

		if (step_of(res->action) > failed && apply_is_changed(res))
			sriov_apply_result_fail(res, 0, why);
	}
}

/* Puts back what the steps up to the failed one changed, newest first. */
static int undo_pf(struct apply_run *run, struct pf_plan *p,
		   const struct sriov_apply_result *cause, size_t failed)
{
	struct apply_undo u = { .run = run, .p = p };
	char what[160];

	step_text(cause, p->name, what, sizeof(what));
	snprintf(u.cause, sizeof(u.cause), "%s failed", what);
	for (size_t k = failed + 1; k-- > 0;)
		steps[k].undo(&u);
	return u.failed ? -EIO : 0;
}

/*
 * Concurrent applies of one PF wait for each other on the PF's apply
 * lock; each engine call also takes the PF lock that every sriovctl
 * change of the PF takes.
 */
static void all_failed(struct apply_run *run, struct pf_plan *p, int r)
{
	for (size_t i = p->res_first; i < p->res_end; i++)
		if (apply_is_changed(&run->rep->results[i]))
			apply_step_failed(run, &run->rep->results[i], r);
}

int sriov_apply_exec_pf(struct apply_run *run, struct pf_plan *p)
{
	const struct sriov_apply_result *cause;
	char lock[96];
	int lock_fd = -1, r = 0;
	size_t k;

	if (!pf_has_changes(run, p) && !run->recovering)
		return 0;
	snprintf(lock, sizeof(lock), "%s.apply", p->pf->dev_name);
	r = sriov_lock_name(run->ctx, lock, &lock_fd);
	if (r == 0 && !run->recovering)
		r = sriov_apply_journal_write(run, p);
	if (r < 0) {
		all_failed(run, p, r);
		sriov_unlock(lock_fd);
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(steps); k++)
		if ((r = steps[k].exec(run, p)) < 0)
			break;
	if (r < 0) {
		cause = first_failure(run, p);
		not_done(run, p, k, cause);
		if (undo_pf(run, p, cause, k) == 0 && !run->recovering)
			r = 0;
	}
	/* a journal stays while the PF is not as it or the file says */
	if (r == 0)
		sriov_apply_journal_remove(run, p);
	sriov_unlock(lock_fd);
	return 0;
}
