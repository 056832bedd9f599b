// SPDX-License-Identifier: MIT
/*
 * The host side: a child process - this program again, as
 * "diff_maps --native-child BASE" - makes the real system calls and reports,
 * after every op, its result and the window as /proc/self/maps and
 * /proc/self/smaps show it, over a pipe.  A child per sequence keeps the
 * test process's own address space untouched and gives every sequence the
 * same starting point: the window empty, with a free page on each side so
 * that nothing outside it can merge with what the ops create.
 *
 * The system calls go through syscall(2), not the libc wrappers, so that
 * nothing (a wrapper's own checks, a sanitizer's interceptors) stands
 * between the op and the kernel.
 *
 * Touches fault on purpose.  The SIGSEGV handler siglongjmp()s back to the
 * touch loop.  It runs on the ordinary stack (no SA_ONSTACK): ASan installs
 * an alternate signal stack of its own and warns about a longjmp off one.
 * SA_NODEFER, and sigsetjmp() saving the signal mask, make sure SIGSEGV is
 * never left blocked after the jump, where the next touch that faults
 * would kill the child instead of reaching the handler.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		     unsigned long flags)
{
	long ret = syscall(SYS_mmap, addr, len, prot, flags, -1L, 0L);

	return ret == -1 ? -errno : ret;
}

static long sys_call3(long nr, unsigned long a, unsigned long b, long c)
{
	long ret = syscall(nr, a, b, c);

	return ret == -1 ? -errno : ret;
}

/* The window plus a guard page each side must be free. */
static bool window_free(unsigned long base)
{
	unsigned long start = base - DIFF_PAGE_SIZE;
	unsigned long len = DIFF_WINDOW_SIZE + 2 * DIFF_PAGE_SIZE;
	long ret = sys_mmap(start, len, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			    MAP_FIXED_NOREPLACE);

	if (ret < 0)
		return false;
	/* A kernel without MAP_FIXED_NOREPLACE takes it as a hint. */
	sys_call3(SYS_munmap, (unsigned long)ret, len, 0);
	return (unsigned long)ret == start;
}

/**
 * diff_native_probe - the first of @bases whose window is free here
 * Return: 0 with *@base set, or -1.
 */
int diff_native_probe(const unsigned long *bases, int nr, unsigned long *base)
{
	for (int i = 0; i < nr; i++) {
		if (window_free(bases[i])) {
			*base = bases[i];
			return 0;
		}
	}
	return -1;
}

/* --- the child ---------------------------------------------------------- */

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;
static void *volatile touch_fault;

