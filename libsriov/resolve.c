/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names to PFs and VFs: PCI addresses, netdev names, "PF#N", ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sysfs.h"

/*
 * The device behind a netdev, through class/net/<name>/device: a PCI
 * address in *ret, or 1 with *ret_pf set for a PF on another bus.
 */
static int netdev_to_addr(struct sriov_ctx *ctx, const char *ifname,
			  struct sriov_pci_addr *ret, struct sriov_pf **ret_pf)
{
	const char *dev[] = { "class", "net", ifname, "device", NULL };
	const char *sub[] = { "class", "net", ifname, "device", "subsystem", NULL };
	char path[SYSFS_PATH_MAX], name[64], bus[32];
	int r;

	r = sriov_sysfs_join(ctx, path, sizeof(path), dev);
	if (r < 0)
		return r;
	r = sriov_sysfs_readlink_name(ctx, path, name, sizeof(name));
	if (r == -ENOENT)
		return sriov_err(ctx, ENODEV, "no network device \"%s\"", ifname);
	if (r < 0)
		return r;
	if (sriov_pci_addr_parse(name, ret) == 0)
		return 0;
	r = sriov_sysfs_join(ctx, path, sizeof(path), sub);
	if (r == 0)
		r = sriov_sysfs_readlink_name(ctx, path, bus, sizeof(bus));
	if (r < 0 || !strcmp(bus, "pci"))
		return sriov_err(ctx, EINVAL, "%s is not on a bus sriovctl knows",
				 ifname);
	r = sriov_pf_get_bus(ctx, bus, name, ret_pf);
	if (r < 0)
		return sriov_err(ctx, EOPNOTSUPP, "%s (%s) is not an SR-IOV device",
				 ifname, name);
	return 1;
}

static bool is_vf(struct sriov_ctx *ctx, const struct sriov_pci_addr *a)
{
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_dev_path(ctx, a, "physfn", path, sizeof(path)) == 0 &&
	       sriov_sysfs_exists(ctx, path);
}

SRIOV_EXPORT int sriov_pf_find(struct sriov_ctx *ctx, const char *name,
			       struct sriov_pf **ret_pf)
{
	struct sriov_pci_addr a;
	int r;

	if (!ctx || !name || !ret_pf)
		return -EINVAL;
	if (sriov_pci_addr_parse(name, &a) < 0) {
		if (!sriov_ifname_valid(name))
			return sriov_err(ctx, EINVAL,
					 "\"%s\" is neither a PCI address (DDDD:BB:SS.F or BB:SS.F) nor a network device name",
					 name);
		r = netdev_to_addr(ctx, name, &a, ret_pf);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (is_vf(ctx, &a)) {
		char pci[SRIOV_PCI_ADDR_STRLEN];

		sriov_pci_addr_format(&a, pci);
		if (!strcmp(name, pci))
			return sriov_err(ctx, EINVAL,
					 "%s is a virtual function, not a physical function",
					 pci);
		return sriov_err(ctx, EINVAL,
				 "%s (%s) is a virtual function, not a physical function",
				 name, pci);
	}
	return sriov_pf_get(ctx, &a, ret_pf);
}

static int parse_index(struct sriov_ctx *ctx, const char *s, const char *spec,
		       unsigned int *ret)
{
	unsigned long v;

	if (sriov_parse_uint(s, 10, SRIOV_VF_NUM_MAX, &v) < 0)
		return sriov_err(ctx, EINVAL, "invalid VF index \"%s\" in \"%s\"",
				 s, spec);
	*ret = (unsigned int)v;
	return 0;
}

static int pf_vf(struct sriov_ctx *ctx, struct sriov_pf *pf, unsigned int idx,
		 struct sriov_vf **ret)
{
	if (idx >= pf->n_vfs)
		return sriov_err(ctx, ERANGE,
				 "%s has %zu VF%s enabled: no VF %u", pf->info.pci,
				 pf->n_vfs, pf->n_vfs == 1 ? "" : "s", idx);
	if (!pf->vfs[idx])
		return sriov_err(ctx, ENODEV, "VF %u of %s has no virtfn%u link",
				 idx, pf->info.pci, idx);
	*ret = pf->vfs[idx];
	return 0;
}

/* A VF by its own PCI address: the physfn link names the PF. */
static int vf_by_addr(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
		      const char *name, struct sriov_vf **ret)
{
	char pfname[64];
	struct sriov_pci_addr pfa;
	struct sriov_pf *pf;
	int r;

	r = sriov_sysfs_dev_link_name(ctx, a, "physfn", pfname, sizeof(pfname));
	if (r == -ENOENT) {
		char path[SYSFS_PATH_MAX];

		if (sriov_sysfs_dev_path(ctx, a, NULL, path, sizeof(path)) == 0 &&
		    !sriov_sysfs_exists(ctx, path))
			return sriov_err(ctx, ENODEV, "no PCI device %s", name);
		return sriov_err(ctx, EINVAL, "%s is not a virtual function",
				 name);
	}
	if (r < 0)
		return r;
	if (sriov_pci_addr_parse(pfname, &pfa) < 0)
		return sriov_err(ctx, EINVAL, "%s: unexpected physfn %s", name,
				 pfname);
	r = sriov_pf_get(ctx, &pfa, &pf);
	if (r < 0)
		return r;
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i] && !sriov_pci_addr_cmp(&pf->vfs[i]->info.addr, a)) {
			*ret = pf->vfs[i];
			return 0;
		}
	return sriov_err(ctx, ENODEV, "%s is not among the VFs of %s", name,
			 pf->info.pci);
}

