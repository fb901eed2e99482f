/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpci access: the SR-IOV capability from configuration space and names
 * from the PCI ID database (names.c reads it; libpci only where that
 * cannot). libpci reports fatal errors through a handler
 * that must not return, so every call into it runs under a jump buffer
 * and the handler jumps back with the message recorded on the context.
 */
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sysfs.h"

#ifndef PCI_EXT_CAP_ID_SRIOV
#define PCI_EXT_CAP_ID_SRIOV 0x10
#endif

/* libpci's handlers carry no user data; calls are serialised per thread. */
static _Thread_local struct sriov_ctx *pci_cur_ctx;
static _Thread_local jmp_buf *pci_cur_jmp;

static void __attribute__((format(printf, 2, 0)))
pci_vlog(enum sriov_log_level level, const char *fmt, va_list ap)
{
	char msg[SRIOV_ERRBUF_LEN];

	if (!pci_cur_ctx)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level == SRIOV_LOG_ERR)
		sriov_err(pci_cur_ctx, EIO, "libpci: %s", msg);
	else
		sriov_log(pci_cur_ctx, level, "libpci: %s", msg);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
pci_error_handler(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pci_vlog(SRIOV_LOG_ERR, fmt, ap);
	va_end(ap);
	longjmp(*pci_cur_jmp, 1);
}

/* libpci's handlers take no user data: one per level, all alike. */
#define PCI_LOG_HANDLER(name, level)					\
	static void __attribute__((format(printf, 1, 2)))		\
	name(char *fmt, ...)						\
	{								\
		va_list ap;						\
									\
		va_start(ap, fmt);					\
		pci_vlog(level, fmt, ap);				\
		va_end(ap);						\
	}

PCI_LOG_HANDLER(pci_warning_handler, SRIOV_LOG_WARNING)
PCI_LOG_HANDLER(pci_debug_handler, SRIOV_LOG_DEBUG)

/* libpci takes parameter names and values as non-const strings. */
static void pci_param(struct pci_access *a, const char *name,
		      const char *value)
{
	char n[32], v[4096];

	snprintf(n, sizeof(n), "%s", name);
	snprintf(v, sizeof(v), "%s", value);
	pci_set_param(a, n, v);
}

static int pci_access_init(struct sriov_ctx *ctx)
{
	char path[4096];
	struct pci_access *a;

	a = pci_alloc();
	if (!a)
		return sriov_err(ctx, ENOMEM, "libpci: out of memory");
	a->error = pci_error_handler;
	a->warning = pci_warning_handler;
	a->debug = pci_debug_handler;
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	snprintf(path, sizeof(path), "%s/bus/pci", ctx->sysfs_root);
	pci_param(a, "sysfs.path", path);
	/* udev's hwdb describes the host, not a simulated sysfs root */
	if (!ctx->live)
		pci_param(a, "hwdb.disable", "1");
	ctx->pacc = a;
	pci_init(a);
	return 0;
}

/* Runs under the jump buffer installed by the caller. */
static struct pci_access *pci_get_access(struct sriov_ctx *ctx)
{
	if (!ctx->pacc && pci_access_init(ctx) < 0)
		return NULL;
	return ctx->pacc;
}

void sriov_pci_cleanup(struct sriov_ctx *ctx)
{
	jmp_buf jb;

	if (!ctx->pacc)
		return;
	pci_cur_ctx = ctx;
	pci_cur_jmp = &jb;
	if (setjmp(jb) == 0)
		pci_cleanup(ctx->pacc);
	ctx->pacc = NULL;
	pci_cur_ctx = NULL;
}

static void decode_sriov_cap(struct pci_dev *d, int pos,
			     struct sriov_cap_info *c)
{
	uint32_t hdr = pci_read_long(d, pos);

