/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VF settings end to end: sriov_pf_read_vf_config() and
 * sriov_vf_set_config() on a fake sysfs tree, with the netdevsim-like fake
 * PF of tests/fixtures/rtnl_fake.c behind the context's rtnetlink
 * transport. Each test checks what a user would: the values read back,
 * what the report says, and how many requests reached the "kernel".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "faketree.h"
#include "internal.h"
#include "rtnl.h"
#include "rtnl_fake.h"

static const char *change_message(const struct sriov_vf_change *ch,
				  uint32_t field)
{
	const char *msg;

	sriov_vf_change_error(ch, field, &msg);
	return msg;
}

static const char host_topology[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 "
	"total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf "
	"vfnetdev=enp3s0v%d numa=1 autoprobe=1 iommu=separate\n"
	"pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme "
	"total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 vfdriver=none "
	"autoprobe=0 iommu=shared\n";

/* 1000 VFs without drivers or netdevs: about 22,000 files. */
static const char big_topology[] =
	"pf 0000:03:00.0 vendor=8086 device=1592 class=020000 driver=ice netdev=ens1f0 "
	"total=1024 numvfs=1000 offset=8 stride=1 vfdevice=1889 vfdriver=none "
	"vfnetdev=none iommu=none\n";

#define F_MAC SRIOV_VF_HAS_MAC
#define F_VLAN SRIOV_VF_HAS_VLAN
#define F_MIN SRIOV_VF_HAS_MIN_TX_RATE
#define F_MAX SRIOV_VF_HAS_MAX_TX_RATE
#define F_SPOOF SRIOV_VF_HAS_SPOOFCHK
#define F_TRUST SRIOV_VF_HAS_TRUST
#define F_LINK SRIOV_VF_HAS_LINK_STATE
/* What "vf set ... mac vlan qos spoofchk trust max-tx-rate" writes. */
#define F_SET (F_MAC | F_VLAN | F_MAX | F_SPOOF | F_TRUST)


struct fixture {
	struct faketree t;
	struct rtnl_fake *fk;
	struct sriov_pf *pf;
	struct sriov_vf **vfs;    /* every VF of the PF, in order */
	size_t n;
};

/*
 * Builds the tree and the context, and puts a fake PF netdev named pf
 * (with the ifindex sysfs gives it and one VF per enabled VF) behind the
 * context's rtnetlink transport.
 */
static int build(void **state, const char *topology, const char *pf)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char spec[64];
	int ifindex;

	assert_non_null(f);
	faketree_build(&f->t, topology);
	assert_int_equal(sriov_pf_find(f->t.ctx, pf, &f->pf), 0);
	ifindex = faketree_read_int(&f->t, pf, "ifindex");
	assert_true(ifindex > 0);
	f->fk = rtnl_fake_new(ifindex, pf, (unsigned int)sriov_pf_vf_count(f->pf));
	f->t.ctx->rtnl_transport = rtnl_fake_transact;
	f->t.ctx->rtnl_transport_data = f->fk;
	snprintf(spec, sizeof(spec), "%s#0-%zu", pf, sriov_pf_vf_count(f->pf) - 1);
	assert_int_equal(sriov_vf_spec_resolve(f->t.ctx, spec, &f->vfs, &f->n), 0);
	assert_int_equal(f->n, sriov_pf_vf_count(f->pf));
	*state = f;
	return 0;
}

static int setup_host(void **state)
{
	return build(state, host_topology, "enp3s0");
}

/* A bnxt_en PF whose link is down (IFF_UP off, operstate down). */
static const char bnxt_down_topology[] =
	"pf 0000:05:00.0 vendor=14e4 device=16d7 class=020000 driver=bnxt_en "
	"netdev=ens2f0np0 operstate=down total=8 numvfs=2 offset=8 stride=1 "
	"vfdevice=16dc vfdriver=bnxt_en vfnetdev=ens2f0v%d iommu=separate\n";

static int setup_bnxt_down(void **state)
{
	return build(state, bnxt_down_topology, "ens2f0np0");
}

static int setup_big(void **state)
{
	return build(state, big_topology, "ens1f0");
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int r = faketree_violation(f->fk->violation);

	free(f->vfs);
	faketree_free(&f->t);
	rtnl_fake_free(f->fk);
	free(f);
	return r;
}

/* The requests of one step, for the record. */
static void show_counts(const struct fixture *f, const char *what)
{
	print_message("    %-44s %3u SETLINK, %u GETLINK\n", what,
		      f->fk->n_setlink, f->fk->n_getlink);
}

