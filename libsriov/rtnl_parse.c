/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing of rtnetlink answers: the RTM_NEWLINK that carries a PF's VF
 * list, and NLMSG_ERROR acks with their extended-ack text.
 *
 * Everything is read with memcpy from an unaligned byte buffer and every
 * length is checked against its container before use. The VF list is the
 * exception to "trust the container": its 16-bit length wraps with many
 * VFs, so it is walked entry by entry up to the message end.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "rtnl.h"
#include "vffield.h"

#define NLHDR_LEN sizeof(struct nlmsghdr)
#define ATTR_HDR_LEN sizeof(struct nlattr)
/* PCI SR-IOV counts VFs in 16 bits; a bigger IFLA_NUM_VF is garbage. */
#define NUM_VF_MAX 0xffffu

#define bad_reply(ctx, fmt, ...)                                              \
	sriov_err(ctx, EBADMSG, "malformed rtnetlink reply: " fmt,            \
		  ##__VA_ARGS__)

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

struct attr {
	uint16_t type;        /* without the NLA_F_* flag bits */
	uint16_t raw_len;     /* nla_len as sent */
	const uint8_t *data;
	size_t len;           /* payload bytes */
	size_t step;          /* to the next attribute, within the container */
};

/*
 * Reads the attribute at p, avail bytes before its container ends. False
 * when the header or the payload does not fit; type and raw_len are set
 * whenever the header could be read (0 otherwise), for the callers that
 * must look at a header whose length is not to be trusted.
 */
static bool attr_at(const uint8_t *p, size_t avail, struct attr *ret)
{
	struct nlattr nla;

	ret->type = 0;
	ret->raw_len = 0;
	if (avail < ATTR_HDR_LEN)
		return false;
	memcpy(&nla, p, sizeof(nla));
	ret->type = nla.nla_type & NLA_TYPE_MASK;
	ret->raw_len = nla.nla_len;
	if (nla.nla_len < ATTR_HDR_LEN || nla.nla_len > avail)
		return false;
	ret->data = p + ATTR_HDR_LEN;
	ret->len = nla.nla_len - ATTR_HDR_LEN;
	ret->step = align4(nla.nla_len);
	if (ret->step > avail)
		ret->step = avail;
	return true;
}

/* Copies a NUL-terminated ext-ack string, replacing what a terminal or log
 * should not see. */
static void copy_text(char *dst, size_t size, const uint8_t *src, size_t len)
{
	size_t i;

	if (size == 0)
		return;
	for (i = 0; i < len && i + 1 < size && src[i]; i++)
		dst[i] = (src[i] < 0x20 || src[i] >= 0x7f) ? '?' : (char)src[i];
	dst[i] = '\0';
}

static void find_extack(const uint8_t *p, size_t len, char *extack,
			size_t size)
{
	struct attr a;

	/* The errno is what matters: damaged TLVs only lose the text. */
	for (size_t off = 0; off < len && attr_at(p + off, len - off, &a);
	     off += a.step) {
		if (a.type == NLMSGERR_ATTR_MSG) {
			copy_text(extack, size, a.data, a.len);
			return;
		}
	}
}

int sriov_rtnl_parse_ack(const void *buf, size_t len, char *extack,
			 size_t extack_size, int *ret_error)
{
	const uint8_t *p = buf;
	struct nlmsghdr hdr;
	struct nlmsgerr err;
	size_t off;

	if (extack && extack_size)
		extack[0] = '\0';
	if (!buf || len < NLHDR_LEN + sizeof(err))
		return -EBADMSG;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.nlmsg_type != NLMSG_ERROR || hdr.nlmsg_len > len ||
	    hdr.nlmsg_len < NLHDR_LEN + sizeof(err))
		return -EBADMSG;
	memcpy(&err, p + NLHDR_LEN, sizeof(err));
	if (err.error > 0 || err.error < -4095)
		return -EBADMSG;
	if ((hdr.nlmsg_flags & NLM_F_ACK_TLVS) && extack && extack_size) {
		/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
		off = NLHDR_LEN + sizeof(err);
		if (!(hdr.nlmsg_flags & NLM_F_CAPPED) &&
		    err.msg.nlmsg_len >= NLHDR_LEN)
			off += err.msg.nlmsg_len - NLHDR_LEN;
		off = align4(off);
		if (off < hdr.nlmsg_len)
			find_extack(p + off, hdr.nlmsg_len - off, extack,
				    extack_size);
	}
	*ret_error = err.error;
	return 0;
}

