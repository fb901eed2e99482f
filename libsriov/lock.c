/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-PF lock files in the state directory (flock). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "internal.h"

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
