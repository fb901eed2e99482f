/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU groups as the kernel lists them in kernel/iommu_groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sysfs.h"
#include "iommu.h"

static void group_free(struct sriov_iommu_group *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->info.n_members; i++)
		free((char *)g->members[i].driver);
	free(g->members);
	free(g->type);
	free(g);
}

void sriov_iommu_reset(struct sriov_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_groups; i++)
		group_free(ctx->groups[i]);
	free(ctx->groups);
	ctx->groups = NULL;
	ctx->n_groups = 0;
	ctx->groups_scanned = false;
}

int sriov_vfio_group_path(const struct sriov_ctx *ctx, int group,
			  bool noiommu, char *buf, size_t size)
{
	int n;

	if (group < 0)
		return -EINVAL;
	n = snprintf(buf, size, "%s/vfio/%s%d", ctx->dev_root,
		     noiommu ? "noiommu-" : "", group);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int sriov_vfio_group_node(const struct sriov_ctx *ctx, int group, char *buf,
			  size_t size)
{
	int r = sriov_vfio_group_path(ctx, group, false, buf, size);

	if (r < 0 || access(buf, F_OK) == 0)
		return r;
	r = sriov_vfio_group_path(ctx, group, true, buf, size);
	if (r == 0 && access(buf, F_OK) == 0)
		return 0;
	return sriov_vfio_group_path(ctx, group, false, buf, size);
}

SRIOV_EXPORT bool sriov_iommu_enabled(struct sriov_ctx *ctx)
{
	char **names;
	size_t n = 0;

	if (sriov_sysfs_list(ctx, "class/iommu", &names, &n) < 0)
		return false;
	sriov_sysfs_names_free(names);
	return n > 0;
}

/* The members as sriov_vgroup_load() reads them, plus the group's type. */
static int group_load(struct sriov_ctx *ctx, int id,
		      struct sriov_iommu_group **ret)
{
	char num[16], path[SYSFS_PATH_MAX], type[64];
	const char *tp[] = { "kernel", "iommu_groups", num, "type", NULL };
	struct sriov_iommu_group *g;
	struct vgroup vg;
	int r = sriov_vgroup_load(ctx, id, &vg);

	if (r < 0)
		return r;
	g = calloc(1, sizeof(*g));
	if (!g) {
		sriov_vgroup_clear(&vg);
		return -ENOMEM;
	}
	g->members = vg.members;
	g->info.n_members = vg.n;
	snprintf(num, sizeof(num), "%d", id);
	if (sriov_sysfs_join(ctx, path, sizeof(path), tp) == 0 &&
	    sriov_sysfs_read(ctx, path, type, sizeof(type), true) >= 0)
		g->type = strdup(type);
	g->info.id = id;
	g->info.type = g->type;
	g->info.members = g->members;
	*ret = g;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static int list_group_ids(struct sriov_ctx *ctx, int **ret_ids, size_t *ret_n)
{
	char **names;
	size_t n = 0, k = 0;
	int *ids, r;

	r = sriov_sysfs_list(ctx, "kernel/iommu_groups", &names, &n);
	if (r == -ENOENT)
		n = 0, names = NULL;
	else if (r < 0)
		return r;
	ids = malloc((n ? n : 1) * sizeof(*ids));
	for (size_t i = 0; ids && i < n; i++) {
		unsigned long v;

		if (sriov_parse_uint(names[i], 10, 0x7fffffff, &v) == 0)
			ids[k++] = (int)v;
	}
	sriov_sysfs_names_free(names);
	if (!ids)
		return -ENOMEM;
	qsort(ids, k, sizeof(*ids), cmp_int);
	*ret_ids = ids;
	*ret_n = k;
	return 0;
}

SRIOV_EXPORT int sriov_iommu_group_list(struct sriov_ctx *ctx,
					struct sriov_iommu_group *const **ret_groups,
					size_t *ret_count)
{
	_cleanup_free_ int *ids = NULL;
	size_t n;
	int r;

	if (!ctx || !ret_groups || !ret_count)
		return -EINVAL;
	if (!ctx->groups_scanned) {
		sriov_iommu_reset(ctx);
		r = list_group_ids(ctx, &ids, &n);
		if (r < 0)
			return r;
		ctx->groups = calloc(n ? n : 1, sizeof(*ctx->groups));
		if (!ctx->groups)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++, ctx->n_groups++) {
			r = group_load(ctx, ids[i], &ctx->groups[i]);
			if (r < 0) {
				sriov_iommu_reset(ctx);
				return r;
			}
		}
		ctx->groups_scanned = true;
	}
	*ret_groups = ctx->groups;
	*ret_count = ctx->n_groups;
	return 0;
}

/* The PCI address of a device named by address, PF name or "PF#N". */
static int device_addr(struct sriov_ctx *ctx, const char *name,
		       struct sriov_pci_addr *ret)
{
	struct sriov_vf *vf;
	struct sriov_pf *pf;
	int r;

	if (sriov_pci_addr_parse(name, ret) == 0)
		return 0;
	if (!strchr(name, '#') && sriov_ifname_valid(name)) {
		/* any PCI network interface, PF or VF */
		const char *comps[] = { "class", "net", name, "device", NULL };
		char path[SYSFS_PATH_MAX], dev[64];

		if (sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0 &&
		    sriov_sysfs_readlink_name(ctx, path, dev, sizeof(dev)) == 0 &&
		    sriov_pci_addr_parse(dev, ret) == 0)
			return 0;
	}
	if (strchr(name, '#')) {
		r = sriov_vf_find(ctx, name, &vf);
		if (r == 0)
			*ret = vf->info.addr;
	} else {
		r = sriov_pf_find(ctx, name, &pf);
		if (r == 0)
			*ret = pf->info.addr;
	}
	return r;
}

static int device_group(struct sriov_ctx *ctx, const char *name, int *ret)
{
	char pci[SRIOV_PCI_ADDR_STRLEN], path[SYSFS_PATH_MAX];
	struct sriov_pci_addr a;
	int group, r;

	r = device_addr(ctx, name, &a);
	if (r < 0)
		return r;
	sriov_pci_addr_format(&a, pci);
	r = sriov_sysfs_dev_path(ctx, &a, NULL, path, sizeof(path));
	if (r < 0)
		return r;
	if (!sriov_sysfs_exists(ctx, path))
		return sriov_err(ctx, ENODEV, "no PCI device %s", pci);
	r = sriov_dev_read_iommu_group(ctx, &a, &group);
	if (r < 0)
		return r;
	if (group == SRIOV_NO_VALUE)
		return sriov_err(ctx, ENOENT, "%s is in no IOMMU group%s", pci,
				 sriov_iommu_enabled(ctx) ? ""
							  : " (the IOMMU is off)");
	*ret = group;
	return 0;
}

SRIOV_EXPORT int sriov_iommu_group_find(struct sriov_ctx *ctx,
					const char *name,
					struct sriov_iommu_group **ret_group)
{
	struct sriov_iommu_group *const *groups;
	unsigned long v;
	size_t n;
	int id, r;

	if (!ctx || !name || !ret_group)
		return -EINVAL;
	if (sriov_parse_uint(name, 10, 0x7fffffff, &v) == 0)
		id = (int)v;
	else if ((r = device_group(ctx, name, &id)) < 0)
		return r;
	r = sriov_iommu_group_list(ctx, &groups, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (groups[i]->info.id == id) {
			*ret_group = groups[i];
			return 0;
		}
	return sriov_err(ctx, ENODEV, "no IOMMU group %d", id);
}

SRIOV_EXPORT const struct sriov_iommu_group_info *
sriov_iommu_group_get_info(const struct sriov_iommu_group *group)
{
	return &group->info;
}

SRIOV_EXPORT bool sriov_iommu_group_viable(const struct sriov_iommu_group *g)
{
	const struct sriov_iommu_group_info *i;

	if (!g)
		return false;
	i = sriov_iommu_group_get_info(g);
	for (size_t m = 0; m < i->n_members; m++)
		if (!sriov_iommu_member_viable(&i->members[m]))
			return false;
	return true;
}
