/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The report of an apply: one result per step, built while planning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

SRIOV_EXPORT const char *sriov_apply_action_name(int action)
{
	static const char *const names[] = {
		[SRIOV_APPLY_FIND_PF] = "find_pf",
		[SRIOV_APPLY_AUTOPROBE] = "autoprobe",
		[SRIOV_APPLY_NUM_VFS] = "num_vfs",
		[SRIOV_APPLY_VF_CONFIG] = "vf_config",
		[SRIOV_APPLY_DRIVER] = "driver",
		[SRIOV_APPLY_OWNER] = "owner",
		[SRIOV_APPLY_MTU] = "mtu",
		[SRIOV_APPLY_ESWITCH] = "eswitch",
		[SRIOV_APPLY_RATE_NODE] = "rate_node",
		[SRIOV_APPLY_RATE] = "rate",
	};

	if (action < 0 || (size_t)action >= ARRAY_SIZE(names))
		return "unknown";
	return names[action];
}

SRIOV_EXPORT const char *sriov_apply_status_name(int status)
{
	switch (status) {
	case SRIOV_APPLY_OK: return "ok";
	case SRIOV_APPLY_CHANGED: return "changed";
	case SRIOV_APPLY_FAILED: return "failed";
	}
	return "unknown";
}

static void result_clear(struct sriov_apply_result *r)
{
	free((char *)r->str_before);
	free((char *)r->str_after);
	free((char *)r->reason);
}

SRIOV_EXPORT void sriov_apply_report_free(struct sriov_apply_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++)
		result_clear(&rep->results[i]);
	free(rep->results);
	free(rep);
}

int sriov_apply_result_add(struct sriov_apply_report *rep, const char *pf, int vf,
		     enum sriov_apply_action action)
{
	struct sriov_apply_result *res;

	if (rep->n % 64 == 0) {
		res = realloc(rep->results, (rep->n + 64) * sizeof(*res));
		if (!res)
			return -ENOMEM;
		rep->results = res;
	}
	res = &rep->results[rep->n];
	memset(res, 0, sizeof(*res));
	snprintf(res->pf, sizeof(res->pf), "%s", pf);
	res->vf = vf;
	res->action = action;
	res->before = res->after = SRIOV_NO_VALUE;
	return (int)rep->n++;
}

int sriov_apply_set_str(const char **dst, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return -ENOMEM;
	free((char *)*dst);
	*dst = copy;
	return 0;
}

/* Marks a result failed with -err and the reason (a copy). */
void sriov_apply_result_fail(struct sriov_apply_result *res, int err,
		       const char *reason)
{
	res->status = SRIOV_APPLY_FAILED;
	res->error = err;
	if (sriov_apply_set_str(&res->reason, reason && *reason ? reason
							   : strerror(-err)) < 0)
		res->reason = NULL;
}

/* Counts what the results say; the top-level verdicts come from here. */
void sriov_apply_report_sum(struct sriov_apply_report *rep)
{
	rep->changed = false;
	rep->n_failed = rep->n_refused = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct sriov_apply_result *r = &rep->results[i];

		rep->changed |= r->status == SRIOV_APPLY_CHANGED;
		rep->n_failed += r->status == SRIOV_APPLY_FAILED;
		rep->n_refused += r->status == SRIOV_APPLY_FAILED &&
				  r->error == -ECANCELED;
	}
}
