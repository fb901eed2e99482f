/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery and name resolution on built sysfs trees. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "fakesys.h"

static const char host_topology[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 "
	"total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf "
	"vfnetdev=enp3s0v%d numa=1 autoprobe=1 iommu=separate\n"
	"pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme "
	"total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 vfdriver=none "
	"autoprobe=0 iommu=shared\n"
	"pf 0000:05:00.0 vendor=15b3 device=1017 class=020000 driver=none "
	"total=16 numvfs=0 offset=2 stride=1 vfdevice=1018 iommu=separate\n"
	"pf 0001:81:00.0 vendor=8086 device=10fb class=020000 driver=ixgbe netdev=ens1f0 "
	"total=63 numvfs=2 offset=128 stride=2 vfdevice=10ed vfdriver=ixgbevf "
	"vfnetdev=none numa=-1 iommu=none missing=sriov_drivers_autoprobe,sriov_vf_device,sriov_offset\n"
	"dev 0000:00:1f.2 vendor=8086 device=2922 class=010601 driver=ahci\n";

struct fixture {
	char root[64];
	struct sriov_ctx *ctx;
};

static int build(void **state, const char *topology, const char *preset)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };
	char err[256];
	int r;

	assert_non_null(f);
	strcpy(f->root, "/dev/shm/sriov-topo-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	r = preset ? fakesys_build_preset(f->root, preset, err, sizeof(err))
		   : fakesys_build(f->root, topology, err, sizeof(err));
	if (r < 0)
		fail_msg("fakesys: %s", err);
	opts.sysfs_root = f->root;
	assert_int_equal(sriov_ctx_new(&opts, &f->ctx), 0);
	*state = f;
	return 0;
}

static int setup_host(void **state)
{
	return build(state, host_topology, NULL);
}

static int setup_scale(void **state)
{
	return build(state, NULL, "scale");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sriov_ctx_free(f->ctx);
	fakesys_remove(f->root);
	free(f);
	return 0;
}

static struct sriov_pf *find_pf(struct fixture *f, const char *name)
{
	struct sriov_pf *pf = NULL;
	int r = sriov_pf_find(f->ctx, name, &pf);

	if (r < 0)
		fail_msg("%s: %s", name, sriov_ctx_last_error(f->ctx));
	return pf;
}

static void test_list_pfs(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *const *pfs;
	size_t n;

	assert_int_equal(sriov_pf_list(f->ctx, &pfs, &n), 0);
	/* the SATA controller is no PF; the order is by PCI address */
	assert_int_equal(n, 4);
	assert_string_equal(sriov_pf_get_info(pfs[0])->pci, "0000:03:00.0");
	assert_string_equal(sriov_pf_get_info(pfs[1])->pci, "0000:04:00.0");
	assert_string_equal(sriov_pf_get_info(pfs[2])->pci, "0000:05:00.0");
	assert_string_equal(sriov_pf_get_info(pfs[3])->pci, "0001:81:00.0");
}

static void test_pf_fields(void **state)
{
	struct fixture *f = *state;
	const struct sriov_pf_info *i = sriov_pf_get_info(find_pf(f, "enp3s0"));

	assert_string_equal(i->pci, "0000:03:00.0");
	assert_int_equal(i->vendor_id, 0x8086);
	assert_int_equal(i->device_id, 0x10c9);
	assert_int_equal(i->class_code, 0x020000);
	assert_string_equal(i->driver, "igb");
	assert_null(i->driver_override);
	assert_string_equal(i->netdevs[0], "enp3s0");
	assert_null(i->netdevs[1]);
	assert_int_equal(i->numa_node, 1);
	assert_true(i->iommu_group >= 0);
	assert_int_equal(i->total_vfs, 8);
	assert_int_equal(i->num_vfs, 3);
	assert_int_equal(i->drivers_autoprobe, 1);
	assert_int_equal(i->vf_device_id, 0x10ca);
	assert_int_equal(i->vf_offset, 128);
	assert_int_equal(i->vf_stride, 2);
	/* the names come from the PCI ID database */
	assert_non_null(i->vendor_name);
	assert_non_null(strstr(i->vendor_name, "Intel"));
}

