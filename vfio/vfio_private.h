/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations of the passthrough half of the library. */
#ifndef SRIOV_VFIO_PRIVATE_H
#define SRIOV_VFIO_PRIVATE_H

#include <stdio.h>
#include <sys/types.h>

#include "internal.h"
#include "iommu.h"
#include "journal.h"
#include "sriov/vfio.h"

#define VFIO_PCI "vfio-pci"
#define VFIO_DEFAULT_TIMEOUT_MS 30000

/* Sets the context's error text without logging it again. */
static inline void set_error_text(struct sriov_ctx *ctx, const char *text)
{
	snprintf(ctx->errbuf, sizeof(ctx->errbuf), "%s", text);
}

/*
 * A snapshot of one PCI device (any, not only VFs) as the binding code
 * sees it, read through the core's device readers. The context's cached
 * VF handles are the core's: after a move, sriov_vf_reload_addr().
 */
struct vdev {
	struct sriov_pci_addr addr;
	char pci[SRIOV_PCI_ADDR_STRLEN];
	char lock[SRIOV_PCI_ADDR_STRLEN]; /* its PF for a VF, else itself */
	char pf[SRIOV_PCI_ADDR_STRLEN];   /* "" when no VF */
	int vf;                           /* -1 when no VF */
	char driver[JOURNAL_NAME_MAX];    /* "" when unbound */
	char override[JOURNAL_NAME_MAX];  /* "" when unset */
	char netdev[64];                  /* first netdev, "" */
	uint32_t class_code;
	int group;                        /* SRIOV_NO_VALUE: none */
	bool is_pf;
	int num_vfs;                      /* of a PF */
};

/* The VF settings a release gives back (sriov_vfio_release(), claims). */
#define SRIOV_RESTORED_FIELDS                                               \
	(SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_MIN_TX_RATE |  \
	 SRIOV_VF_HAS_MAX_TX_RATE | SRIOV_VF_HAS_SPOOFCHK |                 \
	 SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_LINK_STATE)

/* refuse.c: the interface is up (IFF_UP): the host uses it. */
bool sriov_netdev_up(struct sriov_ctx *ctx, const char *ifname);

/* device.c */
int sriov_vdev_load(struct sriov_ctx *ctx, const struct sriov_pci_addr *a,
	      struct vdev *ret);
/* Reads the driver link and driver_override again (into the snapshot only). */
int sriov_vdev_reload(struct sriov_ctx *ctx, struct vdev *d);
bool sriov_vdev_exists(struct sriov_ctx *ctx, const struct sriov_pci_addr *a);
/* Pointer to the VF handle of the context, or NULL. */
struct sriov_vf *sriov_vdev_vf_handle(struct sriov_ctx *ctx, const struct vdev *d);

/* driver.c: the kernel's driver binding files, and moves built on them. */
struct xfer {
	struct sriov_ctx *ctx;
	int timeout_ms;
	int lock_fd;       /* kept by the child of a bounded write */
	bool in_flight;    /* set when a write timed out: it may still land */
};

int sriov_drv_set_override(struct xfer *x, struct vdev *d, const char *driver);
int sriov_drv_unbind(struct xfer *x, struct vdev *d, const char *driver);
int sriov_drv_probe(struct xfer *x, struct vdev *d);
int sriov_drv_bind(struct xfer *x, struct vdev *d, const char *driver);
/* A function-level reset through the device's reset attribute. */
int sriov_drv_reset(struct xfer *x, struct vdev *d);
/* override driver (vfio-pci or a variant), unbind, drivers_probe, explicit bind, verify. */
int sriov_drv_to_vfio(struct xfer *x, struct vdev *d, const char *driver);
/*
 * Back to the journaled driver and override (or, with default_match,
 * to whatever the kernel matches), from any state a move left behind.
 */
int sriov_drv_restore(struct xfer *x, struct vdev *d, const struct journal_entry *e);

/*
 * variant.c: the vfio-pci variant driver modules.alias names for d (the
 * match with the fewest wildcards), or "" for plain vfio-pci; "" also
 * without a modules directory or modules.alias.
 */
