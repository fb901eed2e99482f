/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* claim release and claim gc: the VFs back whole, then the lease removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "claim.h"

/* The VFs of the lease that still exist, with their settings from before. */
static int lease_devices(struct sriov_ctx *ctx, const struct sriov_claim *c,
			 struct sriov_pci_addr *addrs, struct sriov_vf_config *cfgs,
			 size_t *ret_n)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (sriov_pci_addr_parse(c->vfs[i].pci, &addrs[n]) < 0)
			return -EINVAL;
		if (!sriov_vdev_exists(ctx, &addrs[n]))
			continue;
		memset(&cfgs[n], 0, sizeof(cfgs[n]));
		if (c->vfs[i].has_before)
			cfgs[n] = c->vfs[i].before;
		cfgs[n++].mask &= SRIOV_RESTORED_FIELDS;
	}
	*ret_n = n;
	return 0;
}

/* VFs that stayed on their host driver get their settings back alone. */
static int host_settings(struct sriov_ctx *ctx, const struct sriov_pci_addr *addrs,
			 const struct sriov_vf_config *cfgs, size_t n, bool dry_run)
{
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf **vfs = calloc(n ? n : 1, sizeof(*vfs));
	struct sriov_vf_config *want = calloc(n ? n : 1, sizeof(*want));
	size_t k = 0;
	int r = vfs && want ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		char pci[SRIOV_PCI_ADDR_STRLEN];

		sriov_pci_addr_format(&addrs[i], pci);
		if (cfgs[i].mask && sriov_vf_find(ctx, pci, &vfs[k]) == 0)
			want[k++] = cfgs[i];
	}
	if (r == 0 && k)
		r = sriov_vf_set_config(vfs, want, k, dry_run, &rep);
	for (size_t i = 0; r == 0 && rep && i < rep->n; i++)
		if (rep->vfs[i].n_errors)
			r = sriov_err(ctx, EIO, "%s: VF settings not given back: %s: %s",
				      sriov_vf_get_info(rep->vfs[i].vf)->pci,
				      sriov_vf_field_name(rep->vfs[i].errors[0].field),
				      rep->vfs[i].errors[0].message);
	sriov_vf_change_report_free(rep);
	free(vfs);
	free(want);
	return r;
}

/* VFs of a host claim that set an MTU get the one from before the claim. */
static int host_mtus(struct sriov_ctx *ctx, const struct sriov_claim *c, bool dry_run)
{
	struct sriov_mtu_change ch;

	for (size_t i = 0; i < c->n; i++) {
		const struct sriov_claim_vf *v = &c->vfs[i];
		struct sriov_vf *vf;
		int r;

		if (!v->mtu || !v->mtu_before || sriov_vf_find(ctx, v->pci, &vf) < 0)
			continue;
		r = sriov_vf_set_mtu(vf, v->mtu_before, dry_run ? SRIOV_MTU_DRY_RUN : 0, &ch);
		if (r < 0)
			return sriov_err(ctx, -r, "%s: MTU %u not given back: %s", v->pci,
					 v->mtu_before, sriov_ctx_last_error(ctx));
	}
	set_error_text(ctx, "");
	return 0;
}

