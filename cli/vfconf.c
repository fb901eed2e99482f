/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF settings on the command line and in output. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfconf.h"

static int bad(struct cli *cli, const char *what, const char *value,
	       const char *expected)
{
	return cli_error(cli, EXIT_USAGE, "invalid %s \"%s\": expected %s", what,
			 value, expected);
}

/*
 * The key of the field table whose vf set word is word, or NULL. Its JSON
 * name is taken too: that is ip link's spelling (max_tx_rate, query_rss,
 * node_guid ...), which iproute2 users type.
 */
static const struct sriov_vf_key *key_of_word(const char *word)
{
	const struct sriov_vf_key *k;

	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++)
		if (!strcmp(k->word, word) || !strcmp(k->name, word))
			return k;
	return NULL;
}

/* The first key of a field: its word is the one parts go after. */
static const struct sriov_vf_key *first_key(uint32_t field)
{
	const struct sriov_vf_key *k;

	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++)
		if (k->field == field && !k->part)
			return k;
	return NULL;
}

/* One "word value" pair; on and off are the command line's booleans. */
static int parse_word(struct cli *cli, const struct sriov_vf_key *k,
		      const char *val, struct sriov_vf_config *c)
{
	const char *text = val;

	if (k->type == SRIOV_VF_VALUE_BOOL) {
		text = !strcmp(val, "on") ? "true" : !strcmp(val, "off") ? "false" : NULL;
		if (!text)
			return bad(cli, k->word, val, "on or off");
	}
	if (sriov_vf_key_parse(k, text, c) < 0)
		return bad(cli, k->word, val, k->expected);
	return 0;
}

/* "ADDR" into mac, unicast; exit code. */
static int parse_one_mac(struct cli *cli, const struct sriov_vf_key *k,
			 const char *text, const char *val, uint8_t mac[6])
{
	struct sriov_vf_config one = { 0 };

	if (sriov_vf_key_parse(k, text, &one) < 0)
		return bad(cli, k->word, val, k->expected);
	if (sriov_vf_config_check(cli->ctx, &one) < 0)
		return cli_lib_error(cli, -EINVAL, EXIT_USAGE);
	memcpy(mac, one.mac, 6);
	return 0;
}

/* "a,b,c": one unicast address each, none twice. */
static int parse_mac_list(struct cli *cli, const struct sriov_vf_key *k,
			  const char *val, struct vf_macs *macs)
{
	char *copy, *save = NULL, *t;
	size_t n = 1;
	int r = 0;

	if (val[0] == ',' || val[strlen(val) - 1] == ',' || strstr(val, ",,"))
		return bad(cli, k->word, val, "addresses separated by single commas");
	for (const char *p = val; *p; p++)
		n += *p == ',';
	macs->list = calloc(n, sizeof(*macs->list));
	copy = strdup(val);
	if (!copy || !macs->list) {
		free(copy);
		return cli_error(cli, EXIT_FAILED, "out of memory");
	}
	for (t = strtok_r(copy, ",", &save); r == 0 && t;
	     t = strtok_r(NULL, ",", &save)) {
		r = parse_one_mac(cli, k, t, val, macs->list[macs->n]);
		for (size_t i = 0; r == 0 && i < macs->n; i++)
			if (!memcmp(macs->list[i], macs->list[macs->n], 6))
				r = cli_error(cli, EXIT_USAGE,
					      "MAC %s given twice in \"%s\"", t, val);
		macs->n++;
	}
	free(copy);
	macs->kind = VF_MAC_LIST;
	return r;
}

/* The MAC as a plan: ADDR, ADDR+, and with lists "auto" or "a,b,c". */
static int parse_mac(struct cli *cli, const struct sriov_vf_key *k,
		     const char *val, bool allow_lists,
		     struct sriov_vf_config *c, struct vf_macs *macs)
{
	char text[32];
	size_t len = strlen(val);
	int r;

	if (macs->kind != VF_MAC_NONE)
		return cli_error(cli, EXIT_USAGE, "%s given twice", k->word);
	if (allow_lists && !strcmp(val, "auto")) {
		macs->kind = VF_MAC_AUTO;
		return 0;
	}
	if (allow_lists && strchr(val, ','))
		return parse_mac_list(cli, k, val, macs);
	if (len >= sizeof(text))
		return bad(cli, k->word, val, k->expected);
	snprintf(text, sizeof(text), "%s", val);
	macs->kind = len > 1 && val[len - 1] == '+' ? VF_MAC_COUNT : VF_MAC_ONE;
	if (macs->kind == VF_MAC_COUNT)
		text[len - 1] = '\0';
	macs->list = calloc(1, sizeof(*macs->list));
	if (!macs->list)
		return cli_error(cli, EXIT_FAILED, "out of memory");
	macs->n = 1;
	r = parse_one_mac(cli, k, text, val, macs->list[0]);
	if (r)
		return r;
	memcpy(c->mac, macs->list[0], 6);
	c->mask |= SRIOV_VF_HAS_MAC;
	return 0;
}

