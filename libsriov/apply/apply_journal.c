/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The apply journal: before a PF's first write, what its steps will
 * change (autoprobe, the settings of existing VFs, MTUs) is written down as a
 * desired-state document, STATE_DIR/apply/<PF>.yaml (atomically, 0600).
 * A finished run removes it; a killed one leaves it, and
 * sriov_apply_recover() applies it, which puts the PF back. VF counts
 * are not rolled back, and drivers have the vfio journal of their own
 * (sriov_recover()).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply_internal.h"

static int journal_dir(struct sriov_ctx *ctx, char *buf, size_t size)
{
	return sriov_state_subdir(ctx, "apply", buf, size);
}

static int journal_path(struct sriov_ctx *ctx, const struct pf_plan *p,
			char *buf, size_t size)
{
	char dir[4096];
	int r = journal_dir(ctx, dir, sizeof(dir));

	if (r == 0 && !sriov_name_valid(p->pf->dev_name))
		r = -EINVAL;
	if (r == 0)
		snprintf(buf, size, "%s/%s.yaml", dir, p->pf->dev_name);
	return r;
}

/* Appends s at *len when it fits; a line that would not is cut (never here). */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n < size) {
		memcpy(buf + *len, s, n);
		*len += n;
	}
}

static void put_uint(char *buf, size_t size, size_t *len, unsigned int v)
{
	char digits[12];
	size_t n = sizeof(digits) - 1;

	digits[n] = '\0';
	do
		digits[--n] = (char)('0' + v % 10);
	while ((v /= 10) && n);
	put(buf, size, len, digits + n);
}

/* A VF's changed settings as they were, built whole and written once. */
static void emit_vf(FILE *f, const struct sriov_apply_result *res)
{
	const struct sriov_vf_config *c = &res->config_before;
	uint32_t m = res->changed & c->mask;
	const struct sriov_vf_key *k;
	char text[SRIOV_VF_VALUE_STRLEN], buf[2048];
	size_t len = 0;

	if (!m)
		return;
	put(buf, sizeof(buf), &len, "      - vf: ");
	put_uint(buf, sizeof(buf), &len, (unsigned int)res->vf);
	put(buf, sizeof(buf), &len, "\n");
	for (size_t i = 0; (k = sriov_vf_key_at(i)); i++) {
		/* strings quoted, so that YAML reads none as another type */
		bool quote = k->type == SRIOV_VF_VALUE_STRING;

		if (!(m & k->field) ||
		    sriov_vf_key_format(k, c, text, sizeof(text)) < 0)
			continue;
		put(buf, sizeof(buf), &len, "        ");
		put(buf, sizeof(buf), &len, k->name);
		put(buf, sizeof(buf), &len, quote ? ": \"" : ": ");
		put(buf, sizeof(buf), &len, text);
		put(buf, sizeof(buf), &len, quote ? "\"\n" : "\n");
	}
	fwrite(buf, 1, len, f);
}

/* An MTU the plan changes and that was known before. */
static bool mtu_kept(const struct sriov_apply_result *res)
{
	return res->action == SRIOV_APPLY_MTU &&
	       res->status == SRIOV_APPLY_CHANGED && res->before != SRIOV_NO_VALUE;
}

static bool worth_keeping(struct apply_run *run, const struct pf_plan *p,
			  const struct sriov_apply_result *ap)
{
	const struct sriov_apply_result *es =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_ESWITCH);

	if (ap && ap->status == SRIOV_APPLY_CHANGED && ap->before != SRIOV_NO_VALUE)
		return true;
	if (apply_is_changed(es) && es->str_before)
		return true;
	for (size_t i = p->res_first; i < p->res_end; i++) {
		const struct sriov_apply_result *res = &run->rep->results[i];

		if (mtu_kept(res) && (res->vf < 0 || !p->recreate))
			return true;
		if (!p->recreate && res->action == SRIOV_APPLY_VF_CONFIG &&
		    (res->changed & res->config_before.mask))
			return true;
	}
	return false;
}