/* The context's error for an NLMSG_ERROR that answered a GET. */
static int reply_error(struct sriov_ctx *ctx, const void *buf, size_t len)
{
	char extack[SRIOV_ERRBUF_LEN / 2];
	int err;

	if (sriov_rtnl_parse_ack(buf, len, extack, sizeof(extack), &err) < 0)
		return bad_reply(ctx, "truncated NLMSG_ERROR");
	if (err == 0)
		return bad_reply(ctx, "an ACK where RTM_NEWLINK was expected");
	return sriov_err(ctx, -err, "RTM_GETLINK: %s%s%s", strerror(-err),
			 extack[0] ? ": " : "", extack);
}

/*
 * Checks the message in buf and returns its link header and attributes;
 * an NLMSG_ERROR answer becomes its errno.
 */
/* An RTM_NEWLINK answer: its link header and its attributes. */
struct link_reply {
	struct ifinfomsg ifi;
	const uint8_t *attrs;
	size_t attrs_len;
};

static int reply_open(struct sriov_ctx *ctx, const void *buf, size_t len,
		      struct link_reply *ret)
{
	const size_t attrs_off = NLHDR_LEN + align4(sizeof(ret->ifi));
	struct nlmsghdr hdr;

	if (!buf || len < NLHDR_LEN)
		return bad_reply(ctx, "%zu bytes, less than a netlink header",
				 len);
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.nlmsg_len < NLHDR_LEN || hdr.nlmsg_len > len)
		return bad_reply(ctx, "message length %u, %zu bytes received",
				 hdr.nlmsg_len, len);
	if (hdr.nlmsg_type == NLMSG_ERROR)
		return reply_error(ctx, buf, hdr.nlmsg_len);
	if (hdr.nlmsg_type != RTM_NEWLINK)
		return bad_reply(ctx, "message type %u, expected RTM_NEWLINK",
				 hdr.nlmsg_type);
	if (hdr.nlmsg_len < attrs_off)
		return bad_reply(ctx, "RTM_NEWLINK of %u bytes has no link header",
				 hdr.nlmsg_len);
	memcpy(&ret->ifi, (const uint8_t *)buf + NLHDR_LEN, sizeof(ret->ifi));
	ret->attrs = (const uint8_t *)buf + attrs_off;
	ret->attrs_len = hdr.nlmsg_len - attrs_off;
	return 0;
}

/* One IFLA_VF_INFO being decoded. */
struct vf_entry {
	size_t pos;              /* entry number in the list, for error texts */
	bool have_index;
	uint32_t index;
	bool have_rate;          /* IFLA_VF_RATE wins over IFLA_VF_TX_RATE */
	bool have_vlan_list;     /* the list carries the protocol */
	struct sriov_vf_config cfg;
};

/*
 * Copies a VF attribute's struct, which starts with the u32 VF number, and
 * checks that number agrees with the entry's other attributes.
 */
static int take(struct sriov_ctx *ctx, struct vf_entry *e,
		const struct attr *a, void *dst, size_t size)
{
	uint32_t vf;

	if (a->len < size)
		return bad_reply(ctx, "VF entry %zu: attribute %u has %zu bytes, needs %zu",
				 e->pos, a->type, a->len, size);
	memcpy(dst, a->data, size);
	memcpy(&vf, a->data, sizeof(vf));
	if (e->have_index && e->index != vf)
		return bad_reply(ctx, "VF entry %zu mixes VF numbers %u and %u",
				 e->pos, e->index, vf);
	e->have_index = true;
	e->index = vf;
	return 0;
}

