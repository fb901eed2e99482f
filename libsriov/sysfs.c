/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysfs.h"

int sriov_sysfs_join(struct sriov_ctx *ctx, char *buf, size_t size,
	       const char *const *components)
{
	size_t len = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (size_t i = 0; components[i]; i++) {
		const char *c = components[i];
		size_t clen = strlen(c);

		if (!sriov_name_valid(c))
			return sriov_err(ctx, EINVAL,
					 "invalid sysfs path component \"%s\"",
					 c);
		if (len + clen + 2 > size)
			return sriov_err(ctx, ENAMETOOLONG,
					 "sysfs path too long at \"%s\"", c);
		if (len)
			buf[len++] = '/';
		memcpy(buf + len, c, clen + 1);
		len += clen;
	}
	return 0;
}

int sriov_sysfs_bus_dev_path(struct sriov_ctx *ctx, const char *bus,
		       const char *dev, const char *attr, char *buf, size_t size)
{
	const char *comps[] = { "bus", bus, "devices", dev, attr, NULL };

	return sriov_sysfs_join(ctx, buf, size, comps);
}

int sriov_sysfs_dev_path(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *attr, char *buf, size_t size)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];

	sriov_pci_addr_format(addr, pci);
	return sriov_sysfs_bus_dev_path(ctx, "pci", pci, attr, buf, size);
}

static int path_err(struct sriov_ctx *ctx, int err, const char *what,
		    const char *path)
{
	return sriov_err(ctx, err, "%s %s/%s: %s", what, ctx->sysfs_root, path,
			 strerror(err));
}

int sriov_sysfs_read(struct sriov_ctx *ctx, const char *path, char *buf,
	       size_t size, bool quiet_enoent)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(ctx->sysfs_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && quiet_enoent)
			return -ENOENT;
		return path_err(ctx, errno, "cannot open", path);
	}
	n = read(fd, buf, size - 1);
	if (n < 0)
		return path_err(ctx, errno, "cannot read", path);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return (int)n;
}

int sriov_sysfs_dev_read(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *attr, char *buf, size_t size, bool quiet_enoent)
{
	char path[SYSFS_PATH_MAX];
	int r = sriov_sysfs_dev_path(ctx, addr, attr, path, sizeof(path));

	return r < 0 ? r : sriov_sysfs_read(ctx, path, buf, size, quiet_enoent);
}

int sriov_sysfs_dev_read_int(struct sriov_ctx *ctx,
		       const struct sriov_pci_addr *addr, const char *attr,
		       int base, int *ret)
{
	char buf[64], path[SYSFS_PATH_MAX];
	const char *s = buf;
	unsigned long v;
	bool neg = false;
	int r;

	r = sriov_sysfs_dev_path(ctx, addr, attr, path, sizeof(path));
	if (r < 0)
		return r;
	r = sriov_sysfs_read(ctx, path, buf, sizeof(buf), true);
	if (r < 0)
		return r;
	if (*s == '-') {
		neg = true;
		s++;
	}
	r = sriov_parse_uint(s, base, 0x7fffffff, &v);
	if (r < 0)
		return sriov_err(ctx, EINVAL, "unexpected value \"%s\" in %s/%s",
				 buf, ctx->sysfs_root, path);
	*ret = neg ? -(int)v : (int)v;
	return 0;
}

