/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sriov_recover(): replays the journal after a crash. A bind caught in
 * the middle goes back to the original driver (its group was never
 * proven viable); a release caught in the middle is completed (the user
 * wanted the device back on the host). Either way the device ends on a
 * driver the journal names, never driverless by accident.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

#define SETTABLE                                                              \
	(SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_MIN_TX_RATE |    \
	 SRIOV_VF_HAS_MAX_TX_RATE | SRIOV_VF_HAS_SPOOFCHK |                   \
	 SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_LINK_STATE)

SRIOV_EXPORT void sriov_recover_report_free(struct sriov_recover_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		free((char *)rep->entries[i].driver);
		free((char *)rep->entries[i].message);
	}
	free(rep->entries);
	free(rep);
}

static void set_message(struct sriov_recover_result *res, const char *msg)
{
	free((char *)res->message);
	res->message = msg && *msg ? strdup(msg) : NULL;
}

static int fail(struct sriov_ctx *ctx, struct sriov_recover_result *res, int r)
{
	res->error = r;
	set_message(res, sriov_ctx_last_error(ctx));
	return r;
}

/*
 * The VF settings journaled before the bind, put back where the driver
 * changed them. Runs without the PF lock, which the settings code takes.
 */
static void restore_settings(struct sriov_ctx *ctx, const struct vdev *d,
			     const struct journal_entry *e,
			     struct sriov_recover_result *res)
{
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config want = e->config;
	struct sriov_vf *vf = sriov_vdev_vf_handle(ctx, d);
	char msg[SRIOV_ERRBUF_LEN];

	want.mask &= SETTABLE;
	if (!e->has_config || !want.mask || !vf ||
	    sriov_pf_read_vf_config(sriov_vf_get_pf(vf), false) < 0) {
		set_error_text(ctx, "");
		return;
	}
	if (sriov_vf_set_config(&vf, &want, 1, false, &rep) < 0) {
		snprintf(msg, sizeof(msg), "VF settings not restored: %s",
			 sriov_ctx_last_error(ctx));
		set_message(res, msg);
		return;
	}
	if (rep->n_failed)
		set_message(res, "some VF settings could not be restored");
	res->changed = res->changed || rep->vfs[0].changed;
	sriov_vf_change_report_free(rep);
}

static int replay(struct sriov_ctx *ctx, struct vdev *d,
		  const struct journal_entry *e, bool dry_run, int lock_fd,
		  struct sriov_recover_result *res)
{
	struct xfer x = { .ctx = ctx, .timeout_ms = VFIO_DEFAULT_TIMEOUT_MS,
			  .lock_fd = lock_fd };
	bool in_place = !strcmp(d->driver, e->driver) &&
			!strcmp(d->override, e->override);
	int r;

	if (e->state == JOURNAL_BOUND) {
		bool vfio = sriov_driver_is_vfio(ctx, d->driver);

		res->action = vfio ? "keep" : "drop";
		if (!vfio && !dry_run)
			return sriov_journal_remove(ctx, d->pci);
		return 0;
	}
	res->action = e->state == JOURNAL_BINDING ? "restore" : "release";
	res->changed = !in_place || e->default_match;
	if (dry_run)
		return 0;
	r = sriov_drv_restore(&x, d, e);
	if (r == 0)
		r = sriov_journal_remove(ctx, d->pci);
	return r;
}

/*
 * An entry is acted on only when it describes the device as it is: the
 * VF it names of the PF it names (or, for another device, no VF at all,
 * locked by itself), and for a change caught in the middle, a device on
 * the driver the entry names, on vfio-pci or on none. Anything else was
 * not written by sriovctl for this device.
 */
