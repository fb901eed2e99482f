/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sriov_recover() after a process killed between any two steps of a bind
 * or a release: a child runs the change against the simulated kernel and
 * dies (_exit, as after kill -9) just before or just after write k; a
 * fresh context then recovers, and the device must be back on a driver
 * the journal names, with the journal empty (or holding the bind record).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "journal.h"
#include "rtnl_fake.h"
#include "sriov/vfio.h"
#include "vfio_sim.h"

static int change(struct vfio_sim *s, bool release, const char *pci)
{
	struct sriov_vfio_opts o = { .sz = sizeof(o) };
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr a;
	int r;

	assert_int_equal(sriov_pci_addr_parse(pci, &a), 0);
	r = release ? sriov_vfio_release(s->ctx, &a, 1, &o, &rep)
		    : sriov_vfio_bind(s->ctx, &a, 1, &o, &rep);
	sriov_vfio_report_free(rep);
	return r;
}

/* Runs the change in a child that dies at write k; returns its exit status. */
static int killed_at(struct vfio_sim *s, bool release, const char *pci, int k,
		     bool after)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		s->n_writes = 0;
		s->abort_at = k;
		s->abort_after = after;
		_exit(change(s, release, pci) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* A fresh context, as the next sriovctl run would have. */
static void restart(struct vfio_sim *s)
{
	void *fk = s->ctx->rtnl_transport_data;

	sriov_ctx_free(s->ctx);
	vfio_sim_ctx(s);
	s->n_writes = 0;
	if (fk) {
		s->ctx->rtnl_transport = rtnl_fake_transact;
		s->ctx->rtnl_transport_data = fk;
	}
}

static struct sriov_recover_report *recover(struct vfio_sim *s, int want)
{
	struct sriov_recover_report *rep = NULL;

	assert_int_equal(sriov_recover(s->ctx, false, &rep), want);
	assert_non_null(rep);
	return rep;
}

static void bind_killed(int k, bool after, bool autoprobe_off)
{
	struct vfio_sim *s = vfio_sim_new(true);
	struct sriov_recover_report *rep;
	int status;

	s->autoprobe = !autoprobe_off;
	s->probe_ignores_override = autoprobe_off;
	vfio_sim_set(s);
	status = killed_at(s, false, IGB_VF1, k, after);
	assert_int_equal(status, 9);
	assert_int_equal(vfio_sim_journal_count(s), 1);
	restart(s);
	rep = recover(s, 0);
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->entries[0].pci, IGB_VF1);
	assert_string_equal(rep->entries[0].state, "binding");
	assert_string_equal(rep->entries[0].action, "restore");
	assert_int_equal(rep->entries[0].error, 0);
	assert_string_equal(rep->entries[0].driver, "igbvf");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "");
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_recover_report_free(rep);
	/* and nothing is left to do */
	rep = recover(s, 0);
	assert_int_equal(rep->n, 0);
	sriov_recover_report_free(rep);
	vfio_sim_free(s);
}

static void test_bind_killed_at_each_step(void **state)
{
	(void)state;
	for (int k = 1; k <= 3; k++) {
		bind_killed(k, false, false);
		bind_killed(k, true, false);
	}
	for (int k = 1; k <= 4; k++) {
		bind_killed(k, false, true);
		bind_killed(k, true, true);
	}
}

static void release_killed(int k, bool after, bool autoprobe_off)
{
	struct vfio_sim *s = vfio_sim_new(true);
	struct sriov_recover_report *rep;

	s->autoprobe = !autoprobe_off;
	s->probe_ignores_override = autoprobe_off;
	vfio_sim_set(s);
	assert_int_equal(change(s, false, IGB_VF1), 0);
	assert_int_equal(killed_at(s, true, IGB_VF1, k, after), 9);
	restart(s);
	rep = recover(s, 0);
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->entries[0].state, "releasing");
	assert_string_equal(rep->entries[0].action, "release");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "");
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_recover_report_free(rep);
	vfio_sim_free(s);
}

static void test_release_killed_at_each_step(void **state)
{
	(void)state;
	for (int k = 1; k <= 3; k++) {
		release_killed(k, false, false);
		release_killed(k, true, false);
	}
	/*
	 * clear override, unbind, probe (nothing), bind igbvf (ENODEV),
	 * override igbvf, bind, clear override
	 */
	for (int k = 1; k <= 7; k++) {
		release_killed(k, false, true);
		release_killed(k, true, true);
	}
}

