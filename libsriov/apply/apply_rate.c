/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rates of the embedded switch in a desired state: the PF's rate_nodes
 * and the tx_share, tx_max and rate_parent of its VFs (devlink rate
 * objects). Checked while planning: the PF must be in switchdev mode once
 * the file's eswitch step is done, and every parent must be a node of the
 * file or one the PF has. Planned from what the kernel reports, set
 * through the core (sriov_pf_rate_node_set(), sriov_vf_set_rate()) with
 * nodes before the nodes and leaves under them, the result rewritten from
 * what the core read back, undone leaves first. Values that are right
 * send nothing; nodes the file does not name are left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

#define RATE_ALL (SRIOV_RATE_HAS_TX_SHARE | SRIOV_RATE_HAS_TX_MAX | \
		  SRIOV_RATE_HAS_PARENT)

/* "NAME tx_share 100mbit tx_max 1gbit parent P" with the fields of mask. */
static int rate_text(const char *name, const struct sriov_rate_config *c,
		     uint32_t mask, const char **dst)
{
	char buf[256], v[40];
	size_t len = 0;

	buf[0] = '\0';
	if (name)
		len += (size_t)snprintf(buf, sizeof(buf), "%s", name);
	if ((mask & SRIOV_RATE_HAS_TX_SHARE) &&
	    sriov_rate_format(c->tx_share, v, sizeof(v)) == 0)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%stx_share %s", len ? " " : "", v);
	if ((mask & SRIOV_RATE_HAS_TX_MAX) && len < sizeof(buf) &&
	    sriov_rate_format(c->tx_max, v, sizeof(v)) == 0)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%stx_max %s", len ? " " : "", v);
	if ((mask & SRIOV_RATE_HAS_PARENT) && len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "%sparent %s",
			 len ? " " : "", c->parent[0] ? c->parent : "none");
	return sriov_apply_set_str(dst, buf);
}

static bool rate_differs(const struct sriov_rate_config *have,
			 const struct sriov_rate_config *want)
{
	return ((want->mask & SRIOV_RATE_HAS_TX_SHARE) &&
		have->tx_share != want->tx_share) ||
	       ((want->mask & SRIOV_RATE_HAS_TX_MAX) &&
		have->tx_max != want->tx_max) ||
	       ((want->mask & SRIOV_RATE_HAS_PARENT) &&
		strcmp(have->parent, want->parent));
}

/* The values after the change: the file's over what was there. */
static struct sriov_rate_config rate_merged(const struct sriov_rate_config *have,
					    const struct sriov_rate_config *want)
{
	struct sriov_rate_config c = *have;

	if (want->mask & SRIOV_RATE_HAS_TX_SHARE)
		c.tx_share = want->tx_share;
	if (want->mask & SRIOV_RATE_HAS_TX_MAX)
		c.tx_max = want->tx_max;
	if (want->mask & SRIOV_RATE_HAS_PARENT)
		memcpy(c.parent, want->parent, sizeof(c.parent));
	c.mask = RATE_ALL;
	return c;
}

static const struct want_node *file_node(const struct want_pf *w,
					 const char *name)
{
	for (size_t i = 0; i < w->n_nodes; i++)
		if (!strcmp(w->nodes[i].name, name))
			return &w->nodes[i];
	return NULL;
}

static const struct sriov_rate *have_node(const struct sriov_rate *rates,
					  size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (rates[i].is_node && !strcmp(rates[i].name, name))
			return &rates[i];
	return NULL;
}

static const struct sriov_rate *have_leaf(const struct sriov_rate *rates,
					  size_t n, int vf)
{
	for (size_t i = 0; i < n; i++)
		if (!rates[i].is_node && rates[i].vf == vf)
			return &rates[i];
	return NULL;
}

