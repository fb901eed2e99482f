/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated kernel for driver binding, behind the library's sysfs write
 * seam: driver_override, a driver's bind/unbind and drivers_probe behave
 * as the PCI core's (pci_device_can_probe(), driver_override matching,
 * EBUSY/ENODEV), and every change rebuilds the fake sysfs tree, which is
 * the whole state: a process killed in the middle leaves the tree as the
 * kernel would, and a fresh context sees it. /dev/vfio/N appears in the
 * dev root while a group member is on vfio-pci.
 *
 * Failures: the Nth write fails with an errno, or the process dies
 * (_exit) just before or just after the Nth write takes effect.
 */
#ifndef TEST_VFIO_SIM_H
#define TEST_VFIO_SIM_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "fakesys.h"

/* igb PF with 4 VFs (own groups), NVMe PF with 2 VFs (one shared group), a NIC. */
#define IGB_PF "0000:03:00.0"
#define IGB_VF0 "0000:03:10.0"
#define IGB_VF1 "0000:03:10.2"
#define IGB_VF2 "0000:03:10.4"
#define NVME_PF "0000:04:00.0"
#define NVME_VF0 "0000:04:00.1"
#define NVME_VF1 "0000:04:00.2"
#define NIC "0000:05:00.0"
#define ROOT_PORT "0000:00:01.0"

enum sim_kind { K_IGBVF, K_NVME_PF, K_NVMEVF, K_NIC };

struct sim_dev {
	const char *pci;
	enum sim_kind kind;
	int index;          /* VF number */
	char driver[32];
	char override[32];
	bool up;            /* netdev IFF_UP */
};

#define SIM_NDEV 8
#define SIM_MAX_WRITES 64

struct sim {
	char root[64];
	char state[80];
	char dev[80];
	struct sriov_ctx *ctx;
	struct sim_dev devs[SIM_NDEV];
	bool vfio_loaded;
	int autoprobe;          /* of the igb PF */
	int fail_at;            /* 1-based write number that fails */
	int fail_err;
	int abort_at;           /* 1-based write number at which we die */
	bool abort_after;       /* die after the write took effect */
	const char *probe_fails;/* this driver's probe fails */
	bool probe_ignores_override; /* drivers_probe: autoprobe off wins */
	int fail_at2;           /* a second failing write */
	int nvme_back_at;       /* at this write nvme grabs the NVMe PF again */
	int n_writes;
	char writes[SIM_MAX_WRITES][96];
};

static const struct sim_dev sim_initial[SIM_NDEV] = {
	{ IGB_VF0, K_IGBVF, 0, "igbvf", "", false },
	{ IGB_VF1, K_IGBVF, 1, "igbvf", "", false },
	{ IGB_VF2, K_IGBVF, 2, "igbvf", "", false },
	{ "0000:03:10.6", K_IGBVF, 3, "igbvf", "", false },
	{ NVME_PF, K_NVME_PF, -1, "nvme", "", false },
	{ NVME_VF0, K_NVMEVF, 0, "", "", false },
	{ NVME_VF1, K_NVMEVF, 1, "", "", false },
	{ NIC, K_NIC, -1, "igb", "", false },
};

static struct sim_dev *sim_find(struct sim *s, const char *pci)
{
	for (int i = 0; i < SIM_NDEV; i++)
		if (!strcmp(s->devs[i].pci, pci))
			return &s->devs[i];
	return NULL;
}

static const char *or_none(const char *s)
{
	return *s ? s : "none";
}

/* The netdev a device has on its driver, or "none". */
static inline void sim_netdev(const struct sim_dev *d, char *buf, size_t size)
{
	if (d->kind == K_IGBVF && !strcmp(d->driver, "igbvf"))
		snprintf(buf, size, "enp3s0v%d", d->index);
	else if (d->kind == K_NIC && !strcmp(d->driver, "igb"))
		snprintf(buf, size, "enp5s0");
	else
		snprintf(buf, size, "none");
}

static inline int sim_rm(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	return ftw->level == 0 ? 0 : remove(path);
}

static inline size_t sim_dev_line(const struct sim_dev *d, char *buf, size_t size)
{
	char net[32];

	sim_netdev(d, net, sizeof(net));
	if (d->kind == K_NVME_PF)
		return 0;
	if (d->kind == K_NIC)
		return (size_t)snprintf(buf, size,
			"dev %s vendor=8086 device=1533 class=020000 driver=%s override=%s netdev=%s operstate=%s\n",
			d->pci, or_none(d->driver), or_none(d->override), net,
			d->up ? "up" : "down");
	return (size_t)snprintf(buf, size, "vf %s#%d driver=%s override=%s netdev=%s%s\n",
		d->kind == K_IGBVF ? IGB_PF : NVME_PF, d->index,
		or_none(d->driver), or_none(d->override), net,
		d->up ? " operstate=up" : "");
}

