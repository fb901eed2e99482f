/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PFs that are not PCI functions. netdevsim, the kernel's simulated
 * network device, offers sriov_numvfs on its own bus and full rtnetlink VF
 * semantics; its VFs have no PCI functions, so they are known by index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sysfs.h"

/* Buses whose devices may carry sriov_numvfs. */
static const char *const other_buses[] = { "netdevsim", NULL };

static int bus_read_int(struct sriov_pf *pf, const char *attr)
{
	char path[SYSFS_PATH_MAX], buf[32];
	unsigned long v;

	if (sriov_sysfs_bus_dev_path(pf->ctx, pf->bus, pf->dev_name, attr, path,
			       sizeof(path)) < 0 ||
	    sriov_sysfs_read(pf->ctx, path, buf, sizeof(buf), true) < 0 ||
	    sriov_parse_uint(buf, 10, 0x7fffffff, &v) < 0)
		return SRIOV_NO_VALUE;
	return (int)v;
}

static int bus_strings(struct sriov_pf *pf)
{
	char path[SYSFS_PATH_MAX], name[256];
	int r;

	r = sriov_sysfs_bus_dev_path(pf->ctx, pf->bus, pf->dev_name, "driver", path,
			       sizeof(path));
	if (r == 0 && sriov_sysfs_readlink_name(pf->ctx, path, name, sizeof(name)) == 0)
		pf->driver = strdup(name);
	if (r == 0)
		r = sriov_sysfs_bus_dev_path(pf->ctx, pf->bus, pf->dev_name, "net", path,
				       sizeof(path));
	if (r == 0)
		r = sriov_sysfs_list(pf->ctx, path, &pf->netdevs, NULL);
	if (r == -ENOENT) {
		pf->netdevs = calloc(1, sizeof(char *));
		r = pf->netdevs ? 0 : -ENOMEM;
	}
	pf->info.driver = pf->driver;
	pf->info.netdevs = (const char *const *)pf->netdevs;
	return r;
}

static int bus_vfs(struct sriov_pf *pf)
{
	size_t n = pf->info.num_vfs > 0 ? (size_t)pf->info.num_vfs : 0;

	pf->vfs = calloc(n ? n : 1, sizeof(*pf->vfs));
	if (!pf->vfs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++, pf->n_vfs++) {
		struct sriov_vf *vf = calloc(1, sizeof(*vf));

		if (!vf)
			return -ENOMEM;
		vf->pf = pf;
		vf->info.index = (unsigned int)i;
		vf->info.iommu_group = SRIOV_NO_VALUE;
		vf->info.numa_node = SRIOV_NO_VALUE;
		pf->vfs[i] = vf;
	}
	return 0;
}

int sriov_pf_load_bus(struct sriov_ctx *ctx, const char *bus,
		      const char *dev_name, struct sriov_pf **ret_pf)
{
	struct sriov_pf *pf;
	int r;

	if (!sriov_name_valid(bus) || !sriov_name_valid(dev_name) ||
	    strlen(bus) >= sizeof(pf->bus) || strlen(dev_name) >= sizeof(pf->dev_name))
		return sriov_err(ctx, EINVAL, "invalid device %s/%s", bus, dev_name);
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->ctx = ctx;
	strcpy(pf->bus, bus);
	strcpy(pf->dev_name, dev_name);
	pf->info.bus = pf->bus;
	pf->info.dev_name = pf->dev_name;
	pf->info.num_vfs = bus_read_int(pf, "sriov_numvfs");
	if (pf->info.num_vfs == SRIOV_NO_VALUE) {
		sriov_pf_free(pf);
		return sriov_err(ctx, EINVAL, "%s is not an SR-IOV device", dev_name);
	}
	pf->info.total_vfs = bus_read_int(pf, "sriov_totalvfs");
	pf->info.drivers_autoprobe = SRIOV_NO_VALUE;
	pf->info.vf_device_id = pf->info.vf_offset = pf->info.vf_stride =
		pf->info.vf_total_msix = SRIOV_NO_VALUE;
	pf->info.numa_node = pf->info.iommu_group = SRIOV_NO_VALUE;
	pf->names_loaded = true;
	r = bus_strings(pf);
	if (r == 0)
		r = bus_vfs(pf);
	if (r < 0) {
		sriov_pf_free(pf);
		return r;
	}
	*ret_pf = pf;
	return 0;
}

int sriov_pf_get_bus(struct sriov_ctx *ctx, const char *bus,
		     const char *dev_name, struct sriov_pf **ret_pf)
{
	struct sriov_pf *pf;
	int r;

	for (size_t i = 0; i < ctx->n_pfs; i++)
		if (!strcmp(ctx->pfs[i]->bus, bus) &&
		    !strcmp(ctx->pfs[i]->dev_name, dev_name)) {
			*ret_pf = ctx->pfs[i];
			return 0;
		}
	r = sriov_pf_load_bus(ctx, bus, dev_name, &pf);
	if (r == 0)
		r = sriov_ctx_add_pf(ctx, pf);
	if (r < 0)
		return r;
	*ret_pf = pf;
	return 0;
}

/* Adds every SR-IOV device of the other buses to the context's PFs. */
int sriov_scan_other_buses(struct sriov_ctx *ctx)
{
	for (const char *const *bus = other_buses; *bus; bus++) {
		char path[SYSFS_PATH_MAX], **names;
		const char *comps[] = { "bus", *bus, "devices", NULL };
		int r = sriov_sysfs_join(ctx, path, sizeof(path), comps);

		if (r < 0)
			return r;
		if (sriov_sysfs_list(ctx, path, &names, NULL) < 0)
			continue;
		for (char **n = names; *n; n++) {
			struct sriov_pf *pf;
			char attr[SYSFS_PATH_MAX];

			if (sriov_sysfs_bus_dev_path(ctx, *bus, *n, "sriov_numvfs", attr,
					       sizeof(attr)) == 0 &&
			    sriov_sysfs_exists(ctx, attr) &&
			    sriov_pf_get_bus(ctx, *bus, *n, &pf) < 0) {
				sriov_sysfs_names_free(names);
				return -EIO;
			}
		}
		sriov_sysfs_names_free(names);
	}
	return 0;
}
