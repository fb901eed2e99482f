/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Any PCI device, as the binding code needs it: driver, role, group. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

static int read_link_or_empty(struct sriov_ctx *ctx,
			      const struct sriov_pci_addr *a, const char *link,
			      char *buf, size_t size)
{
	int r = sriov_sysfs_dev_link_name(ctx, a, link, buf, size);

	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

static int read_override(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
			 char *buf, size_t size)
{
	int r = sriov_sysfs_dev_read(ctx, a, "driver_override", buf, size, true);

	if (r == -ENOENT || (r >= 0 && !strcmp(buf, "(null)")))
		buf[0] = '\0';
	else if (r < 0)
		return r;
	else if (!sriov_name_valid(buf))
		return sriov_err(ctx, EINVAL, "unexpected driver_override \"%s\"",
				 buf);
	return 0;
}

int sriov_vdev_reload(struct sriov_ctx *ctx, struct vdev *d)
{
	int r = read_link_or_empty(ctx, &d->addr, "driver", d->driver,
				   sizeof(d->driver));

	return r < 0 ? r : read_override(ctx, &d->addr, d->override,
					 sizeof(d->override));
}

bool sriov_vdev_exists(struct sriov_ctx *ctx, const struct sriov_pci_addr *a)
{
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_dev_path(ctx, a, NULL, path, sizeof(path)) == 0 &&
	       sriov_sysfs_exists(ctx, path);
}

/* The VF's number: which of its PF's virtfnN links points to it. */
static int find_vf_index(struct sriov_ctx *ctx, struct vdev *d,
			 const struct sriov_pci_addr *pf)
{
	int n = 0;

	if (sriov_sysfs_dev_read_int(ctx, pf, "sriov_numvfs", 10, &n) < 0)
		n = 0;
	for (int i = 0; i < n; i++) {
		char link[32], name[64];

		snprintf(link, sizeof(link), "virtfn%d", i);
		if (sriov_sysfs_dev_link_name(ctx, pf, link, name, sizeof(name)) == 0 &&
		    !strcmp(name, d->pci)) {
			d->vf = i;
			return 0;
		}
	}
	return sriov_err(ctx, ENODEV, "%s is not among the VFs of %s", d->pci,
			 d->pf);
}

static int load_role(struct sriov_ctx *ctx, struct vdev *d)
{
	struct sriov_pci_addr pf;
	char name[64];
	int r = read_link_or_empty(ctx, &d->addr, "physfn", name, sizeof(name));

	if (r < 0)
		return r;
	if (!name[0]) {
		char path[SYSFS_PATH_MAX];

		d->is_pf = sriov_sysfs_dev_path(ctx, &d->addr, "sriov_totalvfs", path,
					  sizeof(path)) == 0 &&
			   sriov_sysfs_exists(ctx, path);
		if (d->is_pf &&
		    sriov_sysfs_dev_read_int(ctx, &d->addr, "sriov_numvfs", 10,
				       &d->num_vfs) < 0)
			d->num_vfs = 0;
		return 0;
	}
	if (sriov_pci_addr_parse(name, &pf) < 0)
		return sriov_err(ctx, EINVAL, "%s: unexpected physfn %s", d->pci,
				 name);
	sriov_pci_addr_format(&pf, d->pf);
	memcpy(d->lock, d->pf, sizeof(d->lock));
	return find_vf_index(ctx, d, &pf);
}

static void load_netdev(struct sriov_ctx *ctx, struct vdev *d)
{
	char path[SYSFS_PATH_MAX], **names = NULL;

	d->netdev[0] = '\0';
	if (sriov_sysfs_dev_path(ctx, &d->addr, "net", path, sizeof(path)) < 0 ||
	    sriov_sysfs_list(ctx, path, &names, NULL) < 0)
		return;
	if (names[0] && strlen(names[0]) < sizeof(d->netdev))
		strcpy(d->netdev, names[0]);
	sriov_sysfs_names_free(names);
}

static int load_group(struct sriov_ctx *ctx, struct vdev *d)
{
	char name[32];
	unsigned long v;
	int r = read_link_or_empty(ctx, &d->addr, "iommu_group", name,
				   sizeof(name));

	d->group = SRIOV_NO_VALUE;
	if (r < 0 || !name[0])
		return r;
	if (sriov_parse_uint(name, 10, 0x7fffffff, &v) < 0)
		return sriov_err(ctx, EINVAL, "%s: unexpected iommu_group %s",
				 d->pci, name);
	d->group = (int)v;
	return 0;
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
		r = load_group(ctx, &d);
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

static void replace(char **field, const char *value)
{
	char *s = value[0] ? strdup(value) : NULL;

	free(*field);
	*field = s;
}

/*
 * Handles stay valid across a bind: their driver fields are updated in
 * place instead of reloading the PF, which would free every VF handle.
 */
void sriov_vdev_refresh_handle(struct sriov_ctx *ctx, const struct vdev *d)
{
	struct sriov_vf *vf = NULL;
	struct vdev now = *d;

	for (size_t i = 0; i < ctx->n_pfs && !vf; i++) {
		struct sriov_pf *pf = ctx->pfs[i];

		for (size_t j = 0; j < pf->n_vfs && !vf; j++)
			if (pf->vfs[j] &&
			    !sriov_pci_addr_cmp(&pf->vfs[j]->info.addr, &d->addr))
				vf = pf->vfs[j];
	}
	if (!vf || sriov_vdev_reload(ctx, &now) < 0)
		return;
	load_netdev(ctx, &now);
	replace(&vf->driver, now.driver);
	replace(&vf->driver_override, now.override);
	replace(&vf->netdev, now.netdev);
	vf->info.driver = vf->driver;
	vf->info.driver_override = vf->driver_override;
	vf->info.netdev = vf->netdev;
}
