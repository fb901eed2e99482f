/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The context's one answer to "is this the running kernel": by the
 * identity of the sysfs root (device and inode), never by its spelling.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "fakesys.h"

static bool live_of(const char *root)
{
	struct sriov_ctx_opts o = { .sz = sizeof(o), .sysfs_root = root };
	struct sriov_ctx *ctx = NULL;
	bool live;

	if (sriov_ctx_new(&o, &ctx) < 0)
		fail_msg("sysfs root %s: %s", root ? root : "(default)",
			 strerror(errno));
	live = ctx->live;
	sriov_ctx_free(ctx);
	return live;
}

static void make_tmpdir(char *buf)
{
	strcpy(buf, "/tmp/sriov-ctx-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static const char one_pf[] =
	"pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 driver=igb "
	"netdev=enp3s0 total=8 numvfs=1 offset=128 stride=2 vfdevice=10ca "
	"vfdriver=igbvf iommu=separate\n";

static void need_sys(void)
{
	struct stat st;

	if (stat("/sys", &st) < 0 || !S_ISDIR(st.st_mode))
		skip();
}

static void test_spellings_of_sys(void **state)
{
	static const char *const roots[] = {
		"/sys", "/sys/", "//sys", "/sys/.", "/sys//", "/./sys",
	};

	(void)state;
	need_sys();
	assert_true(live_of(NULL));
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++)
		if (!live_of(roots[i]))
			fail_msg("sysfs root \"%s\" is not taken for the running kernel",
				 roots[i]);
}

/* A link to /sys is /sys; a tree with the same names is not. */
static void test_identity_not_names(void **state)
{
	char dir[64], link[96], err[256];

	(void)state;
	need_sys();
	make_tmpdir(dir);
	snprintf(link, sizeof(link), "%s/sys", dir);
	assert_int_equal(symlink("/sys", link), 0);
	assert_true(live_of(link));
	assert_int_equal(unlink(link), 0);
	if (fakesys_build(link, one_pf, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	assert_false(live_of(link));
	assert_false(live_of(dir));
	fakesys_remove(link);
	assert_int_equal(rmdir(dir), 0);
}

/* What hangs on it: VF settings come over rtnetlink from the running kernel only. */
static void test_built_tree_has_no_rtnetlink(void **state)
{
	struct sriov_ctx_opts o = { .sz = sizeof(o) };
	struct sriov_ctx *ctx;
	char root[64], err[256];
	struct sriov_pf *pf;

	(void)state;
	make_tmpdir(root);
	if (fakesys_build(root, one_pf, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	o.sysfs_root = root;
	assert_int_equal(sriov_ctx_new(&o, &ctx), 0);
	assert_false(ctx->live);
	assert_int_equal(sriov_pf_find(ctx, "enp3s0", &pf), 0);
	assert_int_equal(sriov_pf_read_vf_config(pf, false), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "running kernel"));
	sriov_ctx_free(ctx);
	fakesys_remove(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_of_sys),
		cmocka_unit_test(test_identity_not_names),
		cmocka_unit_test(test_built_tree_has_no_rtnetlink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
