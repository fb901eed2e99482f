/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a VFIO node open (holders.c), decided by identity: the test
 * process itself opens the nodes of a fake dev root, and is found however
 * the dev root is spelled; a member's VFIO cdev is found by the number
 * sysfs gives (st_rdev) and by its node under DEV_ROOT/vfio/devices.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "inuse.h"
#include "tmpctx.h"

#define VF "0000:03:10.0"

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512], cmd[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Group 7 holds VF; DIR/vfio/7 and DIR/vfio/devices/vfio0 exist. */
static void make_tree(const char *dir, const char *cdev_number)
{
	char cmd[512];

	put(dir, "vfio/7", "");
	put(dir, "vfio/devices/vfio0", "");
	put(dir, "bus/pci/devices/" VF "/vfio-dev/vfio0/dev", cdev_number);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p kernel/iommu_groups/7/devices && "
		 "ln -s ../../../../bus/pci/devices/" VF
		 " kernel/iommu_groups/7/devices/",
		 dir);
	assert_int_equal(system(cmd), 0);
}

static pid_t holder(struct sriov_ctx *ctx)
{
	struct sriov_holders *h = NULL;
	pid_t pid;

	assert_int_equal(sriov_holders_scan(ctx, &h), 0);
	pid = sriov_holders_group(ctx, h, 7);
	sriov_holders_free(h);
	return pid;
}

static struct sriov_ctx *ctx_at(const char *sysfs, const char *dev)
{
	struct sriov_ctx_opts o = { .sz = sizeof(o) };
	struct sriov_ctx *ctx = NULL;

	o.sysfs_root = sysfs;
	o.dev_root = dev;
	o.state_dir = "/nonexistent";
	assert_int_equal(sriov_ctx_new(&o, &ctx), 0);
	return ctx;
}

static void held_fd(const char *dir, const char *rel, int *fd)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(*fd >= 0);
}

static void test_group_node_any_spelling(void **state)
{
	struct tmpctx *t = *state;
	char slash[128], cwd[512];
	struct sriov_ctx *ctx;
	int fd;

	make_tree(t->dir, "0:0\n");
	assert_int_equal(holder(t->ctx), 0);
	held_fd(t->dir, "vfio/7", &fd);
	assert_int_equal(holder(t->ctx), getpid());
	snprintf(slash, sizeof(slash), "%s/", t->dir);
	ctx = ctx_at(t->dir, slash);
	assert_int_equal(holder(ctx), getpid());
	sriov_ctx_free(ctx);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/tmp"), 0);
	ctx = ctx_at(t->dir, t->dir + strlen("/tmp/"));
	assert_int_equal(holder(ctx), getpid());
	sriov_ctx_free(ctx);
	assert_int_equal(chdir(cwd), 0);
	close(fd);
	assert_int_equal(holder(t->ctx), 0);
}

static void test_cdev_node(void **state)
{
	struct tmpctx *t = *state;
	int fd;

	make_tree(t->dir, "0:0\n");
	held_fd(t->dir, "vfio/devices/vfio0", &fd);
	assert_int_equal(holder(t->ctx), getpid());
	close(fd);
	assert_int_equal(holder(t->ctx), 0);
}

/* A real character device, opened by another name: found by st_rdev. */
static void test_cdev_by_rdev(void **state)
{
	struct tmpctx *t = *state;
	char num[32], path[512];
	struct stat st;
	int fd;

	if (geteuid() != 0)
		skip();
	assert_int_equal(stat("/dev/zero", &st), 0);
	snprintf(num, sizeof(num), "%u:%u\n", major(st.st_rdev),
		 minor(st.st_rdev));
	make_tree(t->dir, num);
	snprintf(path, sizeof(path), "%s/elsewhere", t->dir);
	assert_int_equal(mknod(path, S_IFCHR | 0600, st.st_rdev), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(holder(t->ctx) > 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_group_node_any_spelling,
						tmpctx_setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_cdev_node, tmpctx_setup,
						tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_cdev_by_rdev, tmpctx_setup,
						tmpctx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