/* A parent is a node of the file or one the PF has; no loops. */
static int check_parents(struct apply_run *run, struct pf_plan *p,
			 const struct sriov_rate *rates, size_t n)
{
	const struct want_pf *w = p->want;

	for (size_t i = 0; i < w->n_nodes; i++) {
		const struct want_node *node = &w->nodes[i];
		const char *up = node->cfg.parent;

		if (!(node->cfg.mask & SRIOV_RATE_HAS_PARENT))
			continue;
		if (!file_node(w, up) && !have_node(rates, n, up))
			return sriov_apply_loc_err(run->ctx, EINVAL, &node->parent_loc,
						   node->path, "parent",
						   "rate node \"%s\" is neither in the file nor on %s",
						   up, p->name);
		/* a loop among the file's nodes */
		for (size_t k = 0; up[0] && k <= w->n_nodes; k++) {
			const struct want_node *u = file_node(w, up);

			if (!u || !(u->cfg.mask & SRIOV_RATE_HAS_PARENT))
				break;
			if (u == node || k == w->n_nodes)
				return sriov_apply_loc_err(run->ctx, EINVAL,
							   &node->parent_loc, node->path,
							   "parent",
							   "the parents of rate node \"%s\" make a loop",
							   node->name);
			up = u->cfg.parent;
		}
	}
	for (size_t v = 0; v < p->n_t; v++) {
		const struct vf_target *t = &p->t[v];

		if (!(t->rate.mask & SRIOV_RATE_HAS_PARENT) ||
		    file_node(w, t->rate.parent) ||
		    have_node(rates, n, t->rate.parent))
			continue;
		return sriov_apply_loc_err(run->ctx, EINVAL, &t->rate_from->rate_loc,
					   t->rate_from->path, "rate_parent",
					   "rate node \"%s\" is neither in the file nor on %s",
					   t->rate.parent, p->name);
	}
	return 0;
}

/* The eswitch mode the PF has once the file's eswitch step is done. */
static int mode_after(struct apply_run *run, struct pf_plan *p,
		      const struct apply_loc *loc, const char *path,
		      const char *key, int *ret_now)
{
	const struct want_pf *w = p->want;
	struct sriov_eswitch_info e;
	int r = sriov_pf_read_eswitch(p->pf, &e);

	if (r < 0)
		return sriov_apply_loc_err(run->ctx, -r, loc, path, key, "%s",
					   sriov_ctx_last_error(run->ctx));
	if (!e.handle[0])
		return sriov_apply_loc_err(run->ctx, EINVAL, loc, path, key,
					   "%s has no devlink instance: no rate objects to set",
					   p->name);
	*ret_now = e.mode;
	if (w->eswitch >= 0 && w->eswitch != SRIOV_ESWITCH_SWITCHDEV)
		return sriov_apply_loc_err(run->ctx, EINVAL, loc, path, key,
					   "rates need switchdev mode: the file sets %s to eswitch %s",
					   p->name, sriov_eswitch_mode_name(w->eswitch));
	if (w->eswitch < 0 && e.mode != SRIOV_ESWITCH_SWITCHDEV)
		return sriov_apply_loc_err(run->ctx, EINVAL, loc, path, key,
					   "rates need switchdev mode: %s is in %s mode (add \"eswitch: switchdev\")",
					   p->name, e.mode == SRIOV_NO_VALUE ? "no reported"
					   : sriov_eswitch_mode_name(e.mode));
	return 0;
}

