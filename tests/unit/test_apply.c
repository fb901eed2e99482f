/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriov_apply() against a simulated kernel: sysfs writes go through the
 * library's write seam to a model of the PCI core (sriov_numvfs rules,
 * autoprobe, driver_override, bind/unbind/drivers_probe) that rebuilds the
 * fake sysfs tree, and VF settings go to the fake netlink PF of
 * tests/fixtures/rtnl_fake.c, which counts GETLINK and SETLINK. So a test
 * can say "the second apply wrote nothing" and mean both kinds of write.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "apply_internal.h"
#include "fakesys.h"
#include "rtnl_fake.h"
#include "users.h"

#define PF_A "0000:03:00.0"
#define PF_B "0000:04:00.0"
#define MAX_VFS 8

struct sim {
	char dir[64];
	char root[96];
	char state[96];
	char dev[96];
	int num_vfs[2];             /* PF_A, PF_B */
	int autoprobe[2];
	char driver[MAX_VFS][32];   /* PF_A's VFs */
	char override[MAX_VFS][32];
	struct sriov_ctx *ctx;
	struct rtnl_fake *fk;
	struct sriov_vf_config defaults;
	unsigned int n_writes;
	bool die_at_numvfs;         /* the process dies writing sriov_numvfs */
	int refuse_override;        /* this VF's driver_override fails, -1: none */
	int mtu_order[32];          /* ifindexes in the order the MTUs were set */
	size_t n_mtu_order;
	char journal[512];          /* PF_A's apply journal at the first MTU */
};

static void vf_addr(int i, char *buf, size_t size)
{
	unsigned int devfn = 128 + 2 * (unsigned int)i;

	/* masked, so that the compiler sees the address fit (16 bytes) */
	snprintf(buf, size, "0000:03:%02x.%x", (devfn >> 3) & 0x1f, devfn & 7);
}

static int group_of(struct sim *s, int i)
{
	char path[256], target[256], pci[16];
	ssize_t n;

	vf_addr(i, pci, sizeof(pci));
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", s->root, pci);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	return atoi(strrchr(target, '/') + 1);
}

/* The MTU the fake kernel holds for ifindex, in the tree's net/ dirs. */
static void sim_mtu_sysfs(struct sim *s, int ifindex, unsigned int mtu)
{
	char path[300], name[64];
	int idx;

	for (int i = -1; i < MAX_VFS; i++) {
		FILE *fp;

		if (i < 0)
			snprintf(name, sizeof(name), "enp3s0");
		else
			snprintf(name, sizeof(name), "enp3s0v%d", i);
		snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", s->root, name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		idx = fscanf(fp, "%d", &idx) == 1 ? idx : -1;
		fclose(fp);
		if (idx != ifindex)
			continue;
		snprintf(path, sizeof(path), "%s/class/net/%s/mtu", s->root, name);
		fp = fopen(path, "w");
		if (fp) {
			fprintf(fp, "%u\n", mtu);
			fclose(fp);
		}
	}
}

/* An MTU the fake kernel took: logged, and shown in sysfs. */
static void sim_mtu_hook(int ifindex, unsigned int mtu, void *data)
{
	struct sim *s = data;

	char path[200];
	FILE *fp;

	if (s->n_mtu_order < ARRAY_SIZE(s->mtu_order))
		s->mtu_order[s->n_mtu_order++] = ifindex;
	snprintf(path, sizeof(path), "%s/apply/" PF_A ".yaml", s->state);
	if (s->n_mtu_order == 1 && (fp = fopen(path, "r"))) {
		s->journal[fread(s->journal, 1, sizeof(s->journal) - 1, fp)] = '\0';
		fclose(fp);
	}
	sim_mtu_sysfs(s, ifindex, mtu);
}