/* sriov_vf_set_config() on the first n VFs, expected to succeed. */
static struct sriov_vf_change_report *
set_n(struct fixture *f, const struct sriov_vf_config *want, size_t n,
      bool dry_run)
{
	struct sriov_vf_change_report *rep = NULL;
	int r = sriov_vf_set_config(f->vfs, want, n, dry_run, &rep);

	if (r < 0)
		fail_msg("sriov_vf_set_config: %s (%s)", strerror(-r),
			 sriov_ctx_last_error(f->t.ctx));
	assert_non_null(rep);
	assert_int_equal(rep->n, n);
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(rep->vfs[i].vf, f->vfs[i]);
	return rep;
}

static struct sriov_vf_change_report *
set_all(struct fixture *f, const struct sriov_vf_config *want, bool dry_run)
{
	return set_n(f, want, f->n, dry_run);
}

/* Every field of want's mask has want's value in got. */
static void assert_fields(const struct sriov_vf_config *got,
			  const struct sriov_vf_config *want)
{
	uint32_t m = want->mask;

	assert_int_equal(got->mask & m, m);
	if (m & F_MAC)
		assert_memory_equal(got->mac, want->mac, sizeof(want->mac));
	if (m & F_VLAN) {
		assert_int_equal(got->vlan, want->vlan);
		assert_int_equal(got->qos, want->qos);
		assert_int_equal(got->vlan_proto ? got->vlan_proto : SRIOV_VLAN_PROTO_8021Q,
				 want->vlan_proto ? want->vlan_proto : SRIOV_VLAN_PROTO_8021Q);
	}
	if (m & F_MIN)
		assert_int_equal(got->min_tx_rate, want->min_tx_rate);
	if (m & F_MAX)
		assert_int_equal(got->max_tx_rate, want->max_tx_rate);
	if (m & F_SPOOF)
		assert_int_equal(got->spoofchk, want->spoofchk);
	if (m & F_TRUST)
		assert_int_equal(got->trust, want->trust);
	if (m & F_LINK)
		assert_int_equal(got->link_state, want->link_state);
	if (m & SRIOV_VF_HAS_QUERY_RSS)
		assert_int_equal(got->query_rss, want->query_rss);
}

/* MAC, VLAN 100+i with QoS 3, spoofchk and trust on, max rate per VF. */
static struct sriov_vf_config desired(unsigned int i)
{
	struct sriov_vf_config c = { .mask = F_SET };
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, (uint8_t)(i >> 8),
				 (uint8_t)(i + 1) };

	memcpy(c.mac, mac, sizeof(mac));
	c.vlan = (uint16_t)(100 + i % 1000);
	c.qos = 3;
	c.max_tx_rate = 1000 * (i % 50 + 1);
	c.spoofchk = true;
	c.trust = true;
	return c;
}

static void fill_desired(struct sriov_vf_config *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		want[i] = desired((unsigned int)i);
}

