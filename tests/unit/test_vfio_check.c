/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO sequence of sriov_vfio_check() through its system-call seam,
 * with scripted replies shaped like the kernel's (6.1): the whole
 * sequence, a failure at every call in turn (with everything closed and
 * unmapped afterwards), and the kernel's refusals.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fakesys.h"
#include "../../vfio/vfio_private.h"

#define VF "0000:03:10.2"
#define NOGROUP "0000:05:00.0"
#define FD_CONTAINER 100
#define FD_GROUP 101
#define FD_DEVICE 102

struct fake {
	int calls;              /* opens and ioctls, in order */
	int fail_call;          /* this one fails with fail_errno */
	int fail_errno;
	int api, ext;
	uint32_t group_flags, dev_flags, regions, irqs;
	bool caps;
	bool conventional;      /* not PCIe: no error interrupt */
	uint64_t unmap_reply;   /* 0: what was asked */
	int opened, closed, mmaps, munmaps;
	bool mapped;
	uint64_t map_iova;
	char group_path[256];
	char device[96];
	struct vfio_device_feature feature; /* the last VFIO_DEVICE_FEATURE */
	uint8_t feature_data[16];
	int features;
	int feature_errno;      /* its reply, 0: success */
};

static int f_open(void *data, const char *path, int flags)
{
	struct fake *f = data;

	(void)flags;
	if (++f->calls == f->fail_call) {
		errno = f->fail_errno;
		return -1;
	}
	f->opened++;
	if (strstr(path, "/vfio/vfio"))
		return FD_CONTAINER;
	snprintf(f->group_path, sizeof(f->group_path), "%s", path);
	return FD_GROUP;
}

static int f_close(void *data, int fd)
{
	struct fake *f = data;

	(void)fd;
	f->closed++;
	return 0;
}

static void *f_mmap(void *data, size_t len)
{
	struct fake *f = data;

	f->mmaps++;
	return malloc(len);
}

static int f_munmap(void *data, void *addr, size_t len)
{
	struct fake *f = data;

	(void)len;
	f->munmaps++;
	free(addr);
	return 0;
}

/* VFIO_IOMMU_GET_INFO as type1 answers: first the size, then the caps. */
static int iommu_info(struct fake *f, struct vfio_iommu_type1_info *info)
{
	struct vfio_iommu_type1_info_cap_iova_range *r;
	struct vfio_iommu_type1_info_dma_avail *d;
	size_t rsz = sizeof(*r) + 2 * sizeof(r->iova_ranges[0]);
	uint32_t need = (uint32_t)(sizeof(*info) + rsz + sizeof(*d));

	info->flags = VFIO_IOMMU_INFO_PGSIZES | (f->caps ? VFIO_IOMMU_INFO_CAPS : 0);
	info->iova_pgsizes = 0x40201000;
	info->cap_offset = 0;
	if (!f->caps)
		return 0;
	if (info->argsz < need) {
		info->argsz = need;
		return 0;
	}
	r = (void *)((char *)info + sizeof(*info));
	r->header = (struct vfio_info_cap_header){
		VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1,
		(uint32_t)(sizeof(*info) + rsz) };
	r->nr_iovas = 2;
	r->iova_ranges[0].start = 0x1000;
	r->iova_ranges[0].end = 0xfedfffff;
	r->iova_ranges[1].start = 0xfef00000;
	r->iova_ranges[1].end = 0xffffffffffffULL;
	d = (void *)((char *)r + rsz);
	d->header = (struct vfio_info_cap_header){ VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, 0 };
	d->avail = 65535;
	info->cap_offset = sizeof(*info);
	return 0;
}

