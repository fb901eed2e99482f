/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for configuring VFs: the least a program can do to give N
 * VFs of a PF their settings. Plain rtnetlink, no library: every VF's
 * settings go into ONE RTM_SETLINK (split only where the 16-bit length
 * of IFLA_VFINFO_LIST would overflow, past ~650 VFs), then the ACKs are
 * read. Nothing is read back, nothing is compared.
 *
 *   setlink [-r] IFNAME FIRST LAST [mac XX] [vlan V qos Q] [spoofchk on|off]
 *           [trust on|off] [rate MIN MAX]
 *
 * -r: the second floor, what a tool that changes only what differs and
 * verifies must do at least: one RTM_GETLINK (VFs, no stats) read whole
 * before, the RTM_SETLINK(s), one RTM_GETLINK read whole after; the
 * replies are received, not parsed.
 *
 * "mac XX" gives VF i the address 02:00:00:XX:hi(i):lo(i), the pattern
 * every contender of the benchmark uses. Exit 0 when the kernel accepted
 * every message, 1 otherwise (its error on standard error).
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

#define MSG_MAX (1 << 17)
#define LIST_MAX 65000 /* stay below the nest's 16-bit length */

struct want {
	int mac, vlan, qos, spoofchk, trust;
	unsigned min_rate, max_rate;
	int has_mac, has_vlan, has_rate;
};

static char *buf;
static size_t len;

static struct nlattr *put(int type, const void *data, size_t dlen)
{
	struct nlattr *a = (struct nlattr *)(buf + len);

	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + dlen);
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	len += NLA_ALIGN(a->nla_len);
	return a;
}

static void end_nest(struct nlattr *a)
{
	a->nla_len = (unsigned short)(buf + len - (char *)a);
}

static void put_vf(const struct want *w, unsigned vf)
{
	struct nlattr *info = put(IFLA_VF_INFO | NLA_F_NESTED, NULL, 0);

	if (w->has_mac) {
		struct ifla_vf_mac m = { .vf = vf,
			.mac = { 2, 0, 0, (unsigned char)w->mac,
				 (unsigned char)(vf >> 8), (unsigned char)vf } };
		put(IFLA_VF_MAC, &m, sizeof(m));
	}
	if (w->has_vlan) {
		struct ifla_vf_vlan v = { .vf = vf, .vlan = (unsigned)w->vlan,
					  .qos = (unsigned)w->qos };
		put(IFLA_VF_VLAN, &v, sizeof(v));
	}
	if (w->spoofchk >= 0) {
		struct ifla_vf_spoofchk s = { .vf = vf, .setting = (unsigned)w->spoofchk };
		put(IFLA_VF_SPOOFCHK, &s, sizeof(s));
	}
	if (w->trust >= 0) {
		struct ifla_vf_trust t = { .vf = vf, .setting = (unsigned)w->trust };
		put(IFLA_VF_TRUST, &t, sizeof(t));
	}
	if (w->has_rate) {
		struct ifla_vf_rate r = { .vf = vf, .min_tx_rate = w->min_rate,
					  .max_tx_rate = w->max_rate };
		put(IFLA_VF_RATE, &r, sizeof(r));
	}
	end_nest(info);
}

static int onoff(const char *s)
{
	if (!strcmp(s, "on"))
		return 1;
	if (!strcmp(s, "off"))
		return 0;
	fprintf(stderr, "setlink: expected on or off, got %s\n", s);
	exit(2);
}

