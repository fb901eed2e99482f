/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Typed values of a parsed document for the desired-state parser: each
 * check names the file, line, column and key of what it rejects.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

int sriov_apply_loc_err(struct sriov_ctx *ctx, int err, const struct apply_loc *loc,
		  const char *path, const char *key, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!path)
		path = "";
	if (!*path && !key)
		return sriov_err(ctx, err, "%s:%d:%d: %s", loc->file, loc->line,
				 loc->col, msg);
	return sriov_err(ctx, err, "%s:%d:%d: %s%s%s: %s", loc->file, loc->line,
			 loc->col, path, *path && key ? "." : "", key ? key : "",
			 msg);
}

struct apply_loc sriov_apply_loc_of(const struct pctx *p, const struct ynode *n)
{
	return (struct apply_loc){ .file = p->file, .line = n->line,
				   .col = n->col };
}

int sriov_apply_err_at(const struct pctx *p, const struct ynode *n,
		    const char *key, const char *fmt, ...)
{
	struct apply_loc loc = sriov_apply_loc_of(p, n);
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sriov_apply_loc_err(p->ctx, EINVAL, &loc, p->path, key, "%s", msg);
}

bool sriov_ynode_is_null(const struct ynode *n)
{
	if (n->type != Y_SCALAR || !n->plain || !n->len)
		return n->type == Y_SCALAR && n->plain;
	/* most scalars are not null: one look at the first character */
	if (n->str[0] != '~' && n->str[0] != 'n' && n->str[0] != 'N')
		return false;
	return !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

/* Only the digits 0-9, and at least one. */
static bool all_digits(const struct ynode *n)
{
	for (size_t i = 0; i < n->len; i++)
		if (n->str[i] < '0' || n->str[i] > '9')
			return false;
	return n->len > 0;
}

/* How a value is described in "expected X, got Y". */
static const char *got(const struct ynode *n, char *buf, size_t size)
{
	if (n->type == Y_SEQ)
		return "a list";
	if (n->type == Y_MAP)
		return "a mapping";
	if (sriov_ynode_is_null(n))
		return "null";
	snprintf(buf, size, "%s\"%.40s%s\"", n->plain ? "" : "the quoted string ",
		 n->str, n->len > 40 ? "..." : "");
	return buf;
}

int sriov_apply_expected(const struct pctx *p, const struct ynode *n,
		    const char *key, const char *what)
{
	char buf[96];

	return sriov_apply_err_at(p, n, key, "expected %s, got %s", what,
			got(n, buf, sizeof(buf)));
}

int sriov_apply_get_uint(const struct pctx *p, const struct ynode *n,
		    const char *key, unsigned long max, unsigned long *ret)
{
	char what[64];
	unsigned long v;

	if (n->type == Y_SCALAR && n->plain && all_digits(n) &&
	    (n->str[0] != '0' || n->len == 1) &&
	    sriov_parse_uint(n->str, 10, max, &v) == 0) {
		*ret = v;
		return 0;
	}
	snprintf(what, sizeof(what), "a whole number from 0 to %lu", max);
	return sriov_apply_expected(p, n, key, what);
}

int sriov_apply_get_bool(const struct pctx *p, const struct ynode *n,
		    const char *key, bool *ret)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	static const char *const old[] = { "yes", "no", "on", "off", "y", "n",
					   "Yes", "No", "On", "Off" };

	for (size_t i = 0; n->type == Y_SCALAR && n->plain && i < 3; i++)
		if (!strcmp(n->str, yes[i]) || !strcmp(n->str, no[i])) {
			*ret = !strcmp(n->str, yes[i]);
			return 0;
		}
	for (size_t i = 0; n->type == Y_SCALAR && i < ARRAY_SIZE(old); i++)
		if (!strcmp(n->str, old[i]))
			return sriov_apply_err_at(p, n, key,
					"expected true or false, got \"%s\" (YAML 1.1's yes/no/on/off are not booleans here)",
					n->str);
	return sriov_apply_expected(p, n, key, "true or false");
}

