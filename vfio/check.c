/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sriov_vfio_check(): the VFIO sequence QEMU runs for a device, step by
 * step, through a table of system calls that tests replace with scripted
 * replies. Type1 (container/group) API; iommufd is only reported.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"
#include "vfio_private.h"

#define DEFAULT_DMA_SIZE (1024 * 1024)

static int sys_open(void *data, const char *path, int flags)
{
	(void)data;
	return open(path, flags | O_CLOEXEC);
}

static int sys_ioctl(void *data, int fd, unsigned long request, void *arg)
{
	(void)data;
	return ioctl(fd, request, arg);
}

static void *sys_mmap(void *data, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)data;
	return p == MAP_FAILED ? NULL : p;
}

static int sys_munmap(void *data, void *addr, size_t len)
{
	(void)data;
	return munmap(addr, len);
}

static int sys_close(void *data, int fd)
{
	(void)data;
	return close(fd);
}

const struct vfio_ops sriov_vfio_sys_ops = {
	.open = sys_open,
	.ioctl = sys_ioctl,
	.mmap = sys_mmap,
	.munmap = sys_munmap,
	.close = sys_close,
};

static const char *const step_names[] = {
	[SRIOV_VFIO_STEP_OPEN_CONTAINER] = "open container",
	[SRIOV_VFIO_STEP_API_VERSION] = "api version",
	[SRIOV_VFIO_STEP_TYPE1V2] = "type1v2 extension",
	[SRIOV_VFIO_STEP_OPEN_GROUP] = "open group",
	[SRIOV_VFIO_STEP_GROUP_STATUS] = "group viable",
	[SRIOV_VFIO_STEP_SET_CONTAINER] = "set container",
	[SRIOV_VFIO_STEP_SET_IOMMU] = "set iommu",
	[SRIOV_VFIO_STEP_IOMMU_INFO] = "iommu info",
	[SRIOV_VFIO_STEP_MAP_DMA] = "map dma",
	[SRIOV_VFIO_STEP_UNMAP_DMA] = "unmap dma",
	[SRIOV_VFIO_STEP_DEVICE_FD] = "device fd",
	[SRIOV_VFIO_STEP_DEVICE_INFO] = "device info",
	[SRIOV_VFIO_STEP_REGIONS] = "regions",
	[SRIOV_VFIO_STEP_IRQS] = "irqs",
	[SRIOV_VFIO_STEP_RESET] = "reset",
};

SRIOV_EXPORT const char *sriov_vfio_step_name(int step)
{
	return step >= 0 && (size_t)step < ARRAY_SIZE(step_names)
		       ? step_names[step]
		       : NULL;
}

SRIOV_EXPORT void sriov_vfio_check_report_free(struct sriov_vfio_check_report *r)
{
	if (!r)
		return;
	free((char *)r->group_path);
	free((char *)r->message);
	free((char *)r->device_cdev);
	free(r->iova_ranges);
	free(r->regions);
	free(r->irqs);
	free(r);
}

/* The state of one run: open descriptors and the test buffer. */
struct run {
	struct sriov_ctx *ctx;
	const struct vfio_ops *ops;
	struct sriov_vfio_check_report *rep;
	int container, group, device;
	/* "ADDR", or "ADDR vf_token=UUID" for a VF whose PF is on vfio-pci */
	char name[SRIOV_PCI_ADDR_STRLEN + 48];
	void *buf;
	bool mapped;
	int step;
};