/* The tree is rebuilt in place; DEV/vfio/N exists while VF N is on vfio-pci. */
static void sim_build(struct sim *s)
{
	char topo[4096], err[256];
	size_t len;
	int r = fakesys_empty(s->root);

	assert_true(r == 0 || r == -ENOENT);  /* no tree before the first build */
	len = (size_t)snprintf(topo, sizeof(topo),
		"module vfio_pci\n"
		"pf " PF_A " vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 total=8 numvfs=%d offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp3s0v%%d autoprobe=%d iommu=separate\n"
		"pf " PF_B " vendor=8086 device=10c9 class=020000 driver=igb netdev=enp4s0 total=8 numvfs=%d offset=128 stride=2 vfdevice=10ca vfdriver=igbvf vfnetdev=enp4s0v%%d autoprobe=%d iommu=separate\n",
		s->num_vfs[0], s->autoprobe[0], s->num_vfs[1], s->autoprobe[1]);
	for (int i = 0; i < s->num_vfs[0]; i++) {
		char net[24] = "none";

		if (!strcmp(s->driver[i], "igbvf"))
			snprintf(net, sizeof(net), "enp3s0v%d", i);
		len += (size_t)snprintf(topo + len, sizeof(topo) - len,
			"vf " PF_A "#%d driver=%s override=%s netdev=%s\n", i,
			s->driver[i][0] ? s->driver[i] : "none",
			s->override[i][0] ? s->override[i] : "none", net);
	}
	if (fakesys_build(s->root, topo, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	for (size_t k = 0; s->fk && k < s->fk->n_mtu; k++)
		sim_mtu_sysfs(s, s->fk->mtu[k].ifindex, s->fk->mtu[k].mtu);
	for (int i = 0; i < s->num_vfs[0]; i++) {
		char path[200];
		int g = group_of(s, i);

		snprintf(path, sizeof(path), "%s/vfio/%d", s->dev, g);
		if (!strcmp(s->driver[i], "vfio-pci"))
			close(open(path, O_CREAT | O_WRONLY, 0600));
		else
			unlink(path);
	}
}

/* sriov_numvfs as the PCI core takes it; new VFs have default settings. */
static int sim_numvfs(struct sim *s, int pf, int want)
{
	if (want > MAX_VFS)
		return -ERANGE;
	if (want == s->num_vfs[pf])
		return 0;
	if (s->num_vfs[pf] && want)
		return -EBUSY;
	s->num_vfs[pf] = want;
	if (pf)
		return 0;
	s->fk->num_vf = (unsigned int)want;
	for (int i = 0; i < MAX_VFS; i++) {
		s->fk->vf[i] = s->defaults;
		snprintf(s->driver[i], sizeof(s->driver[i]), "%s",
			 s->autoprobe[0] ? "igbvf" : "");
		s->override[i][0] = '\0';
	}
	return 0;
}

static int vf_index(struct sim *s, const char *pci)
{
	for (int i = 0; i < s->num_vfs[0]; i++) {
		char a[16];

		vf_addr(i, a, sizeof(a));
		if (!strcmp(a, pci))
			return i;
	}
	return -1;
}

/* driver_override, unbind, bind and drivers_probe of PF_A's VFs. */
static int sim_driver(struct sim *s, const char *path, const char *value)
{
	char dev[32] = "", drv[32] = "", attr[32] = "";
	int i;

	if (sscanf(path, "bus/pci/devices/%31[^/]/%31s", dev, attr) == 2 &&
	    !strcmp(attr, "driver_override")) {
		if ((i = vf_index(s, dev)) < 0)
			return -ENOENT;
		if (i == s->refuse_override && value[0] && value[0] != '\n')
			return -EIO;
		snprintf(s->override[i], sizeof(s->override[i]), "%.*s",
			 (int)strcspn(value, "\n"), value);
		return 0;
	}
	if ((i = vf_index(s, value)) < 0)
		return -ENODEV;
	if (!strcmp(path, "bus/pci/drivers_probe")) {
		if (!s->driver[i][0])
			snprintf(s->driver[i], sizeof(s->driver[i]), "%s",
				 s->override[i][0] ? s->override[i] : "igbvf");
		return 0;
	}
	if (sscanf(path, "bus/pci/drivers/%31[^/]/%31s", drv, attr) != 2)
		return -EACCES;
	if (!strcmp(attr, "unbind") && strcmp(s->driver[i], drv))
		return -ENODEV;
	if (!strcmp(attr, "bind") && s->driver[i][0])
		return -EBUSY;
	snprintf(s->driver[i], sizeof(s->driver[i]), "%s",
		 !strcmp(attr, "unbind") ? "" : drv);
	return 0;
}

static int sim_write(struct sriov_ctx *ctx, const char *path,
		     const char *value, void *data)
{
	struct sim *s = data;
	const char *attr = strrchr(path, '/') + 1;
	int pf = strstr(path, PF_B) != NULL, r;

	(void)ctx;
	s->n_writes++;
	if (s->die_at_numvfs && !strcmp(attr, "sriov_numvfs"))
		_exit(9);
	if (!strcmp(attr, "sriov_numvfs"))
		r = sim_numvfs(s, pf, atoi(value));
	else if (!strcmp(attr, "sriov_drivers_autoprobe"))
		s->autoprobe[pf] = atoi(value), r = 0;
	else
		r = sim_driver(s, path, value);
	if (r == 0)
		sim_build(s);
	return r;
}

static int read_ifindex(struct sim *s)
{
	char path[200];
	int ifindex = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/class/net/enp3s0/ifindex", s->root);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", &ifindex), 1);
	fclose(fp);
	return ifindex;
}

static void sim_open_ctx(struct sim *s)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };

	sriov_ctx_free(s->ctx);
	opts.sysfs_root = s->root;
	opts.state_dir = s->state;
	opts.dev_root = s->dev;
	assert_int_equal(sriov_ctx_new(&opts, &s->ctx), 0);
	s->ctx->write_hook = sim_write;
	s->ctx->write_hook_data = s;
	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = s->fk;
}

static int setup_with(void **state, int num_vfs)
{
	struct sim *s = calloc(1, sizeof(*s));
	char vfio[200];

	assert_non_null(s);
	strcpy(s->dir, "/dev/shm/sriov-apply-XXXXXX");
	if (!mkdtemp(s->dir)) {
		strcpy(s->dir, "/tmp/sriov-apply-XXXXXX");
		assert_non_null(mkdtemp(s->dir));
	}
	snprintf(s->root, sizeof(s->root), "%s/sys", s->dir);
	snprintf(s->state, sizeof(s->state), "%s/run", s->dir);
	snprintf(s->dev, sizeof(s->dev), "%s/dev", s->dir);
	snprintf(vfio, sizeof(vfio), "%s/vfio", s->dev);
	assert_int_equal(mkdir(s->dev, 0755), 0);
	assert_int_equal(mkdir(vfio, 0755), 0);
	s->autoprobe[0] = s->autoprobe[1] = 1;
	s->refuse_override = -1;
	s->fk = rtnl_fake_new(2, "enp3s0", MAX_VFS);
	s->defaults = s->fk->vf[0];
	sim_numvfs(s, 0, num_vfs);
	sim_build(s);
	assert_int_equal(read_ifindex(s), s->fk->ifindex);
	sim_open_ctx(s);
	*state = s;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, 0);
}

static int setup_4(void **state)
{
	return setup_with(state, 4);
}

static int teardown(void **state)
{
	struct sim *s = *state;
	int r = 0;

	if (s->fk->violation[0]) {
		print_error("fake kernel: %s\n", s->fk->violation);
		r = -1;
	}
	sriov_ctx_free(s->ctx);
	rtnl_fake_free(s->fk);
	fakesys_remove(s->dir);
	free(s);
	return r;
}

/* Parses text and applies it; planning is expected to succeed. */
static struct sriov_apply_report *apply_text(struct sim *s, const char *text,
					     bool check, const char *only)
{
	struct sriov_apply_opts o = { .sz = sizeof(o), .check = check,
				      .pf = only, .timeout_ms = 2000 };
	struct sriov_apply_report *rep = NULL;
	struct sriov_desired *d;
	int r;

	assert_int_equal(sriov_desired_new(&d), 0);
	r = sriov_desired_add_text(s->ctx, d, "host.yaml", text, strlen(text));
	if (r == 0)
		r = sriov_apply(s->ctx, d, &o, &rep);
	sriov_desired_free(d);
	if (r < 0)
		fail_msg("apply: %s (%s)", strerror(-r), sriov_ctx_last_error(s->ctx));
	return rep;
}

