/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VF lifecycle against a simulated kernel: sysfs writes go through the
 * library's write seam to a model of the PCI core's sriov_numvfs rules,
 * which rebuilds the fake sysfs tree as the kernel would change it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "fakesys.h"
#include "sysfs.h"

#define TEMPLATE                                                               \
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=%s "      \
	"netdev=enp3s0 total=8 numvfs=%d offset=128 stride=2 vfdevice=10ca "   \
	"vfdriver=igbvf vfnetdev=enp3s0v%%d autoprobe=%d iommu=separate\n"

struct sim {
	char root[64];
	char state[80];
	char driver[16];
	int num_vfs;       /* what the simulated kernel has enabled */
	int autoprobe;
	int cap_vfs;       /* enables at most this many (a stingy driver) */
	char writes[8][64];
	int n_writes;
	struct sriov_ctx *ctx;
};

/* Rebuilds the tree in place: the context keeps its root directory fd. */
static void sim_build(struct sim *s)
{
	char topo[512], err[256];

	assert_int_equal(fakesys_empty(s->root), 0);
	snprintf(topo, sizeof(topo), TEMPLATE, s->driver, s->num_vfs,
		 s->autoprobe);
	if (fakesys_build(s->root, topo, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
}

static int sim_numvfs(struct sim *s, int want)
{
	if (!strcmp(s->driver, "none") || !strcmp(s->driver, "nosriov"))
		return -ENOENT;
	if (want > 8)
		return -ERANGE;
	if (want == s->num_vfs)
		return 0;
	if (s->num_vfs && want)
		return -EBUSY;
	s->num_vfs = want > s->cap_vfs ? s->cap_vfs : want;
	sim_build(s);
	return 0;
}

static int sim_write(struct sriov_ctx *ctx, const char *path,
		     const char *value, void *data)
{
	struct sim *s = data;
	const char *attr = strrchr(path, '/') + 1;

	(void)ctx;
	if (s->n_writes < 8)
		snprintf(s->writes[s->n_writes++], sizeof(s->writes[0]), "%s=%s",
			 attr, value);
	if (!strcmp(attr, "sriov_numvfs"))
		return sim_numvfs(s, atoi(value));
	if (!strcmp(attr, "sriov_drivers_autoprobe")) {
		s->autoprobe = atoi(value);
		sim_build(s);
		return 0;
	}
	return -EACCES;
}

static int setup_sim(struct sim *s, const char *driver, int num_vfs)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };

	memset(s, 0, sizeof(*s));
	strcpy(s->root, "/dev/shm/sriov-life-XXXXXX");
	assert_non_null(mkdtemp(s->root));
	snprintf(s->state, sizeof(s->state), "%s.state", s->root);
	snprintf(s->driver, sizeof(s->driver), "%s", driver);
	s->num_vfs = num_vfs;
	s->autoprobe = 1;
	s->cap_vfs = 8;
	sim_build(s);
	opts.sysfs_root = s->root;
	opts.state_dir = s->state;
	assert_int_equal(sriov_ctx_new(&opts, &s->ctx), 0);
	s->ctx->write_hook = sim_write;
	s->ctx->write_hook_data = s;
	return 0;
}

static int setup(void **state)
{
	struct sim *s = malloc(sizeof(*s));

	*state = s;
	return setup_sim(s, "igb", 0);
}

static int teardown(void **state)
{
	struct sim *s = *state;
	char cmd[200];

	sriov_ctx_free(s->ctx);
	fakesys_remove(s->root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->state);
	assert_int_equal(system(cmd), 0);
	free(s);
	return 0;
}

static int set_vfs(struct sim *s, int n, int autoprobe, bool force,
		   bool dry_run, struct sriov_numvfs_report **rep)
{
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .num_vfs = n,
				       .autoprobe = autoprobe, .force = force,
				       .dry_run = dry_run, .timeout_ms = 2000 };
	struct sriov_pf *pf;

	assert_int_equal(sriov_pf_find(s->ctx, "0000:03:00.0", &pf), 0);
	*rep = NULL;
	return sriov_pf_set_num_vfs(pf, &o, rep);
}

