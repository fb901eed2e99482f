/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The desired state: documents from text, files and directories. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply_internal.h"

SRIOV_EXPORT int sriov_desired_new(struct sriov_desired **ret_desired)
{
	struct sriov_desired *d;

	if (!ret_desired)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	*ret_desired = d;
	return 0;
}

SRIOV_EXPORT void sriov_desired_free(struct sriov_desired *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_pfs; i++)
		sriov_apply_want_pf_clear(&d->pfs[i]);
	free(d->pfs);
	for (size_t i = 0; i < d->n_files; i++)
		free(d->files[i]);
	free(d->files);
	free(d);
}

SRIOV_EXPORT size_t sriov_desired_pf_count(const struct sriov_desired *d)
{
	return d ? d->n_pfs : 0;
}

/* Keeps the name for the positions that point at it. */
static const char *intern_name(struct sriov_desired *d, const char *name)
{
	char **files = realloc(d->files, (d->n_files + 1) * sizeof(*files));

	if (!files)
		return NULL;
	d->files = files;
	files[d->n_files] = strdup(name);
	return files[d->n_files] ? files[d->n_files++] : NULL;
}

SRIOV_EXPORT int sriov_desired_add_text(struct sriov_ctx *ctx,
					struct sriov_desired *d,
					const char *name, const char *text,
					size_t len)
{
	struct ynode *root = NULL;
	const char *file;
	int r;

	if (!ctx || !d || !name || (!text && len))
		return -EINVAL;
	file = intern_name(d, name);
	if (!file)
		return -ENOMEM;
	r = sriov_ynode_load(ctx, file, text ? text : "", len, &root);
	if (r == 0)
		r = sriov_apply_parse_root(ctx, d, file, root);
	sriov_ynode_free(root);
	return r;
}

static int read_file(struct sriov_ctx *ctx, const char *path, char **ret,
		     size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (!f)
		return sriov_err(ctx, errno, "cannot read %s: %s", path,
				 strerror(errno));
	buf = malloc(APPLY_MAX_TEXT + 1);
	if (!buf)
		return -ENOMEM;
	len = fread(buf, 1, APPLY_MAX_TEXT + 1, f);
	if (ferror(f))
		return sriov_err(ctx, EIO, "cannot read %s: %s", path,
				 strerror(errno));
	if (len > APPLY_MAX_TEXT)
		return sriov_err(ctx, EFBIG, "%s: larger than 16 MiB", path);
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int add_file(struct sriov_ctx *ctx, struct sriov_desired *d,
		    const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(ctx, path, &text, &len);

	return r < 0 ? r : sriov_desired_add_text(ctx, d, path, text, len);
}

static bool state_file_name(const char *name)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json" };
	size_t len = strlen(name);

	if (name[0] == '.')
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t el = strlen(exts[i]);

		if (len > el && !strcmp(name + len - el, exts[i]))
			return true;
	}
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(struct sriov_ctx *ctx, struct sriov_desired *d,
		   const char *path)
{
	_cleanup_closedir_ DIR *dir = opendir(path);
	_cleanup_free_ char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;

	if (!dir)
		return sriov_err(ctx, errno, "cannot read %s: %s", path,
				 strerror(errno));
	while ((de = readdir(dir))) {
		if (!state_file_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
							   sizeof(*nn));
			if (!nn)
				r = -ENOMEM;
			else
				names = nn;
		}
		if (r == 0 && !(names[n++] = strdup(de->d_name)))
			r = -ENOMEM;
		if (r < 0)
			break;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char full[4096];

		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (r == 0)
			r = add_file(ctx, d, full);
		free(names[i]);
	}
	return r;
}

SRIOV_EXPORT int sriov_desired_add_path(struct sriov_ctx *ctx,
					struct sriov_desired *d,
					const char *path)
{
	struct stat st;

	if (!ctx || !d || !path)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return sriov_err(ctx, errno == ENOENT ? EINVAL : errno,
				 "cannot read %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return add_dir(ctx, d, path);
	return add_file(ctx, d, path);
}
