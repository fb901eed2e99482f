/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rtnetlink socket, request/answer exchanges, and the VF read and
 * write operations built on them. Message building and parsing live in
 * rtnl_msg.c and rtnl_parse.c.
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "nlsock.h"
#include "rtnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* libnl's 32 KiB default would refuse a 64 KiB RTM_SETLINK (EMSGSIZE). */
#define RTNL_SOCKBUF (1 << 20)
/* The kernel answers synchronously; this only guards against a hang. */
#define RTNL_TIMEOUT_SEC 10
/* Datagrams that answer nothing of ours (stale ones) before giving up. */
#define RTNL_MAX_STRAY 256
#define RTNL_RETRY_MAX 10
#define EXTACK_LEN 256

struct sriov_rtnl {
	struct sriov_ctx *ctx;
	struct nl_sock *sk;              /* NULL with a test transport */
	sriov_rtnl_transact_fn transact;
	void *userdata;
	uint32_t seq;
	unsigned int retry_tries;
	unsigned int retry_delay_ms;
};

int sriov_rtnl_find_answer(struct sriov_ctx *ctx, uint32_t sender,
			   const void *buf, size_t len, uint32_t seq,
			   void **ret, size_t *ret_len)
{
	const uint8_t *p = buf;
	struct nlmsghdr hdr;
	size_t off = 0, step;

	if (sender != 0) {
		sriov_dbg(ctx, "ignoring a %zu-byte netlink datagram from port %u, not the kernel",
			  len, sender);
		return 0;
	}
	while (len - off >= sizeof(hdr)) {
		memcpy(&hdr, p + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len - off)
			return sriov_err(ctx, EBADMSG,
					 "malformed rtnetlink datagram: message of %u bytes at offset %zu of %zu",
					 hdr.nlmsg_len, off, len);
		if (hdr.nlmsg_seq == seq) {
			*ret = malloc(hdr.nlmsg_len);
			if (!*ret)
				return sriov_err(ctx, ENOMEM, "out of memory");
			memcpy(*ret, p + off, hdr.nlmsg_len);
			*ret_len = hdr.nlmsg_len;
			return 1;
		}
		/* the last message of a datagram need not be padded */
		step = NLMSG_ALIGN(hdr.nlmsg_len);
		if (step >= len - off)
			break;
		off += step;
	}
	return 0;
}

static int sock_transact(void *userdata, const void *req, size_t req_len,
			 void **ret_reply, size_t *ret_reply_len)
{
	struct sriov_rtnl *nl = userdata;
	struct nlmsghdr hdr;
	int r;

	memcpy(&hdr, req, sizeof(hdr));
	r = sriov_nl_send(nl->ctx, nl_socket_get_fd(nl->sk), "rtnetlink", req,
			  req_len);
	for (unsigned int i = 0; r == 0 && i < RTNL_MAX_STRAY; i++) {
		_cleanup_free_ uint8_t *buf = NULL;
		uint32_t sender = 0;
		size_t len = 0;

		r = sriov_nl_recv(nl->ctx, nl_socket_get_fd(nl->sk), "rtnetlink",
				  RTNL_TIMEOUT_SEC, &buf, &len, &sender);
		if (r == 0)
			r = sriov_rtnl_find_answer(nl->ctx, sender, buf, len,
						   hdr.nlmsg_seq, ret_reply,
						   ret_reply_len);
		if (r == 1)
			return 0;
	}
	if (r < 0)
		return r;
	return sriov_err(nl->ctx, EPROTO, "no rtnetlink answer to request %u",
			 hdr.nlmsg_seq);
}

/*
 * Sequence numbers start at a random point, so that a datagram another
 * process slips into our socket cannot pass for an answer by guessing.
 */
static struct sriov_rtnl *rtnl_new(struct sriov_ctx *ctx,
				   sriov_rtnl_transact_fn fn, void *userdata)
{
	struct sriov_rtnl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->ctx = ctx;
	nl->transact = fn;
	nl->userdata = userdata ? userdata : nl;
	nl->retry_tries = 5;
	nl->retry_delay_ms = 10;
	nl->seq = sriov_nl_initial_seq();
	return nl;
}