static int device_ioctl(struct fake *f, unsigned long req, void *arg)
{
	if (req == VFIO_DEVICE_GET_INFO) {
		struct vfio_device_info *i = arg;

		i->flags = f->dev_flags;
		i->num_regions = f->regions;
		i->num_irqs = f->irqs;
	} else if (req == VFIO_DEVICE_GET_REGION_INFO) {
		struct vfio_region_info *r = arg;

		/* vfio-pci: no VGA region on a device that is not VGA */
		if (r->index == VFIO_PCI_VGA_REGION_INDEX) {
			errno = EINVAL;
			return -1;
		}

		r->size = r->index < 6 ? 0x4000ULL << r->index : 0;
		r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	} else if (req == VFIO_DEVICE_GET_IRQ_INFO) {
		struct vfio_irq_info *i = arg;

		/* no error interrupt on conventional PCI */
		if (i->index == VFIO_PCI_ERR_IRQ_INDEX && f->conventional) {
			errno = EINVAL;
			return -1;
		}
		i->count = i->index == VFIO_PCI_MSIX_IRQ_INDEX ? 5 : 1;
		i->flags = VFIO_IRQ_INFO_EVENTFD;
	} else if (req == VFIO_DEVICE_FEATURE) {
		const struct vfio_device_feature *h = arg;

		f->features++;
		f->feature = *h;
		if (h->argsz >= sizeof(*h) + sizeof(f->feature_data))
			memcpy(f->feature_data, h->data, sizeof(f->feature_data));
		if (f->feature_errno) {
			errno = f->feature_errno;
			return -1;
		}
	} else if (req != VFIO_DEVICE_RESET) {
		errno = ENOTTY;
		return -1;
	}
	return 0;
}

static int f_ioctl(void *data, int fd, unsigned long req, void *arg)
{
	struct fake *f = data;

	if (++f->calls == f->fail_call) {
		errno = f->fail_errno;
		return -1;
	}
	switch (req) {
	case VFIO_GET_API_VERSION:
		return f->api;
	case VFIO_CHECK_EXTENSION:
		return (uintptr_t)arg == VFIO_TYPE1v2_IOMMU ? f->ext : 0;
	case VFIO_GROUP_GET_STATUS:
		((struct vfio_group_status *)arg)->flags = f->group_flags;
		return fd == FD_GROUP ? 0 : -1;
	case VFIO_GROUP_SET_CONTAINER:
		return *(int *)arg == FD_CONTAINER ? 0 : -1;
	case VFIO_SET_IOMMU:
		return (uintptr_t)arg == VFIO_TYPE1v2_IOMMU ? 0 : -1;
	case VFIO_IOMMU_GET_INFO:
		return iommu_info(f, arg);
	case VFIO_IOMMU_MAP_DMA:
		f->mapped = true;
		f->map_iova = ((struct vfio_iommu_type1_dma_map *)arg)->iova;
		return 0;
	case VFIO_IOMMU_UNMAP_DMA:
		if (f->unmap_reply)
			((struct vfio_iommu_type1_dma_unmap *)arg)->size = f->unmap_reply;
		f->mapped = false;
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		snprintf(f->device, sizeof(f->device), "%s", (char *)arg);
		f->opened++;
		return FD_DEVICE;
	}
	return device_ioctl(f, req, arg);
}

struct fx {
	char root[64];
	struct sriov_ctx *ctx;
	struct fake f;
	struct vfio_ops ops;
};

