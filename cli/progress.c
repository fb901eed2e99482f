/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line of progress on stderr while a long wait goes on: shown only on
 * a terminal, never with JSON or -q, and wiped before anything else is
 * written.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void show(const struct sriov_progress *p, void *userdata)
{
	static char last[256];
	struct cli *cli = userdata;
	char line[256];

	if (!p->what) {
		cli_progress_clear(cli);
		return;
	}
	snprintf(line, sizeof(line), "sriovctl: %s %zu/%zu%s%s%s%s", p->what,
		 p->done, p->total, p->pending ? ", " : "",
		 p->pending ? p->pending : "", p->pending && p->state ? ": " : "",
		 p->pending && p->state ? p->state : "");
	/* redrawn only when it says something new */
	if (cli->progress_shown && !strcmp(line, last))
		return;
	snprintf(last, sizeof(last), "%s", line);
	/* names in it come from sysfs: escaped like every other output */
	fputs("\r\033[K", stderr);
	text_write(stderr, line);
	fflush(stderr);
	cli->progress_shown = true;
}

void cli_progress_setup(struct cli *cli)
{
	if (cli->json || cli->quiet || !isatty(STDERR_FILENO))
		return;
	sriov_ctx_set_progress(cli->ctx, show, cli);
}

void cli_progress_clear(struct cli *cli)
{
	if (!cli->progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	cli->progress_shown = false;
}
