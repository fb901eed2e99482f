/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rate objects of PFs and their VFs (sriov/rate.h): what the rate and
 * port dumps say, turned into VFs and PFs; changes planned against one
 * dump, written only where they differ, read back, and set back when the
 * kernel refuses part of them.
 */
#include <linux/devlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink_rate.h"
#include "eswitch.h"
#include "sriov/rate.h"

#define ALL_FIELDS (SRIOV_RATE_HAS_TX_SHARE | SRIOV_RATE_HAS_TX_MAX | \
		    SRIOV_RATE_HAS_PARENT)

/* One look at the kernel: every rate object and every port. */
struct rate_view {
	struct sriov_devlink *dl;
	struct sriov_dl_rate *rates;
	size_t n_rates;
	const struct sriov_dl_port *ports;   /* the context's (eswitch.h) */
	size_t n_ports;
};

static void view_clear(struct rate_view *v)
{
	free(v->rates);
	v->rates = NULL;
	v->ports = NULL;
	v->n_rates = v->n_ports = 0;
}

static int view_load(struct sriov_ctx *ctx, struct rate_view *v, bool ports)
{
	int r = sriov_devlink_ctx(ctx, &v->dl);

	if (r == 0)
		r = sriov_dl_rate_dump(v->dl, &v->rates, &v->n_rates);
	if (r == 0 && ports)
		r = sriov_ctx_dl_ports(ctx, &v->ports, &v->n_ports);
	if (r < 0)
		view_clear(v);
	return r;
}

/* The PF as commands take it: its PCI address, else its netdev. */
static const char *user_name(const struct sriov_pf *pf)
{
	if (pf->info.pci[0])
		return pf->info.pci;
	return pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->dev_name;
}

static bool is_pf(const struct sriov_pf *pf, const char *bus, const char *dev)
{
	return !strcmp(pf->bus, bus) && !strcmp(pf->dev_name, dev);
}

static const struct sriov_dl_port *find_port(const struct rate_view *v,
					     const char *bus, const char *dev,
					     uint32_t index)
{
	for (size_t i = 0; i < v->n_ports; i++)
		if (v->ports[i].index == index && !strcmp(v->ports[i].bus, bus) &&
		    !strcmp(v->ports[i].dev, dev))
			return &v->ports[i];
	return NULL;
}

static struct sriov_dl_rate *find_node(const struct rate_view *v,
				       const struct sriov_pf *pf,
				       const char *name)
{
	for (size_t i = 0; i < v->n_rates; i++)
		if (v->rates[i].node && is_pf(pf, v->rates[i].bus, v->rates[i].dev) &&
		    !strcmp(v->rates[i].name, name))
			return &v->rates[i];
	return NULL;
}

/* The VF's port: flavour pcivf of its PF's instance with its number. */
static struct sriov_dl_rate *find_leaf(const struct rate_view *v,
				       const struct sriov_vf *vf)
{
	const struct sriov_pf *pf = vf->pf;

	for (size_t i = 0; i < v->n_ports; i++) {
		const struct sriov_dl_port *p = &v->ports[i];

		if (p->flavour != DEVLINK_PORT_FLAVOUR_PCI_VF ||
		    p->vfnum != (int)vf->info.index || !is_pf(pf, p->bus, p->dev))
			continue;
		for (size_t j = 0; j < v->n_rates; j++)
			if (!v->rates[j].node && v->rates[j].port_index == p->index &&
			    is_pf(pf, v->rates[j].bus, v->rates[j].dev))
				return &v->rates[j];
	}
	return NULL;
}

static void to_rate(const struct rate_view *v, const struct sriov_dl_rate *d,
		    struct sriov_pf *const *pfs, size_t n_pfs,
		    struct sriov_rate *ret)
{
	const struct sriov_dl_port *p;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->handle, sizeof(ret->handle), "%s/%s", d->bus, d->dev);
	for (size_t i = 0; i < n_pfs; i++)
		if (is_pf(pfs[i], d->bus, d->dev))
			ret->pf = pfs[i];
	ret->is_node = d->node;
	ret->port_index = d->node ? SRIOV_NO_VALUE : (int)d->port_index;
	ret->vf = SRIOV_NO_VALUE;
	if (d->node)
		snprintf(ret->name, sizeof(ret->name), "%s", d->name);
	p = d->node ? NULL : find_port(v, d->bus, d->dev, d->port_index);
	if (p && p->flavour == DEVLINK_PORT_FLAVOUR_PCI_VF && p->vfnum >= 0)
		ret->vf = p->vfnum;
	ret->config.mask = ALL_FIELDS;
	ret->config.tx_share = d->tx_share;
	ret->config.tx_max = d->tx_max;
	snprintf(ret->config.parent, sizeof(ret->config.parent), "%s", d->parent);
}

