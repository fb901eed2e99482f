/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rtnetlink datagram splitter: which message of a received datagram
 * answers a request, messages without alignment padding, datagrams that
 * do not come from the kernel, and the sequence numbers requests carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "rtnl.h"
#include "tmpctx.h"

/* A message of len bytes (header included) at buf + off, payload 0xaa. */
static void put_msg(uint8_t *buf, size_t off, uint32_t len, uint32_t seq)
{
	struct nlmsghdr h = { .nlmsg_len = len, .nlmsg_type = RTM_NEWLINK,
			      .nlmsg_seq = seq };

	memset(buf + off, 0xaa, len);
	memcpy(buf + off, &h, sizeof(h));
}

/* The datagram lives in a heap block of exactly its size, so that ASan
 * sees any read past its end. */
static int find(struct sriov_ctx *ctx, uint32_t sender, const uint8_t *data,
		size_t len, uint32_t seq, size_t *ret_len)
{
	uint8_t *copy = malloc(len);
	void *msg = NULL;
	int r;

	assert_non_null(copy);
	memcpy(copy, data, len);
	*ret_len = 0;
	r = sriov_rtnl_find_answer(ctx, sender, copy, len, seq, &msg, ret_len);
	free(copy);
	free(msg);
	return r;
}

static void test_unpadded_last_message(void **state)
{
	uint8_t d[64] = { 0 };
	size_t len;

	/* 17 bytes: the next aligned offset (20) lies past the end */
	put_msg(d, 0, 17, 5);
	assert_int_equal(find(*state, 0, d, 17, 6, &len), 0);
	assert_int_equal(find(*state, 0, d, 17, 5, &len), 1);
	assert_int_equal(len, 17);
	/* an unpadded message after a padded one */
	put_msg(d, 0, 18, 1);
	put_msg(d, 20, 21, 2);
	assert_int_equal(find(*state, 0, d, 41, 2, &len), 1);
	assert_int_equal(len, 21);
	assert_int_equal(find(*state, 0, d, 41, 3, &len), 0);
	/* trailing bytes too few for a header are no message */
	assert_int_equal(find(*state, 0, d, 44, 3, &len), 0);
}

static void test_malformed(void **state)
{
	uint8_t d[64] = { 0 };
	size_t len;

	put_msg(d, 0, 40, 1);
	assert_int_equal(find(*state, 0, d, 39, 1, &len), -EBADMSG);
	put_msg(d, 0, 8, 1);
	assert_int_equal(find(*state, 0, d, 32, 1, &len), -EBADMSG);
	put_msg(d, 0, 16, 1);
	put_msg(d, 16, 16, 2);
	d[16] = 0;   /* second message's length: 0 */
	assert_int_equal(find(*state, 0, d, 32, 2, &len), -EBADMSG);
}

static void test_sender_not_kernel(void **state)
{
	uint8_t d[32] = { 0 };
	size_t len;

	put_msg(d, 0, 32, 77);
	assert_int_equal(find(*state, 4242, d, 32, 77, &len), 0);
	assert_int_equal(find(*state, UINT32_MAX, d, 32, 77, &len), 0);
	assert_int_equal(find(*state, 0, d, 32, 77, &len), 1);
}

static int record_seq(void *userdata, const void *req, size_t req_len,
		      void **ret_reply, size_t *ret_reply_len)
{
	struct nlmsghdr h;

	(void)ret_reply;
	(void)ret_reply_len;
	assert_true(req_len >= sizeof(h));
	memcpy(&h, req, sizeof(h));
	*(uint32_t *)userdata = h.nlmsg_seq;
	return -EIO;
}

static uint32_t first_seq(struct sriov_ctx *ctx)
{
	struct sriov_rtnl *nl;
	uint32_t seq = 0;
	int ifindex;

	assert_int_equal(sriov_rtnl_open_transport(ctx, record_seq, &seq, &nl), 0);
	assert_int_equal(sriov_rtnl_ifindex(nl, "lo", &ifindex), -EIO);
	sriov_rtnl_close(nl);
	return seq;
}

/* Two sockets do not start at the same, guessable, number. */
static void test_seq_unpredictable(void **state)
{
	uint32_t a = first_seq(*state), b = first_seq(*state),
		 c = first_seq(*state);

	assert_false(a == b && b == c);
	assert_false(a == 1 && b == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, defctx_setup, defctx_teardown)
		T(test_unpadded_last_message),
		T(test_malformed),
		T(test_sender_not_kernel),
		T(test_seq_unpredictable),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
