/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor and device names: udev's hwdb on the running host, then the PCI
 * ID database (pci.ids) read in place. Parsing pci.ids whole costs more
 * than everything else `pf list` does; its vendor lines are sorted by ID,
 * and so are the device lines within a vendor's block, so a binary search
 * over the mapped file reaches one device through a few pages; a linear
 * pass confirms a miss, for a file out of order.
 * Names are taken as libpci takes them: the text after the ID and its
 * blanks, up to the line's end, less one trailing blank.
 */
#include <fcntl.h>
#include <libudev.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "internal.h"

struct sriov_names {
	struct udev *udev;
	struct udev_hwdb *hwdb;
	bool hwdb_tried;
	const char *ids;        /* pci.ids, mapped */
	size_t ids_size;
	bool ids_tried;
};

static int hex4(const char *p, const char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return -1;
	}
	return v;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

static const char *next_line(const char *p, const char *end)
{
	const char *e = line_end(p, end);

	return e < end ? e + 1 : end;
}

/* The ID of an entry "XXXX  name" at p (after any tabs), or -1. */
static int entry_id(const char *p, const char *end)
{
	int id = hex4(p, end);

	return id >= 0 && end - p > 4 && blank(p[4]) ? id : -1;
}

/* A blank line or a comment, which libpci skips at any depth. */
static bool skipped_line(const char *p, const char *end)
{
	while (p < end && blank(*p))
		p++;
	return p == end || *p == '\n' || *p == '\r' || *p == '#';
}

/* The name of the entry whose ID starts at p; NULL when it has none. */
static char *entry_name(const char *p, const char *end)
{
	const char *e = line_end(p, end), *cr;

	cr = memchr(p, '\r', (size_t)(e - p));
	if (cr)
		e = cr;
	p += 4;
	while (p < e && blank(*p))
		p++;
	if (e > p && blank(e[-1]))
		e--;
	return e > p ? strndup(p, (size_t)(e - p)) : NULL;
}

/* The first line starting in [p, end). */
static const char *line_start_from(const char *map, const char *p,
				   const char *end)
{
	if (p == map || p[-1] == '\n')
		return p;
	return next_line(p, end);
}

typedef int line_key_fn(const char *p, const char *end);

/* Vendor lines are "XXXX  name"; every other line is stepped over (-1). */
static int vendor_key(const char *p, const char *end)
{
	return entry_id(p, end);
}

/* Device lines are "\tXXXX  name", subsystems one tab deeper. */
static int device_key(const char *p, const char *end)
{
	if (skipped_line(p, end) || *p != '\t' || p + 1 == end || p[1] == '\t')
		return -1;
	return entry_id(p + 1, end);
}

/* The first keyed line starting in [p, hi), its key in *ret_k. */
static const char *keyed_from(const char *map, const char *p, const char *hi,
			      const char *end, line_key_fn *key, int *ret_k)
{
	for (p = line_start_from(map, p, end); p < hi; p = next_line(p, end)) {
		*ret_k = key(p, end);
		if (*ret_k >= 0)
			return p;
	}
	return NULL;
}

/*
 * In a file in order: the first keyed line in [lo, hi) whose key is at
 * least id, or hi. The search narrows on byte offsets and reads only the
 * lines next to its probes.
 */
static const char *lower_bound(const char *map, const char *lo,
			       const char *hi, const char *end, int id,
			       line_key_fn *key)
{
	const char *best = hi, *p;
	int k;

	while (hi - lo > 4096) {
		const char *mid = lo + (hi - lo) / 2;

		p = keyed_from(map, mid, hi, end, key, &k);
		if (p && k < id) {
			lo = next_line(p, end);
			continue;
		}
		if (p)
			best = p;
		hi = mid;
	}
	p = keyed_from(map, lo, hi, end, key, &k);
	while (p && k < id)
		p = keyed_from(map, next_line(p, end), hi, end, key, &k);
	return p ? p : best;
}

/* The line keyed id in [lo, hi): a binary search, then, for a file out
 * of order, a linear pass to confirm a miss. */
