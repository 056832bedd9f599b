// SPDX-License-Identifier: MIT
/* Running the host's tools on users' files, safely: see tools.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

int tool_why(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/*
 * Opens @path for reading only if it is a regular file: O_NONBLOCK, so
 * that a FIFO or a device cannot block the open, and the type checked on
 * the open file before a byte is read.  Returns the descriptor, or
 * -errno with @why.
 */
static int open_regular(const char *path, struct stat *st, char *why,
			size_t whylen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return tool_why(why, whylen, -errno, "%s", strerror(errno));
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return tool_why(why, whylen, -EINVAL, "not a regular file");
	}
	/* A regular file never blocks; reads are plain from here. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int tool_read_file(const char *path, size_t max, void **buf, size_t *len,
		   char *why, size_t whylen)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd, err;

	fd = open_regular(path, &st, why, whylen);
	if (fd < 0)
		return fd;
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return tool_why(why, whylen, -EFBIG, "larger than %zu bytes",
				max);
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		close(fd);
		return tool_why(why, whylen, -ENOMEM, "out of memory");
	}
	while (off < *len) {
		got = read(fd, (char *)*buf + off, *len - off);
		if (got <= 0) {
			err = got < 0 ? errno : EIO;
			close(fd);
			free(*buf);
			*buf = NULL;
			return tool_why(why, whylen, -err, "%s", strerror(err));
		}
		off += (size_t)got;
	}
	close(fd);
	return 0;
}

/* The directory of @path, for its quoted includes. */
void tool_dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/*
 * A copy of the source in the temporary directory, read through
 * read_file(): only a regular file of bounded size is ever opened, and
 * cpp reads the copy, not what @path may have become since.
 */
int tool_copy(const char *path, size_t max, const char *copy, char *why,
	      size_t whylen)
{
	void *buf;
	size_t len;
	FILE *f;
	int ret = tool_read_file(path, max, &buf, &len, why, whylen);

	if (ret)
		return ret;
	f = fopen(copy, "w");
	if (!f || fwrite(buf, 1, len, f) != len) {
		ret = tool_why(why, whylen, -EIO, "cannot copy the source");
		if (f)
			fclose(f);
	} else if (fclose(f)) {
		ret = tool_why(why, whylen, -EIO, "cannot copy the source");
	}
	free(buf);
	return ret;
}

/* Is @tool an executable somewhere on $PATH? */
bool tool_on_path(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, tool);
		if (n && !access(buf, X_OK))
			return true;
		path = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * The bounds (tools.h): a source may #include anything: /dev/zero
 * (endless input), a FIFO nobody writes (a tool that waits for ever), a
 * huge file.  Each tool gets TOOL_SECONDS of wall-clock and CPU time,
 * TOOL_MEMORY of address space and TOOL_OUTPUT bytes per file it
 * writes; past them it is killed.
 */

/* The signals that end a process at a terminal, held while a tool runs. */
void tool_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGTERM);
}

/* In the child: the bounds, the default signals, then the tool. */
static void child_exec(char *const argv[], const char *out, const char *err)
{
	struct rlimit rl;
	sigset_t set;
	int fd;

	tool_stop_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	rl.rlim_cur = rl.rlim_max = TOOL_SECONDS;
	setrlimit(RLIMIT_CPU, &rl);
	rl.rlim_cur = rl.rlim_max = TOOL_MEMORY;
	setrlimit(RLIMIT_AS, &rl);
	rl.rlim_cur = rl.rlim_max = TOOL_OUTPUT;
	setrlimit(RLIMIT_FSIZE, &rl);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		dup2(fd, 2);
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 1);
	}
	execvp(argv[0], argv);
	_exit(127);
}

/*
 * Runs @argv with standard output to @out (if not NULL) and standard error
 * to @err, within the bounds above; the caller holds the stop signals
 * (tool_stop_signals()).  Returns how it ended, with its exit status or signal
 * in *@code.  A stop signal that arrives meanwhile kills the tool at once
 * (TOOL_SIGNALLED): the caller then cleans up and lets the signal act.
 */
