/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov declarative apply: read a desired state (YAML or JSON, the
 * format of sriovctl.conf(5)), compare it with the host and converge the
 * host to it with the same engine as the single commands: plan, execute
 * per PF, verify by reading back, roll the PF back on failure, report.
 *
 * Same conventions as <sriov/sriov.h>. Invalid input is -EINVAL (or
 * -ERANGE) with "FILE:LINE:COLUMN: KEY: reason" in sriov_ctx_last_error(),
 * and nothing is touched.
 */
#ifndef SRIOV_APPLY_H
#define SRIOV_APPLY_H

#include "sriov/sriov.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A desired state: the PFs of one or more files. */
struct sriov_desired;

SRIOV_EXPORT int sriov_desired_new(struct sriov_desired **ret_desired);
SRIOV_EXPORT void sriov_desired_free(struct sriov_desired *desired);

/*
 * Adds the PFs of one YAML or JSON document; name ("-" for standard
 * input, a file name...) is what error messages call it. A PF selected
 * twice, in this document or an earlier one, is an error.
 */
SRIOV_EXPORT int sriov_desired_add_text(struct sriov_ctx *ctx,
					struct sriov_desired *desired,
					const char *name, const char *text,
					size_t len);
/*
 * Adds a file, or every *.yaml, *.yml and *.json file of a directory in
 * name order (an empty directory adds nothing).
 */
SRIOV_EXPORT int sriov_desired_add_path(struct sriov_ctx *ctx,
					struct sriov_desired *desired,
					const char *path);
/* How many PF entries the desired state holds. */
SRIOV_EXPORT size_t sriov_desired_pf_count(const struct sriov_desired *d);

/* The JSON Schema (draft 2020-12) of the format, as JSON text. */
SRIOV_EXPORT const char *sriov_apply_schema(void);

enum sriov_apply_action {
	SRIOV_APPLY_FIND_PF,     /* a selector that matches no PF */
	SRIOV_APPLY_AUTOPROBE,   /* sriov_drivers_autoprobe */
	SRIOV_APPLY_NUM_VFS,     /* sriov_numvfs */
	SRIOV_APPLY_VF_CONFIG,   /* the rtnetlink settings of one VF */
	SRIOV_APPLY_DRIVER,      /* vfio-pci or the host driver */
	SRIOV_APPLY_OWNER,       /* owner of the VF's VFIO group device */
	SRIOV_APPLY_MTU,         /* MTU of the PF's netdev (vf -1) or a VF's */
	SRIOV_APPLY_ESWITCH,     /* the PF's eswitch mode (devlink) */
	SRIOV_APPLY_RATE_NODE,   /* a devlink rate node of the PF (vf -1) */
	SRIOV_APPLY_RATE,        /* a VF's devlink rate leaf */
};

enum sriov_apply_status {
	SRIOV_APPLY_OK,          /* already as desired */
	SRIOV_APPLY_CHANGED,     /* changed (with check: would change) */
	SRIOV_APPLY_FAILED,      /* failed or refused; see error, reason */
};

/* "find_pf", "autoprobe", "num_vfs", "vf_config", "driver", "owner", "mtu", "eswitch",
 * "rate_node", "rate" */
SRIOV_EXPORT const char *sriov_apply_action_name(int action);
/* "ok", "changed", "failed" */
SRIOV_EXPORT const char *sriov_apply_status_name(int status);

