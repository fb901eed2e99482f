/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The desired-state format (sriovctl.conf(5)), VF entries: the keys,
 * what each accepts, and the rules between the keys of an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "vffield.h"

#define MAX_VF SRIOV_VF_NUM_MAX

/* A VF entry being read: a part needs its field's first key, seen at the end. */
struct vf_entry {
	struct want_vf *w;
	const struct ynode *part;       /* qos or vlan_proto, the first in the table */
	const struct sriov_vf_key *part_key;
	const struct ynode *sel;        /* vf or vfs */
	const struct ynode *per_vf;     /* mac, node_guid or port_guid */
};

static int set_selector(const struct pctx *p, struct vf_entry *e,
			const struct ynode *key)
{
	if (e->sel)
		return sriov_apply_err_at(p, key, key->str,
				    "\"%s\" is given already (line %d): an entry names its VFs with one of vf or vfs",
				    e->sel->str, e->sel->line);
	e->sel = key;
	return 0;
}

static int set_single(const struct pctx *p, struct vf_entry *e,
		      const struct ynode *key, const struct ynode *val)
{
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, MAX_VF, &v);

	if (r < 0)
		return r;
	e->w->idx = malloc(sizeof(*e->w->idx));
	if (!e->w->idx)
		return -ENOMEM;
	e->w->idx[0] = (unsigned int)v;
	e->w->n_idx = 1;
	return 0;
}

static int vf_vf(const struct pctx *p, void *obj, const struct ynode *key,
		 const struct ynode *val)
{
	struct vf_entry *e = obj;
	int r = set_selector(p, e, key);

	e->w->single = true;
	return r < 0 ? r : set_single(p, e, key, val);
}

/* vfs: "all", a range "0-3,7", or a single number. */
static int vf_vfs(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct vf_entry *e = obj;
	const char *s;
	int r = set_selector(p, e, key);

	if (r == 0 && val->type == Y_SCALAR && val->plain && val->len &&
	    strspn(val->str, "0123456789") == val->len)
		return set_single(p, e, key, val);
	if (r == 0)
		r = sriov_apply_get_str(p, val, key->str, 4096, &s);
	if (r < 0)
		return r;
	if (!strcmp(s, "all")) {
		e->w->all = true;
		return 0;
	}
	r = sriov_vf_list_parse(p->ctx, s, MAX_VF, &e->w->idx, &e->w->n_idx);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return sriov_apply_err_at(p, val, key->str,
				    "invalid VF range \"%.40s\": expected \"all\" or numbers and ranges like \"0-3,7\" (VFs 0 to %d)",
				    s, MAX_VF);
	return 0;
}

/* A value of a VF field table key as the text the table reads. */
static int value_text(const struct pctx *p, const struct sriov_vf_key_def *d,
		      const struct ynode *val, char *buf, size_t size)
{
	const char *key = d->pub.name;
	unsigned long v;
	bool b;
	int r;

	switch (d->pub.type) {
	case SRIOV_VF_VALUE_NUMBER:
		/* a plain decimal without leading zeros: its text is the number */
		r = sriov_apply_get_uint(p, val, key, d->max, &v);
		if (r == 0 && val->len >= size)
			r = sriov_apply_expected(p, val, key, d->pub.expected);
		if (r == 0)
			memcpy(buf, val->str, val->len + 1);
		return r;
	case SRIOV_VF_VALUE_BOOL:
		r = sriov_apply_get_bool(p, val, key, &b);
		if (r == 0)
			strcpy(buf, b ? "true" : "false");
		return r;
	default:
		if (val->type != Y_SCALAR || sriov_ynode_is_null(val) ||
		    val->len != strlen(val->str) || val->len >= size)
			return sriov_apply_expected(p, val, key, d->pub.expected);
		memcpy(buf, val->str, val->len + 1);
		return 0;
	}
}

