/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The desired-state format (sriovctl.conf(5)), top level and PFs: which
 * PF an entry selects, its VF count and autoprobe, its list of VF
 * entries, and the rules between entries. Nothing here looks at the
 * host; sriov_apply_plan.c checks the state against it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

/* A PF entry being read. */
struct pf_entry {
	struct want_pf *w;
	const struct ynode *sel;        /* pci, netdev or device */
	const struct ynode *index;
};

static int set_selector(const struct pctx *p, struct pf_entry *e,
			const struct ynode *key, const struct ynode *val,
			enum apply_selector sel)
{
	if (e->sel)
		return sriov_apply_err_at(p, key, key->str,
				    "\"%s\" is given already (line %d): a PF is selected by one of pci, netdev or device",
				    e->sel->str, e->sel->line);
	e->sel = key;
	e->w->sel = sel;
	snprintf(e->w->sel_text, sizeof(e->w->sel_text), "%s %s", key->str,
		 val->str);
	return 0;
}

static int pf_pci(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct pf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 64, &s);

	if (r == 0 && sriov_pci_addr_parse(s, &e->w->addr) < 0)
		return sriov_apply_expected(p, val, key->str,
				      "a PCI address DDDD:BB:SS.F or BB:SS.F");
	if (r == 0)
		r = set_selector(p, e, key, val, APPLY_SEL_PCI);
	if (r == 0)
		sriov_pci_addr_format(&e->w->addr, e->w->sel_text + 4);
	return r;
}

static int pf_netdev(const struct pctx *p, void *obj, const struct ynode *key,
		     const struct ynode *val)
{
	struct pf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, IFNAMSIZ, &s);

	if (r == 0 && !sriov_ifname_valid(s))
		return sriov_apply_expected(p, val, key->str,
				      "a network interface name");
	if (r == 0)
		r = set_selector(p, e, key, val, APPLY_SEL_NETDEV);
	if (r == 0)
		strcpy(e->w->netdev, s);
	return r;
}

static int pf_device(const struct pctx *p, void *obj, const struct ynode *key,
		     const struct ynode *val)
{
	struct pf_entry *e = obj;
	const char *s;
	uint8_t b[4];
	int r = sriov_apply_get_str(p, val, key->str, 16, &s);

	if (r < 0)
		return r;
	if (strlen(s) != 9 || s[4] != ':' ||
	    strspn(s, "0123456789abcdefABCDEF:") != 9 || strchr(s + 5, ':'))
		return sriov_apply_expected(p, val, key->str,
				      "VENDOR:DEVICE in hex, like \"8086:10c9\"");
	for (int i = 0; i < 4; i++) {
		char hex[3] = { s[i * 2 + (i >= 2)], s[i * 2 + 1 + (i >= 2)], 0 };

		b[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	e->w->vendor_id = (uint16_t)(b[0] << 8 | b[1]);
	e->w->device_id = (uint16_t)(b[2] << 8 | b[3]);
	r = set_selector(p, e, key, val, APPLY_SEL_DEVICE);
	if (r == 0)
		snprintf(e->w->sel_text, sizeof(e->w->sel_text),
			 "device %04x:%04x", e->w->vendor_id, e->w->device_id);
	return r;
}

static int pf_index(const struct pctx *p, void *obj, const struct ynode *key,
		    const struct ynode *val)
{
	struct pf_entry *e = obj;
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 255, &v);

	if (r == 0) {
		e->w->index = (int)v;
		e->index = key;
	}
	return r;
}

static int pf_num_vfs(const struct pctx *p, void *obj,
		      const struct ynode *key, const struct ynode *val)
{
	struct pf_entry *e = obj;
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 65535, &v);

	if (r == 0) {
		e->w->num_vfs = (int)v;
		e->w->num_vfs_loc = sriov_apply_loc_of(p, key);
	}
	return r;
}

