/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
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

/* The path an open fd stands for, from /proc; false without /proc. */
static bool fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0 || (size_t)n >= size - 1)
		return false;
	buf[n] = '\0';
	return true;
}

/* Where openat2() is missing: whether what fd resolved to is below the root. */
static bool fd_beneath(struct sriov_ctx *ctx, int fd)
{
	char root[PATH_MAX], file[PATH_MAX];
	size_t len;

	if (!fd_path(ctx->sysfs_fd, root, sizeof(root)) ||
	    !fd_path(fd, file, sizeof(file)))
		return true;   /* no /proc to ask: nothing to compare */
	len = strlen(root);
	return !strcmp(root, "/") ||
	       (!strncmp(file, root, len) && (file[len] == '/' || !file[len]));
}

/*
 * Opens path relative to the sysfs root without ever leaving it: links
 * inside the tree (driver, physfn, iommu_group...) are followed, a path
 * that resolves outside it (a hostile --sysfs-root tree) is -EXDEV.
 * Returns the fd or a negative errno.
 */
static int open_beneath(struct sriov_ctx *ctx, const char *path, int flags)
{
	/* with O_PATH, openat2() takes no flags but a few */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC |
				    (flags & O_PATH ? 0 : O_NOCTTY)),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries = 8;

	do
		fd = (int)syscall(SYS_openat2, ctx->sysfs_fd, path, &how,
				  sizeof(how));
	while (fd < 0 && errno == EAGAIN && --tries > 0);  /* a rename raced */
	/* kernels before 5.6, and seccomp filters that refuse it with EPERM */
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd >= 0 ? fd : -errno;
	fd = openat(ctx->sysfs_fd, path, (int)how.flags);
	if (fd < 0)
		return -errno;
	if (!fd_beneath(ctx, fd)) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

static int open_err(struct sriov_ctx *ctx, int err, const char *path)
{
	if (err == EXDEV)
		return sriov_err(ctx, EXDEV, "%s/%s leads out of the sysfs root",
				 ctx->sysfs_root, path);
	return path_err(ctx, err, "cannot open", path);
}

/*
 * An attribute below the root: a regular file, or with fifo_ok (the
 * bounded writer, which gives up on a write that does not return) also a
 * FIFO, which stands for a driver that does not answer. Without fifo_ok
 * the open does not block (O_NONBLOCK; the kernel's attributes ignore
 * it). Returns the fd, or a negative errno with the reason recorded
 * (-ENOENT silently when quiet_enoent).
 */
static int open_attr(struct sriov_ctx *ctx, const char *path, int flags,
		     bool quiet_enoent, bool fifo_ok)
{
	int nonblock = fifo_ok || (flags & O_PATH) ? 0 : O_NONBLOCK;
	int fd = open_beneath(ctx, path, flags | nonblock);
	struct stat st;

	if (fd == -ENOENT && quiet_enoent)
		return fd;
	/* ENXIO: a FIFO without reader opened for writing, or a device */
	if (fd < 0 && fd != -ENXIO)
		return open_err(ctx, -fd, path);
	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (S_ISREG(st.st_mode) || (fifo_ok && S_ISFIFO(st.st_mode))))
		return fd;
	if (fd >= 0)
		close(fd);
	return sriov_err(ctx, EINVAL, "%s/%s is not a regular file",
			 ctx->sysfs_root, path);
}

int sriov_sysfs_check_attr(struct sriov_ctx *ctx, const char *path)
{
	int fd = open_attr(ctx, path, O_PATH, false, false);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* The value of an open attribute, less its trailing newline and blanks. */
static ssize_t read_value(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return n;
}

/*
 * Whether a read of fd that came back empty or failed (n) read something
 * other than a regular file: a FIFO (empty without a writer; O_NONBLOCK
 * keeps it from blocking), a directory (EISDIR), a device. Regular files
 * that read a value need no fstat().
 */
static bool read_not_regular(int fd, ssize_t n)
{
	struct stat st;

	if (n > 0)
		return false;
	return fstat(fd, &st) < 0 || !S_ISREG(st.st_mode);
}

int sriov_sysfs_read(struct sriov_ctx *ctx, const char *path, char *buf,
	       size_t size, bool quiet_enoent)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = open_attr(ctx, path, O_RDONLY, quiet_enoent, false);
	if (fd < 0)
		return fd;
	n = read_value(fd, buf, size);
	return n < 0 ? path_err(ctx, (int)-n, "cannot read", path) : (int)n;
}

