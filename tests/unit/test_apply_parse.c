/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desired-state parser (sriovctl.conf(5)): what it accepts, every
 * class of error with its file, line, column and key, JSON as well as
 * YAML, the schema in step with the parser, and malformed input (cut
 * short, bytes flipped, noise) that must never crash it.
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

#include "apply_internal.h"

static const char good_yaml[] =
	"# a host with two NICs\n"
	"version: 1\n"
	"pfs:\n"
	"  - netdev: enp3s0\n"
	"    num_vfs: 4\n"
	"    autoprobe: false\n"
	"    vfs:\n"
	"      - vfs: \"0-3\"\n"
	"        vlan: 100\n"
	"        qos: 3\n"
	"        vlan_proto: 802.1ad\n"
	"        spoofchk: true\n"
	"        trust: false\n"
	"        max_tx_rate: 1000\n"
	"        min_tx_rate: 10\n"
	"        link_state: auto\n"
	"        query_rss: false\n"
	"      - vf: 0\n"
	"        mac: 02:00:00:00:00:01\n"
	"      - vf: 1\n"
	"        mac: \"02:00:00:00:00:02\"\n"
	"        driver: vfio-pci\n"
	"        owner: \"root:root\"\n"
	"  - pci: 0000:05:00.0\n"
	"    vfs: [ {vfs: all, spoofchk: false} ]\n"
	"  - device: \"8086:10C9\"\n"
	"    index: 1\n"
	"    num_vfs: 2\n"
	"    vfs:\n"
	"      - {vf: 1, node_guid: \"00:11:22:33:44:55:66:77\", port_guid: 00:11:22:33:44:55:66:78}\n"
	"      - {vf: 0, driver: host}\n";

/* The same state as JSON, with a tab and a key written without a space. */
static const char good_json[] =
	"{\"version\": 1, \"pfs\": [\n"
	" {\"netdev\":\"enp3s0\",\t\"num_vfs\": 4, \"autoprobe\": false, \"vfs\": [\n"
	"  {\"vfs\": \"0-3\", \"vlan\": 100, \"qos\": 3, \"vlan_proto\": \"802.1ad\",\n"
	"   \"spoofchk\": true, \"trust\": false, \"max_tx_rate\": 1000,\n"
	"   \"min_tx_rate\": 10, \"link_state\": \"auto\", \"query_rss\": false},\n"
	"  {\"vf\": 0, \"mac\": \"02:00:00:00:00:01\"},\n"
	"  {\"vf\": 1, \"mac\": \"02:00:00:00:00:02\", \"driver\": \"vfio-pci\", \"owner\": \"root:root\"}]},\n"
	" {\"pci\": \"0000:05:00.0\", \"vfs\": [{\"vfs\": \"all\", \"spoofchk\": false}]},\n"
	" {\"device\": \"8086:10C9\", \"index\": 1, \"num_vfs\": 2, \"vfs\": [\n"
	"  {\"vf\": 1, \"node_guid\": \"00:11:22:33:44:55:66:77\", \"port_guid\": \"00:11:22:33:44:55:66:78\"},\n"
	"  {\"vf\": 0, \"driver\": \"host\"}]}]}\n";

struct fixture {
	char dir[64];
	struct sriov_ctx *ctx;
	struct sriov_desired *d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sriov_ctx_opts opts = { .sz = sizeof(opts) };

