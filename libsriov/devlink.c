/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devlink generic netlink socket: the family look-up, request/answer
 * exchanges ("do" and dump), and the bounds-checked reading of answers.
 * The devlink commands are in devlink_cmd.c.
 */
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
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
#include "devlink.h"
#include "rtnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define DL_SOCKBUF (1 << 20)
#define DL_TIMEOUT_SEC 10
/* Datagrams that answer nothing of ours before giving up. */
#define DL_MAX_STRAY 256
/* An answer bigger than this is no devlink answer (64 VFs' ports: ~20 KiB). */
#define DL_ANSWER_MAX (64u << 20)
#define EXTACK_LEN 256

struct sriov_devlink {
	struct sriov_ctx *ctx;
	struct nl_sock *sk;               /* NULL with a test transport */
	sriov_devlink_transact_fn transact;
	void *userdata;
	uint32_t seq;
	uint16_t family;                  /* 0 until resolved */
	unsigned long n_writes;
};

struct sriov_ctx *sriov_devlink_get_ctx(const struct sriov_devlink *dl)
{
	return dl->ctx;
}

unsigned long sriov_devlink_n_writes(const struct sriov_devlink *dl)
{
	return dl ? dl->n_writes : 0;
}

void sriov_devlink_msg_freep(struct nl_msg **msg)
{
	if (*msg)
		nlmsg_free(*msg);
}

/* A growing buffer of the messages that answer one request. */
struct answer {
	uint8_t *p;
	size_t len, cap;
};

static int answer_append(struct answer *a, const void *data, size_t len)
{
	if (len > DL_ANSWER_MAX - a->len)
		return -EFBIG;
	if (a->len + len > a->cap) {
		size_t cap = a->cap ? a->cap : 4096;
		uint8_t *p;

		while (cap < a->len + len)
			cap *= 2;
		p = realloc(a->p, cap);
		if (!p)
			return -ENOMEM;
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, data, len);
	a->len += len;
	return 0;
}

/*
 * Keeps the messages of datagram buf that carry seq; *ret_done once the
 * last one came (the ending message of a dump, the one answer of a "do").
 */
