/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings over rtnetlink: read once per PF, write what differs, verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink_rate.h"
#include "rtnl.h"
#include "sysfs.h"
#include "vffield.h"

#define FIELD_BITS 16

void sriov_rtnl_ctx_cleanup(struct sriov_ctx *ctx)
{
	sriov_rtnl_close(ctx->rtnl);
	ctx->rtnl = NULL;
}

int sriov_ctx_rtnl(struct sriov_ctx *ctx, struct sriov_rtnl **ret)
{
	int r = 0;

	if (!ctx->rtnl && ctx->rtnl_transport)
		r = sriov_rtnl_open_transport(ctx, ctx->rtnl_transport,
					      ctx->rtnl_transport_data, &ctx->rtnl);
	else if (!ctx->rtnl && !ctx->live)
		return sriov_err(ctx, EOPNOTSUPP,
				 "VF settings and MTUs are set on the running kernel over rtnetlink; not with sysfs root %s",
				 ctx->sysfs_root);
	else if (!ctx->rtnl)
		r = sriov_rtnl_open(ctx, &ctx->rtnl);
	if (r == 0)
		*ret = ctx->rtnl;
	return r;
}

/*
 * The PF's netdev as its device lists it now: the name read with the PF,
 * or, when that netdev was renamed since, the device's first one.
 */
int sriov_pf_netdev_now(const struct sriov_pf *pf, char *buf, size_t size)
{
	char path[SYSFS_PATH_MAX], **names = NULL;
	size_t n = 0;
	int r = sriov_sysfs_bus_dev_path(pf->ctx, pf->bus, pf->dev_name, "net",
					 path, sizeof(path));

	if (r == 0)
		r = sriov_sysfs_list(pf->ctx, path, &names, &n);
	if (r == 0 && n == 0)
		r = -ENOENT;
	if (r == 0) {
		size_t k = 0;

		while (k < n && strcmp(names[k], pf->info.netdevs[0]))
			k++;
		snprintf(buf, size, "%s", names[k < n ? k : 0]);
	}
	sriov_sysfs_names_free(names);
	return r;
}

/* Read at each use, from the PF's device: a rename cannot redirect it. */
int sriov_pf_ifindex(struct sriov_pf *pf, int *ret)
{
	char ifname[64], path[SYSFS_PATH_MAX], buf[32];
	unsigned long v;
	int r;

	if (!pf->info.netdevs[0])
		return sriov_err(pf->ctx, ENODEV,
				 "%s has no network interface: VF settings are set through the PF's netdev",
				 pf->info.pci);
	r = sriov_pf_netdev_now(pf, ifname, sizeof(ifname));
	if (r < 0)
		return sriov_err(pf->ctx, -r, "%s: its network interface %s is gone",
				 pf->dev_name, pf->info.netdevs[0]);
	if (strcmp(ifname, pf->info.netdevs[0]))
		sriov_log(pf->ctx, SRIOV_LOG_INFO, "%s: %s is now called %s",
			  pf->dev_name, pf->info.netdevs[0], ifname);
	{
		const char *comps[] = { "bus", pf->bus, "devices", pf->dev_name,
					"net", ifname, "ifindex", NULL };

		r = sriov_sysfs_join(pf->ctx, path, sizeof(path), comps);
	}
	if (r == 0)
		r = sriov_sysfs_read(pf->ctx, path, buf, sizeof(buf), false);
	if (r < 0)
		return r;
	if (sriov_parse_uint(buf, 10, 0x7fffffff, &v) < 0)
		return sriov_err(pf->ctx, EINVAL, "%s: bad ifindex \"%s\"", ifname,
				 buf);
	*ret = (int)v;
	return 0;
}

/*
 * PF drivers that refuse VF settings, or drop them, while the PF's netdev
 * is down (sriovctl-vf(8), NOTES): bnxt_en answers EINVAL ("vf ndo called
 * though PF is down"), bnx2x likewise ("PF is down").
 */
static const char *const needs_link_up[] = { "bnxt_en", "bnx2x", NULL };