	assert_non_null(f);
	strcpy(f->dir, "/tmp/sriov-parse-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	opts.sysfs_root = f->dir;
	opts.state_dir = f->dir;
	assert_int_equal(sriov_ctx_new(&opts, &f->ctx), 0);
	assert_int_equal(sriov_desired_new(&f->d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sriov_desired_free(f->d);
	sriov_ctx_free(f->ctx);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int parse(struct fixture *f, const char *text)
{
	sriov_desired_free(f->d);
	assert_int_equal(sriov_desired_new(&f->d), 0);
	return sriov_desired_add_text(f->ctx, f->d, "t.yaml", text, strlen(text));
}

/* The state of good_yaml, whichever syntax it came in. */
static void check_good(const struct sriov_desired *d)
{
	const struct want_pf *p = d->pfs;
	const struct want_vf *v = p[0].vfs;

	assert_int_equal(d->n_pfs, 3);
	assert_int_equal(p[0].sel, APPLY_SEL_NETDEV);
	assert_string_equal(p[0].netdev, "enp3s0");
	assert_int_equal(p[0].num_vfs, 4);
	assert_int_equal(p[0].autoprobe, 0);
	assert_int_equal(p[0].index, -1);
	assert_int_equal(p[0].n_vfs, 3);
	assert_int_equal(v[0].n_idx, 4);
	assert_int_equal(v[0].idx[3], 3);
	assert_int_equal(v[0].cfg.vlan, 100);
	assert_int_equal(v[0].cfg.qos, 3);
	assert_int_equal(v[0].cfg.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	assert_int_equal(v[0].cfg.mask,
			 SRIOV_VF_HAS_VLAN | SRIOV_VF_HAS_SPOOFCHK |
				 SRIOV_VF_HAS_TRUST | SRIOV_VF_HAS_MAX_TX_RATE |
				 SRIOV_VF_HAS_MIN_TX_RATE | SRIOV_VF_HAS_LINK_STATE |
				 SRIOV_VF_HAS_QUERY_RSS);
	assert_true(v[0].cfg.spoofchk);
	assert_int_equal(v[0].cfg.min_tx_rate, 10);
	assert_int_equal(v[1].cfg.mac[5], 1);
	assert_int_equal(v[2].driver, APPLY_DRV_VFIO);
	assert_string_equal(v[2].owner, "root:root");
	assert_int_equal(p[1].sel, APPLY_SEL_PCI);
	assert_int_equal(p[1].addr.bus, 5);
	assert_true(p[1].vfs[0].all);
	assert_int_equal(p[2].sel, APPLY_SEL_DEVICE);
	assert_int_equal(p[2].vendor_id, 0x8086);
	assert_int_equal(p[2].device_id, 0x10c9);
	assert_int_equal(p[2].index, 1);
	assert_int_equal(p[2].vfs[0].cfg.node_guid, 0x0011223344556677ULL);
	assert_int_equal(p[2].vfs[0].cfg.port_guid, 0x0011223344556678ULL);
	assert_int_equal(p[2].vfs[1].driver, APPLY_DRV_HOST);
}

static void test_good_yaml(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, good_yaml), 0);
	check_good(f->d);
	/* positions point at the keys */
	assert_int_equal(f->d->pfs[0].num_vfs_loc.line, 5);
	assert_int_equal(f->d->pfs[0].num_vfs_loc.col, 5);
	assert_int_equal(f->d->pfs[0].vfs[1].field_loc[0].line, 19);
	assert_string_equal(f->d->pfs[0].vfs[1].path, "pfs[0].vfs[1]");
}

static void test_good_json(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, good_json), 0);
	check_good(f->d);
}

static void test_empty_pfs(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "pfs: []\n"), 0);
	assert_int_equal(sriov_desired_pf_count(f->d), 0);
	assert_int_equal(parse(f, "{\"pfs\": []}"), 0);
}

/* Corners of JSON read as YAML that are accepted, as sriovctl.conf(5) says. */
static void test_json_corners(void **state)
{
	struct fixture *f = *state;

	/* a UTF-8 byte order mark, CRLF line ends, an escaped letter */
	assert_int_equal(parse(f, "\xef\xbb\xbf{\"pfs\": [\r\n {\"netdev\": \"\\u0065np3s0\"}]}\r\n"), 0);
	assert_string_equal(f->d->pfs[0].netdev, "enp3s0");
	/* YAML allows what JSON does not: a comma before the bracket */
	assert_int_equal(parse(f, "{\"pfs\": [{\"netdev\": \"e0\", \"num_vfs\": 1,},]}"), 0);
	assert_int_equal(f->d->pfs[0].num_vfs, 1);
	/* and a comment */
	assert_int_equal(parse(f, "{\"pfs\": []} # none\n"), 0);
	/* JSON's numbers that are not whole, and exponents, are refused */
	assert_int_equal(parse(f, "{\"pfs\": [{\"netdev\": \"e0\", \"num_vfs\": 1e1}]}"), -EINVAL);
	assert_int_equal(parse(f, "{\"pfs\": [{\"netdev\": \"e0\", \"num_vfs\": 1.0}]}"), -EINVAL);
}

/* Several documents add up; a PF selected in two of them is an error. */
static void test_documents_add_up(void **state)
{
	struct fixture *f = *state;
	const char *a = "pfs: [ {netdev: a0, num_vfs: 1} ]\n";
	const char *b = "pfs: [ {netdev: b0, num_vfs: 1} ]\n";

	assert_int_equal(sriov_desired_add_text(f->ctx, f->d, "a.yaml", a, strlen(a)), 0);
	assert_int_equal(sriov_desired_add_text(f->ctx, f->d, "b.yaml", b, strlen(b)), 0);
	assert_int_equal(sriov_desired_pf_count(f->d), 2);
	assert_int_equal(sriov_desired_add_text(f->ctx, f->d, "c.yaml", a, strlen(a)),
			 -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->ctx),
			    "c.yaml:1:8: pfs[0]: netdev a0 is selected already at a.yaml:1");
	/* the failed document left nothing behind */
	assert_int_equal(sriov_desired_pf_count(f->d), 2);
}

