/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink VF code: replies built the way the kernel builds them
 * (including the 16-bit wrap of IFLA_VFINFO_LIST), malformed and truncated
 * replies, the RTM_SETLINK builder, and the set path against the fake
 * kernel of tests/fixtures/rtnl_fake.c, which applies VF attributes in the
 * kernel's order and stops at the first error. A last test talks to the
 * real kernel about "lo".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rtnl.h"
#include "rtnl_fake.h"

#define ATTR_HDR sizeof(struct nlattr)
#define PF_IFINDEX 7

static void set_u16(struct nlbuf *b, size_t at, uint16_t v)
{
	memcpy(b->p + at, &v, sizeof(v));
}

static uint16_t get_u16(const struct nlbuf *b, size_t at)
{
	uint16_t v;

	memcpy(&v, b->p + at, sizeof(v));
	return v;
}

/* What VF i looks like in a canned reply. */
static void expected_vf(unsigned int i, unsigned int flags,
			struct sriov_vf_config *c)
{
	uint64_t base = 1000ull * i;

	memset(c, 0, sizeof(*c));
	c->mac[0] = 0x02;
	c->mac[1] = 0x5e;
	c->mac[3] = (uint8_t)(i >> 16);
	c->mac[4] = (uint8_t)(i >> 8);
	c->mac[5] = (uint8_t)i;
	c->vlan = (uint16_t)((i * 7) % 4096);
	c->qos = (uint8_t)(i % 8);
	c->vlan_proto = i % 2 ? SRIOV_VLAN_PROTO_8021AD : SRIOV_VLAN_PROTO_8021Q;
	c->min_tx_rate = i % 100;
	c->max_tx_rate = 1000 + i;
	c->spoofchk = i % 2 == 0;
	c->trust = i % 3 == 0;
	c->query_rss = i % 4 == 0;
	c->link_state = (enum sriov_link_state)(i % 3);
	c->mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN |
		  SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE |
		  SRIOV_VF_HAS_LINK_STATE | SRIOV_VF_HAS_QUERY_RSS;
	/* Some VFs answer "unknown" (-1), as drivers without the feature do. */
	if (i % 5 != 3)
		c->mask |= SRIOV_VF_HAS_SPOOFCHK;
	if (i % 7 != 6)
		c->mask |= SRIOV_VF_HAS_TRUST;
	if (flags & R_GUIDS) {
		c->node_guid = 0x0002c90300001000ull + i;
		c->port_guid = 0x0002c90300002000ull + i;
		c->mask |= SRIOV_VF_HAS_NODE_GUID | SRIOV_VF_HAS_PORT_GUID;
	}
	if (flags & R_STATS) {
		c->stats = (struct sriov_vf_stats){ base + 1, base + 2, base + 3,
						     base + 4, base + 5, base + 6,
						     base + 7, base + 8 };
		c->mask |= SRIOV_VF_HAS_STATS;
	}
}

/* A canned RTM_NEWLINK for "pf0", PF_IFINDEX: every VF as expected_vf(). */
static void build_reply(struct nlbuf *b, unsigned int num_vf, unsigned int flags,
			struct rtnl_reply_info *info)
{
	struct sriov_vf_config *vfs = calloc(num_vf ? num_vf : 1, sizeof(*vfs));

	assert_non_null(vfs);
	for (unsigned int i = 0; i < num_vf; i++)
		expected_vf(i, flags, &vfs[i]);
	rtnl_build_newlink(b, 1, PF_IFINDEX, "pf0", vfs, num_vf, flags, info);
	free(vfs);
}

static void assert_vf(const struct sriov_vf_config *got, unsigned int i,
		      unsigned int flags)
{
	struct sriov_vf_config want;

	expected_vf(i, flags, &want);
	assert_int_equal(got->mask, want.mask);
	assert_memory_equal(got->mac, want.mac, sizeof(want.mac));
	assert_int_equal(got->vlan, want.vlan);
	assert_int_equal(got->qos, want.qos);
	assert_int_equal(got->vlan_proto, want.vlan_proto);
	assert_int_equal(got->min_tx_rate, want.min_tx_rate);
	assert_int_equal(got->max_tx_rate, want.max_tx_rate);
	assert_int_equal(got->link_state, want.link_state);
	assert_int_equal(got->query_rss, want.query_rss);
	if (want.mask & SRIOV_VF_HAS_SPOOFCHK)
		assert_int_equal(got->spoofchk, want.spoofchk);
	if (want.mask & SRIOV_VF_HAS_TRUST)
		assert_int_equal(got->trust, want.trust);
	assert_true(got->node_guid == want.node_guid);
	assert_true(got->port_guid == want.port_guid);
	assert_memory_equal(&got->stats, &want.stats, sizeof(want.stats));
}

static int parse(struct sriov_ctx *ctx, const void *p, size_t len,
		 struct sriov_vf_config **vfs, size_t *count)
{
	*vfs = NULL;
	*count = 0;
	return sriov_rtnl_parse_getlink(ctx, p, len, vfs, count);
}

/* Parses a canned reply and checks every VF in it. */
static void check_reply(struct sriov_ctx *ctx, unsigned int num_vf,
			unsigned int flags)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;
	struct sriov_vf_config *vfs;
	size_t count;

	build_reply(&b, num_vf, flags, &info);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), 0);
	assert_int_equal(count, num_vf);
	for (unsigned int i = 0; i < num_vf; i++)
		assert_vf(&vfs[i], i, flags);
	free(vfs);
	nlbuf_free(&b);
}