/* 1. One GETLINK fills every VF's settings, stats when asked. */
static void test_read_back(void **state)
{
	struct fixture *f = *state;

	for (unsigned int i = 0; i < 3; i++) {
		struct sriov_vf_config *c = &f->fk->vf[i];

		c->mac[0] = 0x02;
		c->mac[5] = (uint8_t)(0x10 + i);
		c->vlan = (uint16_t)(10 + i);
		c->qos = (uint8_t)i;
		c->vlan_proto = i == 1 ? SRIOV_VLAN_PROTO_8021AD : SRIOV_VLAN_PROTO_8021Q;
		c->min_tx_rate = 10 * i;
		c->max_tx_rate = 1000 + i;
		c->spoofchk = i != 1;
		c->trust = i == 2;
		c->link_state = (enum sriov_link_state)i;
		c->query_rss = i == 0;
		c->stats = (struct sriov_vf_stats){ 1 + i, 2 + i, 3 + i, 4 + i,
						     5 + i, 6 + i, 7 + i, 8 + i };
	}
	/* a driver that answers "unknown" for trust on VF 2 */
	f->fk->vf[2].mask &= ~(uint32_t)F_TRUST;
	assert_null(sriov_vf_get_config(f->vfs[0]));
	assert_int_equal(sriov_pf_read_vf_config(f->pf, true), 0);
	show_counts(f, "read 3 VFs with stats");
	assert_int_equal(f->fk->n_getlink, 1);
	assert_int_equal(f->fk->n_setlink, 0);
	assert_int_equal(f->fk->get_ifindex, f->fk->ifindex);
	assert_int_equal(f->fk->get_ext_mask, RTEXT_FILTER_VF);
	for (unsigned int i = 0; i < 3; i++) {
		const struct sriov_vf_config *got = sriov_vf_get_config(f->vfs[i]);

		assert_non_null(got);
		assert_int_equal(got->mask, f->fk->vf[i].mask | SRIOV_VF_HAS_STATS);
		assert_fields(got, &f->fk->vf[i]);
		assert_memory_equal(&got->stats, &f->fk->vf[i].stats,
				    sizeof(got->stats));
	}
	/* Without stats: one more request, which asks the kernel to skip them. */
	assert_int_equal(sriov_pf_read_vf_config(f->pf, false), 0);
	assert_int_equal(f->fk->n_getlink, 2);
	assert_int_equal(f->fk->get_ext_mask,
			 RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
	assert_int_equal(sriov_vf_get_config(f->vfs[1])->mask, f->fk->vf[1].mask);
	assert_int_equal(sriov_vf_get_config(f->vfs[1])->vlan_proto,
			 SRIOV_VLAN_PROTO_8021AD);
}

/* 2. Six settings on 3 VFs: one SETLINK, every field changed and verified. */
static void test_set_all_fields(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	fill_desired(want, 3);
	rep = set_all(f, want, false);
	show_counts(f, "set 6 settings on 3 VFs");
	assert_int_equal(f->fk->n_setlink, 1);
	assert_int_equal(f->fk->n_vf_info, 3);
	assert_int_equal(f->fk->n_getlink, 2); /* the plan, the read-back */
	assert_int_equal(rep->n_failed, 0);
	for (unsigned int i = 0; i < 3; i++) {
		const struct sriov_vf_change *ch = &rep->vfs[i];

		assert_int_equal(ch->changed, F_SET);
		assert_int_equal(ch->failed, 0);
		assert_int_equal(ch->before.max_tx_rate, 0);
		assert_fields(&ch->after, &want[i]);
		assert_fields(&f->fk->vf[i], &want[i]);
		assert_fields(sriov_vf_get_config(f->vfs[i]), &want[i]);
		/* 802.1Q goes as IFLA_VF_VLAN, the min rate (0) with the max */
		assert_int_equal(rtnl_fake_count_attrs(f->fk, (int)i, 0), 5);
		assert_int_equal(rtnl_fake_count_attrs(f->fk, (int)i, IFLA_VF_VLAN), 1);
		assert_int_equal(f->fk->vf[i].min_tx_rate, 0);
		assert_int_equal(f->fk->vf[i].link_state, SRIOV_LINK_STATE_AUTO);
	}
	sriov_vf_change_report_free(rep);
}

/* 3. The same settings again: nothing is written, nothing reported. */
static void test_idempotent(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	fill_desired(want, 3);
	sriov_vf_change_report_free(set_all(f, want, false));
	rtnl_fake_clear_log(f->fk);
	rep = set_all(f, want, false);
	show_counts(f, "the same settings again");
	assert_int_equal(f->fk->n_setlink, 0);
	assert_int_equal(rep->n_failed, 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(rep->vfs[i].changed, 0);
		assert_int_equal(rep->vfs[i].failed, 0);
		assert_fields(&rep->vfs[i].before, &want[i]);
	}
	sriov_vf_change_report_free(rep);
}

/*
 * The PF's netdev renamed after the PF was read (udev, an administrator):
 * the settings still go to the PF's own interface, found from its device.
 */
static void test_pf_renamed(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s/sys' && d=$(readlink -f class/net/enp3s0) && "
		 "mv \"$d\" \"${d%%/*}/pfnew\" && rm class/net/enp3s0 && "
		 "ln -s \"${d%%/*}/pfnew\" class/net/pfnew", f->t.dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sriov_pf_read_vf_config(f->pf, false), 0);
	fill_desired(want, 3);
	rep = set_all(f, want, false);
	assert_non_null(rep);
	assert_int_equal(rep->n_failed, 0);
	assert_true(f->fk->n_setlink > 0);
	sriov_vf_change_report_free(rep);
}

/* 4. A MAC changed behind our back: only that attribute is written. */
static void test_drift(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];
	const struct rtnl_fake_attr *a;

	fill_desired(want, 3);
	sriov_vf_change_report_free(set_all(f, want, false));
	f->fk->vf[1].mac[5] ^= 0xff;
	rtnl_fake_clear_log(f->fk);
	rep = set_all(f, want, false);
	show_counts(f, "set again after VF 1's MAC drifted");
	assert_int_equal(f->fk->n_setlink, 1);
	assert_int_equal(f->fk->n_vf_info, 1);
	assert_int_equal(f->fk->n_attrs, 1);
	a = &f->fk->attrs[0];
	assert_int_equal(a->vf, 1);
	assert_int_equal(a->type, IFLA_VF_MAC);
	assert_memory_equal(a->val.mac, want[1].mac, 6);
	assert_int_equal(a->result, 0);
	assert_int_equal(rep->vfs[0].changed, 0);
	assert_int_equal(rep->vfs[1].changed, F_MAC);
	assert_int_equal(rep->vfs[2].changed, 0);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(rep->vfs[1].before.mac[5], want[1].mac[5] ^ 0xff);
	assert_fields(&rep->vfs[1].after, &want[1]);
	assert_fields(&f->fk->vf[1], &want[1]);
	sriov_vf_change_report_free(rep);
}