struct bad {
	const char *text;
	const char *error;     /* sriov_ctx_last_error(), exactly */
};

#define PF "pfs:\n  - netdev: enp3s0\n"
#define VF PF "    vfs:\n      - vf: 0\n"

static const struct bad bad_cases[] = {
	/* syntax */
	{ "pfs: [\n", "t.yaml:2:1: invalid YAML/JSON: did not find expected node content while parsing a flow node" },
	{ "{\"pfs\": [{\"netdev\": \"a\",}]\n", "t.yaml:2:1: invalid YAML/JSON: did not find expected ',' or '}' while parsing a flow mapping" },
	{ "pfs:\n\t- netdev: a\n", "t.yaml:2:1: invalid YAML/JSON: found character that cannot start any token while scanning for the next token" },
	{ "", "t.yaml:1:1: empty document: expected a mapping with \"pfs\"" },
	{ "# only a comment\n", "t.yaml:1:1: empty document: expected a mapping with \"pfs\"" },
	{ "pfs: []\n---\npfs: []\n", "t.yaml:2:1: a second YAML document (\"---\"): put each state in one document" },
	{ "pfs: &list []\n", "t.yaml:1:6: YAML anchors and aliases (&name, *name) are not supported" },
	{ "x: &a 1\npfs: *a\n", "t.yaml:1:4: YAML anchors and aliases (&name, *name) are not supported" },
	{ "pfs: !!seq []\n", "t.yaml:1:6: YAML tags (\"!!map\", \"!foo\") are not supported" },
	{ PF "    num_vfs: !!int 3\n", "t.yaml:3:14: YAML tags (\"!!str\", \"!foo\") are not supported" },
	{ "pfs: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n", "t.yaml:1:21: nested too deeply" },
	{ "\"caf\\ud83d\\ude00\": 1\n", "t.yaml:1:7: invalid YAML/JSON: found invalid Unicode character escape code while parsing a quoted scalar" },
	/* structure */
	{ "- a\n", "t.yaml:1:1: expected a mapping with the key \"pfs\", got a list" },
	{ "version: 1\n", "t.yaml:1:1: the key \"pfs\" (the list of PFs) is missing" },
	{ "pfs: {}\n", "t.yaml:1:6: pfs: expected a list of PF entries (\"- pci: ...\"), got a mapping" },
	{ "pfs:\n  - enp3s0\n", "t.yaml:2:5: pfs[0]: expected a mapping (pci, netdev or device, and settings), got \"enp3s0\"" },
	{ PF "    vfs: 3\n", "t.yaml:3:10: pfs[0].vfs: expected a list of VF entries (\"- vf: 0\" ...), got \"3\"" },
	{ PF "    vfs: [ 3 ]\n", "t.yaml:3:12: pfs[0].vfs[0]: expected a mapping (vf or vfs, and settings), got \"3\"" },
	/* keys */
	{ "pfs: []\ncolour: blue\n", "t.yaml:2:1: unknown key \"colour\"; expected one of: version, pfs" },
	{ PF "    colour: blue\n", "t.yaml:3:5: pfs[0]: unknown key \"colour\"; expected one of: pci, netdev, device, index, num_vfs, autoprobe, mtu, eswitch, rate_nodes, vfs" },
	{ PF "    spoofchk: true\n", "t.yaml:3:5: pfs[0]: unknown key \"spoofchk\"; expected one of: pci, netdev, device, index, num_vfs, autoprobe, mtu, eswitch, rate_nodes, vfs" },
	{ VF "        colour: blue\n", "t.yaml:5:9: pfs[0].vfs[0]: unknown key \"colour\"; expected one of: vf, vfs, mac, vlan, qos, vlan_proto, min_tx_rate, max_tx_rate, spoofchk, trust, link_state, query_rss, node_guid, port_guid, driver, owner, mtu, tx_share, tx_max, rate_parent" },
	{ VF "        min-tx-rate: 3\n", "t.yaml:5:9: pfs[0].vfs[0]: unknown key \"min-tx-rate\"; expected one of: vf, vfs, mac, vlan, qos, vlan_proto, min_tx_rate, max_tx_rate, spoofchk, trust, link_state, query_rss, node_guid, port_guid, driver, owner, mtu, tx_share, tx_max, rate_parent" },
	{ PF "    num_vfs: 2\n    num_vfs: 3\n", "t.yaml:4:5: pfs[0].num_vfs: given twice (first at line 3)" },
	{ "{\"pfs\": [], \"pfs\": []}\n", "t.yaml:1:13: pfs: given twice (first at line 1)" },
	{ PF "    ? [a]\n    : 1\n", "t.yaml:3:7: pfs[0]: keys must be strings" },
	{ PF "    ~: 1\n", "t.yaml:3:5: pfs[0]: keys must be strings" },
	/* types */
	{ PF "    num_vfs: \"3\"\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got the quoted string \"3\"" },
	{ PF "    num_vfs: 3.0\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got \"3.0\"" },
	{ PF "    num_vfs: -1\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got \"-1\"" },
	{ PF "    num_vfs: 007\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got \"007\"" },
	{ PF "    num_vfs: 0x10\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got \"0x10\"" },
	{ PF "    num_vfs:\n", "t.yaml:3:13: pfs[0].num_vfs: expected a whole number from 0 to 65535, got null" },
	{ PF "    num_vfs: [3]\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got a list" },
	{ PF "    autoprobe: \"true\"\n", "t.yaml:3:16: pfs[0].autoprobe: expected true or false, got the quoted string \"true\"" },
	{ PF "    autoprobe: 1\n", "t.yaml:3:16: pfs[0].autoprobe: expected true or false, got \"1\"" },
	{ PF "    autoprobe: yes\n", "t.yaml:3:16: pfs[0].autoprobe: expected true or false, got \"yes\" (YAML 1.1's yes/no/on/off are not booleans here)" },
	{ VF "        trust: off\n", "t.yaml:5:16: pfs[0].vfs[0].trust: expected true or false, got \"off\" (YAML 1.1's yes/no/on/off are not booleans here)" },
	{ "pfs:\n  - netdev: null\n", "t.yaml:2:13: pfs[0].netdev: expected a string of at most 15 characters, got null" },
	{ "pfs:\n  - netdev: {a: 1}\n", "t.yaml:2:13: pfs[0].netdev: expected a string of at most 15 characters, got a mapping" },
	{ "pfs:\n  - netdev: \"a\\0b\"\n", "t.yaml:2:13: pfs[0].netdev: expected a string of at most 15 characters, got the quoted string \"a\"" },
	/* ranges */
	{ PF "    num_vfs: 65536\n", "t.yaml:3:14: pfs[0].num_vfs: expected a whole number from 0 to 65535, got \"65536\"" },
	{ VF "        vlan: 4096\n", "t.yaml:5:15: pfs[0].vfs[0].vlan: expected a whole number from 0 to 4095, got \"4096\"" },
	{ VF "        vlan: 1\n        qos: 8\n", "t.yaml:6:14: pfs[0].vfs[0].qos: expected a whole number from 0 to 7, got \"8\"" },
	{ VF "        max_tx_rate: 4294967296\n", "t.yaml:5:22: pfs[0].vfs[0].max_tx_rate: expected a whole number from 0 to 4294967295, got \"4294967296\"" },
	{ PF "    vfs:\n      - vf: 65536\n        trust: true\n", "t.yaml:4:13: pfs[0].vfs[0].vf: expected a whole number from 0 to 65535, got \"65536\"" },
	{ "pfs:\n  - device: 8086:10c9\n    index: 256\n", "t.yaml:3:12: pfs[0].index: expected a whole number from 0 to 255, got \"256\"" },
	{ "version: 2\npfs: []\n", "t.yaml:1:10: version: version 2 is not known to this sriovctl (it reads version 1)" },
	/* formats */
	{ "pfs:\n  - pci: 3:0.0\n", "t.yaml:2:10: pfs[0].pci: expected a PCI address DDDD:BB:SS.F or BB:SS.F, got \"3:0.0\"" },
	{ "pfs:\n  - netdev: a/b\n", "t.yaml:2:13: pfs[0].netdev: expected a network interface name, got \"a/b\"" },
	{ "pfs:\n  - netdev: abcdefghijklmnop\n", "t.yaml:2:13: pfs[0].netdev: expected a string of at most 15 characters, got \"abcdefghijklmnop\"" },
	{ "pfs:\n  - device: 8086-10c9\n", "t.yaml:2:13: pfs[0].device: expected VENDOR:DEVICE in hex, like \"8086:10c9\", got \"8086-10c9\"" },
	{ VF "        mac: 02:00:00:00:00\n", "t.yaml:5:14: pfs[0].vfs[0].mac: expected a MAC address xx:xx:xx:xx:xx:xx, got \"02:00:00:00:00\"" },
	{ VF "        mac: 01:00:5e:00:00:01\n", "t.yaml:5:14: pfs[0].vfs[0].mac: 01:00:5e:00:00:01 is a multicast address; a VF needs a unicast MAC" },
	{ VF "        node_guid: 00:11\n", "t.yaml:5:20: pfs[0].vfs[0].node_guid: expected a GUID xx:xx:xx:xx:xx:xx:xx:xx, got \"00:11\"" },
	{ VF "        vlan: 1\n        vlan_proto: 802.1x\n", "t.yaml:6:21: pfs[0].vfs[0].vlan_proto: expected 802.1Q or 802.1ad, got \"802.1x\"" },
	{ VF "        link_state: up\n", "t.yaml:5:21: pfs[0].vfs[0].link_state: expected auto, enable or disable, got \"up\"" },
	{ VF "        driver: igbvf\n", "t.yaml:5:17: pfs[0].vfs[0].driver: expected vfio-pci, or host (the VF's own driver), got \"igbvf\"" },
	{ VF "        driver: vfio-pci\n        owner: a:b:c\n", "t.yaml:6:16: pfs[0].vfs[0].owner: expected USER or USER:GROUP (names or numbers), got \"a:b:c\"" },
	{ VF "        driver: vfio-pci\n        owner: -rf\n", "t.yaml:6:16: pfs[0].vfs[0].owner: expected USER or USER:GROUP (names or numbers), got \"-rf\"" },
	{ PF "    vfs:\n      - vfs: 3-1\n        trust: true\n", "t.yaml:4:14: pfs[0].vfs[0].vfs: invalid VF range \"3-1\": expected \"all\" or numbers and ranges like \"0-3,7\" (VFs 0 to 65535)" },
	{ PF "    vfs:\n      - vfs: \"1,,2\"\n        trust: true\n", "t.yaml:4:14: pfs[0].vfs[0].vfs: invalid VF range \"1,,2\": expected \"all\" or numbers and ranges like \"0-3,7\" (VFs 0 to 65535)" },
	{ PF "    vfs:\n      - vfs: some\n        trust: true\n", "t.yaml:4:14: pfs[0].vfs[0].vfs: invalid VF range \"some\": expected \"all\" or numbers and ranges like \"0-3,7\" (VFs 0 to 65535)" },
	/* rules within an entry */
	{ "pfs:\n  - num_vfs: 2\n", "t.yaml:2:5: pfs[0]: select the PF with pci, netdev, or device (and index)" },
	{ PF "    pci: 03:00.0\n", "t.yaml:3:5: pfs[0].pci: \"netdev\" is given already (line 2): a PF is selected by one of pci, netdev or device" },
	{ PF "    index: 1\n", "t.yaml:3:5: pfs[0].index: goes with device, not with netdev" },
	{ PF "    vfs:\n      - trust: true\n", "t.yaml:4:9: pfs[0].vfs[0]: an entry needs \"vf: N\" or \"vfs: RANGE\"" },
	{ VF "        vfs: 1\n", "t.yaml:5:9: pfs[0].vfs[0].vfs: \"vf\" is given already (line 4): an entry names its VFs with one of vf or vfs" },
	{ VF "        qos: 1\n", "t.yaml:5:9: pfs[0].vfs[0].qos: needs vlan in the same entry" },
	{ VF "        vlan_proto: 802.1ad\n", "t.yaml:5:9: pfs[0].vfs[0].vlan_proto: needs vlan in the same entry" },
	{ VF, "t.yaml:4:9: pfs[0].vfs[0]: the entry sets nothing" },
	{ VF "        min_tx_rate: 200\n        max_tx_rate: 100\n", "t.yaml:4:9: pfs[0].vfs[0].min_tx_rate: 200 is above max_tx_rate 100" },
	{ PF "    vfs:\n      - vfs: 0-1\n        mac: 02:00:00:00:00:01\n", "t.yaml:5:9: pfs[0].vfs[0].mac: must be unique per VF: give it in an entry of its own, with \"vf: N\"" },
	{ PF "    vfs:\n      - vfs: all\n        port_guid: 00:11:22:33:44:55:66:77\n", "t.yaml:5:9: pfs[0].vfs[0].port_guid: must be unique per VF: give it in an entry of its own, with \"vf: N\"" },
	/* rules between entries */
	{ PF "    vfs:\n      - vfs: 0-3\n        trust: true\n      - vfs: 2\n        trust: false\n", "t.yaml:7:9: pfs[0].vfs[1].trust: VF 2's trust is set already at t.yaml:5" },
	{ PF "    vfs:\n      - vfs: 0-3\n        driver: host\n      - vfs: 2-3\n        driver: vfio-pci\n", "t.yaml:7:9: pfs[0].vfs[1].driver: VF 2's driver is set already at t.yaml:5" },
	{ PF "    num_vfs: 3\n    vfs:\n      - vfs: all\n        vlan: 3\n      - vfs: 1-2\n        vlan: 4\n        qos: 1\n", "t.yaml:8:9: pfs[0].vfs[1].vlan: VF 1's vlan is set already at t.yaml:6" },
	{ PF "    vfs:\n      - vf: 1\n        trust: true\n      - vf: 1\n        trust: false\n", "t.yaml:7:9: pfs[0].vfs[1].trust: VF 1's trust is set already at t.yaml:5" },
	{ VF "        owner: root\n", "t.yaml:5:9: pfs[0].vfs[0].owner: VF 0: an owner needs \"driver: vfio-pci\" (the owner is that of its VFIO group device)" },
	{ VF "        owner: root\n        driver: host\n", "t.yaml:5:9: pfs[0].vfs[0].owner: VF 0: an owner needs \"driver: vfio-pci\" (the owner is that of its VFIO group device)" },
	{ PF "    num_vfs: 2\n    vfs:\n      - vf: 2\n        trust: true\n", "t.yaml:5:9: pfs[0].vfs[0]: VF 2 does not exist: netdev enp3s0 has 2 VFs (num_vfs)" },
	{ PF "    num_vfs: 0\n    vfs:\n      - vf: 0\n        trust: true\n", "t.yaml:5:9: pfs[0].vfs[0]: VF 0 does not exist: netdev enp3s0 has 0 VFs (num_vfs)" },
	{ PF "    mtu: 0\n", "t.yaml:3:10: pfs[0].mtu: expected an MTU from 68 to 65535, got \"0\"" },
	{ PF "    mtu: 70000\n", "t.yaml:3:10: pfs[0].mtu: expected an MTU from 68 to 65535, got \"70000\"" },
	{ VF "        mtu: 9k\n", "t.yaml:5:14: pfs[0].vfs[0].mtu: expected a whole number from 0 to 4294967295, got \"9k\"" },
	{ PF "    vfs:\n      - vfs: 0-3\n        mtu: 9000\n      - vfs: 2\n        mtu: 1500\n", "t.yaml:7:9: pfs[0].vfs[1].mtu: VF 2's mtu is set already at t.yaml:5" },
	{ VF "        tx_max: 100mbits\n", "t.yaml:5:17: pfs[0].vfs[0].tx_max: expected a rate like 100mbit, 1gbit or a number of Mbit/s, got \"100mbits\"" },
	{ VF "        tx_share: 2gbit\n        tx_max: 1gbit\n", "t.yaml:5:9: pfs[0].vfs[0].tx_share: tx_share is above tx_max" },
	{ PF "    rate_nodes:\n      - name: g\n        tx_share: 1gbit\n        tx_max: 100\n", "t.yaml:4:9: pfs[0].rate_nodes[0].tx_share: tx_share is above tx_max" },
	{ PF "    rate_nodes:\n      - tx_max: 100\n", "t.yaml:4:9: pfs[0].rate_nodes[0]: a rate node needs a name" },
	{ PF "    rate_nodes:\n      - name: g\n      - name: g\n", "t.yaml:5:9: pfs[0].rate_nodes[1].name: rate node \"g\" is listed already at line 4" },
	{ PF "    rate_nodes:\n      - name: g\n        parent: g\n", "t.yaml:5:9: pfs[0].rate_nodes[0].parent: a node cannot be its own parent" },
	{ PF "    rate_nodes:\n      - name: g\n        colour: red\n", "t.yaml:5:9: pfs[0].rate_nodes[0]: unknown key \"colour\"; expected one of: name, tx_share, tx_max, parent" },
	{ PF "    vfs:\n      - vfs: 0-3\n        tx_max: 1gbit\n      - vfs: 2\n        rate_parent: g\n", "t.yaml:7:9: pfs[0].vfs[1].rates: VF 2's rates is set already at t.yaml:5" },
	{ PF "  - netdev: enp3s0\n", "t.yaml:3:5: pfs[1]: netdev enp3s0 is selected already at t.yaml:2" },
	{ "pfs:\n  - pci: 03:00.0\n  - pci: 0000:03:00.0\n", "t.yaml:3:5: pfs[1]: pci 0000:03:00.0 is selected already at t.yaml:2" },
};

