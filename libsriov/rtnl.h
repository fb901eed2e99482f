/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink access to the VF settings of a PF netdev (private to the
 * library).
 *
 * Reading is one RTM_GETLINK by ifindex with IFLA_EXT_MASK carrying
 * RTEXT_FILTER_VF: the reply holds every VF in IFLA_VFINFO_LIST. That
 * attribute's length is 16 bits and wraps above ~220 VFs (with stats,
 * ~330 without) while the kernel still sends every entry, so the list is
 * walked entry by entry and never trusted by its own length.
 *
 * Writing is RTM_SETLINK with IFLA_VFINFO_LIST holding one IFLA_VF_INFO per
 * VF. The kernel applies the entries, and the attributes inside each, in
 * order and stops at the first error; sriov_rtnl_set_vfs() works out which
 * attribute of which VF failed.
 *
 * Every function returns 0 or a negative errno and records the reason,
 * with the kernel's extended-ack text when it sent one, on the context.
 */
#ifndef SRIOV_RTNL_H
#define SRIOV_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct nl_msg;

/* A NETLINK_ROUTE socket (or a test transport) bound to a context. */
struct sriov_rtnl;

/* vfconfig.c: the context's socket (or test transport), opened on first use. */
int sriov_ctx_rtnl(struct sriov_ctx *ctx, struct sriov_rtnl **ret);
/* The PF's netdev as its device lists it now (it may have been renamed). */
int sriov_pf_netdev_now(const struct sriov_pf *pf, char *buf, size_t size);
/* Its ifindex, read from the device at each use. */
int sriov_pf_ifindex(struct sriov_pf *pf, int *ret);

/* Frees a libnl message; for _cleanup_nlmsg_. */
void sriov_rtnl_msg_freep(struct nl_msg **msg);
#define _cleanup_nlmsg_ _cleanup_(sriov_rtnl_msg_freep)

/* The SRIOV_VF_HAS_* bits that can be written: all but STATS. */
#define SRIOV_RTNL_SETTABLE                                                   \
	(SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_MIN_TX_RATE |    \
	 SRIOV_VF_HAS_MAX_TX_RATE | SRIOV_VF_HAS_SPOOFCHK |                   \
	 SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_LINK_STATE |                       \
	 SRIOV_VF_HAS_QUERY_RSS | SRIOV_VF_HAS_NODE_GUID |                    \
	 SRIOV_VF_HAS_PORT_GUID)

/* Bit positions 0..9 of the settable SRIOV_VF_HAS_* bits index results. */
#define SRIOV_RTNL_NFIELDS 10

/*
 * The settings as the kernel applies them inside one IFLA_VF_INFO, in its
 * order; each group is one attribute (both rates share IFLA_VF_RATE).
 */
#define SRIOV_RTNL_NGROUPS 9
extern const uint32_t sriov_rtnl_groups[SRIOV_RTNL_NGROUPS];

int sriov_rtnl_open(struct sriov_ctx *ctx, struct sriov_rtnl **ret);
void sriov_rtnl_close(struct sriov_rtnl *nl); /* NULL ok */

/*
 * The test seam: one request/answer exchange. Gets a complete request
 * (its nlmsg_seq already set) and returns, malloc'ed, the one netlink
 * message that answers it: the RTM_NEWLINK of a GET, or the NLMSG_ERROR
 * (ack) of a SET or of a failed GET. Returns 0 or a negative errno when
 * the exchange itself failed.
 */
typedef int (*sriov_rtnl_transact_fn)(void *userdata, const void *req,
				      size_t req_len, void **ret_reply,
				      size_t *ret_reply_len);

/* Like sriov_rtnl_open() but every exchange goes through fn, no socket. */
int sriov_rtnl_open_transport(struct sriov_ctx *ctx,
			      sriov_rtnl_transact_fn fn, void *userdata,
			      struct sriov_rtnl **ret);

/*
 * A VF that answers EAGAIN (e.g. "VF still in reset") is retried: tries
 * attempts in all, sleeping first_delay_ms, then twice that, ... between
 * them. Default 5 tries from 10 ms (150 ms at most per attribute).
 */
void sriov_rtnl_set_retry(struct sriov_rtnl *nl, unsigned int tries,
			  unsigned int first_delay_ms);