/*
 * A held device: its directory fd, through which the sriov_sysfs_dev_*
 * functions read its attributes with one lookup each instead of a walk
 * from the root (the fd was opened beneath the root; names are single
 * validated components, opened without following links).
 */
void sriov_sysfs_dev_hold(struct sriov_ctx *ctx,
			  const struct sriov_pci_addr *addr,
			  struct sriov_sysfs_hold *ret_prev)
{
	sriov_sysfs_dev_hold_in(ctx, -1, addr, ret_prev);
}

/*
 * dir_fd, from sriov_sysfs_dev_parent_open(), is beneath the root: the
 * device's directory in it, one component opened without following a
 * link, is beneath it too. A device that is not there (a tree laid out
 * otherwise) is opened from the root.
 */
void sriov_sysfs_dev_hold_in(struct sriov_ctx *ctx, int dir_fd,
			     const struct sriov_pci_addr *addr,
			     struct sriov_sysfs_hold *ret_prev)
{
	char path[SYSFS_PATH_MAX], pci[SRIOV_PCI_ADDR_STRLEN];
	int fd = -1;

	ret_prev->fd = ctx->held_fd;
	ret_prev->addr = ctx->held_addr;
	if (dir_fd >= 0) {
		sriov_pci_addr_format(addr, pci);
		fd = openat(dir_fd, pci, O_PATH | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	}
	if (fd < 0 && sriov_sysfs_dev_path(ctx, addr, NULL, path, sizeof(path)) == 0)
		fd = open_beneath(ctx, path, O_PATH | O_DIRECTORY);
	/* without it the reads take their paths from the root, as before */
	ctx->held_fd = fd < 0 ? -1 : fd;
	ctx->held_addr = *addr;
}

void sriov_sysfs_dev_release(struct sriov_ctx *ctx,
			     const struct sriov_sysfs_hold *prev)
{
	if (ctx->held_fd >= 0)
		close(ctx->held_fd);
	ctx->held_fd = prev->fd;
	ctx->held_addr = prev->addr;
}

/* The held directory's fd when addr is the held device, else -1. */
static int held_fd(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *name)
{
	if (ctx->held_fd < 0 || !name || !sriov_name_valid(name) ||
	    sriov_pci_addr_cmp(&ctx->held_addr, addr))
		return -1;
	return ctx->held_fd;
}

static int held_err(struct sriov_ctx *ctx, int err, const char *what,
		    const struct sriov_pci_addr *addr, const char *name)
{
	char path[SYSFS_PATH_MAX];

	if (sriov_sysfs_dev_path(ctx, addr, name, path, sizeof(path)) < 0)
		return -err;
	if (err == ELOOP || err == EISDIR)
		return sriov_err(ctx, EINVAL, "%s/%s is not a regular file",
				 ctx->sysfs_root, path);
	return path_err(ctx, err, what, path);
}

static int held_read(struct sriov_ctx *ctx, int dfd,
		     const struct sriov_pci_addr *addr, const char *attr,
		     char *buf, size_t size, bool quiet_enoent)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(dfd, attr, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
			       O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && quiet_enoent)
		return -ENOENT;
	if (fd < 0 && errno == ELOOP) {
		/* a link where the attribute belongs: the walk from the root
		 * follows it while it stays beneath the root, and says where
		 * it leads when it does not */
		char path[SYSFS_PATH_MAX];
		int r = sriov_sysfs_dev_path(ctx, addr, attr, path, sizeof(path));

		return r < 0 ? r : sriov_sysfs_read(ctx, path, buf, size, quiet_enoent);
	}
	if (fd < 0)
		return held_err(ctx, errno, "cannot open", addr, attr);
	n = read_value(fd, buf, size);
	if (read_not_regular(fd, n))
		return held_err(ctx, ELOOP, NULL, addr, attr);
	return n < 0 ? held_err(ctx, (int)-n, "cannot read", addr, attr)
		     : (int)n;
}

int sriov_sysfs_dev_read(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
		   const char *attr, char *buf, size_t size, bool quiet_enoent)
{
	char path[SYSFS_PATH_MAX];
	int dfd = held_fd(ctx, addr, attr), r;

	if (dfd >= 0)
		return held_read(ctx, dfd, addr, attr, buf, size, quiet_enoent);
	r = sriov_sysfs_dev_path(ctx, addr, attr, path, sizeof(path));
	return r < 0 ? r : sriov_sysfs_read(ctx, path, buf, size, quiet_enoent);
}