static bool no_devlink(int r)
{
	return r == -EOPNOTSUPP || r == -EPROTONOSUPPORT || r == -ENOENT;
}

/* Not the request's fault: the host (or a built sysfs tree) has no devlink. */
static int no_devlink_here(struct sriov_ctx *ctx)
{
	char why[SRIOV_ERRBUF_LEN];

	memcpy(why, ctx->errbuf, sizeof(why));
	return sriov_err(ctx, ENXIO, "devlink is not available here: %.400s", why);
}

/* -ENODEV, with the reason, when pf has no devlink instance. */
static int pf_has_devlink(struct sriov_pf *pf, struct sriov_devlink *dl)
{
	int r = sriov_dl_dev_exists(dl, pf->bus, pf->dev_name);

	if (r == 0)
		return sriov_err(pf->ctx, ENODEV, "%s has no devlink instance (%s/%s)",
				 pf->dev_name, pf->bus, pf->dev_name);
	return r < 0 ? r : 0;
}

SRIOV_EXPORT int sriov_rate_list(struct sriov_ctx *ctx, struct sriov_pf *pf,
				 struct sriov_rate **ret_rates, size_t *ret_n)
{
	struct rate_view v = { 0 };
	struct sriov_pf *const *pfs = NULL;
	struct sriov_rate *out;
	size_t n_pfs = 0, n = 0;
	int r;

	if (!ctx || !ret_rates || !ret_n || (pf && pf->ctx != ctx))
		return -EINVAL;
	if (pf) {
		pfs = &pf;
		n_pfs = 1;
	} else if ((r = sriov_pf_list(ctx, &pfs, &n_pfs)) < 0) {
		return r;
	}
	r = view_load(ctx, &v, true);
	if (r < 0 && no_devlink(r) && !pf) {
		*ret_rates = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0 && no_devlink(r))
		r = no_devlink_here(ctx);
	if (r == 0 && pf)
		r = pf_has_devlink(pf, v.dl);
	if (r < 0) {
		view_clear(&v);
		return r;
	}
	out = calloc(v.n_rates ? v.n_rates : 1, sizeof(*out));
	if (!out) {
		view_clear(&v);
		return sriov_err(ctx, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < v.n_rates; i++)
		if (!pf || is_pf(pf, v.rates[i].bus, v.rates[i].dev))
			to_rate(&v, &v.rates[i], pfs, n_pfs, &out[n++]);
	view_clear(&v);
	*ret_rates = out;
	*ret_n = n;
	return 0;
}

/* Which of want's values r lacks. */
static uint32_t rate_diff(const struct sriov_dl_rate *r,
			  const struct sriov_rate_config *want)
{
	uint32_t d = 0;

	if ((want->mask & SRIOV_RATE_HAS_TX_SHARE) && r->tx_share != want->tx_share)
		d |= SRIOV_DL_RATE_SHARE;
	if ((want->mask & SRIOV_RATE_HAS_TX_MAX) && r->tx_max != want->tx_max)
		d |= SRIOV_DL_RATE_MAX;
	if ((want->mask & SRIOV_RATE_HAS_PARENT) && strcmp(r->parent, want->parent))
		d |= SRIOV_DL_RATE_PARENT;
	return d;
}

static void with_values(struct sriov_dl_rate *r, uint32_t mask,
			const struct sriov_rate_config *c)
{
	if (mask & SRIOV_DL_RATE_SHARE)
		r->tx_share = c->tx_share;
	if (mask & SRIOV_DL_RATE_MAX)
		r->tx_max = c->tx_max;
	if (mask & SRIOV_DL_RATE_PARENT)
		snprintf(r->parent, sizeof(r->parent), "%s", c->parent);
}

/*
 * Writes the values of mask from v to t. The kernel does not move an
 * object from one parent to another: it is taken from the old one first.
 */
static int write_values(struct sriov_devlink *dl, const struct sriov_dl_rate *t,
			uint32_t mask, const struct sriov_dl_rate *v,
			bool may_have_parent)
{
	struct sriov_dl_rate first = *v;
	int r;

	if (!(mask & SRIOV_DL_RATE_PARENT) || !v->parent[0] || !may_have_parent)
		return sriov_dl_rate_set(dl, t, mask, v);
	first.parent[0] = '\0';
	r = sriov_dl_rate_set(dl, t, mask, &first);
	return r < 0 ? r : sriov_dl_rate_set(dl, t, SRIOV_DL_RATE_PARENT, v);
}

/* Which values of a differ from b's. */
static uint32_t values_diff(const struct sriov_dl_rate *a,
			    const struct sriov_dl_rate *b)
{
	return (a->tx_share != b->tx_share ? SRIOV_DL_RATE_SHARE : 0) |
	       (a->tx_max != b->tx_max ? SRIOV_DL_RATE_MAX : 0) |
	       (strcmp(a->parent, b->parent) ? SRIOV_DL_RATE_PARENT : 0);
}

/* The object r names, in a dump. */
static const struct sriov_dl_rate *find_same(const struct sriov_dl_rate *v,
					     size_t n, const struct sriov_dl_rate *r)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].node == r->node && !strcmp(v[i].bus, r->bus) &&
		    !strcmp(v[i].dev, r->dev) &&
		    (r->node ? !strcmp(v[i].name, r->name)
			     : v[i].port_index == r->port_index))
			return &v[i];
	return NULL;
}