static int setup(void **state)
{
	struct sriov_ctx *ctx;

	assert_int_equal(sriov_ctx_new(NULL, &ctx), 0);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	sriov_ctx_free(*state);
	return 0;
}

static void test_parse_four_vfs(void **state)
{
	check_reply(*state, 4, R_GUIDS);
}

static void test_parse_stats(void **state)
{
	check_reply(*state, 4, R_STATS | R_GUIDS);
}

/* The list's nla_len has wrapped; every VF must still come back. */
static void check_wrapped(struct sriov_ctx *ctx, unsigned int num_vf,
			  unsigned int flags)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;
	size_t real;

	build_reply(&b, num_vf, flags, &info);
	real = info.list_end - info.list_start;
	assert_true(real > 0xffff);
	assert_int_equal(get_u16(&b, info.list_start), real & 0xffff);
	nlbuf_free(&b);
	check_reply(ctx, num_vf, flags);
}

static void test_parse_wrapped_256(void **state)
{
	check_wrapped(*state, 256, R_STATS);
}

static void test_parse_wrapped_1024(void **state)
{
	check_wrapped(*state, 1024, 0);
	check_wrapped(*state, 1024, R_STATS | R_GUIDS);
}

/*
 * Every prefix of a valid reply, each in an allocation of exactly its
 * size so ASan catches a read past it: as received (the header then
 * claims more than there is) and with nlmsg_len cut to match (a reply that
 * looks complete but is not). A cut inside the VF list is always an
 * error; whatever parses must be right.
 */
static void check_prefix(struct sriov_ctx *ctx, const struct nlbuf *b,
			 const struct rtnl_reply_info *info, size_t p,
			 unsigned int flags)
{
	uint8_t *cut = malloc(p ? p : 1);
	struct sriov_vf_config *vfs;
	uint32_t len = (uint32_t)p;
	size_t count;
	int r;

	assert_non_null(cut);
	memcpy(cut, b->p, p);
	assert_int_equal(parse(ctx, cut, p, &vfs, &count), -EBADMSG);
	if (p >= sizeof(struct nlmsghdr)) {
		memcpy(cut, &len, sizeof(len));
		r = parse(ctx, cut, p, &vfs, &count);
		if (p > info->list_start && p < info->list_end)
			assert_int_equal(r, -EBADMSG);
		if (r == 0) {
			for (size_t i = 0; i < count; i++)
				if (vfs[i].mask)
					assert_vf(&vfs[i], (unsigned int)i, flags);
		} else {
			assert_int_equal(r, -EBADMSG);
		}
		free(vfs);
	}
	free(cut);
}

static void test_parse_prefixes(void **state)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;

	build_reply(&b, 4, R_STATS | R_GUIDS, &info);
	for (size_t p = 0; p < b.len; p++)
		check_prefix(*state, &b, &info, p, R_STATS | R_GUIDS);
	nlbuf_free(&b);
}

static void test_parse_prefixes_wrapped(void **state)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;

	build_reply(&b, 256, R_STATS, &info);
	for (size_t p = 0; p < b.len; p += 97)
		check_prefix(*state, &b, &info, p, R_STATS);
	/* A cut between two entries is the one a naive walk would accept. */
	for (size_t k = 0; k <= 256; k++)
		check_prefix(*state, &b, &info,
			     info.list_start + ATTR_HDR + k * info.entry_size,
			     R_STATS);
	for (size_t p = info.list_end - 8; p < b.len; p++)
		check_prefix(*state, &b, &info, p, R_STATS);
	nlbuf_free(&b);
}

/*
 * A list cut after 256 of 512 entries of 256 bytes: the bytes missing are
 * exactly 64 KiB, so the 16-bit length agrees with what is there. Only the
 * entry count tells the reply is short.
 */
static void test_parse_cut_at_64k(void **state)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;

	build_reply(&b, 512, R_PAD_256, &info);
	assert_int_equal(info.entry_size, 256);
	check_reply(*state, 512, R_PAD_256);
	check_prefix(*state, &b, &info, info.list_start + ATTR_HDR + 256 * 256,
		     R_PAD_256);
	assert_non_null(strstr(sriov_ctx_last_error(*state), "cut short"));
	nlbuf_free(&b);
}

/* Random bits flipped anywhere: an answer or an errno, never a crash. */
static void fuzz_reply(struct sriov_ctx *ctx, unsigned int num_vf,
		       unsigned int flags, unsigned int rounds)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;
	uint32_t seed = 12345;

	build_reply(&b, num_vf, flags, &info);
	for (unsigned int k = 0; k < rounds; k++) {
		uint8_t *copy = malloc(b.len);
		struct sriov_vf_config *vfs;
		size_t count;
		int r;

		assert_non_null(copy);
		memcpy(copy, b.p, b.len);
		for (int flips = 0; flips < 1 + (int)(k % 4); flips++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % b.len] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		r = parse(ctx, copy, b.len, &vfs, &count);
		/* a flipped type can turn it into an NLMSG_ERROR: any errno */
		assert_true(r <= 0 && r >= -4095);
		if (r == 0)
			assert_true(count <= 0xffff && (count == 0) == !vfs);
		free(vfs);
		free(copy);
	}
	nlbuf_free(&b);
}

