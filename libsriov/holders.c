/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who holds a VFIO node open, decided by device identity: stat() of
 * /proc/PID/fd/N follows the descriptor to the very file, whatever mount
 * namespace or spelling of /dev the holder used. Character devices match
 * on st_rdev (the group node, and each member's VFIO cdev, whose number
 * sysfs gives in vfio-dev/vfioX/dev); other files (the regular files of a
 * fake dev root in tests) on st_dev and st_ino. /proc is read once per
 * scan: the caller keeps the scan for the whole command.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "inuse.h"
#include "iommu.h"
#include "sysfs.h"

struct fdid {
	bool chr;
	dev_t dev; /* st_rdev of a character device, else st_dev */
	ino_t ino; /* 0 for a character device */
	pid_t pid;
};

struct sriov_holders {
	struct fdid *v;
	size_t n, cap;
};

static struct fdid id_of(const struct stat *st, pid_t pid)
{
	struct fdid id = { .chr = S_ISCHR(st->st_mode), .pid = pid };

	id.dev = id.chr ? st->st_rdev : st->st_dev;
	id.ino = id.chr ? 0 : st->st_ino;
	return id;
}

static bool id_eq(const struct fdid *a, const struct fdid *b)
{
	return a->chr == b->chr && a->dev == b->dev && a->ino == b->ino;
}

static int holders_add(struct sriov_holders *h, const struct fdid *id)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct fdid *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *id;
	return 0;
}

/* Character devices, and files on the dev root's file system. */
static int scan_pid(struct sriov_holders *h, const char *pid, dev_t root_dev)
{
	_cleanup_closedir_ DIR *fds = NULL;
	char path[600];
	struct dirent *f;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	fds = opendir(path);
	while (fds && (f = readdir(fds))) {
		struct stat st;
		struct fdid id;
		int r;

		if (f->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, f->d_name);
		if (stat(path, &st) < 0 ||
		    (!S_ISCHR(st.st_mode) && st.st_dev != root_dev))
			continue;
		id = id_of(&st, (pid_t)atol(pid));
		r = holders_add(h, &id);
		if (r < 0)
			return r;
	}
	return 0;
}

int sriov_holders_scan(struct sriov_ctx *ctx, struct sriov_holders **ret)
{
	_cleanup_closedir_ DIR *proc = opendir("/proc");
	struct sriov_holders *h = calloc(1, sizeof(*h));
	struct stat root;
	struct dirent *p;
	int r = 0;

	if (!h)
		return -ENOMEM;
	if (stat(ctx->dev_root, &root) < 0)
		root.st_dev = (dev_t)-1;
	while (proc && r == 0 && (p = readdir(proc)))
		if (p->d_name[0] >= '1' && p->d_name[0] <= '9')
			r = scan_pid(h, p->d_name, root.st_dev);
	if (r < 0) {
		sriov_holders_free(h);
		return r;
	}
	*ret = h;
	return 0;
}

void sriov_holders_free(struct sriov_holders *h)
{
	if (!h)
		return;
	free(h->v);
	free(h);
}

/*
 * The identities of a group's VFIO nodes that exist now; "full" when one
 * could not be kept (no memory): then every holder of a VFIO node counts.
 */
struct group_ids {
	struct sriov_holders ids;
	bool full;
};

static void ids_add(struct group_ids *g, const struct fdid *id)
{
	g->full = g->full || holders_add(&g->ids, id) < 0;
}

static void ids_add_node(struct group_ids *g, const char *path)
{
	struct stat st;
	struct fdid id;

	if (stat(path, &st) < 0)
		return;
	id = id_of(&st, 0);
	ids_add(g, &id);
}

/* vfio-dev/vfioX of a member: by the number sysfs gives, and by the node. */
static void ids_add_cdev(struct sriov_ctx *ctx, struct group_ids *g,
			 const char *pci, const char *name)
{
	const char *comps[] = { "bus", "pci", "devices", pci, "vfio-dev",
				name, "dev", NULL };
	char path[SYSFS_PATH_MAX], num[32];
	unsigned int maj, min;
	struct fdid id = { .chr = true };

	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0 &&
	    sriov_sysfs_read(ctx, path, num, sizeof(num), true) > 0 &&
	    sscanf(num, "%u:%u", &maj, &min) == 2) {
		id.dev = makedev(maj, min);
		ids_add(g, &id);
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/vfio/devices/%s",
			     ctx->dev_root, name) < sizeof(path))
		ids_add_node(g, path);
}

static void ids_add_member(struct sriov_ctx *ctx, struct group_ids *g,
			   const char *pci)
{
	const char *comps[] = { "bus", "pci", "devices", pci, "vfio-dev", NULL };
	char path[SYSFS_PATH_MAX], **names = NULL;
	size_t n = 0;

	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) < 0 ||
	    sriov_sysfs_list(ctx, path, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(names[i], "vfio", 4))
			ids_add_cdev(ctx, g, pci, names[i]);
	sriov_sysfs_names_free(names);
}

/* The group's node (legacy or no-IOMMU) and its members' VFIO cdevs. */
static void group_ids(struct sriov_ctx *ctx, int group, struct group_ids *g)
{
	char num[16], path[4096], **names = NULL;
	const char *comps[] = { "kernel", "iommu_groups", num, "devices", NULL };
	size_t n = 0;

	for (int noiommu = 0; noiommu < 2; noiommu++)
		if (sriov_vfio_group_path(ctx, group, noiommu, path,
					  sizeof(path)) == 0)
			ids_add_node(g, path);
	snprintf(num, sizeof(num), "%d", group);
	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) < 0 ||
	    sriov_sysfs_list(ctx, path, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (sriov_name_valid(names[i]))
			ids_add_member(ctx, g, names[i]);
	sriov_sysfs_names_free(names);
}

static pid_t held_by(const struct sriov_holders *h, const struct group_ids *g)
{
	for (size_t i = 0; i < h->n; i++) {
		if (g->full && h->v[i].chr)
			return h->v[i].pid;
		for (size_t k = 0; k < g->ids.n; k++)
			if (id_eq(&h->v[i], &g->ids.v[k]))
				return h->v[i].pid;
	}
	return 0;
}

pid_t sriov_holders_group(struct sriov_ctx *ctx, const struct sriov_holders *h,
			  int group)
{
	struct group_ids g = { 0 };
	pid_t pid;

	group_ids(ctx, group, &g);
	pid = held_by(h, &g);
	free(g.ids.v);
	return pid;
}

pid_t sriov_holders_find(struct sriov_ctx *ctx, struct sriov_holders **h,
			 int group)
{
	struct group_ids g = { 0 };
	pid_t pid = 0;

	group_ids(ctx, group, &g);
	/* no node of the group exists: nobody can hold one, /proc is not read */
	if ((g.ids.n || g.full) && (*h || sriov_holders_scan(ctx, h) == 0))
		pid = held_by(*h, &g);
	free(g.ids.v);
	return pid;
}