/* 5. Only max-tx-rate given: IFLA_VF_RATE carries the current min. */
static void test_max_rate_keeps_min(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	for (unsigned int i = 0; i < 3; i++) {
		f->fk->vf[i].min_tx_rate = 50 + i;
		f->fk->vf[i].max_tx_rate = 500;
		want[i] = (struct sriov_vf_config){ .mask = F_MAX,
						    .max_tx_rate = 800 + i };
	}
	rep = set_all(f, want, false);
	show_counts(f, "max-tx-rate alone on 3 VFs");
	assert_int_equal(f->fk->n_setlink, 1);
	assert_int_equal(f->fk->n_attrs, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct rtnl_fake_attr *a = &f->fk->attrs[i];

		assert_int_equal(a->vf, i);
		assert_int_equal(a->type, IFLA_VF_RATE);
		assert_int_equal(a->val.min_tx_rate, 50 + i);
		assert_int_equal(a->val.max_tx_rate, 800 + i);
		assert_int_equal(f->fk->vf[i].min_tx_rate, 50 + i);
		assert_int_equal(rep->vfs[i].changed, F_MAX);
		assert_int_equal(rep->vfs[i].failed, 0);
		assert_int_equal(rep->vfs[i].after.min_tx_rate, 50 + i);
		assert_int_equal(rep->vfs[i].after.max_tx_rate, 800 + i);
	}
	sriov_vf_change_report_free(rep);
}

/* 6. link_state refused on every VF: it fails alone, the rest lands. */
static void test_refused_field(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	rtnl_fake_refuse(f->fk, F_LINK, -1, EOPNOTSUPP, "link state not supported");
	fill_desired(want, 3);
	for (unsigned int i = 0; i < 3; i++) {
		want[i].mask |= F_LINK;
		want[i].link_state = SRIOV_LINK_STATE_DISABLE;
	}
	rep = set_all(f, want, false);
	show_counts(f, "link_state refused on every VF");
	assert_int_equal(rep->n_failed, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct sriov_vf_change *ch = &rep->vfs[i];
		struct sriov_vf_config landed = want[i];

		assert_int_equal(ch->failed, F_LINK);
		assert_int_equal(ch->changed, F_SET);
		assert_int_equal(sriov_vf_change_error(ch, F_LINK, NULL), -EOPNOTSUPP);
		assert_non_null(change_message(ch, F_LINK));
		assert_string_equal(change_message(ch, F_LINK), "link state not supported");
		/* only the refused field has an error */
		assert_int_equal(ch->n_errors, 1);
		assert_int_equal(ch->errors[0].field, F_LINK);
		for (uint32_t b = 0; b < 32; b++)
			if (1u << b != F_LINK)
				assert_int_equal(sriov_vf_change_error(ch, 1u << b, NULL), 0);
		landed.mask &= ~(uint32_t)F_LINK;
		assert_fields(&ch->after, &landed);
		assert_fields(&f->fk->vf[i], &landed);
		assert_int_equal(ch->after.link_state, SRIOV_LINK_STATE_AUTO);
	}
	/* the batch, then each VF alone, then each of its attributes alone */
	assert_in_range(f->fk->n_setlink, 4, 1 + 3 * (1 + 6));
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "link state not supported"));
	sriov_vf_change_report_free(rep);
}

/* 7. The kernel takes a max rate but keeps another one: not changed. */
static void test_verify_read_back(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	f->fk->max_rate_cap = 10000;
	for (unsigned int i = 0; i < 3; i++)
		want[i] = (struct sriov_vf_config){ .mask = F_MAX | F_TRUST,
						    .max_tx_rate = 25000,
						    .trust = true };
	rep = set_all(f, want, false);
	show_counts(f, "max rate accepted but clamped");
	assert_int_equal(f->fk->n_setlink, 1);
	assert_int_equal(rep->n_failed, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct sriov_vf_change *ch = &rep->vfs[i];

		assert_int_equal(ch->failed, F_MAX);
		assert_int_equal(ch->changed, F_TRUST);
		assert_int_equal(sriov_vf_change_error(ch, F_MAX, NULL), -EIO);
		assert_non_null(change_message(ch, F_MAX));
		assert_non_null(strstr(change_message(ch, F_MAX), "max_tx_rate"));
		assert_int_equal(ch->after.max_tx_rate, 10000);
		assert_true(ch->after.trust);
	}
	sriov_vf_change_report_free(rep);
}