static inline void sim_build(struct sim *s)
{
	char topo[4096], err[256];
	size_t len;

	nftw(s->root, sim_rm, 16, FTW_DEPTH | FTW_PHYS);
	len = (size_t)snprintf(topo, sizeof(topo),
		"%s"
		"pf " IGB_PF " vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=4 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%%d autoprobe=%d iommu=separate\n"
		"pf " NVME_PF " vendor=1b36 device=0010 class=010802 driver=%s override=%s total=4 numvfs=2 offset=1 stride=1 vfdevice=0010 vfdriver=none autoprobe=0 iommu=shared\n",
		s->vfio_loaded ? "module vfio_pci\n" : "", s->autoprobe,
		or_none(s->devs[4].driver), or_none(s->devs[4].override));
	for (int i = 0; i < SIM_NDEV; i++)
		len += sim_dev_line(&s->devs[i], topo + len, sizeof(topo) - len);
	if (fakesys_build(s->root, topo, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
}

static inline void sim_read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* The state is the tree: read it back (another process may have changed it). */
static inline void sim_load(struct sim *s)
{
	char path[256], target[256], buf[32];

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci", s->root);
	s->vfio_loaded = access(path, F_OK) == 0;
	snprintf(path, sizeof(path), "%s/bus/pci/devices/" IGB_PF "/sriov_drivers_autoprobe", s->root);
	sim_read_file(path, buf, sizeof(buf));
	s->autoprobe = atoi(buf);
	for (int i = 0; i < SIM_NDEV; i++) {
		struct sim_dev *d = &s->devs[i];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", s->root, d->pci);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		snprintf(d->driver, sizeof(d->driver), "%s",
			 n > 0 ? strrchr(target, '/') + 1 : "");
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override", s->root, d->pci);
		sim_read_file(path, buf, sizeof(buf));
		snprintf(d->override, sizeof(d->override), "%s",
			 strcmp(buf, "(null)") ? buf : "");
	}
}

static inline int sim_group(struct sim *s, const struct sim_dev *d)
{
	char path[256], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", s->root, d->pci);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	return atoi(strrchr(target, '/') + 1);
}

/* DEV/vfio/N exists while a member of group N is on vfio-pci. */
static inline void sim_dev_nodes(struct sim *s)
{
	char path[256];

	for (int i = 0; i < SIM_NDEV; i++) {
		int g = sim_group(s, &s->devs[i]);
		bool on = false;

		if (g < 0)
			continue;

		for (int j = 0; j < SIM_NDEV; j++)
			on = on || (sim_group(s, &s->devs[j]) == g &&
				    !strcmp(s->devs[j].driver, "vfio-pci"));
		snprintf(path, sizeof(path), "%s/vfio/%d", s->dev, g);
		if (on)
			close(open(path, O_CREAT | O_WRONLY, 0600));
		else
			unlink(path);
	}
}

static const char *sim_match(const struct sim_dev *d)
{
	switch (d->kind) {
	case K_IGBVF: return "igbvf";
	case K_NVME_PF:
	case K_NVMEVF: return "nvme";
	case K_NIC: return "igb";
	}
	return "";
}

static inline bool sim_loaded(struct sim *s, const char *drv)
{
	return strcmp(drv, "vfio-pci") != 0 || s->vfio_loaded;
}

/* pci_device_can_probe(): VFs of a PF with autoprobe off need an override. */
static inline bool sim_can_probe(struct sim *s, const struct sim_dev *d)
{
	int autoprobe = d->kind == K_IGBVF ? s->autoprobe
					   : d->kind == K_NVMEVF ? 0 : 1;

	return autoprobe || d->override[0];
}

static inline int sim_attach(struct sim *s, struct sim_dev *d, const char *drv)
{
	if (!sim_loaded(s, drv))
		return -ENODEV;
	if (s->probe_fails && !strcmp(s->probe_fails, drv))
		return -EINVAL;
	snprintf(d->driver, sizeof(d->driver), "%s", drv);
	return 0;
}

static inline int sim_bind_file(struct sim *s, struct sim_dev *d, const char *drv)
{
	if (!sim_loaded(s, drv))
		return -ENOENT;
	if (d->driver[0])
		return -EBUSY;
	if (d->override[0] ? strcmp(d->override, drv) != 0
			   : strcmp(sim_match(d), drv) != 0)
		return -ENODEV;
	if (!sim_can_probe(s, d))
		return -ENODEV;
	return sim_attach(s, d, drv);
}

static inline int sim_probe(struct sim *s, struct sim_dev *d)
{
	if (d->driver[0] || !sim_can_probe(s, d))
		return 0;
	if (s->probe_ignores_override && d->kind == K_IGBVF && !s->autoprobe)
		return 0;
	/* a failing probe leaves the device unbound; the write succeeds */
	sim_attach(s, d, d->override[0] ? d->override : sim_match(d));
	return 0;
}

static inline int sim_apply(struct sim *s, const char *path, const char *value)
{
	char p[256], *dev, *attr;
	struct sim_dev *d;

	snprintf(p, sizeof(p), "%s", path);
	attr = strrchr(p, '/') + 1;
	if (!strncmp(p, "bus/pci/devices/", 16) && !strcmp(attr, "driver_override")) {
		attr[-1] = '\0';
		d = sim_find(s, p + 16);
		if (!d)
			return -ENOENT;
		snprintf(d->override, sizeof(d->override), "%.*s",
			 (int)strcspn(value, "\n"), value);
		return 0;
	}
	d = sim_find(s, value);
	if (!d)
		return -ENODEV;
	if (!strcmp(p, "bus/pci/drivers_probe"))
		return sim_probe(s, d);
	attr[-1] = '\0';
	dev = strrchr(p, '/') + 1;
	if (!strcmp(attr, "unbind")) {
		if (strcmp(d->driver, dev) != 0)
			return -ENODEV;
		d->driver[0] = '\0';
		return 0;
	}
	if (!strcmp(attr, "bind"))
		return sim_bind_file(s, d, dev);
	return -EACCES;
}

static inline int sim_write(struct sriov_ctx *ctx, const char *path,
		     const char *value, void *data)
{
	struct sim *s = data;
	int n, r;

	(void)ctx;
	sim_load(s);
	n = ++s->n_writes;
	if (n <= SIM_MAX_WRITES)
		snprintf(s->writes[n - 1], sizeof(s->writes[0]), "%s=%.*s",
			 strstr(path, "drivers_probe") ? "drivers_probe"
						       : path + 8,
			 (int)strcspn(value, "\n"), value);
	if (n == s->abort_at && !s->abort_after)
		_exit(9);
	if (n == s->fail_at || n == s->fail_at2)
		return -s->fail_err;
	r = sim_apply(s, path, value);
	if (n == s->nvme_back_at)
		snprintf(s->devs[4].driver, sizeof(s->devs[4].driver), "nvme");
	if (r == 0) {
		sim_build(s);
		sim_dev_nodes(s);
	}
	if (n == s->abort_at)
		_exit(9);
	return r;
}

static inline void sim_ctx(struct sim *s)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };

	opts.sysfs_root = s->root;
	opts.state_dir = s->state;
	opts.dev_root = s->dev;
	assert_int_equal(sriov_ctx_new(&opts, &s->ctx), 0);
	s->ctx->write_hook = sim_write;
	s->ctx->write_hook_data = s;
}

