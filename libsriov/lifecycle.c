/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating, resizing and removing VFs through the PF's sysfs registers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inuse.h"
#include "ready.h"
#include "sysfs.h"

#define DEFAULT_TIMEOUT_MS 30000

/*
 * sriov_numvfs runs the driver's sriov_configure, which may block: the
 * write is bounded (a child process). sriov_drivers_autoprobe only sets
 * a flag in the PCI core and is written here, without that process.
 */
static int write_attr(struct sriov_pf *pf, const char *attr, int value,
		      int timeout_ms, int lock_fd)
{
	char path[SYSFS_PATH_MAX], buf[16];
	int r = sriov_sysfs_bus_dev_path(pf->ctx, pf->bus, pf->dev_name, attr, path,
				   sizeof(path));

	if (r < 0)
		return r;
	snprintf(buf, sizeof(buf), "%d", value);
	if (strcmp(attr, "sriov_drivers_autoprobe") == 0)
		return sriov_sysfs_write(pf->ctx, path, buf);
	return sriov_sysfs_write_bounded(pf->ctx, path, buf, timeout_ms, lock_fd);
}

/* Turns the kernel's errno into advice for the administrator. */
static int explain_numvfs_error(struct sriov_pf *pf, int r, int want)
{
	struct sriov_ctx *ctx = pf->ctx;
	const char *ifname = pf->info.netdevs[0];
	char oper[32] = "";

	if (ifname) {
		const char *comps[] = { "class", "net", ifname, "operstate", NULL };
		char path[SYSFS_PATH_MAX];

		if (sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0)
			sriov_sysfs_read(ctx, path, oper, sizeof(oper), true);
	}
	/* the kernel's ENOENT is both "no driver" and "no sriov_configure" */
	if (r == -ENOENT && pf->info.driver)
		return sriov_err(ctx, ENOENT,
				 "%s: its driver %s has no SR-IOV support (it cannot enable VFs): bind a driver that has, or pci-pf-stub",
				 pf->info.pci, pf->info.driver);
	if (r == -ENOENT)
		return sriov_err(ctx, ENOENT,
				 "%s has no driver, and only a PF driver can enable VFs: bind its driver, or pci-pf-stub for devices whose driver cannot enable VFs",
				 pf->info.pci);
	if (r == -ERANGE)
		return sriov_err(ctx, ERANGE, "%s supports at most %d VFs",
				 pf->info.pci, pf->info.total_vfs);
	if (r != -ETIMEDOUT && *oper && strcmp(oper, "up") != 0)
		return sriov_err(ctx, -r,
				 "cannot enable %d VFs on %s: %s (the PF link %s is %s; some drivers need it up)",
				 want, pf->info.pci, strerror(-r), ifname, oper);
	return r;
}

/* -ECANCELED when a VF that would be destroyed is in use by the host. */
static int check_vfs_unused(struct sriov_pf *pf)
{
	struct sriov_inuse *u;
	char reason[256];
	int r = sriov_inuse_open(pf->ctx, &u);

	if (r < 0)
		return r;
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i] && sriov_inuse_vf(u, pf->vfs[i], reason,
						 sizeof(reason))) {
			sriov_inuse_close(u);
			return sriov_err(pf->ctx, ECANCELED,
					 "refusing to destroy the VFs of %s: %s",
					 pf->info.pci, reason);
		}
	sriov_inuse_close(u);
	return 0;
}

SRIOV_EXPORT void sriov_numvfs_report_free(struct sriov_numvfs_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n_vfs; i++) {
		free((char *)rep->vfs[i].driver);
		free((char *)rep->vfs[i].netdev);
	}
	free(rep->vfs);
	free(rep);
}

static int check_opts(struct sriov_pf *pf, const struct sriov_numvfs_opts *o)
{
	const struct sriov_pf_info *i = &pf->info;

	if (o->num_vfs < 0)
		return sriov_err(pf->ctx, EINVAL, "a VF count cannot be negative");
	if (i->total_vfs != SRIOV_NO_VALUE && o->num_vfs > i->total_vfs)
		return sriov_err(pf->ctx, ERANGE,
				 "%s supports at most %d VFs, not %d", i->pci,
				 i->total_vfs, o->num_vfs);
	if (o->autoprobe < -1 || o->autoprobe > 1)
		return sriov_err(pf->ctx, EINVAL, "autoprobe must be 0 or 1");
	if (o->autoprobe >= 0 && i->drivers_autoprobe == SRIOV_NO_VALUE)
		return sriov_err(pf->ctx, EOPNOTSUPP,
				 "%s has no sriov_drivers_autoprobe (kernel too old)",
				 i->pci);
	return 0;
}

/* N -> M with both non-zero destroys every VF: only with force. */
static int check_resize(struct sriov_pf *pf, const struct sriov_numvfs_opts *o)
{
	int cur = pf->info.num_vfs;

	if (cur > 0 && o->num_vfs > 0 && cur != o->num_vfs && !o->force)
		return sriov_err(pf->ctx, ECANCELED,
				 "%s has %d VFs: changing to %d destroys all of them first; disable them (pf disable) or repeat with --force",
				 pf->info.pci, cur, o->num_vfs);
	if (cur > 0 && o->num_vfs != cur)
		return check_vfs_unused(pf);
	return 0;
}

