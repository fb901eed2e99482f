/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scope-bound cleanup helpers for library code. */
#ifndef SRIOV_CLEANUP_H
#define SRIOV_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hands ownership out of a cleanup-managed variable. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _taken_ = (p); \
		(p) = NULL;                  \
		_taken_;                     \
	})

#define TAKE_FD(fd)                   \
	({                            \
		int _taken_fd_ = (fd); \
		(fd) = -1;            \
		_taken_fd_;           \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