static void set_vlan(struct sriov_ctx *ctx, struct vf_entry *e,
		     uint32_t vlan, uint32_t qos, uint16_t proto)
{
	if (vlan > 4095 || qos > 7) {
		sriov_dbg(ctx, "VF %u: ignoring VLAN %u qos %u out of range",
			  e->index, vlan, qos);
		return;
	}
	e->cfg.vlan = (uint16_t)vlan;
	e->cfg.qos = (uint8_t)qos;
	e->cfg.vlan_proto = proto;
	e->cfg.mask |= SRIOV_VF_HAS_VLAN;
}

static int vf_vlan_list(struct sriov_ctx *ctx, struct vf_entry *e,
			const struct attr *list)
{
	struct ifla_vf_vlan_info info = { 0 };
	struct attr a;

	for (size_t off = 0; off < list->len; off += a.step) {
		if (!attr_at(list->data + off, list->len - off, &a))
			return bad_reply(ctx, "VF entry %zu: VLAN list item overruns the list",
					 e->pos);
		if (a.type != IFLA_VF_VLAN_INFO)
			continue;
		if (take(ctx, e, &a, &info, sizeof(info)) < 0)
			return -EBADMSG;
		/* A VF has one VLAN today; the first item is it. */
		e->have_vlan_list = true;
		set_vlan(ctx, e, info.vlan, info.qos, ntohs(info.vlan_proto));
		return 0;
	}
	return 0;
}

static int vf_vlan(struct sriov_ctx *ctx, struct vf_entry *e,
		   const struct attr *a)
{
	struct ifla_vf_vlan v = { 0 };

	if (take(ctx, e, a, &v, sizeof(v)) < 0)
		return -EBADMSG;
	if (!e->have_vlan_list)
		set_vlan(ctx, e, v.vlan, v.qos, SRIOV_VLAN_PROTO_8021Q);
	return 0;
}

static int vf_rate(struct sriov_ctx *ctx, struct vf_entry *e,
		   const struct attr *a)
{
	struct ifla_vf_rate rate = { 0 };
	struct ifla_vf_tx_rate tx = { 0 };

	if (a->type == IFLA_VF_TX_RATE) {
		if (take(ctx, e, a, &tx, sizeof(tx)) < 0)
			return -EBADMSG;
		if (!e->have_rate) {
			e->cfg.max_tx_rate = tx.rate;
			e->cfg.mask |= SRIOV_VF_HAS_MAX_TX_RATE;
		}
		return 0;
	}
	if (take(ctx, e, a, &rate, sizeof(rate)) < 0)
		return -EBADMSG;
	e->have_rate = true;
	e->cfg.min_tx_rate = rate.min_tx_rate;
	e->cfg.max_tx_rate = rate.max_tx_rate;
	e->cfg.mask |= SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE;
	return 0;
}

/*
 * An attribute that carries one key of the VF field table alone: a GUID,
 * or { u32 vf; u32 setting; } (spoofchk, link state, RSS query, trust).
 * The kernel presets spoofchk, query_rss and trust to -1 so that "the
 * driver did not say" is visible: no mask bit, as for a link state this
 * library does not know.
 */
static int vf_key_attr(struct sriov_ctx *ctx, struct vf_entry *e,
		       const struct attr *a, const struct sriov_vf_key_def *d)
{
	struct ifla_vf_guid g = { 0 };
	uint32_t v[2] = { 0 };
	bool guid = d->kind == VF_KIND_GUID;

	if (take(ctx, e, a, guid ? (void *)&g : v, guid ? sizeof(g) : sizeof(v)) < 0)
		return -EBADMSG;
	if (guid)
		sriov_vf_key_set(d, &e->cfg, g.guid);
	else if (v[1] != UINT32_MAX)
		sriov_vf_key_set(d, &e->cfg,
				 d->kind == VF_KIND_BOOL ? v[1] != 0 : v[1]);
	return 0;
}

