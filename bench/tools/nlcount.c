/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlcount: count the RTM_SETLINK requests a command makes on a netdev,
 * without tracing it. The kernel announces every RTM_SETLINK that
 * reaches a device's VF settings with one RTM_NEWLINK on the link
 * multicast group (do_setlink -> netdev_state_change, device up),
 * whether or not a value changed; reads announce nothing. So:
 *
 *   nlcount IFNAME CMD [ARG...]
 *   -> "notifications N overruns M exit E"
 *
 * N is the number of RTM_NEWLINK messages for IFNAME seen while CMD ran,
 * M the receive-queue overruns (a lower bound was counted when M > 0).
 * The command's output goes to /dev/null.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_messages(int fd, int ifindex, int *overruns)
{
	static char buf[1 << 16];
	int n = 0;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (len < 0) {
			if (errno == ENOBUFS) {
				(*overruns)++;
				continue;
			}
			if (errno == EINTR)
				continue;
			return n; /* EAGAIN: drained */
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);

			if (h->nlmsg_type == RTM_NEWLINK && ifi->ifi_index == ifindex)
				n++;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd, ifindex, status, overruns = 0, rcvbuf = 32 << 20, n, devnull;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: nlcount IFNAME CMD [ARG...]\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		perror(argv[1]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netlink");
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Whatever was announced before the command is not its doing. */
	count_messages(fd, ifindex, &overruns);
	overruns = 0;
	pid = fork();
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	n = 0;
	/* Drain while it runs too, so a long command cannot overrun us. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		n += count_messages(fd, ifindex, &overruns);
		usleep(2000);
	}
	n += count_messages(fd, ifindex, &overruns);
	printf("notifications %d overruns %d exit %d\n", n, overruns,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
