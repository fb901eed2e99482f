/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio bind / release against the simulated kernel of tests/fixtures/vfio_sim.c:
 * the driver moves, the journal, every refusal (nothing written), and a
 * failure injected at each write (everything put back).
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
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "iommu.h"
#include "journal.h"
#include "rtnl_fake.h"
#include "users.h"
#include "sriov/vfio.h"
#include "vfio_sim.h"

static int setup(void **state)
{
	*state = vfio_sim_new(true);
	return 0;
}

static int setup_unloaded(void **state)
{
	*state = vfio_sim_new(false);
	return 0;
}

static int teardown(void **state)
{
	vfio_sim_free(*state);
	return 0;
}

static int do_op(struct vfio_sim *s, bool release, const char *const *pcis,
		 struct sriov_vfio_opts *o, struct sriov_vfio_report **rep)
{
	struct sriov_pci_addr a[8];
	size_t n = 0;

	for (; pcis[n]; n++)
		assert_int_equal(sriov_pci_addr_parse(pcis[n], &a[n]), 0);
	*rep = NULL;
	return release ? sriov_vfio_release(s->ctx, a, n, o, rep)
		       : sriov_vfio_bind(s->ctx, a, n, o, rep);
}

static int bind1(struct vfio_sim *s, const char *pci, bool force, bool dry_run,
		 struct sriov_vfio_report **rep)
{
	const char *pcis[] = { pci, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o), .force = force,
				     .dry_run = dry_run };

	return do_op(s, false, pcis, &o, rep);
}

static int release1(struct vfio_sim *s, const char *pci, bool dry_run,
		    struct sriov_vfio_report **rep)
{
	const char *pcis[] = { pci, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o), .dry_run = dry_run };

	return do_op(s, true, pcis, &o, rep);
}

static void assert_untouched(struct vfio_sim *s, const char *pci, const char *drv)
{
	assert_string_equal(vfio_sim_driver(s, pci), drv);
	assert_string_equal(vfio_sim_override(s, pci), "");
	assert_int_equal(vfio_sim_journal_count(s), 0);
}

static void test_bind_and_release(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	struct journal_entry e;
	char node[128];

	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_true(rep->changed);
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->devs[0].pf, IGB_PF);
	assert_int_equal(rep->devs[0].vf, 1);
	assert_string_equal(rep->devs[0].driver_before, "igbvf");
	assert_string_equal(rep->devs[0].driver_after, "vfio-pci");
	assert_non_null(strstr(rep->devs[0].group_dev, "/vfio/"));
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "vfio-pci");
	/* override, unbind, drivers_probe: nothing else, never new_id */
	assert_int_equal(s->n_writes, 3);
	assert_string_equal(s->writes[0], "devices/" IGB_VF1 "/driver_override=vfio-pci");
	assert_string_equal(s->writes[1], "drivers/igbvf/unbind=" IGB_VF1);
	assert_string_equal(s->writes[2], "drivers_probe=" IGB_VF1);
	assert_false(vfio_sim_wrote(s, "drivers/vfio-pci/new_id"));
	snprintf(node, sizeof(node), "%s", rep->devs[0].group_dev);
	assert_int_equal(access(node, F_OK), 0);
	assert_int_equal(sriov_journal_read(s->ctx, IGB_VF1, &e), 0);
	assert_int_equal(e.state, JOURNAL_BOUND);
	assert_string_equal(e.driver, "igbvf");
	assert_string_equal(e.override, "");
	sriov_vfio_report_free(rep);

	s->n_writes = 0;
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_true(rep->changed);
	assert_string_equal(rep->devs[0].driver_after, "igbvf");
	assert_null(rep->devs[0].group_dev);
	assert_untouched(s, IGB_VF1, "igbvf");
	assert_string_equal(s->writes[0], "devices/" IGB_VF1 "/driver_override=");
	assert_string_equal(s->writes[1], "drivers/vfio-pci/unbind=" IGB_VF1);
	assert_string_equal(s->writes[2], "drivers_probe=" IGB_VF1);
	assert_int_equal(access(node, F_OK), -1);
	sriov_vfio_report_free(rep);
}

static void test_already_done(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, IGB_VF0, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	s->n_writes = 0;
	assert_int_equal(bind1(s, IGB_VF0, false, false, &rep), 0);
	assert_false(rep->changed);
	assert_false(rep->devs[0].changed);
	assert_int_equal(s->n_writes, 0);
	sriov_vfio_report_free(rep);
	/* releasing a device not on vfio-pci changes nothing */
	assert_int_equal(release1(s, IGB_VF2, false, &rep), 0);
	assert_false(rep->changed);
	assert_int_equal(s->n_writes, 0);
	sriov_vfio_report_free(rep);
}

