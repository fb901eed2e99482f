/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * claim add: pick free VFs under the claims lock, record the lease, then
 * bind and configure them; anything that fails part-way is given back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "claim.h"
#include "inuse.h"
#include "iommu.h"
#include "sysfs.h"

/* The candidates of one PF and what was found on it. */
struct pf_pool {
	struct sriov_pf *pf;
	size_t n_vfs, n_claimed, n_busy;
	struct sriov_vf **free;
	size_t n_free;
	char busy_why[160];          /* the first busy VF's reason */
};

struct add {
	struct sriov_ctx *ctx;
	const char *name;
	struct sriov_claim_opts o;
	struct sriov_pci_addr *taken;    /* VFs of other leases */
	size_t n_taken;
	uint8_t (*macs)[6];              /* MACs of other leases and the host */
	size_t n_macs;
	struct pf_pool *pools;
	size_t n_pools;
	struct sriov_claim *claim;
	int lock_fd;
};

static void add_free(struct add *a)
{
	for (size_t i = 0; i < a->n_pools; i++)
		free(a->pools[i].free);
	free(a->pools);
	free(a->taken);
	free(a->macs);
	sriov_claim_free(a->claim);
	sriov_unlock(a->lock_fd);
}

static int add_mac(struct add *a, const uint8_t *mac)
{
	uint8_t (*nm)[6] = realloc(a->macs, (a->n_macs + 1) * sizeof(*nm));

	if (!nm)
		return -ENOMEM;
	a->macs = nm;
	memcpy(a->macs[a->n_macs++], mac, 6);
	return 0;
}

/* The VFs and MACs of every other lease; a damaged lease stops the claim. */
static int load_leases(struct add *a)
{
	char **names = NULL;
	size_t n;
	int r = sriov_claim_list(a->ctx, &names, &n);

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct sriov_claim *c = NULL;
		struct sriov_pci_addr *nt;

		r = sriov_lease_read(a->ctx, names[i], &c);
		if (r == 0 && !strcmp(c->name, a->name))
			r = sriov_err(a->ctx, EEXIST, "claim \"%s\" exists already", a->name);
		nt = r == 0 ? realloc(a->taken, (a->n_taken + c->n) * sizeof(*nt)) : NULL;
		if (r == 0 && !nt)
			r = -ENOMEM;
		for (size_t k = 0; r == 0 && k < c->n; k++) {
			a->taken = nt;
			sriov_pci_addr_parse(c->vfs[k].pci, &a->taken[a->n_taken++]);
			if (c->vfs[k].settings.mask & SRIOV_VF_HAS_MAC)
				r = add_mac(a, c->vfs[k].settings.mac);
		}
		sriov_claim_free(c);
	}
	sriov_strv_free(names);
	return r;
}

/* The host's own MACs (class/net/ * /address) and the VFs' as the PFs report them. */
static void load_host_macs(struct add *a, struct sriov_pf *const *pfs, size_t n)
{
	const char *comps[] = { "class", "net", NULL };
	char path[SYSFS_PATH_MAX], **ifs = NULL;

	if (sriov_sysfs_join(a->ctx, path, sizeof(path), comps) == 0 &&
	    sriov_sysfs_list(a->ctx, path, &ifs, NULL) == 0)
		for (char **i = ifs; *i; i++) {
			const char *ac[] = { "class", "net", *i, "address", NULL };
			struct sriov_vf_config c = { 0 };
			char buf[64];

			if (sriov_sysfs_join(a->ctx, path, sizeof(path), ac) == 0 &&
			    sriov_sysfs_read(a->ctx, path, buf, sizeof(buf), true) >= 0 &&
			    sriov_vf_key_parse(sriov_vf_key_find("mac"), buf, &c) == 0)
				add_mac(a, c.mac);
		}
	sriov_sysfs_names_free(ifs);
	for (size_t p = 0; p < n; p++) {
		if (sriov_pf_read_vf_config(pfs[p], false) < 0)
			continue;
		for (size_t v = 0; v < sriov_pf_vf_count(pfs[p]); v++) {
			const struct sriov_vf *vf = sriov_pf_get_vf(pfs[p], (unsigned int)v);
			const struct sriov_vf_config *c = vf ? sriov_vf_get_config(vf) : NULL;

			if (c && (c->mask & SRIOV_VF_HAS_MAC))
				add_mac(a, c->mac);
		}
	}
	set_error_text(a->ctx, "");
}

