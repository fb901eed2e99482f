/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Is a VF in use by the host? A netdev with addresses or routes, one
 * enslaved to a bond, bridge or VRF, or a VFIO group that a process holds
 * open. Link-local IPv6 addresses and the routes the kernel adds by itself
 * for them do not count: every interface that is up has them.
 */
#include <dirent.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inuse.h"
#include "iommu.h"
#include "sysfs.h"

struct sriov_inuse {
	struct sriov_ctx *ctx;
	struct nl_sock *sk;
	struct nl_cache *addrs;
	struct nl_cache *routes;
	struct sriov_holders *holders; /* read on first use */
};

int sriov_inuse_open(struct sriov_ctx *ctx, struct sriov_inuse **ret)
{
	struct sriov_inuse *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->ctx = ctx;
	/* netlink speaks for the running kernel only */
	if (ctx->live) {
		u->sk = nl_socket_alloc();
		if (!u->sk || nl_connect(u->sk, NETLINK_ROUTE) < 0 ||
		    rtnl_addr_alloc_cache(u->sk, &u->addrs) < 0 ||
		    rtnl_route_alloc_cache(u->sk, AF_UNSPEC, 0, &u->routes) < 0) {
			sriov_inuse_close(u);
			return sriov_err(ctx, EIO,
					 "cannot read addresses and routes over rtnetlink");
		}
	}
	*ret = u;
	return 0;
}

void sriov_inuse_close(struct sriov_inuse *u)
{
	if (!u)
		return;
	sriov_holders_free(u->holders);
	nl_cache_free(u->addrs);
	nl_cache_free(u->routes);
	nl_socket_free(u->sk);
	free(u);
}

static bool is_link_local6(struct nl_addr *a)
{
	const unsigned char *b;

	if (!a || nl_addr_get_family(a) != AF_INET6 || nl_addr_get_len(a) < 2)
		return false;
	b = nl_addr_get_binary_addr(a);
	return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff;
}

static int count_addrs(struct sriov_inuse *u, int ifindex)
{
	int n = 0;

	for (struct nl_object *o = nl_cache_get_first(u->addrs); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) == ifindex &&
		    !is_link_local6(rtnl_addr_get_local(a)))
			n++;
	}
	return n;
}

static bool route_uses(struct rtnl_route *r, int ifindex)
{
	for (int i = 0; i < rtnl_route_get_nnexthops(r); i++) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);

		if (nh && rtnl_route_nh_get_ifindex(nh) == ifindex)
			return true;
	}
	return false;
}

static int count_routes(struct sriov_inuse *u, int ifindex)
{
	int n = 0;

	for (struct nl_object *o = nl_cache_get_first(u->routes); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;

		/* local/broadcast entries and protocol kernel come with addresses */
		if (rtnl_route_get_table(r) == RT_TABLE_MAIN &&
		    rtnl_route_get_type(r) == RTN_UNICAST &&
		    !is_link_local6(rtnl_route_get_dst(r)) && route_uses(r, ifindex))
			n++;
	}
	return n;
}

static int netdev_ifindex(struct sriov_ctx *ctx, const char *ifname)
{
	const char *comps[] = { "class", "net", ifname, "ifindex", NULL };
	char path[SYSFS_PATH_MAX], buf[32];
	unsigned long v;

	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) < 0 ||
	    sriov_sysfs_read(ctx, path, buf, sizeof(buf), true) < 0 ||
	    sriov_parse_uint(buf, 10, 0x7fffffff, &v) < 0)
		return -1;
	return (int)v;
}

static bool netdev_master(struct sriov_ctx *ctx, const char *ifname,
			  char *master, size_t size)
{
	const char *comps[] = { "class", "net", ifname, "master", NULL };
	char path[SYSFS_PATH_MAX];

	return sriov_sysfs_join(ctx, path, sizeof(path), comps) == 0 &&
	       sriov_sysfs_readlink_name(ctx, path, master, size) == 0;
}

bool sriov_inuse_vf(struct sriov_inuse *u, const struct sriov_vf *vf,
		    char *reason, size_t size)
{
	const struct sriov_vf_info *i = &vf->info;
	char master[64];
	pid_t pid;
	int ifindex, n;

	if (sriov_driver_is_vfio(u->ctx, i->driver) &&
	    (pid = sriov_inuse_group(u, i->iommu_group)) > 0) {
		snprintf(reason, size, "VF %u (%s): VFIO group %d is open (pid %d)",
			 i->index, i->pci, i->iommu_group, (int)pid);
		return true;
	}
	if (!i->netdev)
		return false;
	if (netdev_master(u->ctx, i->netdev, master, sizeof(master))) {
		snprintf(reason, size, "VF %u (%s): %s is enslaved to %s",
			 i->index, i->pci, i->netdev, master);
		return true;
	}
	ifindex = netdev_ifindex(u->ctx, i->netdev);
	if (!u->addrs || ifindex < 0)
		return false;
	n = count_addrs(u, ifindex);
	if (n > 0) {
		snprintf(reason, size, "VF %u (%s): %s has %d address%s",
			 i->index, i->pci, i->netdev, n, n == 1 ? "" : "es");
		return true;
	}
	n = count_routes(u, ifindex);
	if (n > 0) {
		snprintf(reason, size, "VF %u (%s): %d route%s use%s %s", i->index,
			 i->pci, n, n == 1 ? "" : "s", n == 1 ? "s" : "", i->netdev);
		return true;
	}
	return false;
}

pid_t sriov_inuse_group(struct sriov_inuse *u, int group)
{
	if (group < 0)
		return 0;
	return sriov_holders_find(u->ctx, &u->holders, group);
}