static void test_enable(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;
	struct sriov_pf *pf;
	unsigned long gen;

	assert_int_equal(sriov_pf_find(s->ctx, "enp3s0", &pf), 0);
	gen = sriov_pf_generation(pf);
	assert_int_equal(set_vfs(s, 4, -1, false, false, &rep), 0);
	/* the VFs were read again: handles taken before are stale, and say so */
	assert_true(sriov_pf_generation(pf) > gen);
	assert_true(rep->changed);
	assert_int_equal(rep->num_vfs_before, 0);
	assert_int_equal(rep->num_vfs_after, 4);
	assert_int_equal(rep->n_vfs, 4);
	assert_string_equal(rep->vfs[3].pci, "0000:03:10.6");
	assert_string_equal(rep->vfs[3].driver, "igbvf");
	assert_string_equal(rep->vfs[3].netdev, "enp3s0v3");
	assert_true(rep->vfs[3].ready);
	assert_int_equal(s->n_writes, 1);
	assert_string_equal(s->writes[0], "sriov_numvfs=4");
	/* the PF handle sees the new VFs */
	assert_int_equal(sriov_pf_find(s->ctx, "enp3s0", &pf), 0);
	assert_int_equal(sriov_pf_vf_count(pf), 4);
	sriov_numvfs_report_free(rep);
}

static void test_same_count_writes_nothing(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 4, -1, false, false, &rep), 0);
	sriov_numvfs_report_free(rep);
	s->n_writes = 0;
	assert_int_equal(set_vfs(s, 4, 1, false, false, &rep), 0);
	assert_false(rep->changed);
	assert_int_equal(rep->n_vfs, 4);
	assert_int_equal(s->n_writes, 0);
	sriov_numvfs_report_free(rep);
}

static void test_resize_refused_without_force(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 4, -1, false, false, &rep), 0);
	sriov_numvfs_report_free(rep);
	s->n_writes = 0;
	assert_int_equal(set_vfs(s, 6, -1, false, false, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "--force"));
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(s->num_vfs, 4);
	sriov_numvfs_report_free(rep);
	/* with force: through 0, as the kernel demands */
	assert_int_equal(set_vfs(s, 6, -1, true, false, &rep), 0);
	assert_int_equal(s->n_writes, 2);
	assert_string_equal(s->writes[0], "sriov_numvfs=0");
	assert_string_equal(s->writes[1], "sriov_numvfs=6");
	assert_int_equal(rep->num_vfs_after, 6);
	sriov_numvfs_report_free(rep);
}

static void test_bad_counts(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 9, -1, false, false, &rep), -ERANGE);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "at most 8"));
	assert_int_equal(set_vfs(s, -1, -1, false, false, &rep), -EINVAL);
	assert_int_equal(set_vfs(s, 2, 5, false, false, &rep), -EINVAL);
	assert_null(rep);
	assert_int_equal(s->n_writes, 0);
}

static void test_autoprobe_before_enable(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 2, 0, false, false, &rep), 0);
	assert_int_equal(s->n_writes, 2);
	assert_string_equal(s->writes[0], "sriov_drivers_autoprobe=0");
	assert_string_equal(s->writes[1], "sriov_numvfs=2");
	assert_int_equal(rep->autoprobe_before, 1);
	assert_int_equal(rep->autoprobe_after, 0);
	sriov_numvfs_report_free(rep);
}

static void test_disable(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 3, -1, false, false, &rep), 0);
	sriov_numvfs_report_free(rep);
	assert_int_equal(set_vfs(s, 0, -1, false, false, &rep), 0);
	assert_true(rep->changed);
	assert_int_equal(rep->num_vfs_after, 0);
	assert_int_equal(rep->n_vfs, 0);
	assert_int_equal(s->num_vfs, 0);
	sriov_numvfs_report_free(rep);
}

