/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-PF lock files in the state directory (flock). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int sriov_lock_pf(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		  int *ret_fd)
{
	return sriov_lock_pf_within(ctx, addr, 0, ret_fd);
}

int sriov_lock_pf_within(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
			 int timeout_ms, int *ret_fd)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];

	sriov_pci_addr_format(addr, pci);
	return sriov_lock_name_within(ctx, pci, timeout_ms, ret_fd);
}

int sriov_lock_name(struct sriov_ctx *ctx, const char *name, int *ret_fd)
{
	return sriov_lock_name_within(ctx, name, 0, ret_fd);
}

/* "pid 123 (sriovctl)" from the pid the holder wrote into the lock file. */
static void lock_holder(int fd, char *buf, size_t size)
{
	char text[32] = "", path[64], comm[32] = "";
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid = n > 0 ? strtol(text, NULL, 10) : 0;
	FILE *f;

	if (pid <= 0) {
		snprintf(buf, size, "another process");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (f && fgets(comm, sizeof(comm), f))
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
	snprintf(buf, size, comm[0] ? "pid %ld (%s)" : "pid %ld", pid, comm);
}

/* flock() with a deadline: retries LOCK_NB with growing sleeps. */
static int lock_wait(struct sriov_ctx *ctx, int fd, const char *name,
		     int timeout_ms)
{
	char who[64];
	int waited = 0, step = 1;

	lock_holder(fd, who, sizeof(who));
	sriov_log(ctx, SRIOV_LOG_INFO,
		  "%s is busy: %s holds its lock; waiting up to %d ms", name,
		  who, timeout_ms);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return sriov_err(ctx, errno, "cannot lock %s: %s", name,
					 strerror(errno));
		if (waited >= timeout_ms)
			break;
		step = step * 2 > 100 ? 100 : step * 2;
		usleep((useconds_t)step * 1000);
		waited += step;
	}
	lock_holder(fd, who, sizeof(who));
	return sriov_err(ctx, ETIMEDOUT,
			 "%s is locked by %s, still busy after %d ms (a change in progress, or a sysfs write the kernel has not finished); try again later",
			 name, who, timeout_ms);
}

int sriov_lock_name_within(struct sriov_ctx *ctx, const char *name,
			   int timeout_ms, int *ret_fd)
{
	char path[4096], pid[24];
	int fd, r, n;

	if (!sriov_name_valid(name))
		return sriov_err(ctx, EINVAL, "invalid lock name \"%s\"", name);
	r = sriov_state_dir_ensure(ctx);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s.lock", ctx->state_dir, name);
	r = sriov_state_open(ctx, path, O_RDWR | O_CREAT, &fd);
	if (r < 0)
		return r;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = lock_wait(ctx, fd, name,
			      timeout_ms > 0 ? timeout_ms : SRIOV_LOCK_TIMEOUT_MS);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	/* who holds it, for the message of the next one to wait */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) < 0)
		sriov_dbg(ctx, "cannot record the holder of %s", path);
	*ret_fd = fd;
	return 0;
}

void sriov_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
