/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MTUs of a PF and of its VFs' host netdevs: sriov_pf_set_mtu() and
 * sriov_vf_set_mtu() on a fake sysfs tree, with the fake kernel of
 * tests/fixtures/rtnl_fake.c answering RTM_GETLINK/RTM_SETLINK for the PF
 * and for each VF netdev. The sysfs mtu files stand for what the kernel
 * would show there; each test keeps them in step with the fake kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "faketree.h"
#include "internal.h"
#include "rtnl_fake.h"

static const char topology[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 "
	"total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf "
	"vfnetdev=enp3s0v%d numa=1 autoprobe=1 iommu=separate\n"
	"pf 0000:04:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp4s0 "
	"total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=vfio-pci "
	"vfnetdev=none iommu=separate\n";

struct fixture {
	struct faketree t;
	struct rtnl_fake *fk;
	struct sriov_pf *pf;
	struct sriov_vf *vf[3];
	struct rtnl_fake_mtu *vf_link[3];
};

/* What the kernel would show in sysfs after an MTU change. */
static void sysfs_mtu(const struct fixture *f, const char *ifname,
		      unsigned int mtu)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/class/net/%s/mtu", f->t.sys, ifname);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%u\n", mtu);
	fclose(fp);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char name[16];

	assert_non_null(f);
	faketree_build(&f->t, topology);
	assert_int_equal(sriov_pf_find(f->t.ctx, "enp3s0", &f->pf), 0);
	f->fk = rtnl_fake_new(faketree_read_int(&f->t, "enp3s0", "ifindex"), "enp3s0", 3);
	for (unsigned int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "enp3s0v%u", i);
		f->vf[i] = sriov_pf_get_vf(f->pf, i);
		assert_non_null(f->vf[i]);
		f->vf_link[i] = rtnl_fake_add_link(f->fk,
						   faketree_read_int(&f->t, name, "ifindex"),
						   1500, 68, 9000);
	}
	f->t.ctx->rtnl_transport = rtnl_fake_transact;
	f->t.ctx->rtnl_transport_data = f->fk;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int r = faketree_violation(f->fk->violation);

	faketree_free(&f->t);
	rtnl_fake_free(f->fk);
	free(f);
	return r;
}

/* 1. Read from sysfs; absent without a netdev. */
static void test_get(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *other;
	unsigned int mtu = 0;

	sysfs_mtu(f, "enp3s0v1", 9000);
	assert_int_equal(sriov_pf_get_mtu(f->pf, &mtu), 0);
	assert_int_equal(mtu, 1500);
	assert_int_equal(sriov_vf_get_mtu(f->vf[1], &mtu), 0);
	assert_int_equal(mtu, 9000);
	assert_int_equal(sriov_pf_find(f->t.ctx, "0000:04:00.0", &other), 0);
	assert_int_equal(sriov_vf_get_mtu(sriov_pf_get_vf(other, 0), &mtu), -ENODEV);
}

/* 1b. A PF netdev renamed since the PF was read: its MTU under the new name. */
static void test_get_renamed(void **state)
{
	struct fixture *f = *state;
	char from[256], to[256];
	unsigned int mtu = 0;

	snprintf(from, sizeof(from), "%s/bus/pci/devices/0000:03:00.0/net/enp3s0",
		 f->t.sys);
	snprintf(to, sizeof(to), "%s/bus/pci/devices/0000:03:00.0/net/eth7", f->t.sys);
	assert_int_equal(rename(from, to), 0);
	snprintf(from, sizeof(from), "%s/class/net/eth7", f->t.sys);
	assert_int_equal(symlink(to, from), 0);
	sysfs_mtu(f, "eth7", 1400);
	assert_int_equal(sriov_pf_get_mtu(f->pf, &mtu), 0);
	assert_int_equal(mtu, 1400);
}

/* 1c. A VF's net/NAME that is a link out of the tree is not followed. */
static void test_get_confined(void **state)
{
	struct fixture *f = *state;
	char out[128], link[256], file[300];
	unsigned int mtu = 0;
	FILE *fp;

	snprintf(out, sizeof(out), "%s/outside", f->t.dir);
	assert_int_equal(mkdir(out, 0755), 0);
	snprintf(file, sizeof(file), "%s/mtu", out);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("1234\n", fp);
	fclose(fp);
	snprintf(link, sizeof(link),
		 "%s/bus/pci/devices/0000:03:10.2/net/enp3s0v1", f->t.sys);
	snprintf(file, sizeof(file), "%s.gone", link);
	assert_int_equal(rename(link, file), 0);
	assert_int_equal(symlink(out, link), 0);
	assert_int_equal(sriov_vf_get_mtu(f->vf[1], &mtu), -EXDEV);
	assert_int_not_equal(mtu, 1234);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx),
			       "leads out of the sysfs root"));
}

/* 2. Out of range, of the kernel's or the driver's: nothing sent. */
static void test_bad_values(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch = { 7, 7, true };

	assert_int_equal(sriov_pf_set_mtu(f->pf, 0, 0, &ch), -ERANGE);
	assert_int_equal(sriov_pf_set_mtu(f->pf, 70000, 0, &ch), -ERANGE);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "MTU 70000 is out of range 68-65535"));
	assert_int_equal(sriov_vf_set_mtu(f->vf[0], 67, 0, &ch), -ERANGE);
	/* the PF's driver takes 68-9216 */
	assert_int_equal(sriov_pf_set_mtu(f->pf, 9300, 0, &ch), -ERANGE);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "MTU 9300 is outside what 0000:03:00.0 (enp3s0) takes: 68-9216"));
	assert_int_equal(ch.before, 7);
	assert_int_equal(f->fk->n_setmtu, 0);
	assert_int_equal(f->fk->mtu[0].mtu, 1500);
}

