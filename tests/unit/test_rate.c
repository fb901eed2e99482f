/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devlink rate objects end to end: sriov_rate_list(), sriov_vf_set_rate()
 * and the node functions on a fake sysfs tree, with the fake devlink
 * kernel (tests/fixtures/devlink_fake.c and its rate objects, which
 * refuse what netdevsim refuses) behind the context's devlink transport.
 * Each test checks the values the "kernel" holds afterwards, what the
 * library reports, and how many changing requests reached the kernel.
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

#include "devlink_rate_fake.h"
#include "eswitch.h"
#include "faketree.h"
#include "internal.h"
#include "rtnl_fake.h"
#include "sriov/portfn.h"
#include "sriov/rate.h"

static const char topology[] =
	"pf 0000:03:00.0 vendor=15b3 device=101d class=020000 driver=mlx5_core netdev=ens1f0 "
	"total=8 numvfs=4 offset=2 stride=1 vfdevice=101e vfdriver=none "
	"vfnetdev=none iommu=separate\n";

#define MBIT 125000ull

struct fixture {
	struct faketree t;
	struct devlink_fake *fk;
	struct devlink_fake_dev *dev;
	struct sriov_pf *pf;
	struct sriov_vf **vfs;
	size_t n;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	faketree_build(&f->t, topology);
	assert_int_equal(sriov_pf_find(f->t.ctx, "0000:03:00.0", &f->pf), 0);
	f->dev = faketree_devlink_rates(&f->t, "0000:03:00.0", "mlx5_core", "ens1f0",
					4, &f->fk);
	assert_int_equal(sriov_vf_spec_resolve(f->t.ctx, "0000:03:00.0#0-3", &f->vfs, &f->n), 0);
	assert_int_equal(f->n, 4);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int r = faketree_violation(f->fk->violation);

	free(f->vfs);
	faketree_free(&f->t);
	faketree_devlink_free(f->fk);
	free(f);
	return r;
}

static struct devlink_rate_fake_obj *leaf(struct fixture *f, unsigned int vf)
{
	return &devlink_rate_fake_of(f->dev)->leaf[vf];
}

static uint64_t parse(const char *s)
{
	uint64_t v = 0;

	assert_int_equal(sriov_rate_parse(s, &v), 0);
	return v;
}