static void test_parse_random_corruption(void **state)
{
	fuzz_reply(*state, 4, R_STATS | R_GUIDS, 20000);
	fuzz_reply(*state, 256, R_STATS, 300);
}

static void expect_bad(struct sriov_ctx *ctx, const struct nlbuf *b,
		       const char *text)
{
	struct sriov_vf_config *vfs;
	size_t count;

	assert_int_equal(parse(ctx, b->p, b->len, &vfs, &count), -EBADMSG);
	assert_null(vfs);
	if (text && !strstr(sriov_ctx_last_error(ctx), text))
		fail_msg("error \"%s\" lacks \"%s\"", sriov_ctx_last_error(ctx),
			 text);
}

/* Builds a 4-VF reply with flags, applies a corruption, expects -EBADMSG. */
static void check_corrupt(struct sriov_ctx *ctx, unsigned int num_vf,
			  unsigned int flags, size_t rel, bool from_list,
			  uint16_t value, const char *text)
{
	struct nlbuf b = { 0 };
	struct rtnl_reply_info info;

	build_reply(&b, num_vf, flags, &info);
	set_u16(&b, (from_list ? info.list_start : 0) + rel, value);
	expect_bad(ctx, &b, text);
	nlbuf_free(&b);
}

static void test_parse_bad_lengths(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct rtnl_reply_info info;
	struct nlbuf b = { 0 };

	build_reply(&b, 4, R_STATS, &info);
	/* entry 0 header at list + 4, its first attribute at list + 8 */
	check_corrupt(ctx, 4, R_STATS, ATTR_HDR, true, 2, "VF entry 0");
	check_corrupt(ctx, 4, R_STATS, ATTR_HDR, true, 0, "VF entry 0");
	check_corrupt(ctx, 4, R_STATS, ATTR_HDR, true, 0xfff0, "VF entry 0");
	check_corrupt(ctx, 4, R_STATS, 2 * ATTR_HDR, true,
		      (uint16_t)info.entry_size, "overruns the entry");
	check_corrupt(ctx, 4, R_STATS, 0, true,
		      get_u16(&b, info.list_start) + 4, "VF list length");
	check_corrupt(ctx, 256, R_STATS, 0, true, 0x1234, "VF list length");
	/* IFLA_MTU follows the 8-byte IFLA_IFNAME after the link header */
	check_corrupt(ctx, 4, R_STATS, 40, false, 0x7ff0, "attribute 4");
	check_corrupt(ctx, 4, R_STATS, 40, false, 3, "attribute 4");
	nlbuf_free(&b);
	build_reply(&b, 4, R_SHORT_MAC, &info);
	expect_bad(ctx, &b, "needs 36");
	nlbuf_free(&b);
}

static void test_parse_bad_index(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct rtnl_reply_info info;
	struct nlbuf b = { 0 };

	build_reply(&b, 4, R_BAD_INDEX, &info);
	expect_bad(ctx, &b, "is VF 4 but the PF has 4 VFs");
	build_reply(&b, 4, R_DUP_INDEX, &info);
	expect_bad(ctx, &b, "VF 0 reported twice");
	build_reply(&b, 4, R_MIXED_INDEX, &info);
	expect_bad(ctx, &b, "mixes VF numbers 0 and 1");
	build_reply(&b, 4, R_LIST_FIRST, &info);
	expect_bad(ctx, &b, "before IFLA_NUM_VF");
	nlbuf_free(&b);
}

static void test_parse_partial_lists(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct sriov_vf_config *vfs;
	struct rtnl_reply_info info;
	struct nlbuf b = { 0 };
	size_t count;

	/* The kernel leaves out a VF whose get_vf_config failed. */
	build_reply(&b, 4, R_SKIP_VF1, &info);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), 0);
	assert_int_equal(count, 4);
	assert_int_equal(vfs[1].mask, 0);
	assert_vf(&vfs[0], 0, 0);
	assert_vf(&vfs[2], 2, 0);
	assert_vf(&vfs[3], 3, 0);
	free(vfs);
	/* A driver without get_vf_config: the count, no settings. */
	build_reply(&b, 3, R_NO_LIST, &info);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), 0);
	assert_int_equal(count, 3);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(vfs[i].mask, 0);
	free(vfs);
	/* Not a PF (lo): no IFLA_NUM_VF. */
	build_reply(&b, 0, R_NO_NUM_VF, &info);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), 0);
	assert_int_equal(count, 0);
	assert_null(vfs);
	/* A PF with 0 VFs sends an empty list. */
	build_reply(&b, 0, 0, &info);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), 0);
	assert_int_equal(count, 0);
	assert_null(vfs);
	nlbuf_free(&b);
}

static void test_error_reply_extack(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct nlmsghdr req = { .nlmsg_len = 40, .nlmsg_type = RTM_GETLINK,
				.nlmsg_seq = 9 };
	uint8_t reqbuf[40] = { 0 };
	struct sriov_vf_config *vfs;
	struct nlbuf b = { 0 };
	size_t count;

	memcpy(reqbuf, &req, sizeof(req));
	rtnl_build_ack(&b, -EOPNOTSUPP, "VF is being reset", true, reqbuf, 40);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "VF is being reset"));
	/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
	rtnl_build_ack(&b, -EINVAL, "bad attribute", false, reqbuf, 40);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "bad attribute"));
	/* A plain ACK is no answer to a GET. */
	rtnl_build_ack(&b, 0, NULL, true, reqbuf, 40);
	assert_int_equal(parse(ctx, b.p, b.len, &vfs, &count), -EBADMSG);
	nlbuf_free(&b);
}

