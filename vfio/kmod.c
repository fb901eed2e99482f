/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loading driver modules with libkmod, as modprobe would. libkmod pulls in
 * compression and crypto libraries, so it is opened only when a module
 * must be loaded or looked up, not at every start of every command.
 */
#include <dlfcn.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

static struct {
	void *handle;
	__typeof__(kmod_new) *new_ctx;
	__typeof__(kmod_set_log_fn) *set_log_fn;
	__typeof__(kmod_unref) *unref;
	__typeof__(kmod_module_new_from_name) *module_new;
	__typeof__(kmod_module_unref) *module_unref;
	__typeof__(kmod_module_probe_insert_module) *probe_insert;
	__typeof__(kmod_module_get_path) *get_path;
	__typeof__(kmod_module_get_initstate) *get_initstate;
	__typeof__(kmod_module_new_from_lookup) *lookup;
	__typeof__(kmod_module_get_module) *list_module;
	__typeof__(kmod_list_next) *list_next;
	__typeof__(kmod_module_get_name) *get_name;
	__typeof__(kmod_module_unref_list) *unref_list;
} kmod;

/* Each function sriovctl calls, with the member of kmod that holds it. */
#define KMOD_FN(member, symbol) { #symbol, (void **)&kmod.member }
static const struct {
	const char *name;
	void **slot;
} kmod_fns[] = {
	KMOD_FN(new_ctx, kmod_new),
	KMOD_FN(set_log_fn, kmod_set_log_fn),
	KMOD_FN(unref, kmod_unref),
	KMOD_FN(module_new, kmod_module_new_from_name),
	KMOD_FN(module_unref, kmod_module_unref),
	KMOD_FN(probe_insert, kmod_module_probe_insert_module),
	KMOD_FN(get_path, kmod_module_get_path),
	KMOD_FN(get_initstate, kmod_module_get_initstate),
	KMOD_FN(lookup, kmod_module_new_from_lookup),
	KMOD_FN(list_module, kmod_module_get_module),
	KMOD_FN(list_next, kmod_list_next),
	KMOD_FN(get_name, kmod_module_get_name),
	KMOD_FN(unref_list, kmod_module_unref_list),
};

/* Opens libkmod once; false (with the reason on ctx) when it is missing. */
static bool kmod_open(struct sriov_ctx *ctx)
{
	bool ok = true;

	if (kmod.handle)
		return true;
	kmod.handle = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!kmod.handle) {
		sriov_err(ctx, ENOENT, "cannot load modules: %s", dlerror());
		return false;
	}
	for (size_t i = 0; i < sizeof(kmod_fns) / sizeof(kmod_fns[0]); i++)
		ok = ok && (*kmod_fns[i].slot = dlsym(kmod.handle, kmod_fns[i].name));
	if (!ok) {
		dlclose(kmod.handle);
		kmod.handle = NULL;
		sriov_err(ctx, ENOENT, "cannot load modules: libkmod.so.2 lacks a function");
	}
	return ok;
}

/* libkmod logs to stderr by default; the library never prints: its errors say why. */
static void kmod_quiet(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn,
		(void)format, (void)args;
}

static struct kmod_ctx *kmod_ctx_new(void)
{
	struct kmod_ctx *k = kmod.new_ctx(NULL, NULL);

	if (k)
		kmod.set_log_fn(k, kmod_quiet, NULL);
	return k;
}

static bool driver_present(struct sriov_ctx *ctx, const char *driver,
			   char *path, size_t size)
{
	const char *comps[] = { "bus", "pci", "drivers", driver, NULL };

	return sriov_sysfs_join(ctx, path, size, comps) == 0 && sriov_sysfs_exists(ctx, path);
}

bool sriov_driver_loaded(struct sriov_ctx *ctx, const char *driver)
{
	char path[SYSFS_PATH_MAX];

	return driver_present(ctx, driver, path, sizeof(path));
}

static int load_module(struct sriov_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *k;
	int r;

	if (!kmod_open(ctx))
		return -ENOENT;
	k = kmod_ctx_new();
	if (!k)
		return sriov_err(ctx, ENOMEM, "cannot initialise libkmod");
	r = kmod.module_new(k, name, &mod);
	if (r == 0)
		r = kmod.probe_insert(mod, 0, NULL, NULL, NULL, NULL);
	kmod.module_unref(mod);
	kmod.unref(k);
	if (r > 0)
		return sriov_err(ctx, EPERM,
				 "module %s is blacklisted; load it with modprobe if you mean to",
				 name);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot load module %s: %s", name,
				 strerror(-r));
	return 0;
}

int sriov_driver_ensure(struct sriov_ctx *ctx, const char *driver)
{
	char path[SYSFS_PATH_MAX];
	int r;

	if (driver_present(ctx, driver, path, sizeof(path)))
		return 0;
	if (!ctx->live)
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

/* Module names compare with '-' and '_' alike, as modprobe does. */
static bool module_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

/* True when one of the modules the device's modalias resolves to is name. */
static bool alias_names(struct sriov_ctx *ctx, const char *alias,
			const char *name)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *k;
	bool found = false;

	if (!kmod_open(ctx) || !(k = kmod_ctx_new()))
		return false;
	if (kmod.lookup(k, alias, &list) == 0)
		for (l = list; l && !found; l = kmod.list_next(list, l)) {
			struct kmod_module *m = kmod.list_module(l);

			found = m && module_name_eq(kmod.get_name(m), name);
			kmod.module_unref(m);
		}
	kmod.unref_list(list);
	kmod.unref(k);
	return found;
}

int sriov_driver_ensure_for(struct sriov_ctx *ctx, const char *driver,
			    const struct sriov_pci_addr *dev)
{
	char alias[256];

	if (sriov_vfio_driver_is_vfio(driver) || sriov_driver_loaded(ctx, driver) ||
	    !ctx->live)
		return sriov_driver_ensure(ctx, driver);
	if (sriov_sysfs_dev_read(ctx, dev, "modalias", alias, sizeof(alias),
				 true) <= 0 ||
	    !alias_names(ctx, alias, driver))
		return sriov_err(ctx, EPERM,
				 "the %s driver is not loaded, and module %s is not one the device's modalias names: not loading it (modprobe it yourself if you mean to)",
				 driver, driver);
	return sriov_driver_ensure(ctx, driver);
}

int sriov_module_available(struct sriov_ctx *ctx, const char *name)
{
	struct kmod_ctx *k;
	struct kmod_module *mod = NULL;
	int r = -1;

	if (!ctx->live || !kmod_open(ctx))
		return -1;
	k = kmod_ctx_new();
	if (k && kmod.module_new(k, name, &mod) == 0)
		r = kmod.get_path(mod) != NULL ||
		    kmod.get_initstate(mod) == KMOD_MODULE_BUILTIN;
	kmod.module_unref(mod);
	kmod.unref(k);
	return r;
}
