/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building rtnetlink requests: the RTM_GETLINK that reads a PF's VF list
 * and the RTM_SETLINK messages that write VF settings, packed as tightly
 * as the 16-bit attribute length allows.
 */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#include "rtnl.h"
#include "vffield.h"

/* Room past SRIOV_RTNL_MSG_MAX for the entry that overflows it. */
#define SETLINK_SLACK 1024

_Static_assert(SRIOV_RTNL_SETTABLE < (1u << SRIOV_RTNL_NFIELDS),
	       "results are indexed by the bit positions of settable fields");

const uint32_t sriov_rtnl_groups[SRIOV_RTNL_NGROUPS] = {
	SRIOV_VF_HAS_MAC,
	SRIOV_VF_HAS_VLAN,
	SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE,
	SRIOV_VF_HAS_SPOOFCHK,
	SRIOV_VF_HAS_LINK_STATE,
	SRIOV_VF_HAS_QUERY_RSS,
	SRIOV_VF_HAS_TRUST,
	SRIOV_VF_HAS_NODE_GUID,
	SRIOV_VF_HAS_PORT_GUID,
};

void sriov_rtnl_msg_freep(struct nl_msg **msg)
{
	if (*msg)
		nlmsg_free(*msg);
}

static int vlan_check(struct sriov_ctx *ctx, const struct sriov_rtnl_vf_set *s)
{
	const struct sriov_vf_config *c = &s->cfg;

	if (c->vlan > 4095 || c->qos > 7)
		return sriov_err(ctx, EINVAL, "VF %u: VLAN %u qos %u out of range (0-4095, 0-7)",
				 s->vf, c->vlan, c->qos);
	if (c->vlan_proto && c->vlan_proto != SRIOV_VLAN_PROTO_8021Q &&
	    c->vlan_proto != SRIOV_VLAN_PROTO_8021AD)
		return sriov_err(ctx, EINVAL, "VF %u: VLAN protocol 0x%04x is neither 802.1Q nor 802.1ad",
				 s->vf, c->vlan_proto);
	return 0;
}

int sriov_rtnl_vf_set_check(struct sriov_ctx *ctx,
			    const struct sriov_rtnl_vf_set *set)
{
	const struct sriov_vf_config *c = &set->cfg;

	/* The kernel refuses VF numbers >= INT_MAX in every attribute. */
	if (set->vf >= 0x7fffffffu)
		return sriov_err(ctx, EINVAL, "VF number %u out of range",
				 set->vf);
	if ((c->mask & SRIOV_VF_HAS_VLAN) && vlan_check(ctx, set) < 0)
		return -EINVAL;
	if ((c->mask & SRIOV_VF_HAS_LINK_STATE) &&
	    (unsigned int)c->link_state > SRIOV_LINK_STATE_DISABLE)
		return sriov_err(ctx, EINVAL, "VF %u: link state %u is not auto, enable or disable",
				 set->vf, (unsigned int)c->link_state);
	return 0;
}

int sriov_rtnl_build_getlink(struct sriov_ctx *ctx, int ifindex,
			     const char *ifname, uint32_t ext_mask,
			     struct nl_msg **ret_msg)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	int r = 0;

	if (ifindex < 0 || (ifindex == 0 && !ifname))
		return sriov_err(ctx, EINVAL, "RTM_GETLINK needs an ifindex or a name");
	msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST);
	if (!msg)
		return sriov_err(ctx, ENOMEM, "out of memory");
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		r = -ENOMEM;
	if (r == 0 && ifindex == 0 && nla_put_string(msg, IFLA_IFNAME, ifname) < 0)
		r = -ENOMEM;
	if (r == 0 && ext_mask && nla_put_u32(msg, IFLA_EXT_MASK, ext_mask) < 0)
		r = -ENOMEM;
	if (r < 0)
		return sriov_err(ctx, -r, "cannot build RTM_GETLINK");
	*ret_msg = TAKE_PTR(msg);
	return 0;
}

int sriov_rtnl_build_setmtu(struct sriov_ctx *ctx, int ifindex,
			    unsigned int mtu, struct nl_msg **ret_msg)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

	if (ifindex <= 0 || mtu == 0)
		return sriov_err(ctx, EINVAL, "invalid MTU request");
	msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_MTU, mtu) < 0)
		return sriov_err(ctx, ENOMEM, "cannot build RTM_SETLINK");
	*ret_msg = TAKE_PTR(msg);
	return 0;
}

static int put_vlan(struct nl_msg *msg, uint32_t vf,
		    const struct sriov_vf_config *c)
{
	struct ifla_vf_vlan_info info;
	struct ifla_vf_vlan v;
	struct nlattr *list;

	/* As iproute2: the old attribute for 802.1Q, older kernels know it. */
	if (c->vlan_proto != SRIOV_VLAN_PROTO_8021AD) {
		memset(&v, 0, sizeof(v));
		v.vf = vf;
		v.vlan = c->vlan;
		v.qos = c->qos;
		return nla_put(msg, IFLA_VF_VLAN, sizeof(v), &v);
	}
	memset(&info, 0, sizeof(info));
	info.vf = vf;
	info.vlan = c->vlan;
	info.qos = c->qos;
	info.vlan_proto = htons(c->vlan_proto);
	list = nla_nest_start(msg, IFLA_VF_VLAN_LIST);
	if (!list || nla_put(msg, IFLA_VF_VLAN_INFO, sizeof(info), &info) < 0)
		return -1;
	return nla_nest_end(msg, list);
}

