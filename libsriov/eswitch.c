/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The embedded switch of a PF and its VFs' devlink ports, as the model sees them. */
#include <linux/devlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink.h"
#include "eswitch.h"

static const char *const mode_names[] = { "legacy", "switchdev" };
static const char *const inline_names[] = { "none", "link", "network", "transport" };
static const char *const encap_names[] = { "none", "basic" };

SRIOV_EXPORT const char *sriov_eswitch_mode_name(int mode)
{
	return mode >= 0 && (size_t)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

SRIOV_EXPORT int sriov_eswitch_mode_parse(const char *name, int *ret_mode)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(name, mode_names[i])) {
			*ret_mode = (int)i;
			return 0;
		}
	return -EINVAL;
}

SRIOV_EXPORT const char *sriov_eswitch_inline_mode_name(int mode)
{
	return mode >= 0 && (size_t)mode < ARRAY_SIZE(inline_names) ? inline_names[mode] : NULL;
}

SRIOV_EXPORT const char *sriov_eswitch_encap_mode_name(int mode)
{
	return mode >= 0 && (size_t)mode < ARRAY_SIZE(encap_names) ? encap_names[mode] : NULL;
}

/* Errors that mean "no devlink here", which the model shows as null. */
static bool no_devlink(int r)
{
	return r == -EOPNOTSUPP || r == -ENODEV || r == -ENOENT ||
	       r == -EPROTONOSUPPORT;
}

int sriov_pf_devlink(struct sriov_pf *pf, struct sriov_devlink **ret)
{
	int r = sriov_devlink_ctx(pf->ctx, ret);

	if (r == 0)
		r = sriov_dl_dev_exists(*ret, pf->bus, pf->dev_name);
	if (r == 0)
		return -ENODEV;
	return r < 0 ? r : 0;
}

SRIOV_EXPORT int sriov_pf_read_eswitch(struct sriov_pf *pf,
				       struct sriov_eswitch_info *ret)
{
	struct sriov_eswitch_info info = { "", SRIOV_NO_VALUE, SRIOV_NO_VALUE,
					   SRIOV_NO_VALUE };
	struct sriov_dl_eswitch e;
	struct sriov_devlink *dl;
	int r;

	if (!pf || !ret)
		return -EINVAL;
	if (pf->eswitch_loaded) {
		*ret = pf->eswitch;
		return 0;
	}
	r = sriov_pf_devlink(pf, &dl);
	if (r == 0) {
		snprintf(info.handle, sizeof(info.handle), "%s/%s", pf->bus,
			 pf->dev_name);
		r = sriov_dl_eswitch_get(dl, pf->bus, pf->dev_name, &e);
	}
	if (r == 0) {
		info.mode = e.mode;
		info.inline_mode = e.inline_mode;
		info.encap_mode = e.encap_mode;
	}
	if (r < 0 && !no_devlink(r))
		return r;
	if (r < 0)
		sriov_dbg(pf->ctx, "%s: %s", pf->dev_name,
			  info.handle[0] ? "eswitch not reported" : "no devlink");
	pf->eswitch = info;
	pf->eswitch_loaded = true;
	*ret = info;
	return 0;
}

int sriov_ctx_dl_ports(struct sriov_ctx *ctx, const struct sriov_dl_port **ret,
		       size_t *ret_n)
{
	struct sriov_devlink *dl;
	int r;

	if (!ctx->dl_ports_loaded) {
		r = sriov_devlink_ctx(ctx, &dl);
		if (r == 0)
			r = sriov_dl_port_dump(dl, &ctx->dl_ports, &ctx->n_dl_ports);
		ctx->dl_ports_error = r;
		ctx->dl_ports_loaded = true;
	}
	if (ctx->dl_ports_error < 0)
		return ctx->dl_ports_error;
	*ret = ctx->dl_ports;
	*ret_n = ctx->n_dl_ports;
	return 0;
}

void sriov_ctx_dl_forget(struct sriov_ctx *ctx)
{
	free(ctx->dl_ports);
	ctx->dl_ports = NULL;
	ctx->n_dl_ports = 0;
	ctx->dl_ports_loaded = false;
	ctx->dl_ports_error = 0;
	for (size_t i = 0; i < ctx->n_pfs; i++)
		ctx->pfs[i]->eswitch_loaded = false;
}

/* The PF's function number, which pfnum carries when PFs share an instance. */
static int pf_function(const struct sriov_pf *pf)
{
	return pf->info.pci[0] ? pf->info.addr.function : 0;
}

static const struct sriov_dl_port *find_vf_port(const struct sriov_pf *pf,
						const struct sriov_dl_port *p,
						size_t n, unsigned int vf)
{
	const struct sriov_dl_port *found = NULL;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i].flavour != DEVLINK_PORT_FLAVOUR_PCI_VF ||
		    p[i].vfnum != (int)vf || strcmp(p[i].bus, pf->bus) ||
		    strcmp(p[i].dev, pf->dev_name))
			continue;
		count++;
		if (!found || p[i].pfnum == pf_function(pf))
			found = &p[i];
	}
	if (count > 1 && found->pfnum != pf_function(pf))
		return NULL;
	return found;
}

static void format_hw_addr(const struct sriov_dl_port *p, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->hw_addr_len && off + 4 <= size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%02x",
					i ? ":" : "", p->hw_addr[i]);
}

SRIOV_EXPORT int sriov_vf_read_port(struct sriov_vf *vf,
				    struct sriov_vf_port *ret)
{
	const struct sriov_dl_port *ports, *p;
	struct sriov_eswitch_info e;
	struct sriov_vf_port out;
	size_t n;
	int r;

	if (!vf || !ret)
		return -EINVAL;
	r = sriov_pf_read_eswitch(vf->pf, &e);
	if (r < 0)
		return r;
	if (e.mode != SRIOV_ESWITCH_SWITCHDEV)
		return -ENOENT;
	r = sriov_ctx_dl_ports(vf->pf->ctx, &ports, &n);
	if (r < 0)
		return r;
	p = find_vf_port(vf->pf, ports, n, vf->info.index);
	if (!p)
		return -ENOENT;
	memset(&out, 0, sizeof(out));
	snprintf(out.port, sizeof(out.port), "%s/%s/%u", p->bus, p->dev, p->index);
	out.index = p->index;
	snprintf(out.representor, sizeof(out.representor), "%s", p->netdev);
	out.representor_ifindex = p->netdev_ifindex;
	format_hw_addr(p, out.hw_addr, sizeof(out.hw_addr));
	out.state = p->fn_state;
	out.opstate = p->fn_opstate;
	*ret = out;
	return 0;
}