static int report_new(struct sriov_pf *pf, struct sriov_numvfs_report **ret)
{
	struct sriov_numvfs_report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return -ENOMEM;
	rep->num_vfs_before = rep->num_vfs_after = pf->info.num_vfs;
	rep->autoprobe_before = rep->autoprobe_after = pf->info.drivers_autoprobe;
	*ret = rep;
	return 0;
}

/* Copies the VF states out of the PF, which the next refresh replaces. */
static int report_vfs(struct sriov_numvfs_report *rep,
		      const struct sriov_vf_status *st, size_t n)
{
	rep->vfs = calloc(n ? n : 1, sizeof(*rep->vfs));
	if (!rep->vfs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++, rep->n_vfs++) {
		rep->vfs[i] = st[i];
		rep->vfs[i].driver = st[i].driver ? strdup(st[i].driver) : NULL;
		rep->vfs[i].netdev = st[i].netdev ? strdup(st[i].netdev) : NULL;
	}
	return 0;
}

static int apply_numvfs(struct sriov_pf *pf, const struct sriov_numvfs_opts *o,
			int timeout, int lock_fd, struct sriov_numvfs_report *rep)
{
	int cur = pf->info.num_vfs, r = 0;

	if (o->autoprobe >= 0 && o->autoprobe != pf->info.drivers_autoprobe) {
		r = write_attr(pf, "sriov_drivers_autoprobe", o->autoprobe,
			       timeout, lock_fd);
		if (r < 0)
			return r;
		rep->autoprobe_after = o->autoprobe;
		rep->changed = true;
	}
	if (cur == o->num_vfs)
		return 0;
	if (cur > 0) {
		r = write_attr(pf, "sriov_numvfs", 0, timeout, lock_fd);
		if (r < 0)
			return explain_numvfs_error(pf, r, 0);
		/* the VFs are gone: the host changed, whatever comes next */
		rep->changed = true;
		rep->num_vfs_after = 0;
		if (o->num_vfs == 0)
			return 0;
	}
	r = write_attr(pf, "sriov_numvfs", o->num_vfs, timeout, lock_fd);
	if (r < 0)
		return explain_numvfs_error(pf, r, o->num_vfs);
	rep->changed = true;
	return 0;
}

/* Reads the count back: the kernel may have enabled fewer. */
static int verify_numvfs(struct sriov_pf *pf, int want,
			 struct sriov_numvfs_report *rep)
{
	int r = sriov_pf_refresh(pf);

	if (r < 0)
		return r;
	rep->num_vfs_after = pf->info.num_vfs;
	rep->autoprobe_after = pf->info.drivers_autoprobe;
	if (pf->info.num_vfs != want)
		return sriov_err(pf->ctx, EIO,
				 "%s: asked for %d VFs, the kernel reports %d",
				 pf->info.pci, want, pf->info.num_vfs);
	return 0;
}

static int set_num_vfs_locked(struct sriov_pf *pf,
			      const struct sriov_numvfs_opts *o, int lock_fd,
			      struct sriov_numvfs_report *rep)
{
	int timeout = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	struct sriov_ready *w = NULL;
	struct sriov_vf_status *st;
	int r, r2;

	r = check_resize(pf, o);
	if (r < 0 || o->dry_run) {
		if (r == 0) {
			rep->changed = pf->info.num_vfs != o->num_vfs ||
				       (o->autoprobe >= 0 &&
					o->autoprobe != pf->info.drivers_autoprobe);
			rep->num_vfs_after = o->num_vfs;
			if (o->autoprobe >= 0)
				rep->autoprobe_after = o->autoprobe;
		}
		return r;
	}
	r = sriov_ready_begin(pf->ctx, &w);
	if (r == 0 && o->num_vfs > 0 && pf->info.num_vfs != o->num_vfs)
		sriov_ready_new_vfs(w);
	if (r == 0)
		r = apply_numvfs(pf, o, timeout, lock_fd, rep);
	if (r == 0)
		r = verify_numvfs(pf, o->num_vfs, rep);
	st = calloc((size_t)o->num_vfs + 1, sizeof(*st));
	if (!st)
		r = r < 0 ? r : -ENOMEM;
	if (r == 0) {
		r = sriov_ready_wait(w, pf, (size_t)o->num_vfs, timeout, st);
		rep->timed_out = r == -ETIMEDOUT;
		r2 = report_vfs(rep, st, (size_t)o->num_vfs);
		r = r < 0 ? r : r2;
	}
	free(st);
	sriov_ready_end(w);
	return r;
}

SRIOV_EXPORT int sriov_pf_set_num_vfs(struct sriov_pf *pf,
				      const struct sriov_numvfs_opts *opts,
				      struct sriov_numvfs_report **ret_report)
{
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .autoprobe = -1 };
	struct sriov_numvfs_report *rep = NULL;
	int lock_fd = -1, r;

	if (!pf || !opts || opts->sz < sizeof(o) || !ret_report)
		return -EINVAL;
	memcpy(&o, opts, sizeof(o));
	r = check_opts(pf, &o);
	if (r < 0)
		return r;
	r = sriov_lock_name_within(pf->ctx, pf->dev_name, o.timeout_ms, &lock_fd);
	if (r == 0)
		r = sriov_pf_refresh(pf);
	if (r == 0)
		r = check_opts(pf, &o);
	if (r == 0)
		r = report_new(pf, &rep);
	if (r == 0)
		r = set_num_vfs_locked(pf, &o, lock_fd, rep);
	sriov_unlock(lock_fd);
	*ret_report = rep;
	return r;
}