/* Binds or releases VF0 and VF1 in one call, in a child that dies at write k. */
static int killed2_at(struct vfio_sim *s, bool release, int k, bool after)
{
	struct sriov_vfio_opts o = { .sz = sizeof(o) };
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr a[2];
	int status, r;
	pid_t pid;

	assert_int_equal(sriov_pci_addr_parse(IGB_VF0, &a[0]), 0);
	assert_int_equal(sriov_pci_addr_parse(IGB_VF1, &a[1]), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		s->n_writes = 0;
		s->abort_at = k;
		s->abort_after = after;
		r = release ? sriov_vfio_release(s->ctx, a, 2, &o, &rep)
			    : sriov_vfio_bind(s->ctx, a, 2, &o, &rep);
		_exit(r == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * A call journals every device before it touches the first: killed at
 * any write of a bind of two VFs (three writes each), both are in the
 * journal, and recover puts both back; killed in a release of both, both
 * end on igbvf.
 */
static void both_killed(bool release, int k, bool after)
{
	struct vfio_sim *s = vfio_sim_new(true);
	struct sriov_recover_report *rep;

	vfio_sim_set(s);
	if (release) {
		assert_int_equal(change(s, false, IGB_VF0), 0);
		assert_int_equal(change(s, false, IGB_VF1), 0);
	}
	assert_int_equal(killed2_at(s, release, k, after), 9);
	assert_int_equal(vfio_sim_journal_count(s), 2);
	restart(s);
	rep = recover(s, 0);
	assert_int_equal(rep->n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(rep->entries[i].state, release ? "releasing" : "binding");
		assert_int_equal(rep->entries[i].error, 0);
	}
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "igbvf");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF0), "");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "");
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_recover_report_free(rep);
	vfio_sim_free(s);
}

static void test_two_killed_at_each_step(void **state)
{
	(void)state;
	for (int k = 1; k <= 6; k++) {
		both_killed(false, k, false);
		both_killed(false, k, true);
		both_killed(true, k, false);
		both_killed(true, k, true);
	}
}

/* A VF that had no driver (autoprobe off) goes back to none. */
static void test_bind_killed_driverless(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep;

	s->devs[4].driver[0] = '\0';
	vfio_sim_set(s);
	assert_int_equal(killed_at(s, false, NVME_VF0, 2, true), 9);
	assert_string_equal(vfio_sim_driver(s, NVME_VF0), "vfio-pci");
	restart(s);
	rep = recover(s, 0);
	assert_string_equal(rep->entries[0].action, "restore");
	assert_null(rep->entries[0].driver);
	assert_string_equal(vfio_sim_driver(s, NVME_VF0), "");
	assert_string_equal(vfio_sim_override(s, NVME_VF0), "");
	sriov_recover_report_free(rep);
}

/* A modules.alias that names a vfio-pci variant driver for igb VFs. */
static void variant_modules(struct vfio_sim *s, bool write)
{
	char dir[128], path[160];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s.modules", s->root);
	snprintf(path, sizeof(path), "%s/modules.alias", dir);
	if (write) {
		assert_int_equal(mkdir(dir, 0755), 0);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
		      "alias vfio_pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf_vfio_pci\n", f);
		assert_int_equal(fclose(f), 0);
	}
	free(s->ctx->modules_dir);
	s->ctx->modules_dir = strdup(dir);
}

/*
 * A bind to a variant killed once the variant has the VF: recover puts it
 * back on igbvf; a finished one is kept, and release takes it back.
 */
static void test_variant(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep;
	char path[160];

	s->variant = "igbvf_vfio_pci";
	vfio_sim_set(s);
	variant_modules(s, true);
	/* override, unbind, drivers_probe: killed after the probe took effect */
	assert_int_equal(killed_at(s, false, IGB_VF1, 3, true), 9);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf_vfio_pci");
	restart(s);
	variant_modules(s, false);
	rep = recover(s, 0);
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->entries[0].state, "binding");
	assert_string_equal(rep->entries[0].action, "restore");
	assert_string_equal(rep->entries[0].driver, "igbvf");
	sriov_recover_report_free(rep);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "");

	assert_int_equal(change(s, false, IGB_VF1), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf_vfio_pci");
	rep = recover(s, 0);
	assert_string_equal(rep->entries[0].action, "keep");
	sriov_recover_report_free(rep);
	assert_int_equal(change(s, true, IGB_VF1), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_int_equal(vfio_sim_journal_count(s), 0);
	snprintf(path, sizeof(path), "%s/modules.alias", s->ctx->modules_dir);
	unlink(path);
	rmdir(s->ctx->modules_dir);
}

static void test_keep_and_drop(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep;
	struct journal_entry e = { .vf = -1, .state = JOURNAL_BOUND };

	assert_int_equal(change(s, false, IGB_VF0), 0);
	assert_int_equal(change(s, false, IGB_VF1), 0);
	/* VF 1 went back to igbvf behind sriovctl's back */
	strcpy(s->devs[1].driver, "igbvf");
	s->devs[1].override[0] = '\0';
	vfio_sim_set(s);
	/* and a record of a device that is gone */
	strcpy(e.pci, "0000:03:11.0");
	strcpy(e.lock, IGB_PF);
	assert_int_equal(sriov_journal_write(s->ctx, &e), 0);
	s->n_writes = 0;
	rep = recover(s, 0);
	assert_int_equal(rep->n, 3);
	assert_string_equal(rep->entries[0].pci, IGB_VF0);
	assert_string_equal(rep->entries[0].action, "keep");
	assert_string_equal(rep->entries[1].action, "drop");
	assert_string_equal(rep->entries[2].pci, "0000:03:11.0");
	assert_string_equal(rep->entries[2].action, "drop");
	assert_false(rep->changed);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(vfio_sim_journal_count(s), 1);
	sriov_recover_report_free(rep);
}

static void test_dry_run(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep = NULL;

	assert_int_equal(killed_at(s, false, IGB_VF1, 2, true), 9);
	restart(s);
	assert_int_equal(sriov_recover(s->ctx, true, &rep), 0);
	assert_string_equal(rep->entries[0].action, "restore");
	assert_true(rep->changed);
	assert_int_equal(s->n_writes, 0);
	assert_int_equal(vfio_sim_journal_count(s), 1);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "");
	sriov_recover_report_free(rep);
}