static void test_sriov_cap(void **state)
{
	struct fixture *f = *state;
	const struct sriov_pf_info *i = sriov_pf_get_info(find_pf(f, "03:00.0"));

	assert_true(i->cap.present);
	assert_true(i->cap.offset >= 0x100);
	assert_int_equal(i->cap.total_vfs, 8);
	assert_int_equal(i->cap.initial_vfs, 8);
	assert_int_equal(i->cap.num_vfs, 3);
	assert_int_equal(i->cap.vf_offset, 128);
	assert_int_equal(i->cap.vf_stride, 2);
	assert_int_equal(i->cap.vf_device_id, 0x10ca);
	assert_true(i->cap.vf_enable);
	assert_true(i->cap.vf_memory_space);
}

static void test_vfs(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *pf = find_pf(f, "0000:03:00.0");
	static const char *const addrs[] = { "0000:03:10.0", "0000:03:10.2",
					     "0000:03:10.4" };

	assert_int_equal(sriov_pf_vf_count(pf), 3);
	for (unsigned int n = 0; n < 3; n++) {
		const struct sriov_vf_info *v =
			sriov_vf_get_info(sriov_pf_get_vf(pf, n));
		char netdev[16];

		snprintf(netdev, sizeof(netdev), "enp3s0v%u", n);
		assert_string_equal(v->pci, addrs[n]);
		assert_string_equal(v->pf, "0000:03:00.0");
		assert_int_equal(v->index, n);
		assert_string_equal(v->driver, "igbvf");
		assert_string_equal(v->netdev, netdev);
		assert_int_equal(v->device_id, 0x10ca);
		assert_true(v->iommu_group >= 0);
		assert_int_not_equal(v->iommu_group,
				     sriov_pf_get_info(pf)->iommu_group);
	}
	assert_null(sriov_pf_get_vf(pf, 3));
}

static void test_unbound_and_missing(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *nvme = find_pf(f, "04:00.0");
	const struct sriov_pf_info *mlx = sriov_pf_get_info(find_pf(f, "05:00.0"));
	const struct sriov_pf_info *ixgbe =
		sriov_pf_get_info(find_pf(f, "0001:81:00.0"));
	const struct sriov_vf_info *v = sriov_vf_get_info(sriov_pf_get_vf(nvme, 1));

	/* VFs left without a driver and without netdev */
	assert_null(v->driver);
	assert_null(v->netdev);
	assert_int_equal(sriov_pf_get_info(nvme)->drivers_autoprobe, 0);
	/* a PF without driver is still a PF */
	assert_null(mlx->driver);
	assert_null(mlx->netdevs[0]);
	assert_int_equal(mlx->num_vfs, 0);
	assert_int_equal(sriov_pf_vf_count(find_pf(f, "05:00.0")), 0);
	/* an older kernel: the missing files are taken from config space */
	assert_int_equal(ixgbe->drivers_autoprobe, SRIOV_NO_VALUE);
	assert_int_equal(ixgbe->vf_device_id, 0x10ed);
	assert_int_equal(ixgbe->vf_offset, 128);
	assert_int_equal(ixgbe->numa_node, -1);
	assert_null(sriov_vf_get_info(sriov_pf_get_vf(find_pf(f, "ens1f0"), 0))->netdev);
}

/* A bind as the kernel shows it: driver link, driver_override, no netdev. */
static void move_to_vfio(struct fixture *f, const char *pci, const char *link)
{
	char dev[128], path[192], gone[192];
	FILE *o;

	snprintf(dev, sizeof(dev), "%s/bus/pci/devices/%s", f->root, pci);
	snprintf(path, sizeof(path), "%s/driver", dev);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(link, path), 0);
	snprintf(path, sizeof(path), "%s/driver_override", dev);
	o = fopen(path, "we");
	assert_non_null(o);
	fputs("vfio-pci\n", o);
	fclose(o);
	snprintf(path, sizeof(path), "%s/net", dev);
	snprintf(gone, sizeof(gone), "%s/net.gone", dev);
	rename(path, gone);
}

