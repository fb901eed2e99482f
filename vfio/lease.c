/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The leases of claims: JSON written here, read back by libyaml, checked. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "claim.h"
#include "sysfs.h"

#define LEASE_MAX 65536
#define LEASE_SUFFIX ".json"

bool sriov_claim_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > SRIOV_CLAIM_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (; *name; name++)
		if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9') || strchr("_.-", *name)))
			return false;
	return true;
}

/* Driver names as the kernel's PCI drivers spell them: [a-z0-9_-]. */
static bool driver_valid(const char *v)
{
	if (!*v || strlen(v) > SRIOV_CLAIM_NAME_MAX)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		      *v == '_' || *v == '-'))
			return false;
	return true;
}

static bool pci_valid(const char *pci)
{
	struct sriov_pci_addr a;
	char again[SRIOV_PCI_ADDR_STRLEN];

	if (sriov_pci_addr_parse(pci, &a) < 0)
		return false;
	sriov_pci_addr_format(&a, again);
	return !strcmp(again, pci);
}

/* Every value written is one of the validated names above: no escaping. */
static void put_str(FILE *f, const char *key, const char *v, const char *sep)
{
	if (v && *v)
		fprintf(f, "\"%s\": \"%s\"%s", key, v, sep);
	else
		fprintf(f, "\"%s\": null%s", key, sep);
}

static void put_config(FILE *f, const char *key,
		       const struct sriov_vf_config *c, bool present)
{
	const struct sriov_vf_key *k;
	char text[SRIOV_VF_VALUE_STRLEN];
	bool first = true;

	fprintf(f, "\"%s\": ", key);
	if (!present) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++) {
		if (!(c->mask & k->field) || sriov_vf_key_format(k, c, text, sizeof(text)) < 0)
			continue;
		fprintf(f, k->type == SRIOV_VF_VALUE_STRING ? "%s\"%s\": \"%s\"" : "%s\"%s\": %s",
			first ? "" : ", ", k->name, text);
		first = false;
	}
	fputc('}', f);
}

static void put_vf(FILE *f, const struct sriov_claim_vf *v, bool last)
{
	fputs("    {", f);
	put_str(f, "pci", v->pci, ", ");
	put_str(f, "pf", v->pf, ", ");
	fprintf(f, "\"vf\": %d, ", v->vf);
	if (v->iommu_group == SRIOV_NO_VALUE)
		fputs("\"iommu_group\": null, ", f);
	else
		fprintf(f, "\"iommu_group\": %d, ", v->iommu_group);
	put_str(f, "driver_before", v->driver_before, ", ");
	put_str(f, "driver", v->driver, ",\n     ");
	put_config(f, "before", &v->before, v->has_before);
	fputs(",\n     ", f);
	put_config(f, "settings", &v->settings, true);
	/* host claims that set an MTU; older leases have neither */
	if (v->mtu)
		fprintf(f, ",\n     \"mtu_before\": %u, \"mtu\": %u", v->mtu_before, v->mtu);
	fprintf(f, "}%s\n", last ? "" : ",");
}

int sriov_lease_format(const struct sriov_claim *c, char **ret_text)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	fputs("{\n  \"version\": 1,\n  ", f);
	put_str(f, "name", c->name, ",\n  ");
	fprintf(f, "\"created\": %" PRId64 ",\n", c->created);
	if (c->holder_pid > 0)
		fprintf(f, "  \"holder_pid\": %ld,\n  \"holder_start\": %" PRIu64 ",\n",
			c->holder_pid, c->holder_start);
	else
		fputs("  \"holder_pid\": null,\n  \"holder_start\": null,\n", f);
	fputs("  ", f);
	put_str(f, "owner", c->owner, ",\n  ");
	put_str(f, "driver", c->driver == SRIOV_CLAIM_DRIVER_HOST ? "host" : VFIO_PCI,
		",\n");
	fprintf(f, "  \"complete\": %s,\n  \"vfs\": [\n", c->complete ? "true" : "false");
	for (size_t i = 0; i < c->n; i++)
		put_vf(f, &c->vfs[i], i + 1 == c->n);
	fputs("  ]\n}\n", f);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	return 0;
}

/* Reading: a libyaml document (JSON is YAML) walked with strict checks. */
struct doc {
	yaml_document_t d;
};