static bool taken(const struct add *a, const struct sriov_pci_addr *addr)
{
	for (size_t i = 0; i < a->n_taken; i++)
		if (!sriov_pci_addr_cmp(&a->taken[i], addr))
			return true;
	return false;
}

/* Why the VF cannot be claimed, or NULL when it is free. */
static const char *busy_reason(struct add *a, struct sriov_inuse *u,
			       const struct sriov_vf *vf, char *buf, size_t size)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(vf);
	struct journal_entry e;
	struct vgroup g;
	size_t blockers;

	if (sriov_driver_is_vfio(a->ctx, i->driver))
		return snprintf(buf, size, "%s is on %s", i->pci, i->driver), buf;
	if (sriov_journal_read(a->ctx, i->pci, &e) != -ENOENT)
		return snprintf(buf, size, "%s has a change in the journal", i->pci), buf;
	if (sriov_inuse_vf(u, vf, buf, size))
		return buf;
	if (i->netdev && sriov_netdev_up(a->ctx, i->netdev))
		return snprintf(buf, size, "%s: %s is up", i->pci, i->netdev), buf;
	if (i->iommu_group != SRIOV_NO_VALUE && sriov_inuse_group(u, i->iommu_group) > 0)
		return snprintf(buf, size, "%s: its VFIO group is open", i->pci), buf;
	if (a->o.driver == SRIOV_CLAIM_DRIVER_HOST)
		return NULL;
	if (i->iommu_group == SRIOV_NO_VALUE)
		return snprintf(buf, size, "%s is in no IOMMU group", i->pci), buf;
	if (sriov_vgroup_load(a->ctx, i->iommu_group, &g) < 0)
		return snprintf(buf, size, "%s: its IOMMU group cannot be read", i->pci), buf;
	blockers = sriov_vgroup_blockers(&g, &i->addr, 1, buf, size);
	sriov_vgroup_clear(&g);
	if (blockers) {
		char who[128];

		snprintf(who, sizeof(who), "%.127s", buf);
		snprintf(buf, size, "%s: IOMMU group %d also holds %s", i->pci,
			 i->iommu_group, who);
		return buf;
	}
	return NULL;
}

static bool pf_wanted(const struct add *a, struct sriov_pf *pf,
		      struct sriov_pf *const *named, size_t n_named)
{
	const struct sriov_pf_info *i = sriov_pf_get_info(pf);
	bool found = n_named == 0;

	for (size_t k = 0; k < n_named; k++)
		found = found || named[k] == pf;
	return found && i->pci[0] && (!a->o.numa_set || i->numa_node == a->o.numa_node);
}

static bool vf_wanted(const struct add *a, const struct sriov_vf *vf)
{
	const struct sriov_vf_info *i = sriov_vf_get_info(vf);

	return !a->o.device ||
	       ((uint32_t)i->vendor_id << 16 | i->device_id) == a->o.device;
}

static int pool_fill(struct add *a, struct sriov_inuse *u, struct pf_pool *p)
{
	size_t n = sriov_pf_vf_count(p->pf);

	p->free = calloc(n ? n : 1, sizeof(*p->free));
	if (!p->free)
		return -ENOMEM;
	for (size_t v = 0; v < n; v++) {
		struct sriov_vf *vf = sriov_pf_get_vf(p->pf, (unsigned int)v);
		char why[300];

		if (!vf || !vf_wanted(a, vf))
			continue;
		p->n_vfs++;
		if (taken(a, &sriov_vf_get_info(vf)->addr)) {
			p->n_claimed++;
		} else if (busy_reason(a, u, vf, why, sizeof(why))) {
			if (p->n_busy++ == 0)
				snprintf(p->busy_why, sizeof(p->busy_why), "%.159s", why);
		} else {
			p->free[p->n_free++] = vf;
		}
		set_error_text(a->ctx, "");
	}
	return 0;
}