/* A VF read again keeps its handle; a failed read leaves it as it was. */
static void test_vf_reload(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf *vf, *again;
	const struct sriov_vf_info *i;
	struct sriov_pci_addr a;
	int group;

	assert_int_equal(sriov_vf_find(f->ctx, "0000:03:10.2", &vf), 0);
	i = sriov_vf_get_info(vf);
	group = i->iommu_group;
	move_to_vfio(f, "0000:03:10.2", "../bad/");
	assert_int_equal(sriov_vf_reload(vf), -EINVAL);
	assert_string_equal(i->driver, "igbvf");
	assert_string_equal(i->netdev, "enp3s0v1");
	move_to_vfio(f, "0000:03:10.2", "../../../bus/pci/drivers/vfio-pci");
	assert_int_equal(sriov_pci_addr_parse("0000:03:10.2", &a), 0);
	assert_int_equal(sriov_vf_reload_addr(f->ctx, &a), 0);
	assert_int_equal(sriov_vf_find(f->ctx, "0000:03:10.2", &again), 0);
	assert_ptr_equal(again, vf);
	assert_string_equal(i->driver, "vfio-pci");
	assert_string_equal(i->driver_override, "vfio-pci");
	assert_null(i->netdev);
	assert_int_equal(i->iommu_group, group);
	/* a device no loaded PF has is nobody's handle */
	assert_int_equal(sriov_pci_addr_parse("0000:00:1f.2", &a), 0);
	assert_null(sriov_vf_cached(f->ctx, &a));
	assert_int_equal(sriov_vf_reload_addr(f->ctx, &a), 0);
}

static void test_resolve_vf(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf *vf = NULL;

	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0#2", &vf), 0);
	assert_string_equal(sriov_vf_get_info(vf)->pci, "0000:03:10.4");
	assert_int_equal(sriov_vf_find(f->ctx, "0000:03:10.2", &vf), 0);
	assert_int_equal(sriov_vf_get_info(vf)->index, 1);
	assert_string_equal(sriov_pf_get_info(sriov_vf_get_pf(vf))->pci,
			    "0000:03:00.0");
	assert_int_equal(sriov_vf_find(f->ctx, "03:10.4", &vf), 0);
	assert_int_equal(sriov_vf_get_info(vf)->index, 2);
	assert_int_equal(sriov_vf_find(f->ctx, "0001:81:00.0#1", &vf), 0);
	assert_int_equal(sriov_vf_get_info(vf)->index, 1);
}

static void test_resolve_errors(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf *vf = NULL;
	struct sriov_pf *pf = NULL;

	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0#3", &vf), -ERANGE);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "3 VFs"));
	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0#x", &vf), -EINVAL);
	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0#", &vf), -EINVAL);
	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0", &vf), -EINVAL);
	assert_int_equal(sriov_vf_find(f->ctx, "0000:03:00.0", &vf), -EINVAL);
	assert_int_equal(sriov_vf_find(f->ctx, "0000:09:00.0", &vf), -ENODEV);
	assert_int_equal(sriov_pf_find(f->ctx, "0000:00:1f.2", &pf), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "not an SR-IOV"));
	assert_int_equal(sriov_pf_find(f->ctx, "enp3s0v0", &pf), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "virtual function"));
	assert_int_equal(sriov_pf_find(f->ctx, "nosuch0", &pf), -ENODEV);
	assert_int_equal(sriov_pf_find(f->ctx, "../../etc", &pf), -EINVAL);
	assert_int_equal(sriov_pf_find(f->ctx, "0000:03:00.0/..", &pf), -EINVAL);
	assert_int_equal(sriov_pf_find(f->ctx, "", &pf), -EINVAL);
	assert_null(pf);
	assert_null(vf);
}

static void assert_spec(struct fixture *f, const char *spec,
			const unsigned int *want, size_t n_want)
{
	struct sriov_vf **vfs = NULL;
	size_t n = 0;

	if (sriov_vf_spec_resolve(f->ctx, spec, &vfs, &n) < 0)
		fail_msg("%s: %s", spec, sriov_ctx_last_error(f->ctx));
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sriov_vf_get_info(vfs[i])->index, want[i]);
	free(vfs);
}

static void test_ranges(void **state)
{
	struct fixture *f = *state;
	struct sriov_vf **vfs = NULL;
	size_t n = 99;

	assert_spec(f, "enp3s0#0-1", (unsigned int[]){ 0, 1 }, 2);
	assert_spec(f, "enp3s0#2,0", (unsigned int[]){ 2, 0 }, 2);
	assert_spec(f, "03:00.0#0-2,1", (unsigned int[]){ 0, 1, 2 }, 3);
	assert_spec(f, "enp3s0", (unsigned int[]){ 0, 1, 2 }, 3);
	assert_spec(f, "0000:03:10.2", (unsigned int[]){ 1 }, 1);
	static const char *const bad[] = {
		"enp3s0#0-3", "enp3s0#2-1", "enp3s0#0,,1", "enp3s0#0,", "enp3s0#,1",
		"enp3s0#-1", "enp3s0#1-", "enp3s0#a-b", "#1", "enp3s0#",
		"nosuch#1", "00:1f.2#0",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = sriov_vf_spec_resolve(f->ctx, bad[i], &vfs, &n);

		if (r >= 0)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_null(vfs);
		assert_int_equal(n, 99);
	}
}

