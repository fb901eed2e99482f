/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading driver modules with libkmod, as modprobe would. */
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

bool running_kernel(struct sriov_ctx *ctx)
{
	return !strcmp(ctx->sysfs_root, "/sys");
}

static bool driver_present(struct sriov_ctx *ctx, const char *driver,
			   char *path, size_t size)
{
	const char *comps[] = { "bus", "pci", "drivers", driver, NULL };

	return sysfs_join(ctx, path, size, comps) == 0 && sysfs_exists(ctx, path);
}

bool driver_loaded(struct sriov_ctx *ctx, const char *driver)
{
	char path[SYSFS_PATH_MAX];

	return driver_present(ctx, driver, path, sizeof(path));
}

static int load_module(struct sriov_ctx *ctx, const char *name)
{
	struct kmod_ctx *k = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int r;

	if (!k)
		return sriov_err(ctx, ENOMEM, "cannot initialise libkmod");
	r = kmod_module_new_from_name(k, name, &mod);
	if (r == 0)
		r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL,
						    NULL);
	kmod_module_unref(mod);
	kmod_unref(k);
	if (r > 0)
		return sriov_err(ctx, EPERM,
				 "module %s is blacklisted; load it with modprobe if you mean to",
				 name);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot load module %s: %s", name,
				 strerror(-r));
	return 0;
}

int driver_ensure(struct sriov_ctx *ctx, const char *driver)
{
	char path[SYSFS_PATH_MAX];
	int r;

	if (driver_present(ctx, driver, path, sizeof(path)))
		return 0;
	if (!running_kernel(ctx))
		return sriov_err(ctx, ENOENT,
				 "the %s driver is not loaded (no %s/%s), and modules can be loaded only into the running kernel (sysfs root /sys)",
				 driver, ctx->sysfs_root, path);
	sriov_log(ctx, SRIOV_LOG_INFO, "loading module %s", driver);
	r = load_module(ctx, driver);
	if (r < 0)
		return r;
	if (!driver_present(ctx, driver, path, sizeof(path)))
		return sriov_err(ctx, ENOENT,
				 "module %s is loaded but registers no PCI driver %s",
				 driver, driver);
	return 0;
}

int module_available(struct sriov_ctx *ctx, const char *name)
{
	struct kmod_ctx *k;
	struct kmod_module *mod = NULL;
	int r = -1;

	if (!running_kernel(ctx))
		return -1;
	k = kmod_new(NULL, NULL);
	if (k && kmod_module_new_from_name(k, name, &mod) == 0)
		r = kmod_module_get_path(mod) != NULL ||
		    kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN;
	kmod_module_unref(mod);
	kmod_unref(k);
	return r;
}
