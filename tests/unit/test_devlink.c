/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devlink over generic netlink against the fake kernel of
 * tests/fixtures/devlink_fake.c behind the context's devlink transport:
 * the family look-up, eswitch reads and mode changes with the drivers'
 * refusals and their ext-ack text, port dumps, commands added from
 * outside, and answers that are malformed.
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

#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>

#include "devlink.h"
#include "eswitch.h"
#include "devlink_fake.h"
#include "fakesys.h"
#include "tmpctx.h"

struct fix {
	struct tmpctx *t;
	struct devlink_fake *fk;
	struct sriov_devlink *dl;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	void *t = NULL;

	assert_non_null(f);
	tmpctx_setup(&t);
	f->t = t;
	f->fk = devlink_fake_new();
	devlink_fake_add(f->fk, "pci", "0000:03:00.0", "ice", "ens1f0", 0);
	devlink_fake_add(f->fk, "netdevsim", "netdevsim1", "netdevsim", "eni1np1", 8)
		->vf_port_base = 128;
	f->t->ctx->devlink_transport = devlink_fake_transact;
	f->t->ctx->devlink_transport_data = f->fk;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	void *t = f->t;
	char violation[sizeof(f->fk->violation)];

	memcpy(violation, f->fk->violation, sizeof(violation));
	tmpctx_teardown(&t);
	devlink_fake_free(f->fk);
	free(f);
	assert_string_equal(violation, "");
	return 0;
}

static struct sriov_devlink *dl_of(struct fix *f)
{
	struct sriov_devlink *dl = NULL;

	assert_int_equal(sriov_devlink_ctx(f->t->ctx, &dl), 0);
	return dl;
}

static void test_family_and_instances(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct sriov_devlink *again = NULL;

	assert_int_equal(f->fk->n_family, 1);
	assert_int_equal(sriov_devlink_ctx(f->t->ctx, &again), 0);
	assert_ptr_equal(again, dl);
	assert_int_equal(f->fk->n_family, 1);
	assert_int_equal(sriov_dl_dev_exists(dl, "pci", "0000:03:00.0"), 1);
	assert_int_equal(sriov_dl_dev_exists(dl, "netdevsim", "netdevsim1"), 1);
	assert_int_equal(sriov_dl_dev_exists(dl, "pci", "0000:09:00.0"), 0);
	assert_int_equal(sriov_dl_dev_exists(dl, "pci", "../x"), -EINVAL);
}

static void test_no_devlink_family(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = NULL;

	f->fk->no_family = true;
	assert_int_equal(sriov_devlink_ctx(f->t->ctx, &dl), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->t->ctx), "no devlink"));
	/* asked once per context */
	assert_int_equal(sriov_devlink_ctx(f->t->ctx, &dl), -EOPNOTSUPP);
	assert_int_equal(f->fk->n_family, 1);
}

static void test_built_tree_has_no_devlink(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = NULL;

	f->t->ctx->devlink_transport = NULL;
	assert_int_equal(sriov_devlink_ctx(f->t->ctx, &dl), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->t->ctx), "running kernel"));
	assert_int_equal(f->fk->n_requests, 0);
}

