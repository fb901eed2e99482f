/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-device journal of driver changes (see journal.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "sysfs.h"

#define JOURNAL_DIR "journal"
#define JOURNAL_SUFFIX ".vfio"
#define JOURNAL_MAX 4096

static const char *const state_names[] = {
	[JOURNAL_BINDING] = "binding",
	[JOURNAL_BOUND] = "bound",
	[JOURNAL_RELEASING] = "releasing",
};

const char *sriov_journal_state_name(enum journal_state s)
{
	return (size_t)s < ARRAY_SIZE(state_names) ? state_names[s] : "unknown";
}

static int journal_dir(struct sriov_ctx *ctx, char *buf, size_t size)
{
	return sriov_state_subdir(ctx, JOURNAL_DIR, buf, size);
}

static bool pci_name_valid(const char *pci)
{
	struct sriov_pci_addr a;
	char again[SRIOV_PCI_ADDR_STRLEN];

	if (sriov_pci_addr_parse(pci, &a) < 0)
		return false;
	sriov_pci_addr_format(&a, again);
	return !strcmp(again, pci);
}

static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

/* The settings known, a "key value" line each, spelled as the field table does. */
static int format_config(const struct sriov_vf_config *c, char *buf,
			 size_t size)
{
	const struct sriov_vf_key *k;
	char text[SRIOV_VF_VALUE_STRLEN];
	size_t n = 0;

	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++) {
		int w;

		if (!(c->mask & k->field) ||
		    sriov_vf_key_format(k, c, text, sizeof(text)) < 0)
			continue;
		w = snprintf(buf + n, size - n, "%s %s\n", k->name, text);
		if (w < 0 || (size_t)w >= size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	return (int)n;
}

int sriov_journal_format(const struct journal_entry *e, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "# sriovctl journal: sriovctl recover replays it\n"
			 "version 1\ndevice %s\nlock %s\nvf %d\nstate %s\n"
			 "driver %s\noverride %s\ndefault_match %d\npid %ld\n",
			 e->pci, e->lock, e->vf, sriov_journal_state_name(e->state),
			 or_dash(e->driver), or_dash(e->override),
			 e->default_match, e->pid);

	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	if (e->has_config) {
		int k = format_config(&e->config, buf + n, size - (size_t)n);

		if (k < 0 || (size_t)k >= size - (size_t)n)
			return -ENOSPC;
		n += k;
	}
	if (e->mtu) {
		int k = snprintf(buf + n, size - (size_t)n, "mtu %u\n", e->mtu);

		if (k < 0 || (size_t)k >= size - (size_t)n)
			return -ENOSPC;
		n += k;
	}
	return n;
}

static int parse_num(const char *v, unsigned long max, unsigned long *ret)
{
	return sriov_parse_uint(v, 0, max, ret);
}

/* Driver names as the kernel's PCI drivers spell them: [a-z0-9_-]. */
static bool driver_name_valid(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		      *v == '_' || *v == '-'))
			return false;
	return true;
}

static int parse_name(const char *v, char *dst, size_t size)
{
	if (!strcmp(v, "-")) {
		dst[0] = '\0';
		return 0;
	}
	if (!driver_name_valid(v) || strlen(v) >= size)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

static int parse_state(const char *v, enum journal_state *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(v, state_names[i])) {
			*ret = (enum journal_state)i;
			return 0;
		}
	return -EINVAL;
}

/* One "key value" line of the VF settings. */
static int parse_config_key(const char *k, const char *v,
			    struct sriov_vf_config *c)
{
	const struct sriov_vf_key *key = sriov_vf_key_find(k);

	return key ? sriov_vf_key_parse(key, v, c) : -EINVAL;
}

static int parse_key(const char *k, const char *v, struct journal_entry *e,
		     unsigned int *seen)
{
	unsigned long n;
	int r = 0;

	if (!strcmp(k, "version")) {
		*seen |= 1;
		return strcmp(v, "1") ? -EPROTONOSUPPORT : 0;
	} else if (!strcmp(k, "device")) {
		*seen |= 2;
		if (!pci_name_valid(v))
			return -EINVAL;
		strcpy(e->pci, v);
	} else if (!strcmp(k, "lock")) {
		if (!pci_name_valid(v))
			return -EINVAL;
		strcpy(e->lock, v);
	} else if (!strcmp(k, "vf")) {
		if (strcmp(v, "-1") != 0 && (r = parse_num(v, 0xffff, &n)) == 0)
			e->vf = (int)n;
	} else if (!strcmp(k, "state")) {
		*seen |= 4;
		r = parse_state(v, &e->state);
	} else if (!strcmp(k, "driver")) {
		r = parse_name(v, e->driver, sizeof(e->driver));
	} else if (!strcmp(k, "override")) {
		r = parse_name(v, e->override, sizeof(e->override));
	} else if (!strcmp(k, "default_match")) {
		r = parse_num(v, 1, &n);
		e->default_match = r == 0 && n;
	} else if (!strcmp(k, "mtu")) {
		/* written since MTUs are given back; older entries lack it */
		r = sriov_parse_uint(v, 10, SRIOV_MTU_MAX, &n);
		if (r == 0 && n < SRIOV_MTU_MIN)
			r = -ERANGE;
		e->mtu = r == 0 ? (unsigned int)n : 0;
	} else if (!strcmp(k, "pid")) {
		r = parse_num(v, 0x7fffffff, &n);
		e->pid = (long)n;
	} else {
		r = parse_config_key(k, v, &e->config);
		e->has_config = e->has_config || r == 0;
	}
	return r;
}