/* The PF as it was, for what the plan changes; 0 bytes: nothing to keep. */
static size_t journal_text(struct apply_run *run, const struct pf_plan *p,
			   char **ret)
{
	const struct sriov_apply_result *ap =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_AUTOPROBE);
	const struct sriov_apply_result *es =
		sriov_apply_find_result(run, p, -1, SRIOV_APPLY_ESWITCH);
	bool any_vf = false;
	size_t len = 0;
	FILE *f;

	if (!worth_keeping(run, p, ap) || !(f = open_memstream(ret, &len)))
		return 0;
	fprintf(f, "# sriovctl apply journal (pid %ld): %s as it was\npfs:\n",
		(long)getpid(), p->name);
	fprintf(f, p->pf->info.pci[0] ? "  - pci: \"%s\"\n" : "  - netdev: %s\n",
		p->pf->info.pci[0] ? p->pf->info.pci : p->pf->info.netdevs[0]);
	if (ap && ap->status == SRIOV_APPLY_CHANGED && ap->before != SRIOV_NO_VALUE)
		fprintf(f, "    autoprobe: %s\n", ap->before ? "true" : "false");
	for (size_t i = p->res_first; i < p->res_end; i++)
		if (run->rep->results[i].vf < 0 && mtu_kept(&run->rep->results[i]))
			fprintf(f, "    mtu: %d\n", run->rep->results[i].before);
	if (apply_is_changed(es) && es->str_before)
		fprintf(f, "    eswitch: %s\n", es->str_before);
	for (size_t i = p->res_first; !p->recreate && i < p->res_end; i++) {
		const struct sriov_apply_result *res = &run->rep->results[i];
		bool mtu = res->vf >= 0 && mtu_kept(res);

		if (!mtu && (res->action != SRIOV_APPLY_VF_CONFIG ||
			     !(res->changed & res->config_before.mask)))
			continue;
		if (!any_vf)
			fprintf(f, "    vfs:\n");
		any_vf = true;
		if (mtu)
			fprintf(f, "      - vf: %d\n        mtu: %d\n", res->vf,
				res->before);
		else
			emit_vf(f, res);
	}
	fclose(f);
	return len;
}

int sriov_apply_journal_write(struct apply_run *run, const struct pf_plan *p)
{
	char path[4200];
	char *text = NULL;
	size_t len = journal_text(run, p, &text);
	int r = 0;

	if (len)
		r = journal_path(run->ctx, p, path, sizeof(path));
	if (len && r == 0)
		r = sriov_write_atomic(run->ctx, path, text, len);
	free(text);
	return r;
}

void sriov_apply_journal_remove(struct apply_run *run, const struct pf_plan *p)
{
	char path[4200];

	if (journal_path(run->ctx, p, path, sizeof(path)) == 0)
		sriov_remove_synced(run->ctx, path);
}

static bool journal_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".yaml");
}

/* Never a link, never a FIFO to block on: the parser opens it next. */
static int journal_file_regular(struct sriov_ctx *ctx, const char *file)
{
	int fd, r = sriov_state_open(ctx, file, O_RDONLY, &fd);

	if (r == 0)
		close(fd);
	return r;
}

/* Every journal left behind, into one desired state. */
int sriov_apply_journal_load(struct sriov_ctx *ctx, struct sriov_desired *d)
{
	_cleanup_closedir_ DIR *dir = NULL;
	char path[4096];
	struct dirent *de;
	int r = journal_dir(ctx, path, sizeof(path));

	if (r < 0)
		return r;
	dir = opendir(path);
	if (!dir)
		return sriov_err(ctx, errno, "cannot read %s: %s", path,
				 strerror(errno));
	while (r == 0 && (de = readdir(dir))) {
		char file[4400];

		if (!journal_name(de->d_name))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		r = journal_file_regular(ctx, file);
		if (r == 0)
			r = sriov_desired_add_path(ctx, d, file);
	}
	return r;
}
