/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * YAML and JSON (a JSON document is YAML flow style) through libyaml's
 * event parser, into a tree that keeps each node's line and column. The
 * tree is built without recursion and bounded in depth and size, so
 * hostile input costs at most YNODE_MAX_NODES nodes.
 *
 * Nodes, their text and their lists of children live in a few large
 * blocks owned by the root and freed at once: a node's children gather on
 * one shared stack while it is open and are copied out, exactly sized,
 * when it closes, so nothing is grown or freed node by node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "apply_internal.h"

#define BLOCK_SIZE (64u << 10)

/* One block of the tree's memory; blocks chain from the newest. */
struct yblock {
	struct yblock *prev;
	size_t used;
	size_t size;
	max_align_t data[];
};

/* The root node, with the blocks of its whole tree. */
struct yroot {
	struct ynode node;
	struct yblock *blocks;
};

struct loader {
	struct sriov_ctx *ctx;
	const char *name;
	struct yroot *root;
	struct yblock *blocks;
	struct ynode *stack[YNODE_MAX_DEPTH];
	size_t first_kid[YNODE_MAX_DEPTH];      /* of each open node in kids */
	int depth;
	struct ynode **kids;                    /* children of the open nodes */
	size_t n_kids;
	size_t cap_kids;
	size_t n_nodes;
	int n_docs;
};

static void free_blocks(struct yblock *b)
{
	while (b) {
		struct yblock *prev = b->prev;

		free(b);
		b = prev;
	}
}

void sriov_ynode_free(struct ynode *n)
{
	if (n)
		free_blocks(((struct yroot *)n)->blocks);
}

/* size bytes from the current block, or from a new one. */
static void *alloc(struct loader *l, size_t size)
{
	struct yblock *b = l->blocks;
	size_t a = _Alignof(max_align_t);

	size = (size + a - 1) / a * a;
	if (!b || b->size - b->used < size) {
		size_t bs = size > BLOCK_SIZE ? size : BLOCK_SIZE;

		b = malloc(sizeof(*b) + bs);
		if (!b)
			return NULL;
		b->prev = l->blocks;
		b->used = 0;
		b->size = bs;
		l->blocks = b;
	}
	b->used += size;
	return (char *)b->data + b->used - size;
}