/* A VF put on vfio-pci by someone else goes to what the kernel matches. */
static void test_release_without_record(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	strcpy(s->devs[2].driver, "vfio-pci");
	strcpy(s->devs[2].override, "vfio-pci");
	vfio_sim_set(s);
	assert_int_equal(release1(s, IGB_VF2, false, &rep), 0);
	assert_true(rep->changed);
	assert_untouched(s, IGB_VF2, "igbvf");
	sriov_vfio_report_free(rep);
}

/* drivers_probe ignoring the override: bind explicitly through vfio-pci/bind. */
static void test_autoprobe_off(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	s->autoprobe = 0;
	s->probe_ignores_override = true;
	vfio_sim_set(s);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
	assert_true(vfio_sim_wrote(s, "drivers/vfio-pci/bind=" IGB_VF1));
	sriov_vfio_report_free(rep);
	/* back: probing does nothing, igbvf/bind needs the override naming it */
	s->n_writes = 0;
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_untouched(s, IGB_VF1, "igbvf");
	assert_true(vfio_sim_wrote(s, "devices/" IGB_VF1 "/driver_override=igbvf"));
	assert_true(vfio_sim_wrote(s, "drivers/igbvf/bind=" IGB_VF1));
	sriov_vfio_report_free(rep);
}

static void test_vfio_pci_not_loaded(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), -ENOENT);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "vfio-pci driver is not loaded"));
	assert_int_equal(s->n_writes, 0);
	assert_untouched(s, IGB_VF1, "igbvf");
	sriov_vfio_report_free(rep);
	/* a dry run predicts the same */
	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), -ENOENT);
	sriov_vfio_report_free(rep);
}

static void refused(struct vfio_sim *s, const char *pci, const char *drv,
		    bool force, const char *why)
{
	struct sriov_vfio_report *rep;
	size_t entries = vfio_sim_journal_count(s);

	s->n_writes = 0;
	assert_int_equal(bind1(s, pci, force, false, &rep), -ECANCELED);
	if (!strstr(sriov_ctx_last_error(s->ctx), why))
		fail_msg("\"%s\" not in \"%s\"", why, sriov_ctx_last_error(s->ctx));
	assert_non_null(rep);
	assert_int_equal(rep->devs[0].error, -ECANCELED);
	assert_non_null(strstr(rep->devs[0].message, why));
	assert_false(rep->changed);
	assert_int_equal(s->n_writes, 0);
	assert_string_equal(vfio_sim_driver(s, pci), drv);
	assert_string_equal(vfio_sim_override(s, pci), "");
	assert_int_equal(vfio_sim_journal_count(s), entries);
	sriov_vfio_report_free(rep);
}

static void test_refuse_bridge_and_pf(void **state)
{
	struct vfio_sim *s = *state;

	refused(s, ROOT_PORT, "pcieport", false, "is a bridge");
	refused(s, ROOT_PORT, "pcieport", true, "is a bridge");
	refused(s, IGB_PF, "igb", true, "SR-IOV PF with 4 VFs");
}

static void test_refuse_host_use(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	char link[200];

	s->devs[1].up = true;
	vfio_sim_set(s);
	refused(s, IGB_VF1, "igbvf", false, "enp3s0v1 is up");
	assert_int_equal(bind1(s, IGB_VF1, true, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
	sriov_vfio_report_free(rep);

	snprintf(link, sizeof(link), "%s/class/net/enp3s0v2/master", s->root);
	assert_int_equal(symlink("../br0", link), 0);
	refused(s, IGB_VF2, "igbvf", false, "enp3s0v2 is enslaved to br0");
	assert_int_equal(bind1(s, IGB_VF2, true, false, &rep), 0);
	sriov_vfio_report_free(rep);
}

static void test_refuse_non_viable(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	const char *both[] = { NVME_VF0, NVME_VF1, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o), .force = true };

	refused(s, NVME_VF0, "", true, "also holds " NVME_PF " on nvme");
	/* the other VF, named in the same call, does not count against it */
	assert_int_equal(do_op(s, false, both, &o, &rep), -ECANCELED);
	assert_null(strstr(rep->devs[0].message, NVME_VF1));
	assert_int_equal(rep->n_failed, 2);
	assert_int_equal(s->n_writes, 0);
	sriov_vfio_report_free(rep);
	/* with the PF unbound the group is viable */
	s->devs[4].driver[0] = '\0';
	vfio_sim_set(s);
	assert_int_equal(bind1(s, NVME_VF0, false, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, NVME_VF0), "vfio-pci");
	sriov_vfio_report_free(rep);
}

/* Someone binds the PF between the check and the end: caught and undone. */
static void test_not_viable_after_bind(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	s->devs[4].driver[0] = '\0';
	vfio_sim_set(s);
	s->nvme_back_at = 2;
	assert_int_equal(bind1(s, NVME_VF0, false, false, &rep), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "not viable after the bind"));
	assert_true(rep->devs[0].rolled_back);
	assert_false(rep->devs[0].changed);
	assert_untouched(s, NVME_VF0, "");
	sriov_vfio_report_free(rep);
}

