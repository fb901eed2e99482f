/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio-pci variant drivers (mlx5_vfio_pci, hisi_acc_vfio_pci ...). The
 * kernel lists them in modules.alias under the "vfio_pci:" prefix
 * (PCI_DRIVER_OVERRIDE_DEVICE_VFIO), never used for autoprobing; the
 * catch-all entry "vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci" is the plain
 * driver. The driver for a device is the entry that matches "vfio_" and
 * its modalias with the fewest wildcards, as libvirt chooses
 * (virPCIDeviceFindBestVFIOVariant); the module's name is the driver's.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"
#include "vfio_private.h"

#define ALIAS_PREFIX "alias vfio_pci:"
#define VFIO_PCI_MODULE "vfio_pci"

static bool module_name_valid(const char *s, size_t max)
{
	size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	return len > 0 && len < max && !s[len];
}

static size_t wildcards(const char *pattern)
{
	size_t n = 0;

	for (; *pattern; pattern++)
		n += *pattern == '*' || *pattern == '?';
	return n;
}

/* The "alias vfio_pci:PATTERN MODULE" lines of modules.alias, read once. */
struct vfio_aliases {
	char **patterns;
	char **modules;
	size_t n;
	bool missing; /* no modules directory or no modules.alias */
};

void sriov_vfio_aliases_free(struct vfio_aliases *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->patterns[i]);
		free(a->modules[i]);
	}
	free(a->patterns);
	free(a->modules);
	free(a);
}

static int aliases_add(struct vfio_aliases *a, char *line)
{
	char *pattern, *module, *end, **p, **m;

	if (strncmp(line, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) != 0)
		return 0;
	pattern = line + strlen("alias ");
	end = strchr(pattern, ' ');
	if (!end)
		return 0;
	*end = '\0';
	module = end + 1;
	module[strcspn(module, " \t\r\n")] = '\0';
	if (!module_name_valid(module, JOURNAL_NAME_MAX))
		return 0;
	p = realloc(a->patterns, (a->n + 1) * sizeof(*p));
	if (p)
		a->patterns = p;
	m = realloc(a->modules, (a->n + 1) * sizeof(*m));
	if (m)
		a->modules = m;
	if (!p || !m)
		return -ENOMEM;
	a->patterns[a->n] = strdup(pattern);
	a->modules[a->n] = strdup(module);
	if (!a->patterns[a->n] || !a->modules[a->n]) {
		free(a->patterns[a->n]);
		free(a->modules[a->n]);
		return -ENOMEM;
	}
	a->n++;
	return 0;
}

static int aliases_load(struct sriov_ctx *ctx, struct vfio_aliases **ret)
{
	struct vfio_aliases *a = calloc(1, sizeof(*a));
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int r = 0;
	FILE *f;

	if (!a)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/modules.alias",
		 ctx->modules_dir ? ctx->modules_dir : "");
	f = ctx->modules_dir ? fopen(path, "re") : NULL;
	if (!f && ctx->modules_dir)
		sriov_log(ctx, SRIOV_LOG_DEBUG, "%s: %s; devices get plain vfio-pci",
			  path, strerror(errno));
	a->missing = !f;
	while (f && r == 0 && getline(&line, &cap, f) > 0)
		r = aliases_add(a, line);
	free(line);
	if (f)
		fclose(f);
	if (r < 0) {
		sriov_vfio_aliases_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

int sriov_vfio_variant_find(struct sriov_ctx *ctx, struct vfio_aliases **cache,
			    const struct vdev *d, char *ret, size_t size)
{
	char alias[320], want[sizeof(alias) + 8];
	const char *best = NULL;
	size_t best_wild = (size_t)-1;
	int r;

	ret[0] = '\0';
	if (!ctx->modules_dir ||
	    sriov_sysfs_dev_read(ctx, &d->addr, "modalias", alias, sizeof(alias), true) <= 0 ||
	    strncmp(alias, "pci:", 4) != 0)
		return 0;
	if (!*cache && (r = aliases_load(ctx, cache)) < 0)
		return r;
	snprintf(want, sizeof(want), "vfio_%s", alias);
	for (size_t i = 0; i < (*cache)->n; i++) {
		const char *pattern = (*cache)->patterns[i];

		if (fnmatch(pattern, want, 0) == 0 && wildcards(pattern) < best_wild) {
			best_wild = wildcards(pattern);
			best = (*cache)->modules[i];
		}
	}
	if (!best || !strcmp(best, VFIO_PCI_MODULE))
		return 0;
	if (strlen(best) >= size)
		return -ENAMETOOLONG;
	snprintf(ret, size, "%s", best);
	sriov_log(ctx, SRIOV_LOG_INFO,
		  "%s: %s, the vfio-pci variant driver %s/modules.alias names for its modalias",
		  d->pci, best, ctx->modules_dir);
	return 0;
}