/* Expects sriov_vf_set_config() to refuse want with err and text, sending nothing. */
static void expect_invalid(struct fixture *f, const struct sriov_vf_config *want,
			   int err, const char *text)
{
	struct sriov_vf_change_report *rep = NULL;

	rtnl_fake_clear_log(f->fk);
	assert_int_equal(sriov_vf_set_config(f->vfs, want, f->n, false, &rep), err);
	assert_null(rep);
	assert_int_equal(f->fk->n_setlink, 0);
	if (!strstr(sriov_ctx_last_error(f->t.ctx), text))
		fail_msg("error \"%s\" lacks \"%s\"", sriov_ctx_last_error(f->t.ctx),
			 text);
	/* the dry run refuses it the same way */
	assert_int_equal(sriov_vf_set_config(f->vfs, want, f->n, true, &rep), err);
	assert_null(rep);
	assert_int_equal(f->fk->n_setlink, 0);
}

/* 8. Bad values on the last VF: nothing is sent for any VF. */
static void test_validation(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_config want[3], *last = &want[2];

	fill_desired(want, 3);
	last->mac[0] = 0x01; /* 01:00:5e:...: multicast */
	expect_invalid(f, want, -EINVAL, "multicast");
	fill_desired(want, 3);
	last->vlan = 4096;
	expect_invalid(f, want, -ERANGE, "VLAN 4096");
	fill_desired(want, 3);
	last->qos = 8;
	expect_invalid(f, want, -ERANGE, "QoS 8");
	fill_desired(want, 3);
	last->mask |= F_MIN;
	last->min_tx_rate = 5000;
	last->max_tx_rate = 1000;
	expect_invalid(f, want, -EINVAL, "min-tx-rate 5000 is above max-tx-rate 1000");
	/* min alone, above the max the VF has now */
	fill_desired(want, 3);
	f->fk->vf[2].max_tx_rate = 500;
	*last = (struct sriov_vf_config){ .mask = F_MIN, .min_tx_rate = 700 };
	expect_invalid(f, want, -EINVAL, "min-tx-rate 700 would be above max-tx-rate 500");
	/* nothing of the valid VFs was applied either */
	assert_int_equal(f->fk->vf[0].vlan, 0);
	assert_int_equal(f->fk->vf[0].mac[0], 0);
	show_counts(f, "5 invalid requests (last one)");
}

/* 9. A dry run says what would change and writes nothing. */
static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	fill_desired(want, 3);
	rep = set_all(f, want, true);
	show_counts(f, "dry run of 6 settings on 3 VFs");
	assert_int_equal(f->fk->n_setlink, 0);
	assert_int_equal(f->fk->n_getlink, 1);
	assert_int_equal(rep->n_failed, 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(rep->vfs[i].changed, F_SET);
		assert_int_equal(rep->vfs[i].failed, 0);
		assert_fields(&rep->vfs[i].after, &want[i]);
		assert_int_equal(rep->vfs[i].before.vlan, 0);
		assert_int_equal(f->fk->vf[i].vlan, 0); /* untouched */
	}
	sriov_vf_change_report_free(rep);
	/* applied for real, a dry run has nothing left to do */
	sriov_vf_change_report_free(set_all(f, want, false));
	rtnl_fake_clear_log(f->fk);
	rep = set_all(f, want, true);
	show_counts(f, "dry run of the applied settings");
	assert_int_equal(f->fk->n_setlink, 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(rep->vfs[i].changed, 0);
		assert_fields(&rep->vfs[i].after, &want[i]);
	}
	sriov_vf_change_report_free(rep);
}

/* 10. A PF without a netdev (NVMe) has no VF settings to read or write. */
static void test_pf_without_netdev(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config want[2] = { desired(0), desired(1) };
	struct sriov_vf **vfs = NULL;
	struct sriov_pf *pf = NULL;
	size_t n = 0;

	assert_int_equal(sriov_pf_find(f->t.ctx, "0000:04:00.0", &pf), 0);
	assert_int_equal(sriov_pf_read_vf_config(pf, false), -ENODEV);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx),
			       "0000:04:00.0 has no network interface"));
	assert_int_equal(sriov_vf_spec_resolve(f->t.ctx, "0000:04:00.0#0-1", &vfs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sriov_vf_set_config(vfs, want, n, false, &rep), -ENODEV);
	assert_null(rep);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "no network interface"));
	assert_null(sriov_vf_get_config(vfs[0]));
	assert_int_equal(f->fk->n_getlink + f->fk->n_setlink, 0);
	free(vfs);
}