/* Any scalar but null, as text without NUL bytes, shorter than max. */
int sriov_apply_get_str(const struct pctx *p, const struct ynode *n,
		   const char *key, size_t max, const char **ret)
{
	char what[48];

	if (n->type == Y_SCALAR && !sriov_ynode_is_null(n) &&
	    n->len == strlen(n->str) && n->len < max) {
		*ret = n->str;
		return 0;
	}
	snprintf(what, sizeof(what), "a string of at most %zu characters",
		 max - 1);
	return sriov_apply_expected(p, n, key, what);
}

static size_t key_list_add(char *buf, size_t size, size_t len,
			   const char *name)
{
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "", name);
	return len;
}

static void key_list(const struct key_def *defs, char *buf, size_t size)
{
	const struct sriov_vf_key *k;
	size_t len = 0;

	buf[0] = '\0';
	for (const struct key_def *d = defs; d->name; d++) {
		if (strcmp(d->name, APPLY_VF_KEYS) != 0) {
			len = key_list_add(buf, size, len, d->name);
			continue;
		}
		for (size_t i = 0; (k = sriov_vf_key_at(i)); i++)
			len = key_list_add(buf, size, len, k->name);
	}
}

/* Whether name is d's key; for APPLY_VF_KEYS, the table's key in *vf_key. */
static bool key_is(const struct key_def *d, const char *name,
		   const struct sriov_vf_key **vf_key)
{
	if (!strcmp(d->name, APPLY_VF_KEYS))
		return (*vf_key = sriov_vf_key_find(name)) != NULL;
	return !strcmp(d->name, name);
}

/* An earlier key of the mapping with the same text, or NULL. */
static const struct ynode *same_key_before(const struct ynode *map, size_t i)
{
	const struct ynode *k = map->kids[i];

	for (size_t j = 0; j < i; j += 2)
		if (map->kids[j]->str[0] == k->str[0] &&
		    !strcmp(map->kids[j]->str, k->str))
			return map->kids[j];
	return NULL;
}

int sriov_apply_walk_map(const struct pctx *p, const struct ynode *map,
		    const struct key_def *defs, void *obj)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i], *v = map->kids[i + 1], *first;
		const struct key_def *d;
		struct pctx q = *p;
		char keys[256];
		int r;

		if (k->type != Y_SCALAR || sriov_ynode_is_null(k))
			return sriov_apply_err_at(p, k, NULL, "keys must be strings");
		first = same_key_before(map, i);
		if (first)
			return sriov_apply_err_at(p, k, k->str,
						"given twice (first at line %d)",
						first->line);
		q.vf_key = NULL;
		for (d = defs; d->name && !key_is(d, k->str, &q.vf_key); d++)
			;
		if (!d->name) {
			key_list(defs, keys, sizeof(keys));
			return sriov_apply_err_at(p, k, NULL,
					"unknown key \"%.40s\"; expected one of: %s",
					k->str, keys);
		}
		r = d->set(&q, obj, k, v);
		if (r < 0)
			return r;
	}
	return 0;
}

int sriov_apply_get_mtu(const struct pctx *p, const struct ynode *n, const char *key,
		  unsigned int *ret)
{
	char what[64];
	unsigned long v;
	int r = sriov_apply_get_uint(p, n, key, 0xffffffffu, &v);

	if (r < 0)
		return r;
	if (v < SRIOV_MTU_MIN || v > SRIOV_MTU_MAX) {
		snprintf(what, sizeof(what), "an MTU from %u to %u", SRIOV_MTU_MIN,
			 SRIOV_MTU_MAX);
		return sriov_apply_expected(p, n, key, what);
	}
	*ret = (unsigned int)v;
	return 0;
}

int sriov_apply_get_rate(const struct pctx *p, const struct ynode *n, const char *key,
		   uint64_t *ret)
{
	const char *s;
	int r = sriov_apply_get_str(p, n, key, 32, &s);

	if (r == 0 && sriov_rate_parse(s, ret) < 0)
		r = sriov_apply_expected(p, n, key,
				   "a rate like 100mbit, 1gbit or a number of Mbit/s");
	return r;
}