static void test_eswitch_get(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct devlink_fake_dev *d = devlink_fake_find(f->fk, "pci", "0000:03:00.0");
	struct sriov_dl_eswitch e;

	assert_int_equal(sriov_dl_eswitch_get(dl, "pci", "0000:03:00.0", &e), 0);
	assert_int_equal(e.mode, DEVLINK_ESWITCH_MODE_LEGACY);
	assert_int_equal(e.inline_mode, SRIOV_NO_VALUE);
	assert_int_equal(e.encap_mode, SRIOV_NO_VALUE);
	d->mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
	d->inline_mode = DEVLINK_ESWITCH_INLINE_MODE_TRANSPORT;
	d->encap_mode = DEVLINK_ESWITCH_ENCAP_MODE_BASIC;
	assert_int_equal(sriov_dl_eswitch_get(dl, "pci", "0000:03:00.0", &e), 0);
	assert_int_equal(e.mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(e.inline_mode, DEVLINK_ESWITCH_INLINE_MODE_TRANSPORT);
	assert_int_equal(e.encap_mode, DEVLINK_ESWITCH_ENCAP_MODE_BASIC);
	d->has_eswitch = false;
	assert_int_equal(sriov_dl_eswitch_get(dl, "pci", "0000:03:00.0", &e),
			 -EOPNOTSUPP);
	assert_int_equal(sriov_dl_eswitch_get(dl, "pci", "0000:0a:00.0", &e),
			 -ENODEV);
}

static void test_eswitch_set_and_refusals(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct devlink_fake_dev *ice = devlink_fake_find(f->fk, "pci", "0000:03:00.0");
	struct devlink_fake_dev *nsim = devlink_fake_find(f->fk, "netdevsim", "netdevsim1");
	const char *err;

	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "netdevsim", "netdevsim1",
						   DEVLINK_ESWITCH_MODE_SWITCHDEV), 0);
	assert_int_equal(nsim->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(sriov_devlink_n_writes(dl), 1);
	assert_int_equal(f->fk->n_sets, 1);
	/* the devlink core refuses any mode while rate nodes exist */
	nsim->n_rate_nodes = 1;
	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "netdevsim", "netdevsim1",
						   DEVLINK_ESWITCH_MODE_LEGACY), -EBUSY);
	err = sriov_ctx_last_error(f->t->ctx);
	assert_non_null(strstr(err, "Rate node(s) exists."));
	assert_non_null(strstr(err, "netdevsim/netdevsim1"));
	assert_int_equal(nsim->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	/* ice: only without VFs */
	ice->num_vfs = 2;
	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "pci", "0000:03:00.0",
						   DEVLINK_ESWITCH_MODE_SWITCHDEV), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->t->ctx), "no VFs created"));
	ice->num_vfs = 0;
	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "pci", "0000:03:00.0",
						   DEVLINK_ESWITCH_MODE_SWITCHDEV), 0);
	assert_int_equal(ice->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(sriov_devlink_n_writes(dl), 4);
}

static void wiped(struct devlink_fake *fk, struct devlink_fake_dev *d, void *data)
{
	(void)fk;
	(void)d;
	++*(int *)data;
}

static void test_mlx5_wipes(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	int n = 0;

	devlink_fake_add(f->fk, "pci", "0000:05:00.0", "mlx5_core", "enp5s0f0np0", 4);
	f->fk->on_wipe = wiped;
	f->fk->on_wipe_data = &n;
	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "pci", "0000:05:00.0",
						   DEVLINK_ESWITCH_MODE_SWITCHDEV), 0);
	assert_int_equal(n, 1);
	/* the same mode again changes nothing */
	assert_int_equal(sriov_dl_eswitch_set_mode(dl, "pci", "0000:05:00.0",
						   DEVLINK_ESWITCH_MODE_SWITCHDEV), 0);
	assert_int_equal(n, 1);
}

static const struct sriov_dl_port *find_port(const struct sriov_dl_port *p,
					     size_t n, const char *dev, int vf)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].dev, dev) && p[i].vfnum == vf)
			return &p[i];
	return NULL;
}