static int pf_autoprobe(const struct pctx *p, void *obj,
			const struct ynode *key, const struct ynode *val)
{
	struct pf_entry *e = obj;
	bool v;
	int r = sriov_apply_get_bool(p, val, key->str, &v);

	if (r == 0) {
		e->w->autoprobe = v;
		e->w->autoprobe_loc = sriov_apply_loc_of(p, key);
	}
	return r;
}

static int pf_mtu(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct pf_entry *e = obj;
	int r = sriov_apply_get_mtu(p, val, key->str, &e->w->mtu);

	if (r == 0)
		e->w->mtu_loc = sriov_apply_loc_of(p, key);
	return r;
}

static int pf_eswitch(const struct pctx *p, void *obj,
		      const struct ynode *key, const struct ynode *val)
{
	struct pf_entry *e = obj;
	const char *s;
	int mode, r = sriov_apply_get_str(p, val, key->str, 16, &s);

	if (r == 0 && sriov_eswitch_mode_parse(s, &mode) < 0)
		r = sriov_apply_expected(p, val, key->str, "legacy or switchdev");
	if (r == 0) {
		e->w->eswitch = mode;
		e->w->eswitch_loc = sriov_apply_loc_of(p, key);
	}
	return r;
}

/* One entry of rate_nodes: name, tx_share, tx_max, parent. */
static int node_key(const struct pctx *p, void *obj, const struct ynode *key,
		    const struct ynode *val)
{
	struct want_node *n = obj;
	const char *s;
	int r;

	if (!strcmp(key->str, "name") || !strcmp(key->str, "parent")) {
		r = sriov_apply_get_str(p, val, key->str, SRIOV_RATE_NAME_STRLEN, &s);
		if (r < 0)
			return r;
		if (key->str[0] == 'n') {
			snprintf(n->name, sizeof(n->name), "%s", s);
			return 0;
		}
		snprintf(n->cfg.parent, sizeof(n->cfg.parent), "%s", s);
		n->cfg.mask |= SRIOV_RATE_HAS_PARENT;
		n->parent_loc = sriov_apply_loc_of(p, key);
		return 0;
	}
	if (!strcmp(key->str, "tx_share")) {
		r = sriov_apply_get_rate(p, val, key->str, &n->cfg.tx_share);
		n->cfg.mask |= r == 0 ? SRIOV_RATE_HAS_TX_SHARE : 0;
		return r;
	}
	r = sriov_apply_get_rate(p, val, key->str, &n->cfg.tx_max);
	n->cfg.mask |= r == 0 ? SRIOV_RATE_HAS_TX_MAX : 0;
	return r;
}

static const struct key_def node_defs[] = {
	{ "name", node_key },
	{ "tx_share", node_key },
	{ "tx_max", node_key },
	{ "parent", node_key },
	{ NULL, NULL },
};

static int parse_node(const struct pctx *pfp, const struct ynode *map,
		      size_t i, struct want_node *n)
{
	struct pctx p = *pfp;
	int r;

	snprintf(n->path, sizeof(n->path), "%s.rate_nodes[%zu]", pfp->path, i);
	p.path = n->path;
	n->loc = sriov_apply_loc_of(&p, map);
	if (map->type != Y_MAP)
		return sriov_apply_expected(&p, map, NULL,
				      "a mapping (name, tx_share, tx_max, parent)");
	r = sriov_apply_walk_map(&p, map, node_defs, n);
	if (r < 0)
		return r;
	if (!n->name[0])
		return sriov_apply_err_at(&p, map, NULL, "a rate node needs a name");
	if (n->cfg.tx_share && n->cfg.tx_max && n->cfg.tx_share > n->cfg.tx_max)
		return sriov_apply_err_at(&p, map, "tx_share", "tx_share is above tx_max");
	if ((n->cfg.mask & SRIOV_RATE_HAS_PARENT) && !strcmp(n->cfg.parent, n->name))
		return sriov_apply_loc_err(p.ctx, EINVAL, &n->parent_loc, n->path,
				     "parent", "a node cannot be its own parent");
	return 0;
}