	c->present = true;
	c->offset = (uint16_t)pos;
	c->version = (hdr >> 16) & 0xf;
	c->capabilities = pci_read_long(d, pos + 0x04);
	c->control = pci_read_word(d, pos + 0x08);
	c->status = pci_read_word(d, pos + 0x0a);
	c->initial_vfs = pci_read_word(d, pos + 0x0c);
	c->total_vfs = pci_read_word(d, pos + 0x0e);
	c->num_vfs = pci_read_word(d, pos + 0x10);
	c->function_link = pci_read_byte(d, pos + 0x12);
	c->vf_offset = pci_read_word(d, pos + 0x14);
	c->vf_stride = pci_read_word(d, pos + 0x16);
	c->vf_device_id = pci_read_word(d, pos + 0x1a);
	c->supported_page_sizes = pci_read_long(d, pos + 0x1c);
	c->system_page_size = pci_read_long(d, pos + 0x20);
	c->vf_enable = c->control & 0x1;
	c->vf_memory_space = c->control & 0x8;
	c->ari_hierarchy = c->control & 0x10;
}

static int read_cap_unguarded(struct sriov_ctx *ctx,
			      const struct sriov_pci_addr *addr,
			      struct sriov_cap_info *ret_cap)
{
	struct pci_access *a = pci_get_access(ctx);
	struct sriov_cap_info cap = { 0 };
	char path[SYSFS_PATH_MAX];
	struct pci_dev *d;
	struct pci_cap *pc;

	if (!a)
		return -ENOMEM;
	/* libpci opens config itself: not through a link out of the tree,
	 * not a FIFO that never answers; without it there is no capability */
	if (sriov_sysfs_dev_path(ctx, addr, "config", path, sizeof(path)) < 0 ||
	    sriov_sysfs_check_attr(ctx, path) < 0) {
		*ret_cap = cap;
		return 0;
	}
	d = pci_get_dev(a, addr->domain, addr->bus, addr->slot, addr->function);
	if (!d)
		return sriov_err(ctx, ENOMEM, "libpci: out of memory");
	/* the IDs come from sysfs already: libpci need not read them again */
	pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	pc = pci_find_cap(d, PCI_EXT_CAP_ID_SRIOV, PCI_CAP_EXTENDED);
	if (pc)
		decode_sriov_cap(d, pc->addr, &cap);
	pci_free_dev(d);
	*ret_cap = cap;
	return 0;
}

int sriov_pci_read_sriov_cap(struct sriov_ctx *ctx,
			     const struct sriov_pci_addr *addr,
			     struct sriov_cap_info *ret_cap)
{
	jmp_buf jb;
	int r;

	pci_cur_ctx = ctx;
	pci_cur_jmp = &jb;
	if (setjmp(jb) == 0)
		r = read_cap_unguarded(ctx, addr, ret_cap);
	else
		r = -EIO;
	pci_cur_ctx = NULL;
	return r;
}

static char *lookup_dup(struct pci_access *a, int flags, uint16_t vendor,
			uint16_t device)
{
	char buf[256];
	const char *s;

	s = pci_lookup_name(a, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS,
			    vendor, device);
	return s ? strdup(s) : NULL;
}

int sriov_pci_lookup_names(struct sriov_ctx *ctx, uint16_t vendor,
			   uint16_t device, char **ret_vendor,
			   char **ret_device)
{
	struct pci_access *a;
	jmp_buf jb;
	int r = 0;

	pci_cur_ctx = ctx;
	pci_cur_jmp = &jb;
	if (setjmp(jb) == 0) {
		a = pci_get_access(ctx);
		if (!a)
			r = -ENOMEM;
		/* libpci parses the whole database: only for a file
		 * sriov_names_lookup() cannot read in place */
		else if (sriov_names_lookup(ctx, a->id_file_name, vendor,
					    device, ret_vendor,
					    ret_device) == -ENOENT) {
			if (!*ret_vendor)
				*ret_vendor = lookup_dup(a, PCI_LOOKUP_VENDOR,
							 vendor, 0);
			if (!*ret_device)
				*ret_device = lookup_dup(a, PCI_LOOKUP_DEVICE,
							 vendor, device);
		}
	} else {
		r = -EIO;
	}
	pci_cur_ctx = NULL;
	return r;
}
