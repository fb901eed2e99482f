/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Any PCI device, as the binding code needs it: driver, role, group. */
#include <stdio.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

/*
 * The driver and driver_override, through the core's readers. The
 * override is journaled and written back later: it must be a plain name.
 */
int sriov_vdev_reload(struct sriov_ctx *ctx, struct vdev *d)
{
	int r = sriov_dev_read_driver(ctx, &d->addr, d->driver,
				      sizeof(d->driver));

	if (r == 0)
		r = sriov_dev_read_override(ctx, &d->addr, d->override,
					    sizeof(d->override));
	if (r == 0 && d->override[0] && !sriov_name_valid(d->override))
		r = sriov_err(ctx, EINVAL, "unexpected driver_override \"%s\"",
			      d->override);
	return r;
}

bool sriov_vdev_exists(struct sriov_ctx *ctx, const struct sriov_pci_addr *a)
{
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_dev_path(ctx, a, NULL, path, sizeof(path)) == 0 &&
	       sriov_sysfs_exists(ctx, path);
}

static bool is_virtfn(struct sriov_ctx *ctx, const struct sriov_pci_addr *pf,
		      int i, const char *pci)
{
	char link[32], name[64];

	snprintf(link, sizeof(link), "virtfn%d", i);
	return sriov_sysfs_dev_link_name(ctx, pf, link, name, sizeof(name)) == 0 &&
	       !strcmp(name, pci);
}

static int routing_id(const struct sriov_pci_addr *a)
{
	return a->bus << 8 | a->slot << 3 | a->function;
}

/*
 * The VF number its routing ID gives (PF's + offset + stride * N, as the
 * SR-IOV capability places VFs), or -1 when that does not add up.
 */
static int vf_index_by_rid(struct sriov_ctx *ctx, const struct sriov_pci_addr *vf,
			   const struct sriov_pci_addr *pf)
{
	int offset, stride, delta = routing_id(vf) - routing_id(pf);

	if (vf->domain != pf->domain ||
	    sriov_sysfs_dev_read_int(ctx, pf, "sriov_offset", 10, &offset) < 0 ||
	    sriov_sysfs_dev_read_int(ctx, pf, "sriov_stride", 10, &stride) < 0 ||
	    stride <= 0 || delta < offset || (delta - offset) % stride)
		return -1;
	return (delta - offset) / stride;
}

/*
 * The VF's number: which of its PF's virtfnN links points to it; the
 * one its routing ID names is tried first, the others only when that
 * link points elsewhere.
 */
static int find_vf_index(struct sriov_ctx *ctx, struct vdev *d,
			 const struct sriov_pci_addr *pf)
{
	int n = 0, guess = vf_index_by_rid(ctx, &d->addr, pf);

	if (guess >= 0 && is_virtfn(ctx, pf, guess, d->pci)) {
		d->vf = guess;
		set_error_text(ctx, "");
		return 0;
	}
	if (sriov_sysfs_dev_read_int(ctx, pf, "sriov_numvfs", 10, &n) < 0)
		n = 0;
	for (int i = 0; i < n; i++)
		if (i != guess && is_virtfn(ctx, pf, i, d->pci)) {
			d->vf = i;
			return 0;
		}
	return sriov_err(ctx, ENODEV, "%s is not among the VFs of %s", d->pci,
			 d->pf);
}

/* Neither a VF nor, without sriov_totalvfs, a PF. */
static void load_pf_role(struct sriov_ctx *ctx, struct vdev *d)
{
	char path[SYSFS_PATH_MAX];

	d->is_pf = sriov_sysfs_dev_path(ctx, &d->addr, "sriov_totalvfs", path,
					sizeof(path)) == 0 &&
		   sriov_sysfs_exists(ctx, path);
	if (d->is_pf &&
	    sriov_sysfs_dev_read_int(ctx, &d->addr, "sriov_numvfs", 10,
				     &d->num_vfs) < 0)
		d->num_vfs = 0;
}

static int load_role(struct sriov_ctx *ctx, struct vdev *d)
{
	struct sriov_pci_addr pf;
	char name[64];
	int r = sriov_sysfs_dev_link_name(ctx, &d->addr, "physfn", name,
					  sizeof(name));

	if (r == -ENOENT) {
		load_pf_role(ctx, d);
		return 0;
	}
	if (r < 0)
		return r;
	if (sriov_pci_addr_parse(name, &pf) < 0)
		return sriov_err(ctx, EINVAL, "%s: unexpected physfn %s", d->pci,
				 name);
	sriov_pci_addr_format(&pf, d->pf);
	memcpy(d->lock, d->pf, sizeof(d->lock));
	return find_vf_index(ctx, d, &pf);
}

static void load_netdev(struct sriov_ctx *ctx, struct vdev *d)
{
	char **names = NULL;

	d->netdev[0] = '\0';
	if (sriov_dev_read_netdevs(ctx, &d->addr, &names) < 0)
		return;
	if (names[0] && strlen(names[0]) < sizeof(d->netdev))
		strcpy(d->netdev, names[0]);
	sriov_sysfs_names_free(names);
}

int sriov_vdev_load(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
	      struct vdev *ret)
{
	struct vdev d = { .addr = *a, .vf = -1 };
	int cls = 0, r;

	sriov_pci_addr_format(a, d.pci);
	memcpy(d.lock, d.pci, sizeof(d.lock));
	if (!sriov_vdev_exists(ctx, a))
		return sriov_err(ctx, ENODEV, "no PCI device %s", d.pci);
	r = sriov_vdev_reload(ctx, &d);
	if (r == 0)
		r = load_role(ctx, &d);
	if (r == 0)
		r = sriov_dev_read_iommu_group(ctx, a, &d.group);
	if (r < 0)
		return r;
	if (sriov_sysfs_dev_read_int(ctx, a, "class", 16, &cls) == 0)
		d.class_code = (uint32_t)cls;
	load_netdev(ctx, &d);
	*ret = d;
	return 0;
}

struct sriov_vf *sriov_vdev_vf_handle(struct sriov_ctx *ctx, const struct vdev *d)
{
	struct sriov_vf *vf;

	if (d->vf < 0 || sriov_vf_find(ctx, d->pci, &vf) < 0)
		return NULL;
	return vf;
}
