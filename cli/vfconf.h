/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SRIOVCTL_VFCONF_H
#define SRIOVCTL_VFCONF_H

#include "cli.h"
#include "sriov/portfn.h"

/* "mac ADDR vlan ID qos Q ..." into a config with its mask; exit code. */
int parse_vf_settings(struct cli *cli, int argc, char **argv,
		      struct sriov_vf_config *ret);

/*
 * How the MAC of several VFs is given: one address (for one VF only),
 * "ADDR+" counting up one per VF, "auto" (claims: derived from the claim's
 * name), or a comma-separated list of one address per VF.
 */
enum vf_mac_kind {
	VF_MAC_NONE,
	VF_MAC_ONE,
	VF_MAC_COUNT,
	VF_MAC_AUTO,
	VF_MAC_LIST,
};

struct vf_macs {
	enum vf_mac_kind kind;
	size_t n;                /* addresses in list: 1 for ONE and COUNT */
	uint8_t (*list)[6];      /* malloc'ed; list[0] is the first address */
};

/*
 * parse_vf_settings() where the MAC may be a plan for several VFs
 * (auto and lists only when allow_lists); the address of ONE and COUNT
 * is also in ret. Free macs->list.
 */
int parse_vf_settings_macs(struct cli *cli, int argc, char **argv,
			   bool allow_lists, struct sriov_vf_config *ret,
			   struct vf_macs *ret_macs);
/*
 * The MAC plan for n VFs into desired[0..n-1] (ONE, COUNT and LIST):
 * exit 2 with the reason when one address would go to several VFs, a
 * list has another length, or counting would pass the last address of
 * the first address's three-octet block (XX:XX:XX:ff:ff:ff).
 */
int vf_macs_fill(struct cli *cli, const struct vf_macs *macs,
		 struct sriov_vf_config *desired, size_t n);
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

/*
 * vfportfn.c: "hw-addr MAC" and "state active|inactive" (the devlink
 * port function) taken out of vf set's words into ret; exit code or 0.
 */
int vf_take_port_fn(struct cli *cli, int *argc, char **argv,
		    struct sriov_port_fn_config *ret);
/* Appends the field names of mask ("hw_addr", "fn_state") at names[n]. */
size_t vf_port_fn_names(uint32_t mask, const char **names, size_t n);
/* The error objects of the failed attributes (ch may be NULL). */
void vf_port_fn_errors(struct out *o, const struct sriov_port_fn_change *ch);
/* "field: reason" of each failed attribute appended at buf[len]. */
size_t vf_port_fn_reason(const struct sriov_port_fn_change *ch, char *buf,
			 size_t len, size_t size);
/* "port_function": {hw_addr, state} of a before or after object. */
void vf_port_fn_print(struct out *o, const struct sriov_port_fn_config *c);

#endif
