/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio bind / release: read under the PF locks, refuse, journal, move,
 * verify, and put everything back when any step fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind.h"
#include "inuse.h"
#include "sysfs.h"

SRIOV_EXPORT void sriov_vfio_report_free(struct sriov_vfio_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		free((char *)rep->devs[i].driver_before);
		free((char *)rep->devs[i].driver_after);
		free((char *)rep->devs[i].group_dev);
		free((char *)rep->devs[i].message);
	}
	free(rep->devs);
	free(rep);
}

static void call_free(struct call *c)
{
	for (size_t i = 0; i < c->n_locks; i++)
		sriov_unlock(c->lock_fds[i]);
	free(c->lock_fds);
	free(c->locks);
	free(c->ops);
	sriov_vfio_aliases_free(c->aliases);
}

static struct xfer op_xfer(struct call *c, const struct op *op)
{
	return (struct xfer){ .ctx = c->ctx, .timeout_ms = c->o.timeout_ms,
			      .lock_fd = c->lock_fds[op->lock] };
}

static int cmp_addr(const void *a, const void *b)
{
	return sriov_pci_addr_cmp(a, b);
}

/* The devices, without duplicates, read once to learn their locks. */
static int call_load(struct call *c, const struct sriov_pci_addr *devs,
		     size_t n, const struct sriov_vf_config *cfgs)
{
	for (size_t i = 0; i < n; i++) {
		struct op *op = &c->ops[c->n];
		bool dup = false;
		int r;

		for (size_t j = 0; j < c->n; j++)
			dup = dup || !sriov_pci_addr_cmp(&c->ops[j].d.addr, &devs[i]);
		if (dup)
			continue;
		op->res = &c->rep->devs[c->rep->n++];
		op->restore = cfgs ? &cfgs[i] : NULL;
		sriov_pci_addr_format(&devs[i], op->res->pci);
		op->res->vf = -1;
		op->res->iommu_group = SRIOV_NO_VALUE;
		c->n++;
		r = sriov_vdev_load(c->ctx, &devs[i], &op->d);
		if (r < 0)
			return sriov_op_fail(c, op, r);
		if (sriov_pci_addr_parse(op->d.lock, &c->locks[c->n_locks++]) < 0)
			return -EINVAL;
	}
	return 0;
}