struct vfio_aliases;
/* *cache: modules.alias as read by the first call (NULL before), for the next. */
int sriov_vfio_variant_find(struct sriov_ctx *ctx, struct vfio_aliases **cache,
			    const struct vdev *d, char *ret, size_t size);
void sriov_vfio_aliases_free(struct vfio_aliases *a);

/* kmod.c */
/*
 * 0 when bus/pci/drivers/DRIVER exists, after loading the module of that
 * name with libkmod if needed (only into the running kernel: ctx->live).
 * -ENOENT with the reason otherwise.
 */
int sriov_driver_ensure(struct sriov_ctx *ctx, const char *driver);
bool sriov_driver_loaded(struct sriov_ctx *ctx, const char *driver);
/*
 * The same for a driver to bind dev to, when that name comes from the
 * journal: a module is loaded only when it is vfio-pci or one that the
 * device's modalias matches (-EPERM otherwise).
 */
int sriov_driver_ensure_for(struct sriov_ctx *ctx, const char *driver,
			    const struct sriov_pci_addr *dev);
/* 1 when the module exists (or is built in), 0 when not, -1 unknown. */
int sriov_module_available(struct sriov_ctx *ctx, const char *name);

/* host.c */
/* A UUID as the kernel's VF token takes it (8-4-4-4-12 hex digits). */
bool sriov_vf_token_valid(const char *s);
/*
 * True when d is a VF whose PF is on vfio-pci: the kernel opens it only
 * with the PF's VF token (vfio_pci_validate_vf_token()).
 */
bool sriov_vdev_needs_vf_token(struct sriov_ctx *ctx, const struct vdev *d);

/*
 * owner.c: DEV/vfio/GROUP to uid:gid, mode 0660, waiting a moment for
 * the node of a group just bound; and who owns it now (-errno, quiet).
 */
int sriov_vfio_group_chown(struct sriov_ctx *ctx, int group, uid_t uid,
			   gid_t gid);
int sriov_vfio_group_owner(struct sriov_ctx *ctx, int group, uid_t *ret_uid,
			   gid_t *ret_gid);

/* recover.c */
/* Replays one entry under its lock; used by sriov_recover(). */
int sriov_recover_entry(struct sriov_ctx *ctx, const char *pci, bool dry_run,
		  struct sriov_recover_result *res);

/* check.c: every VFIO system call of sriov_vfio_check() goes through here. */
struct vfio_ops {
	int (*open)(void *data, const char *path, int flags);
	int (*ioctl)(void *data, int fd, unsigned long request, void *arg);
	void *(*mmap)(void *data, size_t len);   /* anonymous, read-write */
	int (*munmap)(void *data, void *addr, size_t len);
	int (*close)(void *data, int fd);
	void *data;
};
extern const struct vfio_ops sriov_vfio_sys_ops;
int sriov_vfio_check_with(struct sriov_ctx *ctx, const struct sriov_pci_addr *dev,
		    const struct sriov_vfio_check_opts *opts,
		    const struct vfio_ops *ops,
		    struct sriov_vfio_check_report **ret_report);

/*
 * Opens d's VFIO device as QEMU does, asking for it by name ("ADDR" or
 * "ADDR vf_token=UUID"): container, group, Type1v2 IOMMU, device fd and
 * its info; calls fn with the device's descriptor, then closes all of it.
 * A failed step is reported as sriov_vfio_check() reports it.
 */
typedef int (*vfio_device_fn)(struct sriov_ctx *ctx, const struct vfio_ops *ops,
			      int device_fd, void *data);
int sriov_vfio_with_device(struct sriov_ctx *ctx, const struct vdev *d,
			   const char *name, const struct vfio_ops *ops,
			   vfio_device_fn fn, void *data);

/* token.c */
int sriov_vfio_set_vf_token_with(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *pf,
				 const char *vf_token, bool dry_run,
				 const struct vfio_ops *ops);

#endif