static void test_refuse_open_group(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	char node[200];
	int fd;

	s->devs[4].driver[0] = '\0';
	strcpy(s->devs[6].driver, "vfio-pci");
	strcpy(s->devs[6].override, "vfio-pci");
	vfio_sim_set(s);
	snprintf(node, sizeof(node), "%s/vfio/%d", s->dev, vfio_sim_group(s, &s->devs[6]));
	fd = open(node, O_RDWR);
	assert_true(fd >= 0);
	refused(s, NVME_VF0, "", true, "is open (process");
	assert_int_equal(release1(s, NVME_VF1, false, &rep), -ECANCELED);
	assert_non_null(strstr(rep->devs[0].message, "is open"));
	assert_string_equal(vfio_sim_driver(s, NVME_VF1), "vfio-pci");
	sriov_vfio_report_free(rep);
	close(fd);
	assert_int_equal(release1(s, NVME_VF1, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, NVME_VF1), "");
	sriov_vfio_report_free(rep);
}

static void test_refuse_interrupted(void **state)
{
	struct vfio_sim *s = *state;
	struct journal_entry e = { .vf = 1, .state = JOURNAL_BINDING };

	strcpy(e.pci, IGB_VF1);
	strcpy(e.lock, IGB_PF);
	strcpy(e.driver, "igbvf");
	assert_int_equal(sriov_journal_write(s->ctx, &e), 0);
	s->n_writes = 0;
	{
		struct sriov_vfio_report *rep;

		assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), -ECANCELED);
		assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "sriovctl recover"));
		assert_int_equal(s->n_writes, 0);
		sriov_vfio_report_free(rep);
	}
}

static void test_dry_run(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), 0);
	assert_true(rep->changed);
	assert_string_equal(rep->devs[0].driver_after, "vfio-pci");
	assert_untouched(s, IGB_VF1, "igbvf");
	assert_int_equal(s->n_writes, 0);
	sriov_vfio_report_free(rep);
	/* and a dry run of a refused bind is refused too */
	s->devs[1].up = true;
	vfio_sim_set(s);
	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), -ECANCELED);
	sriov_vfio_report_free(rep);
}

static void test_other_device(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, NIC, false, false, &rep), 0);
	assert_int_equal(rep->devs[0].vf, -1);
	assert_string_equal(rep->devs[0].pf, "");
	assert_string_equal(vfio_sim_driver(s, NIC), "vfio-pci");
	sriov_vfio_report_free(rep);
	assert_int_equal(release1(s, NIC, false, &rep), 0);
	assert_untouched(s, NIC, "igb");
	sriov_vfio_report_free(rep);
}