/* 11. "VF in reset" twice, then the write goes through. */
static void test_eagain_retried(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want = { .mask = F_MAX, .max_tx_rate = 3000 };

	/* the context opens its rtnetlink handle on first use */
	assert_int_equal(sriov_pf_read_vf_config(f->pf, false), 0);
	assert_non_null(f->t.ctx->rtnl);
	sriov_rtnl_set_retry(f->t.ctx->rtnl, 5, 1);
	rtnl_fake_clear_log(f->fk);
	f->fk->eagain_left = 2;
	rep = set_n(f, &want, 1, false);
	show_counts(f, "EAGAIN twice, then accepted");
	assert_int_equal(f->fk->n_setlink, 3);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(rep->vfs[0].changed, F_MAX);
	assert_int_equal(f->fk->vf[0].max_tx_rate, 3000);
	sriov_vf_change_report_free(rep);
	/* still in reset after every try: that field fails, with the reason */
	rtnl_fake_clear_log(f->fk);
	f->fk->eagain_left = 1000;
	want.max_tx_rate = 4000;
	rep = set_n(f, &want, 1, false);
	show_counts(f, "EAGAIN on every try");
	assert_int_equal(f->fk->n_setlink, 5);
	assert_int_equal(rep->n_failed, 1);
	assert_true(rep->vfs[0].failed & F_MAX);
	assert_int_equal(rep->vfs[0].changed, 0);
	assert_int_equal(sriov_vf_change_error(&rep->vfs[0], F_MAX, NULL), -EAGAIN);
	assert_string_equal(change_message(&rep->vfs[0], F_MAX), "VF in reset");
	assert_int_equal(f->fk->vf[0].max_tx_rate, 3000);
	sriov_vf_change_report_free(rep);
}

static void assert_setlinks_fit(const struct rtnl_fake *fk)
{
	for (unsigned int k = 0; k < fk->n_setlink; k++) {
		print_message("      SETLINK %u: %zu bytes\n", k, fk->setlink_len[k]);
		assert_true(fk->setlink_len[k] < 65536);
	}
}

/* 12. 1000 VFs: everything changed, in messages that fit, then nothing. */
static void test_thousand_vfs(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_config *want = calloc(f->n, sizeof(*want));
	struct sriov_vf_change_report *rep;

	assert_non_null(want);
	assert_int_equal(f->n, 1000);
	/* max rate alone: 20 bytes a VF, all 1000 fit in one message */
	for (size_t i = 0; i < f->n; i++)
		want[i] = (struct sriov_vf_config){ .mask = F_MAX,
						    .max_tx_rate = 2000 + (uint32_t)i };
	rep = set_all(f, want, false);
	show_counts(f, "max rate on 1000 VFs");
	assert_setlinks_fit(f->fk);
	assert_int_equal(f->fk->n_getlink, 2);
	assert_int_equal(f->fk->n_vf_info, 1000);
	assert_int_equal(rep->n_failed, 0);
	for (size_t i = 0; i < f->n; i++) {
		assert_int_equal(rep->vfs[i].changed, F_MAX);
		assert_int_equal(f->fk->vf[i].max_tx_rate, 2000 + i);
	}
	sriov_vf_change_report_free(rep);
	/* five settings: 100 bytes a VF, more than one message can hold */
	rtnl_fake_clear_log(f->fk);
	fill_desired(want, f->n);
	rep = set_all(f, want, false);
	show_counts(f, "5 settings on 1000 VFs");
	assert_true(f->fk->n_setlink > 1);
	assert_setlinks_fit(f->fk);
	assert_int_equal(f->fk->n_vf_info, 1000);
	assert_int_equal(rep->n_failed, 0);
	for (size_t i = 0; i < f->n; i++) {
		assert_int_equal(rep->vfs[i].changed, F_SET);
		assert_fields(&f->fk->vf[i], &want[i]);
	}
	sriov_vf_change_report_free(rep);
	/* a second run has nothing to send */
	rtnl_fake_clear_log(f->fk);
	rep = set_all(f, want, false);
	show_counts(f, "the same on 1000 VFs again");
	assert_int_equal(f->fk->n_setlink, 0);
	assert_int_equal(f->fk->n_getlink, 1);
	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(rep->vfs[i].changed, 0);
	sriov_vf_change_report_free(rep);
	free(want);
}

/*
 * Library bugs, one test each; they fail until vfconfig.c is fixed. The
 * report is freed before asserting so that a failure does not leak.
 */

/* A VF with nothing to write still gets its settings in `after`. */
static void test_after_of_unchanged_vfs(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3], after[3];

	fill_desired(want, 3);
	sriov_vf_change_report_free(set_all(f, want, false));
	f->fk->vf[1].mac[5] ^= 0xff;
	rep = set_all(f, want, false);
	for (unsigned int i = 0; i < 3; i++)
		after[i] = rep->vfs[i].after;
	sriov_vf_change_report_free(rep);
	assert_fields(&after[1], &want[1]); /* written, read back: fine */
	assert_fields(&after[0], &want[0]); /* nothing written: all zero */
	assert_fields(&after[2], &want[2]);
}

