/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devlink commands: instances, the eswitch, and ports with their functions. */
#include <linux/devlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink.h"

static int no_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		    void *data)
{
	(void)dl;
	(void)m;
	(void)data;
	return 0;
}

int sriov_dl_dev_exists(struct sriov_devlink *dl, const char *bus,
			const char *dev)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	char what[128];
	int r;

	snprintf(what, sizeof(what), "devlink %s/%s", bus, dev);
	r = sriov_devlink_msg(dl, DEVLINK_CMD_GET, 0, bus, dev, &msg);
	if (r == 0)
		r = sriov_devlink_do(dl, msg, what, no_reply, NULL);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? r : 1;
}

/* An optional u8/u16 attribute as an int: SRIOV_NO_VALUE when absent. */
static int opt_u8(const struct sriov_dl_attr *a, int *ret)
{
	uint8_t v;

	*ret = SRIOV_NO_VALUE;
	if (!a->present)
		return 0;
	if (sriov_dl_u8(a, &v) < 0)
		return -EBADMSG;
	*ret = v;
	return 0;
}

static int opt_u16(const struct sriov_dl_attr *a, int *ret)
{
	uint16_t v;

	*ret = SRIOV_NO_VALUE;
	if (!a->present)
		return 0;
	if (sriov_dl_u16(a, &v) < 0)
		return -EBADMSG;
	*ret = v;
	return 0;
}

static int opt_u32(const struct sriov_dl_attr *a, int *ret)
{
	uint32_t v;

	*ret = SRIOV_NO_VALUE;
	if (!a->present)
		return 0;
	if (sriov_dl_u32(a, &v) < 0 || v > 0x7fffffff)
		return -EBADMSG;
	*ret = (int)v;
	return 0;
}

static int eswitch_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
			 void *data)
{
	struct sriov_dl_eswitch *e = data;

	if (opt_u16(&m->tb[DEVLINK_ATTR_ESWITCH_MODE], &e->mode) < 0 ||
	    opt_u8(&m->tb[DEVLINK_ATTR_ESWITCH_INLINE_MODE], &e->inline_mode) < 0 ||
	    opt_u8(&m->tb[DEVLINK_ATTR_ESWITCH_ENCAP_MODE], &e->encap_mode) < 0)
		return sriov_err(sriov_devlink_get_ctx(dl), EBADMSG,
				 "malformed devlink eswitch attributes");
	return 0;
}

int sriov_dl_eswitch_get(struct sriov_devlink *dl, const char *bus,
			 const char *dev, struct sriov_dl_eswitch *ret)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	struct sriov_dl_eswitch e = { SRIOV_NO_VALUE, SRIOV_NO_VALUE,
				      SRIOV_NO_VALUE };
	char what[128];
	int r;

	snprintf(what, sizeof(what), "eswitch of %s/%s", bus, dev);
	r = sriov_devlink_msg(dl, DEVLINK_CMD_ESWITCH_GET, 0, bus, dev, &msg);
	if (r == 0)
		r = sriov_devlink_do(dl, msg, what, eswitch_reply, &e);
	if (r == 0)
		*ret = e;
	return r;
}

int sriov_dl_eswitch_set_mode(struct sriov_devlink *dl, const char *bus,
			      const char *dev, uint16_t mode)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	char what[128];
	int r;

	snprintf(what, sizeof(what), "eswitch mode of %s/%s", bus, dev);
	r = sriov_devlink_msg(dl, DEVLINK_CMD_ESWITCH_SET, 0, bus, dev, &msg);
	if (r == 0 && nla_put_u16(msg, DEVLINK_ATTR_ESWITCH_MODE, mode) < 0)
		r = sriov_err(sriov_devlink_get_ctx(dl), ENOMEM, "out of memory");
	if (r == 0)
		r = sriov_devlink_do(dl, msg, what, NULL, NULL);
	return r;
}

