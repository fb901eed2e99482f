/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-PF lock files in the state directory (flock). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "internal.h"

/* Creates the state directory (mode 0700) and its parents when missing. */
int sriov_state_dir_ensure(struct sriov_ctx *ctx)
{
	char path[4096];
	size_t len = strlen(ctx->state_dir);

	if (len == 0 || len >= sizeof(path))
		return sriov_err(ctx, EINVAL, "invalid state directory \"%s\"",
				 ctx->state_dir);
	memcpy(path, ctx->state_dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return sriov_err(ctx, errno, "cannot create %s: %s", path,
					 strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return sriov_err(ctx, errno, "cannot create %s: %s", path,
				 strerror(errno));
	return sriov_state_dir_trusted(ctx, path);
}

int sriov_lock_pf(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		  int *ret_fd)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];

	sriov_pci_addr_format(addr, pci);
	return sriov_lock_name(ctx, pci, ret_fd);
}

int sriov_lock_name(struct sriov_ctx *ctx, const char *pci, int *ret_fd)
{
	char path[4096];
	int fd, r;

	if (!sriov_name_valid(pci))
		return sriov_err(ctx, EINVAL, "invalid lock name \"%s\"", pci);
	r = sriov_state_dir_ensure(ctx);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s.lock", ctx->state_dir, pci);
	r = sriov_state_open(ctx, path, O_RDWR | O_CREAT, &fd);
	if (r < 0)
		return r;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		sriov_log(ctx, SRIOV_LOG_INFO,
			  "%s is busy with another sriovctl; waiting", pci);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno == EINTR)
				continue;
			r = sriov_err(ctx, errno, "cannot lock %s: %s", path,
				      strerror(errno));
			close(fd);
			return r;
		}
	}
	*ret_fd = fd;
	return 0;
}

void sriov_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