static void test_parse_ack(void **state)
{
	uint8_t reqbuf[40] = { 0 };
	char text[16];
	struct nlbuf b = { 0 };
	int err = 1;

	(void)state;
	rtnl_build_ack(&b, 0, NULL, true, reqbuf, 40);
	assert_int_equal(sriov_rtnl_parse_ack(b.p, b.len, text, sizeof(text), &err), 0);
	assert_int_equal(err, 0);
	assert_string_equal(text, "");
	/* Control bytes never reach a terminal; long texts are cut. */
	rtnl_build_ack(&b, -EBUSY, "in\x1b[31mreset and more words", true, reqbuf, 40);
	assert_int_equal(sriov_rtnl_parse_ack(b.p, b.len, text, sizeof(text), &err), 0);
	assert_int_equal(err, -EBUSY);
	assert_string_equal(text, "in?[31mreset an");
	for (size_t p = 0; p < b.len; p++)
		assert_int_equal(sriov_rtnl_parse_ack(b.p, p, text, sizeof(text), &err),
				 -EBADMSG);
	build_reply(&b, 1, 0, &(struct rtnl_reply_info){ 0 });
	assert_int_equal(sriov_rtnl_parse_ack(b.p, b.len, text, sizeof(text), &err),
			 -EBADMSG);
	nlbuf_free(&b);
}

static void test_parse_ifindex(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct rtnl_reply_info info;
	struct nlbuf b = { 0 };
	uint8_t reqbuf[40] = { 0 };
	int ifindex = 0;

	build_reply(&b, 0, R_NO_NUM_VF, &info);
	assert_int_equal(sriov_rtnl_parse_ifindex(ctx, b.p, b.len, &ifindex), 0);
	assert_int_equal(ifindex, PF_IFINDEX);
	rtnl_build_ack(&b, -ENODEV, NULL, true, reqbuf, 40);
	ifindex = 0;
	assert_int_equal(sriov_rtnl_parse_ifindex(ctx, b.p, b.len, &ifindex), -ENODEV);
	assert_int_equal(ifindex, 0);
	nlbuf_free(&b);
}

/* Finds a top-level attribute of a request built by the library. */
static struct nlattr *req_attr(struct nl_msg *msg, int type)
{
	return nlmsg_find_attr(nlmsg_hdr(msg), sizeof(struct ifinfomsg), type);
}

static void test_build_getlink(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct nl_msg *msg = NULL;
	struct ifinfomsg *ifi;
	struct nlattr *a;

	assert_int_equal(sriov_rtnl_build_getlink(ctx, 5, NULL,
			 RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS, &msg), 0);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, RTM_GETLINK);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags, NLM_F_REQUEST);
	ifi = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(ifi->ifi_index, 5);
	a = req_attr(msg, IFLA_EXT_MASK);
	assert_non_null(a);
	assert_int_equal(nla_get_u32(a), RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
	assert_null(req_attr(msg, IFLA_IFNAME));
	nlmsg_free(msg);
	assert_int_equal(sriov_rtnl_build_getlink(ctx, 0, "eth0", 0, &msg), 0);
	ifi = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(ifi->ifi_index, 0);
	assert_string_equal(nla_get_string(req_attr(msg, IFLA_IFNAME)), "eth0");
	assert_null(req_attr(msg, IFLA_EXT_MASK));
	nlmsg_free(msg);
}

/* What a set of RTM_SETLINK requests carries, decoded per VF. */
struct decoded {
	size_t n_vfs;
	unsigned int entries[1024];      /* IFLA_VF_INFO entries per VF */
	unsigned int attrs[1024];        /* attributes per VF */
	struct sriov_vf_config cfg[1024];
	bool vlan_list[1024];            /* used IFLA_VF_VLAN_LIST */
};

/* The VF number every VF attribute's struct starts with. */
static uint32_t attr_vf(const struct nlattr *a)
{
	uint32_t vf;

	if (nla_type(a) == IFLA_VF_VLAN_LIST)
		a = nla_data(a); /* its first IFLA_VF_VLAN_INFO */
	assert_true(nla_len(a) >= 4);
	memcpy(&vf, nla_data(a), sizeof(vf));
	assert_true(vf < 1024);
	return vf;
}

static void decode_vlan_list(struct decoded *d, const struct nlattr *list)
{
	struct ifla_vf_vlan_info info;
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, list, rem) {
		assert_int_equal(nla_type(a), IFLA_VF_VLAN_INFO);
		assert_int_equal(nla_len(a), sizeof(info));
		memcpy(&info, nla_data(a), sizeof(info));
		d->cfg[info.vf].vlan = (uint16_t)info.vlan;
		d->cfg[info.vf].qos = (uint8_t)info.qos;
		d->cfg[info.vf].vlan_proto = ntohs(info.vlan_proto);
		d->cfg[info.vf].mask |= SRIOV_VF_HAS_VLAN;
		d->vlan_list[info.vf] = true;
		n++;
	}
	assert_int_equal(n, 1);
}

