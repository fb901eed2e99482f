/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library's voice: the caller's log callback and the last error's text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef SRIOV_VERSION
#define SRIOV_VERSION "0.0.0"
#endif

SRIOV_EXPORT const char *sriov_version(void)
{
	return SRIOV_VERSION;
}

static void __attribute__((format(printf, 3, 0)))
vlog(struct sriov_ctx *ctx, enum sriov_log_level level, const char *fmt,
     va_list ap)
{
	char msg[SRIOV_ERRBUF_LEN];

	if (!ctx->log_fn || level > ctx->log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->log_fn(level, msg, ctx->log_userdata);
}

void sriov_log(struct sriov_ctx *ctx, enum sriov_log_level level,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, level, fmt, ap);
	va_end(ap);
}

int sriov_err(struct sriov_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errbuf, sizeof(ctx->errbuf), fmt, ap);
	va_end(ap);
	sriov_log(ctx, SRIOV_LOG_ERR, "%s", ctx->errbuf);
	return -err;
}

void sriov_note(struct sriov_ctx *ctx, const char *fmt, ...)
{
	char msg[SRIOV_ERRBUF_LEN], **notes;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sriov_dbg(ctx, "note: %s", msg);
	for (size_t i = 0; i < ctx->n_notes; i++)
		if (!strcmp(ctx->notes[i], msg))
			return;
	notes = realloc(ctx->notes, (ctx->n_notes + 2) * sizeof(*notes));
	if (!notes)
		return;
	ctx->notes = notes;
	notes[ctx->n_notes] = strdup(msg);
	if (notes[ctx->n_notes])
		ctx->n_notes++;
	notes[ctx->n_notes] = NULL;
}

void sriov_notes_free(struct sriov_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_notes; i++)
		free(ctx->notes[i]);
	free(ctx->notes);
	ctx->notes = NULL;
	ctx->n_notes = 0;
}

SRIOV_EXPORT size_t sriov_ctx_notes(const struct sriov_ctx *ctx,
				    const char *const **ret_notes)
{
	static const char *const none[] = { NULL };

	if (ret_notes)
		*ret_notes = ctx && ctx->notes ? (const char *const *)ctx->notes
					       : none;
	return ctx ? ctx->n_notes : 0;
}

SRIOV_EXPORT void sriov_ctx_clear_notes(struct sriov_ctx *ctx)
{
	if (ctx)
		sriov_notes_free(ctx);
}

SRIOV_EXPORT void sriov_ctx_set_progress(struct sriov_ctx *ctx,
					 sriov_progress_fn fn, void *userdata)
{
	if (!ctx)
		return;
	ctx->progress_fn = fn;
	ctx->progress_userdata = userdata;
}

void sriov_progress(struct sriov_ctx *ctx, const char *what, size_t done,
		    size_t total, const char *pending, const char *state)
{
	struct sriov_progress p = {
		.what = what, .done = done, .total = total,
		.pending = pending, .state = state,
	};

	if (ctx->progress_fn)
		ctx->progress_fn(&p, ctx->progress_userdata);
}
