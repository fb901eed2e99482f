/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The desired-state format (sriovctl.conf(5)), VF entries: the keys,
 * what each accepts, and the rules between the keys of an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

#define MAX_VF 65535

/* A VF entry being read: qos and vlan_proto need vlan, seen at the end. */
struct vf_entry {
	struct want_vf *w;
	const struct ynode *qos;
	const struct ynode *proto;
	const struct ynode *sel;        /* vf or vfs */
	const struct ynode *guid;       /* mac, node_guid or port_guid */
};

static void mark(const struct pctx *p, struct want_vf *w, uint32_t bit,
		 const struct ynode *key)
{
	w->cfg.mask |= bit;
	w->field_loc[__builtin_ctz(bit)] = sriov_apply_loc_of(p, key);
}

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
	r = sriov_apply_parse_range(s, MAX_VF, &e->w->idx, &e->w->n_idx);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return sriov_apply_err_at(p, val, key->str,
				    "invalid VF range \"%.40s\": expected \"all\" or numbers and ranges like \"0-3,7\" (VFs 0 to %d)",
				    s, MAX_VF);
	return 0;
}

static int vf_mac(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct vf_entry *e = obj;
	uint8_t *mac = e->w->cfg.mac;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 64, &s);

	if (r < 0)
		return r;
	if (sriov_apply_hex_bytes(s, mac, 6) < 0)
		return sriov_apply_expected(p, val, key->str,
				      "a MAC address xx:xx:xx:xx:xx:xx");
	if (mac[0] & 1)
		return sriov_apply_err_at(p, val, key->str,
				    "%s is a multicast address; a VF needs a unicast MAC",
				    s);
	e->guid = key;
	mark(p, e->w, SRIOV_VF_HAS_MAC, key);
	return 0;
}

static int vf_guid(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct vf_entry *e = obj;
	bool node = !strcmp(key->str, "node_guid");
	uint8_t b[8];
	uint64_t v = 0;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 64, &s);

	if (r < 0)
		return r;
	if (sriov_apply_hex_bytes(s, b, 8) < 0)
		return sriov_apply_expected(p, val, key->str,
				      "a GUID xx:xx:xx:xx:xx:xx:xx:xx");
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	*(node ? &e->w->cfg.node_guid : &e->w->cfg.port_guid) = v;
	e->guid = key;
	mark(p, e->w, node ? SRIOV_VF_HAS_NODE_GUID : SRIOV_VF_HAS_PORT_GUID,
	     key);
	return 0;
}

static int vf_vlan(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct vf_entry *e = obj;
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 4095, &v);

	if (r < 0)
		return r;
	e->w->cfg.vlan = (uint16_t)v;
	if (!e->w->cfg.vlan_proto)
		e->w->cfg.vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	mark(p, e->w, SRIOV_VF_HAS_VLAN, key);
	return 0;
}

static int vf_qos(const struct pctx *p, void *obj, const struct ynode *key,
		  const struct ynode *val)
{
	struct vf_entry *e = obj;
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 7, &v);

	if (r < 0)
		return r;
	e->w->cfg.qos = (uint8_t)v;
	e->qos = key;
	return 0;
}

static int vf_proto(const struct pctx *p, void *obj, const struct ynode *key,
		    const struct ynode *val)
{
	struct vf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 16, &s);

	if (r < 0)
		return r;
	if (!strcasecmp(s, "802.1Q"))
		e->w->cfg.vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	else if (!strcasecmp(s, "802.1ad"))
		e->w->cfg.vlan_proto = SRIOV_VLAN_PROTO_8021AD;
	else
		return sriov_apply_expected(p, val, key->str, "802.1Q or 802.1ad");
	e->proto = key;
	return 0;
}

static int vf_rate(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct vf_entry *e = obj;
	bool min = !strcmp(key->str, "min_tx_rate");
	unsigned long v;
	int r = sriov_apply_get_uint(p, val, key->str, 0xffffffffUL, &v);

	if (r < 0)
		return r;
	*(min ? &e->w->cfg.min_tx_rate : &e->w->cfg.max_tx_rate) = (uint32_t)v;
	mark(p, e->w, min ? SRIOV_VF_HAS_MIN_TX_RATE : SRIOV_VF_HAS_MAX_TX_RATE,
	     key);
	return 0;
}

