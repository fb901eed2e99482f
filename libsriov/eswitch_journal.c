/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal of VF settings kept while an eswitch mode change removes
 * and re-creates VFs (or the driver may lose them): STATE_DIR/eswitch/DEV,
 * one line per VF in the words of the desired-state keys, written before
 * anything is touched and removed once the settings are back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eswitch.h"

/* Appends "key=value" for each field of c; false when buf is full. */
static bool format_vf(const struct sriov_vf_config *c, char *buf, size_t size,
		      size_t *off)
{
	const struct sriov_vf_key *k;

	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++) {
		char value[SRIOV_VF_VALUE_STRLEN];
		int n;

		if (!(c->mask & k->field) || sriov_vf_key_format(k, c, value, sizeof(value)) < 0)
			continue;
		n = snprintf(buf + *off, size - *off, " %s=%s", k->name, value);
		if (n < 0 || (size_t)n >= size - *off)
			return false;
		*off += (size_t)n;
	}
	return true;
}

int sriov_eswitch_journal_write(struct sriov_pf *pf,
				const struct sriov_vf_config *saved, size_t n,
				char **ret_path)
{
	char dir[4096], path[4096];
	_cleanup_free_ char *buf = NULL;
	size_t size = 256 + n * 512, off = 0;
	int r;

	r = sriov_state_subdir(pf->ctx, "eswitch", dir, sizeof(dir));
	if (r < 0)
		return r;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, pf->dev_name) >= sizeof(path))
		return sriov_err(pf->ctx, ENAMETOOLONG, "state directory path too long");
	buf = malloc(size);
	if (!buf)
		return sriov_err(pf->ctx, ENOMEM, "out of memory");
	off = (size_t)snprintf(buf, size, "# VF settings of %s/%s while its eswitch mode changes\n",
			       pf->bus, pf->dev_name);
	for (size_t i = 0; i < n; i++) {
		if (!saved[i].mask)
			continue;
		off += (size_t)snprintf(buf + off, size - off, "vf %zu", i);
		if (!format_vf(&saved[i], buf, size - 1, &off))
			return sriov_err(pf->ctx, EOVERFLOW, "VF %zu: settings too long to journal", i);
		buf[off++] = '\n';
	}
	r = sriov_write_atomic(pf->ctx, path, buf, off);
	if (r < 0)
		return r;
	*ret_path = strdup(path);
	if (!*ret_path)
		return sriov_err(pf->ctx, ENOMEM, "out of memory");
	return 0;
}