/* { u32 vf; u32 setting; }: spoofchk, link state, RSS query, trust */
static int put_setting(struct nl_msg *msg, int type, uint32_t vf,
		       uint32_t setting)
{
	uint32_t v[2] = { vf, setting };

	return nla_put(msg, type, sizeof(v), v);
}

static int put_guid(struct nl_msg *msg, int type, uint32_t vf, uint64_t guid)
{
	struct ifla_vf_guid g;

	memset(&g, 0, sizeof(g));
	g.vf = vf;
	g.guid = guid;
	return nla_put(msg, type, sizeof(g), &g);
}

/* The attribute of one group of sriov_rtnl_groups. */
static int put_group(struct nl_msg *msg, uint32_t group, uint32_t vf,
		     const struct sriov_vf_config *c)
{
	struct ifla_vf_rate rate = { vf, c->min_tx_rate, c->max_tx_rate };
	const struct sriov_vf_key_def *d = sriov_vf_field_def(group);
	struct ifla_vf_mac mac;

	switch (group) {
	case SRIOV_VF_HAS_MAC:
		memset(&mac, 0, sizeof(mac));
		mac.vf = vf;
		memcpy(mac.mac, c->mac, sizeof(c->mac));
		return nla_put(msg, IFLA_VF_MAC, sizeof(mac), &mac);
	case SRIOV_VF_HAS_VLAN:
		return put_vlan(msg, vf, c);
	case SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE:
		return nla_put(msg, IFLA_VF_RATE, sizeof(rate), &rate);
	}
	/* a key with an attribute of its own: a GUID, or a u32 setting */
	if (d->kind == VF_KIND_GUID)
		return put_guid(msg, d->attr, vf, sriov_vf_key_get(d, c));
	return put_setting(msg, d->attr, vf, (uint32_t)sriov_vf_key_get(d, c));
}

/*
 * The IFLA_VF_INFO entry (two when both GUIDs are set: the kernel returns
 * straight after IFLA_VF_IB_NODE_GUID, so anything after it in the same
 * entry would be dropped without an error).
 */
static int put_vf_entry(struct nl_msg *msg, const struct sriov_rtnl_vf_set *s)
{
	uint32_t mask = s->cfg.mask & SRIOV_RTNL_SETTABLE;
	struct nlattr *info = nla_nest_start(msg, IFLA_VF_INFO);
	bool has_node_guid = false;

	if (!info)
		return -1;
	for (size_t i = 0; i < SRIOV_RTNL_NGROUPS; i++) {
		uint32_t group = sriov_rtnl_groups[i];

		if (!(mask & group))
			continue;
		if (has_node_guid) {
			if (nla_nest_end(msg, info) < 0)
				return -1;
			info = nla_nest_start(msg, IFLA_VF_INFO);
			if (!info)
				return -1;
		}
		if (put_group(msg, group, s->vf, &s->cfg) < 0)
			return -1;
		has_node_guid = group == SRIOV_VF_HAS_NODE_GUID;
	}
	return nla_nest_end(msg, info);
}

static struct nl_msg *setlink_alloc(int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(SRIOV_RTNL_MSG_MAX + SETLINK_SLACK);
	if (!msg)
		return NULL;
	if (!nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, RTM_SETLINK, 0,
		       NLM_F_REQUEST | NLM_F_ACK) ||
	    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Appends entries from vfs[start] on while the message stays within
 * SRIOV_RTNL_MSG_MAX. Returns the number of entries added; *ret_next is
 * the first entry left out.
 */
static size_t fill_vf_list(struct nl_msg *msg,
			   const struct sriov_rtnl_vf_set *vfs, size_t n,
			   size_t start, size_t *ret_next)
{
	size_t i, count = 0;

	for (i = start; i < n; i++) {
		struct nlattr *mark = nlmsg_tail(nlmsg_hdr(msg));

		if (!(vfs[i].cfg.mask & SRIOV_RTNL_SETTABLE))
			continue;
		if (put_vf_entry(msg, &vfs[i]) < 0 ||
		    nlmsg_hdr(msg)->nlmsg_len > SRIOV_RTNL_MSG_MAX) {
			/* Did not fit: roll back to before this VF. */
			nla_nest_cancel(msg, mark);
			break;
		}
		count++;
	}
	*ret_next = i;
	return count;
}

int sriov_rtnl_build_setlink(struct sriov_ctx *ctx, int ifindex,
			     const struct sriov_rtnl_vf_set *vfs, size_t n,
			     size_t start, struct nl_msg **ret_msg,
			     size_t *ret_next)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct nlattr *list;
	size_t count, next;
	int r;

	if (ifindex <= 0 || start > n || (n && !vfs))
		return sriov_err(ctx, EINVAL, "invalid RTM_SETLINK request");
	for (size_t i = start; i < n; i++) {
		r = sriov_rtnl_vf_set_check(ctx, &vfs[i]);
		if (r < 0)
			return r;
	}
	msg = setlink_alloc(ifindex);
	list = msg ? nla_nest_start(msg, IFLA_VFINFO_LIST) : NULL;
	if (!list)
		return sriov_err(ctx, ENOMEM, "out of memory");
	count = fill_vf_list(msg, vfs, n, start, &next);
	if (count == 0 && next < n)
		return sriov_err(ctx, EMSGSIZE, "VF %u's settings do not fit in a message",
				 vfs[next].vf);
	if (count == 0) {
		*ret_msg = NULL;
		*ret_next = n;
		return 0;
	}
	if (nla_nest_end(msg, list) < 0)
		return sriov_err(ctx, EMSGSIZE, "VF list too long");
	*ret_msg = TAKE_PTR(msg);
	*ret_next = next;
	return 0;
}