int sriov_journal_parse(const char *text, struct journal_entry *ret)
{
	_cleanup_free_ char *copy = strdup(text);
	struct journal_entry e = { .vf = -1 };
	unsigned int seen = 0;
	char *save = NULL, *line;

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		int r;

		if (line[0] == '#')
			continue;
		if (!v)
			return -EBADMSG;
		*v++ = '\0';
		r = parse_key(line, v, &e, &seen);
		if (r < 0)
			return r == -EPROTONOSUPPORT ? r : -EBADMSG;
	}
	if (seen != 7)
		return -EBADMSG;
	if (!e.lock[0])
		strcpy(e.lock, e.pci);
	*ret = e;
	return 0;
}

static int entry_path(struct sriov_ctx *ctx, const char *pci, char *buf,
		      size_t size)
{
	char dir[4096];
	int r;

	if (!pci_name_valid(pci))
		return sriov_err(ctx, EINVAL, "invalid journal device \"%s\"", pci);
	r = journal_dir(ctx, dir, sizeof(dir));
	if (r < 0)
		return r;
	if ((size_t)snprintf(buf, size, "%s/%s%s", dir, pci, JOURNAL_SUFFIX) >=
	    size)
		return sriov_err(ctx, ENAMETOOLONG, "journal path too long");
	return 0;
}

int sriov_journal_write(struct sriov_ctx *ctx, const struct journal_entry *e)
{
	char text[JOURNAL_MAX], path[4200];
	int n, r;

	n = sriov_journal_format(e, text, sizeof(text));
	if (n < 0)
		return sriov_err(ctx, -n, "journal entry of %s too long", e->pci);
	r = entry_path(ctx, e->pci, path, sizeof(path));
	return r < 0 ? r : sriov_write_atomic(ctx, path, text, (size_t)n);
}

int sriov_journal_write_all(struct sriov_ctx *ctx,
			    const struct journal_entry *const *e, size_t n)
{
	struct state_file *files = calloc(n ? n : 1, sizeof(*files));
	char (*texts)[JOURNAL_MAX] = calloc(n ? n : 1, sizeof(*texts));
	char (*paths)[4200] = calloc(n ? n : 1, sizeof(*paths));
	int r = files && texts && paths ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		int len = sriov_journal_format(e[i], texts[i], sizeof(texts[i]));

		if (len < 0)
			r = sriov_err(ctx, -len, "journal entry of %s too long", e[i]->pci);
		else
			r = entry_path(ctx, e[i]->pci, paths[i], sizeof(paths[i]));
		files[i] = (struct state_file){ paths[i], texts[i], (size_t)len };
	}
	if (r == 0)
		r = sriov_write_atomic_all(ctx, files, n);
	free(files);
	free(texts);
	free(paths);
	return r;
}

int sriov_journal_remove_all(struct sriov_ctx *ctx, const char *const *pcis,
			     size_t n)
{
	char (*paths)[4200] = calloc(n ? n : 1, sizeof(*paths));
	const char **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	int r = paths && ptrs ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		r = entry_path(ctx, pcis[i], paths[i], sizeof(paths[i]));
		ptrs[i] = paths[i];
	}
	if (r == 0)
		r = sriov_remove_synced_all(ctx, ptrs, n);
	free(paths);
	free(ptrs);
	return r;
}

int sriov_journal_read(struct sriov_ctx *ctx, const char *pci,
		 struct journal_entry *ret)
{
	char path[4200], text[JOURNAL_MAX];
	ssize_t n;
	int fd, r;

	r = entry_path(ctx, pci, path, sizeof(path));
	if (r < 0)
		return r;
	r = sriov_state_open(ctx, path, O_RDONLY, &fd);
	if (r < 0)
		return r;
	n = read(fd, text, sizeof(text) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot read %s: %s", path, strerror(-r));
	text[n] = '\0';
	r = sriov_journal_parse(text, ret);
	if (r == 0 && strcmp(ret->pci, pci) != 0)
		r = -EBADMSG;
	if (r < 0)
		return sriov_err(ctx, -r, "journal entry %s is damaged (%s); check the device by hand and remove the file",
				 path, strerror(-r));
	return 0;
}

int sriov_journal_remove(struct sriov_ctx *ctx, const char *pci)
{
	char path[4200];
	int r = entry_path(ctx, pci, path, sizeof(path));

	return r < 0 ? r : sriov_remove_synced(ctx, path);
}

static int names_add(char ***names, size_t *n, const char *s)
{
	char **nn = realloc(*names, (*n + 2) * sizeof(**names));

	if (!nn)
		return -ENOMEM;
	*names = nn;
	nn[*n] = strdup(s);
	if (!nn[*n])
		return -ENOMEM;
	nn[++*n] = NULL;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sriov_journal_list(struct sriov_ctx *ctx, char ***ret_pcis, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[4096], **names = calloc(1, sizeof(char *));
	struct dirent *de;
	size_t n = 0;
	int r = names ? journal_dir(ctx, dir, sizeof(dir)) : -ENOMEM;

	if (r == 0 && !(d = opendir(dir)))
		r = sriov_err(ctx, errno, "cannot list %s: %s", dir,
			      strerror(errno));
	while (r == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(JOURNAL_SUFFIX);
		char pci[SRIOV_PCI_ADDR_STRLEN + 8];

		if (len <= sl || len - sl >= sizeof(pci) ||
		    strcmp(de->d_name + len - sl, JOURNAL_SUFFIX) != 0)
			continue;
		memcpy(pci, de->d_name, len - sl);
		pci[len - sl] = '\0';
		if (pci_name_valid(pci))
			r = names_add(&names, &n, pci);
	}
	if (r < 0) {
		sriov_sysfs_names_free(names);
		return r;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	*ret_pcis = names;
	*ret_n = n;
	return 0;
}