/* Where each IFLA_VF_STATS_* counter goes in struct sriov_vf_stats. */
static const int stat_offsets[] = {
	[IFLA_VF_STATS_RX_PACKETS] = offsetof(struct sriov_vf_stats, rx_packets),
	[IFLA_VF_STATS_TX_PACKETS] = offsetof(struct sriov_vf_stats, tx_packets),
	[IFLA_VF_STATS_RX_BYTES] = offsetof(struct sriov_vf_stats, rx_bytes),
	[IFLA_VF_STATS_TX_BYTES] = offsetof(struct sriov_vf_stats, tx_bytes),
	[IFLA_VF_STATS_BROADCAST] = offsetof(struct sriov_vf_stats, broadcast),
	[IFLA_VF_STATS_MULTICAST] = offsetof(struct sriov_vf_stats, multicast),
	[IFLA_VF_STATS_PAD] = -1,
	[IFLA_VF_STATS_RX_DROPPED] = offsetof(struct sriov_vf_stats, rx_dropped),
	[IFLA_VF_STATS_TX_DROPPED] = offsetof(struct sriov_vf_stats, tx_dropped),
};

static int vf_stats(struct sriov_ctx *ctx, struct vf_entry *e,
		    const struct attr *nest)
{
	struct attr a;
	int at;

	for (size_t off = 0; off < nest->len; off += a.step) {
		if (!attr_at(nest->data + off, nest->len - off, &a))
			return bad_reply(ctx, "VF entry %zu: counter overruns IFLA_VF_STATS",
					 e->pos);
		/* IFLA_VF_STATS_PAD and counters newer than us */
		if (a.type >= ARRAY_SIZE(stat_offsets) || stat_offsets[a.type] < 0)
			continue;
		if (a.len < sizeof(uint64_t))
			return bad_reply(ctx, "VF entry %zu: counter %u has %zu bytes",
					 e->pos, a.type, a.len);
		at = stat_offsets[a.type];
		memcpy((uint8_t *)&e->cfg.stats + at, a.data, sizeof(uint64_t));
	}
	e->cfg.mask |= SRIOV_VF_HAS_STATS;
	return 0;
}

static int vf_attr(struct sriov_ctx *ctx, struct vf_entry *e,
		   const struct attr *a)
{
	const struct sriov_vf_key_def *d;
	struct ifla_vf_mac mac = { 0 };

	switch (a->type) {
	case IFLA_VF_MAC:
		if (take(ctx, e, a, &mac, sizeof(mac)) < 0)
			return -EBADMSG;
		memcpy(e->cfg.mac, mac.mac, sizeof(e->cfg.mac));
		e->cfg.mask |= SRIOV_VF_HAS_MAC;
		return 0;
	case IFLA_VF_VLAN:
		return vf_vlan(ctx, e, a);
	case IFLA_VF_VLAN_LIST:
		return vf_vlan_list(ctx, e, a);
	case IFLA_VF_TX_RATE:
	case IFLA_VF_RATE:
		return vf_rate(ctx, e, a);
	case IFLA_VF_STATS:
		return vf_stats(ctx, e, a);
	}
	d = sriov_vf_key_by_attr(a->type);
	/* IFLA_VF_BROADCAST and attributes newer than us have no key */
	return d ? vf_key_attr(ctx, e, a, d) : 0;
}

/* What the walk over the link's attributes has found so far. */
struct link_parse {
	bool have_num;
	bool have_list;
	uint32_t num_vf;
	struct sriov_vf_config *vfs; /* num_vf entries */
	bool *seen;
};

static int link_alloc_vfs(struct sriov_ctx *ctx, struct link_parse *lp)
{
	size_t n = lp->num_vf ? lp->num_vf : 1;

	lp->vfs = calloc(n, sizeof(*lp->vfs));
	lp->seen = calloc(n, sizeof(*lp->seen));
	if (!lp->vfs || !lp->seen)
		return sriov_err(ctx, ENOMEM, "out of memory for %u VFs",
				 lp->num_vf);
	return 0;
}