/* The error of a state the host cannot take. */
static int apply_error(struct sim *s, const char *text)
{
	struct sriov_apply_opts o = { .sz = sizeof(o), .check = true };
	struct sriov_apply_report *rep = NULL;
	struct sriov_desired *d;
	int r;

	assert_int_equal(sriov_desired_new(&d), 0);
	assert_int_equal(sriov_desired_add_text(s->ctx, d, "host.yaml", text,
						strlen(text)), 0);
	r = sriov_apply(s->ctx, d, &o, &rep);
	sriov_desired_free(d);
	assert_null(rep);
	return r;
}

static const struct sriov_apply_result *
result(const struct sriov_apply_report *rep, int vf, enum sriov_apply_action a)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->results[i].vf == vf && rep->results[i].action == a)
			return &rep->results[i];
	fail_msg("no %s result for VF %d", sriov_apply_action_name(a), vf);
	return NULL;
}

static void show(const char *what, const struct sim *s, unsigned long w0)
{
	print_message("    %-40s %2lu sysfs writes, %u SETLINK, %u GETLINK\n",
		      what, s->ctx->n_sysfs_writes - w0, s->fk->n_setlink,
		      s->fk->n_getlink);
}

/* Four VFs on PF_A: a VLAN for all, a MAC each, autoprobe off. */
static const char host_yaml[] =
	"pfs:\n"
	"  - netdev: enp3s0\n"
	"    num_vfs: 4\n"
	"    autoprobe: false\n"
	"    vfs:\n"
	"      - vfs: all\n"
	"        vlan: 100\n"
	"        qos: 2\n"
	"        spoofchk: true\n"
	"        trust: false\n"
	"      - vf: 0\n"
	"        mac: \"02:00:00:00:00:10\"\n"
	"      - vf: 2\n"
	"        mac: \"02:00:00:00:00:12\"\n"
	"        max_tx_rate: 500\n";

/* desired x current -> steps: what a fresh host needs, nothing touched. */
static void test_plan_fresh_host(void **state)
{
	struct sim *s = *state;
	unsigned long w0 = s->ctx->n_sysfs_writes;
	struct sriov_apply_report *rep = apply_text(s, host_yaml, true, NULL);
	const struct sriov_apply_result *r;

	show("check on a fresh host", s, w0);
	assert_true(rep->check);
	assert_true(rep->changed);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(rep->n, 2 + 4);
	r = &rep->results[0];
	assert_int_equal(r->action, SRIOV_APPLY_AUTOPROBE);
	assert_string_equal(r->pf, PF_A);
	assert_int_equal(r->before, 1);
	assert_int_equal(r->after, 0);
	assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
	r = &rep->results[1];
	assert_int_equal(r->action, SRIOV_APPLY_NUM_VFS);
	assert_int_equal(r->before, 0);
	assert_int_equal(r->after, 4);
	for (int v = 0; v < 4; v++) {
		r = result(rep, v, SRIOV_APPLY_VF_CONFIG);
		assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
		/* the VFs do not exist yet: nothing known before */
		assert_int_equal(r->config_before.mask, 0);
		assert_int_equal(r->changed, r->fields);
		assert_int_equal(r->config_after.vlan, 100);
	}
	assert_int_equal(result(rep, 2, SRIOV_APPLY_VF_CONFIG)->fields,
			 SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK | SRIOV_VF_HAS_TRUST |
				 SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_MAX_TX_RATE);
	assert_int_equal(s->ctx->n_sysfs_writes - w0, 0);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(s->fk->n_setlink, 0);
	assert_int_equal(s->num_vfs[0], 0);
	sriov_apply_report_free(rep);
}

/* Existing VFs: before comes from one GETLINK, only differences planned. */
static void test_plan_existing_vfs(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;
	const struct sriov_apply_result *r;

	s->fk->vf[1].vlan = 100;
	s->fk->vf[1].qos = 2;
	s->fk->vf[1].spoofchk = true;
	rep = apply_text(s, host_yaml, true, NULL);
	assert_int_equal(s->fk->n_getlink, 1);
	assert_int_equal(s->fk->n_setlink, 0);
	r = result(rep, -1, SRIOV_APPLY_NUM_VFS);
	assert_int_equal(r->status, SRIOV_APPLY_OK);
	r = result(rep, 1, SRIOV_APPLY_VF_CONFIG);
	assert_int_equal(r->status, SRIOV_APPLY_OK);
	assert_int_equal(r->changed, 0);
	assert_int_equal(r->config_before.mask, r->fields);
	r = result(rep, 0, SRIOV_APPLY_VF_CONFIG);
	assert_int_equal(r->changed, SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK |
					    SRIOV_VF_HAS_MAC);
	assert_int_equal(r->config_before.vlan, 0);
	sriov_apply_report_free(rep);
}

/* Apply, then apply again: the second run writes nothing at all. */
static void test_apply_then_nothing(void **state)
{
	struct sim *s = *state;
	unsigned long w0 = s->ctx->n_sysfs_writes;
	struct sriov_apply_report *rep = apply_text(s, host_yaml, false, NULL);

	show("first apply", s, w0);
	assert_true(rep->changed);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(s->num_vfs[0], 4);
	assert_int_equal(s->autoprobe[0], 0);
	assert_int_equal(s->fk->n_setlink, 1);
	assert_int_equal(s->fk->vf[3].vlan, 100);
	assert_int_equal(s->fk->vf[3].qos, 2);
	assert_int_equal(s->fk->vf[2].mac[5], 0x12);
	assert_int_equal(s->fk->vf[2].max_tx_rate, 500);
	assert_true(s->fk->vf[0].spoofchk);
	for (int v = 0; v < 4; v++)
		assert_int_equal(result(rep, v, SRIOV_APPLY_VF_CONFIG)->status,
				 SRIOV_APPLY_CHANGED);
	sriov_apply_report_free(rep);

	rtnl_fake_clear_log(s->fk);
	w0 = s->ctx->n_sysfs_writes;
	rep = apply_text(s, host_yaml, false, NULL);
	show("the same file again", s, w0);
	assert_false(rep->changed);
	assert_int_equal(rep->n_failed, 0);
	for (size_t i = 0; i < rep->n; i++)
		assert_int_equal(rep->results[i].status, SRIOV_APPLY_OK);
	assert_int_equal(s->ctx->n_sysfs_writes - w0, 0);
	assert_int_equal(s->fk->n_setlink, 0);
	assert_int_equal(s->fk->n_getlink, 1);
	sriov_apply_report_free(rep);
}

