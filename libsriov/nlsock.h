/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SRIOV_NLSOCK_H
#define SRIOV_NLSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/*
 * Datagram I/O shared by the rtnetlink and devlink (generic netlink)
 * sockets. what names the family in messages ("rtnetlink", "devlink");
 * timeout_sec is the socket's receive timeout, for the message only.
 */
/* An unpredictable first sequence number (replies are matched by it). */
uint32_t sriov_nl_initial_seq(void);

/*
 * Options that make errors readable (extended acks, no echo of the up to
 * 64 KiB request) and bound each receive; old kernels lack some, which is
 * no reason to fail.
 */
void sriov_nl_sock_options(struct sriov_ctx *ctx, int fd, int timeout_sec);

int sriov_nl_send(struct sriov_ctx *ctx, int fd, const char *what,
		  const void *req, size_t len);

/*
 * One whole datagram, its size learnt by peeking (a VF list can be
 * hundreds of KiB), and the port id of its sender (UINT32_MAX when the
 * address cannot be read: no proof that the kernel sent it).
 */
int sriov_nl_recv(struct sriov_ctx *ctx, int fd, const char *what,
		  int timeout_sec, uint8_t **ret_buf, size_t *ret_len,
		  uint32_t *ret_sender);

#endif