static void test_errors(void **state)
{
	struct fixture *f = *state;

	int n_bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad *b = &bad_cases[i];
		int r = parse(f, b->text);

		if (r != -EINVAL && r != -ERANGE) {
			print_error("case %zu: returned %d for:\n%s\n", i, r, b->text);
			n_bad++;
		} else if (strcmp(sriov_ctx_last_error(f->ctx), b->error)) {
			print_error("case %zu:\n%s\nexpected: %s\ngot:      %s\n", i,
				    b->text, b->error, sriov_ctx_last_error(f->ctx));
			n_bad++;
		}
		assert_int_equal(sriov_desired_pf_count(f->d), 0);
	}
	assert_int_equal(n_bad, 0);
}

/* "vf: N" overrides what a range sets, wherever it comes in the list. */
static void test_single_overrides_range(void **state)
{
	struct fixture *f = *state;
	struct vf_target *t = NULL;
	size_t n = 0;

	assert_int_equal(parse(f, PF "    num_vfs: 4\n    vfs:\n"
				  "      - {vf: 3, trust: true, vlan: 7, driver: vfio-pci}\n"
				  "      - {vfs: all, trust: false, vlan: 5, qos: 2, spoofchk: true, driver: host}\n"), 0);
	assert_int_equal(sriov_apply_merge(f->ctx, &f->d->pfs[0], 4, 4, &t, &n), 0);
	assert_int_equal(n, 4);
	assert_false(t[0].cfg.trust);
	assert_int_equal(t[0].cfg.vlan, 5);
	assert_int_equal(t[0].driver, APPLY_DRV_HOST);
	assert_true(t[3].cfg.trust);
	assert_true(t[3].cfg.spoofchk);
	assert_int_equal(t[3].cfg.vlan, 7);
	assert_int_equal(t[3].cfg.qos, 0);
	assert_int_equal(t[3].driver, APPLY_DRV_VFIO);
	assert_int_equal(t[3].field_loc[__builtin_ctz(SRIOV_VF_HAS_TRUST)]->line, 5);
	free(t);
}