/* Node steps, parents before the nodes under them. */
static int plan_nodes(struct apply_run *run, struct pf_plan *p,
		      const struct sriov_rate *rates, size_t n)
{
	const struct want_pf *w = p->want;
	bool *placed = calloc(w->n_nodes + 1, sizeof(*placed));
	size_t left = w->n_nodes;

	if (!placed)
		return -ENOMEM;
	while (left) {
		for (size_t i = 0; i < w->n_nodes; i++) {
			const struct want_node *node = &w->nodes[i];
			const struct want_node *up = (node->cfg.mask & SRIOV_RATE_HAS_PARENT)
				? file_node(w, node->cfg.parent) : NULL;
			const struct sriov_rate *have = have_node(rates, n, node->name);
			struct rate_step *s = &p->rates[p->n_rates];
			struct sriov_apply_result *res;
			struct sriov_rate_config after;
			int k;

			if (placed[i] || (up && !placed[up - w->nodes]))
				continue;
			placed[i] = true;
			left--;
			s->is_node = true;
			s->vf = -1;
			memcpy(s->name, node->name, sizeof(s->name));
			s->existed = have != NULL;
			s->want = node->cfg;
			if (have)
				s->before = have->config;
			s->before.mask = RATE_ALL;
			after = rate_merged(&s->before, &s->want);
			k = sriov_apply_result_add(run->rep, p->name, -1,
						   SRIOV_APPLY_RATE_NODE);
			if (k < 0) {
				free(placed);
				return k;
			}
			s->res = (size_t)k;
			p->n_rates++;
			res = &run->rep->results[k];
			if ((have && rate_text(node->name, &s->before, RATE_ALL,
					       &res->str_before) < 0) ||
			    rate_text(node->name, &after, RATE_ALL, &res->str_after) < 0) {
				free(placed);
				return -ENOMEM;
			}
			res->status = !have || rate_differs(&s->before, &s->want)
				? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
		}
	}
	free(placed);
	return 0;
}

static int plan_leaves(struct apply_run *run, struct pf_plan *p,
		       const struct sriov_rate *rates, size_t n)
{
	for (size_t v = 0; v < p->n_t; v++) {
		const struct vf_target *t = &p->t[v];
		const struct sriov_rate *have;
		struct rate_step *s = &p->rates[p->n_rates];
		struct sriov_apply_result *res;
		struct sriov_rate_config after;
		int k;

		if (!t->rate.mask)
			continue;
		/* new VFs have new leaves: nothing to read yet */
		have = p->recreate ? NULL : have_leaf(rates, n, (int)v);
		s->vf = (int)v;
		s->want = t->rate;
		if (have)
			s->before = have->config;
		s->before.mask = RATE_ALL;
		after = rate_merged(&s->before, &s->want);
		k = sriov_apply_result_add(run->rep, p->name, (int)v, SRIOV_APPLY_RATE);
		if (k < 0)
			return k;
		s->res = (size_t)k;
		p->n_rates++;
		res = &run->rep->results[k];
		if ((have && rate_text(NULL, &s->before, s->want.mask,
				       &res->str_before) < 0) ||
		    rate_text(NULL, &after, s->want.mask, &res->str_after) < 0)
			return -ENOMEM;
		res->status = !have || rate_differs(&s->before, &s->want)
			? SRIOV_APPLY_CHANGED : SRIOV_APPLY_OK;
	}
	return 0;
}

int sriov_apply_plan_rates(struct apply_run *run, struct pf_plan *p)
{
	const struct want_pf *w = p->want;
	const struct want_vf *first = NULL;
	struct sriov_rate *rates = NULL;
	size_t n = 0, n_leaves = 0;
	int now, r;

	for (size_t v = 0; v < p->n_t; v++)
		if (p->t[v].rate.mask) {
			first = first ? first : p->t[v].rate_from;
			n_leaves++;
		}
	if (!w->n_nodes && !n_leaves)
		return 0;
	r = w->n_nodes ? mode_after(run, p, &w->nodes_loc, w->path, "rate_nodes", &now)
		       : mode_after(run, p, &first->rate_loc, first->path, NULL, &now);
	if (r < 0)
		return r;
	/* in legacy mode now: the file's eswitch step brings empty leaves */
	if (now == SRIOV_ESWITCH_SWITCHDEV) {
		r = sriov_rate_list(run->ctx, p->pf, &rates, &n);
		if (r < 0)
			return sriov_apply_loc_err(run->ctx, -r, &w->loc, w->path, NULL,
						   "%s", sriov_ctx_last_error(run->ctx));
	}
	r = check_parents(run, p, rates, n);
	if (r == 0) {
		p->rates = calloc(w->n_nodes + n_leaves + 1, sizeof(*p->rates));
		r = p->rates ? 0 : -ENOMEM;
	}
	if (r == 0)
		r = plan_nodes(run, p, rates, n);
	if (r == 0)
		r = plan_leaves(run, p, rates, n);
	free(rates);
	return r;
}

