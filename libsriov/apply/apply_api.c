/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov_apply(): plan everything, then run it PF by PF. */
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

int sriov_apply_run_desired(struct sriov_ctx *ctx, const struct sriov_desired *d,
		      const struct sriov_apply_opts *opts, bool recovering,
		      struct sriov_apply_report **ret_report)
{
	struct apply_run run = { .ctx = ctx, .d = d, .recovering = recovering };
	int r;

	if (!ctx || !d || !opts || opts->sz < sizeof(run.o) || !ret_report)
		return -EINVAL;
	memcpy(&run.o, opts, sizeof(run.o));
	run.rep = calloc(1, sizeof(*run.rep));
	if (!run.rep)
		return -ENOMEM;
	run.rep->check = run.o.check;
	r = sriov_apply_plan(&run);
	for (size_t i = 0; r == 0 && !run.o.check && i < run.n_pfs; i++) {
		sriov_progress(ctx, "applying", i, run.n_pfs, run.pfs[i].name, NULL);
		r = sriov_apply_exec_pf(&run, &run.pfs[i]);
	}
	if (!run.o.check && run.n_pfs)
		sriov_progress(ctx, NULL, run.n_pfs, run.n_pfs, NULL, NULL);
	sriov_apply_plan_free(&run);
	if (r < 0) {
		sriov_apply_report_free(run.rep);
		return r;
	}
	sriov_apply_report_sum(run.rep);
	*ret_report = run.rep;
	return 0;
}

SRIOV_EXPORT int sriov_apply(struct sriov_ctx *ctx,
			     const struct sriov_desired *desired,
			     const struct sriov_apply_opts *opts,
			     struct sriov_apply_report **ret_report)
{
	return sriov_apply_run_desired(ctx, desired, opts, false, ret_report);
}

SRIOV_EXPORT int sriov_apply_recover(struct sriov_ctx *ctx,
				     const struct sriov_apply_opts *opts,
				     struct sriov_apply_report **ret_report)
{
	struct sriov_desired *d = NULL;
	int r;

	if (!ctx || !opts || !ret_report)
		return -EINVAL;
	r = sriov_desired_new(&d);
	if (r == 0)
		r = sriov_apply_journal_load(ctx, d);
	if (r == 0)
		r = sriov_apply_run_desired(ctx, d, opts, true, ret_report);
	sriov_desired_free(d);
	return r;
}
