/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running the plan of one PF: the VF count and autoprobe, the VF settings
 * in one request, drivers, owners - each through the engine the single
 * commands use, each step's result rewritten from what the engine read
 * back. apply_steps.c runs them in order; apply_undo.c puts back what
 * the steps before a failed one changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply_internal.h"
#include "sriov/vfio.h"

static void count_result(struct sriov_apply_result *res, int before,
			 int after)
{
	if (!res)
		return;
	res->before = before;
	res->after = after;
	res->status = before == after ? SRIOV_APPLY_OK : SRIOV_APPLY_CHANGED;
}

static void count_not_done(struct sriov_apply_result *res, int want,
			   const char *why)
{
	if (!res || res->before == want)
		return;
	res->after = want;
	sriov_apply_result_fail(res, 0, why);
}

/*
 * The engine checks everything before it writes, then writes autoprobe,
 * then the count: a refusal, or an autoprobe that stuck, is the count's
 * failure; otherwise autoprobe failed and the count was not tried.
 */
static int counts_failed(struct apply_run *run, struct pf_plan *p,
			 struct sriov_apply_result *ap,
			 struct sriov_apply_result *nv,
			 const struct sriov_numvfs_opts *o, bool ap_stuck, int r)
{
	bool checks = r == -ECANCELED || r == -EINVAL || r == -ERANGE;
	char why[200];

	if (nv && (ap_stuck || checks || !ap || ap->before == o->autoprobe)) {
		apply_step_failed(run, nv, r);
		snprintf(why, sizeof(why), "not done: num_vfs of %s failed", p->name);
		if (!ap_stuck)
			count_not_done(ap, o->autoprobe, why);
		return r;
	}
	apply_step_failed(run, ap, r);
	snprintf(why, sizeof(why), "not done: autoprobe of %s failed", p->name);
	count_not_done(nv, o->num_vfs, why);
	return r;
}

int sriov_apply_exec_counts(struct apply_run *run, struct pf_plan *p)
{
	struct sriov_apply_result *ap =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_AUTOPROBE);
	struct sriov_apply_result *nv =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_NUM_VFS);
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .autoprobe = -1,
				       .force = run->o.force,
				       .timeout_ms = run->o.timeout_ms };
	struct sriov_numvfs_report *nr = NULL;
	bool ap_stuck = false;
	int r;

	if (!apply_is_changed(ap) && !apply_is_changed(nv))
		return 0;
	o.num_vfs = nv ? nv->after : p->pf->info.num_vfs;
	if (ap)
		o.autoprobe = ap->after;
	r = sriov_pf_set_num_vfs(p->pf, &o, &nr);
	if (nr) {
		ap_stuck = ap && nr->autoprobe_after == o.autoprobe &&
			   nr->autoprobe_before != o.autoprobe;
		count_result(ap, nr->autoprobe_before, nr->autoprobe_after);
		count_result(nv, nr->num_vfs_before, nr->num_vfs_after);
	}
	sriov_numvfs_report_free(nr);
	return r < 0 ? counts_failed(run, p, ap, nv, &o, ap_stuck, r) : 0;
}

/* The reasons of the fields that failed, "mac: ...; vlan: ...". */
static void config_reason(const struct sriov_vf_change *ch, char *buf,
			  size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t e = 0; e < ch->n_errors && len + 1 < size; e++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s: %s",
					len ? "; " : "",
					sriov_vf_field_name(ch->errors[e].field),
					ch->errors[e].message);
}

static void config_result(struct sriov_apply_result *res,
			  const struct sriov_vf_change *ch)
{
	char why[512];

	res->config_before = ch->before;
	res->config_before.mask &= res->fields;
	res->config_after = ch->after;
	res->config_after.mask &= res->fields;
	res->changed = ch->changed;
	res->status = ch->changed ? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	if (ch->failed) {
		config_reason(ch, why, sizeof(why));
		sriov_apply_result_fail(res, sriov_vf_change_error(ch, ch->failed & -ch->failed,
								   NULL), why);
	}
}

int sriov_apply_batch_init(struct config_batch *b, const struct pf_plan *p)
{
	b->n = 0;
	b->vfs = calloc(p->n_t + 1, sizeof(*b->vfs));
	b->cfgs = calloc(p->n_t + 1, sizeof(*b->cfgs));
	b->res_of = calloc(p->n_t + 1, sizeof(*b->res_of));
	if (b->vfs && b->cfgs && b->res_of)
		return 0;
	sriov_apply_batch_free(b);
	return -ENOMEM;
}

void sriov_apply_batch_free(struct config_batch *b)
{
	free(b->vfs);
	free(b->cfgs);
	free(b->res_of);
	*b = (struct config_batch){ 0 };
}

/*
 * The settings read while planning are the "before" of the write when the
 * VFs are still those read (no step since made new ones): no second read.
 */
static int exec_batch(struct apply_run *run, const struct pf_plan *p,
		      struct config_batch *b)
{
	struct sriov_vf_change_report *cr = NULL;
	bool as_read = p->config_read &&
		       sriov_pf_generation(p->pf) == p->config_gen;
	int r = as_read ? sriov_vf_set_config_as_read(b->vfs, b->cfgs, b->n, &cr)
			: sriov_vf_set_config(b->vfs, b->cfgs, b->n, false, &cr);

	for (size_t k = 0; k < b->n; k++) {
		struct sriov_apply_result *res = &run->rep->results[b->res_of[k]];

		if (r < 0)
			apply_step_failed(run, res, r);
		else
			config_result(res, &cr->vfs[k]);
	}
	r = r < 0 ? r : cr->n_failed ? -EIO : 0;
	sriov_vf_change_report_free(cr);
	return r;
}

int sriov_apply_exec_configs(struct apply_run *run, struct pf_plan *p)
{
	struct config_batch b;
	int r = sriov_apply_batch_init(&b, p);

	if (r < 0)
		return r;
	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *res = &run->rep->results[i];

		if (res->action != SRIOV_APPLY_VF_CONFIG || !apply_is_changed(res))
			continue;
		b.vfs[b.n] = sriov_pf_get_vf(p->pf, (unsigned int)res->vf);
		if (!b.vfs[b.n]) {
			r = apply_step_failed(run, res, sriov_err(run->ctx, ENODEV,
				"%s has no VF %d after setting the VF count", p->name, res->vf));
			break;
		}
		b.cfgs[b.n] = res->config_after;
		b.cfgs[b.n].mask = res->fields;
		b.res_of[b.n++] = i;
	}
	if (r == 0 && b.n > 0)
		r = exec_batch(run, p, &b);
	sriov_apply_batch_free(&b);
	return r;
}
