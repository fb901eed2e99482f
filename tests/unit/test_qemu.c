/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU arguments, libvirt XML, and whether QEMU can take a device now. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fakesys.h"
#include "sriov/vfio.h"

struct fx {
	char root[64];
	struct sriov_ctx *ctx;
	struct sriov_pci_addr a[2];
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct sriov_ctx_opts o = { .sz = sizeof(o) };
	char err[256];

	strcpy(x->root, "/tmp/sriov-qemu-XXXXXX");
	assert_non_null(mkdtemp(x->root));
	if (fakesys_build(x->root,
			  "module vfio_pci\n"
			  "pf 0000:03:00.0 vendor=8086 device=10c9 driver=igb netdev=enp3s0 total=8 numvfs=3 offset=128 stride=2 vfdevice=10ca vfdriver=igbvf\n"
			  "vf 0000:03:00.0#0 driver=vfio-pci netdev=none\n"
			  "vf 0000:03:00.0#1 driver=vfio-pci netdev=none\n"
			  "pf 0000:04:00.0 vendor=1b36 device=0010 class=010802 driver=nvme total=4 numvfs=1 offset=1 stride=1 vfdevice=0010 iommu=shared\n"
			  "vf 0000:04:00.0#0 driver=vfio-pci\n"
			  "pf 0000:05:00.0 vendor=8086 device=10c9 driver=vfio-pci total=8 numvfs=1 offset=128 stride=2 vfdevice=10ca vfdriver=vfio-pci\n",
			  err, sizeof(err)) < 0)
		fail_msg("fakesys: %s", err);
	o.sysfs_root = x->root;
	assert_int_equal(sriov_ctx_new(&o, &x->ctx), 0);
	sriov_pci_addr_parse("0000:03:10.0", &x->a[0]);
	sriov_pci_addr_parse("0000:03:10.2", &x->a[1]);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	sriov_ctx_free(x->ctx);
	fakesys_remove(x->root);
	free(x);
	return 0;
}

/* The arguments joined by spaces. */
static char *joined(char **argv)
{
	static char buf[2048];
	size_t len = 0;

	buf[0] = '\0';
	for (char **p = argv; *p; p++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					len ? " " : "", *p);
	sriov_strv_free(argv);
	return buf;
}

static char *args(struct fx *x, size_t n, const struct sriov_qemu_opts *o)
{
	char **argv = NULL;

	assert_int_equal(sriov_qemu_args(x->ctx, x->a, n, o, &argv), 0);
	return joined(argv);
}

static void test_args(void **state)
{
	struct fx *x = *state;
	struct sriov_qemu_opts o = { .sz = sizeof(o), .id_prefix = "vf" };

	/* zero means QEMU's default: no rombar= at all */
	assert_string_equal(args(x, 1, &o),
			    "-device vfio-pci,host=0000:03:10.0,id=vf0");
	o = (struct sriov_qemu_opts){ .sz = sizeof(o) };
	assert_string_equal(args(x, 2, NULL),
			    "-device vfio-pci,host=0000:03:10.0,id=hostdev0 "
			    "-device vfio-pci,host=0000:03:10.2,id=hostdev1");
	o.id_prefix = "net";
	o.bus = "pcie.1";
	o.rombar = SRIOV_ROMBAR_OFF;
	assert_string_equal(args(x, 1, &o),
			    "-device vfio-pci,host=0000:03:10.0,id=net0,bus=pcie.1,rombar=0");
	o.root_ports = true;
	o.rombar = SRIOV_ROMBAR_ON;
	/* ports first, eight to a slot, function 0 multifunction=on */
	assert_string_equal(args(x, 2, &o),
			    "-device pcie-root-port,id=netrp0,chassis=64,slot=0,bus=pcie.1,addr=0x8.0x0,multifunction=on "
			    "-device pcie-root-port,id=netrp1,chassis=65,slot=0,bus=pcie.1,addr=0x8.0x1 "
			    "-device vfio-pci,host=0000:03:10.0,id=net0,bus=netrp0,rombar=1 "
			    "-device vfio-pci,host=0000:03:10.2,id=net1,bus=netrp1,rombar=1");
	/* a lone port needs no multifunction; the base moves it to its slot */
	o.chassis_base = 128;
	o.bus = NULL;
	o.rombar = SRIOV_ROMBAR_DEFAULT;
	assert_string_equal(args(x, 1, &o),
			    "-device pcie-root-port,id=netrp0,chassis=128,slot=0,addr=0x10.0x0 "
			    "-device vfio-pci,host=0000:03:10.0,id=net0,bus=netrp0");
	o = (struct sriov_qemu_opts){ .sz = sizeof(o), .iommufd = true };
	assert_string_equal(args(x, 1, &o),
			    "-object iommufd,id=hostdeviommufd "
			    "-device vfio-pci,host=0000:03:10.0,id=hostdev0,iommufd=hostdeviommufd");
}