static int copy_str(const struct sriov_dl_attr *a, char *buf, size_t size,
		    bool required)
{
	const char *s = sriov_dl_str(a);

	buf[0] = '\0';
	if (!a->present && !required)
		return 0;
	if (!s || strlen(s) >= size)
		return -EBADMSG;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

static int port_function(const struct sriov_dl_attr *a,
			 struct sriov_dl_port *p)
{
	struct sriov_dl_attr fn[DEVLINK_PORT_FUNCTION_ATTR_MAX + 1];
	const struct sriov_dl_attr *hw;

	if (!a->present)
		return 0;
	if (sriov_dl_nested(a, fn, DEVLINK_PORT_FUNCTION_ATTR_MAX) < 0)
		return -EBADMSG;
	hw = &fn[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR];
	if (hw->present) {
		if (hw->len > SRIOV_DL_HWADDR_MAX)
			return -EBADMSG;
		memcpy(p->hw_addr, hw->data, hw->len);
		p->hw_addr_len = hw->len;
	}
	if (opt_u8(&fn[DEVLINK_PORT_FN_ATTR_STATE], &p->fn_state) < 0 ||
	    opt_u8(&fn[DEVLINK_PORT_FN_ATTR_OPSTATE], &p->fn_opstate) < 0)
		return -EBADMSG;
	return 0;
}

int sriov_dl_port_parse(const struct sriov_dl_msg *m, struct sriov_dl_port *ret)
{
	struct sriov_dl_port p;

	memset(&p, 0, sizeof(p));
	if (copy_str(&m->tb[DEVLINK_ATTR_BUS_NAME], p.bus, sizeof(p.bus), true) < 0 ||
	    copy_str(&m->tb[DEVLINK_ATTR_DEV_NAME], p.dev, sizeof(p.dev), true) < 0 ||
	    sriov_dl_u32(&m->tb[DEVLINK_ATTR_PORT_INDEX], &p.index) < 0 ||
	    opt_u16(&m->tb[DEVLINK_ATTR_PORT_FLAVOUR], &p.flavour) < 0 ||
	    opt_u16(&m->tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER], &p.pfnum) < 0 ||
	    opt_u16(&m->tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER], &p.vfnum) < 0 ||
	    opt_u32(&m->tb[DEVLINK_ATTR_PORT_NETDEV_IFINDEX], &p.netdev_ifindex) < 0 ||
	    copy_str(&m->tb[DEVLINK_ATTR_PORT_NETDEV_NAME], p.netdev,
		     sizeof(p.netdev), false) < 0)
		return -EBADMSG;
	p.fn_state = p.fn_opstate = SRIOV_NO_VALUE;
	if (port_function(&m->tb[DEVLINK_ATTR_PORT_FUNCTION], &p) < 0)
		return -EBADMSG;
	*ret = p;
	return 0;
}

struct port_list {
	struct sriov_dl_port *p;
	size_t n, cap;
};

static int port_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		      void *data)
{
	struct sriov_ctx *ctx = sriov_devlink_get_ctx(dl);
	struct port_list *l = data;

	/* the kernel (6.1) answers port dumps as DEVLINK_CMD_NEW: go by content */
	if (!m->tb[DEVLINK_ATTR_PORT_INDEX].present)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct sriov_dl_port *p = reallocarray(l->p, cap, sizeof(*p));

		if (!p)
			return sriov_err(ctx, ENOMEM, "out of memory");
		l->p = p;
		l->cap = cap;
	}
	if (sriov_dl_port_parse(m, &l->p[l->n]) < 0)
		return sriov_err(ctx, EBADMSG, "malformed devlink port message");
	l->n++;
	return 0;
}

int sriov_dl_port_dump(struct sriov_devlink *dl, struct sriov_dl_port **ret,
		       size_t *ret_n)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	struct port_list l = { 0 };
	int r;

	r = sriov_devlink_msg(dl, DEVLINK_CMD_PORT_GET, NLM_F_DUMP, NULL, NULL,
			      &msg);
	if (r == 0)
		r = sriov_devlink_dump(dl, msg, "devlink ports", port_reply, &l);
	if (r < 0) {
		free(l.p);
		return r;
	}
	sriov_dbg(sriov_devlink_get_ctx(dl), "devlink: %zu ports in one dump", l.n);
	*ret = l.p;
	*ret_n = l.n;
	return 0;
}
