/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink replies: RTM_NEWLINK built the way the kernel builds it
 * (including the 16-bit wrap of IFLA_VFINFO_LIST), truncated, corrupted
 * and malformed replies, error and ext-ack answers, ifindex look-ups.
 * Requests and the set path are in test_rtnl_build.c.
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
#include "tmpctx.h"
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

/* A canned RTM_NEWLINK for "pf0", PF_IFINDEX: every VF as rtnl_sample_vf(). */
static void build_reply(struct nlbuf *b, unsigned int num_vf, unsigned int flags,
			struct rtnl_reply_info *info)
{
	struct sriov_vf_config *vfs = calloc(num_vf ? num_vf : 1, sizeof(*vfs));

	assert_non_null(vfs);
	for (unsigned int i = 0; i < num_vf; i++)
		rtnl_sample_vf(i, flags, &vfs[i]);
	rtnl_build_newlink(b, 1, PF_IFINDEX, "pf0", vfs, num_vf, flags, info);
	free(vfs);
}

/* The parsed VF i matches what rtnl_sample_vf() put into the reply. */
static void assert_vf(const struct sriov_vf_config *got, unsigned int i,
		      unsigned int flags)
{
	assert_string_equal(rtnl_sample_vf_diff(got, i, flags), "");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, defctx_setup, defctx_teardown)
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
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