/* A MAC changed behind sriovctl's back: only that field is rewritten. */
static void test_drift(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep = apply_text(s, host_yaml, false, NULL);
	const struct sriov_apply_result *r;
	unsigned long w0;

	sriov_apply_report_free(rep);
	s->fk->vf[2].mac[5] = 0x99;
	rtnl_fake_clear_log(s->fk);
	w0 = s->ctx->n_sysfs_writes;
	rep = apply_text(s, host_yaml, false, NULL);
	show("apply after VF 2's MAC drifted", s, w0);
	assert_true(rep->changed);
	assert_int_equal(s->ctx->n_sysfs_writes - w0, 0);
	assert_int_equal(s->fk->n_setlink, 1);
	/* the plan's read is the write's "before"; then one read back */
	assert_int_equal(s->fk->n_getlink, 2);
	assert_int_equal(s->fk->n_attrs, 1);
	assert_int_equal(s->fk->attrs[0].vf, 2);
	assert_int_equal(s->fk->attrs[0].type, IFLA_VF_MAC);
	assert_int_equal(s->fk->vf[2].mac[5], 0x12);
	r = result(rep, 2, SRIOV_APPLY_VF_CONFIG);
	assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
	assert_int_equal(r->changed, SRIOV_VF_HAS_MAC);
	assert_int_equal(r->config_before.mac[5], 0x99);
	assert_int_equal(r->config_after.mac[5], 0x12);
	for (int v = 0; v < 4; v++)
		if (v != 2)
			assert_int_equal(result(rep, v, SRIOV_APPLY_VF_CONFIG)->status,
					 SRIOV_APPLY_OK);
	sriov_apply_report_free(rep);
}

/*
 * The driver refuses VF 2's rate: the PF goes back to where it was - the
 * other VFs' settings and autoprobe - while the new VF count is kept.
 */
static void test_rollback(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;
	const struct sriov_apply_result *r;

	rtnl_fake_refuse(s->fk, SRIOV_VF_HAS_MAX_TX_RATE, 2, EINVAL, "rate too high");
	rep = apply_text(s, host_yaml, false, NULL);
	assert_true(rep->n_failed > 0);
	r = result(rep, 2, SRIOV_APPLY_VF_CONFIG);
	assert_int_equal(r->status, SRIOV_APPLY_FAILED);
	assert_int_equal(r->error, -EINVAL);
	assert_non_null(strstr(r->reason, "max_tx_rate: rate too high"));
	assert_true(r->rolled_back);
	for (int v = 0; v < 4; v++) {
		r = result(rep, v, SRIOV_APPLY_VF_CONFIG);
		assert_int_equal(r->status, SRIOV_APPLY_FAILED);
		assert_true(r->rolled_back);
		assert_int_equal(s->fk->vf[v].vlan, 0);
		assert_false(s->fk->vf[v].spoofchk);
		assert_int_equal(s->fk->vf[v].mac[5], 0);
	}
	assert_non_null(strstr(result(rep, 0, SRIOV_APPLY_VF_CONFIG)->reason,
			       "rolled back: vf_config of " PF_A " VF 2 failed"));
	r = result(rep, -1, SRIOV_APPLY_AUTOPROBE);
	assert_true(r->rolled_back);
	assert_int_equal(s->autoprobe[0], 1);
	r = result(rep, -1, SRIOV_APPLY_NUM_VFS);
	assert_int_equal(r->status, SRIOV_APPLY_CHANGED);
	assert_false(r->rolled_back);
	assert_non_null(strstr(r->reason, "the VF count stays 4 (was 0)"));
	assert_int_equal(s->num_vfs[0], 4);
	assert_true(rep->changed);
	sriov_apply_report_free(rep);
}

/* N -> M is refused, in a check as in a run, unless forced. */
static void test_resize_refused(void **state)
{
	struct sim *s = *state;
	const char *six = "pfs: [ {pci: \"" PF_A "\", num_vfs: 6, autoprobe: false} ]\n";
	struct sriov_apply_report *rep = apply_text(s, six, true, NULL);
	struct sriov_apply_opts o = { .sz = sizeof(o), .force = true,
				      .timeout_ms = 2000 };
	struct sriov_desired *d;
	unsigned long w0 = s->ctx->n_sysfs_writes;

	assert_int_equal(rep->n_refused, 1);
	assert_int_equal(result(rep, -1, SRIOV_APPLY_NUM_VFS)->error, -ECANCELED);
	sriov_apply_report_free(rep);
	rep = apply_text(s, six, false, NULL);
	assert_int_equal(rep->n_refused, 1);
	assert_non_null(strstr(result(rep, -1, SRIOV_APPLY_NUM_VFS)->reason, "--force"));
	/* refused before anything was written: autoprobe was not done either */
	assert_int_equal(result(rep, -1, SRIOV_APPLY_AUTOPROBE)->status, SRIOV_APPLY_FAILED);
	assert_string_equal(result(rep, -1, SRIOV_APPLY_AUTOPROBE)->reason,
			    "not done: num_vfs of " PF_A " failed");
	assert_int_equal(s->autoprobe[0], 1);
	assert_int_equal(s->ctx->n_sysfs_writes - w0, 0);
	assert_int_equal(s->num_vfs[0], 4);
	sriov_apply_report_free(rep);
	assert_int_equal(sriov_desired_new(&d), 0);
	assert_int_equal(sriov_desired_add_text(s->ctx, d, "x", six, strlen(six)), 0);
	assert_int_equal(sriov_apply(s->ctx, d, &o, &rep), 0);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(s->num_vfs[0], 6);
	sriov_apply_report_free(rep);
	sriov_desired_free(d);
}