static void touch_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!touch_armed) {
		/* A real crash of the child: die of it, visibly. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	touch_armed = 0;
	touch_fault = si->si_addr;
	siglongjmp(touch_env, 1);
}

/*
 * Not instrumented: the access is meant to fault, and the sanitizer's
 * shadow check in front of it would only get in the way.
 */
__attribute__((noinline, no_sanitize_address))
static bool touch_page(unsigned long addr, bool write, unsigned long *fault)
{
	if (sigsetjmp(touch_env, 1)) {
		*fault = (unsigned long)touch_fault;
		return false;
	}
	touch_armed = 1;
	if (write)
		__atomic_fetch_or((unsigned char *)addr, 0, __ATOMIC_RELAXED);
	else
		(void)*(volatile unsigned char *)addr;
	touch_armed = 0;
	return true;
}

struct child {
	int fd;
	unsigned long base;
	struct strbuf out;
};

static char maps_buf[1 << 20];
static char smaps_buf[16 << 20];

static void child_flush(struct child *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t n = write(c->fd, c->out.buf + off, c->out.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		off += (size_t)n;
	}
	sb_reset(&c->out);
}

__attribute__((noreturn))
static void child_fail(struct child *c, const char *what)
{
	sb_printf(&c->out, "X %s: %s\n", what, strerror(errno));
	child_flush(c);
	_exit(2);
}

/* The whole of a /proc file into @buf, NUL-terminated; false if too big. */
static ssize_t read_proc(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* A maps or smaps header line: "start-end perms ..." in lower-case hex. */
static bool parse_header(const char *line, unsigned long *start,
			 unsigned long *end)
{
	char *p;

	if (!isxdigit((unsigned char)*line) || isupper((unsigned char)*line))
		return false;
	*start = strtoul(line, &p, 16);
	if (*p != '-')
		return false;
	*end = strtoul(p + 1, &p, 16);
	return *p == ' ';
}

struct native_vma {
	unsigned long start, end;
	const char *line;
	size_t line_len;
	unsigned long rss, anon;
	char flags[256];
	bool seen;
};

#define MAX_VMAS (DIFF_WINDOW_PAGES + 1)

static void snapshot(struct child *c)
{
	static struct native_vma v[MAX_VMAS];
	int nr = 0, cur = -1;
	char *line, *next;

	if (read_proc("/proc/self/maps", maps_buf, sizeof(maps_buf)) < 0)
		child_fail(c, "/proc/self/maps");
	for (line = maps_buf; *line; line = next) {
		unsigned long start, end;
		size_t len = strcspn(line, "\n");

		next = line + len + (line[len] == '\n');
		if (!parse_header(line, &start, &end) ||
		    !diff_in_window(c->base, start, end))
			continue;
		if (nr == MAX_VMAS) {
			errno = E2BIG;
			child_fail(c, "VMAs in the window");
		}
		memset(&v[nr], 0, sizeof(v[nr]));
		v[nr].start = start;
		v[nr].end = end;
		v[nr].line = line;
		v[nr].line_len = len;
		nr++;
	}

	if (read_proc("/proc/self/smaps", smaps_buf, sizeof(smaps_buf)) < 0)
		child_fail(c, "/proc/self/smaps");
	for (line = smaps_buf; *line; line = next) {
		unsigned long start, end;
		size_t len = strcspn(line, "\n");

		next = line + len + (line[len] == '\n');
		line[len] = '\0';
		if (parse_header(line, &start, &end)) {
			cur = -1;
			for (int i = 0; i < nr; i++) {
				if (v[i].start == start && v[i].end == end &&
				    v[i].line_len == len &&
				    !memcmp(v[i].line, line, len))
					cur = i;
			}
			if (cur < 0 && diff_in_window(c->base, start, end)) {
				errno = ESTALE;
				child_fail(c, "smaps and maps disagree");
			}
			if (cur >= 0)
				v[cur].seen = true;
			continue;
		}
		if (cur < 0)
			continue;
		if (!strncmp(line, "Rss:", 4))
			v[cur].rss = strtoul(line + 4, NULL, 10);
		else if (!strncmp(line, "Anonymous:", 10))
			v[cur].anon = strtoul(line + 10, NULL, 10);
		else if (!strncmp(line, "VmFlags:", 8))
			snprintf(v[cur].flags, sizeof(v[cur].flags), "%s",
				 line + 8);
	}
	/* smaps_buf now has NULs for newlines: only maps_buf is used below. */
	for (int i = 0; i < nr; i++) {
		if (!v[i].seen) {
			errno = ESTALE;
			child_fail(c, "VMA in maps but not in smaps");
		}
		sb_puts(&c->out, "L ");
		diff_fmt_vma(&c->out, v[i].line, v[i].line_len, v[i].rss,
			     v[i].anon, v[i].flags);
	}
}

static void child_op(struct child *c, const struct diff_op *op)
{
	unsigned long faults[DIFF_WINDOW_PAGES];
	long ret;
	int nf = 0;

	sb_puts(&c->out, "S\nR ");
	switch (op->kind) {
	case DIFF_MMAP:
		ret = sys_mmap(op->addr, op->len, op->prot, op->flags);
		diff_fmt_mmap_result(&c->out, c->base, ret);
		if (ret >= 0 && !diff_in_window(c->base, (unsigned long)ret,
						(unsigned long)ret + 1)) {
			long r = sys_call3(SYS_munmap, (unsigned long)ret,
					   op->len, 0);

			if (r)
				sb_puts(&c->out, " (munmap failed)");
		}
		break;
	case DIFF_MUNMAP:
		ret = sys_call3(SYS_munmap, op->addr, op->len, 0);
		diff_fmt_result_errno(&c->out, ret);
		break;
	case DIFF_MPROTECT:
		ret = sys_call3(SYS_mprotect, op->addr, op->len, (long)op->prot);
		diff_fmt_result_errno(&c->out, ret);
		break;
	case DIFF_MADVISE:
		ret = sys_call3(SYS_madvise, op->addr, op->len, op->advice);
		diff_fmt_result_errno(&c->out, ret);
		break;
	case DIFF_TOUCH:
		for (unsigned long a = op->addr & DIFF_PAGE_MASK;
		     a < op->addr + op->len; a += DIFF_PAGE_SIZE) {
			unsigned long fault;

			if (!touch_page(a, op->write, &fault) &&
			    nf < (int)DIFF_WINDOW_PAGES)
				faults[nf++] = fault;
		}
		diff_fmt_touch(&c->out, faults, nf);
		break;
	}
	sb_puts(&c->out, "\n");
	snapshot(c);
	child_flush(c);
}

__attribute__((noreturn))
static void child_main(const struct diff_seq *seq, int fd)
{
	struct child c = { .fd = fd, .base = seq->base };
	struct sigaction sa;

	sb_init(&c.out);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = touch_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		child_fail(&c, "sigaction");
	if (!window_free(seq->base)) {
		errno = EEXIST;
		child_fail(&c, "window not free in the child");
	}
	for (int i = 0; i < seq->nr_ops; i++)
		child_op(&c, &seq->ops[i]);
	sb_puts(&c.out, "E\n");
	child_flush(&c);
	_exit(0);
}

/* --- the parent --------------------------------------------------------- */

static void parse_output(char *text, struct diff_run *run, int nr_ops)
{
	struct strbuf layout;
	struct diff_step *st = NULL;
	bool ended = false;
	char *line, *next;

	sb_init(&layout);
	for (line = text; *line; line = next) {
		size_t len = strcspn(line, "\n");

		next = line + len + (line[len] == '\n');
		line[len] = '\0';
		switch (line[0]) {
		case 'S':
			if (st)
				st->layout = sb_steal(&layout);
			if (run->nr_steps == nr_ops) {
				diff_run_set_error(run, "native: too many steps");
				goto out;
			}
			st = &run->steps[run->nr_steps++];
			break;
		case 'R':
			if (st)
				st->result = strdup(line + 2);
			break;
		case 'L':
			sb_puts(&layout, line + 2);
			sb_puts(&layout, "\n");
			break;
		case 'X':
			diff_run_set_error(run, "native: %s", line + 2);
			goto out;
		case 'E':
			ended = true;
			break;
		}
	}
	if (!ended)
		diff_run_set_error(run, "native: child stopped after %d steps",
				   run->nr_steps);
out:
	if (st && !st->layout)
		st->layout = sb_steal(&layout);
	sb_free(&layout);
}

/* Write all of @buf to @fd; false on a broken pipe or an error. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/**
 * diff_native_run - run @seq on the host, into @run (diff_run_init()ed)
 *
 * The child is this program again, started with posix_spawn() (a vfork
 * underneath) as "--native-child BASE" and given the sequence as scenario
 * text on its stdin; it answers on its stdout.  A plain fork() would copy
 * this process's page tables every time, and under ASan, whose quarantine
 * keeps freed memory resident, that grows with every sequence run until
 * forking dominates the test.  A fresh image also gives every sequence
 * the same address space to start from.
 */
void diff_native_run(const struct diff_seq *seq, struct diff_run *run)
{
	static char self_exe[4096];
	posix_spawn_file_actions_t fa;
	struct strbuf text, in;
	char buf[65536], base_arg[32];
	char *argv[] = { "diff_maps", "--native-child", base_arg, NULL };
	int to_child[2], from_child[2], status, err;
	pid_t pid;

	if (pipe2(to_child, O_CLOEXEC)) {
		diff_run_set_error(run, "native: pipe: %s", strerror(errno));
		return;
	}
	if (pipe2(from_child, O_CLOEXEC)) {
		diff_run_set_error(run, "native: pipe: %s", strerror(errno));
		close(to_child[0]);
		close(to_child[1]);
		return;
	}
	if (!self_exe[0]) {
		/* Resolved once: readlink() is what tools like valgrind fake. */
		ssize_t n = readlink("/proc/self/exe", self_exe,
				     sizeof(self_exe) - 1);

		if (n <= 0 || n >= (ssize_t)sizeof(self_exe) - 1) {
			diff_run_set_error(run, "native: /proc/self/exe: %s",
					   strerror(errno));
			close(to_child[0]);
			close(to_child[1]);
			close(from_child[0]);
			close(from_child[1]);
			return;
		}
		self_exe[n] = '\0';
	}
	snprintf(base_arg, sizeof(base_arg), "%#lx", seq->base);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
	fflush(NULL);
	err = posix_spawn(&pid, self_exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(to_child[0]);
	close(from_child[1]);
	if (err) {
		diff_run_set_error(run, "native: posix_spawn: %s",
				   strerror(err));
		close(to_child[1]);
		close(from_child[0]);
		return;
	}

	/* The child reads all of its input before it writes anything. */
	sb_init(&in);
	diff_fmt_scenario(&in, seq, -1);
	signal(SIGPIPE, SIG_IGN);
	if (!write_all(to_child[1], in.buf, in.len))
		diff_run_set_error(run, "native: writing to the child: %s",
				   strerror(errno));
	close(to_child[1]);
	sb_free(&in);

	sb_init(&text);
	for (;;) {
		ssize_t n = read(from_child[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_add(&text, buf, (size_t)n);
	}
	close(from_child[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (text.buf)
		parse_output(text.buf, run, seq->nr_ops);
	if (!run->error && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFSIGNALED(status))
			diff_run_set_error(run, "native: child killed by "
					   "signal %d", WTERMSIG(status));
		else
			diff_run_set_error(run, "native: child exit %d",
					   WEXITSTATUS(status));
	}
	if (!text.buf && !run->error)
		diff_run_set_error(run, "native: no output");
	sb_free(&text);
}

/**
 * diff_native_child - the child's main(): read a scenario for the window
 * at @base from stdin, run it, report on stdout.  Does not return.
 */
void diff_native_child(unsigned long base)
{
	struct child c = { .fd = 1, .base = base };
	struct diff_seq seq;
	char err[256];

	sb_init(&c.out);
	if (diff_parse_scenario(stdin, &seq, base, err, sizeof(err))) {
		errno = EINVAL;
		child_fail(&c, err);
	}
	child_main(&seq, 1);
}