static void test_owner(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	struct sriov_vfio_opts o = { .sz = sizeof(o), .owner = "nobody" };
	const char *pcis[] = { IGB_VF0, NULL };
	struct stat st;

	o.owner = "no-such-user-here";
	assert_int_equal(do_op(s, false, pcis, &o, &rep), -EINVAL);
	assert_null(rep);
	assert_int_equal(s->n_writes, 0);
	o.owner = "65534:65533";
	assert_int_equal(do_op(s, false, pcis, &o, &rep), 0);
	assert_int_equal(stat(rep->devs[0].group_dev, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65533);
	assert_int_equal(st.st_mode & 0777, 0660);
	sriov_vfio_report_free(rep);
}

/* A bare user: that user's primary group, as owner: USER in apply. */
static void test_owner_bare_user(void **state)
{
	struct vfio_sim *s = *state;
	const struct passwd *pw = fixture_other_user();
	struct sriov_vfio_opts o = { .sz = sizeof(o) };
	const char *pcis[] = { IGB_VF0, NULL };
	struct sriov_vfio_report *rep;
	struct stat st;

	if (!pw)
		skip();
	o.owner = pw->pw_name;
	assert_int_equal(do_op(s, false, pcis, &o, &rep), 0);
	assert_int_equal(stat(rep->devs[0].group_dev, &st), 0);
	assert_int_equal(st.st_uid, pw->pw_uid);
	assert_int_equal(st.st_gid, pw->pw_gid);
	assert_int_equal(st.st_mode & 0777, 0660);
	sriov_vfio_report_free(rep);
	o.owner = "a:b:c";
	assert_int_equal(do_op(s, true, pcis, NULL, &rep), 0);
	sriov_vfio_report_free(rep);
	assert_int_equal(do_op(s, false, pcis, &o, &rep), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(s->ctx),
			    "invalid owner \"a:b:c\": expected USER or USER:GROUP (names or numbers)");
}

/* The handles a caller holds stay valid and show the new driver. */
static void test_handles_follow(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	struct sriov_vf *vf;

	assert_int_equal(sriov_vf_find(s->ctx, IGB_VF1, &vf), 0);
	assert_string_equal(sriov_vf_get_info(vf)->driver, "igbvf");
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_string_equal(sriov_vf_get_info(vf)->driver, "vfio-pci");
	assert_null(sriov_vf_get_info(vf)->netdev);
	sriov_vfio_report_free(rep);
}

/* The journal keeps the VF's settings where rtnetlink has them. */
static void test_settings_journaled(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = rtnl_fake_new(2, "enp3s0", 4);
	struct sriov_vfio_report *rep;
	struct journal_entry e;
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };

	memcpy(fk->vf[1].mac, mac, 6);
	fk->vf[1].vlan = 42;
	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = fk;
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_int_equal(sriov_journal_read(s->ctx, IGB_VF1, &e), 0);
	assert_true(e.has_config);
	assert_memory_equal(e.config.mac, mac, 6);
	assert_int_equal(e.config.vlan, 42);
	sriov_vfio_report_free(rep);
	sriov_ctx_free(s->ctx);
	s->ctx = NULL;
	vfio_sim_ctx(s);
	rtnl_fake_free(fk);
}

static struct rtnl_fake *fake_rtnl(struct vfio_sim *s)
{
	struct rtnl_fake *fk = rtnl_fake_new(2, "enp3s0", 4);

	s->ctx->rtnl_transport = rtnl_fake_transact;
	s->ctx->rtnl_transport_data = fk;
	return fk;
}

static void drop_fake_rtnl(struct vfio_sim *s, struct rtnl_fake *fk)
{
	sriov_ctx_free(s->ctx);
	s->ctx = NULL;
	vfio_sim_ctx(s);
	rtnl_fake_free(fk);
}

/* What a VM (or vf set) does to a VF's settings while it is passed through. */
static void vm_changes(struct rtnl_fake *fk, unsigned int vf)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

	memcpy(fk->vf[vf].mac, mac, 6);
	fk->vf[vf].vlan = 7;
	fk->vf[vf].qos = 3;
	fk->vf[vf].trust = true;
	fk->vf[vf].spoofchk = false;
	fk->vf[vf].max_tx_rate = 500;
}

