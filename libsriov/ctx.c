/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "internal.h"

static int dup_or_default(const char *value, const char *fallback,
			  char **ret)
{
	char *s = strdup(value && *value ? value : fallback);

	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/*
 * The root is the running kernel's sysfs when it is the directory /sys
 * is, however it is spelled ("/sys/", "//sys", a bind mount of it).
 */
static int ctx_open_sysfs(struct sriov_ctx *ctx)
{
	struct stat st, live;

	ctx->sysfs_fd = open(ctx->sysfs_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->sysfs_fd < 0)
		return sriov_err(ctx, errno, "sysfs root %s: %s",
				 ctx->sysfs_root, strerror(errno));
	if (fstat(ctx->sysfs_fd, &st) < 0)
		return sriov_err(ctx, errno, "sysfs root %s: %s",
				 ctx->sysfs_root, strerror(errno));
	ctx->live = stat("/sys", &live) == 0 && st.st_dev == live.st_dev &&
		    st.st_ino == live.st_ino;
	return 0;
}

/* The running kernel's modules only go with its own sysfs. */
static int ctx_modules_dir(struct sriov_ctx *ctx, const char *dir)
{
	struct utsname u;

	if (dir && *dir) {
		ctx->modules_dir = strdup(dir);
		return ctx->modules_dir ? 0 : -ENOMEM;
	}
	if (!ctx->live || uname(&u) < 0 || strchr(u.release, '/'))
		return 0;
	if (asprintf(&ctx->modules_dir, "/lib/modules/%s", u.release) < 0) {
		ctx->modules_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

SRIOV_EXPORT int sriov_ctx_new(const struct sriov_ctx_opts *opts,
			       struct sriov_ctx **ret_ctx)
{
	struct sriov_ctx_opts o = { .sz = sizeof(o) };
	struct sriov_ctx *ctx;
	int r;

	if (!ret_ctx)
		return -EINVAL;
	if (opts) {
		if (opts->sz < offsetof(struct sriov_ctx_opts, state_dir) +
				       sizeof(opts->state_dir))
			return -EINVAL;
		memcpy(&o, opts, sizeof(o) < opts->sz ? sizeof(o) : opts->sz);
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->sysfs_fd = -1;
	ctx->held_fd = -1;
	r = dup_or_default(o.sysfs_root, "/sys", &ctx->sysfs_root);
	if (r == 0)
		r = dup_or_default(o.dev_root, "/dev", &ctx->dev_root);
	if (r == 0)
		r = dup_or_default(o.state_dir, "/run/sriovctl",
				   &ctx->state_dir);
	if (r == 0)
		r = ctx_open_sysfs(ctx);
	if (r == 0)
		r = ctx_modules_dir(ctx, o.modules_dir);
	if (r < 0) {
		/* keep the reason readable for callers that only get -errno */
		errno = -r;
		sriov_ctx_free(ctx);
		return r;
	}
	*ret_ctx = ctx;
	return 0;
}

SRIOV_EXPORT void sriov_ctx_free(struct sriov_ctx *ctx)
{
	if (!ctx)
		return;
	sriov_topology_reset(ctx);
	sriov_iommu_reset(ctx);
	sriov_pci_cleanup(ctx);
	sriov_names_cleanup(ctx);
	sriov_rtnl_ctx_cleanup(ctx);
	sriov_devlink_ctx_cleanup(ctx);
	sriov_notes_free(ctx);
	if (ctx->sysfs_fd >= 0)
		close(ctx->sysfs_fd);
	free(ctx->sysfs_root);
	free(ctx->dev_root);
	free(ctx->modules_dir);
	free(ctx->state_dir);
	free(ctx);
}

SRIOV_EXPORT void sriov_ctx_set_log(struct sriov_ctx *ctx, sriov_log_fn fn,
				    enum sriov_log_level max_level,
				    void *userdata)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_max = max_level;
	ctx->log_userdata = userdata;
}

SRIOV_EXPORT const char *sriov_ctx_last_error(const struct sriov_ctx *ctx)
{
	return ctx ? ctx->errbuf : "";
}

SRIOV_EXPORT const char *sriov_ctx_sysfs_root(const struct sriov_ctx *ctx)
{
	return ctx->sysfs_root;
}

SRIOV_EXPORT const char *sriov_ctx_dev_root(const struct sriov_ctx *ctx)
{
	return ctx->dev_root;
}

SRIOV_EXPORT const char *sriov_ctx_state_dir(const struct sriov_ctx *ctx)
{
	return ctx->state_dir;
}
