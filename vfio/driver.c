/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Driver binding through the PCI core's files: driver_override, a
 * driver's unbind and bind, and the bus's drivers_probe. Never new_id:
 * it would make the driver claim every device with that ID.
 *
 * On a VF whose PF has sriov_drivers_autoprobe=0 the kernel probes only
 * when driver_override names a driver (pci_device_can_probe()), and a
 * driver's bind file fails with ENODEV otherwise: binds name the driver
 * in driver_override first, or fall back to doing so.
 */
#include <stdio.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

/* After a timed-out write: nothing more is done to the device. */
static int in_flight(struct xfer *x, const struct vdev *d, const char *what)
{
	char why[SRIOV_ERRBUF_LEN];

	x->in_flight = true;
	snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(x->ctx));
	return sriov_err(x->ctx, ETIMEDOUT,
			 "%s: cannot %s: %s; %s stays journaled and locked until the write is done, then \"sriovctl recover\" finishes the change",
			 d->pci, what, why, d->pci);
}

static int write_file(struct xfer *x, const struct vdev *d,
		      const char *const *comps, const char *value,
		      const char *what)
{
	char path[SYSFS_PATH_MAX];
	int r = sriov_sysfs_join(x->ctx, path, sizeof(path), comps);

	if (r == 0)
		r = sriov_sysfs_write_bounded(x->ctx, path, value, x->timeout_ms,
					x->lock_fd);
	if (r == -ETIMEDOUT)
		return in_flight(x, d, what);
	if (r < 0)
		return sriov_err(x->ctx, -r, "%s: cannot %s: %s", d->pci, what,
				 strerror(-r));
	return 0;
}

int sriov_drv_set_override(struct xfer *x, struct vdev *d, const char *driver)
{
	const char *comps[] = { "bus", "pci", "devices", d->pci,
				"driver_override", NULL };
	char what[128];

	snprintf(what, sizeof(what), "set driver_override to %s",
		 driver[0] ? driver : "(null)");
	/* a lone newline clears it; it then reads back "(null)" */
	return write_file(x, d, comps, driver[0] ? driver : "\n", what);
}

int sriov_drv_unbind(struct xfer *x, struct vdev *d, const char *driver)
{
	const char *comps[] = { "bus", "pci", "drivers", driver, "unbind",
				NULL };
	char what[128];

	snprintf(what, sizeof(what), "unbind from %s", driver);
	return write_file(x, d, comps, d->pci, what);
}

int sriov_drv_probe(struct xfer *x, struct vdev *d)
{
	const char *comps[] = { "bus", "pci", "drivers_probe", NULL };

	return write_file(x, d, comps, d->pci, "write drivers_probe");
}

int sriov_drv_bind(struct xfer *x, struct vdev *d, const char *driver)
{
	const char *comps[] = { "bus", "pci", "drivers", driver, "bind", NULL };
	char what[128];

	snprintf(what, sizeof(what), "bind to %s", driver);
	return write_file(x, d, comps, d->pci, what);
}

int sriov_drv_reset(struct xfer *x, struct vdev *d)
{
	const char *comps[] = { "bus", "pci", "devices", d->pci, "reset", NULL };
	char path[SYSFS_PATH_MAX];

	if (sriov_sysfs_join(x->ctx, path, sizeof(path), comps) == 0 &&
	    !sriov_sysfs_exists(x->ctx, path))
		return sriov_err(x->ctx, EOPNOTSUPP,
				 "%s: cannot reset it: the kernel knows no reset method for it (no reset attribute)",
				 d->pci);
	return write_file(x, d, comps, "1", "reset it");
}

static int reload(struct xfer *x, struct vdev *d, int r)
{
	return r < 0 ? r : sriov_vdev_reload(x->ctx, d);
}

int sriov_drv_to_vfio(struct xfer *x, struct vdev *d, const char *driver)
{
	int r = sriov_vdev_reload(x->ctx, d);

	if (r == 0)
		r = sriov_drv_set_override(x, d, driver);
	if (r == 0 && d->driver[0] && strcmp(d->driver, driver) != 0)
		r = reload(x, d, sriov_drv_unbind(x, d, d->driver));
	if (r == 0 && !d->driver[0])
		r = reload(x, d, sriov_drv_probe(x, d));
	/* drivers_probe did not honour the override */
	if (r == 0 && !d->driver[0])
		r = reload(x, d, sriov_drv_bind(x, d, driver));
	if (r == 0 && strcmp(d->driver, driver) != 0)
		r = sriov_err(x->ctx, EIO, "%s: still on %s after binding it to %s",
			      d->pci, d->driver[0] ? d->driver : "no driver", driver);
	return r;
}

/* Binds to target when probing did not, naming it in driver_override if need be. */
static int bind_exact(struct xfer *x, struct vdev *d, const char *target,
		      const char *override)
{
	int r = 0, r2;

	if (d->driver[0])
		r = reload(x, d, sriov_drv_unbind(x, d, d->driver));
	if (r == 0)
		r = sriov_drv_bind(x, d, target);
	if (r == -ENODEV || r == -EINVAL) {
		r = sriov_drv_set_override(x, d, target);
		if (r == 0)
			r = sriov_drv_bind(x, d, target);
		r2 = sriov_drv_set_override(x, d, override);
		r = r < 0 ? r : r2;
	}
	return reload(x, d, r);
}

/* The driver to go back to is there, or loaded now; else nothing is touched. */
static int target_available(struct xfer *x, const struct vdev *d,
			    const char *want)
{
	char why[SRIOV_ERRBUF_LEN];
	int r = sriov_driver_ensure_for(x->ctx, want, &d->addr);

	if (r == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(x->ctx));
	return sriov_err(x->ctx, -r,
			 "%s: cannot go back to %s: %s; left on %s, untouched",
			 d->pci, want, why, d->driver[0] ? d->driver : "no driver");
}

int sriov_drv_restore(struct xfer *x, struct vdev *d, const struct journal_entry *e)
{
	const char *want = e->driver;
	int r = sriov_vdev_reload(x->ctx, d);

	if (r == 0 && want[0] && strcmp(d->driver, want) != 0)
		r = target_available(x, d, want);
	if (r == 0)
		r = sriov_drv_set_override(x, d, e->override);
	if (r == 0 && d->driver[0] && strcmp(d->driver, want) != 0)
		r = reload(x, d, sriov_drv_unbind(x, d, d->driver));
	if (r == 0 && !d->driver[0] && (want[0] || e->default_match))
		r = reload(x, d, sriov_drv_probe(x, d));
	if (r == 0 && want[0] && strcmp(d->driver, want) != 0)
		r = bind_exact(x, d, want, e->override);
	if (r == 0 && want[0] && strcmp(d->driver, want) != 0)
		r = sriov_err(x->ctx, EIO, "%s: on %s instead of %s after restoring it",
			      d->pci, d->driver[0] ? d->driver : "no driver",
			      want);
	return r;
}
