/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF port functions through devlink (sriov/portfn.h). */
#include <linux/devlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink.h"
#include "eswitch.h"
#include "sriov/portfn.h"

static const uint32_t attrs[] = { SRIOV_PORT_FN_HAS_HW_ADDR, SRIOV_PORT_FN_HAS_STATE };
static const char *const attr_names[] = { "hw_addr", "state" };

/* What the driver reports of the VF's port function; -ENOENT: no port. */
static int read_fn(struct sriov_vf *vf, struct sriov_dl_port *port,
		   struct sriov_port_fn_config *ret)
{
	struct sriov_vf_port p;
	unsigned int b[6];
	int r = sriov_vf_read_port(vf, &p);

	memset(ret, 0, sizeof(*ret));
	if (r < 0)
		return r;
	memset(port, 0, sizeof(*port));
	snprintf(port->bus, sizeof(port->bus), "%s", vf->pf->bus);
	snprintf(port->dev, sizeof(port->dev), "%s", vf->pf->dev_name);
	port->index = p.index;
	if (sscanf(p.hw_addr, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5]) == 6 && strlen(p.hw_addr) == 17) {
		for (int i = 0; i < 6; i++)
			ret->hw_addr[i] = (uint8_t)b[i];
		ret->mask |= SRIOV_PORT_FN_HAS_HW_ADDR;
	}
	if (p.state != SRIOV_NO_VALUE) {
		ret->state = p.state;
		ret->mask |= SRIOV_PORT_FN_HAS_STATE;
	}
	return 0;
}

static bool differs(const struct sriov_port_fn_config *cur,
		    const struct sriov_port_fn_config *want, uint32_t bit)
{
	if (!(cur->mask & bit))
		return true;
	if (bit == SRIOV_PORT_FN_HAS_HW_ADDR)
		return memcmp(cur->hw_addr, want->hw_addr, 6) != 0;
	return cur->state != want->state;
}

static int fn_set(struct sriov_devlink *dl, const struct sriov_dl_port *port,
		  const struct sriov_port_fn_config *want, uint32_t bit)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	struct sriov_ctx *ctx = sriov_devlink_get_ctx(dl);
	struct nlattr *nest;
	char what[160];
	int r;

	snprintf(what, sizeof(what), "setting the port function %s of %s/%s/%u",
		 bit == SRIOV_PORT_FN_HAS_HW_ADDR ? "hw_addr" : "state",
		 port->bus, port->dev, port->index);
	r = sriov_devlink_msg(dl, DEVLINK_CMD_PORT_SET, 0, port->bus, port->dev, &msg);
	if (r < 0)
		return r;
	if (nla_put_u32(msg, DEVLINK_ATTR_PORT_INDEX, port->index) < 0 ||
	    !(nest = nla_nest_start(msg, DEVLINK_ATTR_PORT_FUNCTION)) ||
	    (bit == SRIOV_PORT_FN_HAS_HW_ADDR &&
	     nla_put(msg, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, 6, want->hw_addr) < 0) ||
	    (bit == SRIOV_PORT_FN_HAS_STATE &&
	     nla_put_u8(msg, DEVLINK_PORT_FN_ATTR_STATE, (uint8_t)want->state) < 0))
		return sriov_err(ctx, ENOMEM, "out of memory");
	nla_nest_end(msg, nest);
	sriov_dbg(ctx, "devlink: %s", what);
	return sriov_devlink_do(dl, msg, what, NULL, NULL);
}

static void fail(struct sriov_port_fn_change *ch, size_t a, int err,
		 const char *msg)
{
	ch->failed |= attrs[a];
	ch->changed &= ~attrs[a];
	ch->error[a] = err;
	snprintf(ch->message[a], sizeof(ch->message[a]), "%s",
		 msg && *msg ? msg : strerror(-err));
}

static int check_want(struct sriov_ctx *ctx, const struct sriov_port_fn_config *w)
{
	static const uint8_t zero[6];

	if (!w || !w->mask || (w->mask & ~(SRIOV_PORT_FN_HAS_HW_ADDR | SRIOV_PORT_FN_HAS_STATE)))
		return sriov_err(ctx, EINVAL, "no port function attribute to set");
	if ((w->mask & SRIOV_PORT_FN_HAS_HW_ADDR) &&
	    ((w->hw_addr[0] & 1) || !memcmp(w->hw_addr, zero, 6)))
		return sriov_err(ctx, EINVAL,
				 "hw-addr must be a unicast address, not zero or multicast");
	if ((w->mask & SRIOV_PORT_FN_HAS_STATE) &&
	    w->state != SRIOV_PORT_FN_ACTIVE && w->state != SRIOV_PORT_FN_INACTIVE)
		return sriov_err(ctx, EINVAL, "invalid port function state");
	return 0;
}

