/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SRIOVCTL_VFCONF_H
#define SRIOVCTL_VFCONF_H

#include "cli.h"

/* "mac ADDR vlan ID qos Q ..." into a config with its mask; exit code. */
int parse_vf_settings(struct cli *cli, int argc, char **argv,
		      struct sriov_vf_config *ret);
int parse_mac(const char *s, uint8_t mac[6]);
/* The settings fields of a VF object; c NULL: every field null. */
void print_vf_config(struct out *o, const struct sriov_vf_config *c,
		     bool detail);

#endif