static void test_units(void **state)
{
	uint64_t v;
	char buf[32];

	(void)state;
	assert_int_equal(parse("100mbit"), 12500000);
	assert_int_equal(parse("100"), 12500000);          /* Mbit/s, as vf set */
	assert_int_equal(parse("1gbit"), 125000000);
	assert_int_equal(parse("1GBit"), 125000000);
	assert_int_equal(parse("500kbit"), 62500);
	assert_int_equal(parse("1.5gbit"), 187500000);
	assert_int_equal(parse("12500000bps"), 12500000);
	assert_int_equal(parse("2mbps"), 2000000);
	assert_int_equal(parse("1mibit"), 131072);
	assert_int_equal(parse("1kibps"), 1024);
	assert_int_equal(parse("0"), 0);
	assert_int_equal(sriov_rate_parse("1bit", &v), -ERANGE);  /* 1/8 byte */
	assert_int_equal(sriov_rate_parse("100mbits", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("100 mbit", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("mbit", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("-1", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("1.", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("1.2.3", &v), -EINVAL);
	assert_int_equal(sriov_rate_parse("99999999999tbit", &v), -ERANGE);
	assert_int_equal(sriov_rate_parse("9999999999999999999999999999999", &v), -ERANGE);
	assert_int_equal(sriov_rate_format(12500000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "100mbit");
	assert_int_equal(sriov_rate_format(62500, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "500kbit");
	assert_int_equal(sriov_rate_format(187500000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1500mbit");
	assert_int_equal(sriov_rate_format(1024, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8192bit");
	assert_int_equal(sriov_rate_format(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(sriov_rate_format(12500000, buf, 4), -ENOSPC);
}

static void test_list(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate *rates = NULL;
	size_t n = 0;

	leaf(f, 2)->tx_max = 100 * MBIT;
	assert_int_equal(sriov_rate_list(f->t.ctx, f->pf, &rates, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_false(rates[i].is_node);
		assert_int_equal(rates[i].vf, (int)i);
		assert_int_equal(rates[i].port_index, (int)(1 + i));
		assert_ptr_equal(rates[i].pf, f->pf);
		assert_string_equal(rates[i].handle, "pci/0000:03:00.0");
	}
	assert_int_equal(rates[2].config.tx_max, 100 * MBIT);
	free(rates);
	/* a rate dump, a port dump and whether the instance exists */
	assert_int_equal(f->fk->n_dumps, 2);

	/* legacy mode: no leaves, still a devlink instance */
	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	assert_int_equal(sriov_rate_list(f->t.ctx, NULL, &rates, &n), 0);
	assert_int_equal(n, 0);
	free(rates);
	assert_int_equal(f->fk->n_sets, 0);
}

static void test_list_without_devlink(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate *rates = NULL;
	size_t n = 7;

	f->fk->no_family = true;
	assert_int_equal(sriov_rate_list(f->t.ctx, NULL, &rates, &n), 0);
	assert_int_equal(n, 0);
	free(rates);
	assert_int_equal(sriov_rate_list(f->t.ctx, f->pf, &rates, &n), -ENXIO);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "devlink is not available"));
}

static struct sriov_rate_config cfg(uint32_t mask, uint64_t share, uint64_t max,
				    const char *parent)
{
	struct sriov_rate_config c = { .mask = mask, .tx_share = share, .tx_max = max };

	snprintf(c.parent, sizeof(c.parent), "%s", parent ? parent : "");
	return c;
}

#define SHARE SRIOV_RATE_HAS_TX_SHARE
#define MAX SRIOV_RATE_HAS_TX_MAX
#define PARENT SRIOV_RATE_HAS_PARENT

static void test_set_and_zero_writes(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config c = cfg(SHARE | MAX, 100 * MBIT, 1000 * MBIT, NULL);
	struct sriov_rate_change *ch = NULL;

	assert_int_equal(sriov_vf_set_rate(f->vfs + 1, 2, &c, false, &ch), 0);
	assert_int_equal(f->fk->n_sets, 2);     /* one request per leaf */
	for (unsigned int vf = 1; vf <= 2; vf++) {
		assert_int_equal(leaf(f, vf)->tx_share, 100 * MBIT);
		assert_int_equal(leaf(f, vf)->tx_max, 1000 * MBIT);
	}
	assert_int_equal(leaf(f, 0)->tx_max, 0);
	assert_int_equal(ch[0].changed, SHARE | MAX);
	assert_int_equal(ch[0].before.config.tx_max, 0);
	assert_int_equal(ch[0].after.config.tx_max, 1000 * MBIT);
	assert_int_equal(ch[1].after.vf, 2);
	free(ch);

	/* the same again: nothing written */
	assert_int_equal(sriov_vf_set_rate(f->vfs + 1, 2, &c, false, &ch), 0);
	assert_int_equal(f->fk->n_sets, 2);
	assert_int_equal(ch[0].changed, 0);
	free(ch);

	/* a dry run plans and writes nothing */
	c.tx_max = 2000 * MBIT;
	assert_int_equal(sriov_vf_set_rate(f->vfs + 1, 1, &c, true, &ch), 0);
	assert_int_equal(ch[0].changed, MAX);
	assert_int_equal(ch[0].after.config.tx_max, 2000 * MBIT);
	assert_int_equal(leaf(f, 1)->tx_max, 1000 * MBIT);
	assert_int_equal(f->fk->n_sets, 2);
	free(ch);
}

static void test_refusal_sets_back(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config ok = cfg(SHARE | MAX, 10 * MBIT, 20 * MBIT, NULL);
	struct sriov_rate_config over = cfg(SHARE | MAX, 50 * MBIT, 10000 * MBIT, NULL);
	struct sriov_rate_change *ch = NULL;

	assert_int_equal(sriov_vf_set_rate(f->vfs, 4, &ok, false, &ch), 0);
	free(ch);
	ch = NULL;
	/* the kernel takes tx_share, then refuses tx_max of the first leaf */
	assert_int_equal(sriov_vf_set_rate(f->vfs, 4, &over, false, &ch), -EINVAL);
	assert_null(ch);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx),
			       "TX rate value exceed link maximum speed 5000Mbps."));
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "pci/0000:03:00.0/1"));
	/* 4 sets, then the refused one and the one that sets tx_share back */
	assert_int_equal(f->fk->n_sets, 6);
	for (unsigned int vf = 0; vf < 4; vf++) {
		assert_int_equal(leaf(f, vf)->tx_share, 10 * MBIT);
		assert_int_equal(leaf(f, vf)->tx_max, 20 * MBIT);
	}
}

static void test_refusal_later_leaf(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config c = cfg(MAX, 0, 300 * MBIT, NULL);
	struct sriov_rate_change *ch = NULL;

	/* VF 2's leaf fails: VFs 0 and 1, already written, are set back */
	devlink_rate_fake_of(f->dev)->refuse_vf = 3;
	assert_int_equal(sriov_vf_set_rate(f->vfs, 4, &c, false, &ch), -EIO);
	assert_null(ch);
	/* two sets and one refused, then VFs 1 and 0 set back: VF 2 took
	 * nothing, as a dump after the refusal shows */
	assert_int_equal(f->fk->n_sets, 5);
	for (unsigned int vf = 0; vf < 4; vf++)
		assert_int_equal(leaf(f, vf)->tx_max, 0);
}

static void test_nodes(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config grp = cfg(SHARE | MAX, 0, 2000 * MBIT, NULL);
	struct sriov_rate_config under = cfg(PARENT, 0, 0, "grp");
	struct sriov_rate_change ch, *vch = NULL;
	unsigned int sets;

	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp", &grp, true, false, &ch), 0);
	assert_false(ch.existed);
	assert_true(ch.exists);
	assert_true(ch.after.is_node);
	assert_int_equal(ch.after.config.tx_max, 2000 * MBIT);
	assert_int_equal(devlink_rate_fake_node(f->dev, "grp")->tx_max, 2000 * MBIT);
	assert_int_equal(f->dev->n_rate_nodes, 1);
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp", &grp, true, false, &ch), -EEXIST);
	sets = f->fk->n_sets;
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp", &grp, false, false, &ch), 0);
	assert_int_equal(ch.changed, 0);
	assert_int_equal(f->fk->n_sets, sets);

	assert_int_equal(sriov_vf_set_rate(f->vfs, 2, &under, false, &vch), 0);
	free(vch);
	assert_string_equal(leaf(f, 0)->parent, "grp");
	assert_string_equal(leaf(f, 1)->parent, "grp");
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "grp", false, &ch), -EBUSY);
	assert_non_null(devlink_rate_fake_node(f->dev, "grp"));

	/* from one parent to another: the kernel needs it taken off first */
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp2", &grp, true, false, &ch), 0);
	under = cfg(PARENT, 0, 0, "grp2");
	assert_int_equal(sriov_vf_set_rate(f->vfs, 1, &under, false, &vch), 0);
	free(vch);
	assert_string_equal(leaf(f, 0)->parent, "grp2");
	under = cfg(PARENT, 0, 0, "");
	assert_int_equal(sriov_vf_set_rate(f->vfs, 2, &under, false, &vch), 0);
	free(vch);
	assert_string_equal(leaf(f, 1)->parent, "");
	/* a node under a node, moved under another: taken off first */
	under = cfg(PARENT | MAX, 0, 500 * MBIT, "grp2");
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "sub", &under, true, false, &ch), 0);
	assert_string_equal(devlink_rate_fake_node(f->dev, "sub")->parent, "grp2");
	assert_string_equal(ch.after.config.parent, "grp2");
	under = cfg(PARENT, 0, 0, "grp");
	sets = f->fk->n_sets;
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "sub", &under, false, false, &ch), 0);
	assert_int_equal(f->fk->n_sets, sets + 2);
	assert_int_equal(ch.changed, PARENT);
	assert_string_equal(devlink_rate_fake_node(f->dev, "sub")->parent, "grp");
	assert_int_equal(devlink_rate_fake_node(f->dev, "sub")->tx_max, 500 * MBIT);
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "grp", false, &ch), -EBUSY);
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "sub", false, &ch), 0);
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "grp", false, &ch), 0);
	assert_true(ch.existed);
	assert_false(ch.exists);
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "grp2", false, &ch), 0);
	assert_int_equal(f->dev->n_rate_nodes, 0);
	sets = f->fk->n_sets;
	assert_int_equal(sriov_pf_rate_node_del(f->pf, "grp2", false, &ch), 0);
	assert_false(ch.existed);
	assert_int_equal(f->fk->n_sets, sets);
}