static void test_damaged_entry(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep;
	char path[256];
	FILE *f;

	assert_int_equal(change(s, false, IGB_VF0), 0);
	snprintf(path, sizeof(path), "%s/journal/" IGB_VF2 ".vfio", s->state);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("version 1\ndevice " IGB_VF2 "\nstate binding\ndriver ../../x\n", f);
	fclose(f);
	rep = recover(s, -EBADMSG);
	assert_int_equal(rep->n, 2);
	assert_int_equal(rep->n_failed, 1);
	assert_string_equal(rep->entries[1].state, "damaged");
	assert_non_null(strstr(rep->entries[1].message, "damaged"));
	assert_int_equal(access(path, F_OK), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF2), "igbvf");
	sriov_recover_report_free(rep);
}

/* A bind fails and so does putting it back: the journal keeps it for recover. */
static void test_double_failure(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *vrep = NULL;
	struct sriov_recover_report *rep;
	struct sriov_pci_addr a;

	assert_int_equal(sriov_pci_addr_parse(IGB_VF1, &a), 0);
	s->fail_at = 3;  /* drivers_probe */
	s->fail_at2 = 4; /* the first write of the rollback */
	assert_int_equal(sriov_vfio_bind(s->ctx, &a, 1, NULL, &vrep), -EIO);
	assert_non_null(strstr(vrep->devs[0].message, "putting it back failed too"));
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "sriovctl recover"));
	assert_false(vrep->devs[0].rolled_back);
	sriov_vfio_report_free(vrep);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "");
	assert_int_equal(vfio_sim_journal_count(s), 1);
	s->fail_at = s->fail_at2 = 0;
	rep = recover(s, 0);
	assert_string_equal(rep->entries[0].action, "restore");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	sriov_recover_report_free(rep);
}

/* A journal naming a driver that cannot be loaded: the device stays put. */
static void test_restore_driver_missing(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_recover_report *rep;
	struct journal_entry e;

	s->autoprobe = 0;
	vfio_sim_set(s);
	assert_int_equal(change(s, false, IGB_VF0), 0);
	assert_int_equal(sriov_journal_read(s->ctx, IGB_VF0, &e), 0);
	e.state = JOURNAL_RELEASING;
	strcpy(e.driver, "ixgbevf");
	assert_int_equal(sriov_journal_write(s->ctx, &e), 0);
	s->n_writes = 0;
	rep = recover(s, -ENOENT);
	assert_int_equal(rep->n_failed, 1);
	assert_non_null(strstr(rep->entries[0].message, "cannot go back to ixgbevf"));
	assert_non_null(strstr(rep->entries[0].message, "left on vfio-pci"));
	assert_int_equal(s->n_writes, 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF0), "vfio-pci");
	assert_int_equal(vfio_sim_journal_count(s), 1);
	sriov_recover_report_free(rep);
}

/* Recover puts back the VF settings journaled before the bind. */
static void test_settings_restored(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = rtnl_fake_new(2, "enp3s0", 4);
	struct sriov_recover_report *rep;
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };

	memcpy(fk->vf[1].mac, mac, 6);
	fk->vf[1].vlan = 7;
	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = fk;
	assert_int_equal(killed_at(s, false, IGB_VF1, 3, true), 9);
	/* the VF reset lost them */
	memset(fk->vf[1].mac, 0, 6);
	fk->vf[1].vlan = 0;
	restart(s);
	rep = recover(s, 0);
	assert_true(rep->changed);
	assert_null(rep->entries[0].message);
	assert_memory_equal(fk->vf[1].mac, mac, 6);
	assert_int_equal(fk->vf[1].vlan, 7);
	assert_string_equal(fk->violation, "");
	sriov_recover_report_free(rep);
	sriov_ctx_free(s->ctx);
	s->ctx = NULL;
	vfio_sim_ctx(s);
	rtnl_fake_free(fk);
}

static int setup(void **state)
{
	*state = vfio_sim_new(true);
	return 0;
}

static int teardown(void **state)
{
	vfio_sim_free(*state);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_killed_at_each_step),
		cmocka_unit_test(test_release_killed_at_each_step),
		T(test_two_killed_at_each_step),
		T(test_bind_killed_driverless),
		T(test_restore_driver_missing),
		T(test_keep_and_drop),
		T(test_variant),
		T(test_dry_run),
		T(test_damaged_entry),
		T(test_double_failure),
		T(test_settings_restored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