static void fake_reset(struct fx *x)
{
	memset(&x->f, 0, sizeof(x->f));
	x->f.api = VFIO_API_VERSION;
	x->f.ext = 1;
	x->f.group_flags = VFIO_GROUP_FLAGS_VIABLE;
	x->f.dev_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	x->f.regions = 9;
	x->f.irqs = 5;
	x->f.caps = true;
	x->f.fail_errno = EIO;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct sriov_ctx_opts o = { .sz = sizeof(o), .dev_root = "/devroot" };
	char err[256];

	strcpy(x->root, "/tmp/sriov-check-XXXXXX");
	assert_non_null(mkdtemp(x->root));
	if (fakesys_build(x->root,
			  "module vfio_pci\n"
			  "pf 0000:03:00.0 vendor=8086 device=10c9 driver=igb netdev=enp3s0 total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf\n"
			  "vf 0000:03:00.0#1 driver=vfio-pci override=vfio-pci\n"
			  "dev " NOGROUP " vendor=8086 device=1533 driver=igb iommu=none\n"
			  "pf 0000:06:00.0 vendor=8086 device=10c9 driver=vfio-pci total=8 numvfs=1 offset=128 stride=2 vfdevice=10ca vfdriver=vfio-pci\n",
			  err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	o.sysfs_root = x->root;
	assert_int_equal(sriov_ctx_new(&o, &x->ctx), 0);
	x->ops = (struct vfio_ops){ f_open, f_ioctl, f_mmap, f_munmap, f_close, &x->f };
	fake_reset(x);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	sriov_ctx_free(x->ctx);
	fakesys_remove(x->root);
	free(x);
	return 0;
}

static int check(struct fx *x, bool no_reset,
		 struct sriov_vfio_check_report **rep)
{
	struct sriov_vfio_check_opts o = { .sz = sizeof(o), .no_reset = no_reset };
	struct sriov_pci_addr a;

	assert_int_equal(sriov_pci_addr_parse(VF, &a), 0);
	*rep = NULL;
	return sriov_vfio_check_with(x->ctx, &a, &o, &x->ops, rep);
}

static void assert_cleaned_up(const struct fake *f)
{
	assert_int_equal(f->opened, f->closed);
	assert_int_equal(f->mmaps, f->munmaps);
	assert_false(f->mapped);
}

static void test_whole_sequence(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_check_report *rep;

	assert_int_equal(check(x, false, &rep), 0);
	assert_true(rep->ok);
	assert_int_equal(rep->failed_step, -1);
	assert_int_equal(rep->steps_passed, (1u << SRIOV_VFIO_N_STEPS) - 1);
	assert_true(rep->type1v2 && rep->viable);
	assert_string_equal(rep->group_path, x->f.group_path);
	assert_non_null(strstr(rep->group_path, "/devroot/vfio/"));
	assert_string_equal(x->f.device, VF);
	assert_int_equal(rep->iova_pgsizes, 0x40201000);
	assert_int_equal(rep->n_iova_ranges, 2);
	assert_int_equal(rep->iova_ranges[1].start, 0xfef00000);
	assert_int_equal(rep->dma_avail, 65535);
	/* the first range, aligned to the mapping's size */
	assert_int_equal(rep->dma_iova, 0x100000);
	assert_int_equal(x->f.map_iova, 0x100000);
	assert_int_equal(rep->dma_size, 1024 * 1024);
	assert_int_equal(rep->n_regions, 9);
	assert_int_equal(rep->regions[2].size, 0x10000);
	assert_int_equal(rep->regions[7].size, 0);
	assert_int_equal(rep->regions[VFIO_PCI_VGA_REGION_INDEX].size, 0);
	assert_int_equal(rep->n_irqs, 5);
	assert_int_equal(rep->irqs[VFIO_PCI_MSIX_IRQ_INDEX].count, 5);
	assert_true(rep->reset_supported && rep->reset_done);
	assert_false(rep->iommufd);
	assert_null(rep->device_cdev);
	assert_cleaned_up(&x->f);
	sriov_vfio_check_report_free(rep);
}

/* Which step each call of the whole sequence belongs to. */
static int step_of_call(int k)
{
	static const int first[] = { 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 23, 28 };
	int step = 0;

	for (int s = 0; s < SRIOV_VFIO_N_STEPS; s++)
		if (k >= first[s])
			step = s;
	return step;
}

static void test_failure_at_each_call(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_check_report *rep;

	for (int k = 1; k <= 28; k++) {
		fake_reset(x);
		x->f.fail_call = k;
		assert_int_equal(check(x, false, &rep), -EIO);
		assert_non_null(rep);
		assert_false(rep->ok);
		if (rep->failed_step != step_of_call(k))
			fail_msg("call %d: failed step %d, expected %d", k,
				 rep->failed_step, step_of_call(k));
		assert_int_equal(rep->error, -EIO);
		assert_non_null(strstr(sriov_ctx_last_error(x->ctx),
				       sriov_vfio_step_name(rep->failed_step)));
		assert_false(rep->steps_passed & (1u << rep->failed_step));
		assert_cleaned_up(&x->f);
		sriov_vfio_check_report_free(rep);
	}
}

static void expect_failure(struct fx *x, int err, int step, const char *why)
{
	struct sriov_vfio_check_report *rep;

	assert_int_equal(check(x, false, &rep), -err);
	assert_int_equal(rep->failed_step, step);
	if (!strstr(rep->message, why))
		fail_msg("\"%s\" not in \"%s\"", why, rep->message);
	assert_cleaned_up(&x->f);
	sriov_vfio_check_report_free(rep);
	fake_reset(x);
}

static void test_kernel_refusals(void **state)
{
	struct fx *x = *state;

	x->f.api = 1;
	expect_failure(x, EPROTO, SRIOV_VFIO_STEP_API_VERSION, "API version 1");
	x->f.ext = 0;
	expect_failure(x, EOPNOTSUPP, SRIOV_VFIO_STEP_TYPE1V2, "Type1v2");
	x->f.group_flags = 0;
	expect_failure(x, EPERM, SRIOV_VFIO_STEP_GROUP_STATUS, "not viable");
	/* a group held by someone else */
	x->f.fail_call = 4;
	x->f.fail_errno = EBUSY;
	expect_failure(x, EBUSY, SRIOV_VFIO_STEP_OPEN_GROUP, "another process");
	/* as the kernel says it when pinning would pass RLIMIT_MEMLOCK */
	x->f.fail_call = 10;
	x->f.fail_errno = ENOMEM;
	expect_failure(x, ENOMEM, SRIOV_VFIO_STEP_MAP_DMA, "RLIMIT_MEMLOCK");
	x->f.unmap_reply = 4096;
	expect_failure(x, EIO, SRIOV_VFIO_STEP_UNMAP_DMA, "unmapped 4096 bytes");
	x->f.dev_flags = VFIO_DEVICE_FLAGS_PLATFORM;
	expect_failure(x, EPROTO, SRIOV_VFIO_STEP_DEVICE_INFO, "not a vfio-pci device");
	x->f.regions = 1000;
	expect_failure(x, EPROTO, SRIOV_VFIO_STEP_DEVICE_INFO, "implausible");
}

static void test_reset_optional(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_check_report *rep;

	assert_int_equal(check(x, true, &rep), 0);
	assert_true(rep->ok && !rep->reset_done);
	assert_int_equal(x->f.calls, 27);
	sriov_vfio_check_report_free(rep);
	fake_reset(x);
	x->f.dev_flags = VFIO_DEVICE_FLAGS_PCI;
	x->f.caps = false;
	assert_int_equal(check(x, false, &rep), 0);
	assert_true(rep->ok && !rep->reset_supported && !rep->reset_done);
	assert_int_equal(rep->n_iova_ranges, 0);
	assert_int_equal(rep->dma_avail, -1);
	sriov_vfio_check_report_free(rep);
	/* the absent error interrupt of a conventional PCI device */
	fake_reset(x);
	x->f.conventional = true;
	assert_int_equal(check(x, false, &rep), 0);
	assert_int_equal(rep->irqs[VFIO_PCI_ERR_IRQ_INDEX].count, 0);
	assert_int_equal(rep->irqs[VFIO_PCI_MSIX_IRQ_INDEX].count, 5);
	sriov_vfio_check_report_free(rep);
}

static void test_no_device(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_check_report *rep = NULL;
	struct sriov_vfio_check_opts bad = { .sz = sizeof(bad), .dma_size = 3000 };
	struct sriov_pci_addr a;

	assert_int_equal(sriov_pci_addr_parse(NOGROUP, &a), 0);
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, NULL, &x->ops, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "no IOMMU group"));
	assert_null(rep);
	/* a VF still on its host driver: QEMU could not open it either */
	assert_int_equal(sriov_pci_addr_parse("0000:03:10.0", &a), 0);
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, NULL, &x->ops, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "is on igbvf, not vfio-pci"));
	assert_int_equal(sriov_pci_addr_parse("0000:07:00.0", &a), 0);
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, NULL, &x->ops, &rep), -ENODEV);
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, &bad, &x->ops, &rep), -EINVAL);
	assert_int_equal(x->f.calls, 0);
	assert_null(sriov_vfio_step_name(SRIOV_VFIO_N_STEPS));
	assert_string_equal(sriov_vfio_step_name(SRIOV_VFIO_STEP_MAP_DMA), "map dma");
}