static const char *find_line(const char *map, const char *lo, const char *hi,
			     const char *end, int id, line_key_fn *key,
			     const char **ret_next)
{
	const char *p = lower_bound(map, lo, hi, end, id, key);
	int k;

	if (p == hi || key(p, end) != id)
		for (p = keyed_from(map, lo, hi, end, key, &k); p && k != id;
		     p = keyed_from(map, next_line(p, end), hi, end, key, &k))
			;
	if (p && p < hi && ret_next)
		*ret_next = keyed_from(map, next_line(p, end), hi, end, key,
				       &k);
	return p && p < hi ? p : NULL;
}

void sriov_pci_ids_lookup(const char *ids, size_t size, uint16_t vendor,
			  uint16_t device, char **ret_vendor, char **ret_device)
{
	const char *end = ids + size, *v, *next = NULL, *d;

	v = find_line(ids, ids, end, end, vendor, vendor_key, &next);
	if (!v)
		return;
	if (!*ret_vendor)
		*ret_vendor = entry_name(v, end);
	if (*ret_device)
		return;
	d = find_line(ids, next_line(v, end), next ? next : end, end, device,
		      device_key, NULL);
	if (d)
		*ret_device = entry_name(d + 1, end);
}

static struct sriov_names *names_get(struct sriov_ctx *ctx)
{
	if (!ctx->names)
		ctx->names = calloc(1, sizeof(*ctx->names));
	return ctx->names;
}

static void hwdb_lookup(struct sriov_names *n, uint16_t vendor,
			uint16_t device, char **ret_vendor, char **ret_device)
{
	struct udev_list_entry *e;
	char modalias[32];

	if (!n->hwdb_tried) {
		n->hwdb_tried = true;
		n->udev = udev_new();
		n->hwdb = n->udev ? udev_hwdb_new(n->udev) : NULL;
	}
	if (!n->hwdb)
		return;
	snprintf(modalias, sizeof(modalias), "pci:v%08Xd%08X", vendor, device);
	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
		const char *key = udev_list_entry_get_name(e);
		const char *val = udev_list_entry_get_value(e);

		if (!*ret_vendor && !strcmp(key, "ID_VENDOR_FROM_DATABASE"))
			*ret_vendor = strdup(val);
		else if (!*ret_device && !strcmp(key, "ID_MODEL_FROM_DATABASE"))
			*ret_device = strdup(val);
	}
}

/* As libpci opens it: "pci.ids.gz" may be installed as plain "pci.ids". */
static int ids_open(const char *path)
{
	char plain[4096];
	size_t len = strlen(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 || len < 3 || len >= sizeof(plain) ||
	    strcmp(path + len - 3, ".gz"))
		return fd;
	memcpy(plain, path, len - 3);
	plain[len - 3] = '\0';
	return open(plain, O_RDONLY | O_CLOEXEC);
}

/* Maps pci.ids; false for a file this reader cannot take (compressed). */
static bool ids_map(struct sriov_names *n, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	void *m;

	if (n->ids_tried)
		return n->ids != NULL;
	n->ids_tried = true;
	fd = ids_open(path);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 2)
		return false;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return false;
	if (((const unsigned char *)m)[0] == 0x1f &&
	    ((const unsigned char *)m)[1] == 0x8b) {
		munmap(m, (size_t)st.st_size);
		return false;
	}
	n->ids = m;
	n->ids_size = (size_t)st.st_size;
	return true;
}

int sriov_names_lookup(struct sriov_ctx *ctx, const char *ids_path,
		       uint16_t vendor, uint16_t device, char **ret_vendor,
		       char **ret_device)
{
	struct sriov_names *n = names_get(ctx);

	if (!n)
		return -ENOMEM;
	/* udev's hwdb describes the host, not a simulated sysfs root */
	if (ctx->live)
		hwdb_lookup(n, vendor, device, ret_vendor, ret_device);
	if (*ret_vendor && *ret_device)
		return 0;
	if (!ids_map(n, ids_path))
		return -ENOENT;
	sriov_pci_ids_lookup(n->ids, n->ids_size, vendor, device, ret_vendor,
			     ret_device);
	return 0;
}

void sriov_names_cleanup(struct sriov_ctx *ctx)
{
	struct sriov_names *n = ctx->names;

	if (!n)
		return;
	udev_hwdb_unref(n->hwdb);
	udev_unref(n->udev);
	if (n->ids)
		munmap((void *)n->ids, n->ids_size);
	free(n);
	ctx->names = NULL;
}