static int vf_entry_parse(struct sriov_ctx *ctx, struct link_parse *lp,
			  size_t pos, const struct attr *info)
{
	struct vf_entry e = { .pos = pos };
	struct attr a;
	int r;

	for (size_t off = 0; off < info->len; off += a.step) {
		if (!attr_at(info->data + off, info->len - off, &a))
			return bad_reply(ctx, "VF entry %zu: attribute of length %u overruns the entry",
					 pos, a.raw_len);
		r = vf_attr(ctx, &e, &a);
		if (r < 0)
			return r;
	}
	if (!e.have_index)
		return bad_reply(ctx, "VF entry %zu carries no VF number", pos);
	if (e.index >= lp->num_vf)
		return bad_reply(ctx, "VF entry %zu is VF %u but the PF has %u VFs",
				 pos, e.index, lp->num_vf);
	if (lp->seen[e.index])
		return bad_reply(ctx, "VF %u reported twice", e.index);
	lp->seen[e.index] = true;
	lp->vfs[e.index] = e.cfg;
	return 0;
}

/*
 * Walks IFLA_VFINFO_LIST at p (its header included) up to IFLA_NUM_VF
 * entries within the avail bytes left in the message, and returns the
 * list's real length in *ret_len. The header's 16-bit length is only
 * checked to agree modulo 2^16. The list ends early, without error, at an
 * attribute that is not IFLA_VF_INFO: the kernel leaves out a VF whose
 * get_vf_config fails, and the rest of the link's attributes follow.
 */
static int vf_list_parse(struct sriov_ctx *ctx, struct link_parse *lp,
			 const uint8_t *p, size_t avail, size_t *ret_len)
{
	struct attr hdr, a;
	size_t off = ATTR_HDR_LEN, count = 0;
	int r;

	attr_at(p, avail, &hdr); /* only raw_len is used: it may have wrapped */
	if (!lp->have_num)
		return bad_reply(ctx, "IFLA_VFINFO_LIST before IFLA_NUM_VF");
	if (lp->have_list)
		return bad_reply(ctx, "two IFLA_VFINFO_LIST attributes");
	lp->have_list = true;
	r = link_alloc_vfs(ctx, lp);
	if (r < 0)
		return r;
	for (; count < lp->num_vf && off < avail; count++, off += a.step) {
		bool ok = attr_at(p + off, avail - off, &a);

		if (a.raw_len && a.type != IFLA_VF_INFO)
			break;
		if (!ok)
			return bad_reply(ctx, "VF entry %zu (length %u) runs past the end of the message",
					 count, a.raw_len);
		r = vf_entry_parse(ctx, lp, count, &a);
		if (r < 0)
			return r;
	}
	if (count < lp->num_vf && off >= avail)
		return bad_reply(ctx, "VF list cut short: %zu of %u VFs before the end of the message",
				 count, lp->num_vf);
	if ((off & 0xffff) != hdr.raw_len)
		return bad_reply(ctx, "VF list length %u does not match its %zu bytes of entries",
				 hdr.raw_len, off);
	if (count < lp->num_vf)
		sriov_log(ctx, SRIOV_LOG_WARNING,
			  "the driver reported %zu of %u VFs; the others have no settings",
			  count, lp->num_vf);
	*ret_len = off;
	return 0;
}

static int num_vf_parse(struct sriov_ctx *ctx, struct link_parse *lp,
			const struct attr *a)
{
	uint32_t num;

	if (a->len < sizeof(num))
		return bad_reply(ctx, "IFLA_NUM_VF has %zu bytes", a->len);
	memcpy(&num, a->data, sizeof(num));
	if (num > NUM_VF_MAX)
		return bad_reply(ctx, "IFLA_NUM_VF is %u", num);
	if (lp->have_num && num != lp->num_vf)
		return bad_reply(ctx, "IFLA_NUM_VF says %u and %u", lp->num_vf,
				 num);
	lp->have_num = true;
	lp->num_vf = num;
	return 0;
}