/* Splits "PF#REST" at the last '#'; *ret_rest is NULL without one. */
static int split_spec(struct sriov_ctx *ctx, const char *spec, char **ret_pf,
		      const char **ret_rest)
{
	const char *hash = strrchr(spec, '#');
	size_t len = hash ? (size_t)(hash - spec) : strlen(spec);

	if (len == 0 || len > 64)
		return sriov_err(ctx, EINVAL, "invalid VF specification \"%s\"",
				 spec);
	*ret_pf = strndup(spec, len);
	if (!*ret_pf)
		return -ENOMEM;
	*ret_rest = hash ? hash + 1 : NULL;
	return 0;
}

SRIOV_EXPORT int sriov_vf_find(struct sriov_ctx *ctx, const char *name,
			       struct sriov_vf **ret_vf)
{
	_cleanup_free_ char *pfname = NULL;
	struct sriov_pci_addr a;
	struct sriov_pf *pf;
	const char *rest;
	unsigned int idx = 0;
	int r;

	if (!ctx || !name || !ret_vf)
		return -EINVAL;
	if (sriov_pci_addr_parse(name, &a) == 0)
		return vf_by_addr(ctx, &a, name, ret_vf);
	r = split_spec(ctx, name, &pfname, &rest);
	if (r < 0)
		return r;
	if (!rest)
		return sriov_err(ctx, EINVAL,
				 "\"%s\" names no VF: use a VF PCI address or PF#N",
				 name);
	r = parse_index(ctx, rest, name, &idx);
	if (r == 0)
		r = sriov_pf_find(ctx, pfname, &pf);
	if (r == 0)
		r = pf_vf(ctx, pf, idx, ret_vf);
	return r;
}

struct vf_set {
	struct sriov_vf **vfs;
	size_t n;
	unsigned char *seen;   /* one byte per VF index of the PF */
};

static int set_add(struct sriov_ctx *ctx, struct vf_set *set,
		   struct sriov_pf *pf, unsigned int idx)
{
	struct sriov_vf *vf = NULL;
	int r = pf_vf(ctx, pf, idx, &vf);

	if (r < 0)
		return r;
	if (set->seen[idx])
		return 0;
	set->seen[idx] = 1;
	set->vfs[set->n++] = vf;
	return 0;
}

/* One element of a VF list, "N" or "LO-HI", into lo and hi. */
static int list_item(struct sriov_ctx *ctx, char *item, const char *text,
		     unsigned int max, unsigned long *lo, unsigned long *hi)
{
	char *dash = strchr(item, '-');
	int r;

	if (!*item)
		return sriov_err(ctx, EINVAL,
				 "invalid VF list \"%s\": an empty element", text);
	if (dash)
		*dash = '\0';
	r = sriov_parse_uint(item, 10, max, lo);
	if (r == 0)
		r = dash ? sriov_parse_uint(dash + 1, 10, max, hi) : (*hi = *lo, 0);
	if (r == -ERANGE)
		return sriov_err(ctx, ERANGE,
				 "invalid VF list \"%s\": VF numbers go up to %u",
				 text, max);
	if (r < 0)
		return sriov_err(ctx, EINVAL,
				 "invalid VF list \"%s\": expected numbers and ranges like \"0-3,7\"",
				 text);
	if (*hi < *lo)
		return sriov_err(ctx, EINVAL,
				 "invalid VF list \"%s\": the range %lu-%lu runs backwards",
				 text, *lo, *hi);
	return 0;
}