/* Files and directories: names in errors, *.yaml|yml|json in name order. */
static void test_paths(void **state)
{
	struct fixture *f = *state;
	char dir[96], path[128];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s/etc", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(sriov_desired_add_path(f->ctx, f->d, dir), 0);
	assert_int_equal(sriov_desired_pf_count(f->d), 0);
	snprintf(path, sizeof(path), "%s/b.json", dir);
	fp = fopen(path, "w");
	fputs("{\"pfs\": [{\"netdev\": \"b0\", \"num_vfs\": 1}]}", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	fp = fopen(path, "w");
	fputs("pfs:\n  - netdev: a0\n    num_vfs: 1\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/README", dir);
	fp = fopen(path, "w");
	fputs("not a state file\n", fp);
	fclose(fp);
	assert_int_equal(sriov_desired_add_path(f->ctx, f->d, dir), 0);
	assert_int_equal(sriov_desired_pf_count(f->d), 2);
	assert_string_equal(f->d->pfs[0].netdev, "a0");
	assert_string_equal(f->d->pfs[1].netdev, "b0");
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	assert_int_equal(sriov_desired_add_path(f->ctx, f->d, path), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "/etc/a.yaml:2:5: pfs[0]: netdev a0 is selected already at "));
	assert_int_equal(sriov_desired_add_path(f->ctx, f->d, "/nonexistent/x.yaml"), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(f->ctx),
			    "cannot read /nonexistent/x.yaml: No such file or directory");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* The keys of one "properties" object of the schema, as a set. */
static const struct ynode *map_get(const struct ynode *map, const char *key)
{
	assert_int_equal(map->type, Y_MAP);
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->str, key))
			return map->kids[i + 1];
	fail_msg("schema: no key %s", key);
	return NULL;
}

