/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Claim leases: the JSON written, read back alike, and nothing else accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "claim.h"

static struct sriov_claim *sample(void)
{
	struct sriov_claim *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->vfs = calloc(2, sizeof(*c->vfs));
	assert_non_null(c->vfs);
	strcpy(c->name, "web-3.a_b");
	c->created = 1764650000;
	c->holder_pid = 4242;
	c->holder_start = 987654321;
	strcpy(c->owner, "qemu:kvm");
	c->driver = SRIOV_CLAIM_DRIVER_VFIO;
	c->complete = true;
	c->n = 2;
	for (size_t i = 0; i < 2; i++) {
		struct sriov_claim_vf *v = &c->vfs[i];

		snprintf(v->pci, sizeof(v->pci), "0000:01:10.%zu", 2 * i);
		strcpy(v->pf, "0000:01:00.0");
		v->vf = (int)i;
		v->iommu_group = i ? SRIOV_NO_VALUE : 17;
		strcpy(v->driver_before, i ? "" : "igbvf");
		strcpy(v->driver, "vfio-pci");
		v->has_before = i == 0;
		v->before.mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK |
				 SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_LINK_STATE;
		memcpy(v->before.mac, "\x02\x11\x22\x33\x44\x55", 6);
		v->before.vlan = 7;
		v->before.qos = 2;
		v->before.vlan_proto = SRIOV_VLAN_PROTO_8021Q;
		v->before.spoofchk = true;
		v->settings.mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_MAX_TX_RATE;
		memcpy(v->settings.mac, "\x02\x00\x00\x00\x01\x00", 6);
		v->settings.mac[5] = (uint8_t)i;
		v->settings.trust = true;
		v->settings.max_tx_rate = 1000;
	}
	return c;
}

static void test_round_trip(void **state)
{
	struct sriov_claim *c = sample(), *back = NULL;
	char *text = NULL, *again = NULL;

	(void)state;
	assert_int_equal(sriov_lease_format(c, &text), 0);
	assert_int_equal(sriov_lease_parse(text, &back), 0);
	assert_string_equal(back->name, c->name);
	assert_int_equal(back->created, c->created);
	assert_int_equal(back->holder_pid, 4242);
	assert_int_equal(back->holder_start, 987654321);
	assert_string_equal(back->owner, "qemu:kvm");
	assert_int_equal(back->n, 2);
	assert_int_equal(back->vfs[0].iommu_group, 17);
	assert_int_equal(back->vfs[1].iommu_group, SRIOV_NO_VALUE);
	assert_string_equal(back->vfs[1].driver_before, "");
	assert_true(back->vfs[0].has_before);
	assert_false(back->vfs[1].has_before);
	assert_int_equal(back->vfs[0].before.mask, c->vfs[0].before.mask);
	assert_int_equal(back->vfs[0].before.vlan, 7);
	assert_int_equal(back->vfs[0].before.qos, 2);
	assert_memory_equal(back->vfs[1].settings.mac, c->vfs[1].settings.mac, 6);
	assert_int_equal(back->vfs[1].settings.max_tx_rate, 1000);
	/* written again, the same text */
	assert_int_equal(sriov_lease_format(back, &again), 0);
	assert_string_equal(text, again);
	free(text);
	free(again);
	sriov_claim_free(c);
	sriov_claim_free(back);
}

/* Each of these differs from a written lease in one way: all refused. */
static void test_damaged(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"version\": 2, \"name\": \"a\", \"vfs\": []}",
		"{\"version\": 1, \"name\": \"a\"}",
		"{\"version\": 1, \"name\": \"../x\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"../../etc\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"1:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\", \"driver\": \"../vfio\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\", \"vf\": -1}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\", \"settings\": {\"vlan\": 5000}}]}",
		"{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\", \"settings\": {\"colour\": 1}}]}",
		"{\"version\": 1, \"name\": \"a\", \"extra\": 1, \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"driver\": \"igbvf\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"owner\": \"-x\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": a, \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
		"{\"version\": 1, \"name\": \"a\", \"holder_pid\": \"12\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}",
	};
	struct sriov_claim *c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = NULL;
		if (sriov_lease_parse(bad[i], &c) == 0) {
			sriov_claim_free(c);
			fail_msg("accepted: %s", bad[i]);
		}
	}
	/* the smallest lease that is one */
	assert_int_equal(sriov_lease_parse("{\"version\": 1, \"name\": \"a\", \"vfs\": [{\"pci\": \"0000:01:10.0\", \"pf\": \"0000:01:00.0\"}]}", &c), 0);
	sriov_claim_free(c);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(sriov_claim_name_valid("web-3"));
	assert_true(sriov_claim_name_valid("a.b_c"));
	assert_false(sriov_claim_name_valid(""));
	assert_false(sriov_claim_name_valid(".hidden"));
	assert_false(sriov_claim_name_valid("-x"));
	assert_false(sriov_claim_name_valid("a/b"));
	assert_false(sriov_claim_name_valid("a b"));
	assert_false(sriov_claim_name_valid(
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void test_holder(void **state)
{
	(void)state;
	assert_true(sriov_holder_alive((long)getpid(), 0));
	assert_true(sriov_holder_alive((long)getpid(), sriov_process_start((long)getpid())));
	/* the same pid with another start time: another process */
	assert_false(sriov_holder_alive((long)getpid(), sriov_process_start((long)getpid()) + 1));
	assert_false(sriov_holder_alive(0, 0));
	assert_false(sriov_holder_alive(2147483646, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_holder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
