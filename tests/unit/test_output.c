/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The single output path: the same calls as JSON and as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/output.h"

static char *render(struct out *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	out_flush(o, f);
	fclose(f);
	return buf;
}

static void two_pfs(struct out *o)
{
	static const char *const nets[] = { "enp3s0", NULL };

	out_list_begin(o, NULL, NULL);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", "0000:03:00.0");
	out_strv(o, "netdevs", "netdevs", nets);
	out_int(o, "num_vfs", "vfs", 4, true);
	out_hex(o, "vendor_id", "vendor", 0x8086, 4, true);
	out_bool(o, "trust", "trust", 1);
	out_int(o, "numa_node", "numa", 0, false);
	out_str(o, NULL, "note", "text only");
	out_str(o, "json_only", NULL, "x\"y\n");
	out_obj_end(o);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", "0001:81:00.0");
	out_strv(o, "netdevs", "netdevs", NULL);
	out_int(o, "num_vfs", "vfs", 128, true);
	out_hex(o, "vendor_id", "vendor", 0x15b3, 4, true);
	out_bool(o, "trust", "trust", -1);
	out_int(o, "numa_node", "numa", 1, true);
	out_str(o, NULL, "note", NULL);
	out_str(o, "json_only", NULL, NULL);
	out_obj_end(o);
	out_list_end(o);
}

static void test_json(void **state)
{
	struct out *o = out_new(true, false);
	char *s;

	(void)state;
	two_pfs(o);
	s = render(o);
	assert_string_equal(s,
		"[{\"pci\":\"0000:03:00.0\",\"netdevs\":[\"enp3s0\"],\"num_vfs\":4,"
		"\"vendor_id\":\"8086\",\"trust\":true,\"numa_node\":null,"
		"\"json_only\":\"x\\\"y\\n\"},"
		"{\"pci\":\"0001:81:00.0\",\"netdevs\":[],\"num_vfs\":128,"
		"\"vendor_id\":\"15b3\",\"trust\":null,\"numa_node\":1,"
		"\"json_only\":null}]\n");
	free(s);
	out_free(o);
}

static void test_pretty_json(void **state)
{
	struct out *o = out_new(true, true);
	char *s;

	(void)state;
	out_obj_begin(o, NULL, NULL);
	out_int(o, "a", NULL, -1, true);
	out_list_begin(o, "b", NULL);
	out_list_end(o);
	out_obj_end(o);
	s = render(o);
	assert_string_equal(s, "{\n  \"a\": -1,\n  \"b\": []\n}\n");
	free(s);
	out_free(o);
}

static void test_table(void **state)
{
	struct out *o = out_new(false, false);
	char *s;

	(void)state;
	two_pfs(o);
	s = render(o);
	/* columns as wide as their widest cell, the last one unpadded */
	assert_string_equal(s,
		"PCI           NETDEVS  VFS  VENDOR  TRUST  NUMA  NOTE\n"
		"0000:03:00.0  enp3s0   4    8086    on     -     text only\n"
		"0001:81:00.0  -        128  15b3    -      1     -\n");
	free(s);
	out_free(o);
}

static void test_detail(void **state)
{
	struct out *o = out_new(false, false);
	char *s;

	(void)state;
	out_obj_begin(o, NULL, NULL);
	out_str(o, "pci", "pci", "0000:03:00.0");
	out_int(o, "total_vfs", "total VFs", 8, true);
	out_yesno(o, "changed", "changed", true);
	out_obj_begin(o, "cap", "capability");
	out_int(o, "offset", "offset", 160, true);
	out_obj_end(o);
	out_list_begin(o, "vfs", "VFs");
	out_list_end(o);
	out_obj_end(o);
	s = render(o);
	assert_string_equal(s,
		"pci:       0000:03:00.0\n"
		"total VFs: 8\n"
		"changed:   yes\n"
		"\ncapability:\n"
		"  offset: 160\n"
		"\nVFs:\n"
		"  (none)\n");
	free(s);
	out_free(o);
}

static void test_escapes(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	json_write_string(f, "a\\b\t\x01\xc3\xa9");
	fclose(f);
	assert_string_equal(buf, "\"a\\\\b\\t\\u0001\xc3\xa9\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_pretty_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
