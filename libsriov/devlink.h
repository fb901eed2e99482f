/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devlink over generic netlink (private to the library).
 *
 * A struct sriov_devlink is a NETLINK_GENERIC socket (libnl-genl-3), or a
 * test transport, with the "devlink" family resolved through the generic
 * netlink controller. On top of it: requests built with a devlink handle
 * (bus/device), "do" requests whose one reply or ack comes back, and
 * dumps whose every message is handed to a callback as a table of
 * bounds-checked attributes. The commands themselves (eswitch, ports,
 * and whatever another file adds: rate objects, port functions) only
 * build requests and read tables.
 *
 * Every function returns 0 or a negative errno and records the reason,
 * with the kernel's extended-ack text when it sent one, on the context.
 * A kernel without devlink (the family is unknown) is -EOPNOTSUPP.
 */
#ifndef SRIOV_DEVLINK_H
#define SRIOV_DEVLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct nl_msg;
struct sriov_devlink;

/*
 * The test seam: one request and its whole answer. Gets a complete
 * request (nlmsg_seq set; nlmsg_type is the family id, or GENL_ID_CTRL
 * for the family look-up) and returns, malloc'ed, the messages that
 * answer it, back to back: for a dump (NLM_F_DUMP) every message up to
 * and including the NLMSG_DONE or NLMSG_ERROR that ends it; otherwise the
 * one reply or NLMSG_ERROR (ack). Returns 0 or a negative errno when the
 * exchange itself failed.
 */
typedef int (*sriov_devlink_transact_fn)(void *userdata, const void *req,
					 size_t req_len, void **ret_answer,
					 size_t *ret_answer_len);

/*
 * The context's devlink, opened on first use: through ctx->devlink_transport
 * when a test set one, else a socket when the sysfs root is the running
 * kernel's. -EOPNOTSUPP (with the reason) when the kernel has no devlink
 * family or the root is a built tree.
 */
int sriov_devlink_ctx(struct sriov_ctx *ctx, struct sriov_devlink **ret);
void sriov_devlink_ctx_cleanup(struct sriov_ctx *ctx);

int sriov_devlink_open(struct sriov_ctx *ctx, struct sriov_devlink **ret);
int sriov_devlink_open_transport(struct sriov_ctx *ctx,
				 sriov_devlink_transact_fn fn, void *userdata,
				 struct sriov_devlink **ret);
void sriov_devlink_close(struct sriov_devlink *dl); /* NULL ok */

struct sriov_ctx *sriov_devlink_get_ctx(const struct sriov_devlink *dl);
/* Requests that change something (sent with NLM_F_ACK), since opening. */
unsigned long sriov_devlink_n_writes(const struct sriov_devlink *dl);

/* Frees a libnl message; for _cleanup_dlmsg_. */
void sriov_devlink_msg_freep(struct nl_msg **msg);
#define _cleanup_dlmsg_ _cleanup_(sriov_devlink_msg_freep)

/*
 * A devlink request of command cmd: the generic netlink header, and
 * DEVLINK_ATTR_BUS_NAME / DEV_NAME when bus is not NULL. flags: NLM_F_DUMP
 * for a dump, 0 for a "do". Further attributes are added with libnl's
 * nla_put_*() on *ret_msg.
 */
int sriov_devlink_msg(struct sriov_devlink *dl, uint8_t cmd, int flags,
		      const char *bus, const char *dev, struct nl_msg **ret_msg);

/* One attribute as received: payload and its length, within the message. */
struct sriov_dl_attr {
	const uint8_t *data;
	uint16_t len;
	bool present;
};

/*
 * The attributes of one reply, indexed by type up to SRIOV_DL_ATTR_MAX
 * (types above are ignored, a later one of a type replaces an earlier).
 */
#define SRIOV_DL_ATTR_MAX 255
struct sriov_dl_msg {
	uint8_t cmd;                         /* genlmsghdr.cmd */
	struct sriov_dl_attr tb[SRIOV_DL_ATTR_MAX + 1];
};

/*
 * Called for the reply of a "do" and for each message of a dump. A
 * negative return stops the walk and becomes the result.
 */
typedef int (*sriov_devlink_reply_fn)(struct sriov_devlink *dl,
				      const struct sriov_dl_msg *m,
				      void *data);

/*
 * Sends a "do" request. With fn, the request is a GET whose one reply
 * goes to fn; without, it is a change: sent with NLM_F_ACK, counted, and
 * the ack's errno returned (ext-ack text in the last error, what is
 * prefixed to it).
 */
