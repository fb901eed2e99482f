/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What bind and release refuse, before anything is written: a device the
 * host uses (overridable), an open VFIO group, a bridge, a PF with VFs,
 * a device without IOMMU group, a group that cannot become viable, and a
 * device with an interrupted change in the journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "inuse.h"
#include "sysfs.h"

int sriov_op_fail(struct call *c, struct op *op, int r)
{
	if (op->res->error)
		return r;
	op->res->error = r;
	free((char *)op->res->message);
	op->res->message = strdup(sriov_ctx_last_error(c->ctx));
	return r;
}

static int refuse(struct call *c, struct op *op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct call *c, struct op *op, const char *fmt, ...)
{
	char msg[SRIOV_ERRBUF_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sriov_op_fail(c, op, sriov_err(c->ctx, ECANCELED, "%s", msg));
}

static int check_journal(struct call *c, struct op *op)
{
	struct journal_entry e;
	int r = sriov_journal_read(c->ctx, op->d.pci, &e);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return sriov_op_fail(c, op, r);
	if (e.state != JOURNAL_BOUND)
		return refuse(c, op,
			      "%s: an interrupted %s of this device is in the journal; run \"sriovctl recover\" first",
			      op->d.pci,
			      e.state == JOURNAL_BINDING ? "bind" : "release");
	if (c->release) {
		op->e = e;
		op->had_entry = true;
	}
	return 0;
}

/* An op checked before this one in the same IOMMU group, or NULL. */
static const struct op *same_group_before(const struct call *c,
					  const struct op *op)
{
	for (const struct op *o = c->ops; o < op; o++)
		if (o->todo && o->d.group == op->d.group && o->group_checked)
			return o;
	return NULL;
}

static int check_group_open(struct call *c, struct op *op,
			    struct sriov_inuse *u)
{
	const struct op *prev = same_group_before(c, op);
	pid_t pid = prev ? prev->group_holder : sriov_inuse_group(u, op->d.group);

	op->group_holder = pid;
	op->group_checked = true;

	if (pid <= 0)
		return 0;
	return refuse(c, op,
		      "%s: its VFIO group %d is open (process %d): a VM or another program is using it",
		      op->d.pci, op->d.group, (int)pid);
}

bool sriov_netdev_up(struct sriov_ctx *ctx, const char *ifname)
{
	const char *comps[] = { "class", "net", ifname, "flags", NULL };
	char path[SYSFS_PATH_MAX], buf[32];
	unsigned long flags;

	return sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0 &&
	       sriov_sysfs_read(ctx, path, buf, sizeof(buf), true) >= 0 &&
	       sriov_parse_uint(buf, 0, 0xffffffffUL, &flags) == 0 &&
	       (flags & 0x1); /* IFF_UP */
}

/* Addresses, routes, a master, or the interface up: the host uses it. */
static bool host_uses(struct call *c, struct sriov_inuse *u,
		      const struct vdev *d, char *why, size_t size)
{
	struct sriov_vf probe;
	char reason[256];
	const char *text;

	if (!d->netdev[0])
		return false;
	/* inuse.c judges a VF by its info alone */
	memset(&probe, 0, sizeof(probe));
	memcpy(probe.info.pci, d->pci, sizeof(probe.info.pci));
	probe.info.index = d->vf >= 0 ? (unsigned int)d->vf : 0;
	probe.info.netdev = d->netdev;
	probe.info.iommu_group = SRIOV_NO_VALUE;
	if (sriov_inuse_vf(u, &probe, reason, sizeof(reason))) {
		text = strstr(reason, "): ");
		snprintf(why, size, "%s", text ? text + 3 : reason);
		return true;
	}
	if (sriov_netdev_up(c->ctx, d->netdev)) {
		snprintf(why, size, "%s is up", d->netdev);
		return true;
	}
	return false;
}

/*
 * The group's blockers once all devices of the call are bound: read once
 * per group, the verdict shared by the call's other devices in it.
 */
static int group_blockers(struct call *c, struct op *op, char *who, size_t size)
{
	_cleanup_free_ struct sriov_pci_addr *mine = NULL;
	const struct op *prev = same_group_before(c, op);
	struct vgroup g;
	size_t k = 0;
	int r;

	if (prev && prev->group_viable) {
		who[0] = '\0';
		return 0;
	}
	mine = calloc(c->n, sizeof(*mine));
	if (!mine)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		mine[k++] = c->ops[i].d.addr;
	r = sriov_vgroup_load(c->ctx, op->d.group, &g);
	if (r < 0)
		return r;
	r = (int)sriov_vgroup_blockers(&g, mine, k, who, size);
	sriov_vgroup_clear(&g);
	return r;
}

static int check_viable_after(struct call *c, struct op *op)
{
	char who[320];
	int n = group_blockers(c, op, who, sizeof(who));

	if (n < 0)
		return sriov_op_fail(c, op, n);
	op->group_viable = n == 0;
	if (n == 0)
		return 0;
	return refuse(c, op,
		      "%s: IOMMU group %d would not be viable: it also holds %s; VFIO needs every member on vfio-pci, pci-stub or no driver; bind %s too, or unbind %s yourself (sriovctl never does)",
		      op->d.pci, op->d.group, who, n == 1 ? "it" : "them",
		      n == 1 ? "it" : "them");
}

static int check_device(struct call *c, struct op *op)
{
	const struct vdev *d = &op->d;

	if ((d->class_code >> 16) == 0x06)
		return refuse(c, op,
			      "%s is a bridge (class %06x), not an endpoint: it cannot be passed through",
			      d->pci, d->class_code);
	if (d->is_pf && d->num_vfs > 0)
		return refuse(c, op,
			      "%s is an SR-IOV PF with %d VFs: unbinding its driver would destroy them",
			      d->pci, d->num_vfs);
	if (d->group == SRIOV_NO_VALUE)
		return refuse(c, op,
			      "%s is in no IOMMU group (is the IOMMU on?): VFIO needs one, and sriovctl never turns on no-IOMMU mode",
			      d->pci);
	return 0;
}

int sriov_check_bind(struct call *c, struct op *op, struct sriov_inuse *u)
{
	char why[300];
	int r = check_journal(c, op);

	if (r == 0 && op->todo)
		r = check_device(c, op);
	if (r == 0 && op->todo)
		r = check_group_open(c, op, u);
	if (r == 0 && op->todo && !c->o.force &&
	    host_uses(c, u, &op->d, why, sizeof(why)))
		r = refuse(c, op,
			   "%s: the host uses it: %s (--force binds it anyway)",
			   op->d.pci, why);
	if (r == 0 && op->todo)
		r = check_viable_after(c, op);
	return r;
}

int sriov_check_release(struct call *c, struct op *op, struct sriov_inuse *u)
{
	int r = check_journal(c, op);

	if (r == 0 && op->todo)
		r = check_group_open(c, op, u);
	return r;
}