static void test_iommu_groups(void **state)
{
	struct fixture *f = *state;
	struct sriov_iommu_group *g;
	const struct sriov_iommu_group_info *gi;
	struct sriov_pf *nvme = find_pf(f, "04:00.0");
	int id = sriov_pf_get_info(nvme)->iommu_group;

	assert_true(sriov_iommu_enabled(f->ctx));
	/* the shared group holds the PF and both VFs */
	assert_int_equal(sriov_iommu_group_find(f->ctx, "04:00.0", &g), 0);
	gi = sriov_iommu_group_get_info(g);
	assert_int_equal(gi->id, id);
	assert_int_equal(gi->n_members, 3);
	assert_string_equal(gi->members[0].pci, "0000:04:00.0");
	assert_string_equal(gi->members[0].driver, "nvme");
	assert_null(gi->members[1].driver);
	assert_int_equal(sriov_vf_get_info(sriov_pf_get_vf(nvme, 1))->iommu_group, id);
	assert_int_equal(sriov_iommu_group_find(f->ctx, "enp3s0#0", &g), 0);
	assert_int_equal(sriov_iommu_group_get_info(g)->n_members, 1);
	assert_int_equal(sriov_iommu_group_find(f->ctx, "99999", &g), -ENODEV);
	assert_int_equal(sriov_iommu_group_find(f->ctx, "0001:81:00.0", &g), -ENOENT);
}

/* Listing every PF keeps the handles found before valid. */
static void test_find_then_list(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *const *pfs;
	struct sriov_pf *pf = find_pf(f, "enp3s0");
	struct sriov_vf *vf = NULL;
	size_t n;

	assert_int_equal(sriov_vf_find(f->ctx, "enp3s0#1", &vf), 0);
	assert_int_equal(sriov_pf_list(f->ctx, &pfs, &n), 0);
	assert_int_equal(n, 4);
	assert_ptr_equal(pfs[0], pf);
	assert_string_equal(sriov_pf_get_info(pf)->pci, "0000:03:00.0");
	assert_string_equal(sriov_vf_get_info(vf)->pci, "0000:03:10.2");
	assert_string_equal(sriov_pf_get_info(pfs[3])->pci, "0001:81:00.0");
}

static void test_scale(void **state)
{
	struct fixture *f = *state;
	struct sriov_pf *const *pfs;
	size_t n, vfs = 0;

	assert_int_equal(sriov_pf_list(f->ctx, &pfs, &n), 0);
	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sriov_pf_vf_count(pfs[i]), 256);
		for (unsigned int v = 0; v < 256; v++) {
			struct sriov_vf *vf = sriov_pf_get_vf(pfs[i], v);

			assert_non_null(vf);
			assert_int_equal(sriov_vf_get_info(vf)->index, v);
			vfs++;
		}
	}
	assert_int_equal(vfs, 16 * 256);
}

static void test_bad_root(void **state)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts),
				       .sysfs_root = "/nonexistent/sys" };
	struct sriov_ctx *ctx = NULL;
	struct sriov_pf *const *pfs;
	size_t n;

	(void)state;
	assert_int_equal(sriov_ctx_new(&opts, &ctx), -ENOENT);
	assert_null(ctx);
	opts.sysfs_root = "/tmp";
	assert_int_equal(sriov_ctx_new(&opts, &ctx), 0);
	assert_int_equal(sriov_pf_list(ctx, &pfs, &n), -ENOENT);
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "bus/pci/devices"));
	sriov_ctx_free(ctx);
	sriov_ctx_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_pfs, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_pf_fields, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_cap, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_vfs, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_unbound_and_missing, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_vf_reload, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_vf, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_errors, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_ranges, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_iommu_groups, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_find_then_list, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_scale, setup_scale, teardown),
		cmocka_unit_test(test_bad_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