static int collect(struct sriov_devlink *dl, const uint8_t *buf, size_t len,
		   uint32_t seq, bool dump, struct answer *a, bool *ret_done)
{
	struct nlmsghdr hdr;
	size_t off = 0;

	while (len - off >= sizeof(hdr)) {
		memcpy(&hdr, buf + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len - off)
			return sriov_err(dl->ctx, EBADMSG,
					 "malformed devlink datagram: message of %u bytes at offset %zu of %zu",
					 hdr.nlmsg_len, off, len);
		if (hdr.nlmsg_seq == seq) {
			if (answer_append(a, buf + off, NLMSG_ALIGN(hdr.nlmsg_len) <= len - off
					  ? NLMSG_ALIGN(hdr.nlmsg_len) : hdr.nlmsg_len) < 0)
				return sriov_err(dl->ctx, ENOMEM, "devlink answer too big");
			if (!dump || hdr.nlmsg_type == NLMSG_DONE ||
			    hdr.nlmsg_type == NLMSG_ERROR) {
				*ret_done = true;
				return 0;
			}
		}
		if (NLMSG_ALIGN(hdr.nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(hdr.nlmsg_len);
	}
	return 0;
}

static int sock_transact(void *userdata, const void *req, size_t req_len,
			 void **ret, size_t *ret_len)
{
	struct sriov_devlink *dl = userdata;
	struct answer a = { 0 };
	struct nlmsghdr hdr;
	bool done = false;
	int r;

	memcpy(&hdr, req, sizeof(hdr));
	r = sriov_nl_send(dl->ctx, nl_socket_get_fd(dl->sk), "devlink", req,
			  req_len);
	for (unsigned int stray = 0; r == 0 && !done && stray < DL_MAX_STRAY;) {
		_cleanup_free_ uint8_t *buf = NULL;
		uint32_t sender = 0;
		size_t len = 0, before = a.len;

		r = sriov_nl_recv(dl->ctx, nl_socket_get_fd(dl->sk), "devlink",
				  DL_TIMEOUT_SEC, &buf, &len, &sender);
		if (r == 0 && sender != 0)
			sriov_dbg(dl->ctx, "ignoring a netlink datagram from port %u",
				  sender);
		else if (r == 0)
			r = collect(dl, buf, len, hdr.nlmsg_seq,
				    hdr.nlmsg_flags & NLM_F_DUMP, &a, &done);
		if (a.len == before)
			stray++;
	}
	if (r == 0 && !done)
		r = sriov_err(dl->ctx, EPROTO, "no devlink answer to request %u",
			      hdr.nlmsg_seq);
	if (r < 0) {
		free(a.p);
		return r;
	}
	*ret = a.p;
	*ret_len = a.len;
	return 0;
}

static struct sriov_devlink *dl_new(struct sriov_ctx *ctx,
				    sriov_devlink_transact_fn fn,
				    void *userdata)
{
	struct sriov_devlink *dl = calloc(1, sizeof(*dl));

	if (!dl)
		return NULL;
	dl->ctx = ctx;
	dl->transact = fn;
	dl->userdata = userdata ? userdata : dl;
	dl->seq = sriov_nl_initial_seq();
	return dl;
}

static int resolve_family(struct sriov_devlink *dl);

int sriov_devlink_open(struct sriov_ctx *ctx, struct sriov_devlink **ret)
{
	struct sriov_devlink *dl;
	int r, err;

	if (!ctx || !ret)
		return -EINVAL;
	dl = dl_new(ctx, sock_transact, NULL);
	if (dl)
		dl->sk = nl_socket_alloc();
	if (!dl || !dl->sk) {
		sriov_devlink_close(dl);
		return sriov_err(ctx, ENOMEM, "out of memory");
	}
	errno = 0;
	r = genl_connect(dl->sk);
	if (r == 0)
		r = nl_socket_set_buffer_size(dl->sk, DL_SOCKBUF, DL_SOCKBUF);
	if (r < 0) {
		err = errno ? errno : EIO;
		sriov_devlink_close(dl);
		return sriov_err(ctx, err, "cannot open a generic netlink socket: %s",
				 nl_geterror(r));
	}
	sriov_nl_sock_options(dl->ctx, nl_socket_get_fd(dl->sk),
			      DL_TIMEOUT_SEC);
	r = resolve_family(dl);
	if (r < 0) {
		sriov_devlink_close(dl);
		return r;
	}
	*ret = dl;
	return 0;
}

int sriov_devlink_open_transport(struct sriov_ctx *ctx,
				 sriov_devlink_transact_fn fn, void *userdata,
				 struct sriov_devlink **ret)
{
	struct sriov_devlink *dl;
	int r;

	if (!ctx || !fn || !ret)
		return -EINVAL;
	dl = dl_new(ctx, fn, userdata);
	if (!dl)
		return sriov_err(ctx, ENOMEM, "out of memory");
	r = resolve_family(dl);
	if (r < 0) {
		sriov_devlink_close(dl);
		return r;
	}
	*ret = dl;
	return 0;
}

void sriov_devlink_close(struct sriov_devlink *dl)
{
	if (!dl)
		return;
	if (dl->sk)
		nl_socket_free(dl->sk);
	free(dl);
}

int sriov_devlink_ctx(struct sriov_ctx *ctx, struct sriov_devlink **ret)
{
	int r = 0;

	if (ctx->devlink) {
		*ret = ctx->devlink;
		return 0;
	}
	if (ctx->devlink_absent)
		return -EOPNOTSUPP;
	if (ctx->devlink_transport)
		r = sriov_devlink_open_transport(ctx, ctx->devlink_transport,
						 ctx->devlink_transport_data,
						 &ctx->devlink);
	else if (!ctx->live)
		r = sriov_err(ctx, EOPNOTSUPP,
			      "devlink speaks for the running kernel; it is not available with sysfs root %s",
			      ctx->sysfs_root);
	else
		r = sriov_devlink_open(ctx, &ctx->devlink);
	if (r == -EOPNOTSUPP)
		ctx->devlink_absent = true;
	if (r == 0)
		*ret = ctx->devlink;
	return r;
}

void sriov_devlink_ctx_cleanup(struct sriov_ctx *ctx)
{
	if (ctx->devlink)
		sriov_dbg(ctx, "devlink: %lu change requests sent",
			  ctx->devlink->n_writes);
	sriov_devlink_close(ctx->devlink);
	ctx->devlink = NULL;
	free(ctx->dl_ports);
	ctx->dl_ports = NULL;
	ctx->n_dl_ports = 0;
	ctx->dl_ports_loaded = false;
}

static int build(struct sriov_devlink *dl, uint16_t family, uint8_t cmd,
		 int flags, struct nl_msg **ret)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return sriov_err(dl->ctx, ENOMEM, "out of memory");
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, family == GENL_ID_CTRL ? 1 : DEVLINK_GENL_VERSION)) {
		nlmsg_free(msg);
		return sriov_err(dl->ctx, ENOMEM, "out of memory");
	}
	*ret = msg;
	return 0;
}