/* One step of the plan and what became of it. */
struct sriov_apply_result {
	char pf[64];            /* PCI address, or device name (netdevsim1) */
	int vf;                 /* VF number, -1 for a PF step */
	enum sriov_apply_action action;
	enum sriov_apply_status status;
	/* AUTOPROBE (0/1), NUM_VFS and MTU; SRIOV_NO_VALUE: unknown */
	int before;
	int after;
	/*
	 * VF_CONFIG: fields holds the SRIOV_VF_HAS_* fields the desired
	 * state names, changed those that differ(ed). The configs carry
	 * those fields; a field missing from config_before's mask was not
	 * known (the VF did not exist yet).
	 */
	uint32_t fields;
	uint32_t changed;
	struct sriov_vf_config config_before;
	struct sriov_vf_config config_after;
	/*
	 * DRIVER ("vfio-pci", "igbvf", NULL: none), OWNER ("uid:gid") and
	 * ESWITCH ("legacy", "switchdev", NULL: not reported); RATE_NODE
	 * ("NAME tx_share 100mbit tx_max 1gbit parent P", NULL: no such
	 * node) and RATE (the fields the file names: "tx_max 1gbit", NULL:
	 * not known before the VF or its leaf exists)
	 */
	const char *str_before;
	const char *str_after;
	bool rolled_back;       /* changed, then put back after a failure */
	int error;              /* 0 or -errno; -ECANCELED: refused */
	const char *reason;     /* why it failed, or what rollback did */
};

struct sriov_apply_report {
	bool changed;           /* something changed (or would) */
	bool check;             /* planned only */
	size_t n;
	struct sriov_apply_result *results;
	size_t n_failed;        /* results with status FAILED */
	size_t n_refused;       /* ... of which refused (-ECANCELED) */
};

/* Options that may grow: set sz to sizeof(struct sriov_apply_opts). */
struct sriov_apply_opts {
	size_t sz;
	bool check;             /* plan and report, touch nothing */
	bool force;             /* allow N -> M VF counts (destroys the VFs),
				   and a PF's MTU below a VF's the state leaves */
	const char *pf;         /* only the entry selecting this PF; NULL: all */
	int timeout_ms;         /* bound on each step's writes and waits */
};

/*
 * Converges the host to the desired state. Every selector is resolved
 * and every value checked against the host first (-EINVAL/-ERANGE,
 * nothing touched). Then, PF by PF, under a per-PF apply lock: autoprobe,
 * VF count, VF settings (one request per PF), drivers, owners - each only
 * where the host differs, each verified by reading back. When a step of
 * a PF fails, the steps already done on that PF are undone (VF settings,
 * drivers, autoprobe; a new VF count is kept and reported) and the other
 * PFs go on. Returns 0 with *ret_report (free with
 * sriov_apply_report_free()) once planning succeeded, whatever the steps
 * did; see n_failed and n_refused.
 */
SRIOV_EXPORT int sriov_apply(struct sriov_ctx *ctx,
			     const struct sriov_desired *desired,
			     const struct sriov_apply_opts *opts,
			     struct sriov_apply_report **ret_report);
SRIOV_EXPORT void sriov_apply_report_free(struct sriov_apply_report *report);

/*
 * Finishes what a killed apply left: before a PF's first write, apply
 * keeps what the PF's steps will change (autoprobe, settings of existing
 * VFs) in STATE_DIR/apply/<PF>.yaml, a desired-state document, and
 * removes it when done. This applies every such journal (opts.check:
 * plans only), which puts those PFs back where they were, and removes
 * the journals that were applied in full. VF counts are not journaled,
 * drivers are sriov_recover()'s (the vfio journal). With no journals the
 * report is empty.
 */
SRIOV_EXPORT int sriov_apply_recover(struct sriov_ctx *ctx,
				     const struct sriov_apply_opts *opts,
				     struct sriov_apply_report **ret_report);

/*
 * Returns VFs ("PF#N", "PF#0-3,7", "PF", or VF addresses) to safe
 * settings - spoofchk on, trust off, VLAN 0 (QoS 0, 802.1Q), and the MAC
 * the vfio journal recorded when the VF was bound, if it had one - and
 * from vfio-pci to the driver that journal recorded (or the one the
 * kernel matches). Planned, run, verified and rolled back like an apply
 * (opts.check: plans only; opts.pf is ignored); VFs of a PF without a
 * netdev only get their driver back.
 */
SRIOV_EXPORT int sriov_restore(struct sriov_ctx *ctx, const char *const *specs,
			       size_t n_specs,
			       const struct sriov_apply_opts *opts,
			       struct sriov_apply_report **ret_report);

#ifdef __cplusplus
}
#endif

#endif
