/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF settings on the command line and in output. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfconf.h"

static int parse_u32(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (s[i * 3] == ' ' || s[i * 3 + 1] == ' ' || s[i * 3] == '+')
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int parse_guid(const char *s, uint64_t *ret)
{
	unsigned int b[8];
	uint64_t v = 0;
	char tail;

	if (strlen(s) != 23 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &b[6], &b[7], &tail) != 8)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	*ret = v;
	return 0;
}

static int parse_onoff(const char *s, bool *ret)
{
	if (!strcmp(s, "on"))
		*ret = true;
	else if (!strcmp(s, "off"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

static int bad(struct cli *cli, const char *what, const char *value,
	       const char *expected)
{
	return cli_error(cli, EXIT_USAGE, "invalid %s \"%s\": expected %s", what,
			 value, expected);
}

/* vlan ID [qos Q] [proto 802.1Q|802.1ad]: consumes what follows "vlan". */
static int parse_vlan(struct cli *cli, int argc, char **argv, int *i,
		      struct sriov_vf_config *c)
{
	unsigned long v;
	int r = parse_u32(argv[*i + 1], 0xffffffff, &v);

	if (r < 0 || v > 4095)
		return bad(cli, "VLAN", argv[*i + 1], "a number from 0 to 4095");
	c->vlan = (uint16_t)v;
	c->qos = 0;
	c->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	*i += 2;
	while (*i + 1 < argc) {
		if (!strcmp(argv[*i], "qos")) {
			if (parse_u32(argv[*i + 1], 7, &v) < 0)
				return bad(cli, "QoS", argv[*i + 1],
					   "a number from 0 to 7");
			c->qos = (uint8_t)v;
		} else if (!strcmp(argv[*i], "proto")) {
			if (!strcasecmp(argv[*i + 1], "802.1Q"))
				c->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
			else if (!strcasecmp(argv[*i + 1], "802.1ad"))
				c->vlan_proto = SRIOV_VLAN_PROTO_8021AD;
			else
				return bad(cli, "VLAN protocol", argv[*i + 1],
					   "802.1Q or 802.1ad");
		} else {
			break;
		}
		*i += 2;
	}
	c->mask |= SRIOV_VF_HAS_VLAN;
	return 0;
}

static int parse_rate(struct cli *cli, const char *what, const char *s,
		      uint32_t *ret)
{
	unsigned long v;

	if (parse_u32(s, 0xffffffff, &v) < 0)
		return bad(cli, what, s, "Mbit/s as a whole number");
	*ret = (uint32_t)v;
	return 0;
}

static int parse_state(struct cli *cli, const char *s,
		       enum sriov_link_state *ret)
{
	if (!strcmp(s, "auto"))
		*ret = SRIOV_LINK_STATE_AUTO;
	else if (!strcmp(s, "enable"))
		*ret = SRIOV_LINK_STATE_ENABLE;
	else if (!strcmp(s, "disable"))
		*ret = SRIOV_LINK_STATE_DISABLE;
	else
		return bad(cli, "link state", s, "auto, enable or disable");
	return 0;
}

/* One "keyword value" pair other than vlan. */
static int parse_setting(struct cli *cli, const char *key, const char *val,
			 struct sriov_vf_config *c, uint32_t *bit)
{
	int r = 0;

	if (!strcmp(key, "mac")) {
		*bit = SRIOV_VF_HAS_MAC;
		if (parse_mac(val, c->mac) < 0)
			return bad(cli, "MAC address", val, "xx:xx:xx:xx:xx:xx");
		if (c->mac[0] & 1)
			return cli_error(cli, EXIT_USAGE,
					 "%s is a multicast address; a VF needs a unicast MAC",
					 val);
	} else if (!strcmp(key, "min-tx-rate")) {
		*bit = SRIOV_VF_HAS_MIN_TX_RATE;
		r = parse_rate(cli, "min-tx-rate", val, &c->min_tx_rate);
	} else if (!strcmp(key, "max-tx-rate")) {
		*bit = SRIOV_VF_HAS_MAX_TX_RATE;
		r = parse_rate(cli, "max-tx-rate", val, &c->max_tx_rate);
	} else if (!strcmp(key, "spoofchk")) {
		*bit = SRIOV_VF_HAS_SPOOFCHK;
		if (parse_onoff(val, &c->spoofchk) < 0)
			return bad(cli, "spoofchk", val, "on or off");
	} else if (!strcmp(key, "trust")) {
		*bit = SRIOV_VF_HAS_TRUST;
		if (parse_onoff(val, &c->trust) < 0)
			return bad(cli, "trust", val, "on or off");
	} else if (!strcmp(key, "query-rss")) {
		*bit = SRIOV_VF_HAS_QUERY_RSS;
		if (parse_onoff(val, &c->query_rss) < 0)
			return bad(cli, "query-rss", val, "on or off");
	} else if (!strcmp(key, "state")) {
		*bit = SRIOV_VF_HAS_LINK_STATE;
		r = parse_state(cli, val, &c->link_state);
	} else if (!strcmp(key, "node-guid") || !strcmp(key, "port-guid")) {
		bool node = key[0] == 'n';

		*bit = node ? SRIOV_VF_HAS_NODE_GUID : SRIOV_VF_HAS_PORT_GUID;
		if (parse_guid(val, node ? &c->node_guid : &c->port_guid) < 0)
			return bad(cli, key, val, "xx:xx:xx:xx:xx:xx:xx:xx");
	} else {
		return cli_error(cli, EXIT_USAGE,
				 "unknown VF setting \"%s\"; try \"sriovctl vf help\"",
				 key);
	}
	return r;
}

int parse_vf_settings(struct cli *cli, int argc, char **argv,
		      struct sriov_vf_config *ret)
{
	struct sriov_vf_config c = { 0 };
	int i = 0, r;

	while (i < argc) {
		uint32_t bit = SRIOV_VF_HAS_VLAN;

		if (i + 1 >= argc)
			return cli_error(cli, EXIT_USAGE, "\"%s\" needs a value",
					 argv[i]);
		if (!strcmp(argv[i], "qos") || !strcmp(argv[i], "proto"))
			return cli_error(cli, EXIT_USAGE,
					 "\"%s\" goes after \"vlan ID\"", argv[i]);
		if ((!strcmp(argv[i], "vlan") && (c.mask & bit)))
			return cli_error(cli, EXIT_USAGE, "vlan given twice");
		if (!strcmp(argv[i], "vlan")) {
			r = parse_vlan(cli, argc, argv, &i, &c);
			if (r)
				return r;
			continue;
		}
		r = parse_setting(cli, argv[i], argv[i + 1], &c, &bit);
		if (r)
			return r;
		if (c.mask & bit)
			return cli_error(cli, EXIT_USAGE, "%s given twice", argv[i]);
		c.mask |= bit;
		i += 2;
	}
	if (!c.mask)
		return cli_error(cli, EXIT_USAGE,
				 "no setting given; try \"sriovctl vf help\"");
	if ((c.mask & SRIOV_VF_HAS_MIN_TX_RATE) &&
	    (c.mask & SRIOV_VF_HAS_MAX_TX_RATE) && c.max_tx_rate &&
	    c.min_tx_rate > c.max_tx_rate)
		return cli_error(cli, EXIT_USAGE,
				 "min-tx-rate %u is above max-tx-rate %u",
				 c.min_tx_rate, c.max_tx_rate);
	*ret = c;
	return 0;
}

static const char *link_state_name(enum sriov_link_state s)
{
	switch (s) {
	case SRIOV_LINK_STATE_AUTO: return "auto";
	case SRIOV_LINK_STATE_ENABLE: return "enable";
	case SRIOV_LINK_STATE_DISABLE: return "disable";
	}
	return "unknown";
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

/* lbl(): the label in detail output, or in tables too when wide. */
#define HAS(bit) (c && (c->mask & (bit)))

void print_vf_config(struct out *o, const struct sriov_vf_config *c,
		     bool detail)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 c ? c->mac[0] : 0, c ? c->mac[1] : 0, c ? c->mac[2] : 0,
		 c ? c->mac[3] : 0, c ? c->mac[4] : 0, c ? c->mac[5] : 0);
	out_str(o, "mac", "mac", HAS(SRIOV_VF_HAS_MAC) ? mac : NULL);
	out_int(o, "vlan", "vlan", HAS(SRIOV_VF_HAS_VLAN) ? c->vlan : 0,
		HAS(SRIOV_VF_HAS_VLAN));
	out_int(o, "qos", detail ? "qos" : NULL,
		HAS(SRIOV_VF_HAS_VLAN) ? c->qos : 0, HAS(SRIOV_VF_HAS_VLAN));
	out_str(o, "vlan_proto", detail ? "vlan protocol" : NULL,
		!HAS(SRIOV_VF_HAS_VLAN) ? NULL
		: c->vlan_proto == SRIOV_VLAN_PROTO_8021AD ? "802.1ad"
							   : "802.1Q");
	out_int(o, "min_tx_rate", detail ? "min tx rate" : NULL,
		HAS(SRIOV_VF_HAS_MIN_TX_RATE) ? c->min_tx_rate : 0,
		HAS(SRIOV_VF_HAS_MIN_TX_RATE));
	out_int(o, "max_tx_rate", detail ? "max tx rate" : "max rate",
		HAS(SRIOV_VF_HAS_MAX_TX_RATE) ? c->max_tx_rate : 0,
		HAS(SRIOV_VF_HAS_MAX_TX_RATE));
	out_bool(o, "spoofchk", "spoofchk",
		 HAS(SRIOV_VF_HAS_SPOOFCHK) ? c->spoofchk : -1);
	out_bool(o, "trust", "trust", HAS(SRIOV_VF_HAS_TRUST) ? c->trust : -1);
	out_str(o, "link_state", "link",
		HAS(SRIOV_VF_HAS_LINK_STATE) ? link_state_name(c->link_state)
					     : NULL);
	out_bool(o, "query_rss", detail ? "query rss" : NULL,
		 HAS(SRIOV_VF_HAS_QUERY_RSS) ? c->query_rss : -1);
	if (HAS(SRIOV_VF_HAS_STATS))
		print_stats(o, &c->stats);
}

