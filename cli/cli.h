/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SRIOVCTL_CLI_H
#define SRIOVCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "sriov/sriov.h"
#include "output.h"

/* Exit codes; documented in sriovctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_REFUSED = 3,
};

struct cli {
	const char *prog;
	bool json;
	bool pretty;
	bool dry_run;
	bool force;
	bool quiet;
	int verbose;
	bool help;               /* -h/--help anywhere: the object's help */
	bool progress_shown;     /* a progress line is on stderr */
	size_t notes_shown;      /* the library's notes already on stderr */
	bool port_warned;        /* a devlink port read failed: said once */
	const char *sysfs_root;
	const char *dev_root;
	const char *state_dir;
	struct sriov_ctx *ctx;   /* created on first use */
	struct out *out;
};

struct verb {
	const char *name;
	int min_args;
	int max_args;            /* -1: any number */
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;        /* argument synopsis for help */
	const char *summary;
};

struct object {
	const char *name;
	const struct verb *verbs; /* NULL-terminated by name; NULL: a command */
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

extern const struct object cli_objects[];
extern const struct verb pf_verbs[];
extern const struct verb vf_verbs[];
extern const struct verb iommu_verbs[];
extern const struct verb vfio_verbs[];
extern const struct verb qemu_verbs[];
extern const struct verb claim_verbs[];
extern const struct verb rate_verbs[];

/* Runs argv[0] from a verb table; "help" lists the table. */
int cli_dispatch(struct cli *cli, const struct object *obj, int argc,
		 char **argv);
void cli_object_help(const struct object *obj, FILE *f);

/* help --schema [OBJECT [VERB]] of objects[]: argv[0] is "--schema". */
int cli_print_schema(struct cli *cli, const struct object *objects, int argc,
		     char **argv);

/* "; did you mean \"pf\"?" when one of names[] (NULL-terminated) is
 * close to word, else "". */
const char *cli_did_you_mean(const char *word, const char *const *names);

/* progress.c: a progress line on a terminal; wiped before other output */
void cli_progress_setup(struct cli *cli);
void cli_progress_clear(struct cli *cli);

/* The library context, opened on first use; NULL after reporting. */
struct sriov_ctx *cli_ctx(struct cli *cli);

/*
 * Reports an error (text on stderr, or a JSON error object on stdout)
 * and returns code, so handlers can `return cli_error(...)`.
 */
int cli_error(struct cli *cli, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The failure of a command that writes a report: in JSON the "error"
 * member of the report object being written (sriovctl(8), OUTPUT), in
 * text the message on stderr.
 */
void cli_report_error(struct cli *cli, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The library's notes on the change being reported (sriov_ctx_notes()):
 * JSON, a "notes" array member of the report being written; text, one
 * "sriovctl: note: ..." line each on stderr (not with -q). An error
 * written alone carries them too.
 */
void cli_report_notes(struct cli *cli);
/* Reports the library's last error for a failed call returning r < 0. */
int cli_lib_error(struct cli *cli, int r, int code);

/* Removes flag from argv when present; true if it was. */
bool cli_take_flag(int *argc, char **argv, const char *flag);
/* Removes "flag VALUE"; *ret_value NULL when absent; -1 if VALUE missing. */
int cli_take_option(int *argc, char **argv, const char *flag,
		    const char **ret_value);
/* Removes "--timeout SEC" into *ret (ms, 0 when absent); exit code or 0. */
int cli_take_timeout(struct cli *cli, int *argc, char **argv, int *ret);
/* Exit code for a library error: refusals 3, bad input 2, else 1. */
int cli_exit_for(int r);

int vf_set(struct cli *cli, int argc, char **argv);
/* mtu.c: an MTU word (exit 2 when it is no number); "mtu N" out of argv */
int cli_parse_mtu(struct cli *cli, const char *s, unsigned int *ret);
int cli_take_mtu(struct cli *cli, int *argc, char **argv, bool *ret_given,
		 unsigned int *ret_mtu);
/* vf set VFSPEC mtu N on resolved VFs: checks all, sets, reports. */
int vf_set_mtu(struct cli *cli, struct sriov_vf **vfs, size_t n,
	       unsigned int mtu);
/* Reads a PF's VF settings for output; warns only on real failures. */
void cli_read_vf_config(struct cli *cli, struct sriov_pf *pf, bool stats);
/* The PF of a VF: its address, or its device name when it is not PCI. */
const char *cli_vf_pf_name(const struct sriov_vf *vf);
/* "PF#N" or a PCI address names one VF: show it as an object, not a list. */
bool cli_spec_is_single(const char *spec);
int pf_set(struct cli *cli, int argc, char **argv);
/* pfeswitch.c: pf set PF eswitch MODE */
int pf_set_eswitch(struct cli *cli, const char *name, const char *mode,
		   int timeout_ms);
int pf_disable(struct cli *cli, int argc, char **argv);
int cmd_apply(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
struct sriov_apply_report;
/* apply.c: the report of apply and restore; frees it, returns the exit code. */
int apply_finish(struct cli *cli, struct sriov_apply_report *rep, bool diff);

/* Passthrough: cli/vfio.c, qemu.c, doctor.c, recover.c */
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_recover(struct cli *cli, int argc, char **argv);
/* argv[1..]: device specifications, no options left; exit code or 0. */
int cli_resolve_devices(struct cli *cli, int argc, char **argv,
			struct sriov_pci_addr **ret_addrs, size_t *ret_n);
/* claim.c: the VFs of a claim's lease; exit code or 0. */
int cli_claim_devices(struct cli *cli, const char *name,
		      struct sriov_pci_addr **ret_addrs, size_t *ret_n);
/* "4G", "512M", "1024" (bytes); -1 when invalid. */
int cli_parse_size(const char *s, uint64_t *ret);
/* --memory: cli_parse_size(), not 0, at most CLI_MEMORY_MAX; else exit 2 */
#define CLI_MEMORY_MAX ((uint64_t)1 << 52)
int cli_parse_memory(struct cli *cli, const char *s, uint64_t *ret);
/*
 * qemuver.c: a QEMU version as SRIOV_QEMU_VERSION(), from "X.Y[.Z]"
 * (--qemu-version) or from the output of "PATH -version" (--qemu);
 * else the reason, exit code 2.
 */
/* The longest id prefix sriov_qemu_args() takes */
#define CLI_QEMU_ID_PREFIX_MAX 32
/*
 * claim.c: the id prefix of the devices of a claim, "NAME-" (a "c" first
 * when NAME does not start with a letter), so that two claims of one VM
 * get distinct ids; NULL (the default prefix) when it would be too long.
 */
const char *cli_claim_id_prefix(const char *claim, char *buf, size_t size);
int cli_qemu_version_parse(struct cli *cli, const char *text, unsigned int *ret);
int cli_qemu_version_ask(struct cli *cli, const char *path, unsigned int *ret);

/* Common field writers shared by the object files. */
void print_pf(struct cli *cli, struct sriov_pf *pf, bool detail);
void print_vf(struct cli *cli, const struct sriov_vf *vf, bool detail);

#endif