/* VF 1 to vfio-pci with an owner, VF 3 left on its host driver; then back. */
static void test_drivers(void **state)
{
	struct sim *s = *state;
	const char *to_vfio =
		"pfs:\n  - netdev: enp3s0\n    vfs:\n"
		"      - {vf: 1, driver: vfio-pci, owner: \"0:0\"}\n"
		"      - {vf: 3, driver: host}\n";
	const char *back = "pfs: [ {netdev: enp3s0, vfs: [ {vfs: all, driver: host} ]} ]\n";
	struct sriov_apply_report *rep = apply_text(s, to_vfio, true, NULL);
	unsigned long w0;

	assert_int_equal(result(rep, 1, SRIOV_APPLY_DRIVER)->status, SRIOV_APPLY_CHANGED);
	assert_string_equal(result(rep, 1, SRIOV_APPLY_DRIVER)->str_before, "igbvf");
	assert_int_equal(result(rep, 3, SRIOV_APPLY_DRIVER)->status, SRIOV_APPLY_OK);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_OWNER)->status, SRIOV_APPLY_CHANGED);
	sriov_apply_report_free(rep);
	rep = apply_text(s, to_vfio, false, NULL);
	if (rep->n_failed)
		fail_msg("%s", rep->results[0].reason ? rep->results[0].reason : "?");
	assert_string_equal(s->driver[1], "vfio-pci");
	assert_string_equal(s->driver[3], "igbvf");
	assert_string_equal(result(rep, 1, SRIOV_APPLY_DRIVER)->str_after, "vfio-pci");
	assert_string_equal(result(rep, 1, SRIOV_APPLY_OWNER)->str_after, "root:root");
	sriov_apply_report_free(rep);
	w0 = s->ctx->n_sysfs_writes;
	rep = apply_text(s, to_vfio, false, NULL);
	show("drivers: the same file again", s, w0);
	assert_false(rep->changed);
	assert_int_equal(s->ctx->n_sysfs_writes - w0, 0);
	sriov_apply_report_free(rep);
	rep = apply_text(s, back, false, NULL);
	assert_int_equal(rep->n_failed, 0);
	assert_string_equal(s->driver[1], "igbvf");
	assert_int_equal(result(rep, 1, SRIOV_APPLY_DRIVER)->status, SRIOV_APPLY_CHANGED);
	assert_int_equal(result(rep, 0, SRIOV_APPLY_DRIVER)->status, SRIOV_APPLY_OK);
	sriov_apply_report_free(rep);
}

/*
 * owner: USER on a VF already on vfio-pci gives the node USER's primary
 * group, as vfio bind --owner USER does (test_vfio_bind, test_owner).
 */
static void test_owner_bare_user(void **state)
{
	struct sim *s = *state;
	const struct passwd *pw = fixture_other_user();
	char text[200], node[200], want[80];
	struct sriov_apply_report *rep;
	struct stat st;

	if (!pw)
		skip();
	rep = apply_text(s, "pfs: [ {netdev: enp3s0, vfs: [ {vf: 1, driver: vfio-pci} ]} ]",
			 false, NULL);
	assert_int_equal(rep->n_failed, 0);
	sriov_apply_report_free(rep);
	snprintf(text, sizeof(text), "pfs: [ {netdev: enp3s0, vfs: [ {vf: 1, owner: %s, driver: vfio-pci} ]} ]",
		 pw->pw_name);
	sriov_owner_format(pw->pw_uid, pw->pw_gid, want, sizeof(want));
	rep = apply_text(s, text, true, NULL);
	assert_string_equal(result(rep, 1, SRIOV_APPLY_OWNER)->str_before, "root:root");
	assert_string_equal(result(rep, 1, SRIOV_APPLY_OWNER)->str_after, want);
	sriov_apply_report_free(rep);
	rep = apply_text(s, text, false, NULL);
	assert_int_equal(rep->n_failed, 0);
	assert_string_equal(result(rep, 1, SRIOV_APPLY_OWNER)->str_after, want);
	sriov_apply_report_free(rep);
	snprintf(node, sizeof(node), "%s/vfio/%d", s->dev, group_of(s, 1));
	assert_int_equal(stat(node, &st), 0);
	assert_int_equal(st.st_uid, pw->pw_uid);
	assert_int_equal(st.st_gid, pw->pw_gid);
	assert_int_equal(st.st_mode & 0777, 0660);
}

/*
 * VF 2's move to vfio-pci fails after VF 1's succeeded: VF 1 goes back
 * to igbvf and VF 0's new settings are undone.
 */
static void test_driver_rollback(void **state)
{
	struct sim *s = *state;
	const char *text =
		"pfs:\n  - netdev: enp3s0\n    vfs:\n"
		"      - {vf: 0, trust: true}\n"
		"      - {vf: 1, driver: vfio-pci}\n"
		"      - {vf: 2, driver: vfio-pci, owner: \"0:0\"}\n";
	struct sriov_apply_report *rep;
	const struct sriov_apply_result *r;

	s->refuse_override = 2;
	rep = apply_text(s, text, false, NULL);
	r = result(rep, 2, SRIOV_APPLY_DRIVER);
	assert_int_equal(r->status, SRIOV_APPLY_FAILED);
	assert_int_not_equal(r->error, 0);
	r = result(rep, 1, SRIOV_APPLY_DRIVER);
	assert_int_equal(r->status, SRIOV_APPLY_FAILED);
	assert_true(r->rolled_back);
	assert_non_null(strstr(r->reason, "rolled back: driver of " PF_A " VF 2 failed"));
	r = result(rep, 0, SRIOV_APPLY_VF_CONFIG);
	assert_true(r->rolled_back);
	r = result(rep, 2, SRIOV_APPLY_OWNER);
	assert_int_equal(r->status, SRIOV_APPLY_FAILED);
	assert_non_null(strstr(r->reason, "not done"));
	assert_string_equal(s->driver[1], "igbvf");
	assert_string_equal(s->driver[2], "igbvf");
	assert_false(s->fk->vf[0].trust);
	sriov_apply_report_free(rep);
}