enum tool_end tool_spawn(char *const argv[], const char *out, const char *err,
			 int *code)
{
	struct timespec nap = { 0, 1000000 }, now, end;
	sigset_t stop, pending;
	int status, sig;
	pid_t pid;

	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += TOOL_SECONDS;
	pid = fork();
	if (pid < 0)
		return TOOL_FAILED;
	if (!pid)
		child_exec(argv, out, err);
	tool_stop_signals(&stop);
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return TOOL_FAILED;
		sigpending(&pending);
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&stop, sig) &&
			    sigismember(&pending, sig))
				break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (sig < NSIG || now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*code = sig < NSIG ? sig : 0;
			return sig < NSIG ? TOOL_SIGNALLED : TOOL_TIMEOUT;
		}
		/* A quick tool is seen at once, a slow one every 50 ms. */
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
	if (WIFEXITED(status)) {
		*code = WEXITSTATUS(status);
		return *code == 127 ? TOOL_FAILED : TOOL_EXITED;
	}
	*code = WTERMSIG(status);
	return TOOL_KILLED;
}

/*
 * The tool's first error, for the reason: the first line that says
 * "rror" or "fatal", else its first line that is not empty; the copy of
 * the source named as the user named it (@from becomes @to).
 */
static void first_line(const char *file, const char *from, const char *to,
		       char *buf, size_t size)
{
	FILE *f = fopen(file, "r");
	char line[512], pick[512] = "";
	const char *at;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, (int)sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (strstr(line, "rror") || strstr(line, "fatal")) {
			snprintf(pick, sizeof(pick), "%s", line);
			break;
		}
		if (!pick[0])
			snprintf(pick, sizeof(pick), "%s", line);
	}
	fclose(f);
	at = from ? strstr(pick, from) : NULL;
	if (at)
		snprintf(buf, size, "%.*s%s%s", (int)(at - pick), pick, to,
			 at + strlen(from));
	else
		snprintf(buf, size, "%s", pick);
}

/* Why a tool that did not succeed stopped, for its reason. */
int tool_failed(enum tool_end end, int code, const char *tool, const char *err,
		const char *from, const char *to, char *why, size_t whylen)
{
	char msg[200];

	switch (end) {
	case TOOL_FAILED:
		return tool_why(why, whylen, -ENOEXEC, "cannot run %s", tool);
	case TOOL_TIMEOUT:
		return tool_why(why, whylen, -ETIMEDOUT,
				"%s did not finish in %d s (does the source "
				"include a FIFO or a device?)",
				tool, TOOL_SECONDS);
	case TOOL_SIGNALLED:
		return tool_why(why, whylen, -EINTR, "%s stopped: %s", tool,
				strsignal(code));
	case TOOL_KILLED:
		if (code == SIGXFSZ || code == SIGXCPU || code == SIGKILL ||
		    code == SIGSEGV || code == SIGABRT)
			return tool_why(why, whylen, -E2BIG,
					"%s stopped by its bounds (%s: %d s of "
					"CPU, %lu MiB of memory, %lu MiB of "
					"output)",
					tool, strsignal(code), TOOL_SECONDS,
					TOOL_MEMORY >> 20, TOOL_OUTPUT >> 20);
		return tool_why(why, whylen, -ENOEXEC, "%s killed: %s", tool,
				strsignal(code));
	case TOOL_EXITED:
		break;
	}
	first_line(err, from, to, msg, sizeof(msg));
	return tool_why(why, whylen, -ENOEXEC, "%s failed: %s", tool, msg);
}

int tool_scratch_open(struct tool_scratch *t, const char *prefix, char *why,
		      size_t whylen)
{
	const char *tmp = getenv("TMPDIR");
	sigset_t stop;
	int ret;

	if (!tmp || !*tmp || strlen(tmp) > 400)
		tmp = "/tmp";
	tool_stop_signals(&stop);
	pthread_sigmask(SIG_BLOCK, &stop, &t->old);
	snprintf(t->dir, sizeof(t->dir), "%s/%s-XXXXXX", tmp, prefix);
	if (!mkdtemp(t->dir)) {
		ret = tool_why(why, whylen, -errno, "mkdtemp %s: %s", t->dir,
			       strerror(errno));
		pthread_sigmask(SIG_SETMASK, &t->old, NULL);
		return ret;
	}
	return 0;
}

void tool_scratch_path(const struct tool_scratch *t, const char *name,
		       char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", t->dir, name);
}

void tool_scratch_close(struct tool_scratch *t, const char *const *files)
{
	char path[640];

	for (; files && *files; files++) {
		tool_scratch_path(t, *files, path, sizeof(path));
		remove(path);
	}
	rmdir(t->dir);
	/* A stop signal held meanwhile acts now, with nothing left behind. */
	pthread_sigmask(SIG_SETMASK, &t->old, NULL);
}