/* Every PF the filters keep, with its free VFs. */
static int scan(struct add *a)
{
	struct sriov_pf *const *pfs;
	struct sriov_pf **named = NULL;
	struct sriov_inuse *u = NULL;
	size_t n, total = 0;
	int r = sriov_pf_list(a->ctx, &pfs, &n);

	if (r == 0 && a->o.n_pfs && !(named = calloc(a->o.n_pfs, sizeof(*named))))
		r = -ENOMEM;
	for (size_t k = 0; r == 0 && k < a->o.n_pfs; k++)
		if (sriov_pf_find(a->ctx, a->o.pfs[k], &named[k]) < 0)
			r = sriov_err(a->ctx, EINVAL, "no PF \"%s\"", a->o.pfs[k]);
	if (r == 0 && !(a->pools = calloc(n ? n : 1, sizeof(*a->pools))))
		r = -ENOMEM;
	if (r == 0)
		r = sriov_inuse_open(a->ctx, &u);
	if (r == 0 && a->o.mac_mode == SRIOV_CLAIM_MAC_AUTO)
		load_host_macs(a, pfs, n);
	for (size_t p = 0; r == 0 && p < n; p++) {
		if (!pf_wanted(a, pfs[p], named, a->o.n_pfs))
			continue;
		a->pools[a->n_pools].pf = pfs[p];
		r = pool_fill(a, u, &a->pools[a->n_pools]);
		total += a->pools[a->n_pools++].n_vfs;
	}
	sriov_inuse_close(u);
	free(named);
	if (r == 0 && total == 0)
		r = sriov_err(a->ctx, EINVAL,
			      "claim \"%s\": no VF matches the filters (--pf, --numa, --device)",
			      a->name);
	return r;
}

/* "0000:01:00.0: 7 VFs, 1 free, 5 claimed, 1 busy (why); ..." */
static int too_few(struct add *a, size_t n_free)
{
	char text[SRIOV_ERRBUF_LEN];
	size_t len = 0;

	for (size_t p = 0; p < a->n_pools && len < sizeof(text) - 1; p++) {
		const struct pf_pool *q = &a->pools[p];

		if (!q->n_vfs)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s%s: %zu VFs, %zu free, %zu claimed, %zu busy%s%s%s",
					len ? "; " : "", sriov_pf_get_info(q->pf)->pci,
					q->n_vfs, q->n_free, q->n_claimed, q->n_busy,
					q->n_busy ? " (" : "", q->busy_why, q->n_busy ? ")" : "");
	}
	return sriov_err(a->ctx, EBUSY,
			 "claim \"%s\": %zu VF%s asked, %zu free: %s; nothing taken",
			 a->name, a->o.count, a->o.count == 1 ? "" : "s", n_free, text);
}

/* One PF filled first, or round-robin across PFs with spread. */
static int pick(struct add *a, struct sriov_vf **ret)
{
	size_t n_free = 0, k = 0;

	for (size_t p = 0; p < a->n_pools; p++)
		n_free += a->pools[p].n_free;
	if (n_free < a->o.count)
		return too_few(a, n_free);
	if (!a->o.spread) {
		for (size_t p = 0; p < a->n_pools; p++)
			for (size_t v = 0; v < a->pools[p].n_free && k < a->o.count; v++)
				ret[k++] = a->pools[p].free[v];
		return 0;
	}
	for (size_t round = 0; k < a->o.count; round++)
		for (size_t p = 0; p < a->n_pools && k < a->o.count; p++)
			if (round < a->pools[p].n_free)
				ret[k++] = a->pools[p].free[round];
	return 0;
}

/*
 * mac auto: FNV-1a (64 bit) of "sriovctl-claim/NAME/PCI/K", its low 48
 * bits with the first octet made unicast and locally administered; K
 * counts up from 0 until the address is used nowhere else on the host.
 */
