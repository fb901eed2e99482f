/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VF field table: one row per key of the VF settings, in the order of
 * the JSON output. Adding a VF setting is a row here, its attribute in
 * rtnl_msg.c/rtnl_parse.c when it needs a layout of its own, and its docs.
 */
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vffield.h"

#define HEX "[0-9a-fA-F]"
#define U32 "\"type\": \"integer\", \"minimum\": 0, \"maximum\": 4294967295"
#define BOOLEAN "\"type\": \"boolean\""
#define GUID_SCHEMA "\"type\": \"string\", \"pattern\": \"^" HEX "{2}(:" HEX "{2}){7}$\""

#define AT(member)                                           \
	.offset = offsetof(struct sriov_vf_config, member), \
	.size = sizeof(((struct sriov_vf_config *)0)->member)

static const struct vf_name link_states[] = {
	{ "auto", SRIOV_LINK_STATE_AUTO },
	{ "enable", SRIOV_LINK_STATE_ENABLE },
	{ "disable", SRIOV_LINK_STATE_DISABLE },
	{ NULL, 0 },
};

static const struct vf_name vlan_protos[] = {
	{ "802.1Q", SRIOV_VLAN_PROTO_8021Q },
	{ "802.1ad", SRIOV_VLAN_PROTO_8021AD },
	{ NULL, 0 },
};

const struct sriov_vf_key_def sriov_vf_key_defs[] = {
	{ { "mac", "mac", SRIOV_VF_HAS_MAC, false, true, SRIOV_VF_VALUE_STRING,
	    "a MAC address xx:xx:xx:xx:xx:xx" },
	  VF_KIND_MAC, AT(mac), .attr = IFLA_VF_MAC,
	  .schema = "\"type\": \"string\", \"pattern\": \"^" HEX "[02468aceACE](:" HEX "{2}){5}$\", \"description\": \"unicast; only in an entry naming one VF\"" },
	{ { "vlan", "vlan", SRIOV_VF_HAS_VLAN, false, false, SRIOV_VF_VALUE_NUMBER,
	    "a whole number from 0 to 4095" },
	  VF_KIND_UINT, AT(vlan), .max = 4095,
	  .schema = "\"type\": \"integer\", \"minimum\": 0, \"maximum\": 4095" },
	{ { "qos", "qos", SRIOV_VF_HAS_VLAN, true, false, SRIOV_VF_VALUE_NUMBER,
	    "a whole number from 0 to 7" },
	  VF_KIND_UINT, AT(qos), .max = 7,
	  .schema = "\"type\": \"integer\", \"minimum\": 0, \"maximum\": 7" },
	{ { "vlan_proto", "proto", SRIOV_VF_HAS_VLAN, true, false,
	    SRIOV_VF_VALUE_STRING, "802.1Q or 802.1ad" },
	  VF_KIND_NAMES, AT(vlan_proto), .names = vlan_protos, .icase = true,
	  .dflt = SRIOV_VLAN_PROTO_8021Q,
	  .schema = "\"type\": \"string\", \"pattern\": \"^802\\\\.1([Qq]|[Aa][Dd])$\"" },
	{ { "min_tx_rate", "min-tx-rate", SRIOV_VF_HAS_MIN_TX_RATE, false, false,
	    SRIOV_VF_VALUE_NUMBER, "a whole number from 0 to 4294967295" },
	  VF_KIND_UINT, AT(min_tx_rate), .max = 0xffffffffUL,
	  .schema = U32 ", \"description\": \"Mbit/s, 0: no limit\"" },
	{ { "max_tx_rate", "max-tx-rate", SRIOV_VF_HAS_MAX_TX_RATE, false, false,
	    SRIOV_VF_VALUE_NUMBER, "a whole number from 0 to 4294967295" },
	  VF_KIND_UINT, AT(max_tx_rate), .max = 0xffffffffUL,
	  .schema = U32 ", \"description\": \"Mbit/s, 0: no limit\"" },
	{ { "spoofchk", "spoofchk", SRIOV_VF_HAS_SPOOFCHK, false, false,
	    SRIOV_VF_VALUE_BOOL, "true or false" },
	  VF_KIND_BOOL, AT(spoofchk), .attr = IFLA_VF_SPOOFCHK, .schema = BOOLEAN },
	{ { "trust", "trust", SRIOV_VF_HAS_TRUST, false, false,
	    SRIOV_VF_VALUE_BOOL, "true or false" },
	  VF_KIND_BOOL, AT(trust), .attr = IFLA_VF_TRUST, .schema = BOOLEAN },
	{ { "link_state", "state", SRIOV_VF_HAS_LINK_STATE, false, false,
	    SRIOV_VF_VALUE_STRING, "auto, enable or disable" },
	  VF_KIND_NAMES, AT(link_state), .names = link_states,
	  .attr = IFLA_VF_LINK_STATE,
	  .schema = "\"enum\": [\"auto\", \"enable\", \"disable\"]" },
	{ { "query_rss", "query-rss", SRIOV_VF_HAS_QUERY_RSS, false, false,
	    SRIOV_VF_VALUE_BOOL, "true or false" },
	  VF_KIND_BOOL, AT(query_rss), .attr = IFLA_VF_RSS_QUERY_EN,
	  .schema = BOOLEAN },
	{ { "node_guid", "node-guid", SRIOV_VF_HAS_NODE_GUID, false, true,
	    SRIOV_VF_VALUE_STRING, "a GUID xx:xx:xx:xx:xx:xx:xx:xx" },
	  VF_KIND_GUID, AT(node_guid), .attr = IFLA_VF_IB_NODE_GUID,
	  .schema = GUID_SCHEMA },
	{ { "port_guid", "port-guid", SRIOV_VF_HAS_PORT_GUID, false, true,
	    SRIOV_VF_VALUE_STRING, "a GUID xx:xx:xx:xx:xx:xx:xx:xx" },
	  VF_KIND_GUID, AT(port_guid), .attr = IFLA_VF_IB_PORT_GUID,
	  .schema = GUID_SCHEMA },
	{ { NULL } },
};

