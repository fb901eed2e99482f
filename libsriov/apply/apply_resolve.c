/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The first step of planning: each PF entry to one PF of the host. Two
 * entries on one PF are bad input; an entry matching no PF is a failed
 * step of its own, so that the other PFs are still converged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"

static int cmp_pf_addr(const void *a, const void *b)
{
	const struct sriov_pf *x = *(struct sriov_pf *const *)a;
	const struct sriov_pf *y = *(struct sriov_pf *const *)b;

	return sriov_pci_addr_cmp(&x->info.addr, &y->info.addr);
}

/* device: VENDOR:DEVICE [index: N], the Nth such PCI PF in address order. */
static int resolve_device(struct apply_run *run, const struct want_pf *w,
			  struct sriov_pf **ret)
{
	struct sriov_pf *const *all;
	_cleanup_free_ struct sriov_pf **match = NULL;
	size_t n_all, n = 0;
	int r = sriov_pf_list(run->ctx, &all, &n_all);

	if (r < 0)
		return r;
	match = calloc(n_all + 1, sizeof(*match));
	if (!match)
		return -ENOMEM;
	for (size_t i = 0; i < n_all; i++)
		if (!strcmp(all[i]->bus, "pci") &&
		    all[i]->info.vendor_id == w->vendor_id &&
		    all[i]->info.device_id == w->device_id)
			match[n++] = all[i];
	qsort(match, n, sizeof(*match), cmp_pf_addr);
	if (w->index < 0 && n > 1)
		return sriov_apply_loc_err(run->ctx, EINVAL, &w->loc, w->path, "device",
				     "%zu PFs are %04x:%04x (%s, %s%s): say which with index",
				     n, w->vendor_id, w->device_id,
				     match[0]->info.pci, match[1]->info.pci,
				     n > 2 ? ", ..." : "");
	if ((size_t)(w->index < 0 ? 0 : w->index) >= n)
		return sriov_err(run->ctx, ENODEV,
				 "the host has %zu PF%s %04x:%04x", n,
				 n == 1 ? "" : "s", w->vendor_id, w->device_id);
	*ret = match[w->index < 0 ? 0 : w->index];
	return 0;
}

static int resolve(struct apply_run *run, const struct want_pf *w,
		   struct sriov_pf **ret)
{
	char pci[SRIOV_PCI_ADDR_STRLEN];

	switch (w->sel) {
	case APPLY_SEL_PCI:
		sriov_pci_addr_format(&w->addr, pci);
		return sriov_pf_find(run->ctx, pci, ret);
	case APPLY_SEL_NETDEV:
		return sriov_pf_find(run->ctx, w->netdev, ret);
	case APPLY_SEL_DEVICE:
		return resolve_device(run, w, ret);
	}
	return -EINVAL;
}

static void pf_name(const struct sriov_pf *pf, char *buf, size_t size)
{
	snprintf(buf, size, "%s", pf->info.pci[0] ? pf->info.pci : pf->dev_name);
}

/* A selector that matches nothing is a failed step, not bad input. */
static int not_found(struct apply_run *run, const struct want_pf *w)
{
	int i = sriov_apply_result_add(run->rep, w->sel_text, -1, SRIOV_APPLY_FIND_PF);
	char why[SRIOV_ERRBUF_LEN + 64];

	if (i < 0)
		return i;
	snprintf(why, sizeof(why), "%s:%d: no PF matches %s: %s", w->loc.file,
		 w->loc.line, w->sel_text, sriov_ctx_last_error(run->ctx));
	sriov_apply_result_fail(&run->rep->results[i], -ENODEV, why);
	return 0;
}

static int add_pf(struct apply_run *run, const struct want_pf *w,
		  struct sriov_pf *pf)
{
	struct pf_plan *p = &run->pfs[run->n_pfs];

	for (size_t i = 0; i < run->n_pfs; i++)
		if (run->pfs[i].pf == pf)
			return sriov_apply_loc_err(run->ctx, EINVAL, &w->loc, w->path,
					     NULL,
					     "%s selects %s, which %s at %s:%d selects already",
					     w->sel_text, run->pfs[i].name,
					     run->pfs[i].want->sel_text,
					     run->pfs[i].want->loc.file,
					     run->pfs[i].want->loc.line);
	memset(p, 0, sizeof(*p));
	p->want = w;
	p->pf = pf;
	pf_name(pf, p->name, sizeof(p->name));
	p->num_vfs_before = pf->info.num_vfs;
	p->autoprobe_before = pf->info.drivers_autoprobe;
	p->eswitch_before = SRIOV_NO_VALUE;
	run->n_pfs++;
	return 0;
}

static int with_position(struct apply_run *run, const struct want_pf *w,
			 int r)
{
	char msg[SRIOV_ERRBUF_LEN];
	const char *key = w->sel == APPLY_SEL_PCI      ? "pci"
			  : w->sel == APPLY_SEL_NETDEV ? "netdev"
						       : "device";

	snprintf(msg, sizeof(msg), "%s", sriov_ctx_last_error(run->ctx));
	if (!strncmp(msg, w->loc.file, strlen(w->loc.file)))
		return r;
	return sriov_apply_loc_err(run->ctx, -r, &w->loc, w->path, key, "%s", msg);
}

/*
 * With opts.pf, only the entry selecting that PF; the others may not
 * resolve. A PF named by address or netdev is read alone; only "device"
 * (vendor:device and index) scans the host for every PF.
 */
int sriov_apply_resolve(struct apply_run *run)
{
	struct sriov_pf *only = NULL, *pf;
	int r = 0;

	if (run->o.pf)
		r = sriov_pf_find(run->ctx, run->o.pf, &only);
	if (r < 0)
		return r;
	run->pfs = calloc(run->d->n_pfs + 1, sizeof(*run->pfs));
	if (!run->pfs)
		return -ENOMEM;
	for (size_t i = 0; i < run->d->n_pfs; i++) {
		const struct want_pf *w = &run->d->pfs[i];

		r = resolve(run, w, &pf);
		if (only && (r < 0 || pf != only))
			continue;
		if (r < 0 && r != -ENODEV && r != -ENOMEM)
			return with_position(run, w, r);
		if (r == -ENOMEM)
			return r;
		r = r < 0 ? not_found(run, w) : add_pf(run, w, pf);
		if (r < 0)
			return r;
	}
	return 0;
}
