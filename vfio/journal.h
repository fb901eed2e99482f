/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal: one file per device in STATE_DIR/journal/, written before
 * the device is touched, so that a run killed between any two steps can
 * be undone (sriov_recover()). Files are replaced atomically (temporary
 * file, fsync, rename, fsync of the directory; for the entries of a whole
 * call at once, one syncfs and one fsync of the directory) and are mode 0600.
 */
#ifndef SRIOV_JOURNAL_H
#define SRIOV_JOURNAL_H

#include "internal.h"

enum journal_state {
	JOURNAL_BINDING,   /* moving to vfio-pci; undo: back to the original */
	JOURNAL_BOUND,     /* on vfio-pci; the record release goes back to */
	JOURNAL_RELEASING, /* leaving vfio-pci; redo: on to the original */
};

#define JOURNAL_NAME_MAX SRIOV_DRIVER_NAME_MAX

struct journal_entry {
	char pci[SRIOV_PCI_ADDR_STRLEN];
	char lock[SRIOV_PCI_ADDR_STRLEN]; /* changed under this lock: its PF, or itself */
	int vf;                           /* VF number, -1: no VF */
	enum journal_state state;
	char driver[JOURNAL_NAME_MAX];    /* original driver, "": none */
	char override[JOURNAL_NAME_MAX];  /* original driver_override, "": none */
	bool default_match;               /* no bind record: the kernel picks */
	bool has_config;                  /* VF settings from rtnetlink */
	struct sriov_vf_config config;
	unsigned int mtu;                 /* of the VF's host netdev, 0: none */
	long pid;                         /* of the process that wrote it */
};

const char *sriov_journal_state_name(enum journal_state s);

int sriov_journal_write(struct sriov_ctx *ctx, const struct journal_entry *e);
/*
 * The entries of several devices written with one sync for all (each file
 * old or new after a crash, never a part): a call records every device
 * before it touches the first, and their outcome after the last.
 */
int sriov_journal_write_all(struct sriov_ctx *ctx,
			    const struct journal_entry *const *e, size_t n);
/* -ENOENT: no entry; -EBADMSG: an entry that cannot be parsed. */
int sriov_journal_read(struct sriov_ctx *ctx, const char *pci,
		 struct journal_entry *ret);
/* Missing entries are not an error. */
int sriov_journal_remove(struct sriov_ctx *ctx, const char *pci);
int sriov_journal_remove_all(struct sriov_ctx *ctx, const char *const *pcis,
			     size_t n);
/* The devices with an entry, sorted (sriov_sysfs_names_free()). */
int sriov_journal_list(struct sriov_ctx *ctx, char ***ret_pcis, size_t *ret_n);

/* Formats and parses an entry (exposed for tests). */
int sriov_journal_format(const struct journal_entry *e, char *buf, size_t size);
int sriov_journal_parse(const char *text, struct journal_entry *ret);

#endif