/* A release gives back the settings journaled at bind time, in one request. */
static void test_release_restores_settings(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	const char *pcis[] = { IGB_VF0, IGB_VF1, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o) };

	memcpy(fk->vf[1].mac, mac, 6);
	fk->vf[1].vlan = 42;
	fk->vf[1].spoofchk = true;
	assert_int_equal(do_op(s, false, pcis, &o, &rep), 0);
	sriov_vfio_report_free(rep);
	vm_changes(fk, 0);
	vm_changes(fk, 1);
	rtnl_fake_clear_log(fk);
	assert_int_equal(do_op(s, true, pcis, &o, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_memory_equal(fk->vf[1].mac, mac, 6);
	assert_int_equal(fk->vf[1].vlan, 42);
	assert_int_equal(fk->vf[1].qos, 0);
	assert_false(fk->vf[1].trust);
	assert_true(fk->vf[1].spoofchk);
	assert_int_equal(fk->vf[1].max_tx_rate, 0);
	assert_int_equal(fk->vf[0].vlan, 0);
	assert_false(fk->vf[0].trust);
	assert_int_equal(rep->devs[1].settings_restored,
			 SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_MAX_TX_RATE |
			 SRIOV_VF_HAS_SPOOFCHK | SRIOV_VF_HAS_TRUST);
	assert_int_equal(rep->devs[1].settings_failed, 0);
	/* both VFs of the PF in one request */
	assert_int_equal(fk->n_setlink, 1);
	assert_string_equal(fk->violation, "");
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

static void test_release_keep_settings(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;
	const char *pcis[] = { IGB_VF1, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o) };

	assert_int_equal(do_op(s, false, pcis, &o, &rep), 0);
	sriov_vfio_report_free(rep);
	vm_changes(fk, 1);
	rtnl_fake_clear_log(fk);
	o.keep_settings = true;
	assert_int_equal(do_op(s, true, pcis, &o, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_int_equal(fk->vf[1].vlan, 7);
	assert_true(fk->vf[1].trust);
	assert_int_equal(fk->n_setlink, 0);
	assert_int_equal(rep->devs[0].settings_restored, 0);
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

/* Without a journal entry: spoof checking on, trust off, VLAN 0; the MAC stays. */
static void test_release_safe_defaults(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;

	strcpy(s->devs[1].driver, "vfio-pci");
	strcpy(s->devs[1].override, "vfio-pci");
	vfio_sim_set(s);
	vm_changes(fk, 1);
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_int_equal(fk->vf[1].vlan, 0);
	assert_false(fk->vf[1].trust);
	assert_true(fk->vf[1].spoofchk);
	assert_int_equal(fk->vf[1].mac[5], 0x99);
	assert_int_equal(fk->vf[1].max_tx_rate, 500);
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

/* A setting the driver rejects: the move stands, the call fails with -EIO. */
static void test_release_settings_fail(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	vm_changes(fk, 1);
	rtnl_fake_refuse(fk, SRIOV_VF_HAS_TRUST, 1, EINVAL, "trust is locked");
	assert_int_equal(release1(s, IGB_VF1, false, &rep), -EIO);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_true(rep->devs[0].changed);
	assert_false(rep->devs[0].rolled_back);
	assert_int_equal(rep->devs[0].settings_failed, SRIOV_VF_HAS_TRUST);
	assert_non_null(strstr(rep->devs[0].message, "trust is locked"));
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

/* What the tree shows for a netdev's attribute; -1 when absent. */
static int sim_netdev_int(struct vfio_sim *s, const char *ifname, const char *attr)
{
	char path[256];
	FILE *fp;
	int v = -1;

	snprintf(path, sizeof(path), "%s/class/net/%s/%s", s->root, ifname, attr);
	fp = fopen(path, "r");
	if (fp && fscanf(fp, "%d", &v) != 1)
		v = -1;
	if (fp)
		fclose(fp);
	return v;
}

static void sim_netdev_mtu(struct vfio_sim *s, const char *ifname, unsigned int mtu)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/class/net/%s/mtu", s->root, ifname);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%u\n", mtu);
	fclose(fp);
}

/*
 * The MTU of the VF's netdev is journaled at bind time and set back once
 * igbvf has made the netdev again (with its default MTU): one write.
 */
static void test_release_restores_mtu(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;
	struct rtnl_fake_mtu *link;
	struct journal_entry e;
	int ifindex = sim_netdev_int(s, "enp3s0v1", "ifindex");

	assert_true(ifindex > 0);
	sim_netdev_mtu(s, "enp3s0v1", 1400);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	assert_int_equal(sriov_journal_read(s->ctx, IGB_VF1, &e), 0);
	assert_int_equal(e.mtu, 1400);
	/* igbvf comes back with 1500, as the kernel shows it */
	link = rtnl_fake_add_link(fk, ifindex, 1500, 68, 9000);
	assert_non_null(link);
	rtnl_fake_clear_log(fk);
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_int_equal(sim_netdev_int(s, "enp3s0v1", "ifindex"), ifindex);
	assert_int_equal(link->mtu, 1400);
	assert_int_equal(fk->n_setmtu, 1);
	assert_true(rep->devs[0].settings_restored & SRIOV_VF_HAS_MTU);
	assert_int_equal(rep->devs[0].settings_failed, 0);
	assert_string_equal(sriov_vf_field_name(SRIOV_VF_HAS_MTU), "mtu");
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_vfio_report_free(rep);

	/* again with the MTU already right: no write */
	sim_netdev_mtu(s, "enp3s0v1", 1400);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	rtnl_fake_clear_log(fk);
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_int_equal(fk->n_setmtu, 0);
	assert_false(rep->devs[0].settings_restored & SRIOV_VF_HAS_MTU);
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

/* An MTU the driver refuses: the move stands, the MTU is named as failed. */
static void test_release_mtu_fails(void **state)
{
	struct vfio_sim *s = *state;
	struct rtnl_fake *fk = fake_rtnl(s);
	struct sriov_vfio_report *rep;
	int ifindex = sim_netdev_int(s, "enp3s0v1", "ifindex");

	sim_netdev_mtu(s, "enp3s0v1", 1400);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	/* this driver now takes 1500 at least */
	assert_non_null(rtnl_fake_add_link(fk, ifindex, 1500, 1500, 9000));
	assert_int_equal(release1(s, IGB_VF1, false, &rep), -EIO);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	assert_false(rep->devs[0].rolled_back);
	assert_int_equal(rep->devs[0].settings_failed, SRIOV_VF_HAS_MTU);
	assert_non_null(strstr(rep->devs[0].message, "MTU 1400"));
	assert_int_equal(vfio_sim_journal_count(s), 0);
	sriov_vfio_report_free(rep);
	drop_fake_rtnl(s, fk);
}

/* --reset writes the reset attribute while the device is still on vfio-pci. */
static void test_release_reset(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;
	const char *pcis[] = { IGB_VF1, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o), .reset = true };

	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	s->n_writes = 0;
	assert_int_equal(do_op(s, true, pcis, &o, &rep), 0);
	assert_true(rep->devs[0].reset);
	assert_string_equal(s->writes[0], "devices/" IGB_VF1 "/reset=1");
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf");
	sriov_vfio_report_free(rep);
}

/* A failure at write k: every device back where it was, no journal left. */
static void rollback_at(int k, bool two, bool autoprobe_off)
{
	struct vfio_sim *s = vfio_sim_new(true);
	const char *pcis[] = { IGB_VF0, two ? IGB_VF1 : NULL, NULL };
	struct sriov_vfio_opts o = { .sz = sizeof(o) };
	struct sriov_vfio_report *rep;

	s->autoprobe = !autoprobe_off;
	s->probe_ignores_override = autoprobe_off;
	vfio_sim_set(s);
	s->fail_at = k;
	s->fail_err = EIO;
	assert_int_equal(do_op(s, false, pcis, &o, &rep), -EIO);
	assert_non_null(rep);
	assert_false(rep->changed);
	assert_int_equal(rep->n_failed, 1);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->devs[i].error == 0 && !rep->devs[i].rolled_back)
			assert_int_equal(i, rep->n - 1); /* never started */
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "Input/output error"));
	assert_untouched(s, IGB_VF0, "igbvf");
	assert_untouched(s, IGB_VF1, "igbvf");
	sriov_vfio_report_free(rep);
	vfio_sim_free(s);
}

static void test_rollback_each_step(void **state)
{
	(void)state;
	for (int k = 1; k <= 3; k++)
		rollback_at(k, false, false);
	for (int k = 1; k <= 6; k++)
		rollback_at(k, true, false);
	for (int k = 1; k <= 4; k++)
		rollback_at(k, false, true);
}

/* A failure at write k of a release: back on vfio-pci, record kept. */
static void test_release_rollback_each_step(void **state)
{
	(void)state;
	for (int k = 1; k <= 3; k++) {
		struct vfio_sim *s = vfio_sim_new(true);
		struct sriov_vfio_report *rep;
		struct journal_entry e;

		assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
		sriov_vfio_report_free(rep);
		s->n_writes = 0;
		s->fail_at = k;
		s->fail_err = EBUSY;
		assert_int_equal(release1(s, IGB_VF1, false, &rep), -EBUSY);
		assert_true(rep->devs[0].error == -EBUSY);
		assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
		assert_string_equal(vfio_sim_override(s, IGB_VF1), "vfio-pci");
		assert_int_equal(sriov_journal_read(s->ctx, IGB_VF1, &e), 0);
		assert_int_equal(e.state, JOURNAL_BOUND);
		assert_string_equal(e.driver, "igbvf");
		sriov_vfio_report_free(rep);
		vfio_sim_free(s);
	}
}

/* vfio-pci's probe fails: drivers_probe "succeeds" with no driver bound. */
static void test_probe_fails(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	s->probe_fails = "vfio-pci";
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "bind to vfio-pci"));
	assert_true(rep->devs[0].rolled_back);
	assert_untouched(s, IGB_VF1, "igbvf");
	sriov_vfio_report_free(rep);
}

