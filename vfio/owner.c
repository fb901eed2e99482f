/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The owner of an IOMMU group's VFIO node, for a QEMU that does not run
 * as root: handed over by vfio bind --owner and by an apply's owner step.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vfio_private.h"

int sriov_vfio_group_chown(struct sriov_ctx *ctx, int group, uid_t uid,
			   gid_t gid)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char path[600], who[160];
	struct stat st;
	int tries = 100;
	int r = sriov_vfio_group_path(ctx, group, false, path, sizeof(path));

	if (r < 0)
		return sriov_err(ctx, -r, "VFIO group %d: %s", group, strerror(-r));
	/* the node appears shortly after the bind */
	while (stat(path, &st) < 0 && errno == ENOENT && tries-- > 0)
		nanosleep(&pause, NULL);
	if (chown(path, uid, gid) == 0 && chmod(path, 0660) == 0)
		return 0;
	r = errno;
	sriov_owner_format(uid, gid, who, sizeof(who));
	return sriov_err(ctx, r, "cannot hand %s to %s: %s", path, who,
			 strerror(r));
}

int sriov_vfio_group_owner(struct sriov_ctx *ctx, int group, uid_t *ret_uid,
			   gid_t *ret_gid)
{
	char path[600];
	struct stat st;
	int r = sriov_vfio_group_path(ctx, group, false, path, sizeof(path));

	if (r == 0 && stat(path, &st) < 0)
		r = -errno;
	if (r < 0)
		return r;
	*ret_uid = st.st_uid;
	*ret_gid = st.st_gid;
	return 0;
}