static int pf_rate_nodes(const struct pctx *p, void *obj,
			 const struct ynode *key, const struct ynode *val)
{
	struct pf_entry *e = obj;
	struct want_pf *w = e->w;

	if (val->type != Y_SEQ)
		return sriov_apply_expected(p, val, key->str,
				      "a list of rate nodes (\"- name: ...\")");
	w->nodes = calloc(val->n ? val->n : 1, sizeof(*w->nodes));
	if (!w->nodes)
		return -ENOMEM;
	w->nodes_loc = sriov_apply_loc_of(p, key);
	for (size_t i = 0; i < val->n; i++) {
		int r = parse_node(p, val->kids[i], i, &w->nodes[i]);

		w->n_nodes = i + 1;
		if (r < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(w->nodes[j].name, w->nodes[i].name))
				return sriov_apply_loc_err(p->ctx, EINVAL, &w->nodes[i].loc,
						     w->nodes[i].path, "name",
						     "rate node \"%s\" is listed already at line %d",
						     w->nodes[i].name, w->nodes[j].loc.line);
	}
	return 0;
}

static int pf_vfs(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct pf_entry *e = obj;
	struct want_pf *w = e->w;

	if (val->type != Y_SEQ)
		return sriov_apply_expected(p, val, key->str,
				      "a list of VF entries (\"- vf: 0\" ...)");
	w->vfs = calloc(val->n ? val->n : 1, sizeof(*w->vfs));
	if (!w->vfs)
		return -ENOMEM;
	for (size_t i = 0; i < val->n; i++) {
		int r = sriov_apply_parse_vf(p, val->kids[i], i, &w->vfs[i]);

		w->n_vfs = i + 1;
		if (r < 0)
			return r;
	}
	return 0;
}

const struct key_def sriov_apply_pf_defs[] = {
	{ "pci", pf_pci },
	{ "netdev", pf_netdev },
	{ "device", pf_device },
	{ "index", pf_index },
	{ "num_vfs", pf_num_vfs },
	{ "autoprobe", pf_autoprobe },
	{ "mtu", pf_mtu },
	{ "eswitch", pf_eswitch },
	{ "rate_nodes", pf_rate_nodes },
	{ "vfs", pf_vfs },
	{ NULL, NULL },
};

void sriov_apply_want_pf_clear(struct want_pf *w)
{
	for (size_t i = 0; i < w->n_vfs; i++)
		sriov_apply_want_vf_clear(&w->vfs[i]);
	free(w->vfs);
	w->vfs = NULL;
	w->n_vfs = 0;
	free(w->nodes);
	w->nodes = NULL;
	w->n_nodes = 0;
}

/* The rules between the keys of a PF and between its VF entries. */
static int pf_check(const struct pctx *p, const struct ynode *map,
		    struct pf_entry *e)
{
	const struct want_pf *w = e->w;
	struct vf_target *t = NULL;
	size_t n;
	int r;

	if (!e->sel)
		return sriov_apply_err_at(p, map, NULL,
				    "select the PF with pci, netdev, or device (and index)");
	if (e->index && w->sel != APPLY_SEL_DEVICE)
		return sriov_apply_err_at(p, e->index, "index",
				    "goes with device, not with %s", e->sel->str);
	r = sriov_apply_merge(p->ctx, w, w->num_vfs, w->num_vfs, &t, &n);
	free(t);
	return r;
}

static int parse_pf(const struct pctx *top, const struct ynode *map, size_t i,
		    struct want_pf *w)
{
	struct pf_entry e = { .w = w };
	struct pctx p = *top;
	int r;

	snprintf(w->path, sizeof(w->path), "pfs[%zu]", i);
	p.path = w->path;
	w->loc = sriov_apply_loc_of(&p, map);
	w->index = w->num_vfs = w->autoprobe = w->eswitch = -1;
	if (map->type != Y_MAP)
		return sriov_apply_expected(&p, map, NULL,
				      "a mapping (pci, netdev or device, and settings)");
	r = sriov_apply_walk_map(&p, map, sriov_apply_pf_defs, &e);
	return r < 0 ? r : pf_check(&p, map, &e);
}