/* RTM_GETLINK by IFLA_IFNAME; -ENODEV when there is no such interface. */
int sriov_rtnl_ifindex(struct sriov_rtnl *nl, const char *ifname, int *ret);

/*
 * Reads every VF's settings of the PF netdev ifindex with one RTM_GETLINK
 * (IFLA_EXT_MASK = RTEXT_FILTER_VF, plus RTEXT_FILTER_SKIP_STATS unless
 * want_stats). *ret_vfs is a malloc'ed array indexed by VF number (NULL
 * when there are none), *ret_count = IFLA_NUM_VF. A netdev without VF
 * support (lo) has 0 VFs. A VF's mask holds only what the driver
 * reported: spoofchk, trust and query_rss are left out when the driver
 * answered "unknown", and a VF the driver skipped (its get_vf_config
 * failed, e.g. while the VF resets) or a driver without get_vf_config at
 * all leaves mask 0. A reply that is truncated or malformed is -EBADMSG.
 */
int sriov_rtnl_get_vfs(struct sriov_rtnl *nl, int ifindex, bool want_stats,
		       struct sriov_vf_config **ret_vfs, size_t *ret_count);

/*
 * One VF to write: the settings named in cfg.mask (bits outside
 * SRIOV_RTNL_SETTABLE, i.e. STATS, are ignored). vlan_proto 0 means
 * 802.1Q. min_tx_rate and max_tx_rate travel together in IFLA_VF_RATE:
 * when either bit is set BOTH values are sent, so to change only one the
 * caller fills the other with the VF's current value (from
 * sriov_rtnl_get_vfs()); otherwise it would be reset.
 */
struct sriov_rtnl_vf_set {
	unsigned int vf;
	struct sriov_vf_config cfg;
};

/* The outcome for one sriov_rtnl_vf_set entry. */
struct sriov_rtnl_vf_result {
	uint32_t failed;                    /* SRIOV_VF_HAS_* bits not applied */
	int error[SRIOV_RTNL_NFIELDS];      /* -errno per failed bit position */
	char *msg[SRIOV_RTNL_NFIELDS];      /* kernel ext-ack text, or NULL */
};

/*
 * Writes the settings of vfs[0..n) on PF ifindex. VFs are packed into as
 * few RTM_SETLINK messages as the 16-bit VF list length allows. When the
 * kernel rejects a message (it has applied the entries before the failing
 * one and stops there) each VF of that message is sent again on its own,
 * and a VF that still fails has its attributes sent one per message, so
 * an attribute the driver rejects (EOPNOTSUPP, EPROTONOSUPPORT, EINVAL...)
 * fails alone and the VF's other settings are still applied. Settings
 * sent again are simply re-applied (the kernel does not skip identical
 * values). EAGAIN is retried, see sriov_rtnl_set_retry().
 *
 * Returns 0 once every VF has been tried: *ret_results (parallel to vfs,
 * free with sriov_rtnl_results_free()) says per VF and per field what
 * failed and why, *ret_n_failed counts the VFs with a failed field, and
 * when it is not 0 the context's last error describes the first failure.
 * A negative errno means the whole operation failed and nothing more was
 * sent: invalid input (-EINVAL, before anything is sent), no privilege
 * (-EPERM), the PF is gone (-ENODEV), out of memory, or a socket error.
 * An EPERM to clearing a VLAN (VLAN 0, QoS 0) is that field's result, not
 * the end of the run: some drivers answer so when the host cannot set it.
 */
int sriov_rtnl_set_vfs(struct sriov_rtnl *nl, int ifindex,
		       const struct sriov_rtnl_vf_set *vfs, size_t n,
		       struct sriov_rtnl_vf_result **ret_results,
		       size_t *ret_n_failed);
void sriov_rtnl_results_free(struct sriov_rtnl_vf_result *results, size_t n);

/* Pure message building and parsing, no kernel needed (the test seam). */

/*
 * Finds the message answering seq in one received datagram buf[0..len),
 * sent by port sender: 1 with a malloc'ed copy in *ret, 0 when the
 * datagram holds no answer or did not come from the kernel (port 0), or
 * -EBADMSG when a message header does not fit the datagram. The last
 * message may lack its alignment padding.
 */