/* A field's word and value, then its parts' ("vlan 10 qos 3 proto 802.1ad"). */
static int parse_field(struct cli *cli, int argc, char **argv, int *i,
		       struct sriov_vf_config *c, struct vf_macs *macs,
		       bool allow_lists)
{
	const struct sriov_vf_key *k = key_of_word(argv[*i]), *part;
	int r;

	if (!k)
		return cli_error(cli, EXIT_USAGE,
				 "unknown VF setting \"%s\"; try \"sriovctl vf help\"",
				 argv[*i]);
	if (k->part)
		return cli_error(cli, EXIT_USAGE, "\"%s\" goes after \"%s\"",
				 argv[*i], first_key(k->field)->word);
	if (c->mask & k->field)
		return cli_error(cli, EXIT_USAGE, "%s given twice", argv[*i]);
	if (k->field == SRIOV_VF_HAS_MAC)
		r = parse_mac(cli, k, argv[*i + 1], allow_lists, c, macs);
	else
		r = parse_word(cli, k, argv[*i + 1], c);
	for (*i += 2; r == 0 && *i + 1 < argc; *i += 2) {
		part = key_of_word(argv[*i]);
		if (!part || !part->part || part->field != k->field)
			break;
		r = parse_word(cli, part, argv[*i + 1], c);
	}
	return r;
}

int parse_vf_settings_macs(struct cli *cli, int argc, char **argv,
			   bool allow_lists, struct sriov_vf_config *ret,
			   struct vf_macs *ret_macs)
{
	struct sriov_vf_config c = { 0 };
	struct vf_macs macs = { VF_MAC_NONE, 0, NULL };
	int i = 0, r = 0;

	if (!cli_ctx(cli))
		return EXIT_USAGE;
	while (r == 0 && i < argc) {
		if (i + 1 >= argc)
			r = cli_error(cli, EXIT_USAGE, "\"%s\" needs a value",
				      argv[i]);
		else
			r = parse_field(cli, argc, argv, &i, &c, &macs, allow_lists);
	}
	/* a unicast MAC, the minimum rate not above the maximum */
	if (r == 0 && sriov_vf_config_check(cli->ctx, &c) < 0)
		r = cli_lib_error(cli, -EINVAL, EXIT_USAGE);
	if (r) {
		free(macs.list);
		return r;
	}
	*ret = c;
	*ret_macs = macs;
	return 0;
}

int parse_vf_settings(struct cli *cli, int argc, char **argv,
		      struct sriov_vf_config *ret)
{
	struct vf_macs macs;
	int r = parse_vf_settings_macs(cli, argc, argv, false, ret, &macs);

	if (r)
		return r;
	free(macs.list);
	if (!ret->mask)
		return cli_error(cli, EXIT_USAGE,
				 "no setting given; try \"sriovctl vf help\"");
	return 0;
}

static void format_mac(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

int vf_macs_fill(struct cli *cli, const struct vf_macs *macs,
		 struct sriov_vf_config *desired, size_t n)
{
	char first[18];
	uint32_t low;

	if (macs->kind == VF_MAC_NONE || macs->kind == VF_MAC_AUTO)
		return 0;
	format_mac(macs->list[0], first);
	if (macs->kind == VF_MAC_ONE && n > 1)
		return cli_error(cli, EXIT_USAGE,
				 "mac %s would go to %zu VFs: a MAC names one VF; give \"mac %s+\" to count up one per VF, or one VF",
				 first, n, first);
	if (macs->kind == VF_MAC_LIST && macs->n != n)
		return cli_error(cli, EXIT_USAGE,
				 "%zu MACs given for %zu VFs: the list needs one per VF",
				 macs->n, n);
	low = (uint32_t)macs->list[0][3] << 16 | (uint32_t)macs->list[0][4] << 8 |
	      macs->list[0][5];
	if (macs->kind == VF_MAC_COUNT && n > 0 && (uint64_t)low + n - 1 > 0xffffff)
		return cli_error(cli, EXIT_USAGE,
				 "mac %s+ for %zu VFs passes %02x:%02x:%02x:ff:ff:ff: counting never wraps; start lower",
				 first, n, macs->list[0][0], macs->list[0][1],
				 macs->list[0][2]);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *m = macs->list[macs->kind == VF_MAC_LIST ? i : 0];
		uint32_t v = low + (macs->kind == VF_MAC_COUNT ? (uint32_t)i : 0);

		memcpy(desired[i].mac, m, 6);
		if (macs->kind == VF_MAC_COUNT) {
			desired[i].mac[3] = (uint8_t)(v >> 16);
			desired[i].mac[4] = (uint8_t)(v >> 8);
			desired[i].mac[5] = (uint8_t)v;
		}
		desired[i].mask |= SRIOV_VF_HAS_MAC;
	}
	return 0;
}

