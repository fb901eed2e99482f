/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devlink rate objects: dump, set, new and delete (devlink_rate.h). */
#include <linux/devlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink_rate.h"

static int copy_name(const struct sriov_dl_attr *a, char *buf, size_t size)
{
	const char *s = sriov_dl_str(a);

	if (!s || strlen(s) >= size)
		return -EBADMSG;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

int sriov_dl_rate_parse(const struct sriov_dl_msg *m, struct sriov_dl_rate *ret)
{
	struct sriov_dl_rate r;
	uint16_t type;

	memset(&r, 0, sizeof(r));
	if (copy_name(&m->tb[DEVLINK_ATTR_BUS_NAME], r.bus, sizeof(r.bus)) < 0 ||
	    copy_name(&m->tb[DEVLINK_ATTR_DEV_NAME], r.dev, sizeof(r.dev)) < 0 ||
	    sriov_dl_u16(&m->tb[DEVLINK_ATTR_RATE_TYPE], &type) < 0)
		return -EBADMSG;
	if (type == DEVLINK_RATE_TYPE_LEAF) {
		if (sriov_dl_u32(&m->tb[DEVLINK_ATTR_PORT_INDEX], &r.port_index) < 0)
			return -EBADMSG;
	} else if (type == DEVLINK_RATE_TYPE_NODE) {
		r.node = true;
		/* the kernel names every node: an empty name is no node */
		if (copy_name(&m->tb[DEVLINK_ATTR_RATE_NODE_NAME], r.name,
			      sizeof(r.name)) < 0 || !r.name[0])
			return -EBADMSG;
	} else {
		return -EBADMSG;
	}
	/* a kernel that does not report a value has none set: 0 */
	if ((m->tb[DEVLINK_ATTR_RATE_TX_SHARE].present &&
	     sriov_dl_u64(&m->tb[DEVLINK_ATTR_RATE_TX_SHARE], &r.tx_share) < 0) ||
	    (m->tb[DEVLINK_ATTR_RATE_TX_MAX].present &&
	     sriov_dl_u64(&m->tb[DEVLINK_ATTR_RATE_TX_MAX], &r.tx_max) < 0))
		return -EBADMSG;
	if (m->tb[DEVLINK_ATTR_RATE_PARENT_NODE_NAME].present &&
	    copy_name(&m->tb[DEVLINK_ATTR_RATE_PARENT_NODE_NAME], r.parent,
		      sizeof(r.parent)) < 0)
		return -EBADMSG;
	*ret = r;
	return 0;
}

struct rate_list {
	struct sriov_dl_rate *r;
	size_t n, cap;
};

static int rate_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		      void *data)
{
	struct sriov_ctx *ctx = sriov_devlink_get_ctx(dl);
	struct rate_list *l = data;

	if (m->cmd != DEVLINK_CMD_RATE_NEW && m->cmd != DEVLINK_CMD_RATE_GET)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct sriov_dl_rate *r = reallocarray(l->r, cap, sizeof(*r));

		if (!r)
			return sriov_err(ctx, ENOMEM, "out of memory");
		l->r = r;
		l->cap = cap;
	}
	if (sriov_dl_rate_parse(m, &l->r[l->n]) < 0)
		return sriov_err(ctx, EBADMSG, "malformed devlink rate message");
	l->n++;
	return 0;
}

int sriov_dl_rate_dump(struct sriov_devlink *dl, struct sriov_dl_rate **ret,
		       size_t *ret_n)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	struct rate_list l = { 0 };
	int r;

	r = sriov_devlink_msg(dl, DEVLINK_CMD_RATE_GET, NLM_F_DUMP, NULL, NULL,
			      &msg);
	if (r == 0)
		r = sriov_devlink_dump(dl, msg, "devlink rates", rate_reply, &l);
	if (r < 0) {
		free(l.r);
		return r;
	}
	sriov_dbg(sriov_devlink_get_ctx(dl), "devlink: %zu rate objects in one dump",
		  l.n);
	*ret = l.r;
	*ret_n = l.n;
	return 0;
}

static void describe(const struct sriov_dl_rate *r, const char *verb,
		     char *buf, size_t size)
{
	if (r->node)
		snprintf(buf, size, "%s rate node %s/%s/%s", verb, r->bus, r->dev,
			 r->name);
	else
		snprintf(buf, size, "%s rate of port %s/%s/%u", verb, r->bus,
			 r->dev, r->port_index);
}

/* The object's identity: the port index of a leaf, the name of a node. */
static int put_target(struct nl_msg *msg, const struct sriov_dl_rate *r)
{
	if (r->node)
		return nla_put_string(msg, DEVLINK_ATTR_RATE_NODE_NAME, r->name);
	return nla_put_u32(msg, DEVLINK_ATTR_PORT_INDEX, r->port_index);
}

static int put_values(struct nl_msg *msg, uint32_t mask,
		      const struct sriov_dl_rate *v)
{
	if ((mask & SRIOV_DL_RATE_SHARE) &&
	    nla_put_u64(msg, DEVLINK_ATTR_RATE_TX_SHARE, v->tx_share) < 0)
		return -ENOMEM;
	if ((mask & SRIOV_DL_RATE_MAX) &&
	    nla_put_u64(msg, DEVLINK_ATTR_RATE_TX_MAX, v->tx_max) < 0)
		return -ENOMEM;
	if ((mask & SRIOV_DL_RATE_PARENT) &&
	    nla_put_string(msg, DEVLINK_ATTR_RATE_PARENT_NODE_NAME, v->parent) < 0)
		return -ENOMEM;
	return 0;
}

static int rate_request(struct sriov_devlink *dl, uint8_t cmd,
			const struct sriov_dl_rate *r, uint32_t mask,
			const struct sriov_dl_rate *v, const char *verb)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	char what[256];
	int r2;

	describe(r, verb, what, sizeof(what));
	r2 = sriov_devlink_msg(dl, cmd, 0, r->bus, r->dev, &msg);
	if (r2 < 0)
		return r2;
	if (put_target(msg, r) < 0 || put_values(msg, mask, v) < 0)
		return sriov_err(sriov_devlink_get_ctx(dl), ENOMEM, "out of memory");
	/* one line per change sent: what -vv shows and tests count */
	sriov_dbg(sriov_devlink_get_ctx(dl), "devlink: %s", what);
	return sriov_devlink_do(dl, msg, what, NULL, NULL);
}

int sriov_dl_rate_set(struct sriov_devlink *dl, const struct sriov_dl_rate *r,
		      uint32_t mask, const struct sriov_dl_rate *v)
{
	return rate_request(dl, DEVLINK_CMD_RATE_SET, r, mask, v, "setting");
}

int sriov_dl_rate_new(struct sriov_devlink *dl, const struct sriov_dl_rate *r,
		      uint32_t mask)
{
	if (!r->node)
		return -EINVAL;
	return rate_request(dl, DEVLINK_CMD_RATE_NEW, r, mask, r, "adding");
}

int sriov_dl_rate_del(struct sriov_devlink *dl, const struct sriov_dl_rate *r)
{
	if (!r->node)
		return -EINVAL;
	return rate_request(dl, DEVLINK_CMD_RATE_DEL, r, 0, r, "deleting");
}
