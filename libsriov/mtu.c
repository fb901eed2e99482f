/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MTUs of a PF's netdev and of its VFs' own host netdevs: read from sysfs,
 * set over rtnetlink (IFLA_MTU) within the range the driver reports, so
 * that a VF never goes above its PF and the PF never drops below a VF
 * without being told to.
 */
#include <stdio.h>
#include <string.h>

#include "rtnl.h"
#include "sysfs.h"

/* An interface's MTU attribute, or another number of its sysfs dir. */
static int netdev_number(const struct sriov_pf *pf, const char *dev,
			 const char *ifname, const char *attr, unsigned long max,
			 unsigned long *ret)
{
	struct sriov_ctx *ctx = pf->ctx;
	char buf[32];
	int r;

	/* PCI devices through their PF's parent directory when it is held */
	r = sriov_sysfs_dev_net_read(ctx, strcmp(pf->bus, "pci") ? -1
				     : sriov_pf_parent_fd(pf),
				     pf->bus, dev, ifname, attr, buf,
				     sizeof(buf), true);
	if (r < 0)
		return r;
	if (sriov_parse_uint(buf, 10, max, ret) < 0)
		return sriov_err(ctx, EINVAL, "%s: bad %s \"%s\"", ifname, attr, buf);
	return 0;
}

SRIOV_EXPORT int sriov_pf_get_mtu(const struct sriov_pf *pf,
				  unsigned int *ret_mtu)
{
	char ifname[64];
	unsigned long v;
	int r;

	if (!pf || !ret_mtu)
		return -EINVAL;
	if (!pf->info.netdevs[0])
		return -ENODEV;
	/* the name it was read under while the device has it, else its name now */
	r = netdev_number(pf, pf->dev_name, pf->info.netdevs[0], "mtu",
			  0xffffffffu, &v);
	if (r == -ENOENT) {
		r = sriov_pf_netdev_now(pf, ifname, sizeof(ifname));
		if (r == 0)
			r = netdev_number(pf, pf->dev_name, ifname, "mtu",
					  0xffffffffu, &v);
	}
	if (r < 0)
		return r;
	*ret_mtu = (unsigned int)v;
	return 0;
}

SRIOV_EXPORT int sriov_vf_get_mtu(const struct sriov_vf *vf,
				  unsigned int *ret_mtu)
{
	unsigned long v;
	int r;

	if (!vf || !ret_mtu)
		return -EINVAL;
	if (!vf->info.netdev || !vf->info.pci[0])
		return -ENODEV;
	r = netdev_number(vf->pf, vf->info.pci, vf->info.netdev, "mtu",
			  0xffffffffu, &v);
	if (r < 0)
		return r;
	*ret_mtu = (unsigned int)v;
	return 0;
}

static int check_range(struct sriov_ctx *ctx, unsigned int mtu)
{
	if (mtu < SRIOV_MTU_MIN || mtu > SRIOV_MTU_MAX)
		return sriov_err(ctx, ERANGE, "MTU %u is out of range %u-%u", mtu,
				 SRIOV_MTU_MIN, SRIOV_MTU_MAX);
	return 0;
}

/* One interface to set: under the lock of pf, named what in messages. */
struct mtu_target {
	struct sriov_pf *pf;
	bool held;                  /* the caller holds pf's lock */
	char what[160];
	int ifindex;
};

static int read_back(struct sriov_rtnl *nl, const struct mtu_target *t,
		     unsigned int before, unsigned int mtu)
{
	struct sriov_ctx *ctx = t->pf->ctx;
	struct sriov_rtnl_mtu m;
	int r = sriov_rtnl_get_mtu(nl, t->ifindex, &m);

	if (r < 0 || m.mtu == mtu)
		return r;
	/* put back what was there; the driver took another value */
	r = sriov_rtnl_set_mtu(nl, t->ifindex, before);
	return sriov_err(ctx, EIO, "%s: MTU %u was accepted but reads back %u; %s %u",
			 t->what, mtu, m.mtu, r == 0 ? "put back" : "could not put back",
			 before);
}

/*
 * Sets t to mtu within the range its driver reports: no write when it
 * already has it, verified by reading back, put back when it reads
 * otherwise.
 */
static int mtu_write(const struct mtu_target *t, unsigned int mtu,
		     unsigned int flags, struct sriov_mtu_change *ret)
{
	struct sriov_ctx *ctx = t->pf->ctx;
	struct sriov_mtu_change ch = { 0 };
	struct sriov_rtnl_mtu m;
	struct sriov_rtnl *nl;
	int lock_fd = -1, r = sriov_ctx_rtnl(ctx, &nl);

	if (r == 0)
		r = sriov_rtnl_get_mtu(nl, t->ifindex, &m);
	if (r < 0)
		return r;
	if ((m.min_mtu && mtu < m.min_mtu) || (m.max_mtu && mtu > m.max_mtu))
		return sriov_err(ctx, ERANGE, "MTU %u is outside what %s takes: %u-%u",
				 mtu, t->what, m.min_mtu,
				 m.max_mtu ? m.max_mtu : SRIOV_MTU_MAX);
	ch.before = ch.after = m.mtu;
	if (m.mtu != mtu && (flags & SRIOV_MTU_DRY_RUN)) {
		ch.after = mtu;
		ch.changed = true;
	} else if (m.mtu != mtu) {
		r = t->held ? 0 : sriov_lock_name(ctx, t->pf->dev_name, &lock_fd);
		if (r == 0)
			r = sriov_rtnl_set_mtu(nl, t->ifindex, mtu);
		if (r == 0)
			r = read_back(nl, t, m.mtu, mtu);
		sriov_unlock(lock_fd);
		if (r < 0)
			return r;
		ch.after = mtu;
		ch.changed = true;
	}
	*ret = ch;
	return 0;
}

