/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Owners "USER[:GROUP]" with one meaning for every caller (vfio bind
 * --owner, owner: in a desired state): names or numbers, a name first as
 * chown(1) looks them up; a bare USER gets that user's primary group.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Highest uid or gid taken as a number; (uid_t)-1 means "leave" to chown. */
#define OWNER_ID_MAX 0x7ffffffe
#define OWNER_NAME_MAX 32

static bool name_valid(const char *s, size_t len)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-";

	return len && len <= OWNER_NAME_MAX && s[0] != '-' &&
	       strspn(s, ok) >= len;
}

/* ':' is no name character: "a:b:c" fails on the group "b:c" */
bool sriov_owner_valid(const char *owner)
{
	const char *colon;

	if (!owner)
		return false;
	colon = strchr(owner, ':');
	if (!colon)
		return name_valid(owner, strlen(owner));
	return name_valid(owner, (size_t)(colon - owner)) &&
	       name_valid(colon + 1, strlen(colon + 1));
}

/* A user (uid, primary group) or a group (gid) the databases know by name. */
static bool by_name(const char *name, bool group, unsigned int *ret_id,
		    gid_t *ret_gid)
{
	struct passwd pw, *pwr = NULL;
	struct group gr, *grr = NULL;
	char buf[16384];

	if (group) {
		if (getgrnam_r(name, &gr, buf, sizeof(buf), &grr) != 0 || !grr)
			return false;
		*ret_id = grr->gr_gid;
		return true;
	}
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pwr) != 0 || !pwr)
		return false;
	*ret_id = pwr->pw_uid;
	*ret_gid = pwr->pw_gid;
	return true;
}

/* 0: known by name; 1: a number; -EINVAL: neither. */
static int lookup(struct sriov_ctx *ctx, const char *name, bool group,
		  unsigned int *ret_id, gid_t *ret_gid)
{
	unsigned long v;

	if (by_name(name, group, ret_id, ret_gid))
		return 0;
	if (sriov_parse_uint(name, 10, OWNER_ID_MAX, &v) < 0)
		return sriov_err(ctx, EINVAL, "no %s \"%s\"",
				 group ? "group" : "user", name);
	*ret_id = (unsigned int)v;
	return 1;
}

int sriov_owner_user(struct sriov_ctx *ctx, const char *name, uid_t *ret_uid,
		     gid_t *ret_gid)
{
	struct passwd pw, *res = NULL;
	uid_t uid;
	gid_t gid = 0;
	char buf[16384];
	int r = lookup(ctx, name, false, &uid, &gid);

	if (r < 0)
		return r;
	/* a number: its user's group, or the group of the same number */
	if (r == 1)
		gid = getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res
			      ? res->pw_gid : (gid_t)uid;
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

int sriov_owner_parse(struct sriov_ctx *ctx, const char *owner,
		      uid_t *ret_uid, gid_t *ret_gid)
{
	char user[OWNER_NAME_MAX + 1];
	const char *colon;
	uid_t uid;
	gid_t gid;
	int r;

	if (!sriov_owner_valid(owner))
		return sriov_err(ctx, EINVAL,
				 "invalid owner \"%s\": expected USER or USER:GROUP (names or numbers)",
				 owner ? owner : "");
	colon = strchr(owner, ':');
	snprintf(user, sizeof(user), "%.*s",
		 (int)(colon ? (size_t)(colon - owner) : strlen(owner)), owner);
	r = sriov_owner_user(ctx, user, &uid, &gid);
	if (r == 0 && colon)
		r = lookup(ctx, colon + 1, true, &gid, NULL);
	if (r < 0)
		return r;
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

void sriov_owner_format(uid_t uid, gid_t gid, char *buf, size_t size)
{
	char pwbuf[16384], grbuf[16384], u[16], g[16];
	struct passwd pw, *pwr = NULL;
	struct group gr, *grr = NULL;

	getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwr);
	getgrgid_r(gid, &gr, grbuf, sizeof(grbuf), &grr);
	snprintf(u, sizeof(u), "%u", (unsigned int)uid);
	snprintf(g, sizeof(g), "%u", (unsigned int)gid);
	snprintf(buf, size, "%s:%s", pwr ? pw.pw_name : u, grr ? gr.gr_name : g);
}