static bool netdev_attr_is(struct sriov_pf *pf, const char *ifname,
			   const char *attr, char *buf, size_t size)
{
	const char *comps[] = { "bus", pf->bus, "devices", pf->dev_name, "net",
				ifname, attr, NULL };
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_join(pf->ctx, path, sizeof(path), comps) == 0 &&
	       sriov_sysfs_read(pf->ctx, path, buf, size, true) >= 0;
}

/*
 * When pf's driver needs its link up for VF settings and the netdev is
 * down (IFF_UP off, or operstate down), what to tell the user in buf;
 * false otherwise.
 */
static bool pf_link_hint(struct sriov_pf *pf, char *buf, size_t size)
{
	char ifname[64], v[32];
	unsigned long flags;
	bool down = false;
	size_t k = 0;

	if (!pf->info.driver || !pf->info.netdevs[0])
		return false;
	while (needs_link_up[k] && strcmp(needs_link_up[k], pf->info.driver))
		k++;
	if (!needs_link_up[k] || sriov_pf_netdev_now(pf, ifname, sizeof(ifname)) < 0)
		return false;
	if (netdev_attr_is(pf, ifname, "flags", v, sizeof(v)) &&
	    sriov_parse_uint(v, 16, 0xffffffff, &flags) == 0)
		down = !(flags & 0x1); /* IFF_UP */
	if (!down && netdev_attr_is(pf, ifname, "operstate", v, sizeof(v)))
		down = !strcmp(v, "down");
	if (down)
		snprintf(buf, size,
			 "%s (%s): its link is down and %s refuses or drops VF settings while it is; bring it up first: ip link set %s up",
			 pf->dev_name, ifname, pf->info.driver, ifname);
	return down;
}

/* The VF settings of pf, whose netdev is ifindex, into its VFs. */
static int read_vf_config_at(struct sriov_pf *pf, struct sriov_rtnl *nl,
			     int ifindex, bool stats)
{
	struct sriov_vf_config *cfg = NULL;
	size_t n = 0;
	int r = sriov_rtnl_get_vfs(nl, ifindex, stats, &cfg, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < pf->n_vfs; i++) {
		if (!pf->vfs[i])
			continue;
		pf->vfs[i]->has_config = i < n;
		if (i < n)
			pf->vfs[i]->config = cfg[i];
	}
	free(cfg);
	return 0;
}

SRIOV_EXPORT int sriov_pf_read_vf_config(struct sriov_pf *pf, bool stats)
{
	struct sriov_rtnl *nl;
	int ifindex, r;

	if (!pf)
		return -EINVAL;
	r = sriov_pf_ifindex(pf, &ifindex);
	if (r == 0)
		r = sriov_ctx_rtnl(pf->ctx, &nl);
	return r < 0 ? r : read_vf_config_at(pf, nl, ifindex, stats);
}

SRIOV_EXPORT const struct sriov_vf_config *
sriov_vf_get_config(const struct sriov_vf *vf)
{
	return vf && vf->has_config ? &vf->config : NULL;
}

static int bit_index(uint32_t bit)
{
	return __builtin_ctz(bit);
}

