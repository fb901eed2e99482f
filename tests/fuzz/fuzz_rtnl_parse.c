/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parsers of rtnetlink answers: the VF list, the ifindex, acks. */
#include "fuzz.h"
#include "rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sriov_ctx *ctx;
	struct sriov_vf_config *vfs = NULL;
	char extack[64];
	size_t count = 0;
	int ifindex, err;

	if (!ctx)
		ctx = fuzz_ctx(NULL);
	if (sriov_rtnl_parse_getlink(ctx, data, size, &vfs, &count) == 0) {
		fuzz_assert(count <= 0xffff && (vfs || count == 0));
		for (size_t i = 0; i < count; i++)
			fuzz_assert(vfs[i].vlan <= 4095 && vfs[i].qos <= 7);
		free(vfs);
	}
	sriov_rtnl_parse_ifindex(ctx, data, size, &ifindex);
	if (sriov_rtnl_parse_ack(data, size, extack, sizeof(extack), &err) == 0)
		fuzz_assert(err <= 0 && strlen(extack) < sizeof(extack));
	return 0;
}
