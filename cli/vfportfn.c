/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriovctl vf set hw-addr MAC / state active|inactive: the VF's devlink
 * port function (switchdev mode), reported with the rtnetlink settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfconf.h"

static int take_mac(struct cli *cli, const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 || strlen(s) != 17)
		return cli_error(cli, EXIT_USAGE,
				 "invalid hw-addr \"%s\": expected a MAC address (02:00:00:00:00:01)",
				 s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if ((mac[0] & 1) || !(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return cli_error(cli, EXIT_USAGE,
				 "hw-addr %s: a VF needs a unicast address, not zero or multicast",
				 s);
	return 0;
}

int vf_take_port_fn(struct cli *cli, int *argc, char **argv,
		    struct sriov_port_fn_config *ret)
{
	int i = 0, out = 0, r;

	memset(ret, 0, sizeof(*ret));
	while (i < *argc) {
		bool hw = !strcmp(argv[i], "hw-addr");
		bool st = !strcmp(argv[i], "state") && i + 1 < *argc &&
			  (!strcmp(argv[i + 1], "active") || !strcmp(argv[i + 1], "inactive"));
		uint32_t bit = hw ? SRIOV_PORT_FN_HAS_HW_ADDR : SRIOV_PORT_FN_HAS_STATE;

		if (!hw && !st) {
			argv[out++] = argv[i++];
			continue;
		}
		if (i + 1 >= *argc)
			return cli_error(cli, EXIT_USAGE, "hw-addr needs a value");
		if (ret->mask & bit)
			return cli_error(cli, EXIT_USAGE, "%s given twice", argv[i]);
		ret->mask |= bit;
		if (hw && (r = take_mac(cli, argv[i + 1], ret->hw_addr)))
			return r;
		if (st)
			ret->state = !strcmp(argv[i + 1], "active") ? SRIOV_PORT_FN_ACTIVE
								    : SRIOV_PORT_FN_INACTIVE;
		i += 2;
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

static const char *const fn_fields[] = { "hw_addr", "fn_state" };
static const uint32_t fn_bits[] = { SRIOV_PORT_FN_HAS_HW_ADDR, SRIOV_PORT_FN_HAS_STATE };

size_t vf_port_fn_names(uint32_t mask, const char **names, size_t n)
{
	for (size_t a = 0; a < 2; a++)
		if (mask & fn_bits[a])
			names[n++] = fn_fields[a];
	return n;
}

void vf_port_fn_errors(struct out *o, const struct sriov_port_fn_change *ch)
{
	for (size_t a = 0; ch && a < 2; a++) {
		if (!(ch->failed & fn_bits[a]))
			continue;
		out_obj_begin(o, NULL, NULL);
		out_str(o, "field", NULL, fn_fields[a]);
		out_int(o, "errno", NULL, -ch->error[a], true);
		out_str(o, "message", NULL, ch->message[a]);
		out_obj_end(o);
	}
}

size_t vf_port_fn_reason(const struct sriov_port_fn_change *ch, char *buf,
			 size_t len, size_t size)
{
	for (size_t a = 0; ch && a < 2 && len < size - 64; a++)
		if (ch->failed & fn_bits[a])
			len += (size_t)snprintf(buf + len, size - len, "%s%s: %s",
						len ? "; " : "", fn_fields[a],
						ch->message[a]);
	return len;
}

void vf_port_fn_print(struct out *o, const struct sriov_port_fn_config *c)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->hw_addr[0],
		 c->hw_addr[1], c->hw_addr[2], c->hw_addr[3], c->hw_addr[4],
		 c->hw_addr[5]);
	out_obj_begin(o, "port_function", NULL);
	out_str(o, "hw_addr", NULL, c->mask & SRIOV_PORT_FN_HAS_HW_ADDR ? mac : NULL);
	out_str(o, "state", NULL, !(c->mask & SRIOV_PORT_FN_HAS_STATE) ? NULL
				  : c->state == SRIOV_PORT_FN_ACTIVE ? "active" : "inactive");
	out_obj_end(o);
}
