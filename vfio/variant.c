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

/* One line "alias vfio_pci:PATTERN MODULE": when it is a better match, kept. */
static void consider(char *line, const char *want, char *best, size_t size,
		     size_t *best_wild)
{
	char *pattern, *module, *end;

	if (strncmp(line, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) != 0)
		return;
	pattern = line + strlen("alias ");
	end = strchr(pattern, ' ');
	if (!end)
		return;
	*end = '\0';
	module = end + 1;
	module[strcspn(module, " \t\r\n")] = '\0';
	if (!module_name_valid(module, size) || fnmatch(pattern, want, 0) != 0 ||
	    wildcards(pattern) >= *best_wild)
		return;
	*best_wild = wildcards(pattern);
	snprintf(best, size, "%s", module);
}

int sriov_vfio_variant_find(struct sriov_ctx *ctx, const struct vdev *d,
			    char *ret, size_t size)
{
	char alias[320], want[sizeof(alias) + 8], path[PATH_MAX], best[JOURNAL_NAME_MAX] = "";
	size_t best_wild = (size_t)-1, cap = 0;
	char *line = NULL;
	FILE *f;

	ret[0] = '\0';
	if (!ctx->modules_dir ||
	    sriov_sysfs_dev_read(ctx, &d->addr, "modalias", alias, sizeof(alias), true) <= 0 ||
	    strncmp(alias, "pci:", 4) != 0)
		return 0;
	snprintf(want, sizeof(want), "vfio_%s", alias);
	snprintf(path, sizeof(path), "%s/modules.alias", ctx->modules_dir);
	f = fopen(path, "re");
	if (!f) {
		sriov_log(ctx, SRIOV_LOG_DEBUG, "%s: %s; %s gets plain vfio-pci",
			  path, strerror(errno), d->pci);
		return 0;
	}
	while (getline(&line, &cap, f) > 0)
		consider(line, want, best, sizeof(best), &best_wild);
	free(line);
	fclose(f);
	if (!best[0] || !strcmp(best, VFIO_PCI_MODULE))
		return 0;
	if (strlen(best) >= size)
		return -ENAMETOOLONG;
	snprintf(ret, size, "%s", best);
	sriov_log(ctx, SRIOV_LOG_INFO,
		  "%s: %s, the vfio-pci variant driver %s names for its modalias",
		  d->pci, best, path);
	return 0;
}