static void test_args_invalid(void **state)
{
	struct fx *x = *state;
	static const char *const bad_ids[] = { "", "0net", "net dev", "a,b",
					       "x=1", "n\"", "averyveryveryverylongprefixofmorethan32" };
	static const unsigned int bad_bases[] = { 4, 12, 241, 248, 256 };
	struct sriov_qemu_opts o = { .sz = sizeof(o) };
	char **argv = NULL;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		o.id_prefix = bad_ids[i];
		assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
	}
	o.id_prefix = NULL;
	o.bus = "pcie.0,addr=3";
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
	o.bus = NULL;
	o.rombar = SRIOV_ROMBAR_ON + 1;
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
	o.rombar = SRIOV_ROMBAR_DEFAULT;
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 0, &o, &argv), -ERANGE);
	/* chassis bases: multiples of 8, the ports within slots 1 to 30 */
	o.root_ports = true;
	for (size_t i = 0; i < sizeof(bad_bases) / sizeof(bad_bases[0]); i++) {
		o.chassis_base = bad_bases[i];
		assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
		assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "invalid chassis base"));
	}
	o.chassis_base = 240;
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 2, &o, &argv), 0);
	sriov_strv_free(argv);
	argv = NULL;
	o.chassis_base = 0;
	o.root_ports = false;
	/* iommufd only for a QEMU that has it; an unknown version is the caller's */
	o.iommufd = true;
	o.qemu_version = SRIOV_QEMU_VERSION(8, 2, 7);
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
	assert_string_equal(sriov_ctx_last_error(x->ctx),
			    "QEMU 8.2.7 has no iommufd backend (-object iommufd and vfio-pci's iommufd= came with QEMU 9.0.0): leave out iommufd");
	assert_null(argv);
	o.qemu_version = SRIOV_QEMU_VERSION(9, 0, 0);
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), 0);
	sriov_strv_free(argv);
	argv = NULL;
	sriov_strv_free(NULL);
}

static void test_libvirt(void **state)
{
	struct fx *x = *state;
	struct sriov_vf_config cfg = { .mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN,
				       .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
				       .vlan = 42 };
	const struct sriov_vf_config *cfgs[2] = { NULL, &cfg };
	struct sriov_qemu_opts o = { .sz = sizeof(o), .rombar = SRIOV_ROMBAR_OFF };
	char *xml = NULL;

	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a, cfgs, 2, &o, &xml), 0);
	assert_string_equal(xml,
		"<hostdev mode='subsystem' type='pci' managed='no'>\n"
		"  <source>\n"
		"    <address domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>\n"
		"  </source>\n"
		"  <rom bar='off'/>\n"
		"  <alias name='ua-hostdev0'/>\n"
		"</hostdev>\n"
		"<interface type='hostdev' managed='no'>\n"
		"  <mac address='52:54:00:12:34:56'/>\n"
		"  <source>\n"
		"    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>\n"
		"  </source>\n"
		"  <vlan>\n"
		"    <tag id='42'/>\n"
		"  </vlan>\n"
		"  <rom bar='off'/>\n"
		"  <alias name='ua-hostdev1'/>\n"
		"</interface>\n");
	free(xml);
	/* an all-zero MAC and VLAN 0 are "not set" */
	memset(cfg.mac, 0, 6);
	cfg.vlan = 0;
	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a + 1, cfgs + 1, 1, NULL, &xml), 0);
	assert_non_null(strstr(xml, "<hostdev "));
	assert_null(strstr(xml, "<rom"));
	free(xml);
	o.root_ports = true;
	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a, NULL, 1, &o, &xml), -EINVAL);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "libvirt"));
}

