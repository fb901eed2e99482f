/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VF field table (private side): where each key's value lives in
 * struct sriov_vf_config, how its text reads, which rtnetlink attribute
 * carries it. rtnetlink, both journals, the desired-state parser and its
 * schema, and (through sriov_vf_key_*()) sriovctl all read this one table.
 */
#ifndef SRIOV_VFFIELD_H
#define SRIOV_VFFIELD_H

#include <stdint.h>

#include "internal.h"

enum vf_kind {
	VF_KIND_MAC,    /* 6 bytes, "xx:xx:xx:xx:xx:xx" */
	VF_KIND_GUID,   /* uint64_t, "xx:xx:xx:xx:xx:xx:xx:xx" */
	VF_KIND_UINT,   /* decimal, 0..max */
	VF_KIND_BOOL,   /* "true" or "false" */
	VF_KIND_NAMES,  /* one of names */
};

struct vf_name {
	const char *name;
	unsigned long value;
};

struct sriov_vf_key_def {
	struct sriov_vf_key pub;        /* first: a key points at its def */
	enum vf_kind kind;
	size_t offset;                  /* of the value in sriov_vf_config */
	size_t size;
	unsigned long max;              /* VF_KIND_UINT */
	const struct vf_name *names;    /* VF_KIND_NAMES, NULL-ended */
	bool icase;                     /* names in any case */
	unsigned long dflt;             /* a part's value until it is given */
	/* the IFLA_VF_* attribute { u32 vf; value } of its own, or 0 */
	int attr;
	const char *schema;             /* JSON Schema of the value */
};

/* Every key, in table order, ending with a NULL name. */
extern const struct sriov_vf_key_def sriov_vf_key_defs[];

static inline const struct sriov_vf_key_def *
sriov_vf_key_def_of(const struct sriov_vf_key *key)
{
	return (const struct sriov_vf_key_def *)key;
}

/* The first key of a field (its one key, or "vlan"), or NULL. */
const struct sriov_vf_key_def *sriov_vf_field_def(uint32_t field);
/* The key that IFLA_VF_* attr carries on its own, or NULL. */
const struct sriov_vf_key_def *sriov_vf_key_by_attr(int attr);

/* A key's value as a number (a MAC: 0), and set from one (-ERANGE). */
uint64_t sriov_vf_key_get(const struct sriov_vf_key_def *d,
			  const struct sriov_vf_config *cfg);
int sriov_vf_key_set(const struct sriov_vf_key_def *d,
		     struct sriov_vf_config *cfg, uint64_t v);

/* Copies the values of fields from src and adds fields to dst->mask. */
void sriov_vf_config_copy(struct sriov_vf_config *dst,
			  const struct sriov_vf_config *src, uint32_t fields);
/* Whether a and b hold the same value of one field (a part 0: its default). */
bool sriov_vf_field_equal(const struct sriov_vf_config *a,
			  const struct sriov_vf_config *b, uint32_t field);

#endif