#define N_KEYS (sizeof(sriov_vf_key_defs) / sizeof(sriov_vf_key_defs[0]) - 1)

SRIOV_EXPORT const struct sriov_vf_key *sriov_vf_key_at(size_t i)
{
	return i < N_KEYS ? &sriov_vf_key_defs[i].pub : NULL;
}

SRIOV_EXPORT const struct sriov_vf_key *sriov_vf_key_find(const char *name)
{
	for (const struct sriov_vf_key_def *d = sriov_vf_key_defs;
	     name && d->pub.name; d++)
		if (!strcmp(d->pub.name, name))
			return &d->pub;
	errno = ENOENT;
	return NULL;
}

const struct sriov_vf_key_def *sriov_vf_field_def(uint32_t field)
{
	for (const struct sriov_vf_key_def *d = sriov_vf_key_defs; d->pub.name; d++)
		if (d->pub.field == field && !d->pub.part)
			return d;
	return NULL;
}

const struct sriov_vf_key_def *sriov_vf_key_by_attr(int attr)
{
	for (const struct sriov_vf_key_def *d = sriov_vf_key_defs; d->pub.name; d++)
		if (attr && d->attr == attr)
			return d;
	return NULL;
}

SRIOV_EXPORT const char *sriov_vf_field_name(uint32_t field)
{
	const struct sriov_vf_key_def *d = sriov_vf_field_def(field);

	if (d)
		return d->pub.name;
	if (field == SRIOV_VF_HAS_MTU)
		return "mtu";
	return field == SRIOV_VF_HAS_STATS ? "stats" : "unknown";
}