/* A VF of a PF on vfio-pci is asked for with the PF's VF token. */
static void test_vf_token(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_check_report *rep = NULL;
	struct sriov_vfio_check_opts o = { .sz = sizeof(o) };
	struct sriov_pci_addr a;

	assert_int_equal(sriov_pci_addr_parse("0000:06:10.0", &a), 0);
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, &o, &x->ops, &rep), 0);
	assert_string_equal(x->f.device,
			    "0000:06:10.0 vf_token=00000000-0000-0000-0000-000000000000");
	sriov_vfio_check_report_free(rep);
	fake_reset(x);
	o.vf_token = "4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e60";
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, &o, &x->ops, &rep), 0);
	assert_string_equal(x->f.device,
			    "0000:06:10.0 vf_token=4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e60");
	sriov_vfio_check_report_free(rep);
	/* a VF of a PF on its host driver takes no token */
	fake_reset(x);
	assert_int_equal(check(x, false, &rep), 0);
	assert_string_equal(x->f.device, VF);
	sriov_vfio_check_report_free(rep);
	o.vf_token = "token";
	assert_int_equal(sriov_vfio_check_with(x->ctx, &a, &o, &x->ops, &rep), -EINVAL);
}

#define PF_VFIO "0000:06:00.0"
#define TOKEN "4a1f0c9e-6b1d-4c55-9a0e-2F7D3B8C1E60"