/* Only max-tx-rate asked and IFLA_VF_RATE refused: min is no failure. */
static void test_failed_rate_names_asked_field(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want = { .mask = F_MAX, .max_tx_rate = 3000 };
	uint32_t failed;
	bool min_message;

	rtnl_fake_refuse(f->fk, F_MAX, 0, EOPNOTSUPP, "no rate limiting");
	rep = set_n(f, &want, 1, false);
	failed = rep->vfs[0].failed;
	min_message = change_message(&rep->vfs[0], F_MIN) != NULL;
	assert_int_equal(sriov_vf_change_error(&rep->vfs[0], F_MAX, NULL), -EOPNOTSUPP);
	sriov_vf_change_report_free(rep);
	assert_false(min_message);
	assert_int_equal(failed, F_MAX);
}

/* The notes of the context, one string; "" when none. */
static const char *notes_text(struct fixture *f)
{
	static char buf[4096];
	const char *const *notes;
	size_t n = sriov_ctx_notes(f->t.ctx, &notes), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n", notes[i]);
	assert_null(notes[n]);
	return buf;
}

/* A driver that answers EPERM to a VLAN clear though VF 0's VLAN is 0. */
static int vlan0_clear_transact(void *userdata, const void *req, size_t len,
				void **ret_reply, size_t *ret_len)
{
	struct rtnl_fake *fk = userdata;
	int r = rtnl_fake_transact(userdata, req, len, ret_reply, ret_len);

	if (((const struct nlmsghdr *)req)->nlmsg_type == RTM_SETLINK) {
		fk->vf[0].vlan = 0;
		fk->vf[0].qos = 0;
	}
	return r;
}

/*
 * 16. Clearing a VLAN answered with EPERM: the VF that reads back VLAN 0
 * is done, with a note; the others fail on their VLAN alone; the run goes
 * on (EPERM used to end it) and trust lands everywhere.
 */
static void test_vlan_clear_eperm(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	f->t.ctx->rtnl_transport = vlan0_clear_transact;
	for (unsigned int i = 0; i < 3; i++) {
		f->fk->vf[i].vlan = 10;
		want[i] = (struct sriov_vf_config){ .mask = F_VLAN | F_TRUST,
						    .trust = true };
	}
	rtnl_fake_refuse(f->fk, F_VLAN, -1, EPERM, NULL);
	rep = set_all(f, want, false);
	assert_int_equal(rep->n_failed, 2);
	assert_int_equal(rep->vfs[0].failed, 0);
	assert_int_equal(rep->vfs[0].changed, F_VLAN | F_TRUST);
	assert_int_equal(rep->vfs[0].after.vlan, 0);
	for (unsigned int i = 1; i < 3; i++) {
		assert_int_equal(rep->vfs[i].failed, F_VLAN);
		assert_int_equal(sriov_vf_change_error(&rep->vfs[i], F_VLAN, NULL), -EPERM);
		assert_int_equal(rep->vfs[i].changed, F_TRUST);
		assert_int_equal(rep->vfs[i].after.vlan, 10);
	}
	for (unsigned int i = 0; i < 3; i++)
		assert_true(f->fk->vf[i].trust);
	assert_non_null(strstr(notes_text(f), "0000:03:00.0 VF 0: the driver refused clearing the VLAN (EPERM)"));
	assert_null(strstr(notes_text(f), "VF 1"));
	sriov_vf_change_report_free(rep);
}

/* 17. EPERM to setting a VLAN (not clearing it) still ends the run. */
static void test_vlan_set_eperm_fatal(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config want = { .mask = F_VLAN, .vlan = 20 };

	rtnl_fake_refuse(f->fk, F_VLAN, -1, EPERM, NULL);
	assert_int_equal(sriov_vf_set_config(f->vfs, &want, 1, false, &rep), -EPERM);
	assert_null(rep);
	assert_int_equal(sriov_ctx_notes(f->t.ctx, NULL), 0);
}

/*
 * 18. A driver that refuses MAC 00:00:00:00:00:00 gets 02:00:00:00:00:00
 * once, with a note per VF; a VF that refuses that too keeps the error.
 */
static void test_zero_mac_refused(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];
	static const uint8_t alt[6] = { 0x02, 0, 0, 0, 0, 0 };

	f->fk->refuse_zero_mac = true;
	rtnl_fake_refuse(f->fk, F_MAC, 2, EADDRNOTAVAIL, "no MAC changes on VF 2");
	for (unsigned int i = 0; i < 3; i++) {
		f->fk->vf[i].mac[0] = 0x02;
		f->fk->vf[i].mac[5] = (uint8_t)(0x20 + i);
		want[i] = (struct sriov_vf_config){ .mask = F_MAC };
	}
	rep = set_all(f, want, false);
	assert_int_equal(rep->n_failed, 1);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(rep->vfs[i].failed, 0);
		assert_int_equal(rep->vfs[i].n_errors, 0);
		assert_int_equal(rep->vfs[i].changed, F_MAC);
		assert_memory_equal(rep->vfs[i].after.mac, alt, 6);
		assert_memory_equal(f->fk->vf[i].mac, alt, 6);
	}
	assert_int_equal(rep->vfs[2].failed, F_MAC);
	assert_int_equal(sriov_vf_change_error(&rep->vfs[2], F_MAC, NULL), -EADDRNOTAVAIL);
	assert_int_equal(f->fk->vf[2].mac[5], 0x22);
	assert_non_null(strstr(notes_text(f),
		"0000:03:00.0 VF 1: the driver refused MAC 00:00:00:00:00:00 (Invalid argument: Invalid Ethernet address); set the locally administered 02:00:00:00:00:00 instead"));
	assert_null(strstr(notes_text(f), "VF 2"));
	/*
	 * VF 0: the batch, alone, then the alternative in a batch with the
	 * others and, as VF 2 refused it, alone once more
	 */
	assert_int_equal(rtnl_fake_count_attrs(f->fk, 0, IFLA_VF_MAC), 4);
	sriov_vf_change_report_free(rep);
}