int sriov_rtnl_find_answer(struct sriov_ctx *ctx, uint32_t sender,
			   const void *buf, size_t len, uint32_t seq,
			   void **ret, size_t *ret_len);

/* Checks one entry's values (VF number, VLAN range, proto, link state). */
int sriov_rtnl_vf_set_check(struct sriov_ctx *ctx,
			    const struct sriov_rtnl_vf_set *set);

/*
 * RTM_GETLINK for ifindex (> 0), or by ifname when ifindex is 0, with
 * IFLA_EXT_MASK = ext_mask when ext_mask is not 0.
 */
int sriov_rtnl_build_getlink(struct sriov_ctx *ctx, int ifindex,
			     const char *ifname, uint32_t ext_mask,
			     struct nl_msg **ret_msg);

/*
 * One RTM_SETLINK (NLM_F_ACK) for PF ifindex holding the entries
 * vfs[start..] that fit: the whole message stays within
 * SRIOV_RTNL_MSG_MAX bytes, so the VF list's 16-bit length never wraps.
 * Entries with nothing to write are skipped. *ret_next is the first entry
 * left out (n when all are in); *ret_msg is NULL when there was nothing to
 * write. The port GUID of a VF that also sets its node GUID goes into a
 * second IFLA_VF_INFO, because the kernel returns right after applying
 * IFLA_VF_IB_NODE_GUID and would silently skip it.
 */
#define SRIOV_RTNL_MSG_MAX 0xffff
int sriov_rtnl_build_setlink(struct sriov_ctx *ctx, int ifindex,
			     const struct sriov_rtnl_vf_set *vfs, size_t n,
			     size_t start, struct nl_msg **ret_msg,
			     size_t *ret_next);

/*
 * Parses the answer to a VF-list RTM_GETLINK: one netlink message in
 * buf[0..len), an RTM_NEWLINK or an NLMSG_ERROR (whose errno it returns,
 * with the ext-ack text in the context's last error). Outputs as for
 * sriov_rtnl_get_vfs().
 */
int sriov_rtnl_parse_getlink(struct sriov_ctx *ctx, const void *buf,
			     size_t len, struct sriov_vf_config **ret_vfs,
			     size_t *ret_count);

/* A netdev's MTU and the range its driver takes (0: not reported). */
struct sriov_rtnl_mtu {
	unsigned int mtu, min_mtu, max_mtu;
};

/*
 * IFLA_MTU, IFLA_MIN_MTU and IFLA_MAX_MTU of an RTM_NEWLINK answer (or the
 * NLMSG_ERROR's errno); -EBADMSG without IFLA_MTU.
 */
int sriov_rtnl_parse_mtu(struct sriov_ctx *ctx, const void *buf, size_t len,
			 struct sriov_rtnl_mtu *ret);

/* RTM_GETLINK of ifindex (no VF list): its MTU and range. */
int sriov_rtnl_get_mtu(struct sriov_rtnl *nl, int ifindex,
		       struct sriov_rtnl_mtu *ret);

/*
 * RTM_SETLINK of ifindex with IFLA_MTU = mtu, acked; the kernel's answer
 * (with its ext-ack text in the context's last error) when it refuses.
 */
int sriov_rtnl_set_mtu(struct sriov_rtnl *nl, int ifindex, unsigned int mtu);

/* That RTM_SETLINK (NLM_F_ACK). */
int sriov_rtnl_build_setmtu(struct sriov_ctx *ctx, int ifindex,
			    unsigned int mtu, struct nl_msg **ret_msg);

/* The ifi_index of an RTM_NEWLINK answer (or the NLMSG_ERROR's errno). */
int sriov_rtnl_parse_ifindex(struct sriov_ctx *ctx, const void *buf,
			     size_t len, int *ret_ifindex);

/*
 * Decodes an NLMSG_ERROR message: *ret_error is 0 for an ACK or the
 * kernel's -errno, and the NLMSGERR_ATTR_MSG text (non-printable bytes
 * replaced, "" when none) is copied into extack. Returns -EBADMSG when
 * buf does not hold a well-formed NLMSG_ERROR.
 */
int sriov_rtnl_parse_ack(const void *buf, size_t len, char *extack,
			 size_t extack_size, int *ret_error);

#endif
