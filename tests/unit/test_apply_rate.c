/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply with rate_nodes and the VFs' tx_share, tx_max and rate_parent,
 * against the fake devlink kernel with netdevsim's rate objects: the
 * plan of a check, the values the "kernel" holds after a run, nodes set
 * before the leaves under them, zero change requests on a re-apply, a
 * later failure undone (new nodes deleted, leaves set back), the file's
 * errors before anything is sent, and nodes the file does not name left
 * alone.
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
#include "faketree.h"
#include "internal.h"
#include "sriov/apply.h"
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
	struct sriov_apply_report *rep;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	faketree_build(&f->t, topology);
	f->dev = faketree_devlink_rates(&f->t, "0000:03:00.0", "mlx5_core", "ens1f0",
					4, &f->fk);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int r = faketree_violation(f->fk->violation);

	sriov_apply_report_free(f->rep);
	faketree_free(&f->t);
	faketree_devlink_free(f->fk);
	free(f);
	return r;
}

/* Applies text (check: plan only); the library's return value. */
static int apply(struct fixture *f, const char *text, bool check)
{
	struct sriov_apply_opts o = { .sz = sizeof(o), .check = check };
	struct sriov_desired *d = NULL;
	int r;

	sriov_apply_report_free(f->rep);
	f->rep = NULL;
	assert_int_equal(sriov_desired_new(&d), 0);
	r = sriov_desired_add_text(f->t.ctx, d, "t.yaml", text, strlen(text));
	if (r == 0)
		r = sriov_apply(f->t.ctx, d, &o, &f->rep);
	sriov_desired_free(d);
	return r;
}

static struct devlink_rate_fake_obj *leaf(struct fixture *f, unsigned int vf)
{
	return &devlink_rate_fake_of(f->dev)->leaf[vf];
}

static const struct sriov_apply_result *result(struct fixture *f, int vf,
					       enum sriov_apply_action a,
					       size_t nth)
{
	for (size_t i = 0; i < f->rep->n; i++)
		if (f->rep->results[i].vf == vf && f->rep->results[i].action == a &&
		    nth-- == 0)
			return &f->rep->results[i];
	fail_msg("no result %d/%d", vf, a);
	return NULL;
}

/* "sub" is listed before its parent "top": top is created first. */
static const char file[] =
	"pfs:\n"
	"  - pci: \"0000:03:00.0\"\n"
	"    rate_nodes:\n"
	"      - name: sub\n"
	"        tx_share: 200mbit\n"
	"        parent: top\n"
	"      - name: top\n"
	"        tx_max: 1gbit\n"
	"    vfs:\n"
	"      - vfs: 0-1\n"
	"        tx_share: 100\n"
	"        tx_max: 500mbit\n"
	"        rate_parent: sub\n";

static void test_check_plans_without_writing(void **state)
{
	struct fixture *f = *state;
	const struct sriov_apply_result *r;

	assert_int_equal(apply(f, file, true), 0);
	assert_true(f->rep->changed);
	assert_int_equal(f->fk->n_sets, 0);
	assert_null(devlink_rate_fake_node(f->dev, "top"));
	r = result(f, -1, SRIOV_APPLY_RATE_NODE, 0);
	assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
	assert_null(r->str_before);
	assert_string_equal(r->str_after, "top tx_share 0 tx_max 1gbit parent none");
	r = result(f, -1, SRIOV_APPLY_RATE_NODE, 1);
	assert_string_equal(r->str_after, "sub tx_share 200mbit tx_max 0 parent top");
	r = result(f, 1, SRIOV_APPLY_RATE, 0);
	assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
	assert_string_equal(r->str_before, "tx_share 0 tx_max 0 parent none");
	assert_string_equal(r->str_after, "tx_share 100mbit tx_max 500mbit parent sub");
}

static void test_apply_then_nothing_to_send(void **state)
{
	struct fixture *f = *state;
	struct devlink_rate_fake_obj *top, *sub;
	unsigned int sets;

	assert_int_equal(apply(f, file, false), 0);
	assert_int_equal(f->rep->n_failed, 0);
	top = devlink_rate_fake_node(f->dev, "top");
	sub = devlink_rate_fake_node(f->dev, "sub");
	assert_non_null(top);
	assert_non_null(sub);
	assert_int_equal(top->tx_max, 1000 * MBIT);
	assert_int_equal(sub->tx_share, 200 * MBIT);
	assert_string_equal(sub->parent, "top");
	for (unsigned int v = 0; v < 2; v++) {
		assert_int_equal(leaf(f, v)->tx_share, 100 * MBIT);
		assert_int_equal(leaf(f, v)->tx_max, 500 * MBIT);
		assert_string_equal(leaf(f, v)->parent, "sub");
	}
	assert_int_equal(leaf(f, 2)->tx_max, 0);
	assert_string_equal(leaf(f, 2)->parent, "");
	sets = f->fk->n_sets;
	assert_true(sets > 0);

	assert_int_equal(apply(f, file, false), 0);
	assert_false(f->rep->changed);
	assert_int_equal(f->fk->n_sets, sets);
	assert_int_equal(result(f, 0, SRIOV_APPLY_RATE, 0)->status, SRIOV_APPLY_OK);
	assert_int_equal(result(f, -1, SRIOV_APPLY_RATE_NODE, 1)->status, SRIOV_APPLY_OK);
}

