/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Drivers and owners of an apply: VFs to vfio-pci and back through
 * sriov_vfio_bind()/sriov_vfio_release() (journal, checks and rollback
 * are theirs), owners of the VFIO group devices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "sriov/vfio.h"
#include "vfio_private.h"

int sriov_apply_owner_read(struct sriov_ctx *ctx, int group, char *buf, size_t size)
{
	uid_t uid;
	gid_t gid;
	int r = sriov_vfio_group_owner(ctx, group, &uid, &gid);

	if (r == 0)
		sriov_owner_format(uid, gid, buf, size);
	return r;
}

/* 1 when DEV/vfio/GROUP belongs to owner already, 0 when not. */
static int owner_matches(struct sriov_ctx *ctx, int group, const char *owner)
{
	uid_t uid, now_uid;
	gid_t gid, now_gid;
	int r = sriov_owner_parse(ctx, owner, &uid, &gid);

	if (r < 0)
		return r;
	r = sriov_vfio_group_owner(ctx, group, &now_uid, &now_gid);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot read the owner of VFIO group %d: %s",
				 group, strerror(-r));
	return now_uid == uid && now_gid == gid;
}

int sriov_apply_owner_set(struct sriov_ctx *ctx, int group, const char *owner)
{
	uid_t uid;
	gid_t gid;
	int r = sriov_owner_parse(ctx, owner, &uid, &gid);

	return r < 0 ? r : sriov_vfio_group_chown(ctx, group, uid, gid);
}

static const struct sriov_vfio_result *
find_dev(const struct sriov_vfio_report *vr, const char *pci)
{
	for (size_t i = 0; vr && i < vr->n; i++)
		if (!strcmp(vr->devs[i].pci, pci))
			return &vr->devs[i];
	return NULL;
}

/* One result from the device's outcome in a bind or release call. */
static void moved(struct apply_run *run, struct sriov_apply_result *res,
		  const struct sriov_vfio_result *d, int r)
{
	char why[SRIOV_ERRBUF_LEN + 32];

	if (d)
		sriov_apply_set_str(&res->str_after, d->driver_after);
	res->status = d && d->changed ? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	if (d && d->error) {
		sriov_apply_result_fail(res, d->error, d->message);
	} else if (r < 0) {
		snprintf(why, sizeof(why), "%s%s",
			 d && d->rolled_back ? "rolled back: " : "",
			 sriov_ctx_last_error(run->ctx));
		sriov_apply_result_fail(res, r, why);
		res->rolled_back = d && d->rolled_back;
	}
}

/* Moves the VFs of one call, all to vfio-pci (with owner) or all back. */
static int move(struct apply_run *run, struct pf_plan *p, bool release,
		const char *owner, struct sriov_apply_result **res, size_t n)
{
	/* the desired state owns the VF settings: a release leaves them */
	struct sriov_vfio_opts o = { .sz = sizeof(o), .owner = owner,
				     .dry_run = run->o.check,
				     .timeout_ms = run->o.timeout_ms,
				     .keep_settings = true };
	_cleanup_free_ struct sriov_pci_addr *addrs = calloc(n, sizeof(*addrs));
	_cleanup_free_ const char **pcis = calloc(n, sizeof(*pcis));
	struct sriov_vfio_report *vr = NULL;
	bool failed = false;
	int r;

	if (!addrs || !pcis)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct sriov_vf_info *vi = sriov_vf_get_info(
			sriov_pf_get_vf(p->pf, (unsigned int)res[i]->vf));

		addrs[i] = vi->addr;
		pcis[i] = vi->pci;
	}
	r = release ? sriov_vfio_release(run->ctx, addrs, n, &o, &vr)
		    : sriov_vfio_bind(run->ctx, addrs, n, &o, &vr);
	for (size_t i = 0; i < n; i++) {
		moved(run, res[i], find_dev(vr, pcis[i]), r);
		failed = failed || res[i]->status == SRIOV_APPLY_FAILED;
	}
	sriov_vfio_report_free(vr);
	return r < 0 ? r : failed ? -EIO : 0;
}