/* 19. A driver that takes the zero MAC gets it, without a note. */
static void test_zero_mac_taken(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want = { .mask = F_MAC };

	f->fk->vf[0].mac[0] = 0x02;
	rep = set_n(f, &want, 1, false);
	assert_int_equal(rep->vfs[0].changed, F_MAC);
	assert_memory_equal(f->fk->vf[0].mac, (const uint8_t[6]){ 0 }, 6);
	assert_int_equal(sriov_ctx_notes(f->t.ctx, NULL), 0);
	sriov_vf_change_report_free(rep);
}

/*
 * 20. bnxt_en with its link down: named in a note before the write, which
 * goes ahead; when the driver then refuses, each error names it too.
 */
static void test_link_down_named(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[2] = {
		{ .mask = F_TRUST, .trust = true }, { .mask = F_TRUST, .trust = true },
	};
	const char *hint = "0000:05:00.0 (ens2f0np0): its link is down and bnxt_en refuses or drops VF settings while it is; bring it up first: ip link set ens2f0np0 up";

	rep = set_all(f, want, true);
	assert_string_equal(notes_text(f), "0000:05:00.0 (ens2f0np0): its link is down and bnxt_en refuses or drops VF settings while it is; bring it up first: ip link set ens2f0np0 up\n");
	assert_int_equal(f->fk->n_setlink, 0);
	sriov_vf_change_report_free(rep);
	rep = set_all(f, want, false);
	assert_int_equal(rep->n_failed, 0);
	assert_true(f->fk->vf[1].trust);
	sriov_vf_change_report_free(rep);

	rtnl_fake_refuse(f->fk, F_SPOOF, -1, EINVAL, "vf ndo called though PF is down");
	want[0] = want[1] = (struct sriov_vf_config){ .mask = F_SPOOF, .spoofchk = false };
	f->fk->vf[0].spoofchk = f->fk->vf[1].spoofchk = true;
	rep = set_all(f, want, false);
	assert_int_equal(rep->n_failed, 2);
	assert_non_null(strstr(change_message(&rep->vfs[1], F_SPOOF), "vf ndo called though PF is down; "));
	assert_non_null(strstr(change_message(&rep->vfs[1], F_SPOOF), hint));
	sriov_vf_change_report_free(rep);
	/* a failure of the whole write names it as well */
	f->fk->fail_setlink = ENODEV;
	want[0].spoofchk = want[1].spoofchk = true;
	f->fk->vf[0].spoofchk = f->fk->vf[1].spoofchk = false;
	rep = NULL;
	assert_int_equal(sriov_vf_set_config(f->vfs, want, 2, false, &rep), -ENODEV);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), hint));
}

/* 21. A PF whose link is up, or whose driver does not mind: no note. */
static void test_no_note_when_up(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf_change_report *rep;
	struct sriov_vf_config want[3];

	fill_desired(want, 3);
	rep = set_all(f, want, false);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(sriov_ctx_notes(f->t.ctx, NULL), 0);
	sriov_vf_change_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_host, teardown)
		T(test_read_back),
		T(test_set_all_fields),
		T(test_idempotent),
		T(test_drift),
		T(test_max_rate_keeps_min),
		T(test_refused_field),
		T(test_verify_read_back),
		T(test_validation),
		T(test_dry_run),
		T(test_pf_without_netdev),
		T(test_eagain_retried),
		T(test_pf_renamed),
		cmocka_unit_test_setup_teardown(test_thousand_vfs, setup_big,
						teardown),
		T(test_after_of_unchanged_vfs),
		T(test_failed_rate_names_asked_field),
		T(test_vlan_clear_eperm),
		T(test_vlan_set_eperm_fatal),
		T(test_zero_mac_refused),
		T(test_zero_mac_taken),
		cmocka_unit_test_setup_teardown(test_link_down_named,
						setup_bnxt_down, teardown),
		T(test_no_note_when_up),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