uint64_t sriov_vf_key_get(const struct sriov_vf_key_def *d,
			  const struct sriov_vf_config *cfg)
{
	const uint8_t *at = (const uint8_t *)cfg + d->offset;
	uint64_t v = 0;

	if (d->kind == VF_KIND_MAC)
		return 0;
	/* bool, uint8_t ... uint64_t and the enum: native integers of size */
	switch (d->size) {
	case 1: v = *(const uint8_t *)at; break;
	case 2: v = *(const uint16_t *)(const void *)at; break;
	case 4: v = *(const uint32_t *)(const void *)at; break;
	default: v = *(const uint64_t *)(const void *)at; break;
	}
	return v;
}

static bool value_valid(const struct sriov_vf_key_def *d, uint64_t v)
{
	switch (d->kind) {
	case VF_KIND_UINT:
		return v <= d->max;
	case VF_KIND_BOOL:
		return v <= 1;
	case VF_KIND_NAMES:
		for (const struct vf_name *n = d->names; n->name; n++)
			if (n->value == v)
				return true;
		return false;
	default:
		return true;
	}
}

int sriov_vf_key_set(const struct sriov_vf_key_def *d,
		     struct sriov_vf_config *cfg, uint64_t v)
{
	uint8_t *at = (uint8_t *)cfg + d->offset;

	if (d->kind == VF_KIND_MAC || !value_valid(d, v))
		return -ERANGE;
	switch (d->size) {
	case 1:
		if (d->kind == VF_KIND_BOOL)
			*(bool *)(void *)at = v;
		else
			*at = (uint8_t)v;
		break;
	case 2: *(uint16_t *)(void *)at = (uint16_t)v; break;
	case 4: *(uint32_t *)(void *)at = (uint32_t)v; break;
	default: *(uint64_t *)(void *)at = v; break;
	}
	cfg->mask |= d->pub.field;
	return 0;
}