/* Records the failure of the current step; returns -errno. */
static int step_fail(struct run *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int step_fail(struct run *x, int err, const char *fmt, ...)
{
	char msg[SRIOV_ERRBUF_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->rep->failed_step = x->step;
	x->rep->error = -err;
	free((char *)x->rep->message);
	x->rep->message = strdup(msg);
	return sriov_err(x->ctx, err, "%s: %s: %s", x->rep->pci,
			 step_names[x->step], msg);
}

static void step_ok(struct run *x)
{
	x->rep->steps_passed |= 1u << x->step;
}

/* One ioctl of the current step; the reply must not be negative. */
static int xioctl(struct run *x, int fd, unsigned long req, void *arg,
		  const char *what)
{
	int r = x->ops->ioctl(x->ops->data, fd, req, arg);

	if (r < 0)
		return step_fail(x, errno ? errno : EIO, "%s: %s", what,
				 strerror(errno ? errno : EIO));
	return r;
}

static int open_container(struct run *x)
{
	char path[600];
	int r;

	x->step = SRIOV_VFIO_STEP_OPEN_CONTAINER;
	snprintf(path, sizeof(path), "%s/vfio/vfio", x->ctx->dev_root);
	x->container = x->ops->open(x->ops->data, path, O_RDWR);
	if (x->container < 0)
		return step_fail(x, errno, "cannot open %s: %s (is vfio loaded?)",
				 path, strerror(errno));
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_API_VERSION;
	r = xioctl(x, x->container, VFIO_GET_API_VERSION, NULL, "VFIO_GET_API_VERSION");
	if (r < 0)
		return r;
	x->rep->api_version = r;
	if (r != VFIO_API_VERSION)
		return step_fail(x, EPROTO, "API version %d, expected %d", r,
				 VFIO_API_VERSION);
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_TYPE1V2;
	r = xioctl(x, x->container, VFIO_CHECK_EXTENSION,
		   (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU, "VFIO_CHECK_EXTENSION");
	if (r < 0)
		return r;
	x->rep->type1v2 = r > 0;
	if (!r)
		return step_fail(x, EOPNOTSUPP,
				 "the kernel offers no Type1v2 IOMMU (vfio_iommu_type1 not loaded?)");
	step_ok(x);
	return 0;
}

static int open_group(struct run *x)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int r;

	x->step = SRIOV_VFIO_STEP_OPEN_GROUP;
	x->group = x->ops->open(x->ops->data, x->rep->group_path, O_RDWR);
	if (x->group < 0)
		return step_fail(x, errno, "cannot open %s: %s%s",
				 x->rep->group_path, strerror(errno),
				 errno == EBUSY ? " (another process has it open)" : "");
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_GROUP_STATUS;
	r = xioctl(x, x->group, VFIO_GROUP_GET_STATUS, &st, "VFIO_GROUP_GET_STATUS");
	if (r < 0)
		return r;
	x->rep->viable = st.flags & VFIO_GROUP_FLAGS_VIABLE;
	if (!x->rep->viable)
		return step_fail(x, EPERM,
				 "group %d is not viable: a member is on a host driver (sriovctl iommu show %d)",
				 x->rep->iommu_group, x->rep->iommu_group);
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_SET_CONTAINER;
	r = xioctl(x, x->group, VFIO_GROUP_SET_CONTAINER, &x->container,
		   "VFIO_GROUP_SET_CONTAINER");
	if (r < 0)
		return r;
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_SET_IOMMU;
	r = xioctl(x, x->container, VFIO_SET_IOMMU,
		   (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU, "VFIO_SET_IOMMU");
	if (r < 0)
		return r;
	step_ok(x);
	return 0;
}

static int add_range(struct sriov_vfio_check_report *rep, uint64_t start,
		     uint64_t end)
{
	struct sriov_vfio_iova_range *n =
		realloc(rep->iova_ranges, (rep->n_iova_ranges + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rep->iova_ranges = n;
	n[rep->n_iova_ranges++] = (struct sriov_vfio_iova_range){ start, end };
	return 0;
}

/* The capability chain of VFIO_IOMMU_GET_INFO: IOVA ranges, DMA limit. */
static int parse_iommu_caps(struct run *x, const uint8_t *info, size_t len,
			    uint32_t offset)
{
	for (int guard = 0; offset && guard < 64; guard++) {
		const struct vfio_info_cap_header *h;

		if (offset + sizeof(*h) > len)
			return step_fail(x, EPROTO, "capability past the reply");
		h = (const void *)(info + offset);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
		    offset + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= len) {
			const struct vfio_iommu_type1_info_cap_iova_range *c = (const void *)h;
			size_t room = (len - offset - sizeof(*c)) / sizeof(c->iova_ranges[0]);

			for (uint32_t i = 0; i < c->nr_iovas && i < room; i++)
				if (add_range(x->rep, c->iova_ranges[i].start,
					      c->iova_ranges[i].end) < 0)
					return -ENOMEM;
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   offset + sizeof(struct vfio_iommu_type1_info_dma_avail) <= len) {
			x->rep->dma_avail =
				((const struct vfio_iommu_type1_info_dma_avail *)h)->avail;
		}
		offset = h->next;
	}
	return 0;
}

static int iommu_info(struct run *x)
{
	struct vfio_iommu_type1_info head = { .argsz = sizeof(head) };
	_cleanup_free_ uint8_t *full = NULL;
	int r;

	x->step = SRIOV_VFIO_STEP_IOMMU_INFO;
	r = xioctl(x, x->container, VFIO_IOMMU_GET_INFO, &head, "VFIO_IOMMU_GET_INFO");
	if (r < 0)
		return r;
	x->rep->iova_pgsizes = head.flags & VFIO_IOMMU_INFO_PGSIZES ? head.iova_pgsizes : 0;
	/* a second call with room for the capability chain */
	if ((head.flags & VFIO_IOMMU_INFO_CAPS) && head.argsz > sizeof(head) &&
	    head.argsz <= 65536) {
		struct vfio_iommu_type1_info *info;
		uint32_t len = head.argsz;

		full = calloc(1, len);
		if (!full)
			return -ENOMEM;
		info = (void *)full;
		info->argsz = len;
		r = xioctl(x, x->container, VFIO_IOMMU_GET_INFO, info,
			   "VFIO_IOMMU_GET_INFO");
		if (r < 0)
			return r;
		if ((info->flags & VFIO_IOMMU_INFO_CAPS) && info->cap_offset)
			r = parse_iommu_caps(x, full, len, info->cap_offset);
		if (r < 0)
			return r;
	}
	step_ok(x);
	return 0;
}

/* The lowest IOVA of the usable ranges where the buffer fits, aligned. */
static uint64_t pick_iova(const struct sriov_vfio_check_report *rep,
			  uint64_t size)
{
	for (size_t i = 0; i < rep->n_iova_ranges; i++) {
		uint64_t start = (rep->iova_ranges[i].start + size - 1) & ~(size - 1);

		if (start >= rep->iova_ranges[i].start &&
		    start + size - 1 <= rep->iova_ranges[i].end)
			return start;
	}
	return size; /* nothing reported: the kernel decides */
}

static int map_dma(struct run *x, uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	int r;

	x->step = SRIOV_VFIO_STEP_MAP_DMA;
	x->buf = x->ops->mmap(x->ops->data, (size_t)size);
	if (!x->buf)
		return step_fail(x, errno ? errno : ENOMEM,
				 "cannot allocate a %llu-byte test buffer",
				 (unsigned long long)size);
	/* the kernel pins the pages: give it real ones */
	memset(x->buf, 0x5a, (size_t)size);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)x->buf;
	map.iova = pick_iova(x->rep, size);
	map.size = size;
	r = xioctl(x, x->container, VFIO_IOMMU_MAP_DMA, &map, "VFIO_IOMMU_MAP_DMA");
	if (r < 0)
		return errno == ENOMEM ? step_fail(x, ENOMEM,
			"VFIO_IOMMU_MAP_DMA: out of lockable memory (RLIMIT_MEMLOCK)") : r;
	x->mapped = true;
	x->rep->dma_iova = map.iova;
	x->rep->dma_size = size;
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_UNMAP_DMA;
	unmap.iova = map.iova;
	unmap.size = size;
	r = xioctl(x, x->container, VFIO_IOMMU_UNMAP_DMA, &unmap,
		   "VFIO_IOMMU_UNMAP_DMA");
	if (r < 0)
		return r;
	x->mapped = false;
	if (unmap.size != size)
		return step_fail(x, EIO, "unmapped %llu bytes of %llu",
				 (unsigned long long)unmap.size,
				 (unsigned long long)size);
	step_ok(x);
	return 0;
}

static int device_fd(struct run *x)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int r;

	x->step = SRIOV_VFIO_STEP_DEVICE_FD;
	x->device = xioctl(x, x->group, VFIO_GROUP_GET_DEVICE_FD, x->name,
			   "VFIO_GROUP_GET_DEVICE_FD");
	if (x->device < 0)
		return x->device;
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_DEVICE_INFO;
	r = xioctl(x, x->device, VFIO_DEVICE_GET_INFO, &info, "VFIO_DEVICE_GET_INFO");
	if (r < 0)
		return r;
	x->rep->device_flags = info.flags;
	x->rep->reset_supported = info.flags & VFIO_DEVICE_FLAGS_RESET;
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return step_fail(x, EPROTO, "not a vfio-pci device (flags %#x)",
				 info.flags);
	if (info.num_regions > 64 || info.num_irqs > 64)
		return step_fail(x, EPROTO, "%u regions and %u irqs: implausible",
				 info.num_regions, info.num_irqs);
	x->rep->regions = calloc(info.num_regions + 1, sizeof(*x->rep->regions));
	x->rep->irqs = calloc(info.num_irqs + 1, sizeof(*x->rep->irqs));
	if (!x->rep->regions || !x->rep->irqs)
		return -ENOMEM;
	x->rep->n_regions = info.num_regions;
	x->rep->n_irqs = info.num_irqs;
	step_ok(x);
	return 0;
}

/*
 * vfio-pci answers EINVAL for the indexes a device lacks: the VGA region
 * of a non-VGA device, the error interrupt of a conventional PCI one.
 * QEMU takes that as "absent", and so does this.
 */
static int info_ioctl(struct run *x, unsigned long req, void *arg,
		      uint32_t index, uint32_t optional, const char *what)
{
	int r = x->ops->ioctl(x->ops->data, x->device, req, arg);

	if (r < 0 && errno == EINVAL && index == optional)
		return 1;
	if (r < 0)
		return step_fail(x, errno ? errno : EIO, "%s %u: %s", what, index,
				 strerror(errno ? errno : EIO));
	return 0;
}

static int regions_irqs(struct run *x)
{
	x->step = SRIOV_VFIO_STEP_REGIONS;
	for (uint32_t i = 0; i < x->rep->n_regions; i++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = i };
		int r = info_ioctl(x, VFIO_DEVICE_GET_REGION_INFO, &ri, i,
				   VFIO_PCI_VGA_REGION_INDEX, "VFIO_DEVICE_GET_REGION_INFO");

		if (r < 0)
			return r;
		x->rep->regions[i] = (struct sriov_vfio_region){
			i, r ? 0 : ri.flags, r ? 0 : ri.size };
	}
	step_ok(x);
	x->step = SRIOV_VFIO_STEP_IRQS;
	for (uint32_t i = 0; i < x->rep->n_irqs; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };
		int r = info_ioctl(x, VFIO_DEVICE_GET_IRQ_INFO, &ii, i,
				   VFIO_PCI_ERR_IRQ_INDEX, "VFIO_DEVICE_GET_IRQ_INFO");

		if (r < 0)
			return r;
		x->rep->irqs[i] = (struct sriov_vfio_irq){
			i, r ? 0 : ii.flags, r ? 0 : ii.count };
	}
	step_ok(x);
	return 0;
}

