/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VF settings a release gives back before the host driver takes the
 * VF again: the journal's (or a claim's), safe defaults for what they
 * lack, all VFs of a PF in one request, under the locks the call holds;
 * and once the host driver has it, the MTU of its netdev.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "ready.h"
#include "sysfs.h"

#define DEFAULT_FIELDS \
	(SRIOV_VF_HAS_SPOOFCHK | SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_VLAN)

struct give_back {
	struct sriov_vf **vfs;
	struct sriov_vf_config *want;
	struct op **ops;
	uint32_t *defaults;           /* fields of want that are defaults */
	size_t n;
};

/*
 * What op's VF gets back; defaults only for fields the driver reports,
 * so that a driver without spoof checking is not asked to change it.
 */
static uint32_t want_of(const struct op *op, const struct sriov_vf_config *cur,
			struct sriov_vf_config *want, uint32_t *ret_defaults)
{
	const struct sriov_vf_config *src = NULL;
	uint32_t def;

	if (op->restore && op->restore->mask)
		src = op->restore;
	else if (op->e.has_config)
		src = &op->e.config;
	memset(want, 0, sizeof(*want));
	if (src) {
		*want = *src;
		want->mask &= SRIOV_RESTORED_FIELDS;
	}
	def = DEFAULT_FIELDS & ~want->mask & cur->mask;
	if (def & SRIOV_VF_HAS_SPOOFCHK)
		want->spoofchk = true;
	if (def & SRIOV_VF_HAS_TRUST)
		want->trust = false;
	if (def & SRIOV_VF_HAS_VLAN) {
		want->vlan = 0;
		want->qos = 0;
		want->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	}
	want->mask |= def;
	*ret_defaults = def;
	return want->mask;
}

/* Reads each PF once; adds the VFs that have something to get back. */
static void collect(struct call *c, struct give_back *g)
{
	struct sriov_pf *seen[64];
	size_t n_seen = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		struct sriov_vf *vf = op->todo ? sriov_vdev_vf_handle(c->ctx, &op->d) : NULL;
		struct sriov_pf *pf = vf ? sriov_vf_get_pf(vf) : NULL;
		const struct sriov_vf_config *cur;
		bool read = false;

		if (!vf)
			continue;
		for (size_t s = 0; s < n_seen; s++)
			read = read || seen[s] == pf;
		if (!read && sriov_pf_read_vf_config(pf, false) == 0 &&
		    n_seen < ARRAY_SIZE(seen))
			seen[n_seen++] = pf;
		cur = sriov_vf_get_config(vf);
		if (!cur || !want_of(op, cur, &g->want[g->n], &g->defaults[g->n]))
			continue;
		g->vfs[g->n] = vf;
		g->ops[g->n++] = op;
	}
	/*
	 * settings are given back where rtnetlink has them (the running
	 * kernel, a PF with a netdev): no error otherwise
	 */
	set_error_text(c->ctx, "");
}

static void note_failed(struct call *c, struct op *op, uint32_t failed,
			const char *why)
{
	char msg[SRIOV_ERRBUF_LEN];

	op->res->settings_failed |= failed;
	snprintf(msg, sizeof(msg), "%s: VF settings not given back: %s",
		 op->d.pci, why);
	if (op->res->error)
		return;
	op->res->error = -EIO;
	free((char *)op->res->message);
	op->res->message = strdup(msg);
	set_error_text(c->ctx, msg);
}

/* The fields that failed, less defaults the driver does not support. */
static void account(struct call *c, struct op *op,
		    const struct sriov_vf_change *ch, uint32_t defaults)
{
	char why[SRIOV_ERRBUF_LEN] = "";
	uint32_t failed = 0;
	size_t len = 0;

	op->res->settings_restored = ch->changed;
	for (size_t e = 0; e < ch->n_errors; e++) {
		const struct sriov_vf_field_error *fe = &ch->errors[e];

		if ((fe->field & defaults) && fe->error == -EOPNOTSUPP)
			continue;
		failed |= fe->field;
		len += (size_t)snprintf(why + len, len < sizeof(why) ? sizeof(why) - len : 0,
					"%s%s: %s", len ? "; " : "",
					sriov_vf_field_name(fe->field), fe->message);
		len = len < sizeof(why) ? len : sizeof(why) - 1;
	}
	if (failed)
		note_failed(c, op, failed, why);
}