static void mac_derive(const char *name, const char *pci, unsigned int k,
		       uint8_t mac[6])
{
	char text[SRIOV_CLAIM_NAME_MAX + 64];
	uint64_t h = 0xcbf29ce484222325ULL;

	snprintf(text, sizeof(text), "sriovctl-claim/%s/%s/%u", name, pci, k);
	for (const char *p = text; *p; p++) {
		h ^= (uint8_t)*p;
		h *= 0x100000001b3ULL;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (40 - 8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static bool mac_used(const struct add *a, const uint8_t *mac)
{
	for (size_t i = 0; i < a->n_macs; i++)
		if (!memcmp(a->macs[i], mac, 6))
			return true;
	return false;
}

static int choose_mac(struct add *a, size_t i, struct sriov_claim_vf *v)
{
	uint8_t *mac = v->settings.mac;
	uint32_t low;

	switch (a->o.mac_mode) {
	case SRIOV_CLAIM_MAC_AUTO:
		for (unsigned int k = 0;; k++) {
			mac_derive(a->name, v->pci, k, mac);
			if (!mac_used(a, mac))
				break;
			if (k == 1000)
				return sriov_err(a->ctx, EEXIST, "no free MAC for %s", v->pci);
		}
		break;
	case SRIOV_CLAIM_MAC_LIST:
		memcpy(mac, a->o.macs + 6 * i, 6);
		break;
	case SRIOV_CLAIM_MAC_COUNT:
		memcpy(mac, a->o.macs, 6);
		low = ((uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5]) + (uint32_t)i;
		mac[3] = (uint8_t)(low >> 16);
		mac[4] = (uint8_t)(low >> 8);
		mac[5] = (uint8_t)low;
		break;
	default:
		return 0;
	}
	v->settings.mask |= SRIOV_VF_HAS_MAC;
	return add_mac(a, mac);
}

/* The lease of the picked VFs, with their drivers and settings as now. */
/*
 * The MTU a host claim gives vf's netdev, checked as sriov_vf_set_mtu()
 * checks it (a netdev, the driver's range, within its PF's) before the
 * lease is written, and the MTU it had, for the release.
 */
static int plan_mtu(struct add *a, struct sriov_vf *vf, struct sriov_claim_vf *v)
{
	struct sriov_mtu_change ch;
	int r;

	if (!a->o.mtu)
		return 0;
	r = sriov_vf_set_mtu(vf, a->o.mtu, SRIOV_MTU_DRY_RUN, &ch);
	if (r < 0)
		return r;
	v->mtu_before = ch.before;
	v->mtu = a->o.mtu;
	return 0;
}

/* A host claim's MTU on each VF's netdev. */
static int set_mtus(struct add *a, struct sriov_vf **vfs)
{
	struct sriov_mtu_change ch;

	for (size_t i = 0; i < a->claim->n; i++) {
		int r = a->claim->vfs[i].mtu
				? sriov_vf_set_mtu(vfs[i], a->claim->vfs[i].mtu, 0, &ch)
				: 0;

		if (r < 0)
			return sriov_err(a->ctx, -r, "claim \"%s\": %s", a->name,
					 sriov_ctx_last_error(a->ctx));
	}
	return 0;
}

static int build(struct add *a, struct sriov_vf **vfs)
{
	struct sriov_claim *c = calloc(1, sizeof(*c));

	if (!c || !(c->vfs = calloc(a->o.count, sizeof(*c->vfs)))) {
		free(c);
		return -ENOMEM;
	}
	a->claim = c;
	snprintf(c->name, sizeof(c->name), "%s", a->name);
	c->created = (int64_t)time(NULL);
	c->holder_pid = a->o.holder_pid;
	c->holder_start = a->o.holder_pid > 0 ? sriov_process_start(a->o.holder_pid) : 0;
	c->holder_alive = sriov_holder_alive(c->holder_pid, c->holder_start);
	snprintf(c->owner, sizeof(c->owner), "%s", a->o.owner ? a->o.owner : "");
	c->driver = a->o.driver;
	for (size_t i = 0; i < a->o.count; i++) {
		const struct sriov_vf_info *in = sriov_vf_get_info(vfs[i]);
		const struct sriov_vf_config *cur = sriov_vf_get_config(vfs[i]);
		struct sriov_claim_vf *v = &c->vfs[c->n++];
		int r;

		memcpy(v->pci, in->pci, sizeof(v->pci));
		memcpy(v->pf, in->pf, sizeof(v->pf));
		v->vf = (int)in->index;
		v->iommu_group = in->iommu_group;
		snprintf(v->driver_before, sizeof(v->driver_before), "%s",
			 in->driver ? in->driver : "");
		snprintf(v->driver, sizeof(v->driver), "%s",
			 a->o.driver == SRIOV_CLAIM_DRIVER_HOST ? v->driver_before : VFIO_PCI);
		v->has_before = cur != NULL;
		if (cur) {
			v->before = *cur;
			v->before.mask &= ~(uint32_t)SRIOV_VF_HAS_STATS;
		}
		v->settings = a->o.settings;
		v->settings.mask &= ~(uint32_t)(SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_STATS);
		r = choose_mac(a, i, v);
		if (r < 0)
			return r;
		r = plan_mtu(a, vfs[i], v);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The settings before the claim, where rtnetlink has them; required when
 * the claim sets any, so that nothing is touched when it cannot.
 */
static int read_settings(struct add *a, struct sriov_vf **vfs)
{
	bool need = (a->o.settings.mask & ~(uint32_t)SRIOV_VF_HAS_MAC) ||
		    a->o.mac_mode != SRIOV_CLAIM_MAC_NONE;

	for (size_t i = 0; i < a->o.count; i++) {
		struct sriov_pf *pf = sriov_vf_get_pf(vfs[i]);
		int r = sriov_vf_get_config(vfs[i]) ? 0 : sriov_pf_read_vf_config(pf, false);

		if (r == 0 && !sriov_vf_get_config(vfs[i]))
			r = sriov_err(a->ctx, ENODEV, "%s did not report VF %u over rtnetlink",
				      sriov_pf_get_info(pf)->pci, sriov_vf_get_info(vfs[i])->index);
		if (r < 0 && need)
			return r;
	}
	set_error_text(a->ctx, "");
	return 0;
}

static int set_settings(struct add *a, struct sriov_vf **vfs)
{
	struct sriov_vf_change_report *rep = NULL;
	struct sriov_vf_config *want = calloc(a->claim->n, sizeof(*want));
	uint32_t any = 0;
	int r = want ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < a->claim->n; i++) {
		want[i] = a->claim->vfs[i].settings;
		any |= want[i].mask;
	}
	if (r == 0 && any)
		r = sriov_vf_set_config(vfs, want, a->claim->n, false, &rep);
	for (size_t i = 0; r == 0 && rep && i < rep->n; i++) {
		const struct sriov_vf_change *ch = &rep->vfs[i];

		if (ch->n_errors)
			r = sriov_err(a->ctx, EIO, "claim \"%s\": %s: %s: %s", a->name,
				      a->claim->vfs[i].pci,
				      sriov_vf_field_name(ch->errors[0].field),
				      ch->errors[0].message);
	}
	sriov_vf_change_report_free(rep);
	free(want);
	return r;
}

static int bind_all(struct add *a)
{
	struct sriov_vfio_opts vo = { .sz = sizeof(vo), .owner = a->o.owner,
				      .timeout_ms = a->o.timeout_ms,
				      .driver = a->o.vfio_driver };
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr *addrs = calloc(a->claim->n, sizeof(*addrs));
	int r = addrs ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < a->claim->n; i++)
		sriov_pci_addr_parse(a->claim->vfs[i].pci, &addrs[i]);
	if (r == 0)
		r = sriov_vfio_bind(a->ctx, addrs, a->claim->n, &vo, &rep);
	/* the lease names the driver each VF got: vfio-pci or a variant */
	for (size_t i = 0; r == 0 && i < rep->n && i < a->claim->n; i++)
		if (rep->devs[i].driver_after)
			snprintf(a->claim->vfs[i].driver, sizeof(a->claim->vfs[i].driver),
				 "%s", rep->devs[i].driver_after);
	sriov_vfio_report_free(rep);
	free(addrs);
	return r;
}

/* Binds and configures; a failure gives back whatever was done. */
static int execute(struct add *a, struct sriov_vf **vfs)
{
	char why[SRIOV_ERRBUF_LEN];
	struct sriov_claim_opts undo = a->o;
	int r = a->o.driver == SRIOV_CLAIM_DRIVER_VFIO ? bind_all(a) : 0;

	if (r == 0)
		r = set_settings(a, vfs);
	if (r == 0 && a->o.driver == SRIOV_CLAIM_DRIVER_HOST)
		r = set_mtus(a, vfs);
	if (r == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(a->ctx));
	undo.keep_settings = false;
	undo.reset = false;
	if (sriov_claim_undo(a->ctx, a->claim, &undo) < 0) {
		char more[SRIOV_ERRBUF_LEN];

		snprintf(more, sizeof(more), "%s", sriov_ctx_last_error(a->ctx));
		return sriov_err(a->ctx, -r,
				 "%s; giving the VFs back failed too: %s; the lease stays for \"sriovctl claim release %s\"",
				 why, more, a->name);
	}
	sriov_lease_remove(a->ctx, a->name);
	return sriov_err(a->ctx, -r, "%s; every VF of the claim was given back", why);
}

static int check_opts(struct sriov_ctx *ctx, const char *name,
		      const struct sriov_claim_opts *o)
{
	uid_t uid;
	gid_t gid;

	if (!sriov_claim_name_valid(name))
		return sriov_err(ctx, EINVAL,
				 "invalid claim name \"%s\": 1-%d of A-Z a-z 0-9 _ . -, not starting with . or -",
				 name ? name : "", SRIOV_CLAIM_NAME_MAX);
	if (o->count == 0 || o->count > CLAIM_MAX_VFS)
		return sriov_err(ctx, EINVAL, "claim \"%s\": --count must be 1 to %d",
				 name, CLAIM_MAX_VFS);
	if (o->mac_mode == SRIOV_CLAIM_MAC_LIST && o->n_macs != o->count)
		return sriov_err(ctx, EINVAL,
				 "claim \"%s\": %zu MACs given for %zu VFs: the list needs one per VF",
				 name, o->n_macs, o->count);
	if ((o->mac_mode == SRIOV_CLAIM_MAC_COUNT && o->n_macs != 1) ||
	    o->mac_mode < SRIOV_CLAIM_MAC_NONE || o->mac_mode > SRIOV_CLAIM_MAC_COUNT ||
	    (o->driver != SRIOV_CLAIM_DRIVER_VFIO && o->driver != SRIOV_CLAIM_DRIVER_HOST))
		return sriov_err(ctx, EINVAL, "claim \"%s\": invalid options", name);
	if (o->mtu && o->driver == SRIOV_CLAIM_DRIVER_VFIO)
		return sriov_err(ctx, EINVAL,
				 "claim \"%s\": mtu is for --driver host claims: the guest sets the MTU of a passed-through VF",
				 name);
	if (o->mtu && (o->mtu < SRIOV_MTU_MIN || o->mtu > SRIOV_MTU_MAX))
		return sriov_err(ctx, ERANGE, "MTU %u is out of range %u-%u", o->mtu,
				 SRIOV_MTU_MIN, SRIOV_MTU_MAX);
	if (o->owner && sriov_owner_parse(ctx, o->owner, &uid, &gid) < 0)
		return -EINVAL;
	if (o->holder_pid < 0 || (o->holder_pid > 0 && !sriov_holder_alive(o->holder_pid, 0)))
		return sriov_err(ctx, EINVAL, "claim \"%s\": no process %ld to hold it",
				 name, o->holder_pid);
	return sriov_vf_config_check(ctx, &o->settings);
}

/* Chooses under the claims lock and records the lease before any change. */
static int choose(struct add *a, struct sriov_vf **vfs)
{
	int r = 0;

	if (!a->o.dry_run)
		r = sriov_lock_name_within(a->ctx, CLAIMS_LOCK, a->o.timeout_ms, &a->lock_fd);
	if (r == 0)
		r = load_leases(a);
	if (r == 0)
		r = scan(a);
	if (r == 0)
		r = pick(a, vfs);
	if (r == 0)
		r = read_settings(a, vfs);
	if (r == 0)
		r = build(a, vfs);
	if (r == 0 && !a->o.dry_run)
		r = sriov_lease_write(a->ctx, a->claim);
	sriov_unlock(a->lock_fd);
	a->lock_fd = -1;
	return r;
}

SRIOV_EXPORT int sriov_claim_add(struct sriov_ctx *ctx, const char *name,
				 const struct sriov_claim_opts *opts,
				 struct sriov_claim **ret_claim)
{
	struct add a = { .ctx = ctx, .name = name, .lock_fd = -1 };
	struct sriov_vf **vfs = NULL;
	int r;

	if (!ctx || !opts || !ret_claim || opts->sz < offsetof(struct sriov_claim_opts, dry_run))
		return -EINVAL;
	memcpy(&a.o, opts, opts->sz < sizeof(a.o) ? opts->sz : sizeof(a.o));
	if (a.o.timeout_ms <= 0)
		a.o.timeout_ms = VFIO_DEFAULT_TIMEOUT_MS;
	r = check_opts(ctx, name, &a.o);
	if (r == 0 && !(vfs = calloc(a.o.count, sizeof(*vfs))))
		r = -ENOMEM;
	if (r == 0)
		r = choose(&a, vfs);
	if (r == 0 && !a.o.dry_run)
		r = execute(&a, vfs);
	if (r == 0 && !a.o.dry_run) {
		a.claim->complete = true;
		r = sriov_lease_write(ctx, a.claim);
	}
	if (r == 0 && a.o.dry_run)
		a.claim->complete = true;
	if (r == 0) {
		*ret_claim = a.claim;
		a.claim = NULL;
	}
	free(vfs);
	add_free(&a);
	return r;
}