/* A selector matching nothing fails alone; --pf keeps one PF's entry. */
static void test_select(void **state)
{
	struct sim *s = *state;
	const char *text = "pfs:\n  - netdev: nosuch0\n    num_vfs: 1\n"
			   "  - netdev: enp3s0\n    autoprobe: false\n"
			   "  - pci: \"" PF_B "\"\n    num_vfs: 2\n";
	struct sriov_apply_report *rep = apply_text(s, text, true, NULL);

	assert_int_equal(rep->n, 3);
	assert_int_equal(rep->results[0].action, SRIOV_APPLY_FIND_PF);
	assert_int_equal(rep->results[0].status, SRIOV_APPLY_FAILED);
	assert_string_equal(rep->results[0].pf, "netdev nosuch0");
	assert_non_null(strstr(rep->results[0].reason, "host.yaml:2: no PF matches netdev nosuch0"));
	assert_int_equal(rep->results[1].action, SRIOV_APPLY_AUTOPROBE);
	sriov_apply_report_free(rep);
	rep = apply_text(s, text, false, "enp4s0");
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->results[0].pf, PF_B);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(s->num_vfs[1], 2);
	assert_int_equal(s->autoprobe[0], 1);
	sriov_apply_report_free(rep);
}

static void test_device_index(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;

	assert_int_equal(apply_error(s, "pfs: [ {device: \"8086:10c9\", num_vfs: 1} ]"),
			 -EINVAL);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:8: pfs[0].device: 2 PFs are 8086:10c9 (0000:03:00.0, 0000:04:00.0): say which with index");
	rep = apply_text(s, "pfs: [ {device: \"8086:10c9\", index: 1, num_vfs: 1} ]", true, NULL);
	assert_string_equal(rep->results[0].pf, PF_B);
	sriov_apply_report_free(rep);
	rep = apply_text(s, "pfs: [ {device: \"8086:10c9\", index: 2, num_vfs: 1} ]", true, NULL);
	assert_int_equal(rep->results[0].action, SRIOV_APPLY_FIND_PF);
	assert_non_null(strstr(rep->results[0].reason, "the host has 2 PFs 8086:10c9"));
	sriov_apply_report_free(rep);
}

/* What only the host can refuse is bad input, with its position. */
static void test_host_checks(void **state)
{
	struct sim *s = *state;

	assert_int_equal(apply_error(s, "pfs: [ {netdev: enp3s0, num_vfs: 9} ]"), -ERANGE);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:25: pfs[0].num_vfs: 0000:03:00.0 supports at most 8 VFs");
	assert_int_equal(apply_error(s, "pfs: [ {netdev: enp3s0, vfs: [ {vf: 4, trust: true} ]} ]"),
			 -ERANGE);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:32: pfs[0].vfs[0]: VF 4 does not exist: netdev enp3s0 has 4 VFs");
	assert_int_equal(apply_error(s, "pfs: [ {netdev: enp3s0, vfs: [ {vf: 0, driver: vfio-pci, owner: nosuchuser} ]} ]"),
			 -EINVAL);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:58: pfs[0].vfs[0].owner: no user \"nosuchuser\"");
	assert_int_equal(apply_error(s, "pfs: [ {netdev: enp3s0}, {pci: \"03:00.0\"} ]"), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:26: pfs[1]: pci 0000:03:00.0 selects 0000:03:00.0, which netdev enp3s0 at host.yaml:1 selects already");
	assert_int_equal(apply_error(s, "pfs: [ {pci: \"03:10.0\"} ]"), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "host.yaml:1:8: pfs[0].pci: 0000:03:10.0 is a virtual function, not a physical function");
	assert_int_equal(s->n_writes, 0);
}

/* vfs: all follows the count the file sets. */
static void test_vfs_all(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep = apply_text(
		s, "pfs: [ {netdev: enp3s0, num_vfs: 3, vfs: [ {vfs: all, trust: true} ]} ]",
		true, NULL);

	assert_int_equal(rep->n, 1 + 3);
	assert_int_equal(result(rep, 2, SRIOV_APPLY_VF_CONFIG)->fields, SRIOV_VF_HAS_TRUST);
	sriov_apply_report_free(rep);
}

/* A second apply of the PF waits for the first (its apply lock). */
static void test_lock_serialises(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;
	char done[200], byte;
	int p[2], fd;
	pid_t pid;

	snprintf(done, sizeof(done), "%s/child-done", s->dir);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (sriov_lock_name(s->ctx, PF_A ".apply", &fd) < 0)
			_exit(1);
		byte = 'l';
		if (write(p[1], &byte, 1) != 1)
			_exit(1);
		usleep(200 * 1000);
		close(open(done, O_CREAT | O_WRONLY, 0600));
		_exit(0);
	}
	assert_int_equal(read(p[0], &byte, 1), 1);
	rep = apply_text(s, "pfs: [ {netdev: enp3s0, autoprobe: false} ]", false, NULL);
	assert_int_equal(access(done, F_OK), 0);
	assert_int_equal(s->autoprobe[0], 0);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	sriov_apply_report_free(rep);
}

/* The transport of a process that dies right after its first SETLINK. */
static int die_after_setlink(void *userdata, const void *req, size_t len,
			     void **ret_reply, size_t *ret_len)
{
	const struct nlmsghdr *h = req;
	int r = rtnl_fake_transact(userdata, req, len, ret_reply, ret_len);

	if (h->nlmsg_type == RTM_SETLINK)
		_exit(9);
	return r;
}

static int read_attr(struct sim *s, const char *attr)
{
	char path[200], buf[16] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/" PF_A "/%s", s->root, attr);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	return atoi(buf);
}

/*
 * An apply killed after its VF settings reached the kernel: the journal
 * it left puts autoprobe and the settings back, and goes away.
 */