static void test_viability_rules(void **state)
{
	struct sriov_iommu_member m = { .pci = "0000:00:00.0" };
	const char *ok[] = { NULL, "vfio-pci", "mlx5_vfio_pci", "pci-stub",
			     "pcieport" };
	const char *bad[] = { "igbvf", "nvme", "pci-pf-stub", "vfio" };

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		m.driver = ok[i];
		assert_true(sriov_iommu_member_viable(&m));
	}
	for (size_t i = 0; i < 4; i++) {
		m.driver = bad[i];
		assert_false(sriov_iommu_member_viable(&m));
	}
	assert_false(sriov_iommu_member_viable(NULL));
	assert_false(sriov_vfio_driver_is_vfio("vfio"));
	assert_true(sriov_vfio_driver_is_vfio("hisi_acc_vfio_pci"));
}

static void test_group_viable(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_iommu_group *g;

	struct sriov_vfio_report *rep;

	assert_int_equal(bind1(s, IGB_VF0, false, false, &rep), 0);
	sriov_vfio_report_free(rep);
	assert_int_equal(sriov_iommu_group_find(s->ctx, NVME_VF0, &g), 0);
	assert_false(sriov_iommu_group_viable(g));
	assert_int_equal(sriov_iommu_group_find(s->ctx, IGB_VF1, &g), 0);
	assert_false(sriov_iommu_group_viable(g));
	assert_int_equal(sriov_iommu_group_find(s->ctx, IGB_VF0, &g), 0);
	assert_true(sriov_iommu_group_viable(g));
	/* a root port on pcieport does not spoil its group */
	assert_int_equal(sriov_iommu_group_find(s->ctx, ROOT_PORT, &g), 0);
	assert_true(sriov_iommu_group_viable(g));
}

