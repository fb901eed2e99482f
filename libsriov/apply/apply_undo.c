/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rolling one PF back after a failed step, newest change first: owners,
 * drivers, VF settings (to the values read before the change), autoprobe.
 * A new VF count is kept: going back would destroy the VFs once more;
 * the report says so. Every result touched here says what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "sysfs.h"
#include "sriov/vfio.h"

/* The outcome of undoing one result: back as it was, or not. */
static void undone(struct apply_undo *u, struct sriov_apply_result *res, int r)
{
	char why[SRIOV_ERRBUF_LEN + 200];
	bool was_cause = res->status == SRIOV_APPLY_FAILED;

	if (r < 0)
		snprintf(why, sizeof(why), "%s%sthe change stays: rolling back failed: %s",
			 was_cause ? res->reason : "", was_cause ? "; " : "",
			 sriov_ctx_last_error(u->run->ctx));
	else if (was_cause)
		snprintf(why, sizeof(why), "%s; what it changed was rolled back",
			 res->reason ? res->reason : "failed");
	else
		snprintf(why, sizeof(why), "rolled back: %s", u->cause);
	sriov_apply_result_fail(res, was_cause ? res->error : r, why);
	res->rolled_back = r >= 0;
	u->failed = u->failed || r < 0;
}

static int undo_owner(struct apply_undo *u, struct sriov_apply_result *res)
{
	const struct sriov_vf *vf = sriov_pf_get_vf(u->p->pf, (unsigned int)res->vf);

	if (!res->str_before || !vf)
		return 0;
	return sriov_apply_owner_set(u->run->ctx, sriov_vf_get_info(vf)->iommu_group,
			       res->str_before);
}

static int undo_driver(struct apply_undo *u, struct sriov_apply_result *res)
{
	const struct sriov_vf *vf = sriov_pf_get_vf(u->p->pf, (unsigned int)res->vf);
	/* the settings have an undo step of their own */
	struct sriov_vfio_opts o = { .sz = sizeof(o),
				     .timeout_ms = u->run->o.timeout_ms,
				     .keep_settings = true };
	struct sriov_vfio_report *vr = NULL;
	struct sriov_pci_addr a;
	bool to_vfio = sriov_driver_is_vfio(u->run->ctx, res->str_before);
	int r;

	if (!vf)
		return sriov_err(u->run->ctx, ENODEV, "VF %d is gone", res->vf);
	/* back onto the very VFIO driver it left, variant or plain */
	o.driver = to_vfio ? res->str_before : NULL;
	a = sriov_vf_get_info(vf)->addr;
	r = to_vfio ? sriov_vfio_bind(u->run->ctx, &a, 1, &o, &vr)
		    : sriov_vfio_release(u->run->ctx, &a, 1, &o, &vr);
	sriov_vfio_report_free(vr);
	return r;
}

/* Every VF's changed settings back in one request. */
void sriov_apply_undo_configs(struct apply_undo *u)
{
	struct apply_run *run = u->run;
	struct pf_plan *p = u->p;
	struct sriov_vf_change_report *cr = NULL;
	struct config_batch b;
	int r;

	if (sriov_apply_batch_init(&b, p) < 0)
		return;
	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *res = &run->rep->results[i];

		if (res->action != SRIOV_APPLY_VF_CONFIG || !res->changed)
			continue;
		b.vfs[b.n] = sriov_pf_get_vf(p->pf, (unsigned int)res->vf);
		b.cfgs[b.n] = res->config_before;
		b.cfgs[b.n].mask = res->changed & res->config_before.mask;
		b.res_of[b.n] = i;
		b.n += b.vfs[b.n] && b.cfgs[b.n].mask;
	}
	if (b.n == 0) {
		sriov_apply_batch_free(&b);
		return;
	}
	r = sriov_vf_set_config(b.vfs, b.cfgs, b.n, false, &cr);
	for (size_t k = 0; k < b.n; k++) {
		struct sriov_apply_result *res = &run->rep->results[b.res_of[k]];
		int rk = r < 0 ? r : cr->vfs[k].failed ? -EIO : 0;

		if (rk == -EIO)
			sriov_err(run->ctx, EIO, "%s refused a value it had before",
				  sriov_vf_field_name(cr->vfs[k].failed & -cr->vfs[k].failed));
		undone(u, res, rk);
		if (rk == 0)
			res->config_after = res->config_before;
	}
	sriov_vf_change_report_free(cr);
	sriov_apply_batch_free(&b);
}