/* Takes every lock in address order, so that calls cannot deadlock. */
static int call_lock(struct call *c)
{
	size_t k = 0;

	qsort(c->locks, c->n_locks, sizeof(*c->locks), cmp_addr);
	for (size_t i = 0; i < c->n_locks; i++)
		if (k == 0 || sriov_pci_addr_cmp(&c->locks[k - 1], &c->locks[i]))
			c->locks[k++] = c->locks[i];
	c->n_locks = 0;
	for (size_t i = 0; i < k; i++, c->n_locks++) {
		int r = sriov_lock_pf_within(c->ctx, &c->locks[i], c->o.timeout_ms,
					       &c->lock_fds[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

/* The VFIO driver of a bind: the one asked for, else the device's variant or vfio-pci. */
static int choose_target(struct call *c, struct op *op)
{
	int r = 0;

	if (c->o.driver)
		snprintf(op->target, sizeof(op->target), "%s", c->o.driver);
	else
		r = sriov_vfio_variant_find(c->ctx, &c->aliases, &op->d, op->target,
					    sizeof(op->target));
	if (r == 0 && !op->target[0])
		snprintf(op->target, sizeof(op->target), "%s", VFIO_PCI);
	return r;
}

/* Reads each device again under its lock and decides what is to be done. */
static int call_reload(struct call *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		struct sriov_pci_addr lock;
		bool vfio;
		int r = sriov_vdev_load(c->ctx, &op->d.addr, &op->d);

		if (r < 0)
			return sriov_op_fail(c, op, r);
		sriov_pci_addr_parse(op->d.lock, &lock);
		for (size_t l = 0; l < c->n_locks; l++)
			if (!sriov_pci_addr_cmp(&c->locks[l], &lock))
				op->lock = l;
		memcpy(op->before, op->d.driver, sizeof(op->before));
		vfio = sriov_driver_is_vfio(c->ctx, op->d.driver);
		op->todo = c->release ? vfio : !vfio;
		r = op->todo && !c->release ? choose_target(c, op) : 0;
		if (r < 0)
			return sriov_op_fail(c, op, r);
		memcpy(op->res->pf, op->d.pf, sizeof(op->res->pf));
		op->res->vf = op->d.vf;
		op->res->iommu_group = op->d.group;
		op->res->driver_before = op->d.driver[0] ? strdup(op->d.driver) : NULL;
	}
	return 0;
}

static int call_check(struct call *c)
{
	struct sriov_inuse *u = NULL;
	int r = 0, first = 0;

	r = sriov_inuse_open(c->ctx, &u);
	if (r < 0)
		return r;
	/* every device is checked, so that all the reasons are reported */
	for (size_t i = 0; i < c->n; i++) {
		r = c->release ? sriov_check_release(c, &c->ops[i], u)
			       : sriov_check_bind(c, &c->ops[i], u);
		first = first ? first : r;
	}
	sriov_inuse_close(u);
	/* the context's error is the first device's */
	for (size_t i = 0; first && i < c->n; i++)
		if (c->ops[i].res->message) {
			set_error_text(c->ctx, c->ops[i].res->message);
			break;
		}
	return first;
}

/* VF settings for the journal, where rtnetlink can give them. */
static void read_settings(struct call *c, struct op *op)
{
	struct sriov_vf *vf = sriov_vdev_vf_handle(c->ctx, &op->d);
	const struct sriov_vf_config *cfg;

	if (!vf)
		return;
	/* the MTU of its host netdev, given back once that is there again */
	if (sriov_vf_get_mtu(vf, &op->e.mtu) < 0)
		op->e.mtu = 0;
	cfg = sriov_vf_get_config(vf);
	if (!cfg && sriov_pf_read_vf_config(sriov_vf_get_pf(vf), false) == 0)
		cfg = sriov_vf_get_config(vf);
	if (cfg) {
		op->e.has_config = true;
		op->e.config = *cfg;
	}
	/* settings are a bonus: a failure to read them is not an error */
	set_error_text(c->ctx, "");
}

static void entry_init(struct op *op, enum journal_state state)
{
	struct journal_entry *e = &op->e;

	memcpy(e->pci, op->d.pci, sizeof(e->pci));
	memcpy(e->lock, op->d.lock, sizeof(e->lock));
	e->vf = op->d.vf;
	e->state = state;
	e->pid = (long)getpid();
}

/* The entries of the devices that move, in state, with one sync for all. */
static int journal_todo(struct call *c, enum journal_state state)
{
	const struct journal_entry **es = calloc(c->n, sizeof(*es));
	size_t k = 0;
	int r;

	if (!es)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		if (c->ops[i].todo) {
			c->ops[i].e.state = state;
			es[k++] = &c->ops[i].e;
		}
	r = sriov_journal_write_all(c->ctx, es, k);
	free(es);
	return r;
}

/* The ops that move, failed with r (the first one carries the reason). */
static int fail_todo(struct call *c, int r)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ops[i].todo)
			return sriov_op_fail(c, &c->ops[i], r);
	return r;
}

/* Journals every device a bind moves before the first one is touched. */
static int bind_prepare(struct call *c)
{
	int r;

	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];

		if (!op->todo)
			continue;
		memset(&op->e, 0, sizeof(op->e));
		entry_init(op, JOURNAL_BINDING);
		memcpy(op->e.driver, op->d.driver, sizeof(op->e.driver));
		memcpy(op->e.override, op->d.override, sizeof(op->e.override));
		read_settings(c, op);
	}
	r = journal_todo(c, JOURNAL_BINDING);
	/* a write that failed part-way may have left some: rollback removes them */
	for (size_t i = 0; i < c->n; i++)
		c->ops[i].journaled = c->ops[i].todo;
	return r < 0 ? fail_todo(c, r) : 0;
}

static int bind_one(struct call *c, struct op *op)
{
	struct xfer x = op_xfer(c, op);
	int r;

	op->touched = true;
	r = sriov_drv_to_vfio(&x, &op->d, op->target);
	op->in_flight = x.in_flight;
	return r;
}