static int push_kid(struct loader *l, struct ynode *kid)
{
	if (l->n_kids == l->cap_kids) {
		size_t cap = l->cap_kids ? l->cap_kids * 2 : 256;
		struct ynode **k = realloc(l->kids, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		l->kids = k;
		l->cap_kids = cap;
	}
	l->kids[l->n_kids++] = kid;
	return 0;
}

/* The open node at the top gets its children, copied from the stack. */
static int close_node(struct loader *l)
{
	struct ynode *n = l->stack[--l->depth];
	size_t first = l->first_kid[l->depth];

	n->n = l->n_kids - first;
	if (n->n) {
		n->kids = alloc(l, n->n * sizeof(*n->kids));
		if (!n->kids)
			return -ENOMEM;
		memcpy(n->kids, l->kids + first, n->n * sizeof(*n->kids));
	}
	l->n_kids = first;
	return 0;
}

static int load_err(struct loader *l, const yaml_mark_t *m, const char *what)
{
	return sriov_err(l->ctx, EINVAL, "%s:%zu:%zu: %s", l->name, m->line + 1,
			 m->column + 1, what);
}

/* Creates a node at the event's position and hangs it where it belongs. */
static int new_node(struct loader *l, const yaml_event_t *e,
		    enum ynode_type type, struct ynode **ret)
{
	struct ynode *n;
	int r = 0;

	if (++l->n_nodes > YNODE_MAX_NODES)
		return load_err(l, &e->start_mark,
				"document too large (more than 1000000 nodes)");
	if (l->depth == 0 && l->root)
		return load_err(l, &e->start_mark, "more than one root node");
	if (l->depth == 0) {
		l->root = alloc(l, sizeof(*l->root));
		n = l->root ? &l->root->node : NULL;
	} else {
		n = alloc(l, sizeof(*n));
	}
	if (!n)
		return -ENOMEM;
	*n = (struct ynode){ .type = type,
			     .line = (int)e->start_mark.line + 1,
			     .col = (int)e->start_mark.column + 1 };
	if (l->depth > 0)
		r = push_kid(l, n);
	if (r < 0)
		return r;
	*ret = n;
	return 0;
}

static int on_scalar(struct loader *l, const yaml_event_t *e)
{
	const yaml_char_t *tag = e->data.scalar.tag;
	struct ynode *n;
	int r;

	if (tag)
		return load_err(l, &e->start_mark,
				"YAML tags (\"!!str\", \"!foo\") are not supported");
	r = new_node(l, e, Y_SCALAR, &n);
	if (r < 0)
		return r;
	n->len = e->data.scalar.length;
	n->str = alloc(l, n->len + 1);
	if (!n->str)
		return -ENOMEM;
	memcpy(n->str, e->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return 0;
}

static int on_open(struct loader *l, const yaml_event_t *e,
		   enum ynode_type type, const yaml_char_t *tag)
{
	struct ynode *n;
	int r;

	if (tag)
		return load_err(l, &e->start_mark,
				"YAML tags (\"!!map\", \"!foo\") are not supported");
	if (l->depth >= YNODE_MAX_DEPTH)
		return load_err(l, &e->start_mark, "nested too deeply");
	r = new_node(l, e, type, &n);
	if (r < 0)
		return r;
	l->first_kid[l->depth] = l->n_kids;
	l->stack[l->depth++] = n;
	return 0;
}

static bool has_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return e->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return e->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return e->data.mapping_start.anchor != NULL;
	default:
		return false;
	}
}

/* One event; returns 1 at the end of the stream. */
static int on_event(struct loader *l, const yaml_event_t *e)
{
	if (has_anchor(e) || e->type == YAML_ALIAS_EVENT)
		return load_err(l, &e->start_mark,
				"YAML anchors and aliases (&name, *name) are not supported");
	switch (e->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++l->n_docs > 1)
			return load_err(l, &e->start_mark,
					"a second YAML document (\"---\"): put each state in one document");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(l, e);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(l, e, Y_SEQ, e->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return on_open(l, e, Y_MAP, e->data.mapping_start.tag);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_node(l);
	default:
		return 0;
	}
}

static int parse_failed(struct loader *l, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	char what[256];

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	snprintf(what, sizeof(what), "invalid YAML/JSON: %s%s%s",
		 p->problem ? p->problem : "syntax error",
		 p->context ? " " : "", p->context ? p->context : "");
	if (p->error == YAML_READER_ERROR)
		return sriov_err(l->ctx, EINVAL, "%s:%zu: %s (at byte %zu)",
				 l->name, m->line + 1, what, p->problem_offset);
	return load_err(l, m, what);
}

int sriov_ynode_load(struct sriov_ctx *ctx, const char *name, const char *text,
	       size_t len, struct ynode **ret_root)
{
	struct loader l = { .ctx = ctx, .name = name };
	yaml_parser_t p;
	yaml_event_t e;
	int r = 0;

	if (len > APPLY_MAX_TEXT)
		return sriov_err(ctx, EFBIG, "%s: larger than 16 MiB", name);
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (r == 0) {
		if (!yaml_parser_parse(&p, &e)) {
			r = parse_failed(&l, &p);
			break;
		}
		r = on_event(&l, &e);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	free(l.kids);
	if (r >= 0 && !l.root)
		r = sriov_err(ctx, EINVAL,
			      "%s:1:1: empty document: expected a mapping with \"pfs\"",
			      name);
	if (r < 0) {
		free_blocks(l.blocks);
		return r;
	}
	l.root->blocks = l.blocks;
	*ret_root = &l.root->node;
	return 0;
}
