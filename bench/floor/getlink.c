/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for reading back VFs: the least a program can do to list
 * every VF of a PF with its settings. Plain rtnetlink, no library: ONE
 * RTM_GETLINK by ifindex with RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS,
 * the reply sized by peeking, then one line per VF on standard output:
 *
 *   vf mac vlan qos spoofchk trust min_tx_rate max_tx_rate link_state
 *
 *   getlink IFNAME
 *
 * IFLA_VFINFO_LIST's 16-bit length wraps past ~330 VFs; the VFs are
 * walked one by one up to IFLA_NUM_VF instead of trusting that length,
 * so the list is complete at any size.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ATTR_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define ATTR_NEXT(a) ((struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

static void print_vf(struct nlattr *info)
{
	char *end = (char *)info + info->nla_len;
	unsigned vf = 0, vlan = 0, qos = 0, spoof = 0, trust = 0, min = 0, max = 0, state = 0;
	unsigned char mac[6] = { 0 };

	for (struct nlattr *a = ATTR_DATA(info); (char *)a + NLA_HDRLEN <= end;
	     a = ATTR_NEXT(a)) {
		if (a->nla_len < NLA_HDRLEN)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case IFLA_VF_MAC: {
			struct ifla_vf_mac *m = ATTR_DATA(a);
			vf = m->vf;
			memcpy(mac, m->mac, 6);
			break;
		}
		case IFLA_VF_VLAN: {
			struct ifla_vf_vlan *v = ATTR_DATA(a);
			vlan = v->vlan;
			qos = v->qos;
			break;
		}
		case IFLA_VF_RATE: {
			struct ifla_vf_rate *r = ATTR_DATA(a);
			min = r->min_tx_rate;
			max = r->max_tx_rate;
			break;
		}
		case IFLA_VF_SPOOFCHK:
			spoof = ((struct ifla_vf_spoofchk *)ATTR_DATA(a))->setting;
			break;
		case IFLA_VF_TRUST:
			trust = ((struct ifla_vf_trust *)ATTR_DATA(a))->setting;
			break;
		case IFLA_VF_LINK_STATE:
			state = ((struct ifla_vf_link_state *)ATTR_DATA(a))->link_state;
			break;
		}
	}
	printf("%u %02x:%02x:%02x:%02x:%02x:%02x %u %u %u %u %u %u %u\n", vf, mac[0],
	       mac[1], mac[2], mac[3], mac[4], mac[5], vlan, qos, spoof, trust, min,
	       max, state);
}

static int parse(struct nlmsghdr *h)
{
	char *end = (char *)h + h->nlmsg_len;
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) +
					     NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	unsigned num_vf = 0, seen = 0;

	while ((char *)a + NLA_HDRLEN <= end && a->nla_len >= NLA_HDRLEN) {
		unsigned type = a->nla_type & NLA_TYPE_MASK;

		if (type == IFLA_NUM_VF)
			num_vf = *(unsigned *)ATTR_DATA(a);
		if (type != IFLA_VFINFO_LIST) {
			a = ATTR_NEXT(a);
			continue;
		}
		/* Walk the VFs themselves; the list's own length may have wrapped. */
		struct nlattr *vf = ATTR_DATA(a);
		while (seen < num_vf && (char *)vf + NLA_HDRLEN <= end &&
		       (vf->nla_type & NLA_TYPE_MASK) == IFLA_VF_INFO) {
			print_vf(vf);
			seen++;
			vf = ATTR_NEXT(vf);
		}
		a = vf;
	}
	return seen == num_vf ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		struct nlattr mask_attr;
		unsigned mask;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC },
		.mask_attr = { .nla_len = NLA_HDRLEN + 4, .nla_type = IFLA_EXT_MASK },
		.mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS,
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	ssize_t n;
	char *buf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: getlink IFNAME\n");
		return 2;
	}
	req.ifi.ifi_index = (int)if_nametoindex(argv[1]);
	if (!req.ifi.ifi_index) {
		perror(argv[1]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
			     sizeof(kernel)) < 0) {
		perror("getlink");
		return 1;
	}
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (!buf || recv(fd, buf, (size_t)n, 0) != n) {
		perror("getlink");
		return 1;
	}
	h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "getlink: %s\n",
			strerror(-((struct nlmsgerr *)NLMSG_DATA(h))->error));
		return 1;
	}
	return parse(h);
}