static void test_killed_apply_recovered(void **state)
{
	struct sim *s = *state;
	struct sriov_vf_config *shared, *own = s->fk->vf;
	struct sriov_apply_opts o = { .sz = sizeof(o), .check = true };
	struct sriov_apply_report *rep = NULL;
	char journal[200];
	int status;
	pid_t pid;

	/* the fake's VFs in memory the child's writes reach */
	shared = mmap(NULL, MAX_VFS * sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared != MAP_FAILED);
	memcpy(shared, own, MAX_VFS * sizeof(*shared));
	s->fk->vf = shared;
	snprintf(journal, sizeof(journal), "%s/apply/" PF_A ".yaml", s->state);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		s->ctx->rtnl_transport = die_after_setlink;
		sriov_apply_report_free(apply_text(s, host_yaml, false, NULL));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 9);
	assert_int_equal(access(journal, F_OK), 0);
	assert_int_equal(shared[1].vlan, 100);
	assert_int_equal(read_attr(s, "sriov_drivers_autoprobe"), 0);
	s->autoprobe[0] = 0;
	sim_open_ctx(s);
	/* a check plans the way back and keeps the journal */
	assert_int_equal(sriov_apply_recover(s->ctx, &o, &rep), 0);
	assert_true(rep->changed);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_VF_CONFIG)->config_after.vlan, 0);
	sriov_apply_report_free(rep);
	assert_int_equal(access(journal, F_OK), 0);
	o.check = false;
	assert_int_equal(sriov_apply_recover(s->ctx, &o, &rep), 0);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(result(rep, -1, SRIOV_APPLY_AUTOPROBE)->after, 1);
	sriov_apply_report_free(rep);
	assert_int_equal(s->autoprobe[0], 1);
	for (int v = 0; v < 4; v++) {
		assert_int_equal(shared[v].vlan, 0);
		assert_false(shared[v].spoofchk);
		assert_int_equal(shared[v].mac[5], 0);
	}
	assert_int_equal(access(journal, F_OK), -1);
	/* nothing left: an empty report */
	assert_int_equal(sriov_apply_recover(s->ctx, &o, &rep), 0);
	assert_int_equal(rep->n, 0);
	sriov_apply_report_free(rep);
	memcpy(own, shared, MAX_VFS * sizeof(*shared));
	s->fk->vf = own;
	munmap(shared, MAX_VFS * sizeof(*shared));
}

/* Killed after autoprobe, before the VF count: a journal of autoprobe alone. */
static void test_killed_before_count(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_opts o = { .sz = sizeof(o) };
	struct sriov_apply_report *rep = NULL;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		s->die_at_numvfs = true;
		sriov_apply_report_free(apply_text(s, host_yaml, false, NULL));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 9);
	assert_int_equal(read_attr(s, "sriov_drivers_autoprobe"), 0);
	s->autoprobe[0] = 0;
	sim_open_ctx(s);
	assert_int_equal(sriov_apply_recover(s->ctx, &o, &rep), 0);
	assert_int_equal(rep->n, 1);
	assert_int_equal(rep->results[0].action, SRIOV_APPLY_AUTOPROBE);
	assert_int_equal(rep->results[0].status, SRIOV_APPLY_CHANGED);
	assert_int_equal(s->autoprobe[0], 1);
	sriov_apply_report_free(rep);
}

/* restore: safe settings, the MAC from before the bind, the host driver. */
static void test_restore(void **state)
{
	struct sim *s = *state;
	const char *spec = "enp3s0#1";
	struct sriov_apply_opts o = { .sz = sizeof(o), .timeout_ms = 2000 };
	struct sriov_apply_report *rep;
	const struct sriov_apply_result *r;

	s->fk->vf[1].mac[0] = 0x02;
	s->fk->vf[1].mac[5] = 0x77;
	/* bound with its MAC ...:77 (journaled), then given another */
	sriov_apply_report_free(apply_text(s,
		"pfs: [ {netdev: enp3s0, vfs: [ {vf: 1, driver: vfio-pci, trust: true, vlan: 9} ]} ]",
		false, NULL));
	sriov_apply_report_free(apply_text(s,
		"pfs: [ {netdev: enp3s0, vfs: [ {vf: 1, mac: \"02:00:00:00:00:42\"} ]} ]",
		false, NULL));
	assert_string_equal(s->driver[1], "vfio-pci");
	assert_int_equal(s->fk->vf[1].mac[5], 0x42);
	o.check = true;
	assert_int_equal(sriov_restore(s->ctx, &spec, 1, &o, &rep), 0);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_VF_CONFIG)->changed,
			 SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_TRUST |
				 SRIOV_VF_HAS_SPOOFCHK);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_DRIVER)->status, SRIOV_APPLY_CHANGED);
	sriov_apply_report_free(rep);
	assert_string_equal(s->driver[1], "vfio-pci");
	o.check = false;
	assert_int_equal(sriov_restore(s->ctx, &spec, 1, &o, &rep), 0);
	assert_int_equal(rep->n_failed, 0);
	r = result(rep, 1, SRIOV_APPLY_DRIVER);
	assert_string_equal(r->str_after, "igbvf");
	sriov_apply_report_free(rep);
	assert_string_equal(s->driver[1], "igbvf");
	assert_int_equal(s->fk->vf[1].mac[5], 0x77);
	assert_int_equal(s->fk->vf[1].vlan, 0);
	assert_false(s->fk->vf[1].trust);
	assert_true(s->fk->vf[1].spoofchk);
	/* VFs the restore did not name are left alone */
	assert_false(s->fk->vf[0].spoofchk);
}

/* The fake kernel answers MTU requests of PF_A's four VF netdevs too. */
static int setup_mtu(void **state)
{
	struct sim *s;
	char path[200], name[24];

	setup_with(state, 4);
	s = *state;
	for (int i = 0; i < 4; i++) {
		FILE *fp;
		int ifindex = 0;

		snprintf(name, sizeof(name), "enp3s0v%d", i);
		snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", s->root, name);
		fp = fopen(path, "r");
		assert_non_null(fp);
		assert_int_equal(fscanf(fp, "%d", &ifindex), 1);
		fclose(fp);
		rtnl_fake_add_link(s->fk, ifindex, 1500, 68, 9000);
	}
	s->fk->mtu_hook = sim_mtu_hook;
	s->fk->mtu_hook_data = s;
	return 0;
}

static unsigned int fake_mtu(struct sim *s, int link)
{
	return s->fk->mtu[link].mtu;    /* 0: the PF, 1..4: VFs 0..3 */
}

static const char mtu_up_yaml[] =
	"pfs:\n"
	"  - netdev: enp3s0\n"
	"    mtu: 9000\n"
	"    vfs:\n"
	"      - vfs: 0-1\n"
	"        mtu: 9000\n";

static const char mtu_down_yaml[] =
	"pfs:\n"
	"  - netdev: enp3s0\n"
	"    mtu: 1500\n"
	"    vfs:\n"
	"      - vfs: 0-1\n"
	"        mtu: 1500\n";

/*
 * The PF and two VFs to 9000 (the PF first, or the VFs would be above
 * it), nothing written the second time, and back to 1500 (the VFs first).
 */
