/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changing the eswitch mode (sriov_pf_set_eswitch()) on a simulated host:
 * sriov_numvfs writes rebuild a fake sysfs tree (VFs appear and vanish),
 * the fake devlink kernel plays the driver (ice refuses with VFs, mlx5
 * loses the VF settings, rate nodes block every mode), and the rtnetlink
 * fake holds the VF settings, reset when the VFs go as a NIC resets them.
 * Each test checks the mode and settings a user would read back, the
 * steps reported, and what reached the "kernel".
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

#include <linux/devlink.h>
#include <linux/if_link.h>

#include "devlink_fake.h"
#include "fakesys.h"
#include "internal.h"
#include "rtnl_fake.h"

#define TEMPLATE                                                               \
	"pf 0000:03:00.0 vendor=8086 device=1592 class=020000 driver=%s "      \
	"netdev=ens1f0 total=8 numvfs=%d offset=8 stride=1 vfdevice=1889 "     \
	"vfdriver=iavf vfnetdev=ens1f0v%%d autoprobe=1 iommu=separate\n"

struct sim {
	char root[64];
	char state[80];
	char driver[16];
	int num_vfs;
	unsigned int n_numvfs_writes;
	struct sriov_ctx *ctx;
	struct devlink_fake *dl;
	struct devlink_fake_dev *dev;
	struct rtnl_fake *rt;
};

