/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sending and receiving whole netlink datagrams, for every family. */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "nlsock.h"

uint32_t sriov_nl_initial_seq(void)
{
	struct timespec ts;
	uint32_t seq;

	if (getrandom(&seq, sizeof(seq), GRND_NONBLOCK) == (ssize_t)sizeof(seq))
		return seq;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ (uint32_t)getpid() << 16;
}

void sriov_nl_sock_options(struct sriov_ctx *ctx, int fd, int timeout_sec)
{
	struct timeval tv = { .tv_sec = timeout_sec };
	int one = 1;

	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0)
		sriov_dbg(ctx, "NETLINK_EXT_ACK: %s", strerror(errno));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		sriov_dbg(ctx, "NETLINK_CAP_ACK: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		sriov_dbg(ctx, "SO_RCVTIMEO: %s", strerror(errno));
}

int sriov_nl_send(struct sriov_ctx *ctx, int fd, const char *what,
		  const void *req, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fd, req, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sriov_err(ctx, errno, "%s send: %s", what,
				 strerror(errno));
	return 0;
}

int sriov_nl_recv(struct sriov_ctx *ctx, int fd, const char *what,
		  int timeout_sec, uint8_t **ret_buf, size_t *ret_len,
		  uint32_t *ret_sender)
{
	_cleanup_free_ uint8_t *buf = NULL;
	struct sockaddr_nl from = { 0 };
	socklen_t from_len;
	ssize_t size, n;

	do
		size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (size < 0 && errno == EINTR);
	if (size < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return sriov_err(ctx, ETIMEDOUT, "no %s answer in %d s", what,
				 timeout_sec);
	if (size < 0)
		return sriov_err(ctx, errno, "%s receive: %s", what,
				 strerror(errno));
	buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return sriov_err(ctx, ENOMEM,
				 "out of memory for a %zd-byte %s answer", size,
				 what);
	do {
		from_len = sizeof(from);
		n = recvfrom(fd, buf, (size_t)size, 0, (struct sockaddr *)&from,
			     &from_len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return sriov_err(ctx, errno, "%s receive: %s", what,
				 strerror(errno));
	/* an address we cannot read is no proof that the kernel sent it */
	*ret_sender = from_len >= sizeof(from) && from.nl_family == AF_NETLINK
			      ? from.nl_pid : UINT32_MAX;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = (size_t)n;
	return 0;
}