static void test_bad_input(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep = NULL;
	struct sriov_pci_addr a;
	struct sriov_vfio_opts small = { .sz = 1 };

	assert_int_equal(sriov_pci_addr_parse("0000:03:1f.0", &a), 0);
	assert_int_equal(sriov_vfio_bind(s->ctx, &a, 1, NULL, &rep), -ENODEV);
	assert_non_null(rep);
	assert_int_equal(rep->devs[0].error, -ENODEV);
	sriov_vfio_report_free(rep);
	assert_int_equal(sriov_vfio_bind(s->ctx, &a, 0, NULL, &rep), -EINVAL);
	assert_int_equal(sriov_vfio_bind(s->ctx, &a, 1, &small, &rep), -EINVAL);
	assert_int_equal(sriov_vfio_bind(NULL, &a, 1, NULL, &rep), -EINVAL);
	sriov_vfio_report_free(NULL);
}

static void test_spec_resolve(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_pci_addr *a;
	char pci[SRIOV_PCI_ADDR_STRLEN];
	size_t n;

	assert_int_equal(sriov_vfio_spec_resolve(s->ctx, IGB_PF "#1-2", &a, &n), 0);
	assert_int_equal(n, 2);
	sriov_pci_addr_format(&a[1], pci);
	assert_string_equal(pci, IGB_VF2);
	free(a);
	/* a PF's address names its VFs; another device names itself */
	assert_int_equal(sriov_vfio_spec_resolve(s->ctx, IGB_PF, &a, &n), 0);
	assert_int_equal(n, 4);
	free(a);
	assert_int_equal(sriov_vfio_spec_resolve(s->ctx, "05:00.0", &a, &n), 0);
	assert_int_equal(n, 1);
	free(a);
	assert_int_equal(sriov_vfio_spec_resolve(s->ctx, "05:01.0", &a, &n), -ENODEV);
	assert_int_equal(sriov_vfio_spec_resolve(s->ctx, IGB_PF "#9", &a, &n), -ERANGE);
}

/* A modules.alias in DIR.modules for the context, as a kernel's would read. */
static void sim_modules(struct vfio_sim *s, const char *alias)
{
	char dir[128], path[160];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s.modules", s->root);
	snprintf(path, sizeof(path), "%s/modules.alias", dir);
	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(alias, f);
	assert_int_equal(fclose(f), 0);
	free(s->ctx->modules_dir);
	s->ctx->modules_dir = strdup(dir);
}

static void sim_modules_remove(struct vfio_sim *s)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/modules.alias", s->ctx->modules_dir);
	unlink(path);
	rmdir(s->ctx->modules_dir);
}

/* The catch-all entry is plain vfio-pci; the most specific match wins. */
static const char variant_aliases[] =
	"# Aliases extracted from modules themselves.\n"
	"alias pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf\n"
	"alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
	"alias vfio_pci:v00008086d*sv*sd*bc*sc*i* intel_vfio_pci\n"
	"alias vfio_pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf_vfio_pci\n"
	"alias vfio_pci:v00001B36d00000010sv*sd*bc*sc*i* nvme_vfio_pci\n";

/*
 * A vfio-pci variant driver named in modules.alias for the device: bind
 * takes it through driver_override, everything after treats it as VFIO,
 * release goes back to the host driver; opts.driver "vfio-pci" forces the
 * plain one.
 */
