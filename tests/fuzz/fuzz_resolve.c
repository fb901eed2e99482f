/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VF-spec resolver ("PF#N", "PF#0-3,7", netdev names, addresses) and
 * PF lookup, on a small built sysfs tree: PFs with and without VFs and
 * netdevs, a PF without SR-IOV driver, an old-kernel PF in domain 1.
 */
#include <unistd.h>

#include "fakesys.h"
#include "fuzz.h"

static const char topology[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 "
	"total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf "
	"vfnetdev=enp3s0v%d numa=1 iommu=separate\n"
	"pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme "
	"total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 iommu=shared\n"
	"pf 0000:05:00.0 vendor=15b3 device=1017 class=020000 driver=none "
	"total=16 numvfs=0 offset=2 stride=1 vfdevice=1018\n"
	"pf 0001:81:00.0 vendor=8086 device=10fb class=020000 driver=ixgbe netdev=ens1f0 "
	"total=63 numvfs=2 offset=128 stride=2 vfdevice=10ed vfdriver=ixgbevf "
	"iommu=none missing=sriov_drivers_autoprobe,sriov_offset\n"
	"dev 0000:00:1f.2 vendor=8086 device=2922 class=010601 driver=ahci netdev=eno1\n";

static char root[64];
static struct sriov_ctx *ctx;

static void remove_tree(void)
{
	sriov_ctx_free(ctx);
	fakesys_remove(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/dev/shm/sriov-fuzz-%ld", (long)getpid());
	if (access("/dev/shm", W_OK) < 0)
		snprintf(root, sizeof(root), "/tmp/sriov-fuzz-%ld", (long)getpid());
	fakesys_remove(root);
	if (fakesys_build(root, topology, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_resolve: fakesys: %s\n", err);
		abort();
	}
	ctx = fuzz_ctx(root);
	atexit(remove_tree);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);
	struct sriov_vf **vfs = NULL;
	struct sriov_pf *pf;
	size_t n = 0;

	if (sriov_vf_spec_resolve(ctx, spec, &vfs, &n) == 0) {
		fuzz_assert(n <= 3 + 2 + 2);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				fuzz_assert(vfs[i] != vfs[j]);
		free(vfs);
	}
	sriov_pf_find(ctx, spec, &pf);
	free(spec);
	return 0;
}