/* One VF: plan, and unless dry_run write each attribute that differs. */
static void set_one(struct sriov_devlink *dl, struct sriov_vf *vf,
		    const struct sriov_port_fn_config *want, bool dry_run,
		    struct sriov_port_fn_change *ch)
{
	struct sriov_ctx *ctx = vf->pf->ctx;
	struct sriov_dl_port port;
	int r = read_fn(vf, &port, &ch->before);

	ch->vf = vf;
	ch->after = ch->before;
	for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
		if (!(want->mask & attrs[a]))
			continue;
		if (r < 0) {
			char why[256];

			snprintf(why, sizeof(why),
				 "VF %u has no devlink port: port functions are set in switchdev mode",
				 vf->info.index);
			fail(ch, a, r == -ENOENT ? -EOPNOTSUPP : r,
			     r == -ENOENT ? why : ctx->errbuf);
			continue;
		}
		if (!differs(&ch->before, want, attrs[a]))
			continue;
		ch->changed |= attrs[a];
		if (dry_run) {
			ch->after.mask |= attrs[a];
			memcpy(ch->after.hw_addr, a == 0 ? want->hw_addr : ch->after.hw_addr, 6);
			if (a == 1)
				ch->after.state = want->state;
			continue;
		}
		r = fn_set(dl, &port, want, attrs[a]);
		if (r < 0)
			fail(ch, a, r, ctx->errbuf);
		r = 0;
	}
}

/* Reads each VF's function again: what was written must be there. */
static void verify(struct sriov_port_fn_change *ch, const struct sriov_port_fn_config *want)
{
	struct sriov_dl_port port;
	char msg[128];

	if (read_fn(ch->vf, &port, &ch->after) < 0)
		ch->after = ch->before;
	for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
		if (!(ch->changed & attrs[a]))
			continue;
		if (!differs(&ch->after, want, attrs[a]))
			continue;
		snprintf(msg, sizeof(msg),
			 "the kernel accepted %s but %s", attr_names[a],
			 ch->after.mask & attrs[a] ? "reports another value"
						   : "the driver does not report it");
		fail(ch, a, -EIO, msg);
	}
}

SRIOV_EXPORT int sriov_vf_set_port_function(struct sriov_vf *const *vfs,
					    size_t n,
					    const struct sriov_port_fn_config *want,
					    bool dry_run,
					    struct sriov_port_fn_change **ret_changes)
{
	struct sriov_port_fn_change *ch;
	struct sriov_devlink *dl = NULL;
	struct sriov_ctx *ctx;
	bool wrote = false;
	int r;

	if (!vfs || !n || !vfs[0] || !ret_changes)
		return -EINVAL;
	ctx = vfs[0]->pf->ctx;
	r = check_want(ctx, want);
	if (r < 0)
		return r;
	r = sriov_devlink_ctx(ctx, &dl);
	if (r < 0) {
		char why[SRIOV_ERRBUF_LEN];

		memcpy(why, ctx->errbuf, sizeof(why));
		return sriov_err(ctx, ENXIO, "devlink is not available here: %.400s", why);
	}
	ch = calloc(n, sizeof(*ch));
	if (!ch)
		return sriov_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int fd = -1;

		if (!dry_run && sriov_lock_name(ctx, vfs[i]->pf->dev_name, &fd) < 0) {
			for (size_t a = 0; a < ARRAY_SIZE(attrs); a++)
				if (want->mask & attrs[a])
					fail(&ch[i], a, -EBUSY, ctx->errbuf);
			ch[i].vf = vfs[i];
			continue;
		}
		set_one(dl, vfs[i], want, dry_run, &ch[i]);
		sriov_unlock(fd);
		wrote = wrote || ch[i].changed;
	}
	if (wrote && !dry_run) {
		/* the ports as they are now: one dump for every VF */
		sriov_ctx_dl_forget(ctx);
		for (size_t i = 0; i < n; i++)
			verify(&ch[i], want);
	}
	*ret_changes = ch;
	return 0;
}