void sriov_release_settings(struct call *c)
{
	struct sriov_vf_change_report *rep = NULL;
	struct give_back g = { 0 };
	int r;

	if (c->o.keep_settings)
		return;
	g.vfs = calloc(c->n, sizeof(*g.vfs));
	g.want = calloc(c->n, sizeof(*g.want));
	g.ops = calloc(c->n, sizeof(*g.ops));
	g.defaults = calloc(c->n, sizeof(*g.defaults));
	if (g.vfs && g.want && g.ops && g.defaults)
		collect(c, &g);
	r = g.n ? sriov_vf_set_config_locked(g.vfs, g.want, g.n, c->o.dry_run, &rep) : 0;
	for (size_t i = 0; i < g.n; i++) {
		if (r < 0)
			note_failed(c, g.ops[i], g.want[i].mask, sriov_ctx_last_error(c->ctx));
		else
			account(c, g.ops[i], &rep->vfs[i], g.defaults[i]);
	}
	sriov_vf_change_report_free(rep);
	free(g.vfs);
	free(g.want);
	free(g.ops);
	free(g.defaults);
}

/*
 * op's VF once its host driver has it and udev has named its netdev,
 * waited for within the call's timeout; NULL when it has no netdev,
 * noted as a warning, or when the wait failed, noted as a failure.
 */
static struct sriov_vf *vf_with_netdev(struct call *c, struct op *op,
				       struct sriov_ready **w)
{
	struct sriov_vf *vf = sriov_vdev_vf_handle(c->ctx, &op->d);
	struct sriov_pf *pf = vf ? sriov_vf_get_pf(vf) : NULL;
	struct sriov_vf_status st;
	int r;

	if (!pf)
		return NULL;
	r = *w ? 0 : sriov_ready_begin(c->ctx, w);
	if (r == 0)
		r = sriov_ready_wait_vf(*w, pf, (unsigned int)op->d.vf,
					c->o.timeout_ms, &st);
	if (r < 0) {
		note_failed(c, op, SRIOV_VF_HAS_MTU, sriov_ctx_last_error(c->ctx));
		return NULL;
	}
	if (!st.driver || !st.netdev) {
		sriov_log(c->ctx, SRIOV_LOG_WARNING,
			  "%s: MTU %u not given back: %s%s", op->d.pci, op->e.mtu,
			  st.driver ? st.driver : "no driver took the VF back",
			  st.driver ? " makes no network interface of it" : "");
		return NULL;
	}
	return sriov_pf_get_vf(pf, (unsigned int)op->d.vf);
}

/*
 * True when the netdev the host driver made of op's VF (its probe
 * registers it before drivers_probe returns) already has the journaled
 * MTU: nothing to set, so no wait for udev to name it. A netdev being
 * renamed meanwhile reads as missing, and the caller waits.
 */
static bool mtu_already_right(struct call *c, const struct op *op)
{
	char **names = NULL, path[SYSFS_PATH_MAX], buf[32];
	unsigned long mtu = 0;
	bool right = false;

	if (sriov_dev_read_netdevs(c->ctx, &op->d.addr, &names) < 0)
		return false;
	if (names[0] && !names[1]) {
		const char *comps[] = { "bus", "pci", "devices", op->d.pci, "net",
					names[0], "mtu", NULL };

		right = sriov_sysfs_join(c->ctx, path, sizeof(path), comps) == 0 &&
			sriov_sysfs_read(c->ctx, path, buf, sizeof(buf), true) >= 0 &&
			sriov_parse_uint(buf, 10, 0xffffffffUL, &mtu) == 0 &&
			mtu == op->e.mtu;
	}
	sriov_sysfs_names_free(names);
	/* a netdev not there (yet) is no error: the wait below covers it */
	set_error_text(c->ctx, "");
	return right;
}

void sriov_release_mtu(struct call *c)
{
	struct sriov_ready *w = NULL;

	if (c->o.keep_settings || c->o.dry_run)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct op *op = &c->ops[i];
		struct sriov_mtu_change ch;
		struct sriov_vf *vf;
		unsigned int now;

		if (!op->todo || !op->e.mtu || op->d.vf < 0 ||
		    mtu_already_right(c, op) || !(vf = vf_with_netdev(c, op, &w)))
			continue;
		/* the netdev as sysfs shows it: nothing to do when it has it */
		if (sriov_vf_get_mtu(vf, &now) == 0 && now == op->e.mtu)
			continue;
		if (sriov_vf_set_mtu_held(vf, op->e.mtu, 0, &ch) < 0)
			note_failed(c, op, SRIOV_VF_HAS_MTU, sriov_ctx_last_error(c->ctx));
		else if (ch.changed)
			op->res->settings_restored |= SRIOV_VF_HAS_MTU;
	}
	sriov_ready_end(w);
}