/* Any key of the VF field table: its value, checked as vf set checks it. */
static int vf_setting(const struct pctx *p, void *obj, const struct ynode *key,
		      const struct ynode *val)
{
	const struct sriov_vf_key *k = p->vf_key ? p->vf_key
						 : sriov_vf_key_find(key->str);
	struct vf_entry *e = obj;
	struct sriov_vf_config c = e->w->cfg, one;
	char text[SRIOV_VF_VALUE_STRLEN];
	int r = value_text(p, sriov_vf_key_def_of(k), val, text, sizeof(text));

	if (r < 0)
		return r;
	if (sriov_vf_key_parse(k, text, &c) < 0)
		return sriov_apply_expected(p, val, key->str, k->expected);
	one = c;
	one.mask = k->part ? 0 : k->field;
	if (sriov_vf_config_check(p->ctx, &one) < 0)
		return sriov_apply_err_at(p, val, key->str, "%s",
					  sriov_ctx_last_error(p->ctx));
	e->w->cfg = c;
	if (k->per_vf)
		e->per_vf = key;
	if (k->part && (!e->part || k < e->part_key)) {
		e->part = key;
		e->part_key = k;
	}
	if (!k->part)
		e->w->field_loc[__builtin_ctz(k->field)] = sriov_apply_loc_of(p, key);
	return 0;
}

static int vf_driver(const struct pctx *p, void *obj, const struct ynode *key,
		     const struct ynode *val)
{
	struct vf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 16, &s);

	if (r < 0)
		return r;
	if (!strcmp(s, "vfio-pci"))
		e->w->driver = APPLY_DRV_VFIO;
	else if (!strcmp(s, "host"))
		e->w->driver = APPLY_DRV_HOST;
	else
		return sriov_apply_expected(p, val, key->str,
				      "vfio-pci, or host (the VF's own driver)");
	e->w->driver_loc = sriov_apply_loc_of(p, key);
	return 0;
}

static int vf_owner(const struct pctx *p, void *obj, const struct ynode *key,
		    const struct ynode *val)
{
	struct vf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 80, &s);

	if (r < 0)
		return r;
	if (!sriov_owner_valid(s))
		return sriov_apply_expected(p, val, key->str,
				      "USER or USER:GROUP (names or numbers)");
	e->w->owner = strdup(s);
	if (!e->w->owner)
		return -ENOMEM;
	e->w->owner_loc = sriov_apply_loc_of(p, key);
	return 0;
}

static int vf_mtu(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct vf_entry *e = obj;
	int r = sriov_apply_get_mtu(p, val, key->str, &e->w->mtu);

	if (r == 0)
		e->w->mtu_loc = sriov_apply_loc_of(p, key);
	return r;
}

static int vf_rate(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct vf_entry *e = obj;
	struct sriov_rate_config *c = &e->w->rate;
	const char *s;
	int r;

	if (!strcmp(key->str, "rate_parent")) {
		r = sriov_apply_get_str(p, val, key->str, SRIOV_RATE_NAME_STRLEN, &s);
		if (r < 0)
			return r;
		snprintf(c->parent, sizeof(c->parent), "%s", s);
		c->mask |= SRIOV_RATE_HAS_PARENT;
	} else if (!strcmp(key->str, "tx_share")) {
		r = sriov_apply_get_rate(p, val, key->str, &c->tx_share);
		if (r < 0)
			return r;
		c->mask |= SRIOV_RATE_HAS_TX_SHARE;
	} else {
		r = sriov_apply_get_rate(p, val, key->str, &c->tx_max);
		if (r < 0)
			return r;
		c->mask |= SRIOV_RATE_HAS_TX_MAX;
	}
	if (!e->w->rate_loc.file)
		e->w->rate_loc = sriov_apply_loc_of(p, key);
	return 0;
}