static void parse(int argc, char **argv, struct want *w)
{
	w->spoofchk = w->trust = -1;
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i];
		int left = argc - i - 1;

		if (!strcmp(k, "mac") && left >= 1) {
			w->has_mac = 1;
			w->mac = (int)strtol(argv[++i], NULL, 16);
		} else if (!strcmp(k, "vlan") && left >= 3 && !strcmp(argv[i + 2], "qos")) {
			w->has_vlan = 1;
			w->vlan = atoi(argv[i + 1]);
			w->qos = atoi(argv[i + 3]);
			i += 3;
		} else if (!strcmp(k, "spoofchk") && left >= 1) {
			w->spoofchk = onoff(argv[++i]);
		} else if (!strcmp(k, "trust") && left >= 1) {
			w->trust = onoff(argv[++i]);
		} else if (!strcmp(k, "rate") && left >= 2) {
			w->has_rate = 1;
			w->min_rate = (unsigned)atoi(argv[i + 1]);
			w->max_rate = (unsigned)atoi(argv[i + 2]);
			i += 2;
		} else {
			fprintf(stderr, "setlink: bad argument %s\n", k);
			exit(2);
		}
	}
}

/* Build one message for VFs [first, last], or as many as fit. */
static unsigned build(int ifindex, unsigned seq, const struct want *w,
		      unsigned first, unsigned last)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi;
	struct nlattr *list;
	unsigned vf;

	memset(buf, 0, NLMSG_HDRLEN + sizeof(*ifi));
	h->nlmsg_type = RTM_SETLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = seq;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));
	list = put(IFLA_VFINFO_LIST | NLA_F_NESTED, NULL, 0);
	for (vf = first; vf <= last; vf++) {
		size_t before = len;

		put_vf(w, vf);
		if ((size_t)((char *)buf + len - (char *)list) > LIST_MAX) {
			len = before;
			break;
		}
	}
	end_nest(list);
	h->nlmsg_len = (unsigned)len;
	return vf;
}

static int read_acks(int fd, unsigned want)
{
	static char rbuf[1 << 16];
	int failed = 0;

	while (want) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recv");
			return 1;
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			want--;
			if (e->error) {
				fprintf(stderr, "setlink: message %u: %s\n", h->nlmsg_seq,
					strerror(-e->error));
				failed = 1;
			}
		}
	}
	return failed;
}

/* One RTM_GETLINK of ifindex with its VFs, the reply received whole. */
static int getlink(int fd, int ifindex, unsigned seq)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		struct nlattr a;
		unsigned mask;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = seq },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
		.a = { .nla_len = NLA_HDRLEN + sizeof(unsigned), .nla_type = IFLA_EXT_MASK },
		.mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS,
	};
	ssize_t n;
	char *rbuf;

	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	rbuf = n > 0 ? malloc((size_t)n) : NULL;
	if (!rbuf || recv(fd, rbuf, (size_t)n, 0) != n) {
		free(rbuf);
		return -1;
	}
	n = ((struct nlmsghdr *)rbuf)->nlmsg_type == NLMSG_ERROR ? -1 : 0;
	free(rbuf);
	return (int)n;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct want w = { 0 };
	unsigned first, last, seq = 0;
	int fd, ifindex, verify = 0, r;

	if (argc > 1 && !strcmp(argv[1], "-r")) {
		verify = 1;
		argc--;
		argv++;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: setlink [-r] IFNAME FIRST LAST [mac XX] [vlan V qos Q] "
				"[spoofchk on|off] [trust on|off] [rate MIN MAX]\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		perror(argv[1]);
		return 2;
	}
	first = (unsigned)atoi(argv[2]);
	last = (unsigned)atoi(argv[3]);
	parse(argc - 4, argv + 4, &w);
	buf = malloc(MSG_MAX);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (!buf || fd < 0) {
		perror("setlink");
		return 1;
	}
	if (verify && getlink(fd, ifindex, 1000000) < 0) {
		perror("setlink: getlink before");
		return 1;
	}
	/* Send every message first, then collect the ACKs. */
	for (unsigned vf = first; vf <= last; seq++) {
		vf = build(ifindex, seq + 1, &w, vf, last);
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
			perror("sendto");
			return 1;
		}
	}
	r = read_acks(fd, seq);
	if (r == 0 && verify && getlink(fd, ifindex, 1000001) < 0) {
		perror("setlink: getlink after");
		return 1;
	}
	return r;
}
