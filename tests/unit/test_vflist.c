/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One grammar for VF lists ("0-3,7"): sriov_vf_list_parse() and the two
 * places that read one, PF#LIST (sriov_vf_spec_resolve()) and "vfs:" in
 * a desired state, which accept and refuse the same lists.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "apply_internal.h"
#include "fakesys.h"

struct list_case {
	const char *text;
	int want;                     /* 0, -EINVAL or -ERANGE */
	unsigned int idx[6];          /* when accepted */
	size_t n;
};

static const struct list_case cases[] = {
	{ "0", 0, { 0 }, 1 },
	{ "7", 0, { 7 }, 1 },
	{ "0-3", 0, { 0, 1, 2, 3 }, 4 },
	{ "2,0", 0, { 2, 0 }, 2 },
	{ "0-2,1", 0, { 0, 1, 2 }, 3 },
	{ "5,1-2,5,1", 0, { 5, 1, 2 }, 3 },
	{ "3-3", 0, { 3 }, 1 },
	{ "", -EINVAL, { 0 }, 0 },
	{ ",", -EINVAL, { 0 }, 0 },
	{ ",1", -EINVAL, { 0 }, 0 },
	{ "1,", -EINVAL, { 0 }, 0 },
	{ "1,,2", -EINVAL, { 0 }, 0 },
	{ "2-1", -EINVAL, { 0 }, 0 },
	{ "-1", -EINVAL, { 0 }, 0 },
	{ "1-", -EINVAL, { 0 }, 0 },
	{ "1--2", -EINVAL, { 0 }, 0 },
	{ "1-2-3", -EINVAL, { 0 }, 0 },
	{ "+1", -EINVAL, { 0 }, 0 },
	{ " 1", -EINVAL, { 0 }, 0 },
	{ "1 ", -EINVAL, { 0 }, 0 },
	{ "0x1", -EINVAL, { 0 }, 0 },
	{ "a-b", -EINVAL, { 0 }, 0 },
	{ "8", -ERANGE, { 0 }, 0 },
	{ "0-8", -ERANGE, { 0 }, 0 },
	{ "99999999999999999999", -ERANGE, { 0 }, 0 },
};

struct fixture {
	char root[64];
	struct sriov_ctx *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sriov_ctx_opts o = { .sz = sizeof(o) };
	char err[256];

	strcpy(f->root, "/tmp/sriov-vflist-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	if (fakesys_build(f->root, "pf 0000:03:00.0 vendor=8086 device=10c9 class=020000 "
			  "driver=igb netdev=enp3s0 total=8 numvfs=8 offset=128 stride=2 "
			  "vfdevice=10ca vfdriver=igbvf iommu=separate\n",
			  err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	o.sysfs_root = f->root;
	assert_int_equal(sriov_ctx_new(&o, &f->ctx), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sriov_ctx_free(f->ctx);
	fakesys_remove(f->root);
	free(f);
	return 0;
}

static void test_parser(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct list_case *c = &cases[i];
		unsigned int *idx = NULL;
		size_t n = 99;
		int r = sriov_vf_list_parse(f->ctx, c->text, 7, &idx, &n);

		if (r != c->want)
			fail_msg("\"%s\": %d, expected %d (%s)", c->text, r, c->want,
				 sriov_ctx_last_error(f->ctx));
		if (r < 0) {
			assert_null(idx);
			assert_int_equal(n, 99);
			assert_non_null(strstr(sriov_ctx_last_error(f->ctx), "invalid VF list"));
			continue;
		}
		assert_int_equal(n, c->n);
		assert_memory_equal(idx, c->idx, n * sizeof(*idx));
		free(idx);
	}
}

/* PF#LIST: the VFs of the list, in its order; or the parser's refusal. */
static void test_pf_spec(void **state)
{
	struct fixture *f = *state;
	char spec[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct list_case *c = &cases[i];
		struct sriov_vf **vfs = NULL;
		size_t n = 99;
		int r;

		snprintf(spec, sizeof(spec), "enp3s0#%s", c->text);
		r = sriov_vf_spec_resolve(f->ctx, spec, &vfs, &n);
		if ((r < 0) != (c->want < 0))
			fail_msg("\"%s\": %d, expected %d (%s)", spec, r, c->want,
				 sriov_ctx_last_error(f->ctx));
		if (r < 0) {
			assert_null(vfs);
			continue;
		}
		assert_int_equal(n, c->n);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(sriov_vf_get_info(vfs[k])->index, c->idx[k]);
		free(vfs);
	}
}

/* "vfs:" in a desired state: the same verdicts, the same VFs. */
static void test_desired_state(void **state)
{
	struct fixture *f = *state;
	char text[160];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct list_case *c = &cases[i];
		struct sriov_desired *d;
		const struct want_vf *w;
		int r;

		/* past VF 7 only the host refuses the list, at apply time */
		if (c->want == -ERANGE)
			continue;
		snprintf(text, sizeof(text),
			 "pfs:\n  - netdev: enp3s0\n    vfs:\n      - vfs: \"%s\"\n        trust: true\n",
			 c->text);
		assert_int_equal(sriov_desired_new(&d), 0);
		r = sriov_desired_add_text(f->ctx, d, "t.yaml", text, strlen(text));
		if ((r < 0) != (c->want < 0))
			fail_msg("vfs: \"%s\": %d, expected %d (%s)", c->text, r,
				 c->want, sriov_ctx_last_error(f->ctx));
		if (r == 0) {
			w = &d->pfs[0].vfs[0];
			assert_int_equal(w->n_idx, c->n);
			assert_memory_equal(w->idx, c->idx, c->n * sizeof(*w->idx));
		}
		sriov_desired_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parser, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_spec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desired_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
