/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SRIOVCTL_VFCONF_H
#define SRIOVCTL_VFCONF_H

#include "cli.h"

/* "mac ADDR vlan ID qos Q ..." into a config with its mask; exit code. */
int parse_vf_settings(struct cli *cli, int argc, char **argv,
		      struct sriov_vf_config *ret);
/* The settings fields of a VF object; c NULL: every field null. */
void print_vf_config(struct out *o, const struct sriov_vf_config *c,
		     bool detail);

enum vf_labels {
	VF_LABELS_NONE,      /* JSON only */
	VF_LABELS_COLUMN,    /* the columns of vf list */
	VF_LABELS_DETAIL,    /* the lines of vf show */
};

/* The keys of the field table of the given fields; null when not known. */
void print_vf_settings(struct out *o, const struct sriov_vf_config *c,
		       uint32_t fields, enum vf_labels how);

#endif