static void test_checked_before_writing(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config c = cfg(MAX | PARENT, 0, 100 * MBIT, "nosuch");
	struct sriov_rate_config node = cfg(MAX, 0, 100 * MBIT, NULL);
	struct sriov_rate_change ch, *vch = NULL;

	assert_int_equal(sriov_vf_set_rate(f->vfs, 4, &c, false, &vch), -ENODEV);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "\"nosuch\" does not exist"));
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "123", &node, true, false, &ch), -EINVAL);
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "a/b", &node, true, false, &ch), -EINVAL);
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "", &node, true, false, &ch), -EINVAL);
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp", &c, true, false, &ch), -ENODEV);
	c = cfg(SHARE | MAX, 200 * MBIT, 100 * MBIT, NULL);
	assert_int_equal(sriov_vf_set_rate(f->vfs, 1, &c, false, &vch), -EINVAL);
	assert_int_equal(f->fk->n_sets, 0);
	assert_int_equal(f->dev->n_rate_nodes, 0);

	/* legacy mode: no leaves, and the message says how to get them */
	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	c = cfg(MAX, 0, 100 * MBIT, NULL);
	assert_int_equal(sriov_vf_set_rate(f->vfs, 1, &c, false, &vch), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "eswitch switchdev"));
	assert_int_equal(sriov_pf_rate_node_set(f->pf, "grp", &node, true, false, &ch), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "only in switchdev mode"));
	assert_int_equal(f->dev->n_rate_nodes, 0);
}