static void decode_attr(struct decoded *d, const struct nlattr *a)
{
	uint32_t vf = attr_vf(a), v[4];
	struct sriov_vf_config *c = &d->cfg[vf];
	struct ifla_vf_guid g;

	d->attrs[vf]++;
	memcpy(v, nla_data(a), nla_len(a) < 16 ? (size_t)nla_len(a) : 16);
	switch (nla_type(a)) {
	case IFLA_VF_MAC:
		assert_int_equal(nla_len(a), sizeof(struct ifla_vf_mac));
		memcpy(c->mac, (const uint8_t *)nla_data(a) + 4, 6);
		c->mask |= SRIOV_VF_HAS_MAC;
		break;
	case IFLA_VF_VLAN:
		assert_int_equal(nla_len(a), sizeof(struct ifla_vf_vlan));
		c->vlan = (uint16_t)v[1];
		c->qos = (uint8_t)v[2];
		c->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
		c->mask |= SRIOV_VF_HAS_VLAN;
		break;
	case IFLA_VF_VLAN_LIST:
		decode_vlan_list(d, a);
		break;
	case IFLA_VF_RATE:
		assert_int_equal(nla_len(a), sizeof(struct ifla_vf_rate));
		c->min_tx_rate = v[1];
		c->max_tx_rate = v[2];
		c->mask |= SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE;
		break;
	case IFLA_VF_SPOOFCHK:
		c->spoofchk = v[1];
		c->mask |= SRIOV_VF_HAS_SPOOFCHK;
		break;
	case IFLA_VF_TRUST:
		c->trust = v[1];
		c->mask |= SRIOV_VF_HAS_TRUST;
		break;
	case IFLA_VF_LINK_STATE:
		c->link_state = (enum sriov_link_state)v[1];
		c->mask |= SRIOV_VF_HAS_LINK_STATE;
		break;
	case IFLA_VF_RSS_QUERY_EN:
		c->query_rss = v[1];
		c->mask |= SRIOV_VF_HAS_QUERY_RSS;
		break;
	case IFLA_VF_IB_NODE_GUID:
	case IFLA_VF_IB_PORT_GUID:
		assert_int_equal(nla_len(a), sizeof(g));
		memcpy(&g, nla_data(a), sizeof(g));
		if (nla_type(a) == IFLA_VF_IB_NODE_GUID)
			c->node_guid = g.guid;
		else
			c->port_guid = g.guid;
		c->mask |= nla_type(a) == IFLA_VF_IB_NODE_GUID ?
			   SRIOV_VF_HAS_NODE_GUID : SRIOV_VF_HAS_PORT_GUID;
		break;
	default:
		fail_msg("unexpected VF attribute %d", nla_type(a));
	}
}

/* Decodes one RTM_SETLINK the library built and checks its frame. */
static void decode_setlink(struct decoded *d, struct nl_msg *msg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(hdr);
	struct nlattr *list, *entry, *a;
	int rem, rem2;

	assert_int_equal(hdr->nlmsg_type, RTM_SETLINK);
	assert_int_equal(hdr->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_true(hdr->nlmsg_len <= 0xffff);
	assert_int_equal(ifi->ifi_index, PF_IFINDEX);
	list = req_attr(msg, IFLA_VFINFO_LIST);
	assert_non_null(list);
	/* The list's own length is whole: it runs to the end of the message. */
	assert_ptr_equal((uint8_t *)list + NLA_ALIGN(list->nla_len),
			 (uint8_t *)hdr + hdr->nlmsg_len);
	nla_for_each_nested(entry, list, rem) {
		uint32_t vf = UINT32_MAX;

		assert_int_equal(nla_type(entry), IFLA_VF_INFO);
		assert_true(nla_len(entry) > 0);
		nla_for_each_nested(a, entry, rem2) {
			if (vf == UINT32_MAX) {
				vf = attr_vf(a);
				d->entries[vf]++;
			}
			assert_int_equal(attr_vf(a), vf);
			decode_attr(d, a);
		}
	}
	assert_int_equal(rem, 0);
}

static struct sriov_rtnl_vf_set full_set(unsigned int vf)
{
	struct sriov_rtnl_vf_set s = { .vf = vf };

	expected_vf(vf, 0, &s.cfg);
	s.cfg.mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN |
		     SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE |
		     SRIOV_VF_HAS_SPOOFCHK | SRIOV_VF_HAS_TRUST |
		     SRIOV_VF_HAS_LINK_STATE | SRIOV_VF_HAS_QUERY_RSS;
	return s;
}

static struct decoded *build_and_decode(struct sriov_ctx *ctx,
					const struct sriov_rtnl_vf_set *vfs,
					size_t n, size_t *ret_msgs)
{
	struct decoded *d = calloc(1, sizeof(*d));
	size_t next, msgs = 0;

	assert_non_null(d);
	for (size_t i = 0; i < n; i = next) {
		struct nl_msg *msg = NULL;

		assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, vfs, n,
							  i, &msg, &next), 0);
		assert_true(next > i);
		if (!msg)
			break;
		decode_setlink(d, msg);
		nlmsg_free(msg);
		msgs++;
	}
	*ret_msgs = msgs;
	return d;
}