/* The largest MTU of pf's VFs that have netdevs, and which VF it is. */
static unsigned int vfs_max_mtu(const struct sriov_pf *pf,
				const struct sriov_vf **ret_vf)
{
	unsigned int best = 0, m;

	*ret_vf = NULL;
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i] && sriov_vf_get_mtu(pf->vfs[i], &m) == 0 &&
		    m > best) {
			best = m;
			*ret_vf = pf->vfs[i];
		}
	return best;
}

SRIOV_EXPORT int sriov_pf_set_mtu(struct sriov_pf *pf, unsigned int mtu,
				  unsigned int flags,
				  struct sriov_mtu_change *ret_change)
{
	struct mtu_target t = { .pf = pf };
	const struct sriov_vf *vf;
	unsigned int vfs_max;
	char ifname[64];
	int r;

	if (!pf || !ret_change)
		return -EINVAL;
	r = check_range(pf->ctx, mtu);
	if (r < 0)
		return r;
	if (!pf->info.netdevs[0])
		return sriov_err(pf->ctx, ENODEV,
				 "%s has no network interface to set an MTU on",
				 pf->dev_name);
	r = sriov_pf_netdev_now(pf, ifname, sizeof(ifname));
	if (r < 0)
		return sriov_err(pf->ctx, -r, "%s: its network interface %s is gone",
				 pf->dev_name, pf->info.netdevs[0]);
	snprintf(t.what, sizeof(t.what), "%s (%s)", pf->dev_name, ifname);
	vfs_max = vfs_max_mtu(pf, &vf);
	if (mtu < vfs_max && !(flags & SRIOV_MTU_FORCE))
		return sriov_err(pf->ctx, ECANCELED,
				 "%s: MTU %u would be below VF %u's (%s: %u); lower the VFs first, or repeat with --force",
				 t.what, mtu, vf->info.index, vf->info.netdev, vfs_max);
	r = sriov_pf_ifindex(pf, &t.ifindex);
	if (r == 0)
		r = mtu_write(&t, mtu, flags, ret_change);
	return r;
}

static int vf_without_netdev(const struct sriov_vf *vf)
{
	const struct sriov_vf_info *i = &vf->info;

	if (i->driver)
		return sriov_err(vf->pf->ctx, ENODEV,
				 "VF %u (%s) is on %s and has no network interface on the host to set an MTU on",
				 i->index, i->pci[0] ? i->pci : "-", i->driver);
	return sriov_err(vf->pf->ctx, ENODEV,
			 "VF %u (%s) has no driver, so no network interface to set an MTU on",
			 i->index, i->pci[0] ? i->pci : "-");
}

static int set_vf_mtu(struct sriov_vf *vf, unsigned int mtu, unsigned int flags,
		      bool held, struct sriov_mtu_change *ret_change)
{
	struct mtu_target t = { .held = held };
	unsigned int pf_mtu;
	unsigned long ifindex;
	int r;

	if (!vf || !ret_change)
		return -EINVAL;
	t.pf = vf->pf;
	r = check_range(t.pf->ctx, mtu);
	if (r < 0)
		return r;
	if (!vf->info.netdev || !vf->info.pci[0])
		return vf_without_netdev(vf);
	snprintf(t.what, sizeof(t.what), "VF %u (%s)", vf->info.index,
		 vf->info.netdev);
	if (sriov_pf_get_mtu(t.pf, &pf_mtu) == 0 && mtu > pf_mtu)
		return sriov_err(t.pf->ctx, EINVAL,
				 "%s: MTU %u would be above its PF's (%s: %u); raise the PF's first",
				 t.what, mtu, t.pf->info.netdevs[0], pf_mtu);
	r = netdev_number(t.pf, vf->info.pci, vf->info.netdev, "ifindex",
			  0x7fffffff, &ifindex);
	if (r < 0)
		return r;
	t.ifindex = (int)ifindex;
	return mtu_write(&t, mtu, flags, ret_change);
}

SRIOV_EXPORT int sriov_vf_set_mtu(struct sriov_vf *vf, unsigned int mtu,
				  unsigned int flags,
				  struct sriov_mtu_change *ret_change)
{
	return set_vf_mtu(vf, mtu, flags, false, ret_change);
}

int sriov_vf_set_mtu_held(struct sriov_vf *vf, unsigned int mtu,
			  unsigned int flags, struct sriov_mtu_change *ret_change)
{
	return set_vf_mtu(vf, mtu, flags, true, ret_change);
}