static int reset(struct run *x, bool skip)
{
	int r;

	x->step = SRIOV_VFIO_STEP_RESET;
	if (skip || !x->rep->reset_supported)
		return 0;
	r = xioctl(x, x->device, VFIO_DEVICE_RESET, NULL, "VFIO_DEVICE_RESET");
	if (r < 0)
		return r;
	x->rep->reset_done = true;
	step_ok(x);
	return 0;
}

/* Closes in the reverse order; a mapping left by a failure is removed. */
static void run_close(struct run *x, uint64_t size)
{
	if (x->mapped) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = x->rep->dma_iova, .size = size
		};

		x->ops->ioctl(x->ops->data, x->container, VFIO_IOMMU_UNMAP_DMA, &unmap);
	}
	if (x->device >= 0)
		x->ops->close(x->ops->data, x->device);
	if (x->group >= 0)
		x->ops->close(x->ops->data, x->group);
	if (x->container >= 0)
		x->ops->close(x->ops->data, x->container);
	if (x->buf)
		x->ops->munmap(x->ops->data, x->buf, (size_t)size);
}

/* The iommufd side: /dev/iommu and the device's VFIO cdev, if any. */
static void probe_iommufd(struct sriov_ctx *ctx, const struct vdev *d,
			  struct sriov_vfio_check_report *rep)
{
	char path[600], **names = NULL;
	struct stat st;
	const char *comps[] = { "bus", "pci", "devices", d->pci, "vfio-dev", NULL };
	char rel[SYSFS_PATH_MAX];