/* Journals the release of every device before anything of it is touched. */
static int release_begin(struct call *c)
{
	int r;

	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];

		if (!op->todo)
			continue;
		if (!op->had_entry) {
			memset(&op->e, 0, sizeof(op->e));
			op->e.default_match = true;
		}
		entry_init(op, JOURNAL_RELEASING);
	}
	r = journal_todo(c, JOURNAL_RELEASING);
	/* rolling back a release writes each entry back as it was */
	for (size_t i = 0; i < c->n; i++)
		c->ops[i].touched = c->ops[i].todo;
	return r < 0 ? fail_todo(c, r) : 0;
}

static int release_one(struct call *c, struct op *op)
{
	struct xfer x = op_xfer(c, op);
	int r = 0;

	if (c->o.reset) {
		r = sriov_drv_reset(&x, &op->d);
		op->res->reset = r == 0;
	}
	if (r == 0)
		r = sriov_drv_restore(&x, &op->d, &op->e);
	op->in_flight = x.in_flight;
	return r;
}

static void note_rollback_failure(struct call *c, struct op *op, int r,
				  const char *first)
{
	char msg[SRIOV_ERRBUF_LEN * 2];

	snprintf(msg, sizeof(msg),
		 "%s; putting it back failed too: %s; run \"sriovctl recover\"",
		 op->res->message ? op->res->message : first,
		 sriov_ctx_last_error(c->ctx));
	free((char *)op->res->message);
	op->res->message = strdup(msg);
	op->res->error = op->res->error ? op->res->error : r;
}

/* Undoes one device; on failure its journal entry stays for recover. */
static void rollback_one(struct call *c, struct op *op)
{
	struct xfer x = op_xfer(c, op);
	char first[SRIOV_ERRBUF_LEN];
	int r;

	snprintf(first, sizeof(first), "%s", sriov_ctx_last_error(c->ctx));
	if (c->release) {
		r = sriov_drv_to_vfio(&x, &op->d, op->before);
		op->e.state = JOURNAL_BOUND;
		if (r == 0)
			r = op->had_entry ? sriov_journal_write(c->ctx, &op->e)
					  : sriov_journal_remove(c->ctx, op->d.pci);
	} else {
		r = sriov_drv_restore(&x, &op->d, &op->e);
		if (r == 0)
			r = sriov_journal_remove(c->ctx, op->d.pci);
	}
	if (r == 0)
		op->res->rolled_back = true;
	else
		note_rollback_failure(c, op, r, first);
	set_error_text(c->ctx, r == 0 ? first : op->res->message);
}

/*
 * A device whose write may still land is left alone: its journal entry
 * stays for recover, and the writer keeps its lock until the write is done.
 */
static void rollback_all(struct call *c)
{
	for (size_t i = c->n; i-- > 0;) {
		struct op *op = &c->ops[i];

		if (op->touched && !op->in_flight)
			rollback_one(c, op);
		else if (op->journaled && !op->touched &&
			 sriov_journal_remove(c->ctx, op->d.pci) < 0)
			note_rollback_failure(c, op, -EIO, sriov_ctx_last_error(c->ctx));
	}
}

/* After the bind: the kernel's view of every group involved. */
static int verify_groups(struct call *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		struct vgroup g;
		char who[320];
		int r;

		if (!op->todo)
			continue;
		r = sriov_vgroup_load(c->ctx, op->d.group, &g);
		if (r < 0)
			return sriov_op_fail(c, op, r);
		r = sriov_vgroup_blockers(&g, NULL, 0, who, sizeof(who)) ? -ECANCELED : 0;
		sriov_vgroup_clear(&g);
		if (r < 0)
			return sriov_op_fail(c, op, sriov_err(c->ctx, ECANCELED,
				"%s: IOMMU group %d is not viable after the bind: it also holds %s; sriovctl never unbinds other devices",
				op->d.pci, op->d.group, who));
	}
	return 0;
}

static int finish_bind(struct call *c)
{
	int r = verify_groups(c);

	for (size_t i = 0; r == 0 && c->chown && i < c->n; i++) {
		struct op *op = &c->ops[i];

		r = op->todo ? sriov_vfio_group_chown(c->ctx, op->d.group, c->uid, c->gid)
			     : 0;
		if (r < 0)
			sriov_op_fail(c, op, r);
	}
	if (r == 0 && (r = journal_todo(c, JOURNAL_BOUND)) < 0)
		fail_todo(c, r);
	return r;
}

