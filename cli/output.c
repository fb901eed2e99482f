/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

enum node_type { N_OBJ, N_LIST, N_STR, N_NUM, N_BOOL, N_NULL, N_STRV };

struct node {
	enum node_type type;
	char *key;     /* JSON key, NULL: text only */
	char *label;   /* text label, NULL: JSON only */
	char *json;    /* scalar as JSON text */
	char *text;    /* scalar as text */
	struct node *parent;
	struct node *first, *last, *next;
};

struct out {
	bool json, pretty;
	struct node *root;  /* a synthetic list holding top-level values */
	struct node *cur;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p) {
		fputs("sriovctl: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return s ? strcpy(xcalloc(1, strlen(s) + 1), s) : NULL;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fputs("sriovctl: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

static void node_free(struct node *n)
{
	while (n) {
		struct node *next = n->next;

		node_free(n->first);
		free(n->key);
		free(n->label);
		free(n->json);
		free(n->text);
		free(n);
		n = next;
	}
}

struct out *out_new(bool json, bool pretty)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->json = json;
	o->pretty = pretty;
	o->root = xcalloc(1, sizeof(*o->root));
	o->root->type = N_LIST;
	o->cur = o->root;
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	node_free(o->root);
	free(o);
}

static struct node *add(struct out *o, enum node_type t, const char *key,
			const char *label)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->key = xstrdup(key);
	n->label = xstrdup(label);
	n->parent = o->cur;
	if (o->cur->last)
		o->cur->last->next = n;
	else
		o->cur->first = n;
	o->cur->last = n;
	return n;
}

void out_obj_begin(struct out *o, const char *key, const char *label)
{
	o->cur = add(o, N_OBJ, key, label);
}

void out_list_begin(struct out *o, const char *key, const char *label)
{
	o->cur = add(o, N_LIST, key, label);
}

void out_obj_end(struct out *o)
{
	o->cur = o->cur->parent;
}

void out_list_end(struct out *o)
{
	o->cur = o->cur->parent;
}

static void scalar(struct out *o, enum node_type t, const char *key,
		   const char *label, char *json, char *text)
{
	struct node *n = add(o, t, key, label);

	n->json = json;
	n->text = text;
}

void out_str(struct out *o, const char *key, const char *label,
	     const char *value)
{
	if (!value)
		scalar(o, N_NULL, key, label, xstrdup("null"), xstrdup("-"));
	else
		scalar(o, N_STR, key, label, xstrdup(value), xstrdup(value));
}

void out_int(struct out *o, const char *key, const char *label,
	     long long value, bool present)
{
	if (!present)
		scalar(o, N_NULL, key, label, xstrdup("null"), xstrdup("-"));
	else
		scalar(o, N_NUM, key, label, xasprintf("%lld", value),
		       xasprintf("%lld", value));
}

void out_hex(struct out *o, const char *key, const char *label,
	     unsigned long value, int width, bool present)
{
	if (!present)
		scalar(o, N_NULL, key, label, xstrdup("null"), xstrdup("-"));
	else
		scalar(o, N_STR, key, label, xasprintf("%0*lx", width, value),
		       xasprintf("%0*lx", width, value));
}

void out_bool(struct out *o, const char *key, const char *label, int value)
{
	if (value < 0)
		scalar(o, N_NULL, key, label, xstrdup("null"), xstrdup("-"));
	else
		scalar(o, N_BOOL, key, label,
		       xstrdup(value ? "true" : "false"),
		       xstrdup(value ? "on" : "off"));
}

void out_yesno(struct out *o, const char *key, const char *label, bool value)
{
	scalar(o, N_BOOL, key, label, xstrdup(value ? "true" : "false"),
	       xstrdup(value ? "yes" : "no"));
}

void out_text(struct out *o, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("?");
	va_end(ap);
	scalar(o, N_STR, NULL, label, NULL, s);
}

