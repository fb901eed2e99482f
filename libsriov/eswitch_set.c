/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changing a PF's eswitch mode: a plan from what the driver needs, the
 * steps verified by reading back, and a roll-back of those done when one
 * fails.
 */
#include <linux/devlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink_rate.h"
#include "eswitch.h"
#include "rtnl.h"
#include "sysfs.h"

/* What the drivers are known to need (the kernel's answer covers the rest). */
static const struct eswitch_rule {
	const char *driver;
	bool needs_no_vfs;  /* refuses a mode change while VFs exist */
	bool wipes;         /* the VFs lose their settings on a change */
} rules[] = {
	{ "ice", true, false },
	{ "mlx5_core", false, true },
};

static const char *const action_names[] = {
	"save-settings", "remove-vfs", "set-mode", "create-vfs",
	"restore-settings",
};
static const char *const status_names[] = {
	"planned", "done", "failed", "undone", "skipped",
};

SRIOV_EXPORT const char *sriov_eswitch_action_name(int action)
{
	return action >= 0 && (size_t)action < ARRAY_SIZE(action_names)
		       ? action_names[action] : NULL;
}

SRIOV_EXPORT const char *sriov_eswitch_status_name(int status)
{
	return status >= 0 && (size_t)status < ARRAY_SIZE(status_names)
		       ? status_names[status] : NULL;
}

SRIOV_EXPORT void sriov_eswitch_report_free(struct sriov_eswitch_report *r)
{
	if (!r)
		return;
	free(r->journal);
	free(r);
}

struct esw_run {
	struct sriov_pf *pf;
	struct sriov_ctx *ctx;
	struct sriov_devlink *dl;
	struct sriov_eswitch_opts o;
	struct sriov_eswitch_report *rep;
	const struct eswitch_rule *rule;
	int num_vfs;
	struct sriov_vf_config *saved;   /* [num_vfs], mask 0: nothing saved */
};

static const struct eswitch_rule *rule_of(const struct sriov_pf *pf)
{
	for (size_t i = 0; pf->info.driver && i < ARRAY_SIZE(rules); i++)
		if (!strcmp(pf->info.driver, rules[i].driver))
			return &rules[i];
	return NULL;
}

static struct sriov_eswitch_step *step_of(struct esw_run *run,
					  enum sriov_eswitch_action a)
{
	for (size_t i = 0; i < run->rep->n_steps; i++)
		if (run->rep->steps[i].action == a)
			return &run->rep->steps[i];
	return NULL;
}

static void mark(struct esw_run *run, enum sriov_eswitch_action a,
		 enum sriov_eswitch_status s, int error)
{
	struct sriov_eswitch_step *st = step_of(run, a);

	if (st) {
		st->status = s;
		st->error = s == SRIOV_ESWITCH_FAILED ? error : 0;
	}
}

static void plan(struct esw_run *run, bool remove_vfs)
{
	struct sriov_eswitch_report *rep = run->rep;
	bool settings = run->num_vfs > 0 && run->pf->info.netdevs[0];

	rep->n_steps = 0;
	rep->vfs_recreated = remove_vfs;
#define ADD(a) rep->steps[rep->n_steps++] = (struct sriov_eswitch_step){ a, SRIOV_ESWITCH_PLANNED, 0 }
	if (settings)
		ADD(SRIOV_ESWITCH_SAVE_SETTINGS);
	if (remove_vfs)
		ADD(SRIOV_ESWITCH_REMOVE_VFS);
	ADD(SRIOV_ESWITCH_SET_MODE);
	if (remove_vfs)
		ADD(SRIOV_ESWITCH_CREATE_VFS);
	if (settings)
		ADD(SRIOV_ESWITCH_RESTORE_SETTINGS);
#undef ADD
}

/* How the user names the PF: its netdev, else its device. */
static const char *pf_name(const struct esw_run *run)
{
	return run->pf->info.netdevs[0] ? run->pf->info.netdevs[0] : run->pf->dev_name;
}

/* The refusal that tells the user what --force would do, step by step. */
static int refuse_vfs(struct esw_run *run, const char *why)
{
	const char *name = pf_name(run);

	return sriov_err(run->ctx, ECANCELED,
			 "%s: %s; the VFs must go first. With --force sriovctl will: save the settings of its %d VFs, "
			 "remove them (sriovctl pf set %s num-vfs 0), set the mode (devlink dev eswitch set %s mode %s), "
			 "create %d VFs again (sriovctl pf set %s num-vfs %d) and re-apply their settings",
			 run->rep->handle, why, run->num_vfs, name, run->rep->handle,
			 sriov_eswitch_mode_name(run->o.mode), run->num_vfs, name,
			 run->num_vfs);
}