/*
 * Sets objects before[n-1] ... before[0] back to those values, where a
 * dump says they differ (the kernel applies a request's values one by one,
 * so a refused one may have left others changed); best effort, keeping
 * the first error's text.
 */
static void set_back(struct sriov_ctx *ctx, struct sriov_devlink *dl,
		     const struct sriov_dl_rate *before, const uint32_t *mask,
		     size_t n)
{
	char saved[SRIOV_ERRBUF_LEN];
	struct sriov_dl_rate *now = NULL;
	size_t n_now = 0;
	bool failed = false;
	int r;

	memcpy(saved, ctx->errbuf, sizeof(saved));
	r = sriov_dl_rate_dump(dl, &now, &n_now);
	for (size_t i = n; i-- > 0;) {
		const struct sriov_dl_rate *o = r == 0 ? find_same(now, n_now, &before[i]) : NULL;
		uint32_t d = o ? values_diff(o, &before[i]) & mask[i] : mask[i];

		if (d && write_values(dl, &before[i], d, &before[i], true) < 0 && !failed) {
			size_t len = strlen(saved);
			int w = snprintf(saved + len, sizeof(saved) - len,
					 "; setting it back failed too: %.200s", ctx->errbuf);

			(void)w;
			failed = true;
		}
	}
	free(now);
	memcpy(ctx->errbuf, saved, sizeof(saved));
}

/* The parent named in want must be a node of pf's instance. */
static int check_parent(struct sriov_pf *pf, const struct rate_view *v,
			const struct sriov_rate_config *want, const char *self)
{
	if (!(want->mask & SRIOV_RATE_HAS_PARENT) || !want->parent[0])
		return 0;
	if (self && !strcmp(self, want->parent))
		return sriov_err(pf->ctx, EINVAL, "rate node %s cannot be its own parent",
				 self);
	if (!find_node(v, pf, want->parent))
		return sriov_err(pf->ctx, ENODEV,
				 "rate node \"%s\" does not exist on %s/%s; add it with sriovctl rate add %s/%s",
				 want->parent, pf->bus, pf->dev_name, user_name(pf),
				 want->parent);
	return 0;
}

static int check_config(struct sriov_ctx *ctx, const struct sriov_rate_config *c)
{
	if (!c || (c->mask & ~ALL_FIELDS))
		return sriov_err(ctx, EINVAL, "invalid rate settings");
	if ((c->mask & SRIOV_RATE_HAS_PARENT) &&
	    !memchr(c->parent, '\0', sizeof(c->parent)))
		return sriov_err(ctx, EINVAL, "invalid rate node name");
	if ((c->mask & (SRIOV_RATE_HAS_TX_SHARE | SRIOV_RATE_HAS_TX_MAX)) ==
		    (SRIOV_RATE_HAS_TX_SHARE | SRIOV_RATE_HAS_TX_MAX) &&
	    c->tx_max && c->tx_share > c->tx_max)
		return sriov_err(ctx, EINVAL, "tx_share is above tx_max");
	return 0;
}