static int entry_trusted(struct sriov_ctx *ctx, const struct journal_entry *e,
			 const struct vdev *d)
{
	const char *why = NULL;

	if (e->vf >= 0 && (strcmp(d->pf, e->lock) != 0 || d->vf != e->vf))
		why = "it is not that VF of that PF";
	else if (e->vf < 0 && (d->pf[0] || strcmp(e->lock, e->pci) != 0))
		why = "it names no VF, but the device is one";
	else if (e->state != JOURNAL_BOUND && d->driver[0] &&
		 strcmp(d->driver, e->driver) != 0 &&
		 !sriov_driver_is_vfio(ctx, d->driver))
		why = "the device is on a driver the entry does not name";
	if (!why)
		return 0;
	return sriov_err(ctx, EPERM,
			 "journal entry of %s does not match the device (%s): left alone; check the device by hand and remove the entry",
			 d->pci, why);
}

static int read_entry(struct sriov_ctx *ctx, const char *pci,
		      struct journal_entry *e, struct sriov_recover_result *res)
{
	int r = sriov_journal_read(ctx, pci, e);

	if (r == 0)
		res->state = sriov_journal_state_name(e->state);
	else if (r == -ENOENT)
		res->action = "none"; /* handled meanwhile by another process */
	else
		res->state = "damaged";
	return r;
}

int sriov_recover_entry(struct sriov_ctx *ctx, const char *pci, bool dry_run,
		  struct sriov_recover_result *res)
{
	struct journal_entry e;
	struct sriov_pci_addr lock, a;
	struct vdev d;
	int lock_fd = -1, r;

	snprintf(res->pci, sizeof(res->pci), "%s", pci);
	res->action = "none";
	r = read_entry(ctx, pci, &e, res);
	if (r == 0 && (sriov_pci_addr_parse(e.lock, &lock) < 0 ||
		       sriov_pci_addr_parse(pci, &a) < 0))
		r = sriov_err(ctx, EINVAL, "journal entry %s: bad address", pci);
	if (r == 0)
		r = sriov_lock_pf(ctx, &lock, &lock_fd);
	/* read again under the lock: the entry may have changed meanwhile */
	if (r == 0)
		r = read_entry(ctx, pci, &e, res);
	if (r == 0 && !sriov_vdev_exists(ctx, &a)) {
		res->action = "drop";
		r = dry_run ? 0 : sriov_journal_remove(ctx, pci);
		sriov_unlock(lock_fd);
		return r < 0 ? fail(ctx, res, r) : 0;
	}
	if (r == 0)
		r = sriov_vdev_load(ctx, &a, &d);
	if (r == 0)
		r = entry_trusted(ctx, &e, &d);
	if (r == 0)
		r = replay(ctx, &d, &e, dry_run, lock_fd, res);
	sriov_unlock(lock_fd);
	if (r == -ENOENT && !strcmp(res->action, "none"))
		return 0;
	if (r < 0)
		return fail(ctx, res, r);
	if (sriov_vdev_reload(ctx, &d) == 0 && d.driver[0])
		res->driver = strdup(d.driver);
	if (!dry_run && e.state != JOURNAL_BOUND)
		restore_settings(ctx, &d, &e, res);
	if (!dry_run)
		sriov_vf_reload_addr(ctx, &d.addr);
	return 0;
}

SRIOV_EXPORT int sriov_recover(struct sriov_ctx *ctx, bool dry_run,
			       struct sriov_recover_report **ret_report)
{
	struct sriov_recover_report *rep;
	char **names = NULL;
	size_t n = 0;
	int r, first = 0;

	if (!ctx || !ret_report)
		return -EINVAL;
	r = sriov_journal_list(ctx, &names, &n);
	if (r < 0)
		return r;
	rep = calloc(1, sizeof(*rep));
	if (rep)
		rep->entries = calloc(n ? n : 1, sizeof(*rep->entries));
	if (!rep || !rep->entries) {
		sriov_sysfs_names_free(names);
		free(rep);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++, rep->n++) {
		struct sriov_recover_result *res = &rep->entries[i];

		r = sriov_recover_entry(ctx, names[i], dry_run, res);
		first = first ? first : r;
		rep->n_failed += res->error != 0;
		rep->changed = rep->changed || res->changed;
	}
	sriov_sysfs_names_free(names);
	for (size_t i = 0; first && i < rep->n; i++)
		if (rep->entries[i].message) {
			set_error_text(ctx, rep->entries[i].message);
			break;
		}
	*ret_report = rep;
	return first;
}
