/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one layer through which the library reads and writes sysfs. Every
 * path is relative to the context's sysfs root directory fd and is built
 * from components that are validated here (no "/", no "." or "..").
 * Errors are negative errno with the path in the context's error text.
 */
#ifndef SRIOV_SYSFS_H
#define SRIOV_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* Maximum path below the sysfs root that the layer builds. */
#define SYSFS_PATH_MAX 512

/*
 * Joins NULL-terminated components into buf, validating each one. Returns
 * 0 or -EINVAL (bad component) / -ENAMETOOLONG.
 */
int sriov_sysfs_join(struct sriov_ctx *ctx, char *buf, size_t size,
	       const char *const *components);

/* "bus/<bus>/devices/<dev>/<attr>" (attr may be NULL). */
int sriov_sysfs_bus_dev_path(struct sriov_ctx *ctx, const char *bus,
		       const char *dev, const char *attr, char *buf, size_t size);

/* Paths of a PCI device: "bus/pci/devices/<addr>/<attr>". */
int sriov_sysfs_dev_path(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *attr, char *buf, size_t size);

/*
 * Reads a small attribute, strips the trailing newline. Returns the
 * length or a negative errno. Missing attribute: -ENOENT, no error text
 * recorded when quiet_enoent is set (optional attributes).
 *
 * Reads, writes and listings resolve their path beneath the root: a path
 * whose links lead out of the tree is -EXDEV, an attribute that is not a
 * regular file (a FIFO that would block for ever) is -EINVAL. Only
 * sriov_sysfs_write_bounded() takes a FIFO, as a driver that does not
 * answer (tests simulate stuck drivers so).
 */
int sriov_sysfs_read(struct sriov_ctx *ctx, const char *path, char *buf,
	       size_t size, bool quiet_enoent);
int sriov_sysfs_dev_read(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *attr, char *buf, size_t size, bool quiet_enoent);
/*
 * Integer attributes ("%d", "%u" or "0x%x" forms; base 0 accepts all) in
 * min..max; a value outside is -ERANGE, as garbage is -EINVAL, with the
 * reason recorded. _read_int() takes 0..INT_MAX.
 */
int sriov_sysfs_dev_read_range(struct sriov_ctx *ctx,
			       const struct sriov_pci_addr *addr,
			       const char *attr, int base, int min, int max,
			       int *ret);
int sriov_sysfs_dev_read_int(struct sriov_ctx *ctx,
		       const struct sriov_pci_addr *addr, const char *attr,
		       int base, int *ret);

/* The last component of a symlink's target ("driver" -> "igb"). */
int sriov_sysfs_readlink_name(struct sriov_ctx *ctx, const char *path, char *buf,
			size_t size);
int sriov_sysfs_dev_link_name(struct sriov_ctx *ctx,
			const struct sriov_pci_addr *addr, const char *link,
			char *buf, size_t size);

bool sriov_sysfs_exists(struct sriov_ctx *ctx, const char *path);

/* 0 when path is a regular file below the root (for what libpci reads). */
int sriov_sysfs_check_attr(struct sriov_ctx *ctx, const char *path);

/* Writes value to an attribute; returns 0 or the write's -errno. */
int sriov_sysfs_write(struct sriov_ctx *ctx, const char *path, const char *value);

/*
 * Writes in a child process and gives up waiting after timeout_ms
 * (-ETIMEDOUT; the child stays blocked in the kernel). lock_fd, a lock the
 * caller holds, is closed in the child so that it is released with the
 * caller's. With a write hook set the write is done directly.
 */
int sriov_sysfs_write_bounded(struct sriov_ctx *ctx, const char *path,
			const char *value, int timeout_ms, int lock_fd);

/*
 * Lists a directory's entries (not "." and ".."), sorted, as a
 * NULL-terminated malloc'ed array of malloc'ed strings.
 */
int sriov_sysfs_list(struct sriov_ctx *ctx, const char *path, char ***ret_names,
	       size_t *ret_count);
/* The same for the directory name of a PCI device ("net"). */
int sriov_sysfs_dev_list(struct sriov_ctx *ctx,
			 const struct sriov_pci_addr *addr, const char *name,
			 char ***ret_names, size_t *ret_count);
void sriov_sysfs_names_free(char **names);

/*
 * Holds a PCI device's directory open until the release: meanwhile the
 * sriov_sysfs_dev_* functions read that device's attributes, links and
 * listings through it, one lookup each instead of a walk from the root.
 * Holds nest; the release restores the hold before it.
 */
struct sriov_sysfs_hold {
	int fd;
	struct sriov_pci_addr addr;
};
void sriov_sysfs_dev_hold(struct sriov_ctx *ctx,
			  const struct sriov_pci_addr *addr,
			  struct sriov_sysfs_hold *ret_prev);
void sriov_sysfs_dev_release(struct sriov_ctx *ctx,
			     const struct sriov_sysfs_hold *prev);

/*
 * The directory that holds a PCI device, opened beneath the root (O_PATH):
 * the kernel puts a PF's VFs beside it. Returns the fd or a negative
 * errno (-EXDEV for a device link that leads to the root itself).
 */
int sriov_sysfs_dev_parent_open(struct sriov_ctx *ctx,
				const struct sriov_pci_addr *addr);
/*
 * sriov_sysfs_dev_hold() that looks for the device in dir_fd (from
 * sriov_sysfs_dev_parent_open(), -1: none) first: one lookup instead of a
 * walk from the root.
 */
void sriov_sysfs_dev_hold_in(struct sriov_ctx *ctx, int dir_fd,
			     const struct sriov_pci_addr *addr,
			     struct sriov_sysfs_hold *ret_prev);
/*
 * sriov_sysfs_read() of "bus/<bus>/devices/<dev>/net/<ifname>/<attr>",
 * looked up as "<dev>/net/<ifname>/<attr>" in dir_fd (as above; -1: none)
 * through no link at all, and from the root otherwise.
 */
int sriov_sysfs_dev_net_read(struct sriov_ctx *ctx, int dir_fd,
			     const char *bus, const char *dev,
			     const char *ifname, const char *attr, char *buf,
			     size_t size, bool quiet_enoent);

#endif