int sriov_rtnl_open(struct sriov_ctx *ctx, struct sriov_rtnl **ret)
{
	struct sriov_rtnl *nl;
	int r, err;

	if (!ctx || !ret)
		return -EINVAL;
	nl = rtnl_new(ctx, sock_transact, NULL);
	if (nl)
		nl->sk = nl_socket_alloc();
	if (!nl || !nl->sk) {
		sriov_rtnl_close(nl);
		return sriov_err(ctx, ENOMEM, "out of memory");
	}
	errno = 0;
	r = nl_connect(nl->sk, NETLINK_ROUTE);
	if (r == 0)
		r = nl_socket_set_buffer_size(nl->sk, RTNL_SOCKBUF, RTNL_SOCKBUF);
	if (r < 0) {
		err = errno ? errno : EIO;
		sriov_rtnl_close(nl);
		return sriov_err(ctx, err, "cannot open an rtnetlink socket: %s",
				 nl_geterror(r));
	}
	sriov_nl_sock_options(nl->ctx, nl_socket_get_fd(nl->sk),
			      RTNL_TIMEOUT_SEC);
	*ret = nl;
	return 0;
}

int sriov_rtnl_open_transport(struct sriov_ctx *ctx,
			      sriov_rtnl_transact_fn fn, void *userdata,
			      struct sriov_rtnl **ret)
{
	struct sriov_rtnl *nl;

	if (!ctx || !fn || !ret)
		return -EINVAL;
	nl = rtnl_new(ctx, fn, userdata);
	if (!nl)
		return sriov_err(ctx, ENOMEM, "out of memory");
	*ret = nl;
	return 0;
}

void sriov_rtnl_close(struct sriov_rtnl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

void sriov_rtnl_set_retry(struct sriov_rtnl *nl, unsigned int tries,
			  unsigned int first_delay_ms)
{
	nl->retry_tries = tries < 1 ? 1 : tries > RTNL_RETRY_MAX ? RTNL_RETRY_MAX : tries;
	nl->retry_delay_ms = first_delay_ms;
}

/* Sends msg under a fresh sequence number and returns its answer. */
static int rtnl_exchange(struct sriov_rtnl *nl, struct nl_msg *msg,
			 void **ret, size_t *ret_len)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	void *reply = NULL;
	size_t len = 0;
	int r;

	if (++nl->seq == 0)
		nl->seq = 1;
	hdr->nlmsg_seq = nl->seq;
	hdr->nlmsg_pid = 0;
	r = nl->transact(nl->userdata, hdr, hdr->nlmsg_len, &reply, &len);
	if (r < 0 && !nl->sk)
		return sriov_err(nl->ctx, -r, "rtnetlink transport: %s",
				 strerror(-r));
	if (r < 0)
		return r;
	if (!reply || len == 0) {
		free(reply);
		return sriov_err(nl->ctx, EBADMSG, "empty rtnetlink answer");
	}
	*ret = reply;
	*ret_len = len;
	return 0;
}

int sriov_rtnl_ifindex(struct sriov_rtnl *nl, const char *ifname, int *ret)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	_cleanup_free_ void *reply = NULL;
	size_t len = 0;
	int r;

	if (!nl || !ret)
		return -EINVAL;
	if (!ifname || !sriov_ifname_valid(ifname))
		return sriov_err(nl->ctx, EINVAL, "invalid interface name \"%s\"",
				 ifname ? ifname : "(null)");
	r = sriov_rtnl_build_getlink(nl->ctx, 0, ifname, 0, &msg);
	if (r == 0)
		r = rtnl_exchange(nl, msg, &reply, &len);
	if (r == 0)
		r = sriov_rtnl_parse_ifindex(nl->ctx, reply, len, ret);
	if (r == -ENODEV)
		return sriov_err(nl->ctx, ENODEV, "no network interface \"%s\"",
				 ifname);
	return r;
}