int sriov_devlink_msg(struct sriov_devlink *dl, uint8_t cmd, int flags,
		      const char *bus, const char *dev, struct nl_msg **ret_msg)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	int r;

	if (!dl || !ret_msg || (bus && !dev))
		return -EINVAL;
	if (bus && (!sriov_name_valid(bus) || !sriov_name_valid(dev)))
		return sriov_err(dl->ctx, EINVAL, "invalid devlink handle \"%s/%s\"",
				 bus, dev);
	r = build(dl, dl->family, cmd, flags, &msg);
	if (r < 0)
		return r;
	if (bus && (nla_put_string(msg, DEVLINK_ATTR_BUS_NAME, bus) < 0 ||
		    nla_put_string(msg, DEVLINK_ATTR_DEV_NAME, dev) < 0))
		return sriov_err(dl->ctx, ENOMEM, "out of memory");
	*ret_msg = TAKE_PTR(msg);
	return 0;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Fills tb[0..max] from the attributes in p[0..len). */
static int parse_attrs(const uint8_t *p, size_t len, struct sriov_dl_attr *tb,
		       unsigned int max)
{
	size_t off = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len - off >= sizeof(struct nlattr)) {
		struct nlattr nla;
		uint16_t type;

		memcpy(&nla, p + off, sizeof(nla));
		if (nla.nla_len < sizeof(nla) || nla.nla_len > len - off)
			return -EBADMSG;
		type = nla.nla_type & NLA_TYPE_MASK;
		if (type <= max) {
			tb[type].data = p + off + sizeof(nla);
			tb[type].len = nla.nla_len - sizeof(nla);
			tb[type].present = true;
		}
		if (align4(nla.nla_len) >= len - off)
			return 0;
		off += align4(nla.nla_len);
	}
	return off == len ? 0 : -EBADMSG;
}

int sriov_dl_nested(const struct sriov_dl_attr *a, struct sriov_dl_attr *tb,
		    unsigned int max)
{
	if (!a->present)
		return -EBADMSG;
	return parse_attrs(a->data, a->len, tb, max);
}

#define DEFINE_DL_INT(name, type)                                         \
	int name(const struct sriov_dl_attr *a, type *ret)                \
	{                                                                 \
		if (!a->present || a->len < sizeof(type))                 \
			return -EBADMSG;                                  \
		memcpy(ret, a->data, sizeof(type));                       \
		return 0;                                                 \
	}