/*
 * Straight to the attribute under the PF lock: through the engine the
 * VFs would be waited for once more, and they may be what failed.
 */
static int undo_autoprobe(struct apply_undo *u, struct sriov_apply_result *res)
{
	struct sriov_pf *pf = u->p->pf;
	char path[SYSFS_PATH_MAX];
	int lock_fd = -1;
	int r = sriov_sysfs_bus_dev_path(u->run->ctx, pf->bus, pf->dev_name,
				   "sriov_drivers_autoprobe", path, sizeof(path));

	if (r == 0)
		r = sriov_lock_name(u->run->ctx, pf->dev_name, &lock_fd);
	if (r == 0)
		r = sriov_sysfs_write(u->run->ctx, path, res->before ? "1" : "0");
	sriov_unlock(lock_fd);
	if (r == 0)
		res->after = res->before;
	return r;
}

static void keep_num_vfs(struct apply_undo *u, struct sriov_apply_result *res)
{
	char why[SRIOV_ERRBUF_LEN + 256];

	snprintf(why, sizeof(why),
		 "%s%sthe VF count stays %d (was %d): it is not rolled back, as that would destroy the VFs again",
		 res->reason ? res->reason : u->cause, "; ", res->after,
		 res->before);
	sriov_apply_set_str(&res->reason, why);
}

static bool has_change(const struct sriov_apply_result *res)
{
	if (res->action == SRIOV_APPLY_NUM_VFS)
		return res->before != res->after && res->after != SRIOV_NO_VALUE;
	return res->status == SRIOV_APPLY_CHANGED ||
	       (res->action == SRIOV_APPLY_DRIVER && res->status == SRIOV_APPLY_FAILED &&
		res->str_after && res->str_before &&
		strcmp(res->str_after, res->str_before));
}

/* Each changed result of one action, newest first, through undo_fn. */
static void undo_each(struct apply_undo *u, enum sriov_apply_action action,
		      int (*undo_fn)(struct apply_undo *,
				     struct sriov_apply_result *))
{
	for (size_t i = u->p->res_end; i-- > u->p->res_first;) {
		struct sriov_apply_result *res = &u->run->rep->results[i];

		if (res->action != action || !has_change(res))
			continue;
		if (!undo_fn)
			keep_num_vfs(u, res);
		else if (action != SRIOV_APPLY_DRIVER || !res->rolled_back)
			undone(u, res, undo_fn(u, res));
	}
}

void sriov_apply_undo_counts(struct apply_undo *u)
{
	undo_each(u, SRIOV_APPLY_AUTOPROBE, undo_autoprobe);
	undo_each(u, SRIOV_APPLY_NUM_VFS, NULL);
}

void sriov_apply_undo_drivers(struct apply_undo *u)
{
	undo_each(u, SRIOV_APPLY_DRIVER, undo_driver);
}

void sriov_apply_undo_owners(struct apply_undo *u)
{
	undo_each(u, SRIOV_APPLY_OWNER, undo_owner);
}

static int undo_mtu(struct apply_undo *u, struct sriov_apply_result *res)
{
	struct sriov_vf *vf = res->vf < 0 ? NULL
			      : sriov_pf_get_vf(u->p->pf, (unsigned int)res->vf);
	struct sriov_mtu_change ch;
	int r;

	if (res->before == SRIOV_NO_VALUE)
		return 0;
	if (res->vf < 0)
		r = sriov_pf_set_mtu(u->p->pf, (unsigned int)res->before,
				     SRIOV_MTU_FORCE, &ch);
	else if (!vf)
		r = sriov_err(u->run->ctx, ENODEV, "VF %d is gone", res->vf);
	else
		r = sriov_vf_set_mtu(vf, (unsigned int)res->before, 0, &ch);
	if (r == 0)
		res->after = res->before;
	return r;
}

/*
 * The reverse of the order they were set in: the VFs that went up, the
 * PF, the VFs that went down.
 */
void sriov_apply_undo_mtus(struct apply_undo *u)
{
	for (int phase = 0; phase < 3; phase++)
		for (size_t i = u->p->res_end; i-- > u->p->res_first;) {
			struct sriov_apply_result *res = &u->run->rep->results[i];
			bool up = res->after > res->before;

			if (res->action != SRIOV_APPLY_MTU ||
			    res->status != SRIOV_APPLY_CHANGED ||
			    (res->vf < 0) != (phase == 1) ||
			    (res->vf >= 0 && up != (phase == 0)))
				continue;
			undone(u, res, undo_mtu(u, res));
		}
}