static yaml_node_t *node_at(struct doc *doc, int i)
{
	return yaml_document_get_node(&doc->d, i);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_null(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       !strcmp(scalar(n), "null");
}

/* A quoted string, or NULL for null; -EBADMSG for anything else. */
static int get_string(const yaml_node_t *n, const char **ret)
{
	if (is_null(n)) {
		*ret = NULL;
		return 0;
	}
	if (!n || n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
	    strlen(scalar(n)) != n->data.scalar.length)
		return -EBADMSG;
	*ret = scalar(n);
	return 0;
}

static int get_number(const yaml_node_t *n, unsigned long max, unsigned long *ret)
{
	const char *s = scalar(n);

	if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -EBADMSG;
	return sriov_parse_uint(s, 10, max, ret) < 0 ? -EBADMSG : 0;
}

static int get_bool(const yaml_node_t *n, bool *ret)
{
	const char *s = scalar(n);

	if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (strcmp(s, "true") && strcmp(s, "false")))
		return -EBADMSG;
	*ret = !strcmp(s, "true");
	return 0;
}

static int get_name(const yaml_node_t *n, char *dst, size_t size,
		    bool (*valid)(const char *))
{
	const char *s;
	int r = get_string(n, &s);

	if (r < 0)
		return r;
	if (!s) {
		dst[0] = '\0';
		return 0;
	}
	if (!valid(s) || strlen(s) >= size)
		return -EBADMSG;
	strcpy(dst, s);
	return 0;
}

static int get_config(struct doc *doc, const yaml_node_t *n,
		      struct sriov_vf_config *c, bool *ret_present)
{
	*ret_present = false;
	memset(c, 0, sizeof(*c));
	if (is_null(n))
		return 0;
	if (!n || n->type != YAML_MAPPING_NODE)
		return -EBADMSG;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const struct sriov_vf_key *k = sriov_vf_key_find(scalar(node_at(doc, p->key)) ?: "");
		const char *v = scalar(node_at(doc, p->value));

		if (!k || !v || sriov_vf_key_parse(k, v, c) < 0)
			return -EBADMSG;
	}
	*ret_present = true;
	return 0;
}

static int vf_key(struct doc *doc, const char *key, const yaml_node_t *v,
		  struct sriov_claim_vf *vf)
{
	unsigned long n;
	bool present;
	int r;

	if (!strcmp(key, "pci") || !strcmp(key, "pf"))
		return get_name(v, !strcmp(key, "pci") ? vf->pci : vf->pf,
				sizeof(vf->pci), pci_valid);
	if (!strcmp(key, "vf")) {
		r = get_number(v, 0xffff, &n);
		vf->vf = (int)n;
		return r;
	}
	if (!strcmp(key, "iommu_group")) {
		vf->iommu_group = SRIOV_NO_VALUE;
		r = is_null(v) ? 0 : get_number(v, 0x7fffffff, &n);
		if (!is_null(v) && r == 0)
			vf->iommu_group = (int)n;
		return r;
	}
	if (!strcmp(key, "driver_before") || !strcmp(key, "driver"))
		return get_name(v, key[6] ? vf->driver_before : vf->driver,
				sizeof(vf->driver), driver_valid);
	if (!strcmp(key, "before"))
		return get_config(doc, v, &vf->before, &vf->has_before);
	if (!strcmp(key, "settings"))
		return get_config(doc, v, &vf->settings, &present);
	if (!strcmp(key, "mtu_before") || !strcmp(key, "mtu")) {
		r = get_number(v, SRIOV_MTU_MAX, &n);
		if (r == 0 && n < SRIOV_MTU_MIN)
			r = -EBADMSG;
		*(key[3] ? &vf->mtu_before : &vf->mtu) = (unsigned int)n;
		return r;
	}
	return -EBADMSG;
}

static int get_vfs(struct doc *doc, const yaml_node_t *n, struct sriov_claim *c)
{
	size_t count;

	if (!n || n->type != YAML_SEQUENCE_NODE)
		return -EBADMSG;
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count == 0 || count > CLAIM_MAX_VFS)
		return -EBADMSG;
	c->vfs = calloc(count, sizeof(*c->vfs));
	if (!c->vfs)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const yaml_node_t *m = node_at(doc, n->data.sequence.items.start[i]);
		struct sriov_claim_vf *vf = &c->vfs[c->n++];

		if (!m || m->type != YAML_MAPPING_NODE)
			return -EBADMSG;
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
		     p < m->data.mapping.pairs.top; p++) {
			const char *key = scalar(node_at(doc, p->key));
			int r = key ? vf_key(doc, key, node_at(doc, p->value), vf) : -EBADMSG;

			if (r < 0)
				return r;
		}
		if (!vf->pci[0] || !vf->pf[0])
			return -EBADMSG;
	}
	return 0;
}