/* 3. PF to 9000, then a VF: written once, read back, a second time nothing. */
static void test_raise(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch;

	assert_int_equal(sriov_pf_set_mtu(f->pf, 9000, SRIOV_MTU_DRY_RUN, &ch), 0);
	assert_true(ch.changed);
	assert_int_equal(f->fk->n_setmtu, 0);
	assert_int_equal(sriov_pf_set_mtu(f->pf, 9000, 0, &ch), 0);
	assert_true(ch.changed);
	assert_int_equal(ch.before, 1500);
	assert_int_equal(ch.after, 9000);
	assert_int_equal(f->fk->mtu[0].mtu, 9000);
	assert_int_equal(f->fk->n_setmtu, 1);
	sysfs_mtu(f, "enp3s0", 9000);
	assert_int_equal(sriov_pf_set_mtu(f->pf, 9000, 0, &ch), 0);
	assert_false(ch.changed);
	assert_int_equal(f->fk->n_setmtu, 1);

	assert_int_equal(sriov_vf_set_mtu(f->vf[2], 9000, 0, &ch), 0);
	assert_true(ch.changed);
	assert_int_equal(f->vf_link[2]->mtu, 9000);
	assert_int_equal(f->vf_link[1]->mtu, 1500);
	assert_int_equal(f->fk->n_setmtu, 2);
}

/* 4. A VF above its PF is bad input, both values named; nothing sent. */
static void test_vf_above_pf(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch;

	assert_int_equal(sriov_vf_set_mtu(f->vf[0], 1501, 0, &ch), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "VF 0 (enp3s0v0): MTU 1501 would be above its PF's (enp3s0: 1500); raise the PF's first");
	assert_int_equal(f->fk->n_setmtu, 0);
	assert_int_equal(f->vf_link[0]->mtu, 1500);
}

/* 5. The PF below a VF: refused unless forced. */
static void test_pf_below_vf(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch;

	sysfs_mtu(f, "enp3s0", 9000);
	f->fk->mtu[0].mtu = 9000;
	sysfs_mtu(f, "enp3s0v1", 9000);
	f->vf_link[1]->mtu = 9000;
	assert_int_equal(sriov_pf_set_mtu(f->pf, 1500, 0, &ch), -ECANCELED);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "0000:03:00.0 (enp3s0): MTU 1500 would be below VF 1's (enp3s0v1: 9000); lower the VFs first, or repeat with --force");
	assert_int_equal(sriov_pf_set_mtu(f->pf, 1500, SRIOV_MTU_DRY_RUN, &ch), -ECANCELED);
	assert_int_equal(f->fk->n_setmtu, 0);
	assert_int_equal(sriov_pf_set_mtu(f->pf, 1500, SRIOV_MTU_FORCE, &ch), 0);
	assert_int_equal(f->fk->mtu[0].mtu, 1500);
	/* lowering the VF first makes it safe */
	sysfs_mtu(f, "enp3s0", 9000);
	f->fk->mtu[0].mtu = 9000;
	assert_int_equal(sriov_vf_set_mtu(f->vf[1], 1500, 0, &ch), 0);
	sysfs_mtu(f, "enp3s0v1", 1500);
	assert_int_equal(sriov_pf_set_mtu(f->pf, 1500, 0, &ch), 0);
	assert_int_equal(f->fk->n_setmtu, 3);
}

/* 6. A driver that keeps another value: put back, -EIO. */
static void test_read_back(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch = { 0 };

	sysfs_mtu(f, "enp3s0", 9000);
	f->vf_link[0]->clamp_at = 4000;
	assert_int_equal(sriov_vf_set_mtu(f->vf[0], 9000, 0, &ch), -EIO);
	assert_non_null(strstr(sriov_ctx_last_error(f->t.ctx), "MTU 9000 was accepted but reads back 4000; put back 1500"));
	assert_int_equal(f->vf_link[0]->mtu, 1500);
	assert_int_equal(f->fk->n_setmtu, 2);
	assert_false(ch.changed);
	/* the kernel's refusal is passed on with its message */
	f->vf_link[0]->clamp_at = 0;
	f->vf_link[0]->max_mtu = 9200;
	f->fk->mtu[0].max_mtu = 65535;
	sysfs_mtu(f, "enp3s0", 65535);
	assert_int_equal(sriov_vf_set_mtu(f->vf[0], 9100, 0, &ch), 0);
}

/* 7. A VF without a netdev on the host: a clear error of its own. */
static void test_vf_without_netdev(void **state)
{
	struct fixture *f = *state;
	struct sriov_mtu_change ch;
	struct sriov_pf *other;

	assert_int_equal(sriov_pf_find(f->t.ctx, "0000:04:00.0", &other), 0);
	assert_int_equal(sriov_vf_set_mtu(sriov_pf_get_vf(other, 1), 1500, 0, &ch), -ENODEV);
	assert_string_equal(sriov_ctx_last_error(f->t.ctx),
			    "VF 1 (0000:04:10.2) is on vfio-pci and has no network interface on the host to set an MTU on");
	assert_int_equal(f->fk->n_setmtu, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_get),
		T(test_get_renamed),
		T(test_get_confined),
		T(test_bad_values),
		T(test_raise),
		T(test_vf_above_pf),
		T(test_pf_below_vf),
		T(test_read_back),
		T(test_vf_without_netdev),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
