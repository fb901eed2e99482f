/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Claims against the simulated kernel of tests/fixtures/vfio_sim.c: VFs
 * chosen, bound and given back; a failure part-way gives back everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "claim.h"
#include "internal.h"
#include "rtnl_fake.h"
#include "vfio_sim.h"

static int setup(void **state)
{
	*state = vfio_sim_new(true);
	return 0;
}

static int teardown(void **state)
{
	vfio_sim_free(*state);
	return 0;
}

static size_t n_leases(struct vfio_sim *s)
{
	char **names = NULL;
	size_t n = 0;

	assert_int_equal(sriov_claim_list(s->ctx, &names, &n), 0);
	sriov_strv_free(names);
	return n;
}

static void test_add_release(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_claim_opts o = { .sz = sizeof(o), .count = 2 };
	struct sriov_claim *c = NULL, *again = NULL;

	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), 0);
	assert_int_equal(c->n, 2);
	/* the igb PF first, VFs in order */
	assert_string_equal(c->vfs[0].pci, IGB_VF0);
	assert_string_equal(c->vfs[1].pci, IGB_VF1);
	assert_string_equal(c->vfs[0].driver_before, "igbvf");
	assert_string_equal(c->vfs[0].driver, "vfio-pci");
	assert_true(c->complete);
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "vfio-pci");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
	assert_int_equal(n_leases(s), 1);
	assert_int_equal(sriov_claim_get(s->ctx, "web", &again), 0);
	assert_string_equal(again->vfs[1].pci, IGB_VF1);
	sriov_claim_free(again);
	sriov_claim_free(c);
	/* the next claim takes the next free VF, never one of web */
	o.count = 1;
	assert_int_equal(sriov_claim_add(s->ctx, "db", &o, &c), 0);
	assert_string_equal(c->vfs[0].pci, IGB_VF2);
	sriov_claim_free(c);
	assert_int_equal(sriov_claim_add(s->ctx, "db", &o, &c), -EEXIST);
	assert_int_equal(sriov_claim_release(s->ctx, "web", &o, NULL), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "");
	assert_int_equal(n_leases(s), 1);
	assert_int_equal(sriov_claim_release(s->ctx, "web", &o, NULL), -ENOENT);
	{
		char **done = NULL, **failed = NULL;

		assert_int_equal(sriov_claim_gc(s->ctx, true, &o, &done, &failed), 0);
		assert_string_equal(done[0], "db");
		assert_null(done[1]);
		assert_null(failed[0]);
		sriov_strv_free(done);
		sriov_strv_free(failed);
	}
	assert_string_equal(vfio_sim_driver(s, IGB_VF2), "igbvf");
	assert_int_equal(n_leases(s), 0);
}

/* Too few free VFs: -EBUSY, what was found named, nothing taken. */
static void test_too_few(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_claim_opts o = { .sz = sizeof(o), .count = 9 };
	struct sriov_claim *c = NULL;

	assert_int_equal(sriov_claim_add(s->ctx, "big", &o, &c), -EBUSY);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "9 VFs asked"));
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "nothing taken"));
	assert_int_equal(n_leases(s), 0);
	assert_int_equal(s->n_writes, 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "igbvf");
}

/* A bind that fails part-way: every VF back, no lease left. */
static void test_failure_gives_back(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_claim_opts o = { .sz = sizeof(o), .count = 2 };
	struct sriov_claim *c = NULL;

	s->fail_at = 5;
	s->fail_err = EIO;
	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), -EIO);
	assert_null(c);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "given back"));
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "igbvf");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF0), "");
	assert_int_equal(n_leases(s), 0);
	assert_int_equal(vfio_sim_journal_count(s), 0);
}

static void test_dry_run_and_spread(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_claim_opts o = { .sz = sizeof(o), .count = 3, .spread = true,
				      .driver = SRIOV_CLAIM_DRIVER_HOST, .dry_run = true };
	struct sriov_claim *c = NULL;

	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), 0);
	/* one of the igb PF, one of the NVMe PF, then igb again */
	assert_string_equal(c->vfs[0].pci, IGB_VF0);
	assert_string_equal(c->vfs[1].pci, NVME_VF0);
	assert_string_equal(c->vfs[2].pci, IGB_VF1);
	sriov_claim_free(c);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(n_leases(s), 0);
}

static int sim_ifindex(struct vfio_sim *s, const char *ifname)
{
	char path[256];
	FILE *fp;
	int v = -1;

	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", s->root, ifname);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", &v), 1);
	fclose(fp);
	return v;
}

/*
 * mtu N: a host claim sets it on the VF's netdev and gives the one from
 * before back on release; a vfio-pci claim refuses it, nothing touched.
 */
static void test_mtu(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = rtnl_fake_new(2, "enp3s0", 4);
	struct rtnl_fake_mtu *link = rtnl_fake_add_link(fk, sim_ifindex(s, "enp3s0v0"),
							1500, 68, 9000);
	struct sriov_claim_opts o = { .sz = sizeof(o), .count = 1, .mtu = 1400 };
	struct sriov_claim *c = NULL, *again = NULL;

	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = fk;
	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "the guest sets the MTU"));
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(fk->n_setmtu, 0);
	assert_int_equal(n_leases(s), 0);

	o.driver = SRIOV_CLAIM_DRIVER_HOST;
	o.mtu = 9000;     /* above the PF's 1500 */
	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "above its PF's"));
	assert_int_equal(fk->n_setmtu, 0);
	assert_int_equal(n_leases(s), 0);

	o.mtu = 1400;
	assert_int_equal(sriov_claim_add(s->ctx, "web", &o, &c), 0);
	assert_string_equal(c->vfs[0].pci, IGB_VF0);
	assert_int_equal(link->mtu, 1400);
	assert_int_equal(fk->n_setmtu, 1);
	assert_int_equal(sriov_claim_get(s->ctx, "web", &again), 0);
	assert_int_equal(again->vfs[0].mtu_before, 1500);
	assert_int_equal(again->vfs[0].mtu, 1400);
	sriov_claim_free(again);
	sriov_claim_free(c);
	assert_int_equal(sriov_claim_release(s->ctx, "web", &o, NULL), 0);
	assert_int_equal(link->mtu, 1500);
	assert_int_equal(fk->n_setmtu, 2);
	assert_int_equal(n_leases(s), 0);
	assert_string_equal(fk->violation, "");
	sriov_ctx_free(s->ctx);
	s->ctx = NULL;
	vfio_sim_ctx(s);
	rtnl_fake_free(fk);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_add_release),
		T(test_too_few),
		T(test_failure_gives_back),
		T(test_dry_run_and_spread),
		T(test_mtu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