static int view_for_change(struct sriov_ctx *ctx, struct rate_view *v)
{
	int r = view_load(ctx, v, true);

	if (r < 0 && no_devlink(r))
		return no_devlink_here(ctx);
	return r;
}

static void vf_change(const struct rate_view *v, struct sriov_vf *vf,
		      const struct sriov_dl_rate *before,
		      const struct sriov_dl_rate *after, uint32_t diff,
		      struct sriov_rate_change *ch)
{
	struct sriov_pf *pf = vf->pf;

	to_rate(v, before, &pf, 1, &ch->before);
	to_rate(v, after, &pf, 1, &ch->after);
	ch->before.vf = ch->after.vf = (int)vf->info.index;
	ch->existed = ch->exists = true;
	ch->changed = diff;
}

static int no_leaf(struct sriov_vf *vf)
{
	struct sriov_pf *pf = vf->pf;

	return sriov_err(pf->ctx, EOPNOTSUPP,
			 "VF %u of %s has no devlink rate leaf: rates are set through devlink in switchdev mode (sriovctl pf set %s eswitch switchdev)",
			 vf->info.index, user_name(pf), user_name(pf));
}

/* Locks the PFs of vfs[0..n), each once; fds[] as long as vfs. */
static int lock_pfs(struct sriov_vf *const *vfs, size_t n, int *fds)
{
	int r = 0;

	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen = seen || vfs[j]->pf == vfs[i]->pf;
		if (!seen)
			r = sriov_lock_name(vfs[i]->pf->ctx, vfs[i]->pf->dev_name,
					    &fds[i]);
	}
	return r;
}

static void unlock_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sriov_unlock(fds[i]);
}

/* Writes each leaf's differences; on a refusal sets back what was written. */
static int write_leaves(struct sriov_ctx *ctx, struct sriov_devlink *dl,
			const struct sriov_dl_rate *before, const uint32_t *diff,
			size_t n, const struct sriov_rate_config *want)
{
	int r = 0;
	size_t i;

	for (i = 0; r == 0 && i < n; i++) {
		struct sriov_dl_rate v = before[i];

		if (!diff[i])
			continue;
		with_values(&v, diff[i], want);
		r = write_values(dl, &before[i], diff[i], &v, before[i].parent[0]);
	}
	if (r < 0)
		set_back(ctx, dl, before, diff, i);
	return r;
}

/* Reads the leaves again; each must hold what was asked. */
static int verify_leaves(struct sriov_ctx *ctx, struct rate_view *v,
			 struct sriov_vf *const *vfs, size_t n,
			 const struct sriov_dl_rate *before, const uint32_t *diff,
			 const struct sriov_rate_config *want,
			 struct sriov_rate_change *ch)
{
	int r;

	view_clear(v);
	r = view_load(ctx, v, true);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct sriov_dl_rate *now = find_leaf(v, vfs[i]);

		if (!now)
			return no_leaf(vfs[i]);
		if (rate_diff(now, want))
			return sriov_err(ctx, EIO,
					 "VF %u of %s: the rate did not take (read back tx_share %llu tx_max %llu parent \"%s\")",
					 vfs[i]->info.index, user_name(vfs[i]->pf),
					 (unsigned long long)now->tx_share,
					 (unsigned long long)now->tx_max, now->parent);
		vf_change(v, vfs[i], &before[i], now, diff[i], &ch[i]);
	}
	return r;
}

SRIOV_EXPORT int sriov_vf_set_rate(struct sriov_vf *const *vfs, size_t n,
				   const struct sriov_rate_config *desired,
				   bool dry_run,
				   struct sriov_rate_change **ret_changes)
{
	_cleanup_free_ struct sriov_dl_rate *before = NULL;
	_cleanup_free_ uint32_t *diff = NULL;
	_cleanup_free_ int *fds = NULL;
	struct sriov_rate_change *ch = NULL;
	struct rate_view v = { 0 };
	struct sriov_ctx *ctx;
	int r;