static int vf_flag(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	struct vf_entry *e = obj;
	struct sriov_vf_config *c = &e->w->cfg;
	uint32_t bit = SRIOV_VF_HAS_QUERY_RSS;
	bool *dst = &c->query_rss;

	if (!strcmp(key->str, "spoofchk")) {
		bit = SRIOV_VF_HAS_SPOOFCHK;
		dst = &c->spoofchk;
	} else if (!strcmp(key->str, "trust")) {
		bit = SRIOV_VF_HAS_TRUST;
		dst = &c->trust;
	}
	if (sriov_apply_get_bool(p, val, key->str, dst) < 0)
		return -EINVAL;
	mark(p, e->w, bit, key);
	return 0;
}

static int vf_link(const struct pctx *p, void *obj, const struct ynode *key,
		   const struct ynode *val)
{
	static const char *const names[] = { "auto", "enable", "disable" };
	struct vf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 16, &s);

	if (r < 0)
		return r;
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			e->w->cfg.link_state = (enum sriov_link_state)i;
			mark(p, e->w, SRIOV_VF_HAS_LINK_STATE, key);
			return 0;
		}
	return sriov_apply_expected(p, val, key->str, "auto, enable or disable");
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

/* USER[:GROUP], names or numbers, as chown(1) takes them. */
static bool owner_valid(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-";

	if (!ulen || ulen > 32 || s[0] == '-' || strspn(s, ok) != ulen)
		return false;
	if (!colon)
		return true;
	colon++;
	return *colon && *colon != '-' && strlen(colon) <= 32 &&
	       strspn(colon, ok) == strlen(colon);
}

static int vf_owner(const struct pctx *p, void *obj, const struct ynode *key,
		    const struct ynode *val)
{
	struct vf_entry *e = obj;
	const char *s;
	int r = sriov_apply_get_str(p, val, key->str, 80, &s);

	if (r < 0)
		return r;
	if (!owner_valid(s))
		return sriov_apply_expected(p, val, key->str,
				      "USER or USER:GROUP (names or numbers)");
	e->w->owner = strdup(s);
	if (!e->w->owner)
		return -ENOMEM;
	e->w->owner_loc = sriov_apply_loc_of(p, key);
	return 0;
}

const struct key_def sriov_apply_vf_defs[] = {
	{ "vf", vf_vf },
	{ "vfs", vf_vfs },
	{ "mac", vf_mac },
	{ "vlan", vf_vlan },
	{ "qos", vf_qos },
	{ "vlan_proto", vf_proto },
	{ "min_tx_rate", vf_rate },
	{ "max_tx_rate", vf_rate },
	{ "spoofchk", vf_flag },
	{ "trust", vf_flag },
	{ "link_state", vf_link },
	{ "query_rss", vf_flag },
	{ "node_guid", vf_guid },
	{ "port_guid", vf_guid },
	{ "driver", vf_driver },
	{ "owner", vf_owner },
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
	if ((e->qos || e->proto) && !(c->mask & SRIOV_VF_HAS_VLAN))
		return sriov_apply_err_at(p, e->qos ? e->qos : e->proto,
				    e->qos ? "qos" : "vlan_proto",
				    "needs vlan in the same entry");
	if (!c->mask && e->w->driver == APPLY_DRV_UNSET && !e->w->owner)
		return sriov_apply_err_at(p, map, NULL, "the entry sets nothing");
	if (e->guid && (e->w->all || e->w->n_idx > 1))
		return sriov_apply_err_at(p, e->guid, e->guid->str,
				    "must be unique per VF: give it in an entry of its own, with \"vf: N\"");
	if ((c->mask & SRIOV_VF_HAS_MIN_TX_RATE) &&
	    (c->mask & SRIOV_VF_HAS_MAX_TX_RATE) && c->max_tx_rate &&
	    c->min_tx_rate > c->max_tx_rate)
		return sriov_apply_err_at(p, map, "min_tx_rate",
				    "%u is above max_tx_rate %u", c->min_tx_rate,
				    c->max_tx_rate);
	return 0;
}

int sriov_apply_parse_vf(const struct pctx *pfp, const struct ynode *map, size_t i,
		   struct want_vf *w)
{
	struct vf_entry e = { .w = w };
	struct pctx p = *pfp;
	int r;

	snprintf(w->path, sizeof(w->path), "%s.vfs[%zu]", pfp->path, i);
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