static int top_key(struct doc *doc, const char *key, const yaml_node_t *v,
		   struct sriov_claim *c, unsigned int *seen)
{
	unsigned long n;
	const char *s;
	int r;

	if (!strcmp(key, "version")) {
		*seen |= 1;
		r = get_number(v, 1000, &n);
		return r < 0 ? r : n == 1 ? 0 : -EPROTONOSUPPORT;
	}
	if (!strcmp(key, "name")) {
		*seen |= 2;
		return get_name(v, c->name, sizeof(c->name), sriov_claim_name_valid);
	}
	if (!strcmp(key, "created")) {
		r = get_number(v, 0x7fffffffffffffffUL, &n);
		c->created = (int64_t)n;
		return r;
	}
	if (!strcmp(key, "holder_pid") || !strcmp(key, "holder_start")) {
		r = is_null(v) ? 0 : get_number(v, key[7] == 'p' ? 0x7fffffffUL : ~0UL, &n);
		if (r == 0 && !is_null(v) && key[7] == 'p')
			c->holder_pid = (long)n;
		else if (r == 0 && !is_null(v))
			c->holder_start = n;
		return r;
	}
	if (!strcmp(key, "owner"))
		return get_name(v, c->owner, sizeof(c->owner), sriov_owner_valid);
	if (!strcmp(key, "driver")) {
		r = get_string(v, &s);
		if (r < 0 || !s || (strcmp(s, "host") && strcmp(s, VFIO_PCI)))
			return -EBADMSG;
		c->driver = strcmp(s, "host") ? SRIOV_CLAIM_DRIVER_VFIO : SRIOV_CLAIM_DRIVER_HOST;
		return 0;
	}
	if (!strcmp(key, "complete"))
		return get_bool(v, &c->complete);
	if (!strcmp(key, "vfs")) {
		*seen |= 4;
		return get_vfs(doc, v, c);
	}
	return -EBADMSG;
}

static int walk(struct doc *doc, struct sriov_claim *c)
{
	const yaml_node_t *root = yaml_document_get_root_node(&doc->d);
	unsigned int seen = 0;

	if (!root || root->type != YAML_MAPPING_NODE)
		return -EBADMSG;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const char *key = scalar(node_at(doc, p->key));
		int r = key ? top_key(doc, key, node_at(doc, p->value), c, &seen)
			    : -EBADMSG;

		if (r < 0)
			return r;
	}
	return seen == 7 ? 0 : -EBADMSG;
}