void out_strv(struct out *o, const char *key, const char *label,
	      const char *const *values)
{
	struct node *n = add(o, N_STRV, key, label);
	size_t tlen = 1;

	o->cur = n;
	for (size_t i = 0; values && values[i]; i++) {
		scalar(o, N_STR, NULL, NULL, xstrdup(values[i]), NULL);
		tlen += strlen(values[i]) + 1;
	}
	o->cur = n->parent;
	n->text = xcalloc(1, tlen + 1);
	for (struct node *c = n->first; c; c = c->next) {
		if (c != n->first)
			strcat(n->text, ",");
		strcat(n->text, c->json);
	}
	if (!n->first) {
		free(n->text);
		n->text = xstrdup("-");
	}
}

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_indent(FILE *f, bool pretty, int depth)
{
	if (!pretty)
		return;
	fputc('\n', f);
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

static void json_node(FILE *f, const struct node *n, bool pretty, int depth);

static void json_children(FILE *f, const struct node *n, bool pretty,
			  int depth, bool keys)
{
	bool first = true;

	for (const struct node *c = n->first; c; c = c->next) {
		if (keys && !c->key)
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		json_indent(f, pretty, depth + 1);
		if (keys) {
			json_write_string(f, c->key);
			fputs(pretty ? ": " : ":", f);
		}
		json_node(f, c, pretty, depth + 1);
	}
	if (!first)
		json_indent(f, pretty, depth);
}

static void json_node(FILE *f, const struct node *n, bool pretty, int depth)
{
	switch (n->type) {
	case N_OBJ:
		fputc('{', f);
		json_children(f, n, pretty, depth, true);
		fputc('}', f);
		break;
	case N_LIST:
	case N_STRV:
		fputc('[', f);
		json_children(f, n, pretty, depth, false);
		fputc(']', f);
		break;
	case N_STR:
		json_write_string(f, n->json);
		break;
	default:
		fputs(n->json, f);
	}
}

static bool is_scalar(const struct node *n)
{
	return n->type != N_OBJ && n->type != N_LIST;
}

static const char *text_of(const struct node *n)
{
	return n->text ? n->text : "-";
}

static void detail(FILE *f, const struct node *n, int indent);
static void table(FILE *f, const struct node *list, int indent);

static void section(FILE *f, const struct node *c, int indent)
{
	fprintf(f, "\n%*s%s:\n", indent, "", c->label);
	if (c->type == N_OBJ)
		detail(f, c, indent + 2);
	else if (!c->first)
		fprintf(f, "%*s(none)\n", indent + 2, "");
	else
		table(f, c, indent + 2);
}

static void detail(FILE *f, const struct node *n, int indent)
{
	int width = 0;

	for (const struct node *c = n->first; c; c = c->next)
		if (c->label && is_scalar(c) && (int)strlen(c->label) > width)
			width = (int)strlen(c->label);
	for (const struct node *c = n->first; c; c = c->next)
		if (c->label && is_scalar(c))
			fprintf(f, "%*s%s:%*s %s\n", indent, "", c->label,
				width - (int)strlen(c->label), "", text_of(c));
	for (const struct node *c = n->first; c; c = c->next)
		if (c->label && !is_scalar(c))
			section(f, c, indent);
}

struct column {
	const char *label;
	int width;
};

static int column_index(struct column *cols, int n, const char *label)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cols[i].label, label))
			return i;
	return -1;
}

static int collect_columns(const struct node *list, struct column *cols,
			   int max)
{
	int n = 0;

	for (const struct node *row = list->first; row; row = row->next)
		for (const struct node *c = row->first; c; c = c->next) {
			int i, w;

			if (!c->label || !is_scalar(c))
				continue;
			i = column_index(cols, n, c->label);
			if (i < 0 && n < max) {
				i = n++;
				cols[i].label = c->label;
				cols[i].width = (int)strlen(c->label);
			}
			w = (int)strlen(text_of(c));
			if (i >= 0 && w > cols[i].width)
				cols[i].width = w;
		}
	return n;
}

static void table_row(FILE *f, struct column *cols, int n,
		      const char *const *cells, int indent)
{
	fprintf(f, "%*s", indent, "");
	for (int i = 0; i < n; i++) {
		if (i == n - 1)
			fprintf(f, "%s\n", cells[i]);
		else
			fprintf(f, "%-*s  ", cols[i].width, cells[i]);
	}
}

static void table(FILE *f, const struct node *list, int indent)
{
	struct column cols[32];
	const char *cells[32];
	char heads[32][64];
	int n = collect_columns(list, cols, 32);

	if (n == 0)
		return;
	for (int i = 0; i < n; i++) {
		size_t j;

		for (j = 0; cols[i].label[j] && j < sizeof(heads[i]) - 1; j++)
			heads[i][j] = (char)(cols[i].label[j] >= 'a' &&
					     cols[i].label[j] <= 'z'
					     ? cols[i].label[j] - 32
					     : cols[i].label[j]);
		heads[i][j] = '\0';
		cells[i] = heads[i];
	}
	table_row(f, cols, n, cells, indent);
	for (const struct node *row = list->first; row; row = row->next) {
		for (int i = 0; i < n; i++)
			cells[i] = "-";
		for (const struct node *c = row->first; c; c = c->next) {
			int i = c->label ? column_index(cols, n, c->label) : -1;

			if (i >= 0 && is_scalar(c))
				cells[i] = text_of(c);
		}
		table_row(f, cols, n, cells, indent);
	}
}

static void text_node(FILE *f, const struct node *n)
{
	if (n->type == N_OBJ)
		detail(f, n, 0);
	else if (n->type == N_LIST && n->first && n->first->type == N_OBJ)
		table(f, n, 0);
	else if (n->type == N_LIST)
		for (const struct node *c = n->first; c; c = c->next)
			fprintf(f, "%s\n", text_of(c));
	else
		fprintf(f, "%s\n", text_of(n));
}

void out_flush(struct out *o, FILE *f)
{
	for (const struct node *n = o->root->first; n; n = n->next) {
		if (o->json) {
			json_node(f, n, o->pretty, 0);
			fputc('\n', f);
		} else {
			text_node(f, n);
		}
	}
	node_free(o->root->first);
	o->root->first = o->root->last = NULL;
	o->cur = o->root;
	fflush(f);
}
