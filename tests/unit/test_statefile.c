/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one atomic write of state files (sriov_write_atomic()), alone and
 * as the vfio journal uses it: PATH.tmp created afresh mode 0600, synced,
 * renamed over PATH, the directory synced; a link or a stale file at
 * PATH.tmp is never written through, and a failure leaves PATH as it was.
 * fsync(), rename() and unlink() are wrapped here to see the order.
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
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "journal.h"
#include "tmpctx.h"

static char calls[8192];
static bool keep_tmp;   /* unlink() of a *.tmp does nothing */

/* "op a;" or "op a b;" */
static void note(const char *op, const char *a, const char *b)
{
	size_t len = strlen(calls);

	snprintf(calls + len, sizeof(calls) - len, "%s %s%s%s;", op, a,
		 b ? " " : "", b ? b : "");
}

int fsync(int fd)
{
	char link[64], path[512];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	note("fsync", path, NULL);
	return (int)syscall(SYS_fsync, fd);
}

int rename(const char *from, const char *to)
{
	note("rename", from, to);
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int unlink(const char *path)
{
	size_t len = strlen(path);

	if (keep_tmp && len > 4 && !strcmp(path + len - 4, ".tmp"))
		return 0;
	return unlinkat(AT_FDCWD, path, 0);
}

static int setup(void **state)
{
	calls[0] = '\0';
	keep_tmp = false;
	return tmpctx_setup(state);
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void assert_content(const char *path, const char *want)
{
	char buf[256] = "";
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	buf[fread(buf, 1, sizeof(buf) - 1, fp)] = '\0';
	fclose(fp);
	assert_string_equal(buf, want);
}

static void test_sequence(void **state)
{
	struct tmpctx *f = *state;
	char path[128], want[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/file", f->dir);
	umask(0);
	assert_int_equal(sriov_write_atomic(f->ctx, path, "one\n", 4), 0);
	umask(022);
	snprintf(want, sizeof(want), "fsync %s.tmp;rename %s.tmp %s;fsync %s;",
		 path, path, path, f->dir);
	assert_string_equal(calls, want);
	assert_content(path, "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(0777);
	assert_int_equal(sriov_write_atomic(f->ctx, path, "two\n", 4), 0);
	umask(022);
	assert_content(path, "two\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	strcat(path, ".tmp");
	assert_int_equal(access(path, F_OK), -1);
}

/* Whatever waits at PATH.tmp, a link or a file, is replaced, never written. */
static void test_never_through_tmp(void **state)
{
	struct tmpctx *f = *state;
	char path[128], tmp[140], victim[128];

	snprintf(path, sizeof(path), "%s/file", f->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	put(victim, "victim\n");
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(sriov_write_atomic(f->ctx, path, "new\n", 4), 0);
	assert_content(victim, "victim\n");
	assert_content(path, "new\n");
	/* with the stale name kept, O_EXCL refuses it: PATH stays as it was */
	keep_tmp = true;
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(sriov_write_atomic(f->ctx, path, "newer\n", 6), -EEXIST);
	assert_content(victim, "victim\n");
	assert_content(path, "new\n");
	assert_int_equal(unlinkat(AT_FDCWD, tmp, 0), 0);
	put(tmp, "stale\n");
	assert_int_equal(sriov_write_atomic(f->ctx, path, "newer\n", 6), -EEXIST);
	assert_content(path, "new\n");
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "cannot write"));
	keep_tmp = false;
	assert_int_equal(sriov_write_atomic(f->ctx, path, "newer\n", 6), 0);
	assert_content(path, "newer\n");
}

/* Removal is synced too. */
static void test_remove(void **state)
{
	struct tmpctx *f = *state;
	char path[128], want[512];

	snprintf(path, sizeof(path), "%s/file", f->dir);
	put(path, "x");
	assert_int_equal(sriov_remove_synced(f->ctx, path), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(sriov_remove_synced(f->ctx, path), 0);
	snprintf(want, sizeof(want), "fsync %s;fsync %s;", f->dir, f->dir);
	assert_string_equal(calls, want);
}

/* The vfio journal writes through it: the same calls, in its directory. */
static void test_vfio_journal(void **state)
{
	struct tmpctx *f = *state;
	struct journal_entry e = { .vf = 1, .state = JOURNAL_BINDING, .pid = 1 };
	char want[1024], path[160], dir[128];
	struct stat st;

	strcpy(e.pci, "0000:03:10.2");
	strcpy(e.lock, "0000:03:00.0");
	strcpy(e.driver, "igbvf");
	assert_int_equal(sriov_journal_write(f->ctx, &e), 0);
	snprintf(dir, sizeof(dir), "%s/journal", f->state);
	snprintf(path, sizeof(path), "%s/0000:03:10.2.vfio", dir);
	snprintf(want, sizeof(want), "fsync %s.tmp;rename %s.tmp %s;fsync %s;",
		 path, path, path, dir);
	assert_string_equal(calls, want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sequence, setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_never_through_tmp, setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_vfio_journal, setup, tmpctx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