const struct key_def sriov_apply_vf_defs[] = {
	{ "vf", vf_vf },
	{ "vfs", vf_vfs },
	{ APPLY_VF_KEYS, vf_setting },
	{ "driver", vf_driver },
	{ "owner", vf_owner },
	{ "mtu", vf_mtu },
	{ "tx_share", vf_rate },
	{ "tx_max", vf_rate },
	{ "rate_parent", vf_rate },
	{ NULL, NULL },
};

/* Rules between the keys of one entry. */
static int vf_entry_check(const struct pctx *p, const struct ynode *map,
			  struct vf_entry *e)
{
	const struct sriov_vf_config *c = &e->w->cfg;

	if (!e->sel)
		return sriov_apply_err_at(p, map, NULL,
				    "an entry needs \"vf: N\" or \"vfs: RANGE\"");
	if (e->part && !(c->mask & e->part_key->field))
		return sriov_apply_err_at(p, e->part, e->part_key->name,
				    "needs %s in the same entry",
				    sriov_vf_field_name(e->part_key->field));
	if (!c->mask && e->w->driver == APPLY_DRV_UNSET && !e->w->owner &&
	    !e->w->mtu && !e->w->rate.mask)
		return sriov_apply_err_at(p, map, NULL, "the entry sets nothing");
	if (e->w->rate.tx_share && e->w->rate.tx_max &&
	    e->w->rate.tx_share > e->w->rate.tx_max)
		return sriov_apply_loc_err(p->ctx, EINVAL, &e->w->rate_loc, e->w->path,
				     "tx_share", "tx_share is above tx_max");
	if (e->per_vf && (e->w->all || e->w->n_idx > 1))
		return sriov_apply_err_at(p, e->per_vf, e->per_vf->str,
				    "must be unique per VF: give it in an entry of its own, with \"vf: N\"");
	if ((c->mask & SRIOV_VF_HAS_MIN_TX_RATE) &&
	    (c->mask & SRIOV_VF_HAS_MAX_TX_RATE) && c->max_tx_rate &&
	    c->min_tx_rate > c->max_tx_rate)
		return sriov_apply_err_at(p, map, "min_tx_rate",
				    "%u is above max_tx_rate %u", c->min_tx_rate,
				    c->max_tx_rate);
	return 0;
}

/* "PF.vfs[I]" as snprintf() would write it, without its cost per entry. */
static void entry_path(char *buf, size_t size, const char *pf, size_t i)
{
	static const char mid[] = ".vfs[";
	char digits[24];
	size_t len = strlen(pf), n = 0;

	do
		digits[sizeof(digits) - ++n] = (char)('0' + i % 10);
	while ((i /= 10) && n < sizeof(digits));
	if (len + sizeof(mid) - 1 + n + 2 > size) {
		snprintf(buf, size, "%s.vfs[%.*s]", pf, (int)n,
			 digits + sizeof(digits) - n);
		return;
	}
	memcpy(buf, pf, len);
	memcpy(buf + len, mid, sizeof(mid) - 1);
	len += sizeof(mid) - 1;
	memcpy(buf + len, digits + sizeof(digits) - n, n);
	len += n;
	buf[len++] = ']';
	buf[len] = '\0';
}

int sriov_apply_parse_vf(const struct pctx *pfp, const struct ynode *map, size_t i,
		   struct want_vf *w)
{
	struct vf_entry e = { .w = w };
	struct pctx p = *pfp;
	int r;

	entry_path(w->path, sizeof(w->path), pfp->path, i);
	p.path = w->path;
	w->loc = sriov_apply_loc_of(&p, map);
	if (map->type != Y_MAP)
		return sriov_apply_expected(&p, map, NULL,
				      "a mapping (vf or vfs, and settings)");
	r = sriov_apply_walk_map(&p, map, sriov_apply_vf_defs, &e);
	return r < 0 ? r : vf_entry_check(&p, map, &e);
}

void sriov_apply_want_vf_clear(struct want_vf *w)
{
	free(w->idx);
	free(w->owner);
}
