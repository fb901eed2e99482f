/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * btime: run one command and print its wall time and peak memory, the
 * benchmark's only stopwatch (the same on the host and in the VM):
 *
 *   btime [-o OUT] [-e ERR] [-i IN] CMD [ARG...]
 *   -> "<wall ns> <peak RSS KiB> <exit status>" on standard output
 *
 * The clock (CLOCK_MONOTONIC) starts just before fork and stops when
 * wait4 returns, so process start-up is included, as a user sees it.
 * The command's output goes to OUT (default /dev/null), its errors to
 * ERR (default /dev/null). Peak RSS is the largest of the command and
 * the children it waited for (wait4's rusage). Exit status 128+N for a
 * signal N, 127 when the command could not be run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = "/dev/null", *in = "/dev/null";
	struct rusage ru;
	long long t0, t1;
	int opt, status, fds[3], code;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:e:i:")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		case 'i': in = optarg; break;
		default:
			fprintf(stderr, "usage: btime [-o OUT] [-e ERR] [-i IN] CMD [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: btime [-o OUT] [-e ERR] [-i IN] CMD [ARG...]\n");
		return 2;
	}
	/* Opened before the clock starts: the command's own work only. */
	fds[0] = open_or_die(in, O_RDONLY);
	fds[1] = open_or_die(out, O_WRONLY | O_CREAT | O_TRUNC);
	fds[2] = open_or_die(err, O_WRONLY | O_CREAT | O_TRUNC);
	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			if (dup2(fds[i], i) < 0)
				_exit(127);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	t1 = now_ns();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%lld %ld %d\n", t1 - t0, ru.ru_maxrss, code);
	return 0;
}
