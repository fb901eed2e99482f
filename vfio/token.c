/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sriov_vfio_set_vf_token(): the VF token of a PF on vfio-pci. The kernel
 * (vfio_pci_core) gives such a PF a random UUID when it binds, and opens
 * the PF's VFs only for a user that names the same UUID; the PF's own
 * user sets it with VFIO_DEVICE_FEATURE on the PF's device descriptor.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>

#include "vfio_private.h"

#define UUID_BYTES 16

struct token_arg {
	const char *pci;
	const char *uuid;
};

struct token_req {
	struct vfio_device_feature head;
	uint8_t uuid[UUID_BYTES];
};

/* The 16 bytes of a valid UUID in text order, as the kernel's uuid_parse(). */
static void uuid_bytes(const char *text, uint8_t *out)
{
	size_t n = 0;

	for (const char *p = text; *p && n < UUID_BYTES; p++) {
		if (*p == '-')
			continue;
		if (sscanf(p, "%2hhx", &out[n++]) != 1)
			return;
		p++; /* two digits a byte */
	}
}

static int set_token(struct sriov_ctx *ctx, const struct vfio_ops *ops,
		     int device_fd, void *data)
{
	struct token_req req = { .head = {
		.argsz = sizeof(req),
		.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	} };
	const struct token_arg *t = data;
	const char *pci = t->pci;
	int err;

	uuid_bytes(t->uuid, req.uuid);
	if (ops->ioctl(ops->data, device_fd, VFIO_DEVICE_FEATURE, &req) == 0)
		return 0;
	err = errno ? errno : EIO;
	if (err == ENOTTY)
		return sriov_err(ctx, ENOTTY,
				 "%s: the kernel keeps no VF token for this device (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: %s)",
				 pci, strerror(err));
	return sriov_err(ctx, err, "%s: VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: %s",
			 pci, strerror(err));
}

/* A PF (not a VF) on a VFIO driver: only then does the kernel keep a token. */
static int token_holder(struct sriov_ctx *ctx, const struct vdev *d)
{
	if (!d->is_pf || d->vf >= 0)
		return sriov_err(ctx, ECANCELED,
				 "%s is not an SR-IOV PF: only a PF on vfio-pci has a VF token",
				 d->pci);
	if (!sriov_driver_is_vfio(ctx, d->driver))
		return sriov_err(ctx, ECANCELED,
				 "%s is on %s, not vfio-pci: the kernel keeps a VF token only for a PF on vfio-pci (its VFs need none otherwise)",
				 d->pci, d->driver[0] ? d->driver : "no driver");
	return 0;
}

int sriov_vfio_set_vf_token_with(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *pf,
				 const char *vf_token, bool dry_run,
				 const struct vfio_ops *ops)
{
	struct token_arg t = { .uuid = vf_token };
	struct vdev d;
	int r;

	if (!ctx || !pf || !vf_token)
		return -EINVAL;
	if (!sriov_vf_token_valid(vf_token))
		return sriov_err(ctx, EINVAL, "invalid VF token \"%s\": expected a UUID",
				 vf_token);
	r = sriov_vdev_load(ctx, pf, &d);
	if (r == 0)
		r = token_holder(ctx, &d);
	if (r < 0 || dry_run)
		return r;
	t.pci = d.pci;
	r = sriov_vfio_with_device(ctx, &d, d.pci, ops, set_token, &t);
	if (r == -EACCES)
		return sriov_err(ctx, EACCES,
				 "%s: the kernel refused the PF: a VF of it is open, and its token cannot change while VFs are in use",
				 d.pci);
	return r;
}

SRIOV_EXPORT int sriov_vfio_set_vf_token(struct sriov_ctx *ctx,
					 const struct sriov_pci_addr *pf,
					 const char *vf_token, bool dry_run)
{
	return sriov_vfio_set_vf_token_with(ctx, pf, vf_token, dry_run,
					    &sriov_vfio_sys_ops);
}