static int refuse_rate_nodes(struct esw_run *run)
{
	_cleanup_free_ struct sriov_dl_rate *rates = NULL;
	const char *first = NULL;
	char list[256] = "";
	size_t n = 0, nodes = 0, off = 0;
	int r = sriov_dl_rate_dump(run->dl, &rates, &n);

	/* kernels before rate objects (5.13) do not know the command */
	if (r == -EOPNOTSUPP || r == -EINVAL)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (!rates[i].node || strcmp(rates[i].bus, run->pf->bus) ||
		    strcmp(rates[i].dev, run->pf->dev_name))
			continue;
		if (!first)
			first = rates[i].name;
		if (off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						nodes ? ", " : "", rates[i].name);
		nodes++;
	}
	if (!nodes)
		return 0;
	return sriov_err(run->ctx, ECANCELED,
			 "%s: rate node%s %s exist%s, and the kernel changes no eswitch mode while any does; "
			 "delete %s first (sriovctl rate del %s/%s, or devlink port function rate del %s/%s)",
			 run->rep->handle, nodes > 1 ? "s" : "", list, nodes > 1 ? "" : "s",
			 nodes > 1 ? "them" : "it", pf_name(run), first, run->rep->handle, first);
}

/* The settings of every VF into run->saved, and a journal of them. */
static int save_settings(struct esw_run *run)
{
	int r = sriov_pf_read_vf_config(run->pf, false);

	free(run->saved);
	run->saved = NULL;
	run->rep->n_settings_saved = 0;
	free(run->rep->journal);
	run->rep->journal = NULL;
	if (r == -EOPNOTSUPP || r == -ENODEV) {
		mark(run, SRIOV_ESWITCH_SAVE_SETTINGS, SRIOV_ESWITCH_SKIPPED, 0);
		mark(run, SRIOV_ESWITCH_RESTORE_SETTINGS, SRIOV_ESWITCH_SKIPPED, 0);
		return 0;
	}
	if (r == 0) {
		run->saved = calloc((size_t)run->num_vfs, sizeof(*run->saved));
		if (!run->saved)
			r = sriov_err(run->ctx, ENOMEM, "out of memory");
	}
	for (int i = 0; r == 0 && i < run->num_vfs; i++) {
		struct sriov_vf *vf = sriov_pf_get_vf(run->pf, (unsigned int)i);
		const struct sriov_vf_config *c = vf ? sriov_vf_get_config(vf) : NULL;

		if (c) {
			run->saved[i] = *c;
			run->saved[i].mask &= SRIOV_RTNL_SETTABLE;
			run->rep->n_settings_saved++;
		}
	}
	if (r == 0)
		r = sriov_eswitch_journal_write(run->pf, run->saved,
						(size_t)run->num_vfs,
						&run->rep->journal);
	mark(run, SRIOV_ESWITCH_SAVE_SETTINGS,
	     r < 0 ? SRIOV_ESWITCH_FAILED : SRIOV_ESWITCH_DONE, r);
	return r;
}

/* a < 0: a roll-back step, not one of the plan */
static int set_vfs(struct esw_run *run, int n, int a)
{
	struct sriov_numvfs_opts o = { .sz = sizeof(o), .num_vfs = n,
				       .autoprobe = -1,
				       .timeout_ms = run->o.timeout_ms };
	struct sriov_numvfs_report *nr = NULL;
	int r = sriov_pf_set_num_vfs(run->pf, &o, &nr);

	sriov_numvfs_report_free(nr);
	if (a >= 0)
		mark(run, a, r < 0 ? SRIOV_ESWITCH_FAILED : SRIOV_ESWITCH_DONE, r);
	return r;
}

/* The devlink request and its read-back. */
static int set_mode(struct esw_run *run, int mode)
{
	struct sriov_eswitch_info e;
	int r;

	r = sriov_dl_eswitch_set_mode(run->dl, run->pf->bus, run->pf->dev_name,
				      (uint16_t)mode);
	sriov_ctx_dl_forget(run->ctx);
	if (r < 0)
		return r;
	r = sriov_pf_read_eswitch(run->pf, &e);
	if (r == 0 && e.mode != mode)
		r = sriov_err(run->ctx, EIO, "%s: eswitch mode %s set, but it reads back %s",
			      run->rep->handle, sriov_eswitch_mode_name(mode),
			      sriov_eswitch_mode_name(e.mode) ? sriov_eswitch_mode_name(e.mode)
							      : "nothing");
	return r;
}

