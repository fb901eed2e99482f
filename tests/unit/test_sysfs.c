/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sysfs layer on hostile trees: links that lead out of the root,
 * FIFOs where attributes belong, values out of range; and the same
 * without openat2() (a seccomp filter answers ENOSYS for it). A FIFO
 * standing for a stuck driver under the bounded writer is
 * test_lifecycle's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fakesys.h"
#include "sysfs.h"

static const char topology[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb netdev=enp3s0 "
	"total=8 numvfs=2 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf numa=1\n"
	"pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme "
	"total=4 numvfs=2 offset=1 stride=1 vfdevice=0010\n";

#define VF_DIR "bus/pci/devices/0000:03:10.0"
#define PF_DIR "bus/pci/devices/0000:03:00.0"

struct fixture {
	char dir[64];       /* holds root/ and outside */
	char root[80];
	char outside[80];
	struct sriov_ctx *ctx;
};

static int setup(void **state)
{
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	FILE *o;

	assert_non_null(f);
	strcpy(f->dir, "/dev/shm/sriov-sysfs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->dir);
	if (fakesys_build(f->root, topology, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	o = fopen(f->outside, "w");
	assert_non_null(o);
	fputs("precious\n", o);
	fclose(o);
	opts.sysfs_root = f->root;
	assert_int_equal(sriov_ctx_new(&opts, &f->ctx), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sriov_ctx_free(f->ctx);
	fakesys_remove(f->root);
	unlink(f->outside);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Replaces the tree's file rel (through the tree's own links) with a
 * symlink to target. */
static void relink(struct fixture *f, const char *rel, const char *target)
{
	char path[512], real[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	assert_non_null(realpath(path, real));
	assert_int_equal(unlink(real), 0);
	assert_int_equal(symlink(target, real), 0);
}

static void make_fifo(struct fixture *f, const char *rel)
{
	char path[512], real[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	assert_non_null(realpath(path, real));
	assert_int_equal(unlink(real), 0);
	assert_int_equal(mkfifo(real, 0600), 0);
}

static void put(struct fixture *f, const char *rel, const char *text)
{
	char path[512];
	FILE *o;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs(text, o);
	fclose(o);
}

static bool outside_intact(const struct fixture *f)
{
	char buf[32] = "";
	FILE *o = fopen(f->outside, "r");

	if (!o)
		return false;
	if (!fgets(buf, sizeof(buf), o))
		buf[0] = '\0';
	fclose(o);
	return !strcmp(buf, "precious\n");
}

/* The checks of escapes and FIFOs, as 0 or the number of the one that
 * failed: shared by the test with and without openat2(). */
static int hostile_checks(struct fixture *f)
{
	char buf[64], **names = NULL;
	char up[160];

	/* links inside the tree are followed (bus/pci/devices/X -> devices/...) */
	if (sriov_sysfs_read(f->ctx, PF_DIR "/vendor", buf, sizeof(buf), false) < 0 ||
	    strcmp(buf, "0x8086"))
		return 1;
	relink(f, VF_DIR "/driver_override", f->outside);
	if (sriov_sysfs_write(f->ctx, VF_DIR "/driver_override", "vfio-pci") != -EXDEV ||
	    !outside_intact(f))
		return 2;
	if (sriov_sysfs_read(f->ctx, VF_DIR "/driver_override", buf, sizeof(buf),
			     true) != -EXDEV)
		return 3;
	if (!strstr(sriov_ctx_last_error(f->ctx), "leads out of the sysfs root"))
		return 4;
	if (sriov_sysfs_write_bounded(f->ctx, VF_DIR "/driver_override", "vfio-pci",
				      5000, -1) != -EXDEV || !outside_intact(f))
		return 10;
	/* a relative link that climbs out with ".." */
	snprintf(up, sizeof(up), "../../../../../../../../../../..%s", f->outside);
	relink(f, "bus/pci/drivers/igbvf/unbind", up);
	if (sriov_sysfs_write(f->ctx, "bus/pci/drivers/igbvf/unbind",
			      "0000:03:10.0") != -EXDEV || !outside_intact(f))
		return 5;
	/* a device link of bus/pci/devices pointing out of the tree */
	snprintf(up, sizeof(up), "%s/bus/pci/devices/0000:04:00.1", f->root);
	if (unlink(up) < 0 || symlink(f->dir, up) < 0)
		return 9;
	if (sriov_sysfs_list(f->ctx, "bus/pci/devices/0000:04:00.1", &names,
			     NULL) != -EXDEV)
		return 6;
	/* a FIFO neither blocks a read nor a write */
	make_fifo(f, PF_DIR "/sriov_numvfs");
	if (sriov_sysfs_read(f->ctx, PF_DIR "/sriov_numvfs", buf, sizeof(buf),
			     true) != -EINVAL ||
	    !strstr(sriov_ctx_last_error(f->ctx), "not a regular file"))
		return 7;
	if (sriov_sysfs_write(f->ctx, PF_DIR "/sriov_numvfs", "0") != -EINVAL)
		return 8;
	return 0;
}

static void test_hostile_tree(void **state)
{
	struct fixture *f = *state;

	alarm(20);   /* a FIFO that blocks fails the test instead of hanging it */
	assert_int_equal(hostile_checks(f), 0);
	alarm(0);
}

/* A seccomp filter that makes openat2() fail with ENOSYS, as on kernels
 * before 5.6. */
static int deny_openat2(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(filter), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0 ? -errno : 0;
}

static void test_hostile_tree_without_openat2(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

#ifndef __x86_64__
	skip();
#endif
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		if (deny_openat2() < 0)
			_exit(77);
		if (syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0) >= 0 || errno != ENOSYS)
			_exit(78);
		_exit(hostile_checks(f));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static const struct sriov_pf_info *pf_info(struct fixture *f, const char *name)
{
	struct sriov_pf *pf;

	assert_int_equal(sriov_pf_find(f->ctx, name, &pf), 0);
	return sriov_pf_get_info(pf);
}

/* Values the kernel never writes are errors, not numbers to print. */
static void test_out_of_range(void **state)
{
	struct fixture *f = *state;
	struct sriov_pci_addr a;
	const struct sriov_pf_info *i;
	int v;

	put(f, PF_DIR "/sriov_numvfs", "-5\n");
	put(f, PF_DIR "/sriov_drivers_autoprobe", "2\n");
	put(f, PF_DIR "/numa_node", "-7\n");
	put(f, PF_DIR "/sriov_totalvfs", "70000\n");
	put(f, "bus/pci/devices/0000:04:00.0/numa_node", "-1\n");
	i = pf_info(f, "0000:03:00.0");
	assert_int_equal(i->num_vfs, SRIOV_NO_VALUE);
	assert_int_equal(i->drivers_autoprobe, SRIOV_NO_VALUE);
	assert_int_equal(i->numa_node, SRIOV_NO_VALUE);
	assert_int_equal(i->total_vfs, SRIOV_NO_VALUE);
	/* the kernel's "no node" stays what it was */
	i = pf_info(f, "0000:04:00.0");
	assert_int_equal(i->numa_node, -1);
	assert_int_equal(i->num_vfs, 2);
	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &a), 0);
	assert_int_equal(sriov_sysfs_dev_read_int(f->ctx, &a, "sriov_numvfs", 10, &v),
			 -ERANGE);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "\"-5\""));
}

/*
 * Through a held device and through a VF looked up in its PF's parent
 * directory: a FIFO neither blocks nor reads as a value, a directory is
 * no attribute, a file that reads empty is one.
 */
static void test_held_not_regular(void **state)
{
	struct fixture *f = *state;
	struct sriov_sysfs_hold prev;
	struct sriov_pci_addr pf, vf;
	char buf[64], path[512], real[512];
	int dir;

	alarm(20);   /* a FIFO that blocks fails the test instead of hanging it */
	make_fifo(f, PF_DIR "/sriov_numvfs");
	make_fifo(f, VF_DIR "/driver_override");
	snprintf(path, sizeof(path), "%s/" PF_DIR "/numa_node", f->root);
	assert_non_null(realpath(path, real));
	assert_int_equal(unlink(real), 0);
	assert_int_equal(mkdir(real, 0755), 0);
	put(f, PF_DIR "/sriov_stride", "");
	assert_int_equal(sriov_pci_addr_parse("0000:03:00.0", &pf), 0);
	assert_int_equal(sriov_pci_addr_parse("0000:03:10.0", &vf), 0);
	sriov_sysfs_dev_hold(f->ctx, &pf, &prev);
	assert_int_equal(sriov_sysfs_dev_read(f->ctx, &pf, "sriov_numvfs", buf,
					      sizeof(buf), true), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "not a regular file"));
	assert_int_equal(sriov_sysfs_dev_read(f->ctx, &pf, "numa_node", buf,
					      sizeof(buf), true), -EINVAL);
	assert_int_equal(sriov_sysfs_dev_read(f->ctx, &pf, "sriov_stride", buf,
					      sizeof(buf), true), 0);
	dir = sriov_sysfs_dev_parent_open(f->ctx, &pf);
	assert_true(dir >= 0);
	sriov_sysfs_dev_release(f->ctx, &prev);
	sriov_sysfs_dev_hold_in(f->ctx, dir, &vf, &prev);
	assert_int_equal(sriov_sysfs_dev_read(f->ctx, &vf, "driver_override", buf,
					      sizeof(buf), true), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "not a regular file"));
	sriov_sysfs_dev_release(f->ctx, &prev);
	close(dir);
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_hostile_tree),
		T(test_hostile_tree_without_openat2),
		T(test_out_of_range),
		T(test_held_not_regular),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