int sriov_rtnl_get_vfs(struct sriov_rtnl *nl, int ifindex, bool want_stats,
		       struct sriov_vf_config **ret_vfs, size_t *ret_count)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	_cleanup_free_ void *reply = NULL;
	uint32_t ext = RTEXT_FILTER_VF;
	size_t len = 0;
	int r;

	if (!nl || !ret_vfs || !ret_count)
		return -EINVAL;
	if (ifindex <= 0)
		return sriov_err(nl->ctx, EINVAL, "invalid ifindex %d", ifindex);
	if (!want_stats)
		ext |= RTEXT_FILTER_SKIP_STATS;
	r = sriov_rtnl_build_getlink(nl->ctx, ifindex, NULL, ext, &msg);
	if (r == 0)
		r = rtnl_exchange(nl, msg, &reply, &len);
	if (r == 0)
		r = sriov_rtnl_parse_getlink(nl->ctx, reply, len, ret_vfs,
					     ret_count);
	if (r == 0)
		sriov_dbg(nl->ctx, "ifindex %d: %zu VFs read in one %zu-byte answer",
			  ifindex, *ret_count, len);
	return r;
}

int sriov_rtnl_get_mtu(struct sriov_rtnl *nl, int ifindex,
		       struct sriov_rtnl_mtu *ret)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	_cleanup_free_ void *reply = NULL;
	size_t len = 0;
	int r;

	if (!nl || !ret || ifindex <= 0)
		return -EINVAL;
	r = sriov_rtnl_build_getlink(nl->ctx, ifindex, NULL, 0, &msg);
	if (r == 0)
		r = rtnl_exchange(nl, msg, &reply, &len);
	if (r == 0)
		r = sriov_rtnl_parse_mtu(nl->ctx, reply, len, ret);
	return r;
}

static int send_acked(struct sriov_rtnl *nl, struct nl_msg *msg, char *extack,
		      size_t extack_size, int *ret_kerr);

int sriov_rtnl_set_mtu(struct sriov_rtnl *nl, int ifindex, unsigned int mtu)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	char extack[EXTACK_LEN] = "";
	int kerr = 0, r;

	if (!nl)
		return -EINVAL;
	r = sriov_rtnl_build_setmtu(nl->ctx, ifindex, mtu, &msg);
	if (r == 0)
		r = send_acked(nl, msg, extack, sizeof(extack), &kerr);
	if (r < 0)
		return r;
	if (kerr)
		return sriov_err(nl->ctx, -kerr, "MTU %u on ifindex %d: %s%s%s", mtu,
				 ifindex, strerror(-kerr), extack[0] ? ": " : "",
				 extack);
	return 0;
}

void sriov_rtnl_results_free(struct sriov_rtnl_vf_result *results, size_t n)
{
	if (!results)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < SRIOV_RTNL_NFIELDS; b++)
			free(results[i].msg[b]);
	free(results);
}

/* One sriov_rtnl_set_vfs() call. */
struct set_run {
	struct sriov_rtnl *nl;
	int ifindex;
	const struct sriov_rtnl_vf_set *vfs;
	size_t n;
	struct sriov_rtnl_vf_result *results;
};

/* Errors about the PF or the caller, not about one VF setting: stop. */
static bool error_is_fatal(int kerr)
{
	switch (-kerr) {
	case EPERM:
	case EACCES:
	case ENODEV:
	case ENOMEM:
	case ENOBUFS:
		return true;
	default:
		return false;
	}
}

/*
 * Clearing a VF's VLAN: drivers that cannot set it from the host answer
 * EPERM even when it is already clear (libvirt tolerates it too), so that
 * EPERM is the VLAN's own result; the caller reads back whether it is 0.
 */
static bool vlan_clear(const struct sriov_rtnl_vf_set *s)
{
	return (s->cfg.mask & SRIOV_VF_HAS_VLAN) && s->cfg.vlan == 0 &&
	       s->cfg.qos == 0;
}

static bool stops_run(int kerr, const struct sriov_rtnl_vf_set *vfs,
		      size_t from, size_t to, uint32_t fields)
{
	if (!error_is_fatal(kerr))
		return false;
	if (kerr != -EPERM || !(fields & SRIOV_VF_HAS_VLAN))
		return true;
	for (size_t i = from; i < to; i++)
		if (vlan_clear(&vfs[i]))
			return false;
	return true;
}

