/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Owners "USER[:GROUP]": one parser for vfio bind and apply, where a bare
 * user gets that user's primary group; and the one hand-over of a VFIO
 * group node (chown, mode 0660).
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "tmpctx.h"
#include "users.h"
#include "vfio_private.h"

/* DIR/vfio for the group nodes */
static int setup(void **state)
{
	struct tmpctx *t;
	char path[128];

	tmpctx_setup(state);
	t = *state;
	snprintf(path, sizeof(path), "%s/vfio", t->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	return 0;
}

static void parses_to(struct sriov_ctx *ctx, const char *owner, uid_t uid,
		      gid_t gid)
{
	uid_t u = 4242;
	gid_t g = 4242;

	if (sriov_owner_parse(ctx, owner, &u, &g) < 0)
		fail_msg("\"%s\": %s", owner, sriov_ctx_last_error(ctx));
	if (u != uid || g != gid)
		fail_msg("\"%s\": %u:%u, expected %u:%u", owner, (unsigned int)u,
			 (unsigned int)g, (unsigned int)uid, (unsigned int)gid);
}

static void test_bare_user_gets_primary_group(void **state)
{
	struct tmpctx *f = *state;
	const struct passwd *pw = fixture_other_user();
	char text[80];

	if (!pw)
		skip();
	parses_to(f->ctx, pw->pw_name, pw->pw_uid, pw->pw_gid);
	snprintf(text, sizeof(text), "%u", (unsigned int)pw->pw_uid);
	parses_to(f->ctx, text, pw->pw_uid, pw->pw_gid);
	snprintf(text, sizeof(text), "%s:0", pw->pw_name);
	parses_to(f->ctx, text, pw->pw_uid, 0);
	parses_to(f->ctx, "root", 0, 0);
	parses_to(f->ctx, "root:root", 0, 0);
	parses_to(f->ctx, "0:0", 0, 0);
	/* numbers the databases do not know stand for themselves */
	parses_to(f->ctx, "3999999:3999998", 3999999, 3999998);
	parses_to(f->ctx, "3999999", 3999999, 3999999);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", ":", "root:", ":root", "a:b:c", "-rf", "root:-rf", "ro ot",
		"root/..", "r\xc3\xa9mi", "abcdefghijklmnopqrstuvwxyz0123456",
		"no-such-user-zz", "root:no-such-group-zz", "2147483647",
		"root:2147483647",
	};
	struct tmpctx *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uid_t u = 7;
		gid_t g = 7;

		if (sriov_owner_parse(f->ctx, bad[i], &u, &g) != -EINVAL)
			fail_msg("\"%s\" was not refused", bad[i]);
		assert_int_equal(u, 7);
		assert_int_equal(g, 7);
	}
	assert_false(sriov_owner_valid(NULL));
	assert_true(sriov_owner_valid("libvirt-qemu:kvm"));
	assert_int_equal(sriov_owner_parse(f->ctx, "no-such-user-zz", &(uid_t){ 0 },
					   &(gid_t){ 0 }), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->ctx), "no user \"no-such-user-zz\"");
	assert_int_equal(sriov_owner_parse(f->ctx, "a:b:c", &(uid_t){ 0 },
					   &(gid_t){ 0 }), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->ctx),
			    "invalid owner \"a:b:c\": expected USER or USER:GROUP (names or numbers)");
}

static void test_format(void **state)
{
	char buf[80];

	(void)state;
	sriov_owner_format(0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "root:root");
	sriov_owner_format(3999999, 3999998, buf, sizeof(buf));
	assert_string_equal(buf, "3999999:3999998");
}

/* The hand-over that vfio bind and apply share: owner and mode 0660. */
static void test_group_chown(void **state)
{
	struct tmpctx *f = *state;
	char node[128];
	struct stat st;
	uid_t u;
	gid_t g;

	snprintf(node, sizeof(node), "%s/vfio/7", f->dir);
	close(open(node, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(sriov_vfio_group_chown(f->ctx, 7, 3999999, 3999998), 0);
	assert_int_equal(stat(node, &st), 0);
	assert_int_equal(st.st_uid, 3999999);
	assert_int_equal(st.st_gid, 3999998);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(sriov_vfio_group_owner(f->ctx, 7, &u, &g), 0);
	assert_int_equal(u, 3999999);
	assert_int_equal(g, 3999998);
	assert_int_equal(sriov_vfio_group_owner(f->ctx, 8, &u, &g), -ENOENT);
	assert_int_equal(sriov_vfio_group_path(f->ctx, 7, true, node, sizeof(node)), 0);
	assert_non_null(strstr(node, "/vfio/noiommu-7"));
	assert_int_equal(sriov_vfio_group_path(f->ctx, -1, false, node, sizeof(node)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bare_user_gets_primary_group, setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, tmpctx_teardown),
		cmocka_unit_test(test_format),
		cmocka_unit_test_setup_teardown(test_group_chown, setup, tmpctx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