/* libvirt's schema (virt-xml-validate, Debian's libvirt0) takes the XML. */
static void assert_libvirt_valid(const char *xml)
{
	char path[] = "/tmp/sriov-qemu-domain-XXXXXX", cmd[128];
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "<domain type='kvm'>\n  <name>t</name>\n  <memory>131072</memory>\n"
		   "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n"
		   "  <devices>\n%s  </devices>\n</domain>\n", xml);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "virt-xml-validate %s domain >/dev/null", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

/*
 * libvirt sets an <interface>'s VLAN from the tag alone: a VF with a VLAN
 * QoS or 802.1ad is passed as <hostdev>, with a comment that says why.
 */
static void test_libvirt_vlan(void **state)
{
	struct fx *x = *state;
	struct sriov_vf_config qos = { .mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN,
				       .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
				       .vlan = 42, .qos = 3,
				       .vlan_proto = SRIOV_VLAN_PROTO_8021Q };
	struct sriov_vf_config ad = { .mask = SRIOV_VF_HAS_VLAN, .vlan = 7,
				      .vlan_proto = SRIOV_VLAN_PROTO_8021AD };
	struct sriov_vf_config plain = { .mask = SRIOV_VF_HAS_MAC | SRIOV_VF_HAS_VLAN,
					 .mac = { 0x52, 0x54, 0, 0xab, 0xcd, 0xef },
					 .vlan = 100,
					 .vlan_proto = SRIOV_VLAN_PROTO_8021Q };
	const struct sriov_vf_config *cfgs[2] = { &qos, &ad };
	char *xml = NULL;

	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a, cfgs, 2, NULL, &xml), 0);
	assert_string_equal(xml,
		"<!-- 0000:03:10.0: VLAN 42 qos 3 is kept by passing it as <hostdev>: libvirt would set the VLAN of an <interface type='hostdev'> itself without QoS -->\n"
		"<hostdev mode='subsystem' type='pci' managed='no'>\n"
		"  <source>\n"
		"    <address domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>\n"
		"  </source>\n"
		"  <alias name='ua-hostdev0'/>\n"
		"</hostdev>\n"
		"<!-- 0000:03:10.2: VLAN 7 802.1ad is kept by passing it as <hostdev>: libvirt would set the VLAN of an <interface type='hostdev'> itself without 802.1ad -->\n"
		"<hostdev mode='subsystem' type='pci' managed='no'>\n"
		"  <source>\n"
		"    <address domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>\n"
		"  </source>\n"
		"  <alias name='ua-hostdev1'/>\n"
		"</hostdev>\n");
	assert_libvirt_valid(xml);
	free(xml);
	ad.qos = 5;
	cfgs[0] = &plain;
	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a, cfgs, 2, NULL, &xml), 0);
	assert_non_null(strstr(xml, "<interface type='hostdev' managed='no'>\n"
				    "  <mac address='52:54:00:ab:cd:ef'/>"));
	assert_non_null(strstr(xml, "<tag id='100'/>"));
	assert_non_null(strstr(xml, "VLAN 7 qos 5 802.1ad is kept by passing it as <hostdev>: libvirt would set the VLAN of an <interface type='hostdev'> itself without QoS and 802.1ad -->\n<hostdev "));
	assert_libvirt_valid(xml);
	free(xml);
}