static void test_build_setlink_fields(void **state)
{
	struct sriov_rtnl_vf_set vfs[6];
	struct decoded *d;
	size_t msgs;

	for (unsigned int i = 0; i < 6; i++)
		vfs[i] = full_set(i);
	vfs[0].cfg.mask = SRIOV_VF_HAS_MAC;
	vfs[1].cfg.mask = SRIOV_VF_HAS_MAX_TX_RATE;   /* min goes along */
	vfs[2].cfg.mask = SRIOV_VF_HAS_VLAN;          /* 802.1Q: old form */
	vfs[3].cfg.mask = SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK; /* .1ad */
	vfs[4].cfg.mask = SRIOV_VF_HAS_STATS;         /* nothing to write */
	vfs[5].cfg.mask = SRIOV_VF_HAS_NODE_GUID | SRIOV_VF_HAS_PORT_GUID |
			  SRIOV_VF_HAS_TRUST;
	vfs[5].cfg.node_guid = 0x1122334455667788ull;
	vfs[5].cfg.port_guid = 0x8877665544332211ull;
	d = build_and_decode(*state, vfs, 6, &msgs);
	assert_int_equal(msgs, 1);
	assert_int_equal(d->attrs[0], 1);
	assert_int_equal(d->cfg[0].mask, SRIOV_VF_HAS_MAC);
	assert_memory_equal(d->cfg[0].mac, vfs[0].cfg.mac, 6);
	assert_int_equal(d->attrs[1], 1);
	assert_int_equal(d->cfg[1].min_tx_rate, vfs[1].cfg.min_tx_rate);
	assert_int_equal(d->cfg[1].max_tx_rate, vfs[1].cfg.max_tx_rate);
	assert_false(d->vlan_list[2]);
	assert_int_equal(d->cfg[2].vlan, vfs[2].cfg.vlan);
	assert_int_equal(d->cfg[2].qos, vfs[2].cfg.qos);
	assert_true(d->vlan_list[3]);
	assert_int_equal(d->cfg[3].vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	assert_int_equal(d->cfg[3].vlan, vfs[3].cfg.vlan);
	assert_int_equal(d->cfg[3].mask, SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK);
	assert_int_equal(d->cfg[3].spoofchk, vfs[3].cfg.spoofchk);
	assert_int_equal(d->entries[4], 0);
	/* The port GUID rides in its own entry after the node GUID's. */
	assert_int_equal(d->entries[5], 2);
	assert_true(d->cfg[5].node_guid == vfs[5].cfg.node_guid);
	assert_true(d->cfg[5].port_guid == vfs[5].cfg.port_guid);
	assert_int_equal(d->cfg[5].trust, vfs[5].cfg.trust);
	free(d);
}

static void test_build_setlink_invalid(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct sriov_rtnl_vf_set s = full_set(1);
	struct nl_msg *msg = NULL;
	size_t next = 77;

	s.cfg.vlan = 4096;
	assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, &s, 1, 0, &msg, &next),
			 -EINVAL);
	s = full_set(1);
	s.cfg.vlan_proto = 0x9100;
	assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, &s, 1, 0, &msg, &next),
			 -EINVAL);
	s = full_set(1);
	s.cfg.link_state = (enum sriov_link_state)3;
	assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, &s, 1, 0, &msg, &next),
			 -EINVAL);
	s = full_set(1);
	s.vf = 0x7fffffff;
	assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, &s, 1, 0, &msg, &next),
			 -EINVAL);
	assert_null(msg);
	assert_int_equal(next, 77);
	s = full_set(1);
	s.cfg.mask = 0;
	assert_int_equal(sriov_rtnl_build_setlink(ctx, PF_IFINDEX, &s, 1, 0, &msg, &next), 0);
	assert_null(msg);
	assert_int_equal(next, 1);
}

static void test_build_setlink_split(void **state)
{
	struct sriov_rtnl_vf_set *vfs = calloc(1000, sizeof(*vfs));
	struct decoded *d;
	size_t msgs;

	assert_non_null(vfs);
	for (unsigned int i = 0; i < 1000; i++)
		vfs[i] = full_set(i);
	d = build_and_decode(*state, vfs, 1000, &msgs);
	assert_true(msgs >= 2);
	for (unsigned int i = 0; i < 1000; i++) {
		assert_int_equal(d->entries[i], 1);
		assert_int_equal(d->cfg[i].mask, vfs[i].cfg.mask);
		assert_memory_equal(d->cfg[i].mac, vfs[i].cfg.mac, 6);
		assert_int_equal(d->cfg[i].vlan, vfs[i].cfg.vlan);
		assert_int_equal(d->cfg[i].vlan_proto, vfs[i].cfg.vlan_proto);
		assert_int_equal(d->cfg[i].max_tx_rate, vfs[i].cfg.max_tx_rate);
		assert_int_equal(d->cfg[i].link_state, vfs[i].cfg.link_state);
	}
	free(d);
	free(vfs);
}

struct fake_fixture {
	struct sriov_ctx *ctx;
	struct rtnl_fake *fk;
	struct sriov_rtnl *nl;
};

static int fake_setup(void **state)
{
	struct fake_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sriov_ctx_new(NULL, &f->ctx), 0);
	f->fk = rtnl_fake_new(PF_IFINDEX, "pf0", 1024);
	assert_int_equal(sriov_rtnl_open_transport(f->ctx, rtnl_fake_transact,
						   f->fk, &f->nl), 0);
	sriov_rtnl_set_retry(f->nl, 3, 0);
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_fixture *f = *state;
	int r = 0;

	if (f->fk->violation[0]) {
		print_error("fake kernel: %s\n", f->fk->violation);
		r = -1;
	}
	sriov_rtnl_close(f->nl);
	rtnl_fake_free(f->fk);
	sriov_ctx_free(f->ctx);
	free(f);
	return r;
}