static void test_dry_run(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 5, 0, false, true, &rep), 0);
	assert_true(rep->changed);
	assert_int_equal(rep->num_vfs_after, 5);
	assert_int_equal(rep->autoprobe_after, 0);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(s->num_vfs, 0);
	sriov_numvfs_report_free(rep);
}

static void test_in_use_refused(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;
	char link[200];

	assert_int_equal(set_vfs(s, 2, -1, false, false, &rep), 0);
	sriov_numvfs_report_free(rep);
	/* enp3s0v1 joins a bridge */
	snprintf(link, sizeof(link), "%s/class/net/enp3s0v1/master", s->root);
	assert_int_equal(symlink("../br0", link), 0);
	s->n_writes = 0;
	assert_int_equal(set_vfs(s, 0, -1, false, false, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "enslaved to br0"));
	sriov_numvfs_report_free(rep);
	assert_int_equal(set_vfs(s, 4, -1, true, false, &rep), -ECANCELED);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(s->num_vfs, 2);
	sriov_numvfs_report_free(rep);
}

static void test_kernel_enables_fewer(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	s->cap_vfs = 2;
	assert_int_equal(set_vfs(s, 4, -1, false, false, &rep), -EIO);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx),
			       "asked for 4 VFs, the kernel reports 2"));
	assert_non_null(rep);
	assert_int_equal(rep->num_vfs_after, 2);
	sriov_numvfs_report_free(rep);
}

static int setup_nodriver(void **state)
{
	struct sim *s = malloc(sizeof(*s));

	*state = s;
	return setup_sim(s, "none", 0);
}

static void test_pf_without_driver(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 2, -1, false, false, &rep), -ENOENT);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "pci-pf-stub"));
	sriov_numvfs_report_free(rep);
}

static int setup_nosriov(void **state)
{
	struct sim *s = malloc(sizeof(*s));

	*state = s;
	return setup_sim(s, "nosriov", 0);
}

/* A driver without sriov_configure is not reported as no driver. */
static void test_driver_without_sriov(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;

	assert_int_equal(set_vfs(s, 2, -1, false, false, &rep), -ENOENT);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx),
			       "its driver nosriov has no SR-IOV support"));
	assert_null(strstr(sriov_ctx_last_error(s->ctx), "has no driver"));
	sriov_numvfs_report_free(rep);
}

/* A second holder of the PF lock makes the change wait for it. */
static void test_lock_serialises(void **state)
{
	struct sim *s = *state;
	struct sriov_numvfs_report *rep;
	struct sriov_pci_addr a;
	char done[200], byte;
	int p[2], fd;
	pid_t pid;

	snprintf(done, sizeof(done), "%s/child-done", s->state);
	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &a), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (sriov_lock_pf(s->ctx, &a, &fd) < 0)
			_exit(1);
		byte = 'l';
		if (write(p[1], &byte, 1) != 1)
			_exit(1);
		usleep(200 * 1000);
		close(open(done, O_CREAT | O_WRONLY, 0600));
		_exit(0);
	}
	assert_int_equal(read(p[0], &byte, 1), 1);
	assert_int_equal(set_vfs(s, 1, -1, false, false, &rep), 0);
	/* the child finished before the change could start */
	assert_int_equal(access(done, F_OK), 0);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	sriov_numvfs_report_free(rep);
}

/* Opens a FIFO's reading end and reads what the blocked writer sends. */
static ssize_t drain_fifo(const char *fifo, char *buf, size_t size)
{
	int fd = open(fifo, O_RDONLY | O_NONBLOCK);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(poll(&p, 1, 5000), 1);
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return n;
}

/* Whether the lock can be taken within wait_ms. */
static bool lock_free_within(const char *lock, int wait_ms)
{
	int fd = open(lock, O_RDWR);
	bool ok = false;

	assert_true(fd >= 0);
	for (int t = 0; !ok && t <= wait_ms; t += 10) {
		ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
		if (!ok)
			usleep(10 * 1000);
	}
	close(fd);
	return ok;
}