static int list_add(unsigned int **idx, size_t *n, bool *seen, unsigned long v)
{
	unsigned int *grown;

	if (seen[v])
		return 0;
	/* room for the next power of two once n reaches one */
	if ((*n & (*n - 1)) == 0) {
		grown = realloc(*idx, (*n ? 2 * *n : 1) * sizeof(**idx));
		if (!grown)
			return -ENOMEM;
		*idx = grown;
	}
	seen[v] = true;
	(*idx)[(*n)++] = (unsigned int)v;
	return 0;
}

int sriov_vf_list_parse(struct sriov_ctx *ctx, const char *text,
			unsigned int max, unsigned int **ret_idx, size_t *ret_n)
{
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_free_ bool *seen = calloc((size_t)max + 1, sizeof(*seen));
	_cleanup_free_ unsigned int *idx = NULL;
	char *rest = copy, *item;
	size_t n = 0;
	int r = copy && seen ? 0 : -ENOMEM;

	/* strsep() hands empty elements (",1", "1,", "1,,2", "") over too */
	while (r == 0 && (item = strsep(&rest, ","))) {
		unsigned long lo, hi;

		r = list_item(ctx, item, text, max, &lo, &hi);
		for (unsigned long v = lo; r == 0 && v <= hi; v++)
			r = list_add(&idx, &n, seen, v);
	}
	if (r < 0)
		return r;
	*ret_idx = TAKE_PTR(idx);
	*ret_n = n;
	return 0;
}

static int parse_list(struct sriov_ctx *ctx, const char *list,
		      struct sriov_pf *pf, struct vf_set *set)
{
	_cleanup_free_ unsigned int *idx = NULL;
	size_t n = 0;
	int r = sriov_vf_list_parse(ctx, list, SRIOV_VF_NUM_MAX, &idx, &n);

	for (size_t i = 0; r == 0 && i < n; i++)
		r = set_add(ctx, set, pf, idx[i]);
	return r;
}

static int resolve_pf_part(struct sriov_ctx *ctx, const char *spec,
			   struct sriov_pf **ret_pf, const char **ret_list)
{
	_cleanup_free_ char *pfname = NULL;
	int r = split_spec(ctx, spec, &pfname, ret_list);

	return r < 0 ? r : sriov_pf_find(ctx, pfname, ret_pf);
}

SRIOV_EXPORT int sriov_vf_spec_resolve(struct sriov_ctx *ctx,
				       const char *spec,
				       struct sriov_vf ***ret_vfs,
				       size_t *ret_count)
{
	struct vf_set set = { 0 };
	struct sriov_pci_addr a;
	struct sriov_pf *pf;
	const char *list;
	int r;

	if (!ctx || !spec || !ret_vfs || !ret_count)
		return -EINVAL;
	if (sriov_pci_addr_parse(spec, &a) == 0 && is_vf(ctx, &a)) {
		struct sriov_vf *vf = NULL;

		r = vf_by_addr(ctx, &a, spec, &vf);
		if (r < 0)
			return r;
		set.vfs = malloc(sizeof(*set.vfs));
		if (!set.vfs)
			return -ENOMEM;
		set.vfs[0] = vf;
		*ret_vfs = set.vfs;
		*ret_count = 1;
		return 0;
	}
	r = resolve_pf_part(ctx, spec, &pf, &list);
	if (r < 0)
		return r;
	set.vfs = malloc((pf->n_vfs ? pf->n_vfs : 1) * sizeof(*set.vfs));
	set.seen = calloc(pf->n_vfs ? pf->n_vfs : 1, 1);
	if (!set.vfs || !set.seen)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && !list && i < pf->n_vfs; i++)
		if (pf->vfs[i])
			r = set_add(ctx, &set, pf, (unsigned int)i);
	if (r == 0 && list)
		r = parse_list(ctx, list, pf, &set);
	free(set.seen);
	if (r < 0) {
		free(set.vfs);
		return r;
	}
	*ret_vfs = set.vfs;
	*ret_count = set.n;
	return 0;
}