static void assert_applied(const struct rtnl_fake *fk,
			   const struct sriov_rtnl_vf_set *s, uint32_t except)
{
	const struct sriov_vf_config *got = &fk->vf[s->vf];
	uint32_t want = s->cfg.mask & ~except;

	assert_int_equal(got->mask & want, want);
	if (want & SRIOV_VF_HAS_MAC)
		assert_memory_equal(got->mac, s->cfg.mac, 6);
	if (want & SRIOV_VF_HAS_VLAN)
		assert_int_equal(got->vlan, s->cfg.vlan);
	if (want & SRIOV_VF_HAS_TRUST)
		assert_int_equal(got->trust, s->cfg.trust);
	if (want & SRIOV_VF_HAS_MAX_TX_RATE)
		assert_int_equal(got->max_tx_rate, s->cfg.max_tx_rate);
}

static void test_set_all_ok(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_rtnl_vf_set vfs[128];
	struct sriov_rtnl_vf_result *res = NULL;
	size_t n_failed = 99;

	for (unsigned int i = 0; i < 128; i++)
		vfs[i] = full_set(i);
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 128, &res,
					    &n_failed), 0);
	assert_int_equal(n_failed, 0);
	assert_int_equal(f->fk->n_setlink, 1);
	for (unsigned int i = 0; i < 128; i++) {
		assert_int_equal(res[i].failed, 0);
		assert_applied(f->fk, &vfs[i], 0);
	}
	sriov_rtnl_results_free(res, 128);
}

/*
 * link_state is refused on every VF (as igb does) and VF 5's MAC is
 * refused: each failure is pinned to its field and everything else lands.
 */
static void test_set_isolates_failures(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_rtnl_vf_set vfs[16];
	struct sriov_rtnl_vf_result *res = NULL;
	size_t n_failed = 0;

	rtnl_fake_refuse(f->fk, SRIOV_VF_HAS_LINK_STATE, -1, EOPNOTSUPP,
			 "not supported by fake");
	rtnl_fake_refuse(f->fk, SRIOV_VF_HAS_MAC, 5, EINVAL, "invalid MAC");
	for (unsigned int i = 0; i < 16; i++)
		vfs[i] = full_set(i);
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 16, &res,
					    &n_failed), 0);
	assert_int_equal(n_failed, 16);
	for (unsigned int i = 0; i < 16; i++) {
		uint32_t want = SRIOV_VF_HAS_LINK_STATE |
				(i == 5 ? SRIOV_VF_HAS_MAC : 0);

		assert_int_equal(res[i].failed, want);
		assert_int_equal(res[i].error[6], -EOPNOTSUPP);
		assert_string_equal(res[i].msg[6], "not supported by fake");
		assert_applied(f->fk, &vfs[i], want);
	}
	assert_int_equal(res[5].error[0], -EINVAL);
	assert_string_equal(res[5].msg[0], "invalid MAC");
	assert_int_equal(res[4].error[0], 0);
	assert_null(res[4].msg[0]);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx),
			       "VF 0: cannot set link_state"));
	sriov_rtnl_results_free(res, 16);
}

static void test_set_retries_eagain(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_rtnl_vf_set s = full_set(3);
	struct sriov_rtnl_vf_result *res = NULL;
	size_t n_failed = 0;

	f->fk->eagain_left = 2;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, &s, 1, &res, &n_failed), 0);
	assert_int_equal(n_failed, 0);
	assert_int_equal(f->fk->n_setlink, 3);
	assert_applied(f->fk, &s, 0);
	sriov_rtnl_results_free(res, 1);
	/* Still in reset after every try: reported, bounded. */
	f->fk->eagain_left = 1000;
	f->fk->n_setlink = 0;
	s.cfg.mask = SRIOV_VF_HAS_TRUST;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, &s, 1, &res, &n_failed), 0);
	assert_int_equal(n_failed, 1);
	assert_int_equal(res[0].failed, SRIOV_VF_HAS_TRUST);
	assert_int_equal(res[0].error[5], -EAGAIN);
	assert_string_equal(res[0].msg[5], "VF in reset");
	assert_int_equal(f->fk->n_setlink, 3);
	sriov_rtnl_results_free(res, 1);
}

static void test_set_fatal_and_invalid(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_rtnl_vf_set vfs[4];
	struct sriov_rtnl_vf_result *res = NULL;
	size_t n_failed = 42;

	for (unsigned int i = 0; i < 4; i++)
		vfs[i] = full_set(i);
	f->fk->fail_setlink = EPERM;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 4, &res, &n_failed),
			 -EPERM);
	assert_null(res);
	assert_int_equal(n_failed, 42);
	assert_int_equal(f->fk->n_setlink, 1);
	f->fk->fail_setlink = 0;
	f->fk->n_setlink = 0;
	vfs[3].cfg.vlan = 5000;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 4, &res, &n_failed),
			 -EINVAL);
	assert_int_equal(f->fk->n_setlink, 0);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "VLAN 5000"));
}

static void test_set_many_vfs(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_rtnl_vf_set *vfs = calloc(1000, sizeof(*vfs));
	struct sriov_rtnl_vf_result *res = NULL;
	size_t n_failed = 0;

	assert_non_null(vfs);
	for (unsigned int i = 0; i < 1000; i++) {
		vfs[i] = full_set(i);
		/* only max changes: the current min must travel with it */
		vfs[i].cfg.mask &= ~(uint32_t)SRIOV_VF_HAS_MIN_TX_RATE;
	}
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 1000, &res,
					    &n_failed), 0);
	assert_int_equal(n_failed, 0);
	assert_true(f->fk->n_setlink >= 2);
	assert_int_equal(f->fk->n_vf_info, 1000);
	for (unsigned int i = 0; i < 1000; i++) {
		assert_applied(f->fk, &vfs[i], 0);
		assert_int_equal(f->fk->vf[i].min_tx_rate, vfs[i].cfg.min_tx_rate);
	}
	sriov_rtnl_results_free(res, 1000);
	free(vfs);
}