static int finish_release(struct call *c)
{
	const char **pcis = calloc(c->n, sizeof(*pcis));
	size_t k = 0;
	int r;

	if (!pcis)
		return fail_todo(c, -ENOMEM);
	for (size_t i = 0; i < c->n; i++)
		if (c->ops[i].todo)
			pcis[k++] = c->ops[i].d.pci;
	r = sriov_journal_remove_all(c->ctx, pcis, k);
	free(pcis);
	return r < 0 ? fail_todo(c, r) : 0;
}

/*
 * A release journals every device first, then gives the VFs their
 * settings back (one request per PF) while no host driver has them.
 */
static int release_prepare(struct call *c)
{
	int r = release_begin(c);

	if (r == 0)
		sriov_release_settings(c);
	return r;
}

static int call_execute(struct call *c)
{
	int r = c->release ? release_prepare(c) : bind_prepare(c);

	for (size_t i = 0; r == 0 && i < c->n; i++) {
		struct op *op = &c->ops[i];

		if (!op->todo)
			continue;
		sriov_progress(c->ctx, c->release ? "releasing" : "binding", i,
			       c->n, op->d.pci, NULL);
		r = c->release ? release_one(c, op) : bind_one(c, op);
		if (r < 0)
			sriov_op_fail(c, op, r);
	}
	sriov_progress(c->ctx, NULL, c->n, c->n, NULL, NULL);
	if (r == 0)
		r = c->release ? finish_release(c) : finish_bind(c);
	if (r < 0)
		rollback_all(c);
	else if (c->release)
		sriov_release_mtu(c);
	return r;
}

/* A release leaves alone the bind records of devices not on vfio-pci. */
static void drop_stale_records(struct call *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct journal_entry e;

		if (!c->ops[i].todo &&
		    sriov_journal_read(c->ctx, c->ops[i].d.pci, &e) == 0 &&
		    e.state == JOURNAL_BOUND)
			sriov_journal_remove(c->ctx, c->ops[i].d.pci);
	}
}

/* Each driver a bind moves devices to is there, or loaded (libkmod). */
static int ensure_targets(struct call *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		int r;

		if (!op->todo)
			continue;
		r = sriov_driver_ensure(c->ctx, op->target);
		if (r < 0)
			return sriov_op_fail(c, op, r);
	}
	return 0;
}

static int call_run(struct call *c)
{
	size_t todo = 0;
	int r;

	r = call_check(c);
	for (size_t i = 0; i < c->n; i++)
		todo += c->ops[i].todo;
	if (r < 0 || todo == 0 || c->o.dry_run) {
		if (r == 0 && c->release && !c->o.dry_run)
			drop_stale_records(c);
		if (r == 0 && c->release && c->o.dry_run && todo)
			sriov_release_settings(c);
		/* a dry run names a driver that could not be loaded into such a tree */
		if (r == 0 && !c->release && todo && !c->ctx->live)
			r = ensure_targets(c);
		return r;
	}
	if (!c->release) {
		r = ensure_targets(c);
		if (r < 0)
			return r;
	}
	return call_execute(c);
}

/* A release whose moves worked but whose settings did not all come back. */
static int settings_outcome(struct call *c)
{
	size_t n = 0;
	const char *first = NULL;

	for (size_t i = 0; i < c->n; i++)
		if (c->ops[i].res->settings_failed && n++ == 0)
			first = c->ops[i].res->message;
	if (n == 0)
		return 0;
	return sriov_err(c->ctx, EIO, "%s%s", first ? first : "VF settings not given back",
			 n > 1 ? " (and on other devices)" : "");
}

static char *group_dev(struct sriov_ctx *ctx, int group)
{
	char path[600];

	return sriov_vfio_group_path(ctx, group, false, path, sizeof(path)) == 0
		       ? strdup(path) : NULL;
}