DEFINE_DL_INT(sriov_dl_u8, uint8_t)
DEFINE_DL_INT(sriov_dl_u16, uint16_t)
DEFINE_DL_INT(sriov_dl_u32, uint32_t)
DEFINE_DL_INT(sriov_dl_u64, uint64_t)

const char *sriov_dl_str(const struct sriov_dl_attr *a)
{
	if (!a->present || a->len == 0 || !memchr(a->data, '\0', a->len))
		return NULL;
	return (const char *)a->data;
}

static int answer_error(struct sriov_devlink *dl, const uint8_t *msg,
			size_t len, const char *what)
{
	char extack[EXTACK_LEN];
	int err;

	if (sriov_rtnl_parse_ack(msg, len, extack, sizeof(extack), &err) < 0)
		return sriov_err(dl->ctx, EBADMSG, "%s: malformed devlink ack", what);
	if (err == 0)
		return 0;
	return sriov_err(dl->ctx, -err, "%s: %s%s%s", what, strerror(-err),
			 extack[0] ? ": " : "", extack);
}

/* A NLMSG_DONE may carry the dump's error as its payload. */
static int done_error(struct sriov_devlink *dl, const uint8_t *msg, size_t len,
		      const char *what)
{
	int err = 0;

	if (len >= NLMSG_HDRLEN + sizeof(err))
		memcpy(&err, msg + NLMSG_HDRLEN, sizeof(err));
	if (err >= 0)
		return 0;
	if (err < -4095)
		return sriov_err(dl->ctx, EBADMSG, "%s: malformed NLMSG_DONE", what);
	return sriov_err(dl->ctx, -err, "%s: %s", what, strerror(-err));
}

static int one_message(struct sriov_devlink *dl, const uint8_t *msg,
		       size_t len, uint16_t family, const char *what,
		       sriov_devlink_reply_fn fn, void *data)
{
	_cleanup_free_ struct sriov_dl_msg *m = NULL;
	struct genlmsghdr g;
	struct nlmsghdr hdr;

	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.nlmsg_type != family)
		return sriov_err(dl->ctx, EBADMSG,
				 "%s: a message of type %u in a devlink answer",
				 what, hdr.nlmsg_type);
	if (len < NLMSG_HDRLEN + sizeof(g))
		return sriov_err(dl->ctx, EBADMSG, "%s: truncated devlink message", what);
	m = malloc(sizeof(*m));
	if (!m)
		return sriov_err(dl->ctx, ENOMEM, "out of memory");
	memcpy(&g, msg + NLMSG_HDRLEN, sizeof(g));
	m->cmd = g.cmd;
	if (parse_attrs(msg + NLMSG_HDRLEN + GENL_HDRLEN,
			len - NLMSG_HDRLEN - GENL_HDRLEN, m->tb, SRIOV_DL_ATTR_MAX) < 0)
		return sriov_err(dl->ctx, EBADMSG,
				 "%s: malformed attributes in a devlink message", what);
	return fn ? fn(dl, m, data) : 0;
}

static int parse_answer(struct sriov_devlink *dl, uint16_t family,
			const void *buf, size_t len, uint32_t seq, bool dump,
			const char *what, sriov_devlink_reply_fn fn, void *data)
{
	const uint8_t *p = buf;
	struct nlmsghdr hdr;
	size_t off = 0;
	int r;

	while (len - off >= sizeof(hdr)) {
		memcpy(&hdr, p + off, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > len - off)
			return sriov_err(dl->ctx, EBADMSG,
					 "%s: malformed devlink answer", what);
		if (hdr.nlmsg_seq != seq)
			r = 0;
		else if (hdr.nlmsg_type == NLMSG_ERROR)
			return answer_error(dl, p + off, hdr.nlmsg_len, what) ?: 1;
		else if (hdr.nlmsg_type == NLMSG_DONE)
			return dump ? done_error(dl, p + off, hdr.nlmsg_len, what) ?: 1
				    : sriov_err(dl->ctx, EBADMSG, "%s: NLMSG_DONE answering a request", what);
		else if (hdr.nlmsg_type < NLMSG_MIN_TYPE)
			r = 0;
		else if ((r = one_message(dl, p + off, hdr.nlmsg_len, family, what,
					  fn, data)) == 0 && !dump)
			return 1;
		if (r < 0)
			return r;
		if (align4(hdr.nlmsg_len) >= len - off)
			break;
		off += align4(hdr.nlmsg_len);
	}
	return 0;
}