	snprintf(path, sizeof(path), "%s/iommu", ctx->dev_root);
	rep->iommufd = stat(path, &st) == 0;
	if (sriov_sysfs_join(ctx, rel, sizeof(rel), comps) == 0 &&
	    sriov_sysfs_list(ctx, rel, &names, NULL) == 0 && names[0] &&
	    asprintf((char **)&rep->device_cdev, "%s/vfio/devices/%s",
		     ctx->dev_root, names[0]) < 0)
		rep->device_cdev = NULL;
	sriov_sysfs_names_free(names);
}

static int report_new(struct sriov_ctx *ctx, const struct vdev *d,
		      struct sriov_vfio_check_report **ret)
{
	struct sriov_vfio_check_report *rep = calloc(1, sizeof(*rep));
	char path[600] = "";

	if (!rep)
		return -ENOMEM;
	memcpy(rep->pci, d->pci, sizeof(rep->pci));
	rep->iommu_group = d->group;
	rep->failed_step = -1;
	rep->dma_avail = -1;
	/* no-IOMMU mode names the group node differently */
	sriov_vfio_group_node(ctx, d->group, path, sizeof(path));
	rep->group_path = strdup(path);
	if (!rep->group_path) {
		free(rep);
		return -ENOMEM;
	}
	*ret = rep;
	return 0;
}