static void test_port_dump(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct devlink_fake_dev *nsim = devlink_fake_find(f->fk, "netdevsim", "netdevsim1");
	struct sriov_dl_port *ports = NULL;
	const struct sriov_dl_port *p;
	size_t n = 0;

	/* legacy: the physical ports only */
	assert_int_equal(sriov_dl_port_dump(dl, &ports, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ports[1].flavour, DEVLINK_PORT_FLAVOUR_PHYSICAL);
	assert_string_equal(ports[1].netdev, "eni1np1");
	assert_int_equal(ports[1].vfnum, SRIOV_NO_VALUE);
	free(ports);
	nsim->mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
	nsim->num_vfs = 64;
	nsim->port_fn = true;
	assert_int_equal(sriov_dl_port_dump(dl, &ports, &n), 0);
	assert_int_equal(n, 2 + 64);
	p = find_port(ports, n, "netdevsim1", 63);
	assert_non_null(p);
	assert_string_equal(p->bus, "netdevsim");
	assert_int_equal(p->index, 128 + 63);
	assert_int_equal(p->flavour, DEVLINK_PORT_FLAVOUR_PCI_VF);
	assert_int_equal(p->pfnum, 0);
	assert_string_equal(p->netdev, "eni1np1pf0vf63");
	assert_int_equal(p->netdev_ifindex, nsim->rep_ifindex_base + 63);
	assert_int_equal(p->hw_addr_len, 6);
	assert_int_equal(p->hw_addr[5], 63);
	assert_int_equal(p->fn_state, DEVLINK_PORT_FN_STATE_ACTIVE);
	assert_int_equal(p->fn_opstate, DEVLINK_PORT_FN_OPSTATE_ATTACHED);
	assert_int_equal(f->fk->n_dumps, 2);
	free(ports);
}

static void test_dump_error(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct sriov_dl_port *ports = NULL;
	size_t n = 0;

	f->fk->fail_cmd = DEVLINK_CMD_PORT_GET;
	f->fk->fail_errno = EPERM;
	assert_int_equal(sriov_dl_port_dump(dl, &ports, &n), -EPERM);
	assert_null(ports);
	assert_non_null(strstr(sriov_ctx_last_error(f->t->ctx), "devlink ports"));
}

/* A command the base does not know, added from outside (as rate objects are). */
static int rate_dump(struct devlink_fake *fk, const struct devlink_fake_req *req,
		     struct nlbuf *out, const char **extack)
{
	struct nlbuf msg = { 0 };
	uint64_t share = 12500000;

	(void)extack;
	devlink_fake_reply_begin(&msg, req, DEVLINK_CMD_RATE_NEW, &fk->devs[1]);
	nlbuf_put_attr(&msg, DEVLINK_ATTR_RATE_NODE_NAME, "grp", 4);
	nlbuf_put_attr(&msg, DEVLINK_ATTR_RATE_TX_SHARE, &share, sizeof(share));
	devlink_fake_reply_end(out, &msg);
	return 0;
}

struct rate_seen {
	char name[16];
	uint64_t share;
	int n;
};

static int rate_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		      void *data)
{
	struct rate_seen *s = data;
	const char *name = sriov_dl_str(&m->tb[DEVLINK_ATTR_RATE_NODE_NAME]);

	(void)dl;
	assert_int_equal(m->cmd, DEVLINK_CMD_RATE_NEW);
	assert_non_null(name);
	snprintf(s->name, sizeof(s->name), "%s", name);
	assert_int_equal(sriov_dl_u64(&m->tb[DEVLINK_ATTR_RATE_TX_SHARE], &s->share), 0);
	s->n++;
	return 0;
}

static void test_added_command(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct nl_msg *msg = NULL;
	struct rate_seen seen = { 0 };

	devlink_fake_add_handler(f->fk, DEVLINK_CMD_RATE_GET, rate_dump);
	assert_int_equal(sriov_devlink_msg(dl, DEVLINK_CMD_RATE_GET, NLM_F_DUMP,
					   NULL, NULL, &msg), 0);
	assert_int_equal(sriov_devlink_dump(dl, msg, "rates", rate_reply, &seen), 0);
	sriov_devlink_msg_freep(&msg);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.name, "grp");
	assert_int_equal(seen.share, 12500000);
}

/* Answers from a broken kernel: lengths past the end, missing strings. */
static void msg_with_attr(struct nlbuf *b, uint32_t seq, uint16_t type,
			  uint16_t claimed_len, const void *data, size_t len)
{
	struct genlmsghdr g = { .cmd = DEVLINK_CMD_PORT_NEW };
	struct nlattr nla = { .nla_len = claimed_len, .nla_type = type };

	nlbuf_msg_begin(b, DEVLINK_FAKE_FAMILY, 0, seq);
	nlbuf_append(b, &g, sizeof(g));
	nlbuf_append(b, &nla, sizeof(nla));
	nlbuf_append(b, data, len);
	nlbuf_msg_end(b);
}

static int count_msgs(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
		      void *data)
{
	struct sriov_dl_port p;

	(void)dl;
	++*(int *)data;
	return sriov_dl_port_parse(m, &p);
}