static int fatal_error(struct set_run *run, int kerr, const char *extack)
{
	return sriov_err(run->nl->ctx, -kerr, "RTM_SETLINK on ifindex %d: %s%s%s",
			 run->ifindex, strerror(-kerr), extack[0] ? ": " : "",
			 extack);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Sends an RTM_SETLINK; *ret_kerr is the kernel's answer (0 or -errno),
 * after retrying EAGAIN ("VF in reset") with a doubling delay. A negative
 * return means the exchange itself failed.
 */
static int send_acked(struct sriov_rtnl *nl, struct nl_msg *msg, char *extack,
		      size_t extack_size, int *ret_kerr)
{
	for (unsigned int attempt = 1;; attempt++) {
		_cleanup_free_ void *reply = NULL;
		size_t len = 0;
		int kerr = 0, r;

		r = rtnl_exchange(nl, msg, &reply, &len);
		if (r < 0)
			return r;
		if (sriov_rtnl_parse_ack(reply, len, extack, extack_size,
					 &kerr) < 0)
			return sriov_err(nl->ctx, EBADMSG,
					 "malformed rtnetlink answer to RTM_SETLINK");
		if (kerr != -EAGAIN || attempt >= nl->retry_tries) {
			*ret_kerr = kerr;
			return 0;
		}
		sleep_ms(nl->retry_delay_ms << (attempt - 1));
	}
}

/* Sends the fields of one VF's settings in a message of their own. */
static int send_fields(struct set_run *run, const struct sriov_rtnl_vf_set *s,
		       uint32_t fields, char *extack, int *ret_kerr)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct sriov_rtnl_vf_set one = *s;
	size_t next;
	int r;

	one.cfg.mask &= fields;
	r = sriov_rtnl_build_setlink(run->nl->ctx, run->ifindex, &one, 1, 0,
				     &msg, &next);
	if (r < 0)
		return r;
	if (!msg) {
		*ret_kerr = 0;
		return 0;
	}
	return send_acked(run->nl, msg, extack, EXTACK_LEN, ret_kerr);
}

static int record_failure(struct set_run *run, size_t i, uint32_t fields,
			  int kerr, const char *extack)
{
	struct sriov_rtnl_vf_result *res = &run->results[i];

	for (unsigned int bit = 0; bit < SRIOV_RTNL_NFIELDS; bit++) {
		if (!(fields & (1u << bit)))
			continue;
		sriov_dbg(run->nl->ctx, "VF %u %s: %s%s%s", run->vfs[i].vf,
			  sriov_vf_field_name(1u << bit), strerror(-kerr),
			  extack[0] ? ": " : "", extack);
		res->failed |= 1u << bit;
		res->error[bit] = kerr;
		free(res->msg[bit]);
		res->msg[bit] = extack[0] ? strdup(extack) : NULL;
		if (extack[0] && !res->msg[bit])
			return sriov_err(run->nl->ctx, ENOMEM, "out of memory");
	}
	return 0;
}

static size_t group_count(uint32_t mask)
{
	size_t count = 0;

	for (size_t g = 0; g < SRIOV_RTNL_NGROUPS; g++)
		count += (mask & sriov_rtnl_groups[g]) != 0;
	return count;
}

/*
 * Pins down which settings of VF entry i the kernel refuses: the whole VF
 * in one message first (unless known_kerr already is that message's
 * answer), then, if that fails, each attribute in a message of its own so
 * that one refused attribute does not hold back the others.
 */
static int isolate_vf(struct set_run *run, size_t i, int known_kerr,
		      const char *known_extack)
{
	const struct sriov_rtnl_vf_set *s = &run->vfs[i];
	uint32_t mask = s->cfg.mask & SRIOV_RTNL_SETTABLE;
	char extack[EXTACK_LEN];
	int kerr = known_kerr, r;

	snprintf(extack, sizeof(extack), "%s", known_extack);
	if (kerr == 0) {
		r = send_fields(run, s, mask, extack, &kerr);
		if (r < 0)
			return r;
	}
	if (kerr == 0)
		return 0;
	if (stops_run(kerr, run->vfs, i, i + 1, mask))
		return fatal_error(run, kerr, extack);
	if (group_count(mask) == 1)
		return record_failure(run, i, mask, kerr, extack);
	for (size_t g = 0; g < SRIOV_RTNL_NGROUPS; g++) {
		uint32_t fields = mask & sriov_rtnl_groups[g];

		if (!fields)
			continue;
		r = send_fields(run, s, fields, extack, &kerr);
		if (r == 0 && kerr && stops_run(kerr, run->vfs, i, i + 1, fields))
			r = fatal_error(run, kerr, extack);
		if (r == 0 && kerr)
			r = record_failure(run, i, fields, kerr, extack);
		if (r < 0)
			return r;
	}
	return 0;
}