static void test_later_failure_undone(void **state)
{
	struct fixture *f = *state;
	const struct sriov_apply_result *r;

	leaf(f, 0)->tx_max = 300 * MBIT;
	devlink_rate_fake_of(f->dev)->refuse_vf = 2;       /* VF 1's leaf */
	assert_int_equal(apply(f, file, false), 0);
	assert_true(f->rep->n_failed > 0);
	r = result(f, 1, SRIOV_APPLY_RATE, 0);
	assert_int_equal(r->status, SRIOV_APPLY_FAILED);
	r = result(f, 0, SRIOV_APPLY_RATE, 0);
	assert_true(r->rolled_back);
	assert_true(result(f, -1, SRIOV_APPLY_RATE_NODE, 0)->rolled_back);
	/* as before: no nodes, VF 0 at its old values */
	assert_null(devlink_rate_fake_node(f->dev, "top"));
	assert_null(devlink_rate_fake_node(f->dev, "sub"));
	assert_int_equal(leaf(f, 0)->tx_max, 300 * MBIT);
	assert_int_equal(leaf(f, 0)->tx_share, 0);
	assert_string_equal(leaf(f, 0)->parent, "");
}

static void test_file_errors_send_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    vfs:\n      - vf: 0\n"
		"        rate_parent: nosuch\n", false), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "t.yaml:5:9: pfs[0].vfs[0].rate_parent: rate node \"nosuch\" is neither in the file nor on 0000:03:00.0");
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    rate_nodes:\n      - name: a\n"
		"        parent: b\n      - name: b\n        parent: a\n", false), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "make a loop"));
	/* switchdev now, legacy after the file's eswitch step */
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    eswitch: legacy\n    rate_nodes:\n"
		"      - name: a\n", false), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "t.yaml:4:5: pfs[0].rate_nodes: rates need switchdev mode: the file sets 0000:03:00.0 to eswitch legacy");
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    vfs:\n      - vf: 0\n"
		"        tx_share: 2gbit\n        tx_max: 1gbit\n", false), -EINVAL);
	assert_int_equal(f->fk->n_sets, 0);
}

static void test_legacy_mode_refused(void **state)
{
	struct fixture *f = *state;

	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    vfs:\n      - vf: 0\n"
		"        tx_max: 1gbit\n", false), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "t.yaml:5:9: pfs[0].vfs[0]: rates need switchdev mode: 0000:03:00.0 is in legacy mode (add \"eswitch: switchdev\")");
	assert_int_equal(f->fk->n_sets, 0);
}

/* legacy now, switchdev after the file's eswitch step: planned, then set */
static void test_after_the_eswitch_step(void **state)
{
	struct fixture *f = *state;

	f->dev->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    eswitch: switchdev\n"
		"    rate_nodes:\n      - name: g\n        tx_max: 2gbit\n"
		"    vfs:\n      - vf: 3\n        rate_parent: g\n", false), 0);
	assert_int_equal(f->rep->n_failed, 0);
	assert_int_equal(f->dev->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(devlink_rate_fake_node(f->dev, "g")->tx_max, 2000 * MBIT);
	assert_string_equal(leaf(f, 3)->parent, "g");
}

/* A node the file does not name stays as it is. */
static void test_other_nodes_left_alone(void **state)
{
	struct fixture *f = *state;
	struct sriov_rate_config c = { .mask = SRIOV_RATE_HAS_TX_MAX, .tx_max = 300 * MBIT };
	struct sriov_rate_change chg;
	struct sriov_pf *pf;

	assert_int_equal(sriov_pf_find(f->t.ctx, "0000:03:00.0", &pf), 0);
	assert_int_equal(sriov_pf_rate_node_set(pf, "other", &c, true, false, &chg), 0);
	assert_int_equal(apply(f, file, false), 0);
	assert_int_equal(f->rep->n_failed, 0);
	assert_non_null(devlink_rate_fake_node(f->dev, "other"));
	assert_int_equal(devlink_rate_fake_node(f->dev, "other")->tx_max, 300 * MBIT);
	/* an existing node as a parent */
	assert_int_equal(apply(f,
		"pfs:\n  - pci: \"0000:03:00.0\"\n    vfs:\n      - vf: 2\n"
		"        rate_parent: other\n", false), 0);
	assert_string_equal(leaf(f, 2)->parent, "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_check_plans_without_writing),
		T(test_apply_then_nothing_to_send),
		T(test_later_failure_undone),
		T(test_file_errors_send_nothing),
		T(test_legacy_mode_refused),
		T(test_after_the_eswitch_step),
		T(test_other_nodes_left_alone),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