static void same_keys(const struct ynode *props, const struct key_def *defs,
		      const char *what)
{
	const struct sriov_vf_key *k;
	size_t n_defs = 0;

	for (const struct key_def *d = defs; d->name; d++, n_defs++) {
		if (strcmp(d->name, APPLY_VF_KEYS) != 0) {
			map_get(props, d->name);
			continue;
		}
		/* the marker stands for the keys of the VF field table */
		for (size_t i = 0; (k = sriov_vf_key_at(i)); i++, n_defs++)
			map_get(props, k->name);
		n_defs--;
	}
	if (props->n / 2 != n_defs)
		fail_msg("%s: the schema has %zu properties, the parser %zu keys",
			 what, props->n / 2, n_defs);
}

/* A valid value for every key a VF entry has, in the schema's words. */
static const struct {
	const char *key;
	const char *entry;
} vf_samples[] = {
	{ "vf", "vf: 3, trust: true" },
	{ "vfs", "vfs: \"0-1,3\", trust: true" },
	{ "mac", "vf: 0, mac: \"02:ab:cd:ef:00:01\"" },
	{ "vlan", "vf: 0, vlan: 4095" },
	{ "qos", "vf: 0, vlan: 1, qos: 7" },
	{ "vlan_proto", "vf: 0, vlan: 1, vlan_proto: 802.1Q" },
	{ "min_tx_rate", "vf: 0, min_tx_rate: 4294967295" },
	{ "max_tx_rate", "vf: 0, max_tx_rate: 0" },
	{ "spoofchk", "vf: 0, spoofchk: false" },
	{ "trust", "vf: 0, trust: true" },
	{ "link_state", "vf: 0, link_state: disable" },
	{ "query_rss", "vf: 0, query_rss: true" },
	{ "node_guid", "vf: 0, node_guid: \"ff:ff:ff:ff:ff:ff:ff:ff\"" },
	{ "port_guid", "vf: 0, port_guid: \"00:00:00:00:00:00:00:01\"" },
	{ "driver", "vf: 0, driver: vfio-pci" },
	{ "owner", "vf: 0, driver: vfio-pci, owner: \"0:0\"" },
	{ "mtu", "vf: 0, mtu: 9000" },
	{ "tx_share", "vf: 0, tx_share: 100mbit" },
	{ "tx_max", "vf: 0, tx_max: 1000" },
	{ "rate_parent", "vf: 0, rate_parent: grp-1" },
};