SRIOV_EXPORT int sriov_vf_config_check(struct sriov_ctx *ctx,
				       const struct sriov_vf_config *c)
{
	char mac[SRIOV_VF_VALUE_STRLEN];

	if ((c->mask & SRIOV_VF_HAS_MAC) && (c->mac[0] & 1)) {
		sriov_vf_key_format(&sriov_vf_field_def(SRIOV_VF_HAS_MAC)->pub, c,
				    mac, sizeof(mac));
		return sriov_err(ctx, EINVAL,
				 "%s is a multicast address; a VF needs a unicast MAC",
				 mac);
	}
	if (c->mask & SRIOV_VF_HAS_VLAN) {
		if (c->vlan > 4095)
			return sriov_err(ctx, ERANGE, "VLAN %u is out of range 0-4095",
					 c->vlan);
		if (c->qos > 7)
			return sriov_err(ctx, ERANGE, "QoS %u is out of range 0-7",
					 c->qos);
		if (c->vlan_proto && c->vlan_proto != SRIOV_VLAN_PROTO_8021Q &&
		    c->vlan_proto != SRIOV_VLAN_PROTO_8021AD)
			return sriov_err(ctx, EINVAL,
					 "VLAN protocol 0x%04x is neither 802.1Q nor 802.1ad",
					 c->vlan_proto);
	}
	if ((c->mask & SRIOV_VF_HAS_LINK_STATE) &&
	    c->link_state > SRIOV_LINK_STATE_DISABLE)
		return sriov_err(ctx, EINVAL, "unknown link state %d",
				 (int)c->link_state);
	if ((c->mask & SRIOV_VF_HAS_MIN_TX_RATE) &&
	    (c->mask & SRIOV_VF_HAS_MAX_TX_RATE) && c->max_tx_rate &&
	    c->min_tx_rate > c->max_tx_rate)
		return sriov_err(ctx, EINVAL,
				 "min-tx-rate %u is above max-tx-rate %u",
				 c->min_tx_rate, c->max_tx_rate);
	return 0;
}

/* The wanted fields that the current settings do not already have. */
uint32_t sriov_vf_config_diff(const struct sriov_vf_config *cur,
			      const struct sriov_vf_config *want)
{
	uint32_t diff = 0;

	for (uint32_t bit = 1; bit & SRIOV_RTNL_SETTABLE; bit <<= 1)
		if ((want->mask & bit) &&
		    (!(cur->mask & bit) || !sriov_vf_field_equal(cur, want, bit)))
			diff |= bit;
	return diff;
}

#define RATES (SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE)

/* What to send for one VF: the differing fields; rates always travel as a pair. */
static int plan_vf(struct sriov_ctx *ctx, const struct sriov_vf_change *ch,
		   const struct sriov_vf_config *want,
		   struct sriov_rtnl_vf_set *set)
{
	uint32_t diff = sriov_vf_config_diff(&ch->before, want);

	set->vf = ch->vf->info.index;
	set->cfg = *want;
	set->cfg.mask = diff;
	if (diff & RATES) {
		if (!(want->mask & SRIOV_VF_HAS_MIN_TX_RATE))
			set->cfg.min_tx_rate = ch->before.min_tx_rate;
		if (!(want->mask & SRIOV_VF_HAS_MAX_TX_RATE))
			set->cfg.max_tx_rate = ch->before.max_tx_rate;
		set->cfg.mask |= RATES;
		if (set->cfg.max_tx_rate &&
		    set->cfg.min_tx_rate > set->cfg.max_tx_rate)
			return sriov_err(ctx, EINVAL,
					 "VF %u: min-tx-rate %u would be above max-tx-rate %u",
					 set->vf, set->cfg.min_tx_rate,
					 set->cfg.max_tx_rate);
	}
	return 0;
}

SRIOV_EXPORT void
sriov_vf_change_report_free(struct sriov_vf_change_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		for (size_t e = 0; e < rep->vfs[i].n_errors; e++)
			free((char *)rep->vfs[i].errors[e].message);
		free((void *)rep->vfs[i].errors);
	}
	free(rep->vfs);
	free(rep);
}

SRIOV_EXPORT int sriov_vf_change_error(const struct sriov_vf_change *ch,
				       uint32_t field, const char **ret_message)
{
	for (size_t e = 0; ch && e < ch->n_errors; e++)
		if (ch->errors[e].field == field) {
			if (ret_message)
				*ret_message = ch->errors[e].message;
			return ch->errors[e].error;
		}
	if (ret_message)
		*ret_message = NULL;
	return 0;
}