static void sim_build(struct sim *s)
{
	char topo[512], err[256];

	assert_int_equal(fakesys_empty(s->root), 0);
	snprintf(topo, sizeof(topo), TEMPLATE, s->driver, s->num_vfs);
	if (fakesys_build(s->root, topo, err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
}

/* VFs that go lose their settings, as on a real NIC. */
static void reset_settings(struct sim *s)
{
	for (unsigned int i = 0; i < s->rt->num_vf; i++) {
		memset(&s->rt->vf[i], 0, sizeof(s->rt->vf[i]));
		s->rt->vf[i].mask = RTNL_FAKE_FIELDS;
		s->rt->vf[i].vlan_proto = 0x8100;
	}
}

static int sim_write(struct sriov_ctx *ctx, const char *path,
		     const char *value, void *data)
{
	struct sim *s = data;
	const char *attr = strrchr(path, '/') + 1;
	int want = atoi(value);

	(void)ctx;
	if (strcmp(attr, "sriov_numvfs"))
		return -EACCES;
	s->n_numvfs_writes++;
	if (want == s->num_vfs)
		return 0;
	if (s->num_vfs && want)
		return -EBUSY;
	if (!want)
		reset_settings(s);
	s->num_vfs = want;
	s->dev->num_vfs = (unsigned int)want;
	sim_build(s);
	return 0;
}

static void wipe(struct devlink_fake *fk, struct devlink_fake_dev *d, void *data)
{
	(void)fk;
	(void)d;
	reset_settings(data);
}

static int read_ifindex(const char *root)
{
	char path[160], buf[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/net/ens1f0/ifindex", root);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	return atoi(buf);
}

static int setup_driver(void **state, const char *driver)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };

	assert_non_null(s);
	strcpy(s->root, "/dev/shm/sriov-esw-XXXXXX");
	if (!mkdtemp(s->root)) {
		strcpy(s->root, "/tmp/sriov-esw-XXXXXX");
		assert_non_null(mkdtemp(s->root));
	}
	snprintf(s->state, sizeof(s->state), "%s.state", s->root);
	snprintf(s->driver, sizeof(s->driver), "%s", driver);
	s->num_vfs = 4;
	sim_build(s);
	opts.sysfs_root = s->root;
	opts.state_dir = s->state;
	assert_int_equal(sriov_ctx_new(&opts, &s->ctx), 0);
	s->ctx->write_hook = sim_write;
	s->ctx->write_hook_data = s;
	s->dl = devlink_fake_new();
	s->dev = devlink_fake_add(s->dl, "pci", "0000:03:00.0", driver, "ens1f0", 4);
	s->dl->on_wipe = wipe;
	s->dl->on_wipe_data = s;
	s->ctx->devlink_transport = devlink_fake_transact;
	s->ctx->devlink_transport_data = s->dl;
	s->rt = rtnl_fake_new(read_ifindex(s->root), "ens1f0", 4);
	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = s->rt;
	/* settings worth keeping */
	for (unsigned int i = 0; i < 4; i++) {
		s->rt->vf[i].mac[0] = 0x02;
		s->rt->vf[i].mac[5] = (uint8_t)(0x10 + i);
		s->rt->vf[i].vlan = 100 + i;
		s->rt->vf[i].trust = 1;
	}
	*state = s;
	return 0;
}

static int setup_ice(void **state) { return setup_driver(state, "ice"); }
static int setup_mlx5(void **state) { return setup_driver(state, "mlx5_core"); }
static int setup_other(void **state) { return setup_driver(state, "bnxt_en"); }

static int teardown(void **state)
{
	struct sim *s = *state;
	char cmd[200], violation[520];

	snprintf(violation, sizeof(violation), "%s%s", s->dl->violation, s->rt->violation);
	sriov_ctx_free(s->ctx);
	devlink_fake_free(s->dl);
	rtnl_fake_free(s->rt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", s->root, s->state);
	assert_int_equal(system(cmd), 0);
	free(s);
	assert_string_equal(violation, "");
	return 0;
}

static struct sriov_pf *pf_of(struct sim *s)
{
	struct sriov_pf *pf = NULL;

	assert_int_equal(sriov_pf_find(s->ctx, "0000:03:00.0", &pf), 0);
	return pf;
}

static int set(struct sim *s, int mode, bool force, bool dry_run,
	       struct sriov_eswitch_report **rep)
{
	struct sriov_eswitch_opts o = { .sz = sizeof(o), .mode = mode,
					.force = force, .dry_run = dry_run,
					.timeout_ms = 2000 };

	return sriov_pf_set_eswitch(pf_of(s), &o, rep);
}

static void assert_settings_kept(struct sim *s)
{
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(s->rt->vf[i].mac[5], 0x10 + i);
		assert_int_equal(s->rt->vf[i].vlan, 100 + i);
		assert_int_equal(s->rt->vf[i].trust, 1);
	}
}

static const char *status_of(const struct sriov_eswitch_report *rep, int action)
{
	for (size_t i = 0; i < rep->n_steps; i++)
		if (rep->steps[i].action == (enum sriov_eswitch_action)action)
			return sriov_eswitch_status_name(rep->steps[i].status);
	return "absent";
}

static void test_ice_refused_without_force(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;
	const char *err;

	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, false, false, &rep), -ECANCELED);
	err = sriov_ctx_last_error(s->ctx);
	assert_non_null(strstr(err, "sriovctl pf set ens1f0 num-vfs 0"));
	assert_non_null(strstr(err, "devlink dev eswitch set pci/0000:03:00.0 mode switchdev"));
	assert_non_null(strstr(err, "sriovctl pf set ens1f0 num-vfs 4"));
	assert_non_null(rep);
	assert_false(rep->changed);
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_LEGACY);
	assert_int_equal(s->n_numvfs_writes, 0);
	assert_int_equal(s->dl->n_sets, 0);
	assert_int_equal(s->rt->n_setlink, 0);
	sriov_eswitch_report_free(rep);
}

static void test_ice_dry_run(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, true, true, &rep), 0);
	assert_true(rep->changed);
	assert_int_equal(rep->n_steps, 5);
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_REMOVE_VFS), "planned");
	assert_int_equal(rep->mode_after, SRIOV_ESWITCH_SWITCHDEV);
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_LEGACY);
	assert_int_equal(s->n_numvfs_writes + s->dl->n_sets + s->rt->n_setlink, 0);
	sriov_eswitch_report_free(rep);
}