int sriov_devlink_do(struct sriov_devlink *dl, struct nl_msg *msg,
		     const char *what, sriov_devlink_reply_fn fn, void *data);
/* Sends a dump request and hands every message to fn. */
int sriov_devlink_dump(struct sriov_devlink *dl, struct nl_msg *msg,
		       const char *what, sriov_devlink_reply_fn fn,
		       void *data);

/*
 * Attribute readers: -EBADMSG unless present with a payload of the size.
 * Strings must be NUL-terminated within the payload.
 */
int sriov_dl_u8(const struct sriov_dl_attr *a, uint8_t *ret);
int sriov_dl_u16(const struct sriov_dl_attr *a, uint16_t *ret);
int sriov_dl_u32(const struct sriov_dl_attr *a, uint32_t *ret);
int sriov_dl_u64(const struct sriov_dl_attr *a, uint64_t *ret);
const char *sriov_dl_str(const struct sriov_dl_attr *a);
/* Parses the attributes nested in a into tb[0..max]; -EBADMSG if malformed. */
int sriov_dl_nested(const struct sriov_dl_attr *a, struct sriov_dl_attr *tb,
		    unsigned int max);

/*
 * Pure parsing, the fuzzing seam: walks the answer in buf[0..len) to a
 * request of sequence seq, handing each devlink message to fn; returns 1
 * when the answer is complete (NLMSG_DONE, an ack, or the one reply of a
 * "do"), 0 when more is to come, or a negative errno (the kernel's, with
 * its ext-ack text, or -EBADMSG).
 */
int sriov_devlink_parse_answer(struct sriov_devlink *dl, const void *buf,
			       size_t len, uint32_t seq, bool dump,
			       const char *what, sriov_devlink_reply_fn fn,
			       void *data);

/* Eswitch of one devlink instance (DEVLINK_CMD_ESWITCH_GET). */
struct sriov_dl_eswitch {
	int mode;          /* DEVLINK_ESWITCH_MODE_* or SRIOV_NO_VALUE */
	int inline_mode;   /* DEVLINK_ESWITCH_INLINE_MODE_* or SRIOV_NO_VALUE */
	int encap_mode;    /* DEVLINK_ESWITCH_ENCAP_MODE_* or SRIOV_NO_VALUE */
};

/*
 * Whether the devlink instance bus/dev exists (DEVLINK_CMD_GET): 1 yes,
 * 0 no (-ENODEV from the kernel), or a negative errno.
 */
int sriov_dl_dev_exists(struct sriov_devlink *dl, const char *bus,
			const char *dev);
/* Fields the driver does not report are SRIOV_NO_VALUE; -EOPNOTSUPP when
 * it reports none. */
int sriov_dl_eswitch_get(struct sriov_devlink *dl, const char *bus,
			 const char *dev, struct sriov_dl_eswitch *ret);
int sriov_dl_eswitch_set_mode(struct sriov_devlink *dl, const char *bus,
			      const char *dev, uint16_t mode);

/* One devlink port (DEVLINK_CMD_PORT_GET). */
#define SRIOV_DL_HWADDR_MAX 32
struct sriov_dl_port {
	char bus[32];
	char dev[64];
	uint32_t index;
	int flavour;            /* DEVLINK_PORT_FLAVOUR_* or SRIOV_NO_VALUE */
	int pfnum, vfnum;       /* or SRIOV_NO_VALUE */
	int netdev_ifindex;     /* or SRIOV_NO_VALUE */
	char netdev[16];        /* "" when none */
	uint8_t hw_addr[SRIOV_DL_HWADDR_MAX];
	size_t hw_addr_len;     /* 0: not reported */
	int fn_state;           /* DEVLINK_PORT_FN_STATE_* or SRIOV_NO_VALUE */
	int fn_opstate;         /* DEVLINK_PORT_FN_OPSTATE_* or SRIOV_NO_VALUE */
};

/* Every port of every devlink instance in one dump; *ret malloc'ed. */
int sriov_dl_port_dump(struct sriov_devlink *dl, struct sriov_dl_port **ret,
		       size_t *ret_n);
/* Reads one port message into ret (exposed for tests and fuzzing). */
int sriov_dl_port_parse(const struct sriov_dl_msg *m,
			struct sriov_dl_port *ret);

#endif