	if (!vfs || !n || !vfs[0] || !ret_changes)
		return -EINVAL;
	ctx = vfs[0]->pf->ctx;
	r = check_config(ctx, desired);
	if (r == 0)
		r = view_for_change(ctx, &v);
	if (r < 0)
		return r;
	before = calloc(n, sizeof(*before));
	diff = calloc(n, sizeof(*diff));
	fds = calloc(n, sizeof(*fds));
	ch = calloc(n, sizeof(*ch));
	if (!before || !diff || !fds || !ch)
		r = sriov_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct sriov_dl_rate *leaf = find_leaf(&v, vfs[i]);
		struct sriov_dl_rate planned;

		r = leaf ? check_parent(vfs[i]->pf, &v, desired, NULL) : no_leaf(vfs[i]);
		if (r < 0)
			break;
		before[i] = planned = *leaf;
		diff[i] = rate_diff(leaf, desired);
		with_values(&planned, diff[i], desired);
		vf_change(&v, vfs[i], leaf, &planned, diff[i], &ch[i]);
	}
	if (r == 0 && !dry_run) {
		r = lock_pfs(vfs, n, fds);
		if (r == 0)
			r = write_leaves(ctx, v.dl, before, diff, n, desired);
		unlock_all(fds, n);
		if (r == 0)
			r = verify_leaves(ctx, &v, vfs, n, before, diff, desired, ch);
	}
	view_clear(&v);
	if (r < 0) {
		free(ch);
		return r;
	}
	*ret_changes = ch;
	return 0;
}

_Static_assert(SRIOV_RATE_HAS_TX_SHARE == SRIOV_DL_RATE_SHARE &&
	       SRIOV_RATE_HAS_TX_MAX == SRIOV_DL_RATE_MAX &&
	       SRIOV_RATE_HAS_PARENT == SRIOV_DL_RATE_PARENT,
	       "the public and devlink masks are the same bits");

/* The kernel refuses empty and all-digit names; the rest keeps them printable. */
static int check_node_name(struct sriov_ctx *ctx, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= SRIOV_RATE_NAME_STRLEN ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_-.") != len ||
	    strspn(name, "0123456789") == len)
		return sriov_err(ctx, EINVAL,
				 "invalid rate node name \"%s\": 1 to %d letters, digits, '_', '-' or '.', not only digits",
				 name ? name : "", SRIOV_RATE_NAME_STRLEN - 1);
	return 0;
}

static void node_ident(const struct sriov_pf *pf, const char *name,
		       struct sriov_dl_rate *ret)
{
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->bus, sizeof(ret->bus), "%s", pf->bus);
	snprintf(ret->dev, sizeof(ret->dev), "%s", pf->dev_name);
	ret->node = true;
	snprintf(ret->name, sizeof(ret->name), "%s", name);
}

static int node_begin(struct sriov_pf *pf, const char *name,
		      struct rate_view *v, struct sriov_rate_change *ch)
{
	int r = check_node_name(pf->ctx, name);

	if (r == 0)
		r = view_for_change(pf->ctx, v);
	if (r == 0)
		r = pf_has_devlink(pf, v->dl);
	memset(ch, 0, sizeof(*ch));
	return r;
}

static int node_readback(struct sriov_pf *pf, struct rate_view *v,
			 const char *name, const struct sriov_rate_config *want,
			 struct sriov_rate_change *ch)
{
	const struct sriov_dl_rate *now;
	int r;

	view_clear(v);
	r = view_load(pf->ctx, v, false);
	if (r < 0)
		return r;
	now = find_node(v, pf, name);
	if (!want && now)
		return sriov_err(pf->ctx, EIO, "rate node %s/%s/%s is still there",
				 pf->bus, pf->dev_name, name);
	if (want && (!now || rate_diff(now, want)))
		return sriov_err(pf->ctx, EIO, "rate node %s/%s/%s did not take its values",
				 pf->bus, pf->dev_name, name);
	if (now)
		to_rate(v, now, &pf, 1, &ch->after);
	return 0;
}

static int node_write(struct sriov_pf *pf, struct sriov_devlink *dl,
		      const struct sriov_dl_rate *node,
		      const struct sriov_dl_rate *planned, uint32_t diff)
{
	int fd = -1;
	int r = sriov_lock_name(pf->ctx, pf->dev_name, &fd);

	if (r == 0 && !node) {
		r = sriov_dl_rate_new(dl, planned, diff);
	} else if (r == 0) {
		r = write_values(dl, node, diff, planned, node->parent[0]);
		if (r < 0)
			set_back(pf->ctx, dl, node, &diff, 1);
	}
	sriov_unlock(fd);
	return r;
}

