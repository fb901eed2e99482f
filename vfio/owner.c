/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The owner of an IOMMU group's VFIO node, for a QEMU that does not run
 * as root: handed over by vfio bind --owner and by an apply's owner step.
 * The node is opened once (O_PATH|O_NOFOLLOW) and changed through that
 * descriptor, so that a link planted at its name changes nothing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vfio_private.h"

/*
 * The node itself, never what a link points to: a character device, or
 * on a sysfs root that is not the running kernel's (test trees), a
 * regular file standing for one. The node appears shortly after the bind.
 */
static int open_node(struct sriov_ctx *ctx, const char *path, int *ret_fd)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct stat st;
	int tries = 100, fd;

	while ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 &&
	       errno == ENOENT && tries-- > 0)
		nanosleep(&pause, NULL);
	if (fd < 0)
		return sriov_err(ctx, errno, "cannot open %s: %s", path,
				 strerror(errno));
	if (fstat(fd, &st) < 0 ||
	    !(S_ISCHR(st.st_mode) || (!ctx->live && S_ISREG(st.st_mode)))) {
		close(fd);
		return sriov_err(ctx, EPERM,
				 "refusing to hand over %s: it is %s, not a VFIO device node",
				 path, S_ISLNK(st.st_mode) ? "a symbolic link"
							   : "not a character device");
	}
	*ret_fd = fd;
	return 0;
}

/* fchown and fchmod of an O_PATH descriptor, through its /proc link */
static int hand_over(int fd, uid_t uid, gid_t gid)
{
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0 ||
	    chmod(self, 0660) < 0)
		return -errno;
	return 0;
}

int sriov_vfio_group_chown(struct sriov_ctx *ctx, int group, uid_t uid,
			   gid_t gid)
{
	char path[600], who[160];
	int fd = -1, r = sriov_vfio_group_path(ctx, group, false, path, sizeof(path));

	if (r < 0)
		return sriov_err(ctx, -r, "VFIO group %d: %s", group, strerror(-r));
	r = open_node(ctx, path, &fd);
	if (r < 0)
		return r;
	r = hand_over(fd, uid, gid);
	close(fd);
	if (r == 0)
		return 0;
	sriov_owner_format(uid, gid, who, sizeof(who));
	return sriov_err(ctx, -r, "cannot hand %s to %s: %s", path, who,
			 strerror(-r));
}

int sriov_vfio_group_owner(struct sriov_ctx *ctx, int group, uid_t *ret_uid,
			   gid_t *ret_gid)
{
	char path[600];
	struct stat st;
	int r = sriov_vfio_group_path(ctx, group, false, path, sizeof(path));

	if (r == 0 && lstat(path, &st) < 0)
		r = -errno;
	if (r < 0)
		return r;
	*ret_uid = st.st_uid;
	*ret_gid = st.st_gid;
	return 0;
}