/* Writes what differs from the saved settings; counts what it restored. */
static int restore_settings(struct esw_run *run, bool count)
{
	struct sriov_vf_change_report *cr = NULL;
	_cleanup_free_ struct sriov_vf **vfs = NULL;
	_cleanup_free_ struct sriov_vf_config *want = NULL;
	size_t n = 0;
	int r;

	if (!run->saved)
		return 0;
	r = sriov_pf_read_vf_config(run->pf, false);
	vfs = calloc((size_t)run->num_vfs, sizeof(*vfs));
	want = calloc((size_t)run->num_vfs, sizeof(*want));
	if (r == 0 && (!vfs || !want))
		r = sriov_err(run->ctx, ENOMEM, "out of memory");
	for (int i = 0; r == 0 && i < run->num_vfs; i++) {
		struct sriov_vf *vf = sriov_pf_get_vf(run->pf, (unsigned int)i);

		if (!vf || !run->saved[i].mask)
			continue;
		vfs[n] = vf;
		want[n++] = run->saved[i];
	}
	if (r == 0 && n)
		r = sriov_vf_set_config(vfs, want, n, false, &cr);
	if (r == 0 && cr && count) {
		for (size_t i = 0; i < cr->n; i++)
			run->rep->n_settings_restored += cr->vfs[i].changed != 0;
		run->rep->n_settings_failed = cr->n_failed;
		if (cr->n_failed)
			r = sriov_err(run->ctx, EIO,
				      "%s: the settings of %zu VFs could not be re-applied; they are kept in %s",
				      run->rep->handle, cr->n_failed,
				      run->rep->journal ? run->rep->journal : "(no journal)");
	}
	sriov_vf_change_report_free(cr);
	return r;
}

static void restore_status(struct esw_run *run, int r)
{
	mark(run, SRIOV_ESWITCH_RESTORE_SETTINGS,
	     r < 0 ? SRIOV_ESWITCH_FAILED
		   : run->rep->n_settings_restored ? SRIOV_ESWITCH_DONE
						   : SRIOV_ESWITCH_SKIPPED, r);
}

/*
 * Puts back what the steps done changed: the mode, the VFs, their
 * settings. The error stays the one that made it necessary; its text
 * says whether the roll-back was complete.
 */
static void roll_back(struct esw_run *run, int err)
{
	struct sriov_eswitch_step *mode = step_of(run, SRIOV_ESWITCH_SET_MODE);
	struct sriov_eswitch_step *rm = step_of(run, SRIOV_ESWITCH_REMOVE_VFS);
	char why[SRIOV_ERRBUF_LEN];
	int r = 0;

	snprintf(why, sizeof(why), "%s", sriov_ctx_last_error(run->ctx));
	if (mode && mode->status == SRIOV_ESWITCH_DONE) {
		r = set_mode(run, run->rep->mode_before);
		if (r == 0)
			mode->status = SRIOV_ESWITCH_UNDONE;
	}
	if (r == 0 && rm && rm->status == SRIOV_ESWITCH_DONE) {
		r = run->pf->info.num_vfs == run->num_vfs ? 0
			: set_vfs(run, run->num_vfs, -1);
		if (r == 0)
			rm->status = SRIOV_ESWITCH_UNDONE;
	}
	if (r == 0)
		r = restore_settings(run, false);
	run->rep->rolled_back = r == 0;
	if (r == 0)
		sriov_err(run->ctx, -err, "%s; rolled back", why);
	else
		sriov_err(run->ctx, -err, "%s; the roll-back failed too: %s", why,
			  sriov_ctx_last_error(run->ctx));
}

static int execute(struct esw_run *run)
{
	int r = 0;

	if (step_of(run, SRIOV_ESWITCH_SAVE_SETTINGS))
		r = save_settings(run);
	if (r == 0 && step_of(run, SRIOV_ESWITCH_REMOVE_VFS))
		r = set_vfs(run, 0, SRIOV_ESWITCH_REMOVE_VFS);
	if (r < 0)
		return r;
	r = set_mode(run, run->o.mode);
	mark(run, SRIOV_ESWITCH_SET_MODE,
	     r < 0 ? SRIOV_ESWITCH_FAILED : SRIOV_ESWITCH_DONE, r);
	if (r == 0 && step_of(run, SRIOV_ESWITCH_CREATE_VFS))
		r = set_vfs(run, run->num_vfs, SRIOV_ESWITCH_CREATE_VFS);
	if (r < 0) {
		if (step_of(run, SRIOV_ESWITCH_REMOVE_VFS) ||
		    step_of(run, SRIOV_ESWITCH_SET_MODE)->status == SRIOV_ESWITCH_DONE)
			roll_back(run, r);
		return r;
	}
	if (step_of(run, SRIOV_ESWITCH_RESTORE_SETTINGS) && run->saved) {
		/* the mode is set; settings that fail are reported, not undone */
		r = restore_settings(run, true);
		restore_status(run, r);
	}
	return r;
}