int sriov_lease_parse(const char *text, struct sriov_claim **ret)
{
	struct sriov_claim *c = calloc(1, sizeof(*c));
	yaml_parser_t parser;
	struct doc doc;
	int r;

	if (!c)
		return -ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(c);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&parser, &doc.d)) {
		yaml_parser_delete(&parser);
		free(c);
		return -EBADMSG;
	}
	r = walk(&doc, c);
	yaml_document_delete(&doc.d);
	yaml_parser_delete(&parser);
	if (r < 0) {
		sriov_claim_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

SRIOV_EXPORT void sriov_claim_free(struct sriov_claim *claim)
{
	if (!claim)
		return;
	free(claim->vfs);
	free(claim);
}

static int lease_path(struct sriov_ctx *ctx, const char *name, char *buf,
		      size_t size)
{
	char dir[4096];
	int r;

	if (!sriov_claim_name_valid(name))
		return sriov_err(ctx, EINVAL,
				 "invalid claim name \"%s\": 1-%d of A-Z a-z 0-9 _ . -, not starting with . or -",
				 name ? name : "", SRIOV_CLAIM_NAME_MAX);
	r = sriov_state_subdir(ctx, CLAIMS_DIR, dir, sizeof(dir));
	if (r < 0)
		return r;
	if ((size_t)snprintf(buf, size, "%s/%s%s", dir, name, LEASE_SUFFIX) >= size)
		return sriov_err(ctx, ENAMETOOLONG, "claim path too long");
	return 0;
}

int sriov_lease_write(struct sriov_ctx *ctx, const struct sriov_claim *c)
{
	_cleanup_free_ char *text = NULL;
	char path[4200];
	int r = lease_path(ctx, c->name, path, sizeof(path));

	if (r == 0 && sriov_lease_format(c, &text) < 0)
		r = -ENOMEM;
	return r < 0 ? r : sriov_write_atomic(ctx, path, text, strlen(text));
}

int sriov_lease_read(struct sriov_ctx *ctx, const char *name,
		     struct sriov_claim **ret)
{
	_cleanup_free_ char *text = malloc(LEASE_MAX + 1);
	char path[4200];
	ssize_t n = 0, k;
	int fd, r;

	if (!text)
		return -ENOMEM;
	r = lease_path(ctx, name, path, sizeof(path));
	if (r == 0)
		r = sriov_state_open(ctx, path, O_RDONLY, &fd);
	if (r < 0)
		return r;
	while ((k = read(fd, text + n, (size_t)(LEASE_MAX + 1 - n))) > 0 && n + k <= LEASE_MAX)
		n += k;
	r = k < 0 ? -errno : k > 0 ? -EFBIG : 0;
	close(fd);
	if (r < 0)
		return sriov_err(ctx, -r, "cannot read %s: %s", path, strerror(-r));
	text[n] = '\0';
	r = strlen(text) == (size_t)n ? sriov_lease_parse(text, ret) : -EBADMSG;
	if (r == 0 && strcmp((*ret)->name, name) != 0) {
		sriov_claim_free(*ret);
		r = -EBADMSG;
	}
	if (r < 0)
		return sriov_err(ctx, -r, "lease %s is damaged (%s); check its VFs by hand and remove the file",
				 path, strerror(-r));
	return 0;
}

int sriov_lease_remove(struct sriov_ctx *ctx, const char *name)
{
	char path[4200];
	int r = lease_path(ctx, name, path, sizeof(path));

	return r < 0 ? r : sriov_remove_synced(ctx, path);
}

uint64_t sriov_process_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after the command's closing parenthesis: fields 3 to 22 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

bool sriov_holder_alive(long pid, uint64_t start)
{
	uint64_t now;

	if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
		return false;
	now = sriov_process_start(pid);
	/* the pid of another process since: the holder is gone */
	return !start || !now || now == start;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

SRIOV_EXPORT int sriov_claim_list(struct sriov_ctx *ctx, char ***ret_names,
				  size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[4096], **names = NULL;
	size_t n = 0, sl = strlen(LEASE_SUFFIX);
	struct dirent *de;
	int r;

	if (!ctx || !ret_names || !ret_n)
		return -EINVAL;
	names = calloc(1, sizeof(*names));
	r = names ? sriov_state_subdir(ctx, CLAIMS_DIR, dir, sizeof(dir)) : -ENOMEM;
	if (r == 0 && !(d = opendir(dir)))
		r = sriov_err(ctx, errno, "cannot list %s: %s", dir, strerror(errno));
	while (r == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[SRIOV_CLAIM_NAME_MAX + 8], **nn;

		if (len <= sl || len - sl > SRIOV_CLAIM_NAME_MAX ||
		    strcmp(de->d_name + len - sl, LEASE_SUFFIX) != 0)
			continue;
		memcpy(name, de->d_name, len - sl);
		name[len - sl] = '\0';
		if (!sriov_claim_name_valid(name))
			continue;
		nn = realloc(names, (n + 2) * sizeof(*names));
		if (!nn || !(nn[n] = strdup(name))) {
			names = nn ? nn : names;
			r = -ENOMEM;
			break;
		}
		names = nn;
		names[++n] = NULL;
	}
	if (r < 0) {
		sriov_strv_free(names);
		return r;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	*ret_names = names;
	*ret_n = n;
	return 0;
}

SRIOV_EXPORT int sriov_claim_get(struct sriov_ctx *ctx, const char *name,
				 struct sriov_claim **ret_claim)
{
	struct sriov_claim *c;
	int r;

	if (!ctx || !ret_claim)
		return -EINVAL;
	r = sriov_lease_read(ctx, name, &c);
	if (r == -ENOENT)
		return sriov_err(ctx, ENOENT, "no claim \"%s\"", name);
	if (r < 0)
		return r;
	c->holder_alive = sriov_holder_alive(c->holder_pid, c->holder_start);
	*ret_claim = c;
	return 0;
}