int sriov_devlink_parse_answer(struct sriov_devlink *dl, const void *buf,
			       size_t len, uint32_t seq, bool dump,
			       const char *what, sriov_devlink_reply_fn fn,
			       void *data)
{
	if (!dl || (!buf && len))
		return -EINVAL;
	return parse_answer(dl, dl->family, buf, len, seq, dump, what, fn, data);
}

/* Sends msg under a fresh sequence number and walks its answer. */
static int exchange(struct sriov_devlink *dl, struct nl_msg *msg,
		    uint16_t family, const char *what,
		    sriov_devlink_reply_fn fn, void *data)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	bool dump = hdr->nlmsg_flags & NLM_F_DUMP;
	_cleanup_free_ void *answer = NULL;
	size_t len = 0;
	int r;

	if (++dl->seq == 0)
		dl->seq = 1;
	hdr->nlmsg_seq = dl->seq;
	hdr->nlmsg_pid = 0;
	hdr->nlmsg_flags |= NLM_F_REQUEST;
	r = dl->transact(dl->userdata, hdr, hdr->nlmsg_len, &answer, &len);
	if (r < 0 && !dl->sk)
		return sriov_err(dl->ctx, -r, "devlink transport: %s", strerror(-r));
	if (r < 0)
		return r;
	r = parse_answer(dl, family, answer, len, dl->seq, dump, what, fn, data);
	if (r == 0)
		return sriov_err(dl->ctx, EBADMSG, "%s: incomplete devlink answer",
				 what);
	return r < 0 ? r : 0;
}

int sriov_devlink_do(struct sriov_devlink *dl, struct nl_msg *msg,
		     const char *what, sriov_devlink_reply_fn fn, void *data)
{
	if (!dl || !msg || !what)
		return -EINVAL;
	if (!fn) {
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
		dl->n_writes++;
	}
	return exchange(dl, msg, dl->family, what, fn, data);
}

int sriov_devlink_dump(struct sriov_devlink *dl, struct nl_msg *msg,
		       const char *what, sriov_devlink_reply_fn fn, void *data)
{
	if (!dl || !msg || !what || !fn)
		return -EINVAL;
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;
	return exchange(dl, msg, dl->family, what, fn, data);
}

static int family_reply(struct sriov_devlink *dl, const struct sriov_dl_msg *m,
			void *data)
{
	uint16_t id;

	(void)data;
	if (sriov_dl_u16(&m->tb[CTRL_ATTR_FAMILY_ID], &id) < 0 || id < NLMSG_MIN_TYPE)
		return sriov_err(dl->ctx, EBADMSG,
				 "the generic netlink controller sent no devlink family id");
	dl->family = id;
	return 0;
}

static int resolve_family(struct sriov_devlink *dl)
{
	_cleanup_dlmsg_ struct nl_msg *msg = NULL;
	int r = build(dl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, &msg);

	if (r == 0 && nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
				     DEVLINK_GENL_NAME) < 0)
		r = sriov_err(dl->ctx, ENOMEM, "out of memory");
	if (r == 0)
		r = exchange(dl, msg, GENL_ID_CTRL, "devlink family look-up",
			     family_reply, NULL);
	if (r == -ENOENT)
		return sriov_err(dl->ctx, EOPNOTSUPP,
				 "the kernel has no devlink (generic netlink family \"%s\" unknown)",
				 DEVLINK_GENL_NAME);
	if (r == 0)
		sriov_dbg(dl->ctx, "devlink is generic netlink family %u", dl->family);
	return r;
}