/* The entry of bit in ch->errors, added in bit order when missing. */
static struct sriov_vf_field_error *error_slot(struct sriov_vf_change *ch,
					      uint32_t bit)
{
	struct sriov_vf_field_error *errs = (struct sriov_vf_field_error *)ch->errors;
	size_t at = 0;

	while (at < ch->n_errors && errs[at].field < bit)
		at++;
	if (at < ch->n_errors && errs[at].field == bit)
		return &errs[at];
	errs = realloc(errs, (ch->n_errors + 1) * sizeof(*errs));
	if (!errs)
		return NULL;
	memmove(errs + at + 1, errs + at, (ch->n_errors - at) * sizeof(*errs));
	errs[at] = (struct sriov_vf_field_error){ .field = bit };
	ch->errors = errs;
	ch->n_errors++;
	return &errs[at];
}

static void change_fail(struct sriov_vf_change *ch, uint32_t bit, int err,
			const char *msg)
{
	struct sriov_vf_field_error *e = error_slot(ch, bit);

	ch->failed |= bit;
	ch->changed &= ~bit;
	if (!e)
		return;
	e->error = err;
	free((char *)e->message);
	e->message = strdup(msg && *msg ? msg : strerror(-err));
}

static bool pf_seen_before(struct sriov_vf *const *vfs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (vfs[j]->pf == vfs[i]->pf)
			return true;
	return false;
}