static int set_token(struct fx *x, const char *pf, const char *token, bool dry_run)
{
	struct sriov_pci_addr a;

	assert_int_equal(sriov_pci_addr_parse(pf, &a), 0);
	return sriov_vfio_set_vf_token_with(x->ctx, &a, token, dry_run, &x->ops);
}

/* The PF is opened as for vfio check; the token goes in one ioctl. */
static void test_set_vf_token(void **state)
{
	static const uint8_t want[16] = { 0x4a, 0x1f, 0x0c, 0x9e, 0x6b, 0x1d,
					  0x4c, 0x55, 0x9a, 0x0e, 0x2f, 0x7d,
					  0x3b, 0x8c, 0x1e, 0x60 };
	struct fx *x = *state;

	assert_int_equal(set_token(x, PF_VFIO, TOKEN, false), 0);
	assert_int_equal(x->f.features, 1);
	assert_int_equal(x->f.feature.flags,
			 VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
	assert_int_equal(x->f.feature.argsz, sizeof(struct vfio_device_feature) + 16);
	assert_memory_equal(x->f.feature_data, want, 16);
	/* the PF asks for itself by address, with no token */
	assert_string_equal(x->f.device, PF_VFIO);
	assert_non_null(strstr(x->f.group_path, "/devroot/vfio/"));
	assert_false(x->f.mapped);
	assert_int_equal(x->f.mmaps, 0);
	assert_int_equal(x->f.opened, 3);
	assert_cleaned_up(&x->f);
	/* a dry run checks and opens nothing */
	fake_reset(x);
	assert_int_equal(set_token(x, PF_VFIO, TOKEN, true), 0);
	assert_int_equal(x->f.calls, 0);
}

static void test_set_vf_token_refused(void **state)
{
	struct fx *x = *state;

	assert_int_equal(set_token(x, PF_VFIO, "not-a-uuid", false), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "invalid VF token"));
	assert_int_equal(set_token(x, PF_VFIO, "4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e6g", false),
			 -EINVAL);
	assert_int_equal(set_token(x, "0000:03:00.0", TOKEN, false), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx),
			       "is on igb, not vfio-pci"));
	assert_int_equal(set_token(x, "0000:03:00.0", TOKEN, true), -ECANCELED);
	/* a VF, even on vfio-pci, keeps no token */
	assert_int_equal(set_token(x, "0000:06:10.0", TOKEN, false), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "not an SR-IOV PF"));
	assert_int_equal(set_token(x, "0000:07:00.0", TOKEN, false), -ENODEV);
	assert_int_equal(x->f.calls, 0);
	/* the kernel's refusals, everything closed again */
	x->f.feature_errno = ENOTTY;
	assert_int_equal(set_token(x, PF_VFIO, TOKEN, false), -ENOTTY);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "keeps no VF token"));
	assert_cleaned_up(&x->f);
	fake_reset(x);
	x->f.group_flags = 0;
	assert_int_equal(set_token(x, PF_VFIO, TOKEN, false), -EPERM);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "not viable"));
	assert_int_equal(x->f.features, 0);
	assert_cleaned_up(&x->f);
	/* GET_DEVICE_FD of a PF whose VFs are open, without their token */
	fake_reset(x);
	x->f.fail_call = 8;
	x->f.fail_errno = EACCES;
	assert_int_equal(set_token(x, PF_VFIO, TOKEN, false), -EACCES);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "a VF of it is open"));
	assert_cleaned_up(&x->f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_at_each_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_optional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_vf_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_vf_token_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
