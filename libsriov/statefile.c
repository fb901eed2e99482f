/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files of the state directory (journals): replaced atomically, mode 0600,
 * so that a crash leaves the old content or the new one, never a part.
 * The directory and its subdirectories are trusted only when they are
 * real directories of root (or of the caller) that nobody else may write,
 * and files in them are opened without following links or blocking on
 * FIFOs, and must be regular files.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int sriov_state_dir_trusted(struct sriov_ctx *ctx, const char *path)
{
	struct stat st;
	const char *why = NULL;

	if (lstat(path, &st) < 0)
		return sriov_err(ctx, errno, "cannot check state directory %s: %s",
				 path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		why = "it is a symbolic link";
	else if (!S_ISDIR(st.st_mode))
		why = "it is not a directory";
	else if (st.st_uid != 0 && st.st_uid != geteuid())
		why = "it belongs to another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "others may write to it";
	if (!why)
		return 0;
	return sriov_err(ctx, EPERM,
			 "refusing state directory %s: %s (it must be a directory of root or of the caller, mode 0700 or 0755)",
			 path, why);
}

/* A trusted directory that is there already: nothing to create. */
static bool dir_there(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       (st.st_uid == 0 || st.st_uid == geteuid()) &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Creates the state directory (mode 0700) and its parents when missing. */
int sriov_state_dir_ensure(struct sriov_ctx *ctx)
{
	char path[4096];
	size_t len = strlen(ctx->state_dir);

	if (len == 0 || len >= sizeof(path))
		return sriov_err(ctx, EINVAL, "invalid state directory \"%s\"",
				 ctx->state_dir);
	if (dir_there(ctx->state_dir))
		return 0;
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

int sriov_state_open(struct sriov_ctx *ctx, const char *path, int flags,
		     int *ret_fd)
{
	struct stat st;
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : sriov_err(ctx, errno, "cannot open %s: %s",
						   path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sriov_err(ctx, EPERM,
				 "refusing %s: not a regular file; remove it by hand",
				 path);
	}
	/* regular files do not block; later reads and writes are ordinary */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*ret_fd = fd;
	return 0;
}

int sriov_state_subdir(struct sriov_ctx *ctx, const char *name, char *buf,
		       size_t size)
{
	int r = sriov_state_dir_ensure(ctx);

	if (r < 0)
		return r;
	if (!sriov_name_valid(name))
		return sriov_err(ctx, EINVAL, "invalid state file name \"%s\"", name);
	if ((size_t)snprintf(buf, size, "%s/%s", ctx->state_dir, name) >= size)
		return sriov_err(ctx, ENAMETOOLONG, "state directory path too long");
	if (dir_there(buf))
		return 0;
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return sriov_err(ctx, errno, "cannot create %s: %s", buf,
				 strerror(errno));
	return sriov_state_dir_trusted(ctx, buf);
}

static void parent_dir(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		snprintf(buf, size, "%.*s",
			 (int)(slash == path ? 1 : slash - path), path);
	else
		snprintf(buf, size, ".");
}

static int fsync_dir(struct sriov_ctx *ctx, const char *path)
{
	char dir[4200];

	int fd, r;

	parent_dir(path, dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = fd < 0 || fsync(fd) < 0 ? -errno : 0;

	if (fd >= 0)
		close(fd);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot sync %s: %s", dir, strerror(-r));
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path.tmp, created afresh (never through a link), written, synced if asked. */
static int write_tmp(const char *tmp, const void *data, size_t len, bool sync)
{
	int fd, r;

	/* a crash may have left one; its writer held the same lock */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	/* 0600 whatever the umask */
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, data, len);
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int sriov_write_atomic(struct sriov_ctx *ctx, const char *path,
		       const void *data, size_t len)
{
	char tmp[4200];
	int r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return sriov_err(ctx, ENAMETOOLONG, "path too long: %s", path);
	r = write_tmp(tmp, data, len, true);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return sriov_err(ctx, -r, "cannot write %s: %s", path,
				 strerror(-r));
	}
	return fsync_dir(ctx, path);
}

/* Removes the .tmp files of files[from..n). */
static void unlink_tmps(const struct state_file *files, size_t from, size_t n)
{
	char tmp[4200];

	for (size_t i = from; i < n; i++)
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", files[i].path) < sizeof(tmp))
			unlink(tmp);
}

static int write_tmps(struct sriov_ctx *ctx, const struct state_file *files,
		      size_t n)
{
	char tmp[4200];

	for (size_t i = 0; i < n; i++) {
		int r = -ENAMETOOLONG;

		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", files[i].path) < sizeof(tmp))
			r = write_tmp(tmp, files[i].data, files[i].len, false);
		if (r < 0) {
			unlink_tmps(files, 0, i + 1);
			return sriov_err(ctx, -r, "cannot write %s: %s",
					 files[i].path, strerror(-r));
		}
	}
	return 0;
}

/* fsync() of the directory, or with data, syncfs() of its file system. */
static int sync_dir(struct sriov_ctx *ctx, const char *dir, bool data)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	r = fd < 0 || (data ? syncfs(fd) : fsync(fd)) < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot sync %s: %s", dir, strerror(-r));
	return 0;
}

int sriov_write_atomic_all(struct sriov_ctx *ctx, const struct state_file *files,
			   size_t n)
{
	char dir[4200], tmp[4200];
	int r;

	if (n == 0)
		return 0;
	parent_dir(files[0].path, dir, sizeof(dir));
	r = write_tmps(ctx, files, n);
	if (r == 0 && (r = sync_dir(ctx, dir, true)) < 0)
		unlink_tmps(files, 0, n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", files[i].path);
		if (rename(tmp, files[i].path) < 0) {
			r = sriov_err(ctx, errno, "cannot write %s: %s",
				      files[i].path, strerror(errno));
			unlink_tmps(files, i, n);
		}
	}
	return r < 0 ? r : sync_dir(ctx, dir, false);
}

int sriov_remove_synced_all(struct sriov_ctx *ctx, const char *const *paths,
			    size_t n)
{
	char dir[4200];

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (unlink(paths[i]) < 0 && errno != ENOENT)
			return sriov_err(ctx, errno, "cannot remove %s: %s",
					 paths[i], strerror(errno));
	parent_dir(paths[0], dir, sizeof(dir));
	return sync_dir(ctx, dir, false);
}

int sriov_remove_synced(struct sriov_ctx *ctx, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return sriov_err(ctx, errno, "cannot remove %s: %s", path,
				 strerror(errno));
	return fsync_dir(ctx, path);
}