/* A VF whose PF is on vfio-pci opens only with the PF's VF token. */
static void test_vf_token(void **state)
{
	struct fx *x = *state;
	struct sriov_qemu_opts o = { .sz = sizeof(o) };
	char **argv = NULL, *xml = NULL;

	sriov_pci_addr_parse("0000:05:10.0", &x->a[1]);
	/* the kernel's token is random until the PF's user sets one */
	assert_int_equal(sriov_qemu_args(x->ctx, x->a, 2, NULL, &argv), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "PF's VF token"));
	assert_null(argv);
	o.vf_token = SRIOV_VF_TOKEN_NULL;
	assert_string_equal(args(x, 2, &o),
			    "-device vfio-pci,host=0000:03:10.0,id=hostdev0 "
			    "-device vfio-pci,host=0000:05:10.0,id=hostdev1,"
			    "vf-token=00000000-0000-0000-0000-000000000000");
	o.vf_token = "4A1F0C9E-6b1d-4c55-9a0e-2f7d3b8c1e60";
	o.iommufd = true;
	assert_string_equal(args(x, 2, &o),
			    "-object iommufd,id=hostdeviommufd "
			    "-device vfio-pci,host=0000:03:10.0,id=hostdev0,iommufd=hostdeviommufd "
			    "-device vfio-pci,host=0000:05:10.0,id=hostdev1,iommufd=hostdeviommufd,"
			    "vf-token=4A1F0C9E-6b1d-4c55-9a0e-2f7d3b8c1e60");
	static const char *const bad[] = { "", "4a1f0c9e", "4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e6",
					   "4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e600",
					   "4a1f0c9e+6b1d-4c55-9a0e-2f7d3b8c1e60",
					   "4a1f0c9e-6b1d-4c55-9a0e-2f7d3b8c1e6g" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.vf_token = bad[i];
		assert_int_equal(sriov_qemu_args(x->ctx, x->a, 1, &o, &argv), -EINVAL);
		assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "invalid VF token"));
	}
	assert_null(argv);
	/* libvirt's <hostdev> has no place for it */
	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a + 1, NULL, 1, NULL, &xml),
			 -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "cannot carry"));
	o = (struct sriov_qemu_opts){ .sz = sizeof(o), .vf_token = SRIOV_VF_TOKEN_NULL };
	assert_int_equal(sriov_libvirt_xml(x->ctx, x->a, NULL, 1, &o, &xml), -EINVAL);
	assert_null(xml);
}

static void test_usable(void **state)
{
	struct fx *x = *state;
	struct sriov_pci_addr a;

	assert_int_equal(sriov_vfio_usable(x->ctx, &x->a[0]), 0);
	sriov_pci_addr_parse("0000:03:10.4", &a);
	assert_int_equal(sriov_vfio_usable(x->ctx, &a), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "is on igbvf, not vfio-pci"));
	sriov_pci_addr_parse("0000:04:00.1", &a);
	assert_int_equal(sriov_vfio_usable(x->ctx, &a), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(x->ctx), "0000:04:00.0 on nvme"));
	sriov_pci_addr_parse("0000:09:00.0", &a);
	assert_int_equal(sriov_vfio_usable(x->ctx, &a), -ENODEV);
}

static void test_memlock(void **state)
{
	const uint64_t gib = 1024ULL * 1024 * 1024;

	(void)state;
	assert_int_equal(sriov_vfio_memlock_need(4 * gib, 1, false), 5 * gib);
	assert_int_equal(sriov_vfio_memlock_need(4 * gib, 3, false), 5 * gib);
	assert_int_equal(sriov_vfio_memlock_need(4 * gib, 3, true), 13 * gib);
	assert_int_equal(sriov_vfio_memlock_need(4 * gib, 1, true), 5 * gib);
	/* sums beyond 64 bits saturate instead of wrapping to a small need */
	assert_true(sriov_vfio_memlock_need(UINT64_MAX - gib + 1, 1, false) == UINT64_MAX);
	assert_true(sriov_vfio_memlock_need(17179869183ULL * gib, 1, false) == UINT64_MAX);
	assert_true(sriov_vfio_memlock_need(UINT64_MAX / 2, 3, true) == UINT64_MAX);
	assert_true(sriov_vfio_memlock_need(UINT64_MAX - gib, 1, false) == UINT64_MAX);
	assert_true(sriov_vfio_memlock_need(UINT64_MAX - gib - 1, 1, false) == UINT64_MAX - 1);
}