/* vf set's legacy rates, refused in switchdev mode, name rate set. */
static void test_legacy_rates_in_switchdev(void **state)
{
	struct fixture *f = *state;
	struct rtnl_fake *rk = rtnl_fake_new(faketree_read_int(&f->t, "ens1f0", "ifindex"),
					     "ens1f0", 4);
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config want = { .mask = SRIOV_VF_HAS_MIN_TX_RATE |
						SRIOV_VF_HAS_MAX_TX_RATE,
					.min_tx_rate = 10, .max_tx_rate = 100 };
	const char *msg = NULL;

	f->t.ctx->rtnl_transport = rtnl_fake_transact;
	f->t.ctx->rtnl_transport_data = rk;
	rtnl_fake_refuse(rk, SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_MAX_TX_RATE,
			 -1, EOPNOTSUPP, NULL);
	assert_int_equal(sriov_vf_set_config(f->vfs + 1, &want, 1, false, &rep), 0);
	assert_int_equal(rep->n_failed, 1);
	assert_int_equal(sriov_vf_change_error(&rep->vfs[0], SRIOV_VF_HAS_MAX_TX_RATE, &msg),
			 -EOPNOTSUPP);
	assert_non_null(strstr(msg, "Operation not supported: in switchdev mode"));
	assert_non_null(strstr(msg, "use sriovctl rate set 0000:03:00.0#1 tx-max RATE"));
	sriov_vf_change_error(&rep->vfs[0], SRIOV_VF_HAS_MIN_TX_RATE, &msg);
	assert_non_null(strstr(msg, "rate set 0000:03:00.0#1 tx-share RATE"));
	sriov_vf_change_report_free(rep);

	/* in legacy mode the kernel's reason stays as it is (the context
	 * forgets the mode, as after a change through the library) */
	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	sriov_ctx_dl_forget(f->t.ctx);
	assert_int_equal(sriov_vf_set_config(f->vfs + 1, &want, 1, false, &rep), 0);
	sriov_vf_change_error(&rep->vfs[0], SRIOV_VF_HAS_MAX_TX_RATE, &msg);
	assert_string_equal(msg, "Operation not supported");
	sriov_vf_change_report_free(rep);
	assert_int_equal(f->fk->n_sets, 0);
	f->t.ctx->rtnl_transport = NULL;
	sriov_ctx_free(f->t.ctx);
	f->t.ctx = NULL;
	rtnl_fake_free(rk);
}

static unsigned int port_sets;

/* PORT_SET as the devlink core answers it for a driver without port
 * function operations (netdevsim), or accepting it for one with them
 * (the fake keeps reporting its own values). */