static void test_mtu_up_and_down(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep = apply_text(s, mtu_up_yaml, true, NULL);

	assert_true(rep->changed);
	assert_int_equal(result(rep, -1, SRIOV_APPLY_MTU)->before, 1500);
	assert_int_equal(result(rep, -1, SRIOV_APPLY_MTU)->after, 9000);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_MTU)->status, SRIOV_APPLY_CHANGED);
	assert_int_equal(s->fk->n_setmtu, 0);
	sriov_apply_report_free(rep);

	rep = apply_text(s, mtu_up_yaml, false, NULL);
	assert_int_equal(rep->n_failed, 0);
	assert_true(rep->changed);
	assert_int_equal(fake_mtu(s, 0), 9000);
	assert_int_equal(fake_mtu(s, 1), 9000);
	assert_int_equal(fake_mtu(s, 2), 9000);
	assert_int_equal(fake_mtu(s, 3), 1500);
	assert_int_equal(s->fk->n_setmtu, 3);
	assert_int_equal(s->n_mtu_order, 3);
	assert_int_equal(s->mtu_order[0], s->fk->mtu[0].ifindex);  /* PF first */
	/* the journal of a killed apply would put the MTUs back */
	assert_non_null(strstr(s->journal, "    mtu: 1500\n    vfs:\n"
				  "      - vf: 0\n        mtu: 1500\n"
				  "      - vf: 1\n        mtu: 1500\n"));
	assert_int_equal(result(rep, 0, SRIOV_APPLY_MTU)->after, 9000);
	sriov_apply_report_free(rep);

	rtnl_fake_clear_log(s->fk);
	rep = apply_text(s, mtu_up_yaml, false, NULL);
	assert_false(rep->changed);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(s->fk->n_setmtu, 0);
	assert_int_equal(s->fk->n_setlink, 0);
	sriov_apply_report_free(rep);

	s->n_mtu_order = 0;
	rep = apply_text(s, mtu_down_yaml, false, NULL);
	assert_int_equal(rep->n_failed, 0);
	assert_int_equal(s->n_mtu_order, 3);
	assert_int_equal(s->mtu_order[2], s->fk->mtu[0].ifindex);  /* PF last */
	assert_int_equal(fake_mtu(s, 0), 1500);
	assert_int_equal(fake_mtu(s, 1), 1500);
	assert_int_equal(fake_mtu(s, 2), 1500);
	assert_int_equal(s->fk->n_setmtu, 3);
	sriov_apply_report_free(rep);
}

/* Bad input and the refusal of a PF below a VF the file leaves. */
static void test_mtu_refusals(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;

	/* a VF above the PF's resulting MTU, with both values named */
	assert_int_equal(apply_error(s, "pfs:\n  - netdev: enp3s0\n    vfs:\n"
				     "      - vf: 0\n        mtu: 9000\n"), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx),
			       "MTU 9000 would be above its PF's (0000:03:00.0: 1500)"));
	assert_int_equal(apply_error(s, "pfs:\n  - netdev: enp3s0\n    mtu: 4000\n    vfs:\n"
				     "      - vf: 0\n        mtu: 9000\n"), -EINVAL);
	/* a VF on vfio-pci has no netdev to set */
	assert_int_equal(apply_error(s, "pfs:\n  - netdev: enp3s0\n    vfs:\n"
				     "      - vf: 0\n        mtu: 1400\n        driver: vfio-pci\n"), -EINVAL);
	/* the driver's range */
	assert_int_equal(apply_error(s, "pfs:\n  - netdev: enp3s0\n    mtu: 9500\n"), -ERANGE);
	assert_int_equal(s->fk->n_setmtu, 0);

	/* VF 1 at 9000, then a PF at 4000 that leaves it: refused */
	rep = apply_text(s, mtu_up_yaml, false, NULL);
	assert_int_equal(rep->n_failed, 0);
	sriov_apply_report_free(rep);
	rtnl_fake_clear_log(s->fk);
	rep = apply_text(s, "pfs:\n  - netdev: enp3s0\n    mtu: 4000\n    vfs:\n"
			 "      - vf: 0\n        mtu: 4000\n        trust: true\n", false, NULL);
	assert_int_equal(rep->n_refused, 1);
	assert_int_equal(result(rep, -1, SRIOV_APPLY_MTU)->error, -ECANCELED);
	assert_non_null(strstr(result(rep, -1, SRIOV_APPLY_MTU)->reason,
			       "below VF 1's (enp3s0v1: 9000)"));
	/* nothing else of the PF is done */
	assert_int_equal(result(rep, 0, SRIOV_APPLY_MTU)->status, SRIOV_APPLY_FAILED);
	assert_int_equal(s->fk->n_setmtu, 0);
	assert_int_equal(s->fk->n_setlink, 0);
	sriov_apply_report_free(rep);
}

/* A VF the driver refuses: the PF raised before it is put back. */
static void test_mtu_rollback(void **state)
{
	struct sim *s = *state;
	struct sriov_apply_report *rep;

	s->fk->mtu[2].max_mtu = 4000;   /* VF 1 */
	rep = apply_text(s, "pfs:\n  - netdev: enp3s0\n    mtu: 9000\n    vfs:\n"
			 "      - vf: 0\n        mtu: 9000\n"
			 "      - vf: 1\n        mtu: 9000\n", false, NULL);
	assert_int_equal(rep->n_failed, 3);
	assert_int_equal(result(rep, 1, SRIOV_APPLY_MTU)->error, -ERANGE);
	assert_true(result(rep, -1, SRIOV_APPLY_MTU)->rolled_back);
	assert_true(result(rep, 0, SRIOV_APPLY_MTU)->rolled_back);
	assert_int_equal(fake_mtu(s, 0), 1500);
	assert_int_equal(fake_mtu(s, 1), 1500);
	assert_int_equal(fake_mtu(s, 2), 1500);
	sriov_apply_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_fresh_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_existing_vfs, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_apply_then_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_refused, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_drivers, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_driver_rollback, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_owner_bare_user, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_select, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_checks, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_vfs_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_serialises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_apply_recovered, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_killed_before_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup_4, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_up_and_down, setup_mtu, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_refusals, setup_mtu, teardown),
		cmocka_unit_test_setup_teardown(test_mtu_rollback, setup_mtu, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
