/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal: its format, strict parsing, atomic files and modes. */
#include <dirent.h>
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
#include "journal.h"
#include "tmpctx.h"

static struct journal_entry sample(void)
{
	struct journal_entry e = { .vf = 3, .state = JOURNAL_BINDING,
				   .has_config = true, .pid = 1234 };

	strcpy(e.pci, "0000:03:10.6");
	strcpy(e.lock, "0000:03:00.0");
	strcpy(e.driver, "igbvf");
	e.config.mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_TRUST |
			SRIOV_VF_HAS_MAX_TX_RATE | SRIOV_VF_HAS_LINK_STATE |
			SRIOV_VF_HAS_NODE_GUID;
	memcpy(e.config.mac, "\x02\x11\x22\x33\x44\x55", 6);
	e.config.vlan = 100;
	e.config.qos = 3;
	e.config.vlan_proto = SRIOV_VLAN_PROTO_8021AD;
	e.config.trust = true;
	e.config.max_tx_rate = 1000;
	e.config.link_state = SRIOV_LINK_STATE_DISABLE;
	e.config.node_guid = 0x0011223344556677ull;
	return e;
}

static void test_round_trip(void **state)
{
	struct journal_entry e = sample(), back;
	char buf[4096];

	(void)state;
	assert_true(sriov_journal_format(&e, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "override -\n"));
	/* the settings known, spelled as in JSON and sriovctl.conf(5) */
	assert_non_null(strstr(buf, "\nmac 02:11:22:33:44:55\nvlan 100\nqos 3\n"
				    "vlan_proto 802.1ad\nmax_tx_rate 1000\n"
				    "trust true\nlink_state disable\n"
				    "node_guid 00:11:22:33:44:55:66:77\n"));
	assert_null(strstr(buf, "spoofchk"));
	assert_null(strstr(buf, "mtu"));
	assert_int_equal(sriov_journal_parse(buf, &back), 0);
	assert_memory_equal(&e, &back, sizeof(e));
	/* the MTU of the VF's netdev, when it had one */
	e.mtu = 9000;
	assert_true(sriov_journal_format(&e, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\nmtu 9000\n"));
	assert_int_equal(sriov_journal_parse(buf, &back), 0);
	assert_int_equal(back.mtu, 9000);
	assert_memory_equal(&e, &back, sizeof(e));
	e.mtu = 0;
	/* without settings, and a release with no record */
	e.has_config = false;
	memset(&e.config, 0, sizeof(e.config));
	e.default_match = true;
	e.state = JOURNAL_RELEASING;
	memset(e.driver, 0, sizeof(e.driver));
	strcpy(e.override, "vfio-pci");
	assert_true(sriov_journal_format(&e, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "mac "));
	assert_int_equal(sriov_journal_parse(buf, &back), 0);
	assert_memory_equal(&e, &back, sizeof(e));
	assert_int_equal(sriov_journal_format(&e, buf, 40), -ENOSPC);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"version 1\ndevice 0000:03:10.0\n",                      /* no state */
		"version 1\nstate bound\n",                              /* no device */
		"device 0000:03:10.0\nstate bound\n",                    /* no version */
		"version 1\ndevice 3:10.0\nstate bound\n",               /* short address */
		"version 1\ndevice 0000:03:10.0\nstate sideways\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\ndriver ../x\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\ndriver a/b\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nvlan 4096\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmac 02:00\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nvf -2\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nnonsense\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\ncolour blue\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmtu 0\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmtu 67\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmtu 65536\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmtu 9000x\n",
		"version 1\ndevice 0000:03:10.0\nstate bound\nmtu -1500\n",
	};
	struct journal_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sriov_journal_parse(bad[i], &e) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(sriov_journal_parse("version 2\ndevice 0000:03:10.0\nstate bound\n", &e),
			 -EPROTONOSUPPORT);
	/* the minimum: the lock defaults to the device itself */
	assert_int_equal(sriov_journal_parse("# c\nversion 1\ndevice 0000:03:10.0\nstate bound\n", &e), 0);
	assert_string_equal(e.lock, "0000:03:10.0");
	assert_int_equal(e.vf, -1);
	/* an entry written before MTUs were journaled has none */
	assert_int_equal(e.mtu, 0);
}

static void test_files(void **state)
{
	struct tmpctx *f = *state;
	struct journal_entry e = sample(), back;
	char path[200], **names;
	struct stat st;
	size_t n;

	umask(0);
	assert_int_equal(sriov_journal_write(f->ctx, &e), 0);
	umask(022);
	snprintf(path, sizeof(path), "%s/journal/0000:03:10.6.vfio", f->state);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/journal", f->state);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* replaced in place, no temporary file left */
	e.state = JOURNAL_BOUND;
	assert_int_equal(sriov_journal_write(f->ctx, &e), 0);
	snprintf(path, sizeof(path), "%s/journal/0000:03:10.6.vfio.tmp", f->state);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(sriov_journal_read(f->ctx, "0000:03:10.6", &back), 0);
	assert_int_equal(back.state, JOURNAL_BOUND);
	/* the listing ignores other files, and sorts */
	strcpy(e.pci, "0000:03:10.0");
	assert_int_equal(sriov_journal_write(f->ctx, &e), 0);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	snprintf(path, sizeof(path), "%s/journal/notes.vfio", f->state);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(sriov_journal_list(f->ctx, &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "0000:03:10.0");
	assert_string_equal(names[1], "0000:03:10.6");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(sriov_journal_remove(f->ctx, "0000:03:10.0"), 0);
	assert_int_equal(sriov_journal_remove(f->ctx, "0000:03:10.0"), 0);
	assert_int_equal(sriov_journal_read(f->ctx, "0000:03:10.0", &back), -ENOENT);
}

static void test_bad_names(void **state)
{
	struct tmpctx *f = *state;
	struct journal_entry e;
	char path[200];
	FILE *fp;

	assert_int_equal(sriov_journal_read(f->ctx, "../../etc/passwd", &e), -EINVAL);
	assert_int_equal(sriov_journal_remove(f->ctx, "0000:3:10.0"), -EINVAL);
	/* an entry whose device does not match its file name is damaged */
	e = sample();
	assert_int_equal(sriov_journal_write(f->ctx, &e), 0);
	snprintf(path, sizeof(path), "%s/journal/0000:03:10.2.vfio", f->state);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("version 1\ndevice 0000:03:10.6\nstate bound\n", fp);
	fclose(fp);
	assert_int_equal(sriov_journal_read(f->ctx, "0000:03:10.2", &e), -EBADMSG);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "damaged"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test_setup_teardown(test_files, tmpctx_setup, tmpctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, tmpctx_setup, tmpctx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