static void test_ice_forced_sequence(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, true, false, &rep), 0);
	assert_true(rep->changed);
	assert_true(rep->vfs_recreated);
	assert_int_equal(rep->mode_before, SRIOV_ESWITCH_LEGACY);
	assert_int_equal(rep->mode_after, SRIOV_ESWITCH_SWITCHDEV);
	assert_int_equal(rep->num_vfs_before, 4);
	assert_int_equal(rep->num_vfs_after, 4);
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_SAVE_SETTINGS), "done");
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_REMOVE_VFS), "done");
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_SET_MODE), "done");
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_CREATE_VFS), "done");
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_RESTORE_SETTINGS), "done");
	assert_int_equal(rep->n_settings_saved, 4);
	assert_int_equal(rep->n_settings_restored, 4);
	assert_int_equal(rep->devlink_writes, 1);
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(s->num_vfs, 4);
	assert_settings_kept(s);
	/* the journal is gone once the settings are back */
	assert_non_null(rep->journal);
	assert_int_equal(access(rep->journal, F_OK), -1);
	sriov_eswitch_report_free(rep);
	/* the same mode again: nothing sent */
	s->dl->n_sets = 0;
	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, true, false, &rep), 0);
	assert_false(rep->changed);
	assert_int_equal(rep->devlink_writes, 0);
	assert_int_equal(s->dl->n_sets, 0);
	sriov_eswitch_report_free(rep);
}

static void test_failed_mode_rolls_back(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	s->dl->fail_cmd = DEVLINK_CMD_ESWITCH_SET;
	s->dl->fail_errno = EIO;
	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, true, false, &rep), -EIO);
	assert_true(rep->rolled_back);
	assert_false(rep->changed);
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_REMOVE_VFS), "undone");
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_SET_MODE), "failed");
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "rolled back"));
	assert_int_equal(s->num_vfs, 4);
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_LEGACY);
	assert_settings_kept(s);
	/* the journal stays for the user when something failed */
	assert_non_null(rep->journal);
	sriov_eswitch_report_free(rep);
}

static void test_rate_nodes_refused(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	s->dev->mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
	s->dev->n_rate_nodes = 1;
	assert_int_equal(set(s, SRIOV_ESWITCH_LEGACY, true, false, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "rate node grp0"));
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx),
			       "devlink port function rate del pci/0000:03:00.0/grp0"));
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	assert_int_equal(s->dl->n_sets + s->n_numvfs_writes, 0);
	sriov_eswitch_report_free(rep);
}

static void test_mlx5_settings_reapplied(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, false, false, &rep), 0);
	assert_true(rep->changed);
	assert_false(rep->vfs_recreated);
	assert_int_equal(s->n_numvfs_writes, 0);
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_RESTORE_SETTINGS), "done");
	assert_int_equal(rep->n_settings_restored, 4);
	assert_settings_kept(s);
	sriov_eswitch_report_free(rep);
}

static void test_other_driver_keeps_settings(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	s->rt->n_setlink = 0;
	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, false, false, &rep), 0);
	assert_true(rep->changed);
	assert_string_equal(status_of(rep, SRIOV_ESWITCH_RESTORE_SETTINGS), "skipped");
	assert_int_equal(rep->n_settings_restored, 0);
	assert_int_equal(s->rt->n_setlink, 0);
	assert_int_equal(s->dev->mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	sriov_eswitch_report_free(rep);
}

static void test_no_devlink(void **state)
{
	struct sim *s = *state;
	struct sriov_eswitch_report *rep = NULL;

	s->dl->no_family = true;
	assert_int_equal(set(s, SRIOV_ESWITCH_SWITCHDEV, true, false, &rep), -EOPNOTSUPP);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "no devlink instance"));
	sriov_eswitch_report_free(rep);
	assert_int_equal(s->n_numvfs_writes, 0);
}

static int setup_ice_rates(void **state)
{
	struct sim *s;

	setup_driver(state, "ice");
	s = *state;
	devlink_fake_add_handler(s->dl, DEVLINK_CMD_RATE_GET, devlink_fake_rate_nodes_dump);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ice_refused_without_force, setup_ice, teardown),
		cmocka_unit_test_setup_teardown(test_ice_dry_run, setup_ice, teardown),
		cmocka_unit_test_setup_teardown(test_ice_forced_sequence, setup_ice, teardown),
		cmocka_unit_test_setup_teardown(test_failed_mode_rolls_back, setup_ice, teardown),
		cmocka_unit_test_setup_teardown(test_rate_nodes_refused, setup_ice_rates, teardown),
		cmocka_unit_test_setup_teardown(test_mlx5_settings_reapplied, setup_mlx5, teardown),
		cmocka_unit_test_setup_teardown(test_other_driver_keeps_settings, setup_other, teardown),
		cmocka_unit_test_setup_teardown(test_no_devlink, setup_ice, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
