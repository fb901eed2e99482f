/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov: rates of the NIC's embedded switch (devlink rate objects).
 *
 * In switchdev mode each VF's devlink port is a rate "leaf"; "nodes" are
 * named groups that leaves (and other nodes) can be put under. Each
 * object has a guaranteed rate (tx_share), a ceiling (tx_max), 0 meaning
 * none, and at most one parent node. Rates are bytes per second, as the
 * kernel keeps them; sriov_rate_parse() reads the units people type.
 *
 * Same conventions as sriov.h: 0 or a negative errno, the reason (with
 * the kernel's extended-ack text) on the context.
 */
#ifndef SRIOV_RATE_H
#define SRIOV_RATE_H

#include "sriov/sriov.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A rate as tc writes them: a number (decimals allowed) and a unit, bits
 * per second "bit", "kbit", "mbit", "gbit", "tbit" (powers of 1000) or
 * "kibit" ... "tibit" (of 1024), bytes per second "bps", "kbps", "mbps",
 * "gbps", "tbps" (1000) or "kibps" ... "tibps" (1024); a number without a
 * unit is Mbit/s, as in sriovctl vf set. The result is bytes per second:
 * -EINVAL for a bad number or unit, -ERANGE when it is not a whole number
 * of bytes per second or does not fit 64 bits.
 */
SRIOV_EXPORT int sriov_rate_parse(const char *text, uint64_t *ret_bytes);
/* The rate in the largest bit unit that writes it exactly: "100mbit",
 * "500kbit", "12bit", "0". -ENOSPC when size is too small. */
SRIOV_EXPORT int sriov_rate_format(uint64_t bytes, char *buf, size_t size);

#define SRIOV_RATE_NAME_STRLEN 64
#define SRIOV_RATE_HANDLE_STRLEN 112

#define SRIOV_RATE_HAS_TX_SHARE (1u << 0)
#define SRIOV_RATE_HAS_TX_MAX (1u << 1)
#define SRIOV_RATE_HAS_PARENT (1u << 2)

/* Values of a rate object; mask says which are set (read, or to write). */
struct sriov_rate_config {
	uint32_t mask;
	uint64_t tx_share;                       /* bytes/s, 0: none */
	uint64_t tx_max;                         /* bytes/s, 0: none */
	char parent[SRIOV_RATE_NAME_STRLEN];     /* "": no parent */
};

struct sriov_rate {
	char handle[SRIOV_RATE_HANDLE_STRLEN];   /* devlink instance: "pci/0000:03:00.0" */
	struct sriov_pf *pf;                     /* the PF of that instance, or NULL */
	bool is_node;
	char name[SRIOV_RATE_NAME_STRLEN];       /* a node's name; "" for a leaf */
	int port_index;                          /* a leaf's port; SRIOV_NO_VALUE for a node */
	int vf;                                  /* the VF of a leaf, or SRIOV_NO_VALUE */
	struct sriov_rate_config config;         /* every value (mask all three) */
};

/*
 * The rate objects of pf's devlink instance, or with pf NULL of every PF
 * of the host (and devlink instances that are no PF, pf NULL): one rate
 * dump and one port dump. A host or root without devlink has none (0,
 * n 0), or with a pf -ENXIO; a pf without a devlink instance is -ENODEV.
 * The functions that change rates are -ENXIO without devlink. *ret_rates is freed
 * with free().
 */
SRIOV_EXPORT int sriov_rate_list(struct sriov_ctx *ctx, struct sriov_pf *pf,
				 struct sriov_rate **ret_rates, size_t *ret_n);

/* A rate object before and after a change (after: planned, in a dry run). */
struct sriov_rate_change {
	struct sriov_rate before;                /* !existed: only its identity */
	struct sriov_rate after;                 /* !exists: as before */
	bool existed;
	bool exists;
	uint32_t changed;                        /* SRIOV_RATE_HAS_* written */
};

/*
 * Sets the rate leaves of n VFs (of one PF or several) to the values in
 * desired's mask. Everything is checked before anything is written: each
 * VF needs a rate leaf (its PF in switchdev mode), a parent must be a node
 * of the VF's devlink instance. Only values that differ are written, one
 * request per leaf (two when it moves from one parent to another), then
 * read back in one dump. When the kernel refuses a value, the leaves
 * already changed are set back and its reason is the error (-EINVAL for
 * a value the driver rejects, such as one above the link speed).
 * ret_changes (n of them, malloc'ed) on success.
 */
SRIOV_EXPORT int sriov_vf_set_rate(struct sriov_vf *const *vfs, size_t n,
				   const struct sriov_rate_config *desired,
				   bool dry_run,
				   struct sriov_rate_change **ret_changes);

/*
 * A node of pf's devlink instance: created with the values of cfg when
 * absent (-EEXIST when it exists and create_only), else set to them where
 * they differ; deleted (nothing to do when absent). Node names are 1 to
 * 63 letters, digits, '_', '-', '.', not all digits (-EINVAL otherwise).
 * A parent must exist; a node with children is not deleted (-EBUSY).
 */
SRIOV_EXPORT int sriov_pf_rate_node_set(struct sriov_pf *pf, const char *name,
					const struct sriov_rate_config *cfg,
					bool create_only, bool dry_run,
					struct sriov_rate_change *ret_change);
SRIOV_EXPORT int sriov_pf_rate_node_del(struct sriov_pf *pf, const char *name,
					bool dry_run,
					struct sriov_rate_change *ret_change);

#ifdef __cplusplus
}
#endif

#endif
