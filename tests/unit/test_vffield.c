/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VF field table: its shape, and every key's text both ways. */
#include <errno.h>
#include <linux/if_link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vffield.h"

#define SETTABLE_FIELDS (((uint32_t)SRIOV_VF_HAS_PORT_GUID << 1) - 1)

static size_t n_keys(void)
{
	size_t n = 0;

	while (sriov_vf_key_at(n))
		n++;
	return n;
}

/* Names and words unique; each settable field one first key, parts after it. */
static void test_shape(void **state)
{
	size_t n = n_keys();
	uint32_t seen = 0;

	(void)state;
	assert_true(n >= 12);
	for (size_t i = 0; i < n; i++) {
		const struct sriov_vf_key *k = sriov_vf_key_at(i);

		for (size_t j = 0; j < i; j++) {
			if (!strcmp(k->name, sriov_vf_key_at(j)->name) ||
			    !strcmp(k->word, sriov_vf_key_at(j)->word))
				fail_msg("key %zu repeats the name or word of key %zu",
					 i, j);
		}
		assert_int_equal(__builtin_popcount(k->field), 1);
		assert_non_null(k->expected);
		if (k->part) {
			/* a part follows its field's first key or another part */
			assert_true(i > 0);
			assert_int_equal(sriov_vf_key_at(i - 1)->field, k->field);
		} else {
			if (seen & k->field)
				fail_msg("%s: a second first key of one field", k->name);
			seen |= k->field;
			assert_string_equal(sriov_vf_field_name(k->field), k->name);
		}
		assert_ptr_equal(sriov_vf_key_find(k->name), k);
	}
	assert_int_equal(seen, SETTABLE_FIELDS);
	assert_null(sriov_vf_key_at(n));
	errno = 0;
	assert_null(sriov_vf_key_find("colour"));
	assert_int_equal(errno, ENOENT);
	assert_null(sriov_vf_key_find(NULL));
	assert_string_equal(sriov_vf_field_name(SRIOV_VF_HAS_STATS), "stats");
	assert_string_equal(sriov_vf_field_name(1u << 20), "unknown");
}

/* Valid texts per key, each written back as given. */
static const struct {
	const char *name;
	const char *texts[4];
} good[] = {
	{ "mac", { "02:00:00:00:00:01", "fe:dc:ba:98:76:54", "00:00:00:00:00:00" } },
	{ "vlan", { "0", "100", "4095" } },
	{ "qos", { "0", "7" } },
	{ "vlan_proto", { "802.1Q", "802.1ad" } },
	{ "min_tx_rate", { "0", "10000", "4294967295" } },
	{ "max_tx_rate", { "0", "1", "4294967295" } },
	{ "spoofchk", { "true", "false" } },
	{ "trust", { "true", "false" } },
	{ "link_state", { "auto", "enable", "disable" } },
	{ "query_rss", { "true", "false" } },
	{ "node_guid", { "00:11:22:33:44:55:66:77", "ff:ff:ff:ff:ff:ff:ff:ff" } },
	{ "port_guid", { "00:00:00:00:00:00:00:01", "80:00:00:00:00:00:00:00" } },
};

static void test_round_trip(void **state)
{
	size_t covered = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const struct sriov_vf_key *k = sriov_vf_key_find(good[i].name);

		assert_non_null(k);
		covered++;
		for (size_t t = 0; t < 4 && good[i].texts[t]; t++) {
			struct sriov_vf_config c = { 0 }, again = { 0 };
			char buf[SRIOV_VF_VALUE_STRLEN];

			assert_int_equal(sriov_vf_key_parse(k, good[i].texts[t], &c), 0);
			/* a part alone does not make its field known */
			assert_int_equal(c.mask, k->part ? 0 : k->field);
			assert_int_equal(sriov_vf_key_format(k, &c, buf, sizeof(buf)), 0);
			assert_string_equal(buf, good[i].texts[t]);
			/* the text read again gives the same value */
			assert_int_equal(sriov_vf_key_parse(k, buf, &again), 0);
			assert_true(sriov_vf_field_equal(&c, &again, k->field));
		}
	}
	/* every key of the table has samples */
	assert_int_equal(covered, n_keys());
}

