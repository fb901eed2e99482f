/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations of the declarative apply (apply_*.c). */
#ifndef SRIOV_APPLY_INTERNAL_H
#define SRIOV_APPLY_INTERNAL_H

#include <limits.h>
#include <net/if.h>

#include "internal.h"
#include "sriov/apply.h"
#include "sriov/rate.h"

/* apply_yaml.c: YAML/JSON text to a small tree with positions */

/* Bounds on what one document may hold. */
#define YNODE_MAX_DEPTH 16
#define YNODE_MAX_NODES 1000000
#define APPLY_MAX_TEXT (16u << 20)

enum ynode_type { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_type type;
	int line;               /* 1-based */
	int col;
	char *str;              /* scalar text, NUL-terminated */
	size_t len;             /* may differ from strlen() ("\0" escapes) */
	bool plain;             /* unquoted scalar: may be a number, bool, null */
	struct ynode **kids;    /* sequence items; mapping key, value, key... */
	size_t n;
};

/*
 * Parses one document. Anchors, aliases, explicit tags and further
 * documents are refused. Errors name "name:line:col".
 */
int sriov_ynode_load(struct sriov_ctx *ctx, const char *name, const char *text,
	       size_t len, struct ynode **ret_root);
void sriov_ynode_free(struct ynode *n);

/* apply_parse.c: the tree to a desired state */

#define APPLY_FIELD_BITS 16

struct apply_loc {
	const char *file;       /* owned by the desired state */
	int line;
	int col;
};

enum apply_driver { APPLY_DRV_UNSET, APPLY_DRV_VFIO, APPLY_DRV_HOST };
enum apply_selector { APPLY_SEL_PCI, APPLY_SEL_NETDEV, APPLY_SEL_DEVICE };

/* One entry of a PF's "vfs:" list. */
struct want_vf {
	struct apply_loc loc;
	char path[64];                  /* "pfs[0].vfs[2]" */
	bool single;                    /* vf: N, which overrides vfs: */
	bool all;                       /* vfs: all */
	unsigned int *idx;              /* as written, without duplicates */
	size_t n_idx;
	struct sriov_vf_config cfg;     /* mask: the settings given */
	struct apply_loc field_loc[APPLY_FIELD_BITS];
	enum apply_driver driver;
	struct apply_loc driver_loc;
	char *owner;                    /* "USER[:GROUP]" or NULL */
	struct apply_loc owner_loc;
	unsigned int mtu;               /* of the VF's host netdev; 0: leave */
	struct apply_loc mtu_loc;
	struct sriov_rate_config rate;  /* tx_share, tx_max, rate_parent; mask 0: leave */
	struct apply_loc rate_loc;
};

/* One entry of a PF's "rate_nodes:" list. */
struct want_node {
	struct apply_loc loc;
	char path[48];                  /* "pfs[0].rate_nodes[1]" */
	char name[SRIOV_RATE_NAME_STRLEN];
	struct sriov_rate_config cfg;   /* mask: the values given */
	struct apply_loc parent_loc;
};

struct want_pf {
	struct apply_loc loc;
	char path[32];                  /* "pfs[0]" */
	enum apply_selector sel;
	char sel_text[64];              /* for messages: "netdev enp3s0" */
	struct sriov_pci_addr addr;
	char netdev[IFNAMSIZ];
	uint16_t vendor_id;
	uint16_t device_id;
	int index;                      /* -1: not given */
	int num_vfs;                    /* -1: leave */
	struct apply_loc num_vfs_loc;
	int autoprobe;                  /* -1: leave */
	struct apply_loc autoprobe_loc;
	unsigned int mtu;               /* of the PF's netdev; 0: leave */
	struct apply_loc mtu_loc;
	int eswitch;                    /* SRIOV_ESWITCH_*, -1: leave */
	struct apply_loc eswitch_loc;
	struct want_node *nodes;
	size_t n_nodes;
	struct apply_loc nodes_loc;
	struct want_vf *vfs;
	size_t n_vfs;
};