static struct sim *sim_new(bool vfio_loaded)
{
	struct sim *s = calloc(1, sizeof(*s));
	char path[128];

	assert_non_null(s);
	strcpy(s->root, "/tmp/sriov-vfio-XXXXXX");
	assert_non_null(mkdtemp(s->root));
	snprintf(s->state, sizeof(s->state), "%s.state", s->root);
	snprintf(s->dev, sizeof(s->dev), "%s.dev", s->root);
	snprintf(path, sizeof(path), "%s/vfio", s->dev);
	assert_int_equal(mkdir(s->dev, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/vfio/vfio", s->dev);
	close(open(path, O_CREAT | O_WRONLY, 0666));
	memcpy(s->devs, sim_initial, sizeof(s->devs));
	s->vfio_loaded = vfio_loaded;
	s->autoprobe = 1;
	s->fail_err = EIO;
	sim_build(s);
	sim_ctx(s);
	return s;
}

static inline void sim_free(struct sim *s)
{
	char cmd[300];

	sriov_ctx_free(s->ctx);
	fakesys_remove(s->root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", s->state, s->dev);
	assert_int_equal(system(cmd), 0);
	free(s);
}

/* Sets the tree from the model (for test set-up; writes nothing). */
static inline void sim_set(struct sim *s)
{
	sim_build(s);
	sim_dev_nodes(s);
}

/* The driver of any device of the tree, "" for none. */
static const char *sim_driver(struct sim *s, const char *pci)
{
	static char name[64];
	char path[256], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", s->root, pci);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(name, sizeof(name), "%s", n > 0 ? strrchr(target, '/') + 1 : "");
	return name;
}

static const char *sim_override(struct sim *s, const char *pci)
{
	static char buf[64];
	char path[256];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override", s->root, pci);
	sim_read_file(path, buf, sizeof(buf));
	return strcmp(buf, "(null)") ? buf : "";
}

static inline bool sim_wrote(const struct sim *s, const char *prefix)
{
	for (int i = 0; i < s->n_writes && i < SIM_MAX_WRITES; i++)
		if (!strncmp(s->writes[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static inline size_t sim_journal_count(const struct sim *s)
{
	char path[128];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/journal", s->state);
	d = opendir(path);
	while (d && (de = readdir(d)))
		n += strstr(de->d_name, ".vfio") != NULL;
	if (d)
		closedir(d);
	return n;
}

#endif