/* The driver results that must move, as they are now (VFs may be new). */
static size_t collect(struct apply_run *run, struct pf_plan *p, bool release,
		      const char *owner, struct sriov_apply_result **out)
{
	size_t n = 0;

	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *res = &run->rep->results[i];
		const struct vf_target *t = &p->t[res->vf < 0 ? 0 : res->vf];
		const struct sriov_vf *vf;
		const char *drv;

		if (res->action != SRIOV_APPLY_DRIVER ||
		    (t->driver == APPLY_DRV_HOST) != release ||
		    (!release && (owner ? !t->owner || strcmp(owner, t->owner)
					: t->owner != NULL)))
			continue;
		vf = sriov_pf_get_vf(p->pf, (unsigned int)res->vf);
		drv = vf ? sriov_vf_get_info(vf)->driver : NULL;
		sriov_apply_set_str(&res->str_before, drv);
		res->status = SRIOV_APPLY_OK;
		if (vf && sriov_driver_is_vfio(run->ctx, drv) == release)
			out[n++] = res;
	}
	return n;
}

/* The owners the VFs of the PF ask for, each once; NULL (none) first. */
static size_t distinct_owners(const struct pf_plan *p, const char **out)
{
	size_t n = 1;

	out[0] = NULL;
	for (size_t v = 0; v < p->n_t; v++) {
		size_t k;

		if (!p->t[v].owner)
			continue;
		for (k = 1; k < n && strcmp(out[k], p->t[v].owner); k++)
			;
		if (k == n)
			out[n++] = p->t[v].owner;
	}
	return n;
}

int sriov_apply_exec_drivers(struct apply_run *run, struct pf_plan *p)
{
	_cleanup_free_ struct sriov_apply_result **res =
		calloc(p->res_end - p->res_first + 1, sizeof(*res));
	_cleanup_free_ const char **owners = calloc(p->n_t + 1, sizeof(*owners));
	size_t n, n_owners;
	int r;

	if (!res || !owners)
		return -ENOMEM;
	n = collect(run, p, true, NULL, res);
	r = n ? move(run, p, true, NULL, res, n) : 0;
	n_owners = distinct_owners(p, owners);
	for (size_t k = 0; r == 0 && k < n_owners; k++) {
		n = collect(run, p, false, owners[k], res);
		r = n ? move(run, p, false, owners[k], res, n) : 0;
	}
	return r;
}

static int owner_failed(struct apply_run *run, struct sriov_apply_result *res,
			int group, int r)
{
	char why[64];

	if (group >= 0) {
		sriov_apply_result_fail(res, r, sriov_ctx_last_error(run->ctx));
		return r;
	}
	snprintf(why, sizeof(why), "VF %d is in no IOMMU group", res->vf);
	sriov_apply_result_fail(res, -ENODEV, why);
	return -ENODEV;
}

int sriov_apply_exec_owners(struct apply_run *run, struct pf_plan *p)
{
	for (size_t i = p->res_first; i < p->res_end; i++) {
		struct sriov_apply_result *res = &run->rep->results[i];
		const struct sriov_vf *vf;
		const char *owner = p->t[res->vf < 0 ? 0 : res->vf].owner;
		char now[160] = "";
		int group, r;

		if (res->action != SRIOV_APPLY_OWNER)
			continue;
		vf = sriov_pf_get_vf(p->pf, (unsigned int)res->vf);
		group = vf ? sriov_vf_get_info(vf)->iommu_group : -1;
		r = group < 0 ? -ENODEV : owner_matches(run->ctx, group, owner);
		if (r == 0)
			r = sriov_apply_owner_set(run->ctx, group, owner);
		if (r >= 0)
			r = sriov_apply_owner_read(run->ctx, group, now, sizeof(now));
		if (r < 0)
			return owner_failed(run, res, group, r);
		sriov_apply_set_str(&res->str_after, now);
		res->status = res->str_before && !strcmp(res->str_before, now)
				      ? SRIOV_APPLY_OK : SRIOV_APPLY_CHANGED;
	}
	return 0;
}