static void call_report(struct call *c, int r)
{
	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		struct sriov_vfio_result *res = op->res;
		struct vdev now = op->d;

		if (sriov_vdev_exists(c->ctx, &now.addr) && sriov_vdev_reload(c->ctx, &now) == 0) {
			if (c->o.dry_run && op->todo && r == 0)
				snprintf(now.driver, sizeof(now.driver), "%s",
					 c->release ? (op->e.driver[0] ? op->e.driver : "")
						    : op->target);
			res->driver_after = now.driver[0] ? strdup(now.driver) : NULL;
		}
		res->changed = c->o.dry_run ? op->todo && r == 0
					    : strcmp(now.driver, op->before) != 0;
		if (!c->release && op->d.group != SRIOV_NO_VALUE &&
		    sriov_driver_is_vfio(c->ctx, now.driver))
			res->group_dev = group_dev(c->ctx, op->d.group);
		c->rep->changed = c->rep->changed || res->changed;
		c->rep->n_failed += res->error != 0;
		/* handles stay valid across a bind: the VF is read in place */
		if (!c->o.dry_run)
			sriov_vf_reload_addr(c->ctx, &op->d.addr);
	}
}

static int call_init(struct call *c, struct sriov_ctx *ctx,
		     const struct sriov_vfio_opts *opts, size_t n, bool release)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->release = release;
	c->o.sz = sizeof(c->o);
	if (opts)
		memcpy(&c->o, opts, opts->sz < sizeof(c->o) ? opts->sz : sizeof(c->o));
	if (c->o.timeout_ms <= 0)
		c->o.timeout_ms = VFIO_DEFAULT_TIMEOUT_MS;
	if (!release && c->o.driver && !sriov_driver_is_vfio(ctx, c->o.driver))
		return sriov_err(ctx, EINVAL,
				 "invalid driver \"%s\": a VFIO driver such as vfio-pci or one of its variants (NAME_vfio_pci)",
				 c->o.driver);
	c->chown = !release && c->o.owner != NULL;
	if (c->chown && sriov_owner_parse(ctx, c->o.owner, &c->uid, &c->gid) < 0)
		return -EINVAL;
	c->ops = calloc(n, sizeof(*c->ops));
	c->locks = calloc(n, sizeof(*c->locks));
	c->lock_fds = calloc(n, sizeof(*c->lock_fds));
	c->rep = calloc(1, sizeof(*c->rep));
	if (c->rep)
		c->rep->devs = calloc(n, sizeof(*c->rep->devs));
	if (!c->ops || !c->locks || !c->lock_fds || !c->rep || !c->rep->devs)
		return -ENOMEM;
	return 0;
}

static int run(struct sriov_ctx *ctx, const struct sriov_pci_addr *devs,
	       size_t n, const struct sriov_vfio_opts *opts, bool release,
	       const struct sriov_vf_config *cfgs,
	       struct sriov_vfio_report **ret_report)
{
	struct call c;
	int r;

	if (!ctx || !devs || n == 0 || !ret_report ||
	    (opts && opts->sz < offsetof(struct sriov_vfio_opts, owner)))
		return -EINVAL;
	r = call_init(&c, ctx, opts, n, release);
	if (r == 0)
		r = call_load(&c, devs, n, cfgs);
	if (r == 0)
		r = call_lock(&c);
	if (r == 0)
		r = call_reload(&c);
	if (r == 0)
		r = call_run(&c);
	if (r == 0 && release)
		r = settings_outcome(&c);
	if (c.rep && c.rep->devs) {
		call_report(&c, r);
		*ret_report = c.rep;
	} else {
		sriov_vfio_report_free(c.rep);
	}
	call_free(&c);
	return r;
}

SRIOV_EXPORT int sriov_vfio_bind(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *devs, size_t n,
				 const struct sriov_vfio_opts *opts,
				 struct sriov_vfio_report **ret_report)
{
	return run(ctx, devs, n, opts, false, NULL, ret_report);
}

SRIOV_EXPORT int sriov_vfio_release(struct sriov_ctx *ctx,
				    const struct sriov_pci_addr *devs, size_t n,
				    const struct sriov_vfio_opts *opts,
				    struct sriov_vfio_report **ret_report)
{
	return run(ctx, devs, n, opts, true, NULL, ret_report);
}

int sriov_vfio_release_with(struct sriov_ctx *ctx,
			    const struct sriov_pci_addr *devs, size_t n,
			    const struct sriov_vfio_opts *opts,
			    const struct sriov_vf_config *cfgs,
			    struct sriov_vfio_report **ret_report)
{
	return run(ctx, devs, n, opts, true, cfgs, ret_report);
}