static void test_get_vfs_request(void **state)
{
	struct fake_fixture *f = *state;
	struct sriov_vf_config *vfs = NULL;
	size_t count = 0;

	/* The fake answers from its state: stats unless told to skip them. */
	f->fk->num_vf = 300;
	for (unsigned int i = 0; i < 300; i++)
		expected_vf(i, R_STATS, &f->fk->vf[i]);
	assert_int_equal(sriov_rtnl_get_vfs(f->nl, PF_IFINDEX, true, &vfs, &count), 0);
	assert_int_equal(f->fk->get_ifindex, PF_IFINDEX);
	assert_int_equal(f->fk->get_ext_mask, RTEXT_FILTER_VF);
	assert_int_equal(count, 300);
	for (unsigned int i = 0; i < 300; i++)
		assert_vf(&vfs[i], i, R_STATS);
	free(vfs);
	f->fk->num_vf = 2;
	assert_int_equal(sriov_rtnl_get_vfs(f->nl, PF_IFINDEX, false, &vfs, &count), 0);
	assert_int_equal(f->fk->get_ext_mask,
			 RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
	assert_int_equal(count, 2);
	assert_int_equal(f->fk->n_getlink, 2);
	free(vfs);
	/* Another ifindex: no such device. */
	assert_int_equal(sriov_rtnl_get_vfs(f->nl, PF_IFINDEX + 1, false, &vfs,
					    &count), -ENODEV);
}

static void test_ifindex_request(void **state)
{
	struct fake_fixture *f = *state;
	int ifindex = 0;

	assert_int_equal(sriov_rtnl_ifindex(f->nl, "pf0", &ifindex), 0);
	assert_int_equal(ifindex, PF_IFINDEX);
	assert_string_equal(f->fk->get_ifname, "pf0");
	assert_int_equal(f->fk->get_ifindex, 0);
	assert_int_equal(sriov_rtnl_ifindex(f->nl, "nosuch0", &ifindex), -ENODEV);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "nosuch0"));
	assert_int_equal(sriov_rtnl_ifindex(f->nl, "../x", &ifindex), -EINVAL);
}

/* The real kernel: lo has no VFs, and refuses VF settings. */
static void test_live_lo(void **state)
{
	struct sriov_ctx *ctx = *state;
	struct sriov_rtnl_vf_set s = full_set(0);
	struct sriov_rtnl_vf_result *res = NULL;
	struct sriov_vf_config *vfs = (void *)&s;
	struct sriov_rtnl *nl;
	size_t count = 99, n_failed = 0;
	int ifindex = 0, r;

	if (sriov_rtnl_open(ctx, &nl) < 0)
		skip();
	assert_int_equal(sriov_rtnl_ifindex(nl, "lo", &ifindex), 0);
	assert_int_equal(ifindex, 1);
	assert_int_equal(sriov_rtnl_ifindex(nl, "sriovtest-none", &ifindex), -ENODEV);
	assert_int_equal(sriov_rtnl_get_vfs(nl, 1, true, &vfs, &count), 0);
	assert_int_equal(count, 0);
	assert_null(vfs);
	assert_int_equal(sriov_rtnl_get_vfs(nl, 1, false, &vfs, &count), 0);
	assert_int_equal(count, 0);
	/* lo has no ndo_set_vf_*: each field fails alone, nothing changes. */
	s.cfg.mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_TRUST;
	r = sriov_rtnl_set_vfs(nl, 1, &s, 1, &res, &n_failed);
	if (r == 0) {
		assert_int_equal(n_failed, 1);
		assert_int_equal(res[0].failed, s.cfg.mask);
		assert_int_equal(res[0].error[0], -EOPNOTSUPP);
		assert_int_equal(res[0].error[5], -EOPNOTSUPP);
		sriov_rtnl_results_free(res, 1);
	} else {
		assert_int_equal(r, -EPERM); /* not privileged */
	}
	sriov_rtnl_close(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define F(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)
		T(test_parse_four_vfs),
		T(test_parse_stats),
		T(test_parse_wrapped_256),
		T(test_parse_wrapped_1024),
		T(test_parse_prefixes),
		T(test_parse_prefixes_wrapped),
		T(test_parse_cut_at_64k),
		T(test_parse_random_corruption),
		T(test_parse_bad_lengths),
		T(test_parse_bad_index),
		T(test_parse_partial_lists),
		T(test_error_reply_extack),
		T(test_parse_ack),
		T(test_parse_ifindex),
		T(test_build_getlink),
		T(test_build_setlink_fields),
		T(test_build_setlink_invalid),
		T(test_build_setlink_split),
		F(test_set_all_ok),
		F(test_set_isolates_failures),
		F(test_set_retries_eagain),
		F(test_set_fatal_and_invalid),
		F(test_set_many_vfs),
		F(test_get_vfs_request),
		F(test_ifindex_request),
		T(test_live_lo),
#undef T
#undef F
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