static void test_malformed_answers(void **state)
{
	struct fix *f = *state;
	struct sriov_devlink *dl = dl_of(f);
	struct nlbuf b = { 0 };
	int n = 0;

	/* an attribute claiming more bytes than the message has */
	msg_with_attr(&b, 7, DEVLINK_ATTR_BUS_NAME, 200, "pci", 4);
	assert_int_equal(sriov_devlink_parse_answer(dl, b.p, b.len, 7, false, "t",
						    count_msgs, &n), -EBADMSG);
	assert_int_equal(n, 0);
	/* a bus name without its NUL: parsed, refused by the port reader */
	msg_with_attr(&b, 7, DEVLINK_ATTR_BUS_NAME, 4 + 3, "pci", 3);
	assert_int_equal(sriov_devlink_parse_answer(dl, b.p, b.len, 7, false, "t",
						    count_msgs, &n), -EBADMSG);
	assert_int_equal(n, 1);
	/* another sequence number: not ours, nothing read, not complete */
	assert_int_equal(sriov_devlink_parse_answer(dl, b.p, b.len, 8, false, "t",
						    count_msgs, &n), 0);
	assert_int_equal(n, 1);
	/* a message header longer than the datagram */
	b.len -= 4;
	assert_int_equal(sriov_devlink_parse_answer(dl, b.p, b.len, 7, false, "t",
						    count_msgs, &n), -EBADMSG);
	nlbuf_free(&b);
}

/* The model: a PCI PF of a built tree whose devlink instance the fake has. */
static const char mlx_topology[] =
	"pf 0000:03:00.0 vendor=15b3 device=1017 class=020000 driver=mlx5_core "
	"netdev=enp3s0f0np0 total=8 numvfs=4 offset=2 stride=1 vfdevice=1018 "
	"vfdriver=mlx5_core vfnetdev=enp3s0f0v%d iommu=separate\n"
	"pf 0000:04:00.0 vendor=8086 device=10c9 class=020000 driver=igb "
	"netdev=enp4s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca "
	"vfdriver=igbvf iommu=separate\n";

static void test_model(void **state)
{
	struct fix *f = *state;
	struct devlink_fake_dev *d;
	struct sriov_eswitch_info e;
	struct sriov_vf_port port;
	struct sriov_pf *pf, *igb;
	char err[256];

	assert_int_equal(fakesys_build(f->t->dir, mlx_topology, err, sizeof(err)), 0);
	d = devlink_fake_find(f->fk, "pci", "0000:03:00.0");
	d->num_vfs = 4;
	d->port_fn = true;
	assert_int_equal(sriov_pf_find(f->t->ctx, "0000:03:00.0", &pf), 0);
	assert_int_equal(sriov_pf_find(f->t->ctx, "0000:04:00.0", &igb), 0);
	assert_int_equal(sriov_pf_read_eswitch(pf, &e), 0);
	assert_string_equal(e.handle, "pci/0000:03:00.0");
	assert_string_equal(sriov_eswitch_mode_name(e.mode), "legacy");
	/* legacy: no port, and no dump asked for */
	assert_int_equal(sriov_vf_read_port(sriov_pf_get_vf(pf, 1), &port), -ENOENT);
	assert_int_equal(f->fk->n_dumps, 0);
	/* no devlink instance: nulls, not an error */
	assert_int_equal(sriov_pf_read_eswitch(igb, &e), 0);
	assert_string_equal(e.handle, "");
	assert_int_equal(e.mode, SRIOV_NO_VALUE);

	d->mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
	sriov_ctx_dl_forget(f->t->ctx);
	for (unsigned int vf = 0; vf < 4; vf++) {
		char want[32];

		assert_int_equal(sriov_vf_read_port(sriov_pf_get_vf(pf, vf), &port), 0);
		snprintf(want, sizeof(want), "pci/0000:03:00.0/%u", 1 + vf);
		assert_string_equal(port.port, want);
		snprintf(want, sizeof(want), "ens1f0pf0vf%u", vf);
		assert_string_equal(port.representor, want);
		snprintf(want, sizeof(want), "02:00:00:00:00:%02x", vf);
		assert_string_equal(port.hw_addr, want);
		assert_int_equal(port.state, 1);
		assert_int_equal(port.opstate, 1);
	}
	/* one dump for every VF of the command */
	assert_int_equal(f->fk->n_dumps, 1);
	assert_int_equal(sriov_vf_read_port(sriov_pf_get_vf(igb, 0), &port), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_family_and_instances),
		T(test_no_devlink_family),
		T(test_built_tree_has_no_devlink),
		T(test_eswitch_get),
		T(test_eswitch_set_and_refusals),
		T(test_mlx5_wipes),
		T(test_port_dump),
		T(test_dump_error),
		T(test_added_command),
		T(test_malformed_answers),
		T(test_model),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
