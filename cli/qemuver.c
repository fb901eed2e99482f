/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The version of the QEMU that takes qemu args' output: given as X.Y[.Z],
 * or asked of the binary itself ("PATH -version", run without a shell).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sriov/vfio.h"

#define VERSION_TIMEOUT_MS 10000
#define VERSION_OUT_MAX 4096

/* "X.Y" or "X.Y.Z", each part 0..99 (X 1..99); *ret as SRIOV_QEMU_VERSION(). */
static int parse_version(const char *s, const char **end, unsigned int *ret)
{
	unsigned long part[3] = { 0, 0, 0 };
	int n = 0;

	while (n < 3) {
		char *e;

		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		part[n++] = strtoul(s, &e, 10);
		if (errno || part[n - 1] > 99 || e - s > 2)
			return -1;
		s = e;
		if (*s != '.' || n == 3)
			break;
		s++;
	}
	if (n < 2 || part[0] == 0)
		return -1;
	*end = s;
	*ret = SRIOV_QEMU_VERSION(part[0], part[1], part[2]);
	return 0;
}

int cli_qemu_version_parse(struct cli *cli, const char *text, unsigned int *ret)
{
	const char *end;

	if (parse_version(text, &end, ret) < 0 || *end)
		return cli_error(cli, EXIT_USAGE,
				 "invalid --qemu-version \"%s\": expected X.Y or X.Y.Z, such as 7.2 or 9.0.2",
				 text);
	return 0;
}

/* Reads what the child writes until it closes the pipe or time runs out. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	struct timespec t0, t;
	size_t len = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long waited;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= VERSION_TIMEOUT_MS)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(VERSION_TIMEOUT_MS - waited));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ETIMEDOUT;
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (len += (size_t)r) == size - 1)
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

static pid_t spawn(const char *path, int out)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execl(path, path, "-version", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* PATH -version's output, or -errno. */
static int run_version(const char *path, char *buf, size_t size)
{
	int fds[2], status = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn(path, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -errno;
	}
	r = read_all(fds[0], buf, size);
	close(fds[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOEXEC : -EIO;
	return r < 0 ? (int)r : 0;
}

int cli_qemu_version_ask(struct cli *cli, const char *path, unsigned int *ret)
{
	static const char marker[] = "QEMU emulator version ";
	char buf[VERSION_OUT_MAX];
	const char *v, *end;
	int r;

	if (access(path, X_OK) < 0)
		return cli_error(cli, EXIT_USAGE, "--qemu %s: %s", path, strerror(errno));
	r = run_version(path, buf, sizeof(buf));
	if (r == -ENOEXEC)
		return cli_error(cli, EXIT_USAGE, "--qemu %s: cannot run it", path);
	if (r == -ETIMEDOUT)
		return cli_error(cli, EXIT_USAGE, "--qemu %s: \"-version\" gave no answer within %d s",
				 path, VERSION_TIMEOUT_MS / 1000);
	if (r < 0)
		return cli_error(cli, EXIT_USAGE, "--qemu %s: \"-version\" failed%s%s", path,
				 r == -EIO ? "" : ": ", r == -EIO ? "" : strerror(-r));
	v = strstr(buf, marker);
	if (!v || parse_version(v + strlen(marker), &end, ret) < 0)
		return cli_error(cli, EXIT_USAGE,
				 "--qemu %s: \"-version\" does not say \"%sX.Y.Z\": not QEMU?",
				 path, marker);
	return 0;
}