/* Reads each PF once and plans every VF; nothing is written here. */
static int plan_all(struct sriov_vf *const *vfs,
		    const struct sriov_vf_config *desired, size_t n, bool read,
		    struct sriov_vf_change *ch, struct sriov_rtnl_vf_set *sets)
{
	for (size_t i = 0; i < n; i++) {
		struct sriov_pf *pf = vfs[i]->pf;
		int r = sriov_vf_config_check(pf->ctx, &desired[i]);

		/* the first VF of each PF reads the whole PF (unless read already) */
		if (r == 0 && !pf_seen_before(vfs, i)) {
			char hint[320];

			if (pf_link_hint(pf, hint, sizeof(hint)))
				sriov_note(pf->ctx, "%s", hint);
			if (read)
				r = sriov_pf_read_vf_config(pf, false);
		}
		if (r < 0)
			return r;
		ch[i].vf = vfs[i];
		if (!vfs[i]->has_config)
			return sriov_err(pf->ctx, ENODEV,
					 "%s did not report VF %u over rtnetlink",
					 pf->info.pci, vfs[i]->info.index);
		ch[i].before = vfs[i]->config;
		/* VFs with nothing to write stay as they are */
		ch[i].after = ch[i].before;
		r = plan_vf(pf->ctx, &ch[i], &desired[i], &sets[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *vf_pf_name(const struct sriov_vf *vf)
{
	return vf->pf->info.pci[0] ? vf->pf->info.pci : vf->pf->dev_name;
}

/*
 * A VLAN clear the driver answered with EPERM, while the VF reads back
 * VLAN 0: the driver cannot set it from the host, and it is clear. Taken
 * as done, with a note.
 */
static bool vlan_clear_tolerated(const struct sriov_vf_change *ch,
				 const struct sriov_rtnl_vf_set *set,
				 const struct sriov_rtnl_vf_result *res,
				 uint32_t bit)
{
	const struct sriov_vf_config *a = &ch->after;

	if (bit != SRIOV_VF_HAS_VLAN || res->error[bit_index(bit)] != -EPERM ||
	    set->cfg.vlan || set->cfg.qos || !(a->mask & SRIOV_VF_HAS_VLAN) ||
	    a->vlan || a->qos)
		return false;
	sriov_note(ch->vf->pf->ctx,
		   "%s VF %u: the driver refused clearing the VLAN (EPERM) but the VF reads back VLAN 0: taken as cleared",
		   vf_pf_name(ch->vf), ch->vf->info.index);
	return true;
}

static void verify_vf(struct sriov_vf_change *ch,
		      const struct sriov_rtnl_vf_set *set,
		      const struct sriov_rtnl_vf_result *res)
{
	const struct sriov_vf *vf = ch->vf;

	ch->after = vf->has_config ? vf->config : ch->before;
	for (uint32_t bit = 1; bit & SRIOV_RTNL_SETTABLE; bit <<= 1) {
		char msg[128];

		if (!(set->cfg.mask & bit))
			continue;
		/* a rate that only travelled with its pair was not asked for */
		if ((bit & RATES) && (ch->before.mask & bit) &&
		    sriov_vf_field_equal(&ch->before, &set->cfg, bit))
			continue;
		if (res && (res->failed & bit) &&
		    vlan_clear_tolerated(ch, set, res, bit)) {
			if (ch->before.vlan || ch->before.qos)
				ch->changed |= bit;
		} else if (res && (res->failed & bit)) {
			change_fail(ch, bit, res->error[bit_index(bit)],
				    res->msg[bit_index(bit)]);
		} else if ((ch->after.mask & bit) &&
			   !sriov_vf_field_equal(&ch->after, &set->cfg, bit)) {
			snprintf(msg, sizeof(msg),
				 "the kernel accepted %s but reports another value",
				 sriov_vf_field_name(bit));
			change_fail(ch, bit, -EIO, msg);
		} else if (!(ch->before.mask & bit) ||
			   !sriov_vf_field_equal(&ch->before, &set->cfg, bit)) {
			ch->changed |= bit;
		}
	}
}

static void change_clear(struct sriov_vf_change *ch, uint32_t bit)
{
	struct sriov_vf_field_error *errs = (struct sriov_vf_field_error *)ch->errors;

	for (size_t e = 0; e < ch->n_errors; e++)
		if (errs[e].field == bit) {
			free((char *)errs[e].message);
			memmove(errs + e, errs + e + 1,
				(ch->n_errors - e - 1) * sizeof(*errs));
			ch->n_errors--;
			break;
		}
	ch->failed &= ~bit;
}

static const uint8_t alt_zero_mac[6] = { 0x02, 0, 0, 0, 0, 0 };

static bool mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !memcmp(mac, zero, sizeof(zero));
}

/* One PF's write: its sets (mine[0..k), of ch[idx[j]]) and where to send. */
struct pf_write {
	struct sriov_pf *pf;
	struct sriov_rtnl *nl;
	int ifindex;
	struct sriov_vf_change *ch;
	const size_t *idx;
	const struct sriov_rtnl_vf_set *mine;
	size_t k;
};

static void zero_mac_taken(struct sriov_vf_change *ch)
{
	const char *msg = NULL;
	int err = sriov_vf_change_error(ch, SRIOV_VF_HAS_MAC, &msg);
	char why[160];

	snprintf(why, sizeof(why), "%s%s%s", strerror(-err),
		 msg && *msg && strcmp(msg, strerror(-err)) ? ": " : "",
		 msg && strcmp(msg, strerror(-err)) ? msg : "");
	sriov_note(ch->vf->pf->ctx,
		   "%s VF %u: the driver refused MAC 00:00:00:00:00:00 (%s); set the locally administered 02:00:00:00:00:00 instead",
		   vf_pf_name(ch->vf), ch->vf->info.index, why);
	change_clear(ch, SRIOV_VF_HAS_MAC);
	memcpy(ch->after.mac, alt_zero_mac, sizeof(alt_zero_mac));
	ch->after.mask |= SRIOV_VF_HAS_MAC;
	if (!(ch->before.mask & SRIOV_VF_HAS_MAC) ||
	    memcmp(ch->before.mac, alt_zero_mac, sizeof(alt_zero_mac)))
		ch->changed |= SRIOV_VF_HAS_MAC;
}

/*
 * Drivers that refuse an all-zero MAC (i40e, ice ...) get, once, the
 * locally administered 02:00:00:00:00:00 instead, as libvirt does.
 */
static int retry_zero_macs(const struct pf_write *w)
{
	_cleanup_free_ struct sriov_rtnl_vf_set *alt = calloc(w->k, sizeof(*alt));
	_cleanup_free_ size_t *at = calloc(w->k, sizeof(*at));
	struct sriov_rtnl_vf_result *res = NULL;
	size_t m = 0, n_failed = 0;
	int r;

	if (!alt || !at)
		return -ENOMEM;
	for (size_t j = 0; j < w->k; j++) {
		if (!(w->ch[w->idx[j]].failed & SRIOV_VF_HAS_MAC) ||
		    !mac_is_zero(w->mine[j].cfg.mac))
			continue;
		alt[m].vf = w->mine[j].vf;
		alt[m].cfg.mask = SRIOV_VF_HAS_MAC;
		memcpy(alt[m].cfg.mac, alt_zero_mac, sizeof(alt_zero_mac));
		at[m++] = w->idx[j];
	}
	if (m == 0)
		return 0;
	r = sriov_rtnl_set_vfs(w->nl, w->ifindex, alt, m, &res, &n_failed);
	if (r == 0)
		r = read_vf_config_at(w->pf, w->nl, w->ifindex, false);
	for (size_t j = 0; r == 0 && j < m; j++) {
		const struct sriov_vf *vf = w->ch[at[j]].vf;

		if (!(res[j].failed & SRIOV_VF_HAS_MAC) && vf->has_config &&
		    !memcmp(vf->config.mac, alt_zero_mac, sizeof(alt_zero_mac)))
			zero_mac_taken(&w->ch[at[j]]);
	}
	sriov_rtnl_results_free(res, m);
	return r;
}

/* A PF whose link is down and whose driver needs it up: say so in errors. */
static int name_link_down(const struct pf_write *w, int r)
{
	char hint[320], err[SRIOV_ERRBUF_LEN];

	if (!pf_link_hint(w->pf, hint, sizeof(hint)))
		return r;
	if (r < 0) {
		snprintf(err, sizeof(err), "%s", w->pf->ctx->errbuf);
		return sriov_err(w->pf->ctx, -r, "%s; %s", err, hint);
	}
	for (size_t j = 0; j < w->k; j++) {
		struct sriov_vf_change *ch = &w->ch[w->idx[j]];
		struct sriov_vf_field_error *errs =
			(struct sriov_vf_field_error *)ch->errors;

		for (size_t e = 0; e < ch->n_errors; e++) {
			char *msg = NULL;

			if (asprintf(&msg, "%s; %s", errs[e].message ? errs[e].message : "",
				     hint) < 0)
				return -ENOMEM;
			free((char *)errs[e].message);
			errs[e].message = msg;
		}
	}
	return r;
}

/*
 * Drivers that keep VF rates in devlink rate objects in switchdev mode
 * (netdevsim, for one) refuse the legacy ones: say where they went.
 */
static void rates_in_switchdev(struct sriov_pf *pf, struct sriov_vf_change *ch,
			       int *switchdev)
{
	const char *name = pf->info.pci[0] ? pf->info.pci
			 : pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->dev_name;
	char msg[384];

	static const uint32_t rates[] = { SRIOV_VF_HAS_MIN_TX_RATE,
					  SRIOV_VF_HAS_MAX_TX_RATE };

	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		uint32_t bit = rates[i];
		const char *was = NULL;
		int err = sriov_vf_change_error(ch, bit, &was);

		if (!err)
			continue;
		if (*switchdev == -1)
			*switchdev = sriov_pf_eswitch_is_switchdev(pf) == 1;
		if (!*switchdev)
			return;
		snprintf(msg, sizeof(msg),
			 "%s: in switchdev mode VF rates are devlink rate objects; use sriovctl rate set %s#%u %s RATE",
			 was ? was : strerror(-err), name, ch->vf->info.index,
			 bit == SRIOV_VF_HAS_MIN_TX_RATE ? "tx-share" : "tx-max");
		change_fail(ch, bit, err, msg);
	}
}

/* Writes the planned sets of one PF under its lock and reads back. */
static int execute_pf(struct sriov_pf *pf, struct sriov_vf_change *ch,
		      const struct sriov_rtnl_vf_set *sets, size_t n, bool lock)
{
	_cleanup_free_ struct sriov_rtnl_vf_set *mine = NULL;
	_cleanup_free_ size_t *idx = NULL;
	struct sriov_rtnl_vf_result *res = NULL;
	struct pf_write w = { .pf = pf, .ch = ch };
	size_t k = 0, n_failed = 0;
	int lock_fd = -1, r, switchdev = -1;

	mine = calloc(n, sizeof(*mine));
	idx = calloc(n, sizeof(*idx));
	if (!mine || !idx)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (ch[i].vf->pf == pf && sets[i].cfg.mask) {
			idx[k] = i;
			mine[k++] = sets[i];
		}
	if (k == 0)
		return 0;
	w.idx = idx;
	w.mine = mine;
	w.k = k;
	r = sriov_pf_ifindex(pf, &w.ifindex);
	if (r == 0)
		r = sriov_ctx_rtnl(pf->ctx, &w.nl);
	if (r == 0 && lock)
		r = sriov_lock_name(pf->ctx, pf->dev_name, &lock_fd);
	if (r == 0)
		r = sriov_rtnl_set_vfs(w.nl, w.ifindex, mine, k, &res, &n_failed);
	/* the read back goes to the netdev just written, under the same lock */
	if (r == 0)
		r = read_vf_config_at(pf, w.nl, w.ifindex, false);
	for (size_t j = 0; r == 0 && j < k; j++)
		verify_vf(&ch[idx[j]], &mine[j], &res[j]);
	if (r == 0)
		r = retry_zero_macs(&w);
	sriov_unlock(lock_fd);
	for (size_t j = 0; r == 0 && j < k; j++)
		rates_in_switchdev(pf, &ch[idx[j]], &switchdev);
	if (res)
		sriov_rtnl_results_free(res, k);
	return name_link_down(&w, r);
}

/* What the VF would look like; rates sent only as a pair count as one. */
static void dry_run_vf(struct sriov_vf_change *ch,
		       const struct sriov_rtnl_vf_set *set)
{
	ch->after = ch->before;
	sriov_vf_config_copy(&ch->after, &set->cfg, set->cfg.mask);
	ch->changed = sriov_vf_config_diff(&ch->before, &set->cfg);
}

static int set_config(struct sriov_vf *const *vfs,
		      const struct sriov_vf_config *desired, size_t n,
		      bool dry_run, bool lock, bool read,
		      struct sriov_vf_change_report **ret_report)
{
	_cleanup_free_ struct sriov_rtnl_vf_set *sets = NULL;
	struct sriov_vf_change_report *rep;
	int r;

	if (!vfs || !desired || !ret_report || n == 0)
		return -EINVAL;
	rep = calloc(1, sizeof(*rep));
	sets = calloc(n, sizeof(*sets));
	if (rep)
		rep->vfs = calloc(n, sizeof(*rep->vfs));
	if (!rep || !sets || !rep->vfs) {
		sriov_vf_change_report_free(rep);
		return -ENOMEM;
	}
	rep->n = n;
	r = plan_all(vfs, desired, n, read, rep->vfs, sets);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (dry_run)
			dry_run_vf(&rep->vfs[i], &sets[i]);
		else if (!pf_seen_before(vfs, i))
			r = execute_pf(vfs[i]->pf, rep->vfs, sets, n, lock);
	}
	for (size_t i = 0; i < n; i++)
		rep->n_failed += rep->vfs[i].failed != 0;
	if (r < 0) {
		sriov_vf_change_report_free(rep);
		return r;
	}
	*ret_report = rep;
	return 0;
}

SRIOV_EXPORT int sriov_vf_set_config(struct sriov_vf *const *vfs,
				     const struct sriov_vf_config *desired,
				     size_t n, bool dry_run,
				     struct sriov_vf_change_report **ret_report)
{
	return set_config(vfs, desired, n, dry_run, true, true, ret_report);
}

int sriov_vf_set_config_locked(struct sriov_vf *const *vfs,
			       const struct sriov_vf_config *desired, size_t n,
			       bool dry_run,
			       struct sriov_vf_change_report **ret_report)
{
	return set_config(vfs, desired, n, dry_run, false, true, ret_report);
}

int sriov_vf_set_config_as_read(struct sriov_vf *const *vfs,
				const struct sriov_vf_config *desired, size_t n,
				struct sriov_vf_change_report **ret_report)
{
	return set_config(vfs, desired, n, false, true, false, ret_report);
}
