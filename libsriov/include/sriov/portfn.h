/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov: a VF's devlink port function in switchdev mode: the hardware
 * address the VF gets and whether the function is active. Drivers that
 * implement it (mlx5, ice) let the eswitch side set what the VF's driver
 * will see; others refuse it (netdevsim: "Port doesn't support function
 * attributes"), which is a per-attribute result, not a failure of the
 * whole change. Conventions as in sriov.h.
 */
#ifndef SRIOV_PORTFN_H
#define SRIOV_PORTFN_H

#include "sriov/sriov.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SRIOV_PORT_FN_HAS_HW_ADDR (1u << 0)
#define SRIOV_PORT_FN_HAS_STATE (1u << 1)

#define SRIOV_PORT_FN_INACTIVE 0
#define SRIOV_PORT_FN_ACTIVE 1

/* mask: which values are set (reported by the driver, or to write). */
struct sriov_port_fn_config {
	uint32_t mask;
	uint8_t hw_addr[6];
	int state;                      /* SRIOV_PORT_FN_* */
};

/* The outcome for one VF, attribute by attribute. */
struct sriov_port_fn_change {
	struct sriov_vf *vf;
	struct sriov_port_fn_config before;
	struct sriov_port_fn_config after;  /* read back; planned in a dry run */
	uint32_t changed;               /* written and read back */
	uint32_t failed;                /* refused or not read back */
	int error[2];                   /* -errno of hw_addr, of state */
	char message[2][256];           /* their reasons, with the kernel's text */
};

/*
 * Sets the port function attributes in want's mask on n VFs, each through
 * its devlink port (switchdev mode): one request per attribute that
 * differs from what the driver reports (the hardware address before the
 * state, as the kernel orders them), then read back from one port dump.
 * An attribute that fails fails alone, on its VF; a VF without a devlink
 * port fails its attributes with the reason. Returns 0 when every VF was
 * tried (see failed), or a negative errno when nothing could be done
 * (no devlink: -ENXIO; a multicast or zero address: -EINVAL, nothing
 * sent). *ret_changes (n of them) is freed with free().
 */
SRIOV_EXPORT int sriov_vf_set_port_function(struct sriov_vf *const *vfs,
					    size_t n,
					    const struct sriov_port_fn_config *want,
					    bool dry_run,
					    struct sriov_port_fn_change **ret_changes);

#ifdef __cplusplus
}
#endif

#endif