int sriov_claim_undo(struct sriov_ctx *ctx, const struct sriov_claim *c,
		     const struct sriov_claim_opts *o)
{
	struct sriov_vfio_opts vo = { .sz = sizeof(vo), .dry_run = o->dry_run,
				      .timeout_ms = o->timeout_ms,
				      .keep_settings = o->keep_settings,
				      .reset = o->reset };
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr *addrs = calloc(c->n, sizeof(*addrs));
	struct sriov_vf_config *cfgs = calloc(c->n, sizeof(*cfgs));
	size_t n = 0;
	int r = addrs && cfgs ? lease_devices(ctx, c, addrs, cfgs, &n) : -ENOMEM;

	if (r == 0 && n && c->driver == SRIOV_CLAIM_DRIVER_VFIO) {
		r = sriov_vfio_release_with(ctx, addrs, n, &vo, cfgs, &rep);
		/* the report holds why: the first device that failed */
		for (size_t i = 0; r < 0 && rep && i < rep->n; i++)
			if (rep->devs[i].error && rep->devs[i].message &&
			    rep->devs[i].message[0]) {
				r = sriov_err(ctx, -rep->devs[i].error,
					      "claim \"%s\": %s: %s", c->name,
					      rep->devs[i].pci, rep->devs[i].message);
				break;
			}
	}
	else if (r == 0 && n && !o->keep_settings)
		r = host_settings(ctx, addrs, cfgs, n, o->dry_run);
	if (r == 0 && n && c->driver == SRIOV_CLAIM_DRIVER_HOST && !o->keep_settings)
		r = host_mtus(ctx, c, o->dry_run);
	sriov_vfio_report_free(rep);
	free(addrs);
	free(cfgs);
	return r;
}

static void opts_of(const struct sriov_claim_opts *opts, struct sriov_claim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	if (opts)
		memcpy(o, opts, opts->sz < sizeof(*o) ? opts->sz : sizeof(*o));
	if (o->timeout_ms <= 0)
		o->timeout_ms = VFIO_DEFAULT_TIMEOUT_MS;
}

static int remove_lease(struct sriov_ctx *ctx, const char *name, int timeout_ms)
{
	int fd = -1, r = sriov_lock_name_within(ctx, CLAIMS_LOCK, timeout_ms, &fd);

	if (r == 0)
		r = sriov_lease_remove(ctx, name);
	sriov_unlock(fd);
	return r;
}

SRIOV_EXPORT int sriov_claim_release(struct sriov_ctx *ctx, const char *name,
				     const struct sriov_claim_opts *opts,
				     struct sriov_claim **ret_claim)
{
	struct sriov_claim_opts o;
	struct sriov_claim *c = NULL;
	int r;

	if (!ctx)
		return -EINVAL;
	opts_of(opts, &o);
	r = sriov_claim_get(ctx, name, &c);
	if (r == 0)
		r = sriov_claim_undo(ctx, c, &o);
	if (r == 0 && !o.dry_run)
		r = remove_lease(ctx, name, o.timeout_ms);
	if (ret_claim && c)
		*ret_claim = c;
	else
		sriov_claim_free(c);
	return r;
}

static int strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

SRIOV_EXPORT int sriov_claim_gc(struct sriov_ctx *ctx, bool all,
				const struct sriov_claim_opts *opts,
				char ***ret_released, char ***ret_failed)
{
	char **names = NULL, **done = calloc(1, sizeof(char *)), **failed = calloc(1, sizeof(char *));
	char *why = NULL;
	size_t n = 0, n_done = 0, n_failed = 0;
	int r, first = 0;

	if (!ctx || !ret_released || !ret_failed)
		return -EINVAL;
	r = done && failed ? sriov_claim_list(ctx, &names, &n) : -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct sriov_claim *c = NULL;
		int k = sriov_claim_get(ctx, names[i], &c);

		if (k == 0 && !all && (c->holder_pid <= 0 || c->holder_alive)) {
			sriov_claim_free(c);
			continue;
		}
		sriov_claim_free(c);
		if (k == 0)
			k = sriov_claim_release(ctx, names[i], opts, NULL);
		if (k < 0 && !first)
			why = strdup(sriov_ctx_last_error(ctx));
		first = first ? first : k;
		r = strv_add(k == 0 ? &done : &failed, k == 0 ? &n_done : &n_failed, names[i]);
	}
	sriov_strv_free(names);
	if (r < 0) {
		sriov_strv_free(done);
		sriov_strv_free(failed);
		return r;
	}
	*ret_released = done;
	*ret_failed = failed;
	/* later releases may have cleared it: the first failure's reason */
	if (first < 0 && why && why[0])
		first = sriov_err(ctx, -first, "%s", why);
	free(why);
	return first;
}
