/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU -device arguments and libvirt XML for passed-through devices. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vffield.h"
#include "vfio_private.h"

#define DEFAULT_PREFIX "hostdev"
#define ID_MAX 32
/*
 * A root port's chassis number is also its devfn: slot chassis / 8,
 * function chassis % 8. The default leaves slots 1-7 of the bus to
 * hand-written devices; slot 0 is the host bridge, slot 31 q35's LPC.
 */
#define CHASSIS_DEFAULT 64
#define CHASSIS_MIN 8
#define CHASSIS_END 248
#define MAX_DEVICES 150

SRIOV_EXPORT void sriov_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **p = strv; *p; p++)
		free(*p);
	free(strv);
}

/* QEMU's id rule (id_wellformed()): a letter, then letters, digits, -._ */
static bool qemu_id_valid(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) ||
	    strlen(s) > ID_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		      *s == '_'))
			return false;
	return true;
}

static void version_text(unsigned int v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
}

static int check_chassis(struct sriov_ctx *ctx, const struct sriov_qemu_opts *o,
			 size_t n)
{
	char have[32], need[32];

	if (o->root_ports &&
	    (o->chassis_base % 8 || o->chassis_base < CHASSIS_MIN ||
	     o->chassis_base + n > CHASSIS_END))
		return sriov_err(ctx, EINVAL,
				 "invalid chassis base %u: for %zu root ports a multiple of 8 from %d to %zu (the ports sit at slot base/8 and up, of slots 1 to 30)",
				 o->chassis_base, n, CHASSIS_MIN,
				 (CHASSIS_END - n) / 8 * 8);
	if (o->iommufd && o->qemu_version &&
	    o->qemu_version < SRIOV_QEMU_IOMMUFD_VERSION) {
		version_text(o->qemu_version, have, sizeof(have));
		version_text(SRIOV_QEMU_IOMMUFD_VERSION, need, sizeof(need));
		return sriov_err(ctx, EINVAL,
				 "QEMU %s has no iommufd backend (-object iommufd and vfio-pci's iommufd= came with QEMU %s): leave out iommufd",
				 have, need);
	}
	return 0;
}

static int check_opts(struct sriov_ctx *ctx, const struct sriov_qemu_opts *o,
		      size_t n)
{
	if (n == 0 || n > MAX_DEVICES)
		return sriov_err(ctx, ERANGE, "between 1 and %d devices, not %zu",
				 MAX_DEVICES, n);
	if (!qemu_id_valid(o->id_prefix))
		return sriov_err(ctx, EINVAL,
				 "invalid id prefix \"%s\": a letter, then up to %d letters, digits, '-', '.' or '_'",
				 o->id_prefix, ID_MAX - 1);
	if (o->bus && !qemu_id_valid(o->bus))
		return sriov_err(ctx, EINVAL, "invalid bus \"%s\"", o->bus);
	if (o->vf_token && !sriov_vf_token_valid(o->vf_token))
		return sriov_err(ctx, EINVAL,
				 "invalid VF token \"%s\": expected a UUID such as %s",
				 o->vf_token, SRIOV_VF_TOKEN_NULL);
	if (o->rombar != SRIOV_ROMBAR_DEFAULT && o->rombar != SRIOV_ROMBAR_OFF &&
	    o->rombar != SRIOV_ROMBAR_ON)
		return sriov_err(ctx, EINVAL,
				 "rombar must be SRIOV_ROMBAR_DEFAULT, _OFF or _ON, not %d",
				 o->rombar);
	return check_chassis(ctx, o, n);
}

static int load_opts(struct sriov_ctx *ctx, const struct sriov_qemu_opts *opts,
		     size_t n, struct sriov_qemu_opts *o)
{
	*o = (struct sriov_qemu_opts){ .sz = sizeof(*o) };
	if (opts) {
		if (opts->sz < offsetof(struct sriov_qemu_opts, iommufd))
			return -EINVAL;
		memcpy(o, opts, opts->sz < sizeof(*o) ? opts->sz : sizeof(*o));
	}
	if (!o->id_prefix)
		o->id_prefix = DEFAULT_PREFIX;
	if (!o->chassis_base)
		o->chassis_base = CHASSIS_DEFAULT;
	return check_opts(ctx, o, n);
}

struct strv {
	char **v;
	size_t n;
	bool oom;
};