static int run_change(struct esw_run *run)
{
	bool remove_vfs = run->num_vfs > 0 && run->rule && run->rule->needs_no_vfs;
	int r;

	if (remove_vfs && !run->o.force)
		return refuse_vfs(run, "its driver changes the mode only without VFs");
	plan(run, remove_vfs);
	if (run->o.dry_run)
		return 0;
	r = execute(run);
	/* a driver not in the table that refused with VFs present */
	if (r < 0 && !remove_vfs && run->num_vfs > 0 &&
	    (r == -EOPNOTSUPP || r == -EBUSY || r == -EINVAL) &&
	    step_of(run, SRIOV_ESWITCH_SET_MODE)->status == SRIOV_ESWITCH_FAILED) {
		char why[SRIOV_ERRBUF_LEN];

		snprintf(why, sizeof(why), "the driver refused the mode with VFs present (%s)",
			 sriov_ctx_last_error(run->ctx));
		if (!run->o.force)
			return refuse_vfs(run, why);
		plan(run, true);
		r = execute(run);
	}
	return r;
}

static int report_new(struct esw_run *run)
{
	struct sriov_eswitch_info e;
	int r;

	run->rep = calloc(1, sizeof(*run->rep));
	if (!run->rep)
		return sriov_err(run->ctx, ENOMEM, "out of memory");
	run->rep->mode_before = run->rep->mode_after = SRIOV_NO_VALUE;
	run->rep->num_vfs_before = run->rep->num_vfs_after = run->pf->info.num_vfs;
	run->num_vfs = run->pf->info.num_vfs > 0 ? run->pf->info.num_vfs : 0;
	sriov_ctx_dl_forget(run->ctx);
	r = sriov_pf_read_eswitch(run->pf, &e);
	if (r < 0)
		return r;
	memcpy(run->rep->handle, e.handle, sizeof(e.handle));
	run->rep->mode_before = run->rep->mode_after = e.mode;
	if (!e.handle[0])
		return sriov_err(run->ctx, EOPNOTSUPP,
				 "%s has no devlink instance: it has no eswitch mode to set",
				 run->pf->dev_name);
	if (e.mode == SRIOV_NO_VALUE)
		return sriov_err(run->ctx, EOPNOTSUPP,
				 "%s: the driver reports no eswitch mode (%s)",
				 e.handle, sriov_ctx_last_error(run->ctx));
	return sriov_pf_devlink(run->pf, &run->dl);
}

SRIOV_EXPORT int sriov_pf_set_eswitch(struct sriov_pf *pf,
				      const struct sriov_eswitch_opts *opts,
				      struct sriov_eswitch_report **ret_report)
{
	struct esw_run run = { .pf = pf };
	unsigned long writes;
	int r;

	if (!pf || !opts || opts->sz < sizeof(run.o) || !ret_report)
		return -EINVAL;
	memcpy(&run.o, opts, sizeof(run.o));
	run.ctx = pf->ctx;
	if (!sriov_eswitch_mode_name(run.o.mode))
		return sriov_err(pf->ctx, EINVAL, "invalid eswitch mode %d", run.o.mode);
	r = sriov_pf_refresh(pf);
	if (r == 0)
		r = report_new(&run);
	if (!run.rep)
		return r;
	run.rule = rule_of(pf);
	writes = sriov_devlink_n_writes(run.dl);
	if (r == 0 && run.rep->mode_before != run.o.mode)
		r = refuse_rate_nodes(&run);
	if (r == 0 && run.rep->mode_before != run.o.mode)
		r = run_change(&run);
	if (r == 0) {
		run.rep->changed = run.rep->mode_before != run.o.mode;
		run.rep->mode_after = run.o.mode;
		if (run.rep->journal && !run.o.dry_run)
			sriov_remove_synced(pf->ctx, run.rep->journal);
	} else if (run.dl && !run.o.dry_run) {
		struct sriov_eswitch_info e;

		if (sriov_pf_read_eswitch(pf, &e) == 0)
			run.rep->mode_after = e.mode;
		run.rep->changed = run.rep->mode_after != run.rep->mode_before;
	}
	run.rep->num_vfs_after = pf->info.num_vfs;
	run.rep->devlink_writes = sriov_devlink_n_writes(run.dl) - writes;
	free(run.saved);
	*ret_report = run.rep;
	return r;
}