static int port_set(struct devlink_fake *fk, const struct devlink_fake_req *req,
		    struct nlbuf *out, const char **extack)
{
	(void)fk, (void)out;
	port_sets++;
	if (!req->dev || !req->tb[DEVLINK_ATTR_PORT_INDEX].present ||
	    !req->tb[DEVLINK_ATTR_PORT_FUNCTION].present)
		return -EINVAL;
	if (!req->dev->port_fn) {
		*extack = "Port doesn't support function attributes";
		return -EOPNOTSUPP;
	}
	return 0;
}

static void test_port_function(void **state)
{
	struct fixture *f = *state;
	struct sriov_port_fn_config want = { .mask = SRIOV_PORT_FN_HAS_HW_ADDR |
						     SRIOV_PORT_FN_HAS_STATE,
					     .hw_addr = { 0x02, 0, 0, 0, 0, 0x21 },
					     .state = SRIOV_PORT_FN_ACTIVE };
	struct sriov_port_fn_change *ch = NULL;

	port_sets = 0;
	devlink_fake_add_handler(f->fk, DEVLINK_CMD_PORT_SET, port_set);
	/* netdevsim: each attribute fails alone, with the kernel's reason */
	assert_int_equal(sriov_vf_set_port_function(f->vfs + 1, 1, &want, false, &ch), 0);
	assert_int_equal(ch[0].failed, want.mask);
	assert_int_equal(ch[0].changed, 0);
	assert_int_equal(ch[0].error[0], -EOPNOTSUPP);
	assert_non_null(strstr(ch[0].message[0], "Port doesn't support function attributes"));
	assert_non_null(strstr(ch[0].message[1], "Port doesn't support function attributes"));
	assert_int_equal(port_sets, 2);
	free(ch);

	/* a driver that reports its function: what it holds is not sent */
	f->dev->port_fn = true;
	sriov_ctx_dl_forget(f->t.ctx);
	want.hw_addr[5] = 1;      /* the fake's address of VF 1 */
	assert_int_equal(sriov_vf_set_port_function(f->vfs + 1, 1, &want, false, &ch), 0);
	assert_int_equal(ch[0].changed | ch[0].failed, 0);
	assert_int_equal(port_sets, 2);
	free(ch);
	/* another address is sent; reading back shows it did not take */
	want.hw_addr[5] = 0x21;
	want.mask = SRIOV_PORT_FN_HAS_HW_ADDR;
	assert_int_equal(sriov_vf_set_port_function(f->vfs + 1, 1, &want, true, &ch), 0);
	assert_int_equal(ch[0].changed, SRIOV_PORT_FN_HAS_HW_ADDR);
	assert_int_equal(ch[0].after.hw_addr[5], 0x21);
	assert_int_equal(port_sets, 2);
	free(ch);
	assert_int_equal(sriov_vf_set_port_function(f->vfs + 1, 1, &want, false, &ch), 0);
	assert_int_equal(port_sets, 3);
	assert_int_equal(ch[0].failed, SRIOV_PORT_FN_HAS_HW_ADDR);
	assert_int_equal(ch[0].error[0], -EIO);
	assert_non_null(strstr(ch[0].message[0], "reports another value"));
	free(ch);

	/* legacy mode: no port, said per attribute */
	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	sriov_ctx_dl_forget(f->t.ctx);
	assert_int_equal(sriov_vf_set_port_function(f->vfs, 2, &want, false, &ch), 0);
	assert_int_equal(ch[1].failed, SRIOV_PORT_FN_HAS_HW_ADDR);
	assert_non_null(strstr(ch[1].message[0], "switchdev mode"));
	free(ch);
	want.hw_addr[0] = 1;
	assert_int_equal(sriov_vf_set_port_function(f->vfs, 1, &want, false, &ch), -EINVAL);
	assert_int_equal(port_sets, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		cmocka_unit_test(test_units),
		T(test_list),
		T(test_list_without_devlink),
		T(test_set_and_zero_writes),
		T(test_refusal_sets_back),
		T(test_refusal_later_leaf),
		T(test_nodes),
		T(test_checked_before_writing),
		T(test_legacy_rates_in_switchdev),
		T(test_port_function),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