static void push(struct strv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void push(struct strv *s, const char *fmt, ...)
{
	char **nv, *str;
	va_list ap;
	int r;

	if (s->oom)
		return;
	va_start(ap, fmt);
	r = vasprintf(&str, fmt, ap);
	va_end(ap);
	nv = r < 0 ? NULL : realloc(s->v, (s->n + 2) * sizeof(*nv));
	if (!nv) {
		if (r >= 0)
			free(str);
		s->oom = true;
		return;
	}
	s->v = nv;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

/*
 * *ret: the device's VF token, or NULL when it needs none. The kernel
 * gives a PF on vfio-pci a random token, which only the PF's user can
 * change: without the one it set, QEMU cannot open the VF.
 */
static int vf_token(struct sriov_ctx *ctx, const struct sriov_qemu_opts *o,
		    const struct sriov_pci_addr *a, const char **ret)
{
	struct vdev d;

	*ret = NULL;
	if (sriov_vdev_load(ctx, a, &d) < 0 || !sriov_vdev_needs_vf_token(ctx, &d))
		return 0;
	if (!o->vf_token)
		return sriov_err(ctx, ECANCELED,
				 "%s: its PF %s is on vfio-pci, which opens it only with the PF's VF token, a random UUID until the PF's user sets one (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN): give that UUID (sriovctl qemu args --vf-token)",
				 d.pci, d.pf);
	*ret = o->vf_token;
	return 0;
}

/*
 * Root port i at devfn chassis_base + i: eight to a slot, as libvirt packs
 * them; function 0 carries multifunction=on when the slot holds more.
 */
static void push_root_port(struct strv *s, const struct sriov_qemu_opts *o,
			   size_t i, size_t n)
{
	size_t chassis = o->chassis_base + i;
	bool multi = chassis % 8 == 0 && i + 1 < n;

	push(s, "-device");
	push(s, "pcie-root-port,id=%srp%zu,chassis=%zu,slot=0%s%s,addr=0x%zx.0x%zx%s",
	     o->id_prefix, i, chassis, o->bus ? ",bus=" : "",
	     o->bus ? o->bus : "", chassis / 8, chassis % 8,
	     multi ? ",multifunction=on" : "");
}

static void push_device(struct strv *s, const struct sriov_qemu_opts *o,
			const struct sriov_pci_addr *a, size_t i,
			const char *token)
{
	char pci[SRIOV_PCI_ADDR_STRLEN], bus[ID_MAX + 48] = "", rom[24] = "",
	     fd[ID_MAX + 24] = "", tok[48] = "";

	sriov_pci_addr_format(a, pci);
	if (o->root_ports)
		snprintf(bus, sizeof(bus), ",bus=%srp%zu", o->id_prefix, i);
	else if (o->bus)
		snprintf(bus, sizeof(bus), ",bus=%s", o->bus);
	if (o->rombar != SRIOV_ROMBAR_DEFAULT)
		snprintf(rom, sizeof(rom), ",rombar=%d", o->rombar == SRIOV_ROMBAR_ON);
	if (o->iommufd)
		snprintf(fd, sizeof(fd), ",iommufd=%siommufd", o->id_prefix);
	if (token)
		snprintf(tok, sizeof(tok), ",vf-token=%s", token);
	push(s, "-device");
	push(s, "vfio-pci,host=%s,id=%s%zu%s%s%s%s", pci, o->id_prefix, i, bus,
	     rom, fd, tok);
}

SRIOV_EXPORT int sriov_qemu_args(struct sriov_ctx *ctx,
				 const struct sriov_pci_addr *devs, size_t n,
				 const struct sriov_qemu_opts *opts,
				 char ***ret_argv)
{
	struct sriov_qemu_opts o;
	struct strv s = { 0 };
	int r;

	if (!ctx || !devs || !ret_argv)
		return -EINVAL;
	r = load_opts(ctx, opts, n, &o);
	if (r < 0)
		return r;
	if (o.iommufd) {
		push(&s, "-object");
		push(&s, "iommufd,id=%siommufd", o.id_prefix);
	}
	/* the ports first, as libvirt puts controllers before devices */
	for (size_t i = 0; o.root_ports && i < n; i++)
		push_root_port(&s, &o, i, n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *token;

		r = vf_token(ctx, &o, &devs[i], &token);
		if (r == 0)
			push_device(&s, &o, &devs[i], i, token);
	}
	if (r < 0 || s.oom) {
		sriov_strv_free(s.v);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_argv = s.v;
	return 0;
}

static bool mac_set(const struct sriov_vf_config *c)
{
	static const uint8_t zero[6];

	return c && (c->mask & SRIOV_VF_HAS_MAC) && memcmp(c->mac, zero, 6);
}

static bool vlan_set(const struct sriov_vf_config *c)
{
	return c && (c->mask & SRIOV_VF_HAS_VLAN) && c->vlan;
}

/*
 * libvirt sets the VLAN of an <interface type='hostdev'> itself when the
 * domain starts, from <vlan><tag id=/> alone: a VLAN QoS (priority) or
 * 802.1ad would be lost. Such a VF is passed as <hostdev>, which libvirt
 * leaves as it is, and the comment says why.
 */
static bool vlan_beyond_libvirt(FILE *f, const struct sriov_pci_addr *a,
				const struct sriov_vf_config *c)
{
	char pci[SRIOV_PCI_ADDR_STRLEN], qos[16] = "";
	bool ad;

	if (!vlan_set(c))
		return false;
	ad = c->vlan_proto == SRIOV_VLAN_PROTO_8021AD;
	if (!c->qos && !ad)
		return false;
	if (c->qos)
		snprintf(qos, sizeof(qos), " qos %u", c->qos);
	sriov_pci_addr_format(a, pci);
	fprintf(f, "<!-- %s: VLAN %u%s%s is kept by passing it as <hostdev>: libvirt would set the VLAN of an <interface type='hostdev'> itself without %s -->\n",
		pci, c->vlan, qos, ad ? " 802.1ad" : "",
		c->qos && ad ? "QoS and 802.1ad" : c->qos ? "QoS" : "802.1ad");
	return true;
}

static void xml_device(FILE *f, const struct sriov_qemu_opts *o,
		       const struct sriov_pci_addr *a,
		       const struct sriov_vf_config *c, size_t i)
{
	bool iface = (mac_set(c) || vlan_set(c)) && !vlan_beyond_libvirt(f, a, c);
	const char *tag = iface ? "interface" : "hostdev";
	char mac[SRIOV_VF_VALUE_STRLEN];

	if (iface)
		fprintf(f, "<interface type='hostdev' managed='no'>\n");
	else
		fprintf(f, "<hostdev mode='subsystem' type='pci' managed='no'>\n");
	if (iface && mac_set(c) &&
	    sriov_vf_key_format(&sriov_vf_field_def(SRIOV_VF_HAS_MAC)->pub, c,
				mac, sizeof(mac)) == 0)
		fprintf(f, "  <mac address='%s'/>\n", mac);
	fprintf(f, "  <source>\n    <address %sdomain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n  </source>\n",
		iface ? "type='pci' " : "", a->domain, a->bus, a->slot,
		a->function);
	if (iface && vlan_set(c))
		fprintf(f, "  <vlan>\n    <tag id='%u'/>\n  </vlan>\n", c->vlan);
	if (o->rombar != SRIOV_ROMBAR_DEFAULT)
		fprintf(f, "  <rom bar='%s'/>\n",
			o->rombar == SRIOV_ROMBAR_ON ? "on" : "off");
	/* libvirt wants user aliases to start with "ua-" */
	fprintf(f, "  <alias name='ua-%s%zu'/>\n</%s>\n", o->id_prefix, i, tag);
}

/* libvirt's <hostdev> has no vf-token: QEMU would be refused such VFs. */
static int libvirt_tokens(struct sriov_ctx *ctx, const struct sriov_pci_addr *devs,
			  size_t n)
{
	struct vdev d;

	for (size_t i = 0; i < n; i++)
		if (sriov_vdev_load(ctx, &devs[i], &d) == 0 &&
		    sriov_vdev_needs_vf_token(ctx, &d))
			return sriov_err(ctx, ECANCELED,
					 "%s: its PF %s is on vfio-pci, so QEMU must open it with the PF's VF token (vf-token=), which libvirt's <hostdev> cannot carry: start QEMU with the arguments of sriovctl qemu args instead",
					 d.pci, d.pf);
	return 0;
}

SRIOV_EXPORT int sriov_libvirt_xml(struct sriov_ctx *ctx,
				   const struct sriov_pci_addr *devs,
				   const struct sriov_vf_config *const *cfgs,
				   size_t n, const struct sriov_qemu_opts *opts,
				   char **ret_xml)
{
	struct sriov_qemu_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!ctx || !devs || !ret_xml)
		return -EINVAL;
	r = load_opts(ctx, opts, n, &o);
	if (r < 0)
		return r;
	if (o.root_ports || o.bus || o.iommufd)
		return sriov_err(ctx, EINVAL,
				 "root ports, buses and iommufd are libvirt's to choose: they do not apply to libvirt XML");
	if (o.vf_token)
		return sriov_err(ctx, EINVAL, "libvirt XML has no place for a VF token");
	r = libvirt_tokens(ctx, devs, n);
	if (r < 0)
		return r;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		xml_device(f, &o, &devs[i], cfgs ? cfgs[i] : NULL, i);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		return -ENOMEM;
	}
	*ret_xml = buf;
	return 0;
}