static void test_memlock_check(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_host h = { .memlock_cur = 64 * 1024 };
	const uint64_t gib = 1024ULL * 1024 * 1024;

	assert_int_equal(sriov_vfio_memlock_check(x->ctx, &h, gib, 1, false), -ECANCELED);
	assert_string_equal(sriov_ctx_last_error(x->ctx),
			    "RLIMIT_MEMLOCK is 65536 bytes, QEMU needs 2147483648 for 1073741824 bytes of guest RAM (raise it with ulimit -l, limits.conf or LimitMEMLOCK=)");
	h.cap_ipc_lock = true;
	assert_int_equal(sriov_vfio_memlock_check(x->ctx, &h, gib, 1, false), 0);
	h = (struct sriov_vfio_host){ .memlock_cur = 2 * gib };
	assert_int_equal(sriov_vfio_memlock_check(x->ctx, &h, gib, 1, false), 0);
	assert_int_equal(sriov_vfio_memlock_check(x->ctx, &h, gib, 2, true), -ECANCELED);
}

static void test_access(void **state)
{
	struct fx *x = *state;
	struct sriov_vfio_access acc;
	struct sriov_ctx_opts o = { .sz = sizeof(o), .sysfs_root = x->root };
	struct sriov_ctx *ctx;
	char dev[128], path[160];

	snprintf(dev, sizeof(dev), "%s.dev", x->root);
	o.dev_root = dev;
	assert_int_equal(sriov_ctx_new(&o, &ctx), 0);
	snprintf(path, sizeof(path), "%s/vfio", dev);
	assert_int_equal(mkdir(dev, 0755) | mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/vfio/7", dev);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(chown(path, 0, 0), 0);
	snprintf(path, sizeof(path), "%s/vfio/vfio", dev);
	close(open(path, O_CREAT | O_WRONLY, 0666));
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(sriov_vfio_group_access(ctx, 7, "nobody", &acc), 0);
	assert_true(acc.exists);
	assert_int_equal(acc.mode, 0600);
	assert_false(acc.user_rw);
	assert_true(acc.container_rw);
	assert_int_equal(sriov_vfio_access_check(ctx, 7, "nobody"), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(ctx),
			       "user nobody cannot open "));
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "/vfio/7 (0:0 0600) read-write"));
	assert_int_equal(sriov_vfio_group_access(ctx, 7, "root", &acc), 0);
	assert_true(acc.user_rw);
	assert_int_equal(sriov_vfio_access_check(ctx, 7, "root"), 0);
	assert_int_equal(sriov_vfio_access_check(ctx, 8, "root"), -ECANCELED);
	assert_non_null(strstr(sriov_ctx_last_error(ctx), "/vfio/8 missing"));
	snprintf(path, sizeof(path), "%s/vfio/7", dev);
	assert_int_equal(chown(path, 65534, 0), 0);
	assert_int_equal(sriov_vfio_group_access(ctx, 7, "65534", &acc), 0);
	assert_true(acc.user_rw);
	assert_int_equal(sriov_vfio_group_access(ctx, 8, "nobody", &acc), 0);
	assert_false(acc.exists);
	assert_int_equal(sriov_vfio_group_access(ctx, 7, "no-such-user-x", &acc), -EINVAL);
	sriov_ctx_free(ctx);
	snprintf(path, sizeof(path), "rm -rf '%s'", dev);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libvirt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_token, setup, teardown),
		cmocka_unit_test(test_memlock),
		cmocka_unit_test_setup_teardown(test_memlock_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
