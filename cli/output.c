/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

enum node_type { N_OBJ, N_LIST, N_STR, N_NUM, N_BOOL, N_NULL, N_STRV };

/* Text only; the label and the text live in the node's own allocation. */
struct node {
	enum node_type type;
	const char *label;   /* NULL: JSON only */
	const char *text;    /* scalar as text */
	struct node *parent;
	struct node *first, *last, *next;
};

/* JSON is written as the values come, into a buffer out_flush() writes. */
struct jbuf {
	char *s;
	size_t len, cap;
};

struct jlevel {
	bool obj;           /* an object: members need keys */
	bool has_members;
};

/* Text nodes are carved out of blocks that go all at once. */
struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

#define BLOCK_SIZE (64 * 1024)

struct out {
	bool json, pretty;
	/* text: a tree, for tables need every row to size their columns */
	struct node *root;  /* a synthetic list holding top-level values */
	struct node *cur;
	struct block *blocks; /* the nodes under root, newest block first */
	/* JSON */
	struct jbuf jb;
	struct jlevel *levels; /* [0] is the top level */
	size_t depth, n_levels;
	size_t skip;        /* > 0: inside a container JSON leaves out */
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

/* size zeroed bytes for a node and its strings, aligned for a node */
static void *block_alloc(struct out *o, size_t size)
{
	struct block *b = o->blocks;
	void *p;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!b || b->size - b->used < size) {
		size_t cap = size > BLOCK_SIZE ? size : BLOCK_SIZE;

		b = malloc(sizeof(*b) + cap);
		if (!b) {
			fputs("sriovctl: out of memory\n", stderr);
			exit(1);
		}
		b->used = 0;
		b->size = cap;
		b->next = o->blocks;
		o->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	return memset(p, 0, size);
}

static void nodes_free(struct out *o)
{
	while (o->blocks) {
		struct block *next = o->blocks->next;

		free(o->blocks);
		o->blocks = next;
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
	o->n_levels = 8;
	o->levels = xcalloc(o->n_levels, sizeof(*o->levels));
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	nodes_free(o);
	free(o->root);
	free(o->jb.s);
	free(o->levels);
	free(o);
}

static void jb_grow(struct jbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;

	while (cap < b->len + n)
		cap *= 2;
	b->s = realloc(b->s, cap);
	if (!b->s) {
		fputs("sriovctl: out of memory\n", stderr);
		exit(1);
	}
	b->cap = cap;
}

static inline void jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap)
		jb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void jb_puts(struct jbuf *b, const char *s)
{
	jb_put(b, s, strlen(s));
}

static void jb_string(struct jbuf *b, const char *s);

/*
 * A member's key and its colon. Keys are the program's own snake_case
 * names (the schemas in cli/schemas/ list them), never data, so they are
 * copied as they are.
 */
static void jb_key(struct jbuf *b, const char *key, bool pretty)
{
	size_t n = strlen(key);
	char *d;

	if (b->len + n + 4 > b->cap)
		jb_grow(b, n + 4);
	d = b->s + b->len;
	*d++ = '"';
	memcpy(d, key, n);
	d += n;
	*d++ = '"';
	*d++ = ':';
	if (pretty)
		*d++ = ' ';
	b->len = (size_t)(d - b->s);
}

static inline void jb_putc(struct jbuf *b, char c)
{
	if (b->len + 1 > b->cap)
		jb_grow(b, 1);
	b->s[b->len++] = c;
}

static void jb_indent(struct out *o, size_t depth)
{
	static const char spaces[] = "                                ";

	if (!o->pretty)
		return;
	jb_put(&o->jb, "\n", 1);
	for (size_t n = 2 * depth; n > 0;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		jb_put(&o->jb, spaces, k);
		n -= k;
	}
}

/*
 * Starts a value in the current container: the comma, the indentation,
 * the key. False when JSON leaves it out: a field without key in an
 * object, anything inside a container left out.
 */
static bool jb_member(struct out *o, const char *key)
{
	struct jlevel *l = &o->levels[o->depth];

	if (o->skip || (o->depth > 0 && l->obj && !key))
		return false;
	if (o->depth == 0)
		return true;
	if (l->has_members)
		jb_putc(&o->jb, ',');
	l->has_members = true;
	jb_indent(o, o->depth);
	if (l->obj)
		jb_key(&o->jb, key, o->pretty);
	return true;
}

/* A value at the top level ends its line. */
static void jb_done(struct out *o)
{
	if (o->depth == 0)
		jb_put(&o->jb, "\n", 1);
}

static void jb_open(struct out *o, const char *key, bool obj)
{
	if (!jb_member(o, key)) {
		o->skip++;
		return;
	}
	jb_put(&o->jb, obj ? "{" : "[", 1);
	if (++o->depth == o->n_levels) {
		o->n_levels *= 2;
		o->levels = realloc(o->levels, o->n_levels * sizeof(*o->levels));
		if (!o->levels) {
			fputs("sriovctl: out of memory\n", stderr);
			exit(1);
		}
	}
	o->levels[o->depth] = (struct jlevel){ .obj = obj };
}

static void jb_close(struct out *o)
{
	const struct jlevel *l;

	if (o->skip) {
		o->skip--;
		return;
	}
	l = &o->levels[o->depth--];
	if (l->has_members)
		jb_indent(o, o->depth);
	jb_put(&o->jb, l->obj ? "}" : "]", 1);
	jb_done(o);
}

/* A scalar: raw JSON text (a number, true, null) or a string. */
static void jb_scalar(struct out *o, const char *key, const char *raw,
		      const char *str)
{
	if (!jb_member(o, key))
		return;
	if (str)
		jb_string(&o->jb, str);
	else
		jb_puts(&o->jb, raw);
	jb_done(o);
}

/* A node holding copies of label and text (either may be NULL). */
static struct node *add(struct out *o, enum node_type t, const char *label,
			const char *text)
{
	size_t llen = label ? strlen(label) + 1 : 0, tlen = text ? strlen(text) + 1 : 0;
	struct node *n = block_alloc(o, sizeof(*n) + llen + tlen);
	char *p = (char *)(n + 1);

	n->type = t;
	if (label)
		n->label = memcpy(p, label, llen);
	if (text)
		n->text = memcpy(p + llen, text, tlen);
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
	if (o->json)
		jb_open(o, key, true);
	else
		o->cur = add(o, N_OBJ, label, NULL);
}

void out_list_begin(struct out *o, const char *key, const char *label)
{
	if (o->json)
		jb_open(o, key, false);
	else
		o->cur = add(o, N_LIST, label, NULL);
}

void out_obj_end(struct out *o)
{
	if (o->json)
		jb_close(o);
	else
		o->cur = o->cur->parent;
}

void out_list_end(struct out *o)
{
	out_obj_end(o);
}

/* Text: a field of the tree (its key is JSON's alone). */
static void scalar(struct out *o, enum node_type t, const char *label,
		   const char *text)
{
	add(o, t, label, text);
}

void out_str(struct out *o, const char *key, const char *label,
	     const char *value)
{
	if (o->json)
		jb_scalar(o, key, "null", value);
	else
		scalar(o, value ? N_STR : N_NULL, label, value ? value : "-");
}

/* Decimal digits of v, written backwards from end; returns the first. */
static char *format_ll(char *end, long long value)
{
	unsigned long long v = value < 0 ? 0 - (unsigned long long)value
					 : (unsigned long long)value;
	char *p = end;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (value < 0)
		*--p = '-';
	return p;
}

void out_int(struct out *o, const char *key, const char *label,
	     long long value, bool present)
{
	char num[32];
	const char *text = present ? format_ll(num + sizeof(num) - 1, value) : NULL;

	if (o->json)
		jb_scalar(o, key, text ? text : "null", NULL);
	else
		scalar(o, present ? N_NUM : N_NULL, label, present ? text : "-");
}

void out_number(struct out *o, const char *key, const char *label,
		const char *digits)
{
	if (o->json)
		jb_scalar(o, key, digits ? digits : "null", NULL);
	else
		scalar(o, digits ? N_NUM : N_NULL, label, digits ? digits : "-");
}

/* value in hex, lower case, zero-padded to width digits (at most 16). */
static const char *format_hex(char *buf, size_t size, unsigned long value,
			      int width)
{
	static const char digits[] = "0123456789abcdef";
	char *p = buf + size - 1;

	*p = '\0';
	do {
		*--p = digits[value & 0xf];
		value >>= 4;
	} while (value && p > buf);
	while (buf + size - 1 - p < width && p > buf)
		*--p = '0';
	return p;
}

void out_hex(struct out *o, const char *key, const char *label,
	     unsigned long value, int width, bool present)
{
	char hex[32];
	const char *text = present ? format_hex(hex, sizeof(hex), value, width) : NULL;

	if (o->json)
		jb_scalar(o, key, "null", text);
	else
		scalar(o, present ? N_STR : N_NULL, label, present ? text : "-");
}

void out_bool(struct out *o, const char *key, const char *label, int value)
{
	if (o->json)
		jb_scalar(o, key, value < 0 ? "null" : value ? "true" : "false",
			  NULL);
	else
		scalar(o, value < 0 ? N_NULL : N_BOOL, label,
		       value < 0 ? "-" : value ? "on" : "off");
}

void out_yesno(struct out *o, const char *key, const char *label, bool value)
{
	if (o->json)
		jb_scalar(o, key, value ? "true" : "false", NULL);
	else
		scalar(o, N_BOOL, label, value ? "yes" : "no");
}

void out_text(struct out *o, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (o->json)
		return;         /* text only */
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("?");
	va_end(ap);
	scalar(o, N_STR, label, s);
	free(s);
}

void out_strv(struct out *o, const char *key, const char *label,
	      const char *const *values)
{
	size_t tlen = 1;
	char *text;

	if (o->json) {
		jb_open(o, key, false);
		for (size_t i = 0; values && values[i]; i++)
			jb_scalar(o, NULL, NULL, values[i]);
		jb_close(o);
		return;
	}
	for (size_t i = 0; values && values[i]; i++)
		tlen += strlen(values[i]) + 1;
	text = xcalloc(1, tlen + 1);
	for (size_t i = 0; values && values[i]; i++) {
		if (i)
			strcat(text, ",");
		strcat(text, values[i]);
	}
	scalar(o, N_STRV, label, values && values[0] ? text : "-");
	free(text);
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

/* Printable ASCII but '"' and '\\': what a JSON string holds as it is. */
static const bool json_plain_bytes[256] = {
	[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7e] = true,
};

static inline bool json_plain(unsigned char c)
{
	return json_plain_bytes[c];
}

/*
 * JSON is UTF-8: a byte that is not part of well-formed UTF-8 becomes
 * U+FFFD, and control characters are escaped, so that what came from
 * sysfs or a file can neither break a parser nor reach a terminal raw.
 * Runs of printable ASCII are copied whole.
 */
static void jb_string(struct jbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t plain;

	while (json_plain(*p))
		p++;
	plain = (size_t)(p - (const unsigned char *)s);
	if (!*p) {
		if (b->len + plain + 2 > b->cap)
			jb_grow(b, plain + 2);
		b->s[b->len] = '"';
		memcpy(b->s + b->len + 1, s, plain);
		b->s[b->len + plain + 1] = '"';
		b->len += plain + 2;
		return;
	}
	p = (const unsigned char *)s;
	jb_put(b, "\"", 1);
	while (*p) {
		const unsigned char *run = p;
		unsigned int cp;
		char esc[8];
		size_t n;

		while (json_plain(*p))
			p++;
		if (p > run)
			jb_put(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		n = utf8_seq(p, &cp);
		if (n == 0)
			jb_puts(b, "\\ufffd");
		else if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\t' ||
			 cp == '\r') {
			esc[0] = '\\';
			esc[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' :
				 cp == '\r' ? 'r' : (char)cp;
			jb_put(b, esc, 2);
		} else if (is_control(cp)) {
			snprintf(esc, sizeof(esc), "\\u%04x", cp);
			jb_put(b, esc, 6);
		} else {
			jb_put(b, (const char *)p, n);
		}
		p += n ? n : 1;
	}
	jb_put(b, "\"", 1);
}

void json_write_string(FILE *f, const char *s)
{
	struct jbuf b = { 0 };

	jb_string(&b, s);
	fwrite(b.s, 1, b.len, f);
	free(b.s);
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
		const unsigned char *run = p;
		unsigned int cp;
		size_t n;

		while (*p >= 0x20 && *p < 0x7f)
			p++;
		if (p > run) {
			if (f)
				fwrite(run, 1, (size_t)(p - run), f);
			cols += (size_t)(p - run);
			continue;
		}
		n = utf8_seq(p, &cp);
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

/* Rows repeat their labels in order: the search starts at hint. */
static int column_index(struct column *cols, int n, const char *label, int hint)
{
	for (int k = 0; k < n; k++) {
		int i = (hint + k) % n;

		if (!strcmp(cols[i].label, label))
			return i;
	}
	return -1;
}

static void pad(FILE *f, int width)
{
	static const char spaces[] = "                                ";

	for (; width > 0; width -= (int)sizeof(spaces) - 1)
		fwrite(spaces, 1, width < (int)sizeof(spaces) - 1
				  ? (size_t)width : sizeof(spaces) - 1, f);
}

static int collect_columns(const struct node *list, struct column *cols,
			   int max)
{
	int n = 0;

	for (const struct node *row = list->first; row; row = row->next) {
		int hint = 0;

		for (const struct node *c = row->first; c; c = c->next) {
			int i, w;

			if (!c->label || !is_scalar(c))
				continue;
			i = column_index(cols, n, c->label, hint);
			if (i < 0 && n < max) {
				i = n++;
				cols[i].label = c->label;
				cols[i].width = (int)strlen(c->label);
			}
			w = (int)text_put(NULL, text_of(c), false);
			if (i >= 0 && w > cols[i].width)
				cols[i].width = w;
			if (i >= 0)
				hint = i + 1;
		}
	}
	return n;
}

static void table_row(FILE *f, struct column *cols, int n,
		      const char *const *cells, int indent)
{
	pad(f, indent);
	for (int i = 0; i < n; i++) {
		int w = (int)text_put(f, cells[i], false);

		if (i == n - 1)
			fputc('\n', f);
		else
			pad(f, cols[i].width - w + 2);
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
		int hint = 0;

		for (int i = 0; i < n; i++)
			cells[i] = "-";
		for (const struct node *c = row->first; c; c = c->next) {
			int i = c->label ? column_index(cols, n, c->label, hint) : -1;

			if (i >= 0 && is_scalar(c)) {
				cells[i] = text_of(c);
				hint = i + 1;
			}
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
	if (o->jb.len)
		fwrite(o->jb.s, 1, o->jb.len, f);
	o->jb.len = 0;
	for (const struct node *n = o->root->first; n; n = n->next)
		text_node(f, n);
	nodes_free(o);
	o->root->first = o->root->last = NULL;
	o->cur = o->root;
	fflush(f);
}