int sriov_sysfs_dev_parent_open(struct sriov_ctx *ctx,
				const struct sriov_pci_addr *addr)
{
	char path[SYSFS_PATH_MAX];
	int r = sriov_sysfs_dev_path(ctx, addr, NULL, path, sizeof(path) - 3);

	if (r < 0)
		return r;
	/* beneath the root: a device link that climbs to the root is -EXDEV */
	strcat(path, "/..");
	return open_beneath(ctx, path, O_PATH | O_DIRECTORY);
}

/* "dev/net/ifname/attr" below dir_fd, through no link; -errno otherwise. */
static int open_net_attr(int dir_fd, const char *dev, const char *ifname,
			 const char *attr)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	char rel[SYSFS_PATH_MAX];
	int n = snprintf(rel, sizeof(rel), "%s/net/%s/%s", dev, ifname, attr);
	int fd;

	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	fd = (int)syscall(SYS_openat2, dir_fd, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

int sriov_sysfs_dev_net_read(struct sriov_ctx *ctx, int dir_fd,
			     const char *bus, const char *dev,
			     const char *ifname, const char *attr, char *buf,
			     size_t size, bool quiet_enoent)
{
	const char *comps[] = { "bus", bus, "devices", dev, "net", ifname, attr,
				NULL };
	char path[SYSFS_PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r = sriov_sysfs_join(ctx, path, sizeof(path), comps);

	if (r < 0)
		return r;
	if (dir_fd >= 0)
		fd = open_net_attr(dir_fd, dev, ifname, attr);
	/* not there, a link on the way, no openat2(): the walk from the root */
	if (fd < 0)
		return sriov_sysfs_read(ctx, path, buf, size, quiet_enoent);
	n = read_value(fd, buf, size);
	if (read_not_regular(fd, n))
		return sriov_err(ctx, EINVAL, "%s/%s is not a regular file",
				 ctx->sysfs_root, path);
	return n < 0 ? path_err(ctx, (int)-n, "cannot read", path) : (int)n;
}

int sriov_sysfs_dev_read_range(struct sriov_ctx *ctx,
			       const struct sriov_pci_addr *addr,
			       const char *attr, int base, int min, int max,
			       int *ret)
{
	char buf[64], path[SYSFS_PATH_MAX];
	const char *s = buf;
	unsigned long v;
	bool neg = false;
	long value;
	int r;

	r = sriov_sysfs_dev_read(ctx, addr, attr, buf, sizeof(buf), true);
	if (r < 0)
		return r;
	if (*s == '-') {
		neg = true;
		s++;
	}
	r = sriov_parse_uint(s, base, 0x7fffffff, &v);
	value = neg ? -(long)v : (long)v;
	if ((r < 0 || value < min || value > max) &&
	    sriov_sysfs_dev_path(ctx, addr, attr, path, sizeof(path)) < 0)
		return -EINVAL;
	if (r < 0 || value < min || value > max)
		return sriov_err(ctx, r < 0 ? EINVAL : ERANGE,
				 "unexpected value \"%s\" in %s/%s (expected %d to %d)",
				 buf, ctx->sysfs_root, path, min, max);
	*ret = (int)value;
	return 0;
}

int sriov_sysfs_dev_read_int(struct sriov_ctx *ctx,
		       const struct sriov_pci_addr *addr, const char *attr,
		       int base, int *ret)
{
	return sriov_sysfs_dev_read_range(ctx, addr, attr, base, 0, INT_MAX, ret);
}

/* The last component of the link name beneath dfd, in buf; the path for
 * messages built only when one is needed. */
static int link_name_at(struct sriov_ctx *ctx, int dfd, const char *name,
			const struct sriov_pci_addr *addr, char *buf,
			size_t size)
{
	char target[SYSFS_PATH_MAX], path[SYSFS_PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (sriov_name_valid(base) && strlen(base) < size) {
		strcpy(buf, base);
		return 0;
	}
	if (addr && sriov_sysfs_dev_path(ctx, addr, name, path, sizeof(path)) < 0)
		return -EINVAL;
	return sriov_err(ctx, EINVAL, "unexpected link target %s in %s",
			 target, addr ? path : name);
}

int sriov_sysfs_readlink_name(struct sriov_ctx *ctx, const char *path, char *buf,
			size_t size)
{
	return link_name_at(ctx, ctx->sysfs_fd, path, NULL, buf, size);
}

int sriov_sysfs_dev_link_name(struct sriov_ctx *ctx,
			const struct sriov_pci_addr *addr, const char *link,
			char *buf, size_t size)
{
	char path[SYSFS_PATH_MAX];
	int dfd = held_fd(ctx, addr, link), r;

	if (dfd >= 0)
		return link_name_at(ctx, dfd, link, addr, buf, size);
	r = sriov_sysfs_dev_path(ctx, addr, link, path, sizeof(path));
	return r < 0 ? r : sriov_sysfs_readlink_name(ctx, path, buf, size);
}

bool sriov_sysfs_exists(struct sriov_ctx *ctx, const char *path)
{
	return faccessat(ctx->sysfs_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* One write(2) of the whole value: 0, or -errno (-EIO when short). */
static int write_value(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Opens an attribute (a FIFO too with fifo_ok) and writes value to it. */
static int write_attr(struct sriov_ctx *ctx, const char *path,
		      const char *value, bool fifo_ok)
{
	_cleanup_close_ int fd = open_attr(ctx, path, O_WRONLY, false, fifo_ok);
	int r;

	if (fd < 0)
		return fd;
	r = write_value(fd, value);
	return r < 0 ? path_err(ctx, -r, "cannot write to", path) : 0;
}

int sriov_sysfs_write(struct sriov_ctx *ctx, const char *path, const char *value)
{
	ctx->n_sysfs_writes++;
	sriov_dbg(ctx, "write \"%s\" to %s/%s", value, ctx->sysfs_root, path);
	if (ctx->write_hook)
		return ctx->write_hook(ctx, path, value, ctx->write_hook_data);
	return write_attr(ctx, path, value, false);
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
	/* a FIFO here stands for a driver that does not answer: bounded */
	_exit(-write_attr(ctx, path, value, true) & 0xff);
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
	int fd;

	if (ctx->write_hook)
		return sriov_sysfs_write(ctx, path, value);
	/* checked here too, so that a refused path is reported with its reason */
	fd = open_attr(ctx, path, O_PATH, false, true);
	if (fd < 0)
		return fd;
	close(fd);
	sriov_dbg(ctx, "write \"%s\" to %s/%s", value, ctx->sysfs_root, path);
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

/* The entries of the directory open at fd, appended to names. */
static int list_fd(int fd, char ***names, size_t *n, size_t *cap)
{
	char buf[8192] __attribute__((aligned(8)));
	ssize_t len;

	while ((len = getdents64(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (names_push(names, n, cap, de->d_name) < 0)
				return -ENOMEM;
		}
	return len < 0 ? -errno : 0;
}

static int list_done(struct sriov_ctx *ctx, int r, const char *path,
		     char **names, size_t n, char ***ret_names,
		     size_t *ret_count)
{
	if (r < 0) {
		sriov_sysfs_names_free(names);
		return r == -ENOMEM ? sriov_err(ctx, ENOMEM, "out of memory")
				    : path_err(ctx, -r, "cannot list", path);
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

int sriov_sysfs_list(struct sriov_ctx *ctx, const char *path, char ***ret_names,
	       size_t *ret_count)
{
	_cleanup_close_ int fd = -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r;

	fd = open_beneath(ctx, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : open_err(ctx, -fd, path);
	r = list_fd(fd, &names, &n, &cap);
	return list_done(ctx, r, path, names, n, ret_names, ret_count);
}

int sriov_sysfs_dev_list(struct sriov_ctx *ctx,
			 const struct sriov_pci_addr *addr, const char *name,
			 char ***ret_names, size_t *ret_count)
{
	char path[SYSFS_PATH_MAX];
	_cleanup_close_ int fd = -1;
	int dfd = held_fd(ctx, addr, name), r;
	char **names = NULL;
	size_t n = 0, cap = 0;

	r = sriov_sysfs_dev_path(ctx, addr, name, path, sizeof(path));
	if (r < 0)
		return r;
	if (dfd < 0)
		return sriov_sysfs_list(ctx, path, ret_names, ret_count);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : open_err(ctx, errno, path);
	r = list_fd(fd, &names, &n, &cap);
	return list_done(ctx, r, path, names, n, ret_names, ret_count);
}