static void test_bind_variant(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_opts o = { .sz = sizeof(o) };
	const char *vf1[] = { IGB_VF1, NULL };
	struct sriov_vfio_report *rep;
	struct sriov_pci_addr a;
	struct journal_entry e;

	s->variant = "igbvf_vfio_pci";
	vfio_sim_set(s);
	sim_modules(s, variant_aliases);
	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "igbvf_vfio_pci");
	assert_true(rep->devs[0].changed);
	sriov_vfio_report_free(rep);
	assert_untouched(s, IGB_VF1, "igbvf");

	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "igbvf_vfio_pci");
	assert_non_null(rep->devs[0].group_dev);
	sriov_vfio_report_free(rep);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "igbvf_vfio_pci");
	assert_string_equal(vfio_sim_override(s, IGB_VF1), "igbvf_vfio_pci");
	assert_true(vfio_sim_wrote(s, "devices/" IGB_VF1 "/driver_override=igbvf_vfio_pci"));
	assert_int_equal(sriov_journal_read(s->ctx, IGB_VF1, &e), 0);
	assert_int_equal(e.state, JOURNAL_BOUND);
	assert_string_equal(e.driver, "igbvf");
	/* a VFIO driver for QEMU, and for a second bind: nothing to do */
	sriov_pci_addr_parse(IGB_VF1, &a);
	assert_int_equal(sriov_vfio_usable(s->ctx, &a), 0);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), 0);
	assert_false(rep->devs[0].changed);
	sriov_vfio_report_free(rep);

	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "igbvf");
	sriov_vfio_report_free(rep);
	assert_untouched(s, IGB_VF1, "igbvf");

	o.driver = "vfio-pci";
	assert_int_equal(do_op(s, false, vf1, &o, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "vfio-pci");
	sriov_vfio_report_free(rep);
	assert_string_equal(vfio_sim_driver(s, IGB_VF1), "vfio-pci");
	assert_int_equal(release1(s, IGB_VF1, false, &rep), 0);
	sriov_vfio_report_free(rep);

	o.driver = "igbvf";
	assert_int_equal(do_op(s, false, vf1, &o, &rep), -EINVAL);
	assert_null(rep);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "invalid driver \"igbvf\""));
	assert_untouched(s, IGB_VF1, "igbvf");
	sim_modules_remove(s);
}

/* The catch-all alone, or no modules.alias: plain vfio-pci. */
static void test_bind_no_variant(void **state)
{
	struct vfio_sim *s = *state;
	struct sriov_vfio_report *rep;

	sim_modules(s, "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n");
	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "vfio-pci");
	sriov_vfio_report_free(rep);
	sim_modules_remove(s);
	assert_int_equal(bind1(s, IGB_VF1, false, true, &rep), 0);
	assert_string_equal(rep->devs[0].driver_after, "vfio-pci");
	sriov_vfio_report_free(rep);
	/* a variant named for the device but not in the tree: nothing moves */
	sim_modules(s, variant_aliases);
	assert_int_equal(bind1(s, IGB_VF1, false, false, &rep), -ENOENT);
	sriov_vfio_report_free(rep);
	assert_non_null(strstr(sriov_ctx_last_error(s->ctx), "igbvf_vfio_pci driver is not loaded"));
	assert_untouched(s, IGB_VF1, "igbvf");
	sim_modules_remove(s);
}

/* A driver by any name whose module uses vfio_pci_core is a VFIO driver. */
static void test_vfio_by_module(void **state)
{
	static const char *const dirs[] = { "vfio_pci_core", "vfio_pci_core/holders",
					    "vfio_pci_core/holders/igbvf" };
	struct vfio_sim *s = *state;
	char path[192];

	assert_false(sriov_driver_is_vfio(s->ctx, "igbvf"));
	assert_true(sriov_driver_is_vfio(s->ctx, "vfio-pci"));
	assert_false(sriov_driver_is_vfio(s->ctx, NULL));

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/module/%s", s->root, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	assert_true(sriov_driver_is_vfio(s->ctx, "igbvf"));
	assert_false(sriov_driver_is_vfio(s->ctx, "nvme"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bind_and_release),
		T(test_bind_variant),
		T(test_bind_no_variant),
		T(test_vfio_by_module),
		T(test_already_done),
		T(test_release_without_record),
		T(test_autoprobe_off),
		cmocka_unit_test_setup_teardown(test_vfio_pci_not_loaded, setup_unloaded, teardown),
		T(test_refuse_bridge_and_pf),
		T(test_refuse_host_use),
		T(test_refuse_non_viable),
		T(test_not_viable_after_bind),
		T(test_refuse_open_group),
		T(test_refuse_interrupted),
		T(test_dry_run),
		T(test_other_device),
		T(test_owner),
		T(test_owner_bare_user),
		T(test_handles_follow),
		T(test_settings_journaled),
		T(test_release_restores_settings),
		T(test_release_keep_settings),
		T(test_release_safe_defaults),
		T(test_release_settings_fail),
		T(test_release_restores_mtu),
		T(test_release_mtu_fails),
		T(test_release_reset),
		cmocka_unit_test(test_rollback_each_step),
		cmocka_unit_test(test_release_rollback_each_step),
		T(test_probe_fails),
		cmocka_unit_test(test_viability_rules),
		T(test_group_viable),
		T(test_bad_input),
		T(test_spec_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
