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

/* value as a JSON string, without the closing newline */
static char *json_of(const char *value)
{
	struct out *o = out_new(true, false);
	char *s;

	out_str(o, NULL, NULL, value);
	s = render(o);
	out_free(o);
	s[strlen(s) - 1] = '\0';
	return s;
}

#define assert_json(value, want)                                              \
	do {                                                                  \
		char *got_ = json_of(value);                                  \
		assert_string_equal(got_, want);                              \
		free(got_);                                                   \
	} while (0)

static void test_escapes(void **state)
{
	(void)state;
	assert_json("a\\b\t\x01\xc3\xa9", "\"a\\\\b\\t\\u0001\xc3\xa9\"");
}

/* JSON stays valid UTF-8 and carries no raw control character. */
static void test_json_invalid_utf8(void **state)
{
	(void)state;
	/* a netdev name from sysfs with 0xff and an ANSI colour sequence */
	assert_json("e\xff\x1b[31mx", "\"e\\ufffd\\u001b[31mx\"");
	/* well-formed sequences of 2, 3 and 4 bytes pass */
	assert_json("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* every byte of an ill-formed one is U+FFFD */
	assert_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");              /* overlong */
	assert_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");   /* surrogate */
	assert_json("\xf4\x90\x80\x80x", "\"\\ufffd\\ufffd\\ufffd\\ufffdx\"");
	assert_json("\xe2\x82", "\"\\ufffd\\ufffd\"");              /* cut short */
	assert_json("\x80", "\"\\ufffd\"");
	/* DEL and C1 controls (U+009B is CSI) are escaped too */
	assert_json("\x7f\xc2\x9b", "\"\\u007f\\u009b\"");
}

/* Text escapes control characters and non-UTF-8 bytes as \xNN and keeps
 * columns aligned by what is written. */
static void test_text_controls(void **state)
{
	struct out *o = out_new(false, false);
	char *s;

	(void)state;
	out_list_begin(o, NULL, NULL);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "netdev", "netdev", "e\xff\x1b[31mx");
	out_str(o, "driver", "driver", "igb");
	out_obj_end(o);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "netdev", "netdev", "\xc3\xa9t\xc3\xa9");
	out_str(o, "driver", "driver", "a\nb\xc2\x9b");
	out_obj_end(o);
	out_list_end(o);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "netdev", "netdev", "tab\there");
	out_obj_end(o);
	/* a value on lines of its own keeps its newlines, not its escapes */
	out_str(o, NULL, "xml", "<a>\n  \x1b]0;title\x07</a>");
	s = render(o);
	assert_string_equal(s,
		"NETDEV          DRIVER\n"
		"e\\xff\\x1b[31mx  igb\n"
		"\xc3\xa9t\xc3\xa9             a\\x0ab\\xc2\\x9b\n"
		"netdev: tab\\x09here\n"
		"<a>\n  \\x1b]0;title\\x07</a>\n");
	free(s);
	out_free(o);
}

static void test_text_write_line(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	text_write_line(f, "%s: no network device \"%s\"", "sriovctl",
			"x\x1b[2J\xff\n");
	/* a progress line: no newline of its own */
	text_write(f, "binding 1/2, 0000:03:10.0: \x1b[31m");
	fclose(f);
	assert_string_equal(buf,
		"sriovctl: no network device \"x\\x1b[2J\\xff\\x0a\"\n"
		"binding 1/2, 0000:03:10.0: \\x1b[31m");
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
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_text_write_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