int sriov_sysfs_readlink_name(struct sriov_ctx *ctx, const char *path, char *buf,
			size_t size)
{
	char target[SYSFS_PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlinkat(ctx->sysfs_fd, path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!sriov_name_valid(base) || strlen(base) >= size)
		return sriov_err(ctx, EINVAL, "unexpected link target %s in %s",
				 target, path);
	strcpy(buf, base);
	return 0;
}

int sriov_sysfs_dev_link_name(struct sriov_ctx *ctx,
			const struct sriov_pci_addr *addr, const char *link,
			char *buf, size_t size)
{
	char path[SYSFS_PATH_MAX];
	int r = sriov_sysfs_dev_path(ctx, addr, link, path, sizeof(path));

	return r < 0 ? r : sriov_sysfs_readlink_name(ctx, path, buf, size);
}

bool sriov_sysfs_exists(struct sriov_ctx *ctx, const char *path)
{
	return faccessat(ctx->sysfs_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int sriov_sysfs_write(struct sriov_ctx *ctx, const char *path, const char *value)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	ctx->n_sysfs_writes++;
	sriov_dbg(ctx, "write \"%s\" to %s/%s", value, ctx->sysfs_root, path);
	if (ctx->write_hook)
		return ctx->write_hook(ctx, path, value, ctx->write_hook_data);
	fd = openat(ctx->sysfs_fd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return path_err(ctx, errno, "cannot open", path);
	n = write(fd, value, len);
	if (n < 0)
		return path_err(ctx, errno, "cannot write to", path);
	if ((size_t)n != len)
		return path_err(ctx, EIO, "short write to", path);
	return 0;
}

/*
 * Closes every descriptor from 3 up except keep_a and keep_b (-1: none),
 * with close_range() where the kernel has it and one by one otherwise.
 */
static void close_other_fds(int keep_a, int keep_b)
{
	int keep[2] = { keep_a < keep_b ? keep_a : keep_b,
			keep_a < keep_b ? keep_b : keep_a };
	long max = sysconf(_SC_OPEN_MAX);
	int from = 3;

	for (size_t i = 0; i <= 2; i++) {
		int to = i < 2 ? keep[i] - 1 : -1;

		if (i < 2 && keep[i] < from)
			continue;
		if (close_range((unsigned)from, to < 0 ? ~0U : (unsigned)to, 0) < 0)
			for (long fd = from; fd <= (to < 0 ? max : to); fd++)
				close((int)fd);
		if (i < 2)
			from = keep[i] + 1;
	}
}

/*
 * The writer keeps only what the write needs: the sysfs root, and the
 * caller's lock on the device, held until the write lands. Other locks,
 * and the caller's stdin/stdout/stderr (a reader of our output waits for
 * every writer to close them), are not the writer's to keep.
 */
static void __attribute__((noreturn))
writer_child(struct sriov_ctx *ctx, const char *path, const char *value,
	     int lock_fd)
{
	char pid[24];
	int null, n;

	if (ctx->sysfs_fd < 3)
		ctx->sysfs_fd = fcntl(ctx->sysfs_fd, F_DUPFD_CLOEXEC, 3);
	if (lock_fd >= 0 && lock_fd < 3)
		lock_fd = fcntl(lock_fd, F_DUPFD_CLOEXEC, 3);
	null = open("/dev/null", O_RDWR);
	for (int fd = 0; null >= 0 && fd < 3; fd++)
		if (null != fd)
			dup2(null, fd);
	close_other_fds(ctx->sysfs_fd, lock_fd);
	ctx->log_fn = NULL;
	ctx->progress_fn = NULL;
	if (lock_fd >= 0) {
		/* the lock's holder is now this process */
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(lock_fd, 0) < 0 || pwrite(lock_fd, pid, (size_t)n, 0) < 0)
			sriov_dbg(ctx, "cannot record the writer in its lock");
	}
	_exit(-sriov_sysfs_write(ctx, path, value) & 0xff);
}

/*
 * Waits up to timeout_ms for the writer: on its pidfd, or, where pidfd_open
 * fails (old kernels, seccomp filters), by polling waitid(). 0 when it
 * exited (status in ret), -ETIMEDOUT when it is still running.
 */
static int wait_writer(struct sriov_ctx *ctx, pid_t pid, int timeout_ms,
		       siginfo_t *ret)
{
	int pidfd = ctx->no_pidfd ? -1 : (int)pidfd_open(pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r, waited = 0, step = 1;

	memset(ret, 0, sizeof(*ret));
	if (pidfd >= 0) {
		while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		close(pidfd);
		if (r == 0)
			return -ETIMEDOUT;
	} else {
		for (;;) {
			if (waitid(P_PID, (id_t)pid, ret, WEXITED | WNOHANG) == 0 &&
			    ret->si_pid == pid)
				return 0;
			if (waited >= timeout_ms)
				return -ETIMEDOUT;
			step = step * 2 > 50 ? 50 : step * 2;
			usleep((useconds_t)step * 1000);
			waited += step;
		}
	}
	while (waitid(P_PID, (id_t)pid, ret, WEXITED) < 0 && errno == EINTR)
		;
	return 0;
}

/*
 * Some drivers block in sriov_configure or remove for a long time, or for
 * ever. The write runs in a child process, so that the caller gets its
 * answer after timeout_ms whatever the driver does; the child keeps
 * lock_fd, so that the device stays locked while the write may land.
 */
int sriov_sysfs_write_bounded(struct sriov_ctx *ctx, const char *path,
			 const char *value, int timeout_ms, int lock_fd)
{
	siginfo_t si;
	pid_t pid;

	if (ctx->write_hook)
		return sriov_sysfs_write(ctx, path, value);
	pid = fork();
	if (pid < 0)
		return sriov_err(ctx, errno, "fork: %s", strerror(errno));
	if (pid == 0)
		writer_child(ctx, path, value, lock_fd);
	ctx->n_sysfs_writes++;
	if (wait_writer(ctx, pid, timeout_ms, &si) == -ETIMEDOUT)
		return sriov_err(ctx, ETIMEDOUT,
				 "writing %s to %s/%s did not return within %d ms; the write is still in flight (pid %d) and may land later",
				 value, ctx->sysfs_root, path, timeout_ms, (int)pid);
	if (si.si_code != CLD_EXITED)
		return sriov_err(ctx, EIO, "writing %s to %s/%s: child died",
				 value, ctx->sysfs_root, path);
	if (si.si_status == 0)
		return 0;
	return sriov_err(ctx, si.si_status, "cannot write %s to %s/%s: %s",
			 value, ctx->sysfs_root, path, strerror(si.si_status));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sriov_sysfs_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

static int names_push(char ***names, size_t *n, size_t *cap, const char *s)
{
	if (*n + 2 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nn = realloc(*names, ncap * sizeof(**names));

		if (!nn)
			return -ENOMEM;
		*names = nn;
		*cap = ncap;
	}
	(*names)[*n] = strdup(s);
	if (!(*names)[*n])
		return -ENOMEM;
	(*names)[++*n] = NULL;
	return 0;
}

int sriov_sysfs_list(struct sriov_ctx *ctx, const char *path, char ***ret_names,
	       size_t *ret_count)
{
	_cleanup_closedir_ DIR *dir = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd;

	fd = openat(ctx->sysfs_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : path_err(ctx, errno, "cannot open", path);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return path_err(ctx, errno, "cannot list", path);
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (names_push(&names, &n, &cap, de->d_name) < 0) {
			sriov_sysfs_names_free(names);
			return sriov_err(ctx, ENOMEM, "out of memory");
		}
	}
	if (!names)
		names = calloc(1, sizeof(*names));
	if (!names)
		return sriov_err(ctx, ENOMEM, "out of memory");
	qsort(names, n, sizeof(*names), cmp_names);
	*ret_names = names;
	if (ret_count)
		*ret_count = n;
	return 0;
}