static int link_attrs_parse(struct sriov_ctx *ctx, struct link_parse *lp,
			    const uint8_t *p, size_t len)
{
	struct attr a;
	size_t step = 0;
	int r;

	for (size_t off = 0; off < len; off += step) {
		bool ok = attr_at(p + off, len - off, &a);

		if (len - off < ATTR_HDR_LEN)
			return bad_reply(ctx, "%zu stray bytes after the attributes",
					 len - off);
		if (a.type == IFLA_VFINFO_LIST) {
			/* Its nla_len may have wrapped: never trust it. */
			r = vf_list_parse(ctx, lp, p + off, len - off, &step);
			if (r < 0)
				return r;
			continue;
		}
		if (!ok)
			return bad_reply(ctx, "attribute %u of length %u at offset %zu, %zu bytes left",
					 a.type, a.raw_len, off, len - off);
		if (a.type == IFLA_NUM_VF) {
			r = num_vf_parse(ctx, lp, &a);
			if (r < 0)
				return r;
		}
		step = a.step;
	}
	return 0;
}

int sriov_rtnl_parse_getlink(struct sriov_ctx *ctx, const void *buf,
			     size_t len, struct sriov_vf_config **ret_vfs,
			     size_t *ret_count)
{
	struct link_parse lp = { 0 };
	struct link_reply rep;
	int r = reply_open(ctx, buf, len, &rep);

	if (r < 0)
		return r;
	r = link_attrs_parse(ctx, &lp, rep.attrs, rep.attrs_len);
	if (r == 0 && lp.num_vf > 0 && !lp.have_list) {
		/* The driver has no get_vf_config: VFs without settings. */
		sriov_dbg(ctx, "ifindex %d: %u VFs, no VF settings reported",
			  rep.ifi.ifi_index, lp.num_vf);
		r = link_alloc_vfs(ctx, &lp);
	}
	free(lp.seen);
	if (r < 0) {
		free(lp.vfs);
		return r;
	}
	if (lp.num_vf == 0) {
		free(lp.vfs);
		lp.vfs = NULL;
	}
	*ret_vfs = lp.vfs;
	*ret_count = lp.num_vf;
	return 0;
}

static int u32_attr(struct sriov_ctx *ctx, const struct attr *a,
		    unsigned int *ret)
{
	uint32_t v;

	if (a->len < sizeof(v))
		return bad_reply(ctx, "attribute %u has %zu bytes", a->type, a->len);
	memcpy(&v, a->data, sizeof(v));
	*ret = v;
	return 0;
}

int sriov_rtnl_parse_mtu(struct sriov_ctx *ctx, const void *buf, size_t len,
			 struct sriov_rtnl_mtu *ret)
{
	struct sriov_rtnl_mtu m = { 0 };
	struct link_reply rep;
	struct attr a;
	int r = reply_open(ctx, buf, len, &rep);

	for (size_t off = 0; r == 0 && off < rep.attrs_len; off += a.step) {
		if (!attr_at(rep.attrs + off, rep.attrs_len - off, &a))
			return bad_reply(ctx, "attribute %u of length %u at offset %zu, %zu bytes left",
					 a.type, a.raw_len, off, rep.attrs_len - off);
		if (a.type == IFLA_MTU)
			r = u32_attr(ctx, &a, &m.mtu);
		else if (a.type == IFLA_MIN_MTU)
			r = u32_attr(ctx, &a, &m.min_mtu);
		else if (a.type == IFLA_MAX_MTU)
			r = u32_attr(ctx, &a, &m.max_mtu);
	}
	if (r < 0)
		return r;
	if (!m.mtu)
		return bad_reply(ctx, "RTM_NEWLINK of ifindex %d without IFLA_MTU",
				 rep.ifi.ifi_index);
	*ret = m;
	return 0;
}

int sriov_rtnl_parse_ifindex(struct sriov_ctx *ctx, const void *buf,
			     size_t len, int *ret_ifindex)
{
	struct link_reply rep;
	int r = reply_open(ctx, buf, len, &rep);

	if (r < 0)
		return r;
	if (rep.ifi.ifi_index <= 0)
		return bad_reply(ctx, "RTM_NEWLINK with ifindex %d",
				 rep.ifi.ifi_index);
	*ret_ifindex = rep.ifi.ifi_index;
	return 0;
}