static void print_stats(struct out *o, const struct sriov_vf_stats *s)
{
	out_obj_begin(o, "stats", "stats");
	out_int(o, "rx_packets", "rx packets", (long long)s->rx_packets, true);
	out_int(o, "tx_packets", "tx packets", (long long)s->tx_packets, true);
	out_int(o, "rx_bytes", "rx bytes", (long long)s->rx_bytes, true);
	out_int(o, "tx_bytes", "tx bytes", (long long)s->tx_bytes, true);
	out_int(o, "broadcast", "broadcast", (long long)s->broadcast, true);
	out_int(o, "multicast", "multicast", (long long)s->multicast, true);
	out_int(o, "rx_dropped", "rx dropped", (long long)s->rx_dropped, true);
	out_int(o, "tx_dropped", "tx dropped", (long long)s->tx_dropped, true);
	out_obj_end(o);
}

/* How vf show and vf list label a key where the key itself would not do. */
static const struct {
	const char *name;
	const char *detail;    /* NULL: the key with spaces for "_" */
	const char *column;    /* NULL: no column in vf list */
} labels[] = {
	{ "mac", NULL, "mac" },
	{ "vlan", NULL, "vlan" },
	{ "vlan_proto", "vlan protocol", NULL },
	{ "max_tx_rate", NULL, "max rate" },
	{ "spoofchk", NULL, "spoofchk" },
	{ "trust", NULL, "trust" },
	{ "link_state", "link", "link" },
};

static const char *label_of(const struct sriov_vf_key *k,
			    enum vf_labels how, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].name, k->name))
			break;
	if (how == VF_LABELS_NONE ||
	    (how == VF_LABELS_COLUMN && i == sizeof(labels) / sizeof(labels[0])))
		return NULL;
	if (how == VF_LABELS_COLUMN)
		return labels[i].column;
	if (i < sizeof(labels) / sizeof(labels[0]) && labels[i].detail)
		return labels[i].detail;
	snprintf(buf, size, "%s", k->name);
	for (char *u = strchr(buf, '_'); u; u = strchr(u, '_'))
		*u = ' ';
	return buf;
}

static void print_key(struct out *o, const struct sriov_vf_key *k,
		      const struct sriov_vf_config *c, const char *label)
{
	char text[SRIOV_VF_VALUE_STRLEN];
	bool known = c && (c->mask & k->field) &&
		     sriov_vf_key_format(k, c, text, sizeof(text)) == 0;

	switch (k->type) {
	case SRIOV_VF_VALUE_NUMBER:
		out_number(o, k->name, label, known ? text : NULL);
		break;
	case SRIOV_VF_VALUE_BOOL:
		out_bool(o, k->name, label, known ? !strcmp(text, "true") : -1);
		break;
	default:
		out_str(o, k->name, label, known ? text : NULL);
	}
}

/* Each key's labels, made once: vf list prints them for every VF. */
#define LABELED_KEYS 32

struct key_labels {
	bool made;
	const char *column, *detail;
	char buf[SRIOV_VF_VALUE_STRLEN + 8];
};

static const char *cached_label(size_t i, const struct sriov_vf_key *k,
				enum vf_labels how)
{
	static struct key_labels cache[LABELED_KEYS];
	struct key_labels *l = &cache[i];

	if (how == VF_LABELS_NONE)
		return NULL;
	if (!l->made) {
		l->column = label_of(k, VF_LABELS_COLUMN, l->buf, sizeof(l->buf));
		l->detail = label_of(k, VF_LABELS_DETAIL, l->buf, sizeof(l->buf));
		l->made = true;
	}
	return how == VF_LABELS_COLUMN ? l->column : l->detail;
}

void print_vf_settings(struct out *o, const struct sriov_vf_config *c,
		       uint32_t fields, enum vf_labels how)
{
	const struct sriov_vf_key *k;
	char label[SRIOV_VF_VALUE_STRLEN + 8];

	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++)
		if (fields & k->field)
			print_key(o, k, c,
				  i < LABELED_KEYS ? cached_label(i, k, how)
						   : label_of(k, how, label, sizeof(label)));
}

/* The VF object leaves the InfiniBand GUIDs out (sriovctl-vf(8)). */
#define VF_OBJECT_FIELDS \
	(~(uint32_t)(SRIOV_VF_HAS_NODE_GUID | SRIOV_VF_HAS_PORT_GUID))

void print_vf_config(struct out *o, const struct sriov_vf_config *c,
		     bool detail)
{
	print_vf_settings(o, c, VF_OBJECT_FIELDS,
			  detail ? VF_LABELS_DETAIL : VF_LABELS_COLUMN);
	if (c && (c->mask & SRIOV_VF_HAS_STATS))
		print_stats(o, &c->stats);
}