/* The schema names exactly the keys the parser takes, and each sample parses. */
static void test_schema_in_step(void **state)
{
	struct fixture *f = *state;
	const char *schema = sriov_apply_schema();
	const struct ynode *defs, *vf_props;
	struct ynode *root = NULL;
	char doc[256];

	assert_int_equal(sriov_ynode_load(f->ctx, "schema", schema, strlen(schema), &root), 0);
	assert_string_equal(map_get(root, "$schema")->str,
			    "https://json-schema.org/draft/2020-12/schema");
	same_keys(map_get(root, "properties"), sriov_apply_top_defs, "top level");
	defs = map_get(root, "$defs");
	same_keys(map_get(map_get(defs, "pf"), "properties"), sriov_apply_pf_defs, "pf");
	vf_props = map_get(map_get(defs, "vf"), "properties");
	same_keys(vf_props, sriov_apply_vf_defs, "vf");
	assert_int_equal(ARRAY_SIZE(vf_samples), vf_props->n / 2);
	for (size_t i = 0; i < ARRAY_SIZE(vf_samples); i++) {
		map_get(vf_props, vf_samples[i].key);
		snprintf(doc, sizeof(doc), "pfs: [{netdev: e0, num_vfs: 4, vfs: [{%s}]}]",
			 vf_samples[i].entry);
		if (parse(f, doc) < 0)
			fail_msg("%s: %s", doc, sriov_ctx_last_error(f->ctx));
	}
	sriov_ynode_free(root);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Whatever the input, the parser answers 0 or bad input, with a reason. */
static void parse_any(struct fixture *f, const char *text, size_t len)
{
	int r;

	sriov_desired_free(f->d);
	assert_int_equal(sriov_desired_new(&f->d), 0);
	r = sriov_desired_add_text(f->ctx, f->d, "fuzz", text, len);
	if (r < 0 && r != -EINVAL && r != -ERANGE)
		fail_msg("returned %d (%s)", r, sriov_ctx_last_error(f->ctx));
	if (r < 0 && strncmp(sriov_ctx_last_error(f->ctx), "fuzz:", 5))
		fail_msg("error without position: %s", sriov_ctx_last_error(f->ctx));
}

static void test_fuzz_truncated(void **state)
{
	struct fixture *f = *state;
	const char *texts[] = { good_yaml, good_json };

	for (size_t t = 0; t < 2; t++)
		for (size_t len = 0; len <= strlen(texts[t]); len++) {
			char *copy = malloc(len + 1);

			/* an exact-size heap copy: ASan sees any overread */
			memcpy(copy, texts[t], len);
			parse_any(f, copy, len);
			free(copy);
		}
}

static void test_fuzz_flipped(void **state)
{
	struct fixture *f = *state;
	const char *texts[] = { good_yaml, good_json };

	for (int i = 0; i < 20000; i++) {
		const char *src = texts[i & 1];
		size_t len = strlen(src);
		char *copy = malloc(len);

		memcpy(copy, src, len);
		for (uint32_t k = 0, n = 1 + rnd() % 4; k < n; k++)
			copy[rnd() % len] = (char)(rnd() & 0xff);
		parse_any(f, copy, len);
		free(copy);
	}
}

static void test_fuzz_noise(void **state)
{
	static const char alphabet[] = "{}[]:,-#&*!|>'\"%@`?~ \n\t\\0a1_.pfsvnum";
	struct fixture *f = *state;
	char buf[300];

	for (int i = 0; i < 20000; i++) {
		size_t len = rnd() % sizeof(buf);

		for (size_t k = 0; k < len; k++)
			buf[k] = i % 3 ? alphabet[rnd() % (sizeof(alphabet) - 1)]
				       : (char)(rnd() & 0xff);
		parse_any(f, buf, len);
	}
	/* deep nesting and huge lists are bounded, not recursed into */
	memset(buf, '[', sizeof(buf));
	parse_any(f, buf, sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_pfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_corners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documents_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_overrides_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_in_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz_flipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz_noise, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
