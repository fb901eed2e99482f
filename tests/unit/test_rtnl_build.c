/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink requests: the RTM_GETLINK and RTM_SETLINK builders, and the
 * set path against the fake kernel of tests/fixtures/rtnl_fake.c, which
 * applies VF attributes in the kernel's order and stops at the first
 * error. A last test talks to the real kernel about "lo". Replies are
 * in test_rtnl_parse.c.
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

#define PF_IFINDEX 7

struct fake_fixture {
	struct sriov_ctx *ctx;
	struct rtnl_fake *fk;
	struct sriov_rtnl *nl;
};

static int setup(void **state)
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

static int teardown(void **state)
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

/* The builders need only a context: the fake's. */
static struct sriov_ctx *ctx_of(void **state)
{
	return ((struct fake_fixture *)*state)->ctx;
}

/* Finds a top-level attribute of a request built by the library. */
static struct nlattr *req_attr(struct nl_msg *msg, int type)
{
	return nlmsg_find_attr(nlmsg_hdr(msg), sizeof(struct ifinfomsg), type);
}

static void test_build_getlink(void **state)
{
	struct sriov_ctx *ctx = ctx_of(state);
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

	rtnl_sample_vf(vf, 0, &s.cfg);
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
	d = build_and_decode(ctx_of(state), vfs, 6, &msgs);
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
	struct sriov_ctx *ctx = ctx_of(state);
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
	d = build_and_decode(ctx_of(state), vfs, 1000, &msgs);
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

	for (unsigned int i = 0; i < 4; i++) {
		vfs[i] = full_set(i);
		vfs[i].cfg.vlan = (uint16_t)(10 + i);
	}
	f->fk->fail_setlink = EPERM;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 4, &res, &n_failed),
			 -EPERM);
	assert_null(res);
	assert_int_equal(n_failed, 42);
	assert_int_equal(f->fk->n_setlink, 1);
	/*
	 * With a VLAN clear in the batch, EPERM may be the driver refusing
	 * that clear: pinned down first (the batch, VF 0 alone, its first
	 * attribute), and still the end of the run when it is no privilege.
	 */
	f->fk->n_setlink = 0;
	vfs[0].cfg.vlan = 0;
	vfs[0].cfg.qos = 0;
	assert_int_equal(sriov_rtnl_set_vfs(f->nl, PF_IFINDEX, vfs, 4, &res, &n_failed),
			 -EPERM);
	assert_null(res);
	assert_int_equal(f->fk->n_setlink, 3);
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
		rtnl_sample_vf(i, R_STATS, &f->fk->vf[i]);
	assert_int_equal(sriov_rtnl_get_vfs(f->nl, PF_IFINDEX, true, &vfs, &count), 0);
	assert_int_equal(f->fk->get_ifindex, PF_IFINDEX);
	assert_int_equal(f->fk->get_ext_mask, RTEXT_FILTER_VF);
	assert_int_equal(count, 300);
	for (unsigned int i = 0; i < 300; i++)
		assert_string_equal(rtnl_sample_vf_diff(&vfs[i], i, R_STATS), "");
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
	struct sriov_ctx *ctx = ctx_of(state);
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
		T(test_build_getlink),
		T(test_build_setlink_fields),
		T(test_build_setlink_invalid),
		T(test_build_setlink_split),
		T(test_set_all_ok),
		T(test_set_isolates_failures),
		T(test_set_retries_eagain),
		T(test_set_fatal_and_invalid),
		T(test_set_many_vfs),
		T(test_get_vfs_request),
		T(test_ifindex_request),
		T(test_live_lo),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