/* Spellings that are read but written another way. */
static void test_other_spellings(void **state)
{
	const struct sriov_vf_key *proto = sriov_vf_key_find("vlan_proto");
	const struct sriov_vf_key *mac = sriov_vf_key_find("mac");
	struct sriov_vf_config c = { 0 };
	char buf[SRIOV_VF_VALUE_STRLEN];

	(void)state;
	assert_int_equal(sriov_vf_key_parse(proto, "802.1AD", &c), 0);
	assert_int_equal(c.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	assert_int_equal(sriov_vf_key_parse(mac, "02:AB:cd:00:00:0F", &c), 0);
	assert_int_equal(sriov_vf_key_format(mac, &c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "02:ab:cd:00:00:0f");
	assert_int_equal(sriov_vf_key_parse(sriov_vf_key_find("vlan"), "007", &c), 0);
	assert_int_equal(c.vlan, 7);
	/* a protocol never set reads as 802.1Q */
	c.vlan_proto = 0;
	assert_int_equal(sriov_vf_key_format(proto, &c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "802.1Q");
	assert_int_equal(sriov_vf_key_format(mac, &c, buf, 17), -ENOSPC);
}

static const struct {
	const char *name;
	const char *text;
	int err;
} bad[] = {
	{ "mac", "", -EINVAL },
	{ "mac", "02:00:00:00:00", -EINVAL },
	{ "mac", "02:00:00:00:00:001", -EINVAL },
	{ "mac", "02-00-00-00-00-01", -EINVAL },
	{ "mac", " 2:00:00:00:00:01", -EINVAL },
	{ "mac", "-2:00:00:00:00:01", -EINVAL },
	{ "mac", "0x:00:00:00:00:01", -EINVAL },
	{ "mac", "g2:00:00:00:00:01", -EINVAL },
	{ "vlan", "4096", -ERANGE },
	{ "vlan", "-1", -EINVAL },
	{ "vlan", "+1", -EINVAL },
	{ "vlan", "1.5", -EINVAL },
	{ "vlan", "", -EINVAL },
	{ "vlan", "0x10", -EINVAL },
	{ "qos", "8", -ERANGE },
	{ "vlan_proto", "802.1x", -EINVAL },
	{ "vlan_proto", "0x8100", -EINVAL },
	{ "min_tx_rate", "4294967296", -ERANGE },
	{ "max_tx_rate", "99999999999999999999999", -ERANGE },
	{ "spoofchk", "on", -EINVAL },
	{ "trust", "1", -EINVAL },
	{ "trust", "TRUE", -EINVAL },
	{ "query_rss", "", -EINVAL },
	{ "link_state", "up", -EINVAL },
	{ "link_state", "Auto", -EINVAL },
	{ "link_state", "0", -EINVAL },
	{ "node_guid", "00:11", -EINVAL },
	{ "port_guid", "00:11:22:33:44:55:66:77:88", -EINVAL },
};

/* Bad text is refused and leaves the configuration as it was. */
static void test_bad_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct sriov_vf_key *k = sriov_vf_key_find(bad[i].name);
		struct sriov_vf_config c, before;

		memset(&c, 0x5a, sizeof(c));
		before = c;
		assert_non_null(k);
		if (sriov_vf_key_parse(k, bad[i].text, &c) != bad[i].err)
			fail_msg("%s \"%s\": not refused with %d", bad[i].name,
				 bad[i].text, bad[i].err);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	assert_int_equal(sriov_vf_key_parse(NULL, "1", &(struct sriov_vf_config){ 0 }),
			 -EINVAL);
}

/* "vlan" gives an unset protocol its default, and leaves a given one. */
static void test_parts(void **state)
{
	const struct sriov_vf_key *vlan = sriov_vf_key_find("vlan");
	struct sriov_vf_config c = { 0 };

	(void)state;
	assert_int_equal(sriov_vf_key_parse(vlan, "10", &c), 0);
	assert_int_equal(c.vlan_proto, SRIOV_VLAN_PROTO_8021Q);
	assert_int_equal(c.qos, 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sriov_vf_key_parse(sriov_vf_key_find("vlan_proto"),
					    "802.1ad", &c), 0);
	assert_int_equal(sriov_vf_key_parse(sriov_vf_key_find("qos"), "3", &c), 0);
	assert_int_equal(c.mask, 0);
	assert_int_equal(sriov_vf_key_parse(vlan, "10", &c), 0);
	assert_int_equal(c.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	assert_int_equal(c.qos, 3);
	assert_int_equal(c.mask, SRIOV_VF_HAS_VLAN);
}

/* Copy and compare go by field: all keys of vlan, none of the others. */
static void test_copy_equal(void **state)
{
	struct sriov_vf_config a = { 0 }, b = { 0 };

	(void)state;
	a.vlan = 5;
	a.qos = 2;
	a.vlan_proto = SRIOV_VLAN_PROTO_8021AD;
	a.trust = true;
	a.node_guid = 0x1122334455667788ull;
	memcpy(a.mac, "\x02\x01\x02\x03\x04\x05", 6);
	a.mask = SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_TRUST;
	sriov_vf_config_copy(&b, &a, SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_NODE_GUID);
	assert_int_equal(b.mask, SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_NODE_GUID);
	assert_true(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_VLAN));
	assert_true(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_NODE_GUID));
	assert_false(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_TRUST));
	assert_false(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_MAC));
	b.qos = 3;
	assert_false(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_VLAN));
	/* a protocol of 0 is 802.1Q */
	a.vlan_proto = 0;
	b.qos = 2;
	b.vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	assert_true(sriov_vf_field_equal(&a, &b, SRIOV_VF_HAS_VLAN));
}

/* The rtnetlink side: attributes of their own, values the kernel may send. */
static void test_attributes(void **state)
{
	const struct sriov_vf_key_def *d = sriov_vf_key_by_attr(IFLA_VF_LINK_STATE);
	struct sriov_vf_config c = { 0 };

	(void)state;
	assert_string_equal(sriov_vf_key_by_attr(IFLA_VF_TRUST)->pub.name, "trust");
	assert_string_equal(sriov_vf_key_by_attr(IFLA_VF_RSS_QUERY_EN)->pub.name,
			    "query_rss");
	assert_string_equal(sriov_vf_key_by_attr(IFLA_VF_IB_PORT_GUID)->pub.name,
			    "port_guid");
	assert_null(sriov_vf_key_by_attr(IFLA_VF_RATE));
	assert_null(sriov_vf_key_by_attr(0));
	assert_int_equal(sriov_vf_key_set(d, &c, IFLA_VF_LINK_STATE_DISABLE), 0);
	assert_int_equal(c.link_state, SRIOV_LINK_STATE_DISABLE);
	assert_int_equal(sriov_vf_key_get(d, &c), IFLA_VF_LINK_STATE_DISABLE);
	/* a link state from a newer kernel is not taken */
	c.mask = 0;
	assert_int_equal(sriov_vf_key_set(d, &c, 3), -ERANGE);
	assert_int_equal(c.mask, 0);
	d = sriov_vf_key_by_attr(IFLA_VF_IB_NODE_GUID);
	assert_int_equal(sriov_vf_key_set(d, &c, UINT64_MAX), 0);
	assert_true(c.node_guid == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_spellings),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_copy_equal),
		cmocka_unit_test(test_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
