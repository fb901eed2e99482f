/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The datagram splitter and then, as on the socket, the parser of the
 * answer it found. Input: a 4-byte sequence number, then the datagram.
 */
#include "fuzz.h"
#include "rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sriov_ctx *ctx;
	struct sriov_vf_config *vfs = NULL;
	void *msg = NULL;
	size_t len = 0, count;
	uint8_t *dgram;
	uint32_t seq;
	int r;

	if (size < sizeof(seq))
		return 0;
	if (!ctx)
		ctx = fuzz_ctx(NULL);
	memcpy(&seq, data, sizeof(seq));
	size -= sizeof(seq);
	/* its own block, so that a read past the datagram is caught */
	dgram = malloc(size ? size : 1);
	if (!dgram)
		abort();
	memcpy(dgram, data + sizeof(seq), size);
	r = sriov_rtnl_find_answer(ctx, 0, dgram, size, seq, &msg, &len);
	fuzz_assert(r == 0 || r == 1 || r == -EBADMSG);
	if (r == 1) {
		fuzz_assert(len >= 16 && len <= size);
		if (sriov_rtnl_parse_getlink(ctx, msg, len, &vfs, &count) == 0)
			free(vfs);
		free(msg);
	}
	free(dgram);
	return 0;
}