struct sriov_desired {
	char **files;
	size_t n_files;
	struct want_pf *pfs;
	size_t n_pfs;
};

/* Adds the PFs of a parsed document (name: already in d->files). */
int sriov_apply_parse_root(struct sriov_ctx *ctx, struct sriov_desired *d,
		     const char *name, const struct ynode *root);

/* Records "FILE:LINE:COL: PATH[.KEY]: message" as the error; -err. */
int sriov_apply_loc_err(struct sriov_ctx *ctx, int err, const struct apply_loc *loc,
		  const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* apply_value.c: typed values of the tree, for apply_parse.c */

struct pctx {
	struct sriov_ctx *ctx;
	const char *file;
	const char *path;       /* of the mapping being read: "pfs[0]" */
	const struct sriov_vf_key *vf_key; /* the key's, for APPLY_VF_KEYS */
};

struct apply_loc sriov_apply_loc_of(const struct pctx *p, const struct ynode *n);
/* An -EINVAL naming n's position, the mapping's path and key. */
int sriov_apply_err_at(const struct pctx *p, const struct ynode *n, const char *key,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "expected WHAT, got ..." */
int sriov_apply_expected(const struct pctx *p, const struct ynode *n, const char *key,
	     const char *what);
bool sriov_ynode_is_null(const struct ynode *n);
/* A plain decimal without sign or leading zeros, at most max. */
int sriov_apply_get_uint(const struct pctx *p, const struct ynode *n, const char *key,
	     unsigned long max, unsigned long *ret);
/* An MTU: SRIOV_MTU_MIN..SRIOV_MTU_MAX. */
int sriov_apply_get_mtu(const struct pctx *p, const struct ynode *n, const char *key,
		  unsigned int *ret);
/* A rate as sriov_rate_parse() reads it (a plain number: Mbit/s). */
int sriov_apply_get_rate(const struct pctx *p, const struct ynode *n, const char *key,
		   uint64_t *ret);
/* true/false (YAML 1.2, JSON); yes/no/on/off are refused with a hint. */
int sriov_apply_get_bool(const struct pctx *p, const struct ynode *n, const char *key,
	     bool *ret);
/* Any non-null scalar without NUL bytes, shorter than max. */
int sriov_apply_get_str(const struct pctx *p, const struct ynode *n, const char *key,
	    size_t max, const char **ret);

typedef int (*setter_fn)(const struct pctx *p, void *obj,
			 const struct ynode *key, const struct ynode *val);

struct key_def {
	const char *name;       /* or APPLY_VF_KEYS */
	setter_fn set;
};

/* A key_def name that stands for every key of the VF field table. */
#define APPLY_VF_KEYS "*"

/* Hands each key of a mapping to its setter; unknown and repeated keys fail. */
int sriov_apply_walk_map(const struct pctx *p, const struct ynode *map,
		   const struct key_def *defs, void *obj);

/* The keys of each level of the format, ending with a NULL name. */
extern const struct key_def sriov_apply_top_defs[];
extern const struct key_def sriov_apply_pf_defs[];
extern const struct key_def sriov_apply_vf_defs[];

/* apply_parse.c: one entry of a PF's vfs list (map is item i) */
int sriov_apply_parse_vf(const struct pctx *pfp, const struct ynode *map, size_t i,
		   struct want_vf *w);
void sriov_apply_want_vf_clear(struct want_vf *w);
void sriov_apply_want_pf_clear(struct want_pf *w);


/* sriov_apply_merge.c: what each VF of one PF should be, from every entry */

struct vf_target {
	bool any;                       /* some entry names this VF */
	uint32_t from_single;           /* fields set by a "vf: N" entry */
	struct sriov_vf_config cfg;
	const struct apply_loc *field_loc[APPLY_FIELD_BITS];
	const char *field_path[APPLY_FIELD_BITS];
	enum apply_driver driver;
	const struct want_vf *driver_from;
	const char *owner;
	const struct want_vf *owner_from;
	unsigned int mtu;               /* 0: leave */
	const struct want_vf *mtu_from;
	struct sriov_rate_config rate;  /* mask 0: leave */
	const struct want_vf *rate_from;
};

/*
 * Merges the entries of pf into one target per VF; "vfs: all" means
 * VFs 0..n_all-1 (n_all < 0: skip such entries, the count is not known
 * yet). A "vf: N" entry overrides what "vfs:" entries set; two entries of
 * the same kind setting the same field of a VF, or a VF at or past limit
 * (< 0: no limit), are errors. *ret_n covers the highest VF named.
 */
int sriov_apply_merge(struct sriov_ctx *ctx, const struct want_pf *pf, int n_all,
		int limit, struct vf_target **ret_targets, size_t *ret_n);


/* apply_report.c */

/* Appends a result in its initial state (ok); its index, or -ENOMEM. */
int sriov_apply_result_add(struct sriov_apply_report *rep, const char *pf, int vf,
		     enum sriov_apply_action action);
/* Replaces *dst with a copy of s (NULL allowed). */
int sriov_apply_set_str(const char **dst, const char *s);
void sriov_apply_result_fail(struct sriov_apply_result *res, int err,
		       const char *reason);
void sriov_apply_report_sum(struct sriov_apply_report *rep);

/* sriov_apply_plan.c: desired x current -> steps (results), nothing written */

struct pf_plan {
	const struct want_pf *want;
	struct sriov_pf *pf;
	char name[64];                  /* PCI address or device name */
	struct vf_target *t;            /* per VF, n_t of them */
	size_t n_t;
	int num_vfs_before;
	int autoprobe_before;
	int eswitch_before;             /* SRIOV_ESWITCH_* or SRIOV_NO_VALUE */
	bool recreate;                  /* the VF count changes: new VFs */
	bool config_read;               /* VF settings read while planning, */
	unsigned long config_gen;       /* ... under this PF generation */
	struct rate_step *rates;        /* rate nodes, then VF leaves */
	size_t n_rates;
	size_t res_first;               /* its results: [res_first, res_end) */
	size_t res_end;
};

struct apply_run {
	struct sriov_ctx *ctx;
	const struct sriov_desired *d;
	struct sriov_apply_opts o;
	struct pf_plan *pfs;
	size_t n_pfs;
	struct sriov_apply_report *rep;
	bool recovering;                /* applying journals: keep no new one */
};

/* sriov_apply_resolve.c: the PF of each entry into run->pfs */
int sriov_apply_resolve(struct apply_run *run);

/* apply_check.c: an entry against its PF (-EINVAL/-ERANGE with position) */
int sriov_apply_check_pf(struct apply_run *run, struct pf_plan *p);

/* Resolves, checks against the host and plans; fills run->pfs and rep. */
int sriov_apply_plan(struct apply_run *run);
void sriov_apply_plan_free(struct apply_run *run);
/* The result of one step of a planned PF, or NULL. */
struct sriov_apply_result *sriov_apply_find_result(struct apply_run *run,
					     const struct pf_plan *p, int vf,
					     enum sriov_apply_action action);

static inline bool apply_is_changed(const struct sriov_apply_result *r)
{
	return r && r->status == SRIOV_APPLY_CHANGED;
}

/* The failure of a step, from the context's last error. */
static inline int apply_step_failed(struct apply_run *run,
				    struct sriov_apply_result *res, int r)
{
	sriov_apply_result_fail(res, r, sriov_ctx_last_error(run->ctx));
	return r;
}

/*
 * apply_steps.c: the planned steps of one PF, under its apply lock, in the
 * order of its step table. The outcome is in the PF's results; only a lost
 * context is an error.
 */
int sriov_apply_exec_pf(struct apply_run *run, struct pf_plan *p);

/* The VF settings of one PF's results, sent in one request. */
struct config_batch {
	struct sriov_vf **vfs;
	struct sriov_vf_config *cfgs;
	size_t *res_of;                 /* the result of each, by index */
	size_t n;
};
int sriov_apply_batch_init(struct config_batch *b, const struct pf_plan *p);
void sriov_apply_batch_free(struct config_batch *b);

struct apply_undo;
/* apply_eswitch.c: the eswitch mode, planned, checked, set and undone */
int sriov_apply_plan_eswitch(struct apply_run *run, struct pf_plan *p);
void sriov_apply_check_eswitch(struct apply_run *run, struct pf_plan *p);
int sriov_apply_exec_eswitch(struct apply_run *run, struct pf_plan *p);
void sriov_apply_undo_eswitch(struct apply_undo *u);

/*
 * apply_rate.c: rate nodes of the file and the rates of its VFs (devlink),
 * checked against the PF's mode after the eswitch step, planned from
 * what the kernel has, nodes set before the leaves that name them, undone
 * leaves first. Nodes the file does not name are left alone.
 */
struct rate_step {
	bool is_node;
	int vf;                         /* a leaf's VF, -1 for a node */
	char name[SRIOV_RATE_NAME_STRLEN];
	bool existed;                   /* a node that was there before */
	struct sriov_rate_config before;
	struct sriov_rate_config want;  /* mask: what the file gives */
	size_t res;
	bool done;
};
int sriov_apply_plan_rates(struct apply_run *run, struct pf_plan *p);
int sriov_apply_exec_rates(struct apply_run *run, struct pf_plan *p);
void sriov_apply_undo_rates(struct apply_undo *u);

/* apply_exec.c: the VF count and autoprobe; the VF settings in one request */
int sriov_apply_exec_counts(struct apply_run *run, struct pf_plan *p);
int sriov_apply_exec_configs(struct apply_run *run, struct pf_plan *p);

/*
 * apply_driver.c: drivers and owners of the VFs (-errno: a step failed).
 * With opts.check the drivers go through the vfio code's dry run.
 */
int sriov_apply_exec_drivers(struct apply_run *run, struct pf_plan *p);
int sriov_apply_exec_owners(struct apply_run *run, struct pf_plan *p);
/* "user:group" of DEV/vfio/GROUP (names, or numbers); -errno. */
int sriov_apply_owner_read(struct sriov_ctx *ctx, int group, char *buf,
		     size_t size);
/* DEV/vfio/GROUP to "USER[:GROUP]" (sriov_owner_parse()), mode 0660. */
int sriov_apply_owner_set(struct sriov_ctx *ctx, int group, const char *owner);

/*
 * apply_mtu.c: MTUs of the PF and of its VFs' host netdevs, checked and
 * planned against the host (a PF lowered below a VF the file leaves is
 * refused unless force), then set in a safe order: VFs that go down, the
 * PF, VFs that go up.
 */
int sriov_apply_check_mtus(struct apply_run *run, struct pf_plan *p);
int sriov_apply_plan_mtus(struct apply_run *run, struct pf_plan *p);
int sriov_apply_exec_mtus(struct apply_run *run, struct pf_plan *p);

/*
 * apply_undo.c: puts back what one step of the PF changed, newest first;
 * every result touched says what happened.
 */
struct apply_undo {
	struct apply_run *run;
	struct pf_plan *p;
	char cause[200];
	bool failed;                    /* something could not be put back */
};
void sriov_apply_undo_counts(struct apply_undo *u);
void sriov_apply_undo_configs(struct apply_undo *u);
void sriov_apply_undo_drivers(struct apply_undo *u);
void sriov_apply_undo_owners(struct apply_undo *u);
void sriov_apply_undo_mtus(struct apply_undo *u);

/* apply_api.c: plan and run a desired state (recovering: keep no journal) */
int sriov_apply_run_desired(struct sriov_ctx *ctx, const struct sriov_desired *d,
		      const struct sriov_apply_opts *opts, bool recovering,
		      struct sriov_apply_report **ret_report);

/* apply_journal.c: STATE_DIR/apply/<PF>.yaml, the PF as it was */
int sriov_apply_journal_write(struct apply_run *run, const struct pf_plan *p);
void sriov_apply_journal_remove(struct apply_run *run, const struct pf_plan *p);
int sriov_apply_journal_load(struct sriov_ctx *ctx, struct sriov_desired *d);

#endif