static void device_name(struct sriov_ctx *ctx, const struct vdev *d,
			const char *token, char *buf, size_t size)
{
	if (sriov_vdev_needs_vf_token(ctx, d))
		snprintf(buf, size, "%s vf_token=%s", d->pci,
			 token ? token : SRIOV_VF_TOKEN_NULL);
	else
		snprintf(buf, size, "%s", d->pci);
}

/* A device QEMU could open: in an IOMMU group and on a VFIO driver. */
static int openable(struct sriov_ctx *ctx, const struct vdev *d)
{
	if (d->group == SRIOV_NO_VALUE)
		return sriov_err(ctx, ECANCELED,
				 "%s is in no IOMMU group (is the IOMMU on?)", d->pci);
	if (!sriov_driver_is_vfio(ctx, d->driver))
		return sriov_err(ctx, ECANCELED,
				 "%s is on %s, not vfio-pci: bind it first (sriovctl vfio bind %s)",
				 d->pci, d->driver[0] ? d->driver : "no driver", d->pci);
	return 0;
}

int sriov_vfio_with_device(struct sriov_ctx *ctx, const struct vdev *d,
			   const char *name, const struct vfio_ops *ops,
			   vfio_device_fn fn, void *data)
{
	struct run x = { .ctx = ctx, .ops = ops, .container = -1, .group = -1,
			 .device = -1 };
	int r = openable(ctx, d);

	if (r < 0)
		return r;
	r = report_new(ctx, d, &x.rep);
	if (r < 0)
		return r;
	snprintf(x.name, sizeof(x.name), "%s", name);
	r = open_container(&x);
	if (r == 0)
		r = open_group(&x);
	if (r == 0)
		r = device_fd(&x);
	if (r == 0)
		r = fn(ctx, ops, x.device, data);
	run_close(&x, 0);
	sriov_vfio_check_report_free(x.rep);
	return r;
}

int sriov_vfio_check_with(struct sriov_ctx *ctx, const struct sriov_pci_addr *dev,
		    const struct sriov_vfio_check_opts *opts,
		    const struct vfio_ops *ops,
		    struct sriov_vfio_check_report **ret_report)
{
	struct sriov_vfio_check_opts o = { .sz = sizeof(o) };
	struct run x = { .ctx = ctx, .ops = ops, .container = -1, .group = -1,
			 .device = -1 };
	uint64_t size;
	struct vdev d;
	int r;

	if (!ctx || !dev || !ret_report)
		return -EINVAL;
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (o.vf_token && !sriov_vf_token_valid(o.vf_token))
		return sriov_err(ctx, EINVAL, "invalid VF token \"%s\": expected a UUID",
				 o.vf_token);
	size = o.dma_size ? o.dma_size : DEFAULT_DMA_SIZE;
	if (size & (size - 1) || size < 4096)
		return sriov_err(ctx, EINVAL, "test mapping size %llu is not a power of two of at least 4096",
				 (unsigned long long)size);
	r = sriov_vdev_load(ctx, dev, &d);
	if (r == 0)
		r = openable(ctx, &d);
	if (r < 0)
		return r;
	r = report_new(ctx, &d, &x.rep);
	if (r < 0)
		return r;
	device_name(ctx, &d, o.vf_token, x.name, sizeof(x.name));
	probe_iommufd(ctx, &d, x.rep);
	r = open_container(&x);
	if (r == 0)
		r = open_group(&x);
	if (r == 0)
		r = iommu_info(&x);
	if (r == 0)
		r = map_dma(&x, size);
	if (r == 0)
		r = device_fd(&x);
	if (r == 0)
		r = regions_irqs(&x);
	if (r == 0)
		r = reset(&x, o.no_reset);
	run_close(&x, size);
	x.rep->ok = r == 0;
	*ret_report = x.rep;
	return r;
}

SRIOV_EXPORT int sriov_vfio_check(struct sriov_ctx *ctx,
				  const struct sriov_pci_addr *dev,
				  const struct sriov_vfio_check_opts *opts,
				  struct sriov_vfio_check_report **ret_report)
{
	return sriov_vfio_check_with(ctx, dev, opts, &sriov_vfio_sys_ops, ret_report);
}