static long lock_pid(const char *lock)
{
	char buf[32] = "";
	int fd = open(lock, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	return strtol(buf, NULL, 10);
}

/*
 * A write the kernel has not finished is bounded. Its writer keeps the
 * device's lock until the write lands, and nothing else: not another
 * descriptor of the caller's (a pipe a reader waits on), not stdout.
 */
static void stuck_write(struct sim *s, bool no_pidfd)
{
	struct sriov_pci_addr a;
	char fifo[200], lock[200], buf[8], msg[64];
	int lock_fd, p[2];

	snprintf(fifo, sizeof(fifo), "%s/stuck", s->root);
	snprintf(lock, sizeof(lock), "%s/0000:03:00.0.lock", s->state);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &a), 0);
	assert_int_equal(sriov_lock_pf(s->ctx, &a, &lock_fd), 0);
	assert_int_equal(pipe(p), 0);
	s->ctx->write_hook = NULL;
	s->ctx->no_pidfd = no_pidfd;
	/* a hang here is the failure: the bound did not hold */
	alarm(10);
	/* nobody reads the FIFO: the write blocks like a stuck driver */
	assert_int_equal(sriov_sysfs_write_bounded(s->ctx, "stuck", "4", 200, lock_fd),
			 -ETIMEDOUT);
	alarm(0);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "still in flight"));
	close(p[1]);
	assert_int_equal(poll(&(struct pollfd){ .fd = p[0], .events = POLLIN }, 1, 2000), 1);
	assert_int_equal(read(p[0], buf, 1), 0);
	close(p[0]);
	sriov_unlock(lock_fd);
	assert_false(lock_free_within(lock, 100));
	snprintf(msg, sizeof(msg), "pid %ld", lock_pid(lock));
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), msg));
	/* the write completes after the timeout, and then the lock is free */
	assert_int_equal(drain_fifo(fifo, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "4");
	assert_true(lock_free_within(lock, 5000));
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void test_write_timeout(void **state)
{
	struct sim *s = *state;

	stuck_write(s, false);
	/* and a write that completes reports the kernel's errno */
	assert_int_equal(sriov_sysfs_write_bounded(s->ctx, "nonexistent", "1", 2000, -1),
			 -ENOENT);
}

/* Where pidfd_open() fails the bound holds all the same. */
static void test_write_timeout_no_pidfd(void **state)
{
	struct sim *s = *state;

	stuck_write(s, true);
	assert_int_equal(sriov_sysfs_write_bounded(s->ctx, "nonexistent", "1", 2000, -1),
			 -ENOENT);
}

/* A lock holder that never lets go: the wait ends, naming it. */
static void test_lock_holder_never_releases(void **state)
{
	struct sim *s = *state;
	struct sriov_pci_addr a;
	char msg[64], byte = 'l';
	int p[2], fd = -1;
	pid_t pid;

	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &a), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (sriov_lock_pf(s->ctx, &a, &fd) < 0 || write(p[1], &byte, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(p[0], &byte, 1), 1);
	alarm(10);
	assert_int_equal(sriov_lock_pf_within(s->ctx, &a, 300, &fd), -ETIMEDOUT);
	alarm(0);
	snprintf(msg, sizeof(msg), "locked by pid %d", (int)pid);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), msg));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	assert_int_equal(sriov_lock_pf_within(s->ctx, &a, 300, &fd), 0);
	sriov_unlock(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_count_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_refused_without_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autoprobe_before_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_enables_fewer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_without_driver, setup_nodriver, teardown),
		cmocka_unit_test_setup_teardown(test_driver_without_sriov, setup_nosriov, teardown),
		cmocka_unit_test_setup_teardown(test_lock_serialises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_timeout_no_pidfd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_holder_never_releases, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