static bool same_selector(const struct want_pf *a, const struct want_pf *b)
{
	if (a->sel != b->sel)
		return false;
	switch (a->sel) {
	case APPLY_SEL_PCI:
		return !sriov_pci_addr_cmp(&a->addr, &b->addr);
	case APPLY_SEL_NETDEV:
		return !strcmp(a->netdev, b->netdev);
	case APPLY_SEL_DEVICE:
		return a->vendor_id == b->vendor_id &&
		       a->device_id == b->device_id && a->index == b->index;
	}
	return false;
}

/* The same selector twice, in this document or an earlier one. */
static int check_duplicates(struct sriov_ctx *ctx, const struct want_pf *pfs,
			    size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (same_selector(&pfs[i], &pfs[j]))
				return sriov_apply_loc_err(ctx, EINVAL, &pfs[i].loc,
						     pfs[i].path, NULL,
						     "%s is selected already at %s:%d",
						     pfs[i].sel_text,
						     pfs[j].loc.file,
						     pfs[j].loc.line);
	return 0;
}

struct top_entry {
	struct sriov_desired *d;
	size_t n_before;                /* PFs of earlier documents */
};

static int top_version(const struct pctx *p, void *obj,
		       const struct ynode *key, const struct ynode *val)
{
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 1000, &v);

	(void)obj;
	if (r == 0 && v != 1)
		return sriov_apply_err_at(p, val, key->str,
				    "version %lu is not known to this sriovctl (it reads version 1)",
				    v);
	return r;
}

static int top_pfs(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct top_entry *t = obj;
	struct sriov_desired *d = t->d;
	struct want_pf *pfs;

	if (val->type != Y_SEQ)
		return sriov_apply_expected(p, val, key->str,
				      "a list of PF entries (\"- pci: ...\")");
	pfs = realloc(d->pfs, (t->n_before + val->n + 1) * sizeof(*pfs));
	if (!pfs)
		return -ENOMEM;
	d->pfs = pfs;
	memset(pfs + t->n_before, 0, (val->n + 1) * sizeof(*pfs));
	for (size_t i = 0; i < val->n; i++) {
		int r = parse_pf(p, val->kids[i], i, &pfs[t->n_before + i]);

		d->n_pfs = t->n_before + i + 1;
		if (r < 0)
			return r;
	}
	return check_duplicates(p->ctx, pfs, d->n_pfs);
}

const struct key_def sriov_apply_top_defs[] = {
	{ "version", top_version },
	{ "pfs", top_pfs },
	{ NULL, NULL },
};

int sriov_apply_parse_root(struct sriov_ctx *ctx, struct sriov_desired *d,
		     const char *name, const struct ynode *root)
{
	struct pctx p = { .ctx = ctx, .file = name, .path = "" };
	struct top_entry t = { .d = d, .n_before = d->n_pfs };
	bool has_pfs = false;
	int r;

	if (root->type != Y_MAP)
		return sriov_apply_expected(&p, root, NULL,
				      "a mapping with the key \"pfs\"");
	/* a key may be a mapping or a sequence ("? [a]"): no text to compare */
	for (size_t i = 0; i < root->n; i += 2)
		has_pfs = has_pfs || (root->kids[i]->type == Y_SCALAR &&
				      !strcmp(root->kids[i]->str, "pfs"));
	if (!has_pfs)
		return sriov_apply_err_at(&p, root, NULL,
				    "the key \"pfs\" (the list of PFs) is missing");
	r = sriov_apply_walk_map(&p, root, sriov_apply_top_defs, &t);
	if (r < 0) {
		/* the state keeps only whole documents */
		for (size_t i = t.n_before; i < d->n_pfs; i++)
			sriov_apply_want_pf_clear(&d->pfs[i]);
		d->n_pfs = t.n_before;
	}
	return r;
}