SRIOV_EXPORT int sriov_pf_rate_node_set(struct sriov_pf *pf, const char *name,
					const struct sriov_rate_config *cfg,
					bool create_only, bool dry_run,
					struct sriov_rate_change *ret_change)
{
	struct sriov_rate_change ch;
	struct sriov_dl_rate planned, *node;
	struct rate_view v = { 0 };
	uint32_t diff;
	int r;

	if (!pf || !ret_change)
		return -EINVAL;
	r = node_begin(pf, name, &v, &ch);
	if (r == 0)
		r = check_config(pf->ctx, cfg);
	if (r == 0)
		r = check_parent(pf, &v, cfg, name);
	node = r == 0 ? find_node(&v, pf, name) : NULL;
	if (r == 0 && node && create_only)
		r = sriov_err(pf->ctx, EEXIST,
			      "rate node %s/%s/%s exists; change it with sriovctl rate set %s/%s",
			      pf->bus, pf->dev_name, name, user_name(pf), name);
	if (r < 0) {
		view_clear(&v);
		return r;
	}
	node_ident(pf, name, &planned);
	if (node)
		planned = *node;
	diff = node ? rate_diff(node, cfg)
		    : cfg->mask & ~(cfg->parent[0] ? 0 : SRIOV_RATE_HAS_PARENT);
	with_values(&planned, diff, cfg);
	to_rate(&v, node ? node : &planned, &pf, 1, &ch.before);
	to_rate(&v, &planned, &pf, 1, &ch.after);
	ch.existed = node != NULL;
	ch.exists = true;
	ch.changed = node ? diff : cfg->mask;
	if (!dry_run && (diff || !node))
		r = node_write(pf, v.dl, node, &planned, diff);
	if (r == 0 && !dry_run)
		r = node_readback(pf, &v, name, cfg, &ch);
	view_clear(&v);
	if (r == 0)
		*ret_change = ch;
	return r;
}

/* A node with children is not deleted: the kernel would refuse it too. */
static int check_children(struct sriov_pf *pf, const struct rate_view *v,
			  const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_rates; i++)
		n += is_pf(pf, v->rates[i].bus, v->rates[i].dev) &&
		     !strcmp(v->rates[i].parent, name);
	if (n)
		return sriov_err(pf->ctx, EBUSY,
				 "rate node %s/%s/%s has %zu children: give them another parent or none first (sriovctl rate set ... noparent)",
				 pf->bus, pf->dev_name, name, n);
	return 0;
}

SRIOV_EXPORT int sriov_pf_rate_node_del(struct sriov_pf *pf, const char *name,
					bool dry_run,
					struct sriov_rate_change *ret_change)
{
	struct sriov_rate_change ch;
	struct sriov_dl_rate *node = NULL, ident;
	struct rate_view v = { 0 };
	int r, fd = -1;

	if (!pf || !ret_change)
		return -EINVAL;
	r = node_begin(pf, name, &v, &ch);
	if (r == 0 && (node = find_node(&v, pf, name)))
		r = check_children(pf, &v, name);
	if (r == 0) {
		node_ident(pf, name, &ident);
		to_rate(&v, node ? node : &ident, &pf, 1, &ch.before);
		ch.after = ch.before;
		ch.existed = node != NULL;
		ch.changed = node ? ALL_FIELDS : 0;
	}
	if (r == 0 && node && !dry_run) {
		r = sriov_lock_name(pf->ctx, pf->dev_name, &fd);
		if (r == 0)
			r = sriov_dl_rate_del(v.dl, node);
		sriov_unlock(fd);
		if (r == 0)
			r = node_readback(pf, &v, name, NULL, &ch);
	}
	view_clear(&v);
	if (r == 0)
		*ret_change = ch;
	return r;
}

int sriov_pf_eswitch_is_switchdev(struct sriov_pf *pf)
{
	struct sriov_eswitch_info e;
	char saved[SRIOV_ERRBUF_LEN];
	int r;

	/* asked while reporting another error: keep that one's text */
	memcpy(saved, pf->ctx->errbuf, sizeof(saved));
	r = sriov_pf_read_eswitch(pf, &e);
	memcpy(pf->ctx->errbuf, saved, sizeof(saved));
	if (r < 0)
		return r;
	return e.mode == SRIOV_ESWITCH_SWITCHDEV;
}