/* "xx:xx:...": n bytes of two hex digits each, colons between. */
static int parse_hex_bytes(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != n * 3 - 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const char *b = s + i * 3;
		int hi = sriov_hex_digit(b[0]), lo = sriov_hex_digit(b[1]);

		if (hi < 0 || lo < 0 || (i + 1 < n && b[2] != ':'))
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_value(const struct sriov_vf_key_def *d, const char *text,
		       uint64_t *ret)
{
	uint8_t b[8];
	unsigned long v;
	int r;

	switch (d->kind) {
	case VF_KIND_GUID:
		r = parse_hex_bytes(text, b, 8);
		*ret = 0;
		for (int i = 0; r == 0 && i < 8; i++)
			*ret = *ret << 8 | b[i];
		return r;
	case VF_KIND_UINT:
		r = sriov_parse_uint(text, 10, d->max, &v);
		*ret = v;
		return r;
	case VF_KIND_BOOL:
		*ret = !strcmp(text, "true");
		return *ret || !strcmp(text, "false") ? 0 : -EINVAL;
	default: /* VF_KIND_NAMES */
		for (const struct vf_name *n = d->names; n->name; n++)
			if (d->icase ? !strcasecmp(n->name, text)
				     : !strcmp(n->name, text)) {
				*ret = n->value;
				return 0;
			}
		return -EINVAL;
	}
}

/* The parts of d's field not given yet take their default. */
static void parts_default(const struct sriov_vf_key_def *d,
			  struct sriov_vf_config *cfg)
{
	for (const struct sriov_vf_key_def *p = d + 1;
	     p->pub.name && p->pub.part && p->pub.field == d->pub.field; p++)
		if (!sriov_vf_key_get(p, cfg))
			sriov_vf_key_set(p, cfg, p->dflt);
}

SRIOV_EXPORT int sriov_vf_key_parse(const struct sriov_vf_key *key,
				    const char *text,
				    struct sriov_vf_config *cfg)
{
	const struct sriov_vf_key_def *d = sriov_vf_key_def_of(key);
	uint32_t mask = cfg ? cfg->mask : 0;
	uint8_t mac[6];
	uint64_t v;
	int r;

	if (!key || !text || !cfg)
		return -EINVAL;
	if (d->kind == VF_KIND_MAC) {
		r = parse_hex_bytes(text, mac, sizeof(mac));
		if (r == 0)
			memcpy(cfg->mac, mac, sizeof(mac));
		cfg->mask |= r == 0 ? d->pub.field : 0;
	} else {
		r = parse_value(d, text, &v);
		if (r == 0)
			r = sriov_vf_key_set(d, cfg, v);
	}
	/* a part alone does not make its field known */
	if (d->pub.part)
		cfg->mask = mask;
	else if (r == 0)
		parts_default(d, cfg);
	return r;
}

static const char *name_of(const struct sriov_vf_key_def *d, uint64_t v)
{
	for (const struct vf_name *n = d->names; n->name; n++)
		if (n->value == v)
			return n->name;
	/* 0 or a value the kernel added later: the first, the default */
	return d->names[0].name;
}

/* n bytes as "xx:xx:...", high byte first; buf holds 3 * n. */
static void format_hex_bytes(char *buf, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		buf[3 * i] = digits[b[i] >> 4];
		buf[3 * i + 1] = digits[b[i] & 0xf];
		buf[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
}

/* Without printf: vf list formats every key of every VF. */
static int format_value(const struct sriov_vf_key_def *d, uint64_t v,
			const uint8_t *mac, char *buf, size_t size)
{
	char num[24], *p = num + sizeof(num) - 1;
	const char *text = num;
	uint8_t b[8];
	size_t len;

	switch (d->kind) {
	case VF_KIND_MAC:
	case VF_KIND_GUID:
		len = d->kind == VF_KIND_MAC ? 6 : 8;
		if (size < 3 * len)
			return -ENOSPC;
		for (size_t i = 0; i < 8; i++)
			b[i] = (uint8_t)(v >> (56 - 8 * i));
		format_hex_bytes(buf, d->kind == VF_KIND_MAC ? mac : b, len);
		return 0;
	case VF_KIND_UINT:
		*p = '\0';
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		text = p;
		break;
	case VF_KIND_BOOL:
		text = v ? "true" : "false";
		break;
	default:
		text = name_of(d, v);
		break;
	}
	len = strlen(text);
	if (len >= size)
		return -ENOSPC;
	memcpy(buf, text, len + 1);
	return 0;
}

SRIOV_EXPORT int sriov_vf_key_format(const struct sriov_vf_key *key,
				     const struct sriov_vf_config *cfg,
				     char *buf, size_t size)
{
	const struct sriov_vf_key_def *d = sriov_vf_key_def_of(key);

	if (!key || !cfg || !buf)
		return -EINVAL;
	return format_value(d, sriov_vf_key_get(d, cfg), cfg->mac, buf, size);
}

void sriov_vf_config_copy(struct sriov_vf_config *dst,
			  const struct sriov_vf_config *src, uint32_t fields)
{
	for (const struct sriov_vf_key_def *d = sriov_vf_key_defs; d->pub.name; d++)
		if (fields & d->pub.field)
			memcpy((uint8_t *)dst + d->offset,
			       (const uint8_t *)src + d->offset, d->size);
	dst->mask |= fields;
}

bool sriov_vf_field_equal(const struct sriov_vf_config *a,
			  const struct sriov_vf_config *b, uint32_t field)
{
	for (const struct sriov_vf_key_def *d = sriov_vf_key_defs; d->pub.name; d++) {
		uint64_t va, vb;

		if (d->pub.field != field)
			continue;
		va = sriov_vf_key_get(d, a);
		vb = sriov_vf_key_get(d, b);
		if (d->kind == VF_KIND_MAC && memcmp(a->mac, b->mac, sizeof(a->mac)))
			return false;
		if ((va ? va : d->dflt) != (vb ? vb : d->dflt))
			return false;
	}
	return true;
}
