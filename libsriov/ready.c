/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Waiting until new VFs are ready. The kernel creates the virtfn links and
 * binds drivers while sriov_numvfs is written; udev then loads modules,
 * renames netdevs and marks each device initialized. The wait is driven
 * by udev's event monitor: every processed event triggers a re-check, and
 * nothing sleeps. Without udev (no udevd, or a sysfs root that is not the
 * running kernel's) the sysfs state alone decides.
 */
#include <libudev.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "ready.h"
#include "sysfs.h"

/* A device in an event udev has processed: a PCI function or a netdev. */
enum seen_kind { SEEN_PCI, SEEN_PCI_BIND, SEEN_NET };

struct seen {
	enum seen_kind kind;
	bool gone;                      /* removed since: its name is free */
	int ifindex;                    /* netdevs: names can be reused */
	int next;                       /* the older entry of its bucket, or -1 */
	char name[32];
};

/* Buckets of the seen list, by name: lookups stay short at 1,024 VFs. */
#define SEEN_BUCKETS 1024

struct sriov_ready {
	struct sriov_ctx *ctx;
	struct udev *udev;
	struct udev_monitor *mon;
	/*
	 * udev's event queue: names udev gives (a VF's netdev) are final
	 * only once it has no event left to process, as udevadm settle
	 * waits for; its fd wakes the wait when the queue empties.
	 */
	struct udev_queue *queue;
	/*
	 * The kernel links a device to its driver before the driver's probe
	 * runs and sends "bind" once probe has finished; udev passes that
	 * event on only after the events of the device's children (its
	 * netdev) are done. For VFs created during the wait, a bound VF
	 * without a netdev is ready once its "bind" has been seen.
	 */
	bool new_vfs;
	/*
	 * Devices udev has passed on since the wait began: udev writes a
	 * device's database before it passes the event on, so these are
	 * initialized without asking libudev (which reads the device's
	 * uevent, resolves its path and reads its database, per VF and per
	 * check).
	 */
	struct seen *seen;
	size_t n_seen, cap_seen;
	int *bucket;                    /* newest entry per bucket, or -1 */
};

static bool udev_usable(struct sriov_ctx *ctx)
{
	return ctx->live &&
	       access("/run/udev/control", F_OK) == 0;
}

int sriov_ready_begin(struct sriov_ctx *ctx, struct sriov_ready **ret)
{
	struct sriov_ready *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	if (udev_usable(ctx)) {
		w->udev = udev_new();
		w->mon = w->udev ? udev_monitor_new_from_netlink(w->udev, "udev")
				 : NULL;
		/* root may raise it: enough for the events of many VFs */
		if (w->mon)
			udev_monitor_set_receive_buffer_size(w->mon, 16 * 1024 * 1024);
		if (!w->mon ||
		    udev_monitor_filter_add_match_subsystem_devtype(w->mon, "pci", NULL) < 0 ||
		    udev_monitor_filter_add_match_subsystem_devtype(w->mon, "net", NULL) < 0 ||
		    udev_monitor_enable_receiving(w->mon) < 0) {
			sriov_log(ctx, SRIOV_LOG_WARNING,
				  "cannot listen to udev events; judging readiness from sysfs alone");
			udev_monitor_unref(w->mon);
			udev_unref(w->udev);
			w->mon = NULL;
			w->udev = NULL;
		}
	}
	if (w->mon) {
		w->queue = udev_queue_new(w->udev);
		if (w->queue && udev_queue_get_fd(w->queue) < 0) {
			udev_queue_unref(w->queue);
			w->queue = NULL;
		}
	}
	*ret = w;
	return 0;
}

void sriov_ready_end(struct sriov_ready *w)
{
	if (!w)
		return;
	udev_queue_unref(w->queue);
	udev_monitor_unref(w->mon);
	udev_unref(w->udev);
	free(w->seen);
	free(w->bucket);
	free(w);
}

void sriov_ready_new_vfs(struct sriov_ready *w)
{
	w->new_vfs = true;
}

/* FNV-1a of a device name, reduced to a bucket. */
static size_t seen_bucket(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % SEEN_BUCKETS;
}

/* The newest entry of kind under name that is not gone, or NULL. */
static const struct seen *find_seen(const struct sriov_ready *w,
				    enum seen_kind kind, const char *name)
{
	if (!w->bucket)
		return NULL;
	for (int i = w->bucket[seen_bucket(name)]; i >= 0; i = w->seen[i].next)
		if (!w->seen[i].gone && w->seen[i].kind == kind &&
		    strcmp(w->seen[i].name, name) == 0)
			return &w->seen[i];
	return NULL;
}

static void add_seen(struct sriov_ready *w, enum seen_kind kind,
		     const char *name, int ifindex)
{
	struct seen *e;
	size_t b;

	if (strlen(name) >= sizeof(w->seen->name) || w->n_seen >= INT_MAX)
		return;
	if (!w->bucket) {
		w->bucket = malloc(SEEN_BUCKETS * sizeof(*w->bucket));
		if (!w->bucket)
			return; /* libudev and the timeout still decide */
		for (size_t i = 0; i < SEEN_BUCKETS; i++)
			w->bucket[i] = -1;
	}
	if (w->n_seen == w->cap_seen) {
		size_t cap = w->cap_seen ? w->cap_seen * 2 : 32;
		void *p = realloc(w->seen, cap * sizeof(*w->seen));

		if (!p)
			return;
		w->seen = p;
		w->cap_seen = cap;
	}
	b = seen_bucket(name);
	e = &w->seen[w->n_seen];
	e->kind = kind;
	e->gone = false;
	e->ifindex = ifindex;
	e->next = w->bucket[b];
	snprintf(e->name, sizeof(e->name), "%s", name);
	w->bucket[b] = (int)w->n_seen++;
}

/* A device removed: a new one may come under its name. */
static void forget_seen(struct sriov_ready *w, const char *name)
{
	if (!w->bucket)
		return;
	for (int i = w->bucket[seen_bucket(name)]; i >= 0; i = w->seen[i].next)
		if (strcmp(w->seen[i].name, name) == 0)
			w->seen[i].gone = true;
}

/*
 * Notes a PCI function udev has added or bound (the VFs of a resize may
 * reuse the addresses of those removed before: their unbind counts for
 * nothing), and a netdev with its index.
 */
static void note_event(struct sriov_ready *w, struct udev_device *d)
{
	const char *action = udev_device_get_action(d);
	const char *subsystem = udev_device_get_subsystem(d);
	const char *name = udev_device_get_sysname(d);
	const char *ifindex;

	if (!action || !subsystem || !name)
		return;
	if (strcmp(action, "remove") == 0) {
		forget_seen(w, name);
	} else if (strcmp(subsystem, "pci") == 0) {
		bool bind = strcmp(action, "bind") == 0;

		if ((bind || strcmp(action, "add") == 0) && !find_seen(w, SEEN_PCI, name))
			add_seen(w, SEEN_PCI, name, 0);
		if (bind && !find_seen(w, SEEN_PCI_BIND, name))
			add_seen(w, SEEN_PCI_BIND, name, 0);
	} else if (strcmp(subsystem, "net") == 0) {
		ifindex = udev_device_get_property_value(d, "IFINDEX");
		if (ifindex && atoi(ifindex) > 0)
			add_seen(w, SEEN_NET, name, atoi(ifindex));
	}
}

/* The netdev's index from sysfs, 0 when it cannot be read. */
static int netdev_ifindex(struct sriov_ctx *ctx, const char *name)
{
	const char *comps[] = { "class", "net", name, "ifindex", NULL };
	char path[SYSFS_PATH_MAX], buf[16];

	if (sriov_sysfs_join(ctx, path, sizeof(path), comps) < 0 ||
	    sriov_sysfs_read(ctx, path, buf, sizeof(buf), true) < 0)
		return 0;
	return atoi(buf);
}

/* A device udev passed on during the wait, under this name (and index). */
static bool processed(struct sriov_ready *w, const char *subsystem,
		      const char *name)
{
	const struct seen *s;

	if (strcmp(subsystem, "pci") == 0)
		return find_seen(w, SEEN_PCI, name) != NULL;
	s = find_seen(w, SEEN_NET, name);
	return s && s->ifindex == netdev_ifindex(w->ctx, name);
}

static bool udev_initialized(struct sriov_ready *w, const char *subsystem,
			     const char *name)
{
	struct udev_device *d;
	bool ok;

	if (!w->udev || processed(w, subsystem, name))
		return true;
	d = udev_device_new_from_subsystem_sysname(w->udev, subsystem, name);
	ok = d && udev_device_get_is_initialized(d) > 0;
	udev_device_unref(d);
	return ok;
}

/* One VF's state; the netdev name is final once udev has processed it. */
static void vf_state(struct sriov_ready *w, const struct sriov_vf *vf,
		     struct sriov_vf_status *st)
{
	const struct sriov_vf_info *i = &vf->info;

	memcpy(st->pci, i->pci, sizeof(st->pci));
	st->index = i->index;
	st->driver = i->driver;
	st->netdev = i->netdev;
	if (!i->pci[0]) {
		/* a VF without a PCI function exists once the PF counts it */
		st->ready = true;
		st->state = "ready";
	} else if (!udev_initialized(w, "pci", i->pci)) {
		st->ready = false;
		st->state = "waiting for udev";
	} else if (!i->driver) {
		st->ready = true;
		st->state = "unbound";
	} else if (!i->netdev && w->mon && w->new_vfs &&
		   !find_seen(w, SEEN_PCI_BIND, i->pci)) {
		st->ready = false;
		st->state = "waiting for its driver's probe";
	} else if (i->netdev && !udev_initialized(w, "net", i->netdev)) {
		st->ready = false;
		st->state = "waiting for netdev";
	} else {
		st->ready = true;
		st->state = "ready";
	}
}

/* How far the VFs are: how many are ready, and the first that is not. */
struct ready_count {
	size_t ready;
	size_t first;            /* n_want when every VF is ready */
};

/*
 * Fills st[] for every VF and counts them; true when all n_want VFs are
 * there and ready.
 */
static bool check(struct sriov_ready *w, struct sriov_pf *pf, size_t n_want,
		  struct sriov_vf_status *st, struct ready_count *c)
{
	*c = (struct ready_count){ .first = n_want };
	for (size_t i = 0; i < n_want; i++) {
		if (i >= pf->n_vfs || !pf->vfs[i]) {
			memset(&st[i], 0, sizeof(st[i]));
			st[i].index = (unsigned int)i;
			st[i].state = "no virtfn link";
		} else {
			vf_state(w, pf->vfs[i], &st[i]);
		}
		if (st[i].ready)
			c->ready++;
		else if (c->first == n_want)
			c->first = i;
	}
	return pf->n_vfs == n_want && c->ready == n_want;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Consumes every queued event, noting the PCI devices bound. */
static void drain(struct sriov_ready *w)
{
	struct udev_device *d;

	while ((d = udev_monitor_receive_device(w->mon))) {
		note_event(w, d);
		udev_device_unref(d);
	}
}

static void report_progress(struct sriov_ready *w, size_t n_want,
			    const struct sriov_vf_status *st,
			    const struct ready_count *c)
{
	char vf[32];

	if (c->first == n_want)
		return;
	snprintf(vf, sizeof(vf), "VF %zu", c->first);
	sriov_progress(w->ctx, "creating VFs", c->ready, n_want,
		       st[c->first].pci[0] ? st[c->first].pci : vf,
		       st[c->first].state);
}

/* Why the wait ended without every VF ready, in the user's words. */
static int not_ready(struct sriov_ready *w, struct sriov_pf *pf, size_t n_want,
		     int timeout_ms, const struct sriov_vf_status *st,
		     const struct ready_count *c)
{
	if (c->ready == n_want && pf->n_vfs == n_want)
		return sriov_err(w->ctx, ETIMEDOUT,
				 "%s: %zu VFs there after %d ms, but udev still has events queued (see udevadm settle): the names it gives may change",
				 pf->info.pci, n_want, timeout_ms);
	return sriov_err(w->ctx, ETIMEDOUT,
			 "%s: %zu of %zu VFs ready after %d ms%s; VF %zu: %s",
			 pf->info.pci, c->ready, n_want, timeout_ms,
			 w->mon ? "" : " (no udev events to wait for: sysfs was checked instead)",
			 c->first, c->first < n_want ? st[c->first].state : "?");
}

/* True when udev has no event left to process (or is not used). */
static bool settled(struct sriov_ready *w)
{
	return !w->queue || udev_queue_get_queue_is_empty(w->queue) > 0;
}

/*
 * Waits for the next udev event, or, without a udev listener, sleeps the
 * growing interval (5 ms up to 100 ms) after which sysfs is read again.
 * 0 to check again, -ETIMEDOUT at the deadline.
 */
static int wait_step(struct sriov_ready *w, long long deadline, int *interval)
{
	struct pollfd p[2] = { { .fd = -1 }, { .fd = -1 } };
	long long left = deadline - now_ms();
	nfds_t n = 0;
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	if (w->mon) {
		p[n++] = (struct pollfd){ .fd = udev_monitor_get_fd(w->mon),
					  .events = POLLIN };
		if (w->queue)
			p[n++] = (struct pollfd){ .fd = udev_queue_get_fd(w->queue),
						  .events = POLLIN };
	} else if (left > *interval) {
		left = *interval, *interval = *interval < 50 ? *interval * 2 : 100;
	}
	r = poll(p, n, (int)left);
	if (r < 0 && errno != EINTR)
		return sriov_err(w->ctx, errno, "poll: %s", strerror(errno));
	if (r > 0 && (p[0].revents & POLLIN))
		drain(w);
	if (r > 0 && n > 1 && (p[1].revents & POLLIN))
		udev_queue_flush(w->queue);
	return 0;
}

int sriov_ready_wait(struct sriov_ready *w, struct sriov_pf *pf,
		     size_t n_want, int timeout_ms, struct sriov_vf_status *st)
{
	long long deadline = now_ms() + timeout_ms;
	struct ready_count c;
	int interval = 5;

	/* the caller has just read pf; the events so far name what udev did */
	for (bool fresh = true;; fresh = false) {
		int r = fresh ? 0 : sriov_pf_refresh(pf);

		if (r < 0)
			return r;
		if (w->mon)
			drain(w);
		if (check(w, pf, n_want, st, &c) && settled(w)) {
			sriov_progress(w->ctx, NULL, n_want, n_want, NULL, NULL);
			return 0;
		}
		report_progress(w, n_want, st, &c);
		r = wait_step(w, deadline, &interval);
		if (r == -ETIMEDOUT)
			break;
		if (r < 0)
			return r;
	}
	sriov_progress(w->ctx, NULL, 0, n_want, NULL, NULL);
	return not_ready(w, pf, n_want, timeout_ms, st, &c);
}

int sriov_ready_wait_vf(struct sriov_ready *w, struct sriov_pf *pf,
			unsigned int index, int timeout_ms,
			struct sriov_vf_status *st)
{
	long long deadline = now_ms() + timeout_ms;
	int interval = 5;

	for (;;) {
		int r = sriov_pf_refresh(pf);

		if (r < 0)
			return r;
		if (w->mon)
			drain(w);
		if (index >= pf->n_vfs || !pf->vfs[index])
			return sriov_err(w->ctx, ENODEV, "%s: VF %u is gone",
					 pf->info.pci, index);
		vf_state(w, pf->vfs[index], st);
		if (st->ready && settled(w))
			return 0;
		r = wait_step(w, deadline, &interval);
		if (r == -ETIMEDOUT)
			return sriov_err(w->ctx, ETIMEDOUT,
					 "%s: VF %u not ready after %d ms%s: %s",
					 pf->info.pci, index, timeout_ms,
					 w->mon ? "" : " (no udev events to wait for: sysfs was checked instead)",
					 st->ready ? "udev still has events queued (see udevadm settle)"
						   : st->state);
		if (r < 0)
			return r;
	}
}