static size_t entries_between(const struct set_run *run, size_t from,
			      size_t to)
{
	size_t count = 0;

	for (size_t i = from; i < to; i++)
		count += (run->vfs[i].cfg.mask & SRIOV_RTNL_SETTABLE) != 0;
	return count;
}

/*
 * Sends the VFs from entry start on that fit in one message. The kernel
 * stops at the first refused attribute, having applied what came before
 * it, and does not say where that was: so on failure every VF of the
 * message is tried again on its own.
 */
static int send_batch(struct set_run *run, size_t start, size_t *ret_next)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	char extack[EXTACK_LEN];
	size_t next;
	bool alone;
	int kerr = 0, r;

	r = sriov_rtnl_build_setlink(run->nl->ctx, run->ifindex, run->vfs,
				     run->n, start, &msg, &next);
	if (r < 0)
		return r;
	*ret_next = next;
	if (!msg)
		return 0;
	r = send_acked(run->nl, msg, extack, sizeof(extack), &kerr);
	if (r < 0 || kerr == 0)
		return r;
	if (stops_run(kerr, run->vfs, start, next, SRIOV_VF_HAS_VLAN))
		return fatal_error(run, kerr, extack);
	sriov_dbg(run->nl->ctx, "RTM_SETLINK of entries %zu-%zu: %s; sending them one by one",
		  start, next - 1, strerror(-kerr));
	alone = entries_between(run, start, next) == 1;
	for (size_t i = start; i < next; i++) {
		if (!(run->vfs[i].cfg.mask & SRIOV_RTNL_SETTABLE))
			continue;
		r = isolate_vf(run, i, alone ? kerr : 0, alone ? extack : "");
		if (r < 0)
			return r;
	}
	return 0;
}

/* Counts the VFs with a failure and describes the first one. */
static size_t summarize(struct set_run *run)
{
	const struct sriov_rtnl_vf_result *first = NULL;
	size_t n_failed = 0, first_i = 0;
	unsigned int bit = 0;

	for (size_t i = 0; i < run->n; i++) {
		if (!run->results[i].failed)
			continue;
		if (!first) {
			first = &run->results[i];
			first_i = i;
		}
		n_failed++;
	}
	if (!first)
		return 0;
	while (!(first->failed & (1u << bit)))
		bit++;
	sriov_err(run->nl->ctx, -first->error[bit], "VF %u: cannot set %s: %s%s%s%s",
		  run->vfs[first_i].vf, sriov_vf_field_name(1u << bit),
		  strerror(-first->error[bit]), first->msg[bit] ? ": " : "",
		  first->msg[bit] ? first->msg[bit] : "",
		  n_failed > 1 ? " (and more VFs failed)" : "");
	return n_failed;
}

int sriov_rtnl_set_vfs(struct sriov_rtnl *nl, int ifindex,
		       const struct sriov_rtnl_vf_set *vfs, size_t n,
		       struct sriov_rtnl_vf_result **ret_results,
		       size_t *ret_n_failed)
{
	struct set_run run = { nl, ifindex, vfs, n, NULL };
	size_t next;
	int r;

	if (!nl || !ret_results || !ret_n_failed || (n && !vfs))
		return -EINVAL;
	if (ifindex <= 0)
		return sriov_err(nl->ctx, EINVAL, "invalid ifindex %d", ifindex);
	/* All or nothing for bad input: nothing is sent before it is checked. */
	for (size_t i = 0; i < n; i++) {
		r = sriov_rtnl_vf_set_check(nl->ctx, &vfs[i]);
		if (r < 0)
			return r;
	}
	run.results = calloc(n ? n : 1, sizeof(*run.results));
	if (!run.results)
		return sriov_err(nl->ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i = next) {
		r = send_batch(&run, i, &next);
		if (r < 0) {
			sriov_rtnl_results_free(run.results, n);
			return r;
		}
	}
	*ret_n_failed = summarize(&run);
	*ret_results = run.results;
	return 0;
}
