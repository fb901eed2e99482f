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

static char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0) {
		fputs("sriovctl: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
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

/*
 * The length (1-4) of the well-formed UTF-8 sequence at p, its code point
 * in *ret_cp; 0 for a byte that starts none: a stray continuation byte,
 * an overlong form, a surrogate, a value beyond U+10FFFF, a sequence cut
 * short (by the terminating NUL too).
 */
static size_t utf8_seq(const unsigned char *p, unsigned int *ret_cp)
{
	unsigned int cp = p[0];
	size_t n;

	*ret_cp = cp;
	if (cp < 0x80)
		return 1;
	n = cp < 0xc2 ? 0 : cp < 0xe0 ? 2 : cp < 0xf0 ? 3 : cp < 0xf5 ? 4 : 0;
	if (n == 0)
		return 0;
	cp &= 0x7fu >> n;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/* C0 and C1 control characters and DEL: what a terminal may act on. */
static bool is_control(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/*
 * JSON is UTF-8: a byte that is not part of well-formed UTF-8 becomes
 * U+FFFD, and control characters are escaped, so that what came from
 * sysfs or a file can neither break a parser nor reach a terminal raw.
 */
void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned int cp;
		size_t n = utf8_seq(p, &cp);

		if (n == 0)
			fputs("\\ufffd", f);
		else if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else if (is_control(cp))
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/*
 * Writes s for a terminal (f NULL: only measures it) and returns the
 * columns it takes. Control characters and bytes that are not UTF-8 are
 * written as \xNN; newlines and tabs stay only where a value has lines
 * of its own (multiline), not in a table cell or a "label: value" line.
 */
static size_t text_put(FILE *f, const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cols = 0;

	while (*p) {
		unsigned int cp;
		size_t n = utf8_seq(p, &cp);

		if (n == 0 || (is_control(cp) &&
			       !(multiline && (cp == '\n' || cp == '\t')))) {
			/* a C1 control is two bytes in UTF-8: both escaped */
			for (size_t i = 0; i < (n ? n : 1); i++, cols += 4)
				if (f)
					fprintf(f, "\\x%02x", p[i]);
		} else {
			if (f)
				fwrite(p, 1, n, f);
			cols++;
		}
		p += n ? n : 1;
	}
	return cols;
}

void text_write(FILE *f, const char *s)
{
	text_put(f, s, false);
}

void text_write_line(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	text_put(f, s, false);
	fputc('\n', f);
	free(s);
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
		if (c->label && is_scalar(c)) {
			fprintf(f, "%*s%s:%*s ", indent, "", c->label,
				width - (int)strlen(c->label), "");
			text_put(f, text_of(c), false);
			fputc('\n', f);
		}
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
			w = (int)text_put(NULL, text_of(c), false);
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
		int w = (int)text_put(f, cells[i], false);

		if (i == n - 1)
			fputc('\n', f);
		else
			fprintf(f, "%*s  ", cols[i].width - w, "");
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

/* A value on lines of its own (qemu args, libvirt XML, doctor's findings). */
static void value_lines(FILE *f, const struct node *n)
{
	text_put(f, text_of(n), true);
	fputc('\n', f);
}

static void text_node(FILE *f, const struct node *n)
{
	if (n->type == N_OBJ)
		detail(f, n, 0);
	else if (n->type == N_LIST && n->first && n->first->type == N_OBJ)
		table(f, n, 0);
	else if (n->type == N_LIST)
		for (const struct node *c = n->first; c; c = c->next)
			value_lines(f, c);
	else
		value_lines(f, n);
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