/* Sets one step; before and the result's after from what the core read. */
static int set_step(struct apply_run *run, struct pf_plan *p,
		    struct rate_step *s, const struct sriov_rate_config *cfg,
		    struct sriov_rate_change *chg)
{
	struct sriov_rate_change *leaf = NULL;
	struct sriov_vf *vf;
	int r;

	if (s->is_node)
		return sriov_pf_rate_node_set(p->pf, s->name, cfg, false, false, chg);
	vf = sriov_pf_get_vf(p->pf, (unsigned int)s->vf);
	if (!vf)
		return sriov_err(run->ctx, ENODEV, "%s has no VF %d", p->name, s->vf);
	r = sriov_vf_set_rate(&vf, 1, cfg, false, &leaf);
	if (r == 0)
		*chg = leaf[0];
	free(leaf);
	return r;
}

int sriov_apply_exec_rates(struct apply_run *run, struct pf_plan *p)
{
	for (size_t i = 0; i < p->n_rates; i++) {
		struct rate_step *s = &p->rates[i];
		struct sriov_apply_result *res = &run->rep->results[s->res];
		struct sriov_rate_change chg;
		int r;

		if (!apply_is_changed(res))
			continue;
		memset(&chg, 0, sizeof(chg));
		r = set_step(run, p, s, &s->want, &chg);
		if (r < 0) {
			char why[200];

			snprintf(why, sizeof(why), "not done: %s of %s failed",
				 sriov_apply_action_name(res->action), p->name);
			for (size_t k = i + 1; k < p->n_rates; k++)
				if (apply_is_changed(&run->rep->results[p->rates[k].res]))
					sriov_apply_result_fail(&run->rep->results[p->rates[k].res],
								0, why);
			return apply_step_failed(run, res, r);
		}
		s->done = true;
		s->existed = chg.existed;
		s->before = chg.before.config;
		s->before.mask = RATE_ALL;
		if (rate_text(s->is_node ? s->name : NULL, &chg.after.config,
			      s->is_node ? RATE_ALL : s->want.mask, &res->str_after) < 0)
			return apply_step_failed(run, res, -ENOMEM);
	}
	return 0;
}

void sriov_apply_undo_rates(struct apply_undo *u)
{
	struct pf_plan *p = u->p;
	char why[SRIOV_ERRBUF_LEN + 64];

	/* leaves, then nodes under others before their parents */
	for (size_t i = p->n_rates; i-- > 0;) {
		struct rate_step *s = &p->rates[i];
		struct sriov_apply_result *res = &u->run->rep->results[s->res];
		struct sriov_rate_change chg;
		int r;

		if (!s->done)
			continue;
		if (s->is_node && !s->existed)
			r = sriov_pf_rate_node_del(p->pf, s->name, false, &chg);
		else
			r = set_step(u->run, p, s, &s->before, &chg);
		if (r < 0) {
			snprintf(why, sizeof(why), "the change stays: rolling back failed: %s",
				 sriov_ctx_last_error(u->run->ctx));
			sriov_apply_result_fail(res, r, why);
			u->failed = true;
			continue;
		}
		s->done = false;
		snprintf(why, sizeof(why), "rolled back: %s", u->cause);
		sriov_apply_result_fail(res, 0, why);
		res->rolled_back = true;
	}
}
