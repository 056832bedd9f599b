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
 * A sequence's fork is a real fork() of that child.  From then on the two
 * processes go through the ops together, in lockstep: for each op, the
 * task it names runs it, then init and then the child each append their
 * own window to the step.  Only the process whose turn it is runs or
 * writes anything; it hands the turn to the other as a byte over a pipe,
 * and both write to the one output pipe, so the output comes in the order
 * of the ops.  A process that finds the token pipe broken knows the other
 * is gone: init waits for the child and reports how it ended; the child,
 * which also dies with init (PR_SET_PDEATHSIG), just goes.
 *
 * Touches, peeks and pokes fault on purpose.  The SIGSEGV handler
 * siglongjmp()s back to the access.  It runs on the ordinary stack (no
 * SA_ONSTACK): ASan installs an alternate signal stack of its own and
 * warns about a longjmp off one.  SA_NODEFER, and sigsetjmp() saving the
 * signal mask, make sure SIGSEGV is never left blocked after the jump,
 * where the next access that faults would kill the child instead of
 * reaching the handler.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

enum access_kind {
	ACCESS_READ,  /* touch read: a load, the value dropped */
	ACCESS_WRITE, /* touch write: an atomic OR of 0, the bytes kept */
	ACCESS_PEEK,  /* a load of *@byte */
	ACCESS_POKE,  /* a store of *@byte */
};

/*
 * One access of one byte at @addr.  Not instrumented: the access is meant
 * to fault, and the sanitizer's shadow check in front of it would only
 * get in the way.
 */
__attribute__((noinline, no_sanitize_address)) static bool
access_byte(unsigned long addr, enum access_kind kind, unsigned char *byte,
	    unsigned long *fault)
{
	volatile unsigned char *p = (volatile unsigned char *)addr;

	if (sigsetjmp(touch_env, 1)) {
		*fault = (unsigned long)touch_fault;
		return false;
	}
	touch_armed = 1;
	switch (kind) {
	case ACCESS_READ:
		(void)*p;
		break;
	case ACCESS_WRITE:
		/*
		 * A compare-exchange of the byte with itself: a write access
		 * that keeps the bytes.  Not an OR of 0, which clang turns
		 * into a plain load.
		 */
		*byte = *p;
		__atomic_compare_exchange_n(p, byte, *byte, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		break;
	case ACCESS_PEEK:
		*byte = *p;
		break;
	case ACCESS_POKE:
		*p = *byte;
		break;
	}
	touch_armed = 0;
	return true;
}

/*
 * The process that runs a sequence's ops; after a fork, each of the two.
 * @me: which of them this is (DIFF_TASK_INIT before the fork)
 * @holder: which of them has the turn: only it runs ops and writes to
 *	@fd, which both share, so that the output is in the order of the ops
 * @pid: in init, the forked child while it is to be waited for, else 0
 * @tok_in, @tok_out: the token pipes, after the fork: the turn arrives
 *	as a byte on @tok_in and is handed over as one on @tok_out
 */
struct child {
	int fd;
	unsigned long base;
	struct strbuf out;
	int me, holder;
	pid_t pid;
	int tok_in, tok_out;
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

__attribute__((noreturn)) static void child_fail(struct child *c,
						 const char *what)
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

static void snapshot(struct child *c, const char *prefix)
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
		sb_printf(&c->out, "L %s", prefix);
		diff_fmt_vma(&c->out, v[i].line, v[i].line_len, v[i].rss,
			     v[i].anon, v[i].flags);
	}
}

/*
 * Wait for the forked child; an exit other than a clean one ends the run
 * with an error.
 */
static void reap_child(struct child *c)
{
	int status;
	pid_t pid = c->pid;

	if (!pid)
		return;
	c->pid = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			child_fail(c, "waitpid");
	}
	if (c->tok_in >= 0)
		close(c->tok_in);
	if (c->tok_out >= 0)
		close(c->tok_out);
	c->tok_in = c->tok_out = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	sb_reset(&c->out);
	if (WIFSIGNALED(status))
		sb_printf(&c->out,
			  "X the forked child was killed by signal "
			  "%d\n",
			  WTERMSIG(status));
	else
		sb_printf(&c->out, "X the forked child exited with %d\n",
			  WEXITSTATUS(status));
	child_flush(c);
	_exit(2);
}

/*
 * The token pipe broke: the other process is gone.  The child just goes
 * (init tells); init finds out how the child ended.
 */
__attribute__((noreturn)) static void other_died(struct child *c)
{
	if (c->me == DIFF_TASK_CHILD)
		_exit(2);
	reap_child(c);
	sb_reset(&c->out);
	sb_puts(&c->out, "X the forked child went away without a word\n");
	child_flush(c);
	_exit(2);
}

/*
 * fork(): the child returns with c->me set and nothing to write for the
 * op, which is init's; each keeps its own ends of the token pipes.  The
 * child dies with init, so that nothing is left behind if init is killed.
 */
static void child_fork(struct child *c)
{
	int to_init[2], to_child[2];
	pid_t pid, ppid = getpid();

	if (pipe2(to_init, O_CLOEXEC))
		child_fail(c, "pipe");
	if (pipe2(to_child, O_CLOEXEC))
		child_fail(c, "pipe");
	pid = fork();
	if (pid < 0)
		child_fail(c, "fork");
	if (pid == 0) {
		sb_reset(&c->out);
		c->me = DIFF_TASK_CHILD;
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != ppid)
			_exit(2);
		close(to_init[0]);
		close(to_child[1]);
		c->tok_in = to_child[0];
		c->tok_out = to_init[1];
		return;
	}
	c->pid = pid;
	close(to_init[1]);
	close(to_child[0]);
	c->tok_in = to_init[0];
	c->tok_out = to_child[1];
}

/* Op @op's result into c->out, as "S\nR <result>\n". */
static void child_op(struct child *c, const struct diff_op *op)
{
	unsigned long faults[DIFF_WINDOW_PAGES], fault;
	unsigned char byte;
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
		ret = sys_call3(SYS_mprotect, op->addr, op->len,
				(long)op->prot);
		diff_fmt_result_errno(&c->out, ret);
		break;
	case DIFF_MADVISE:
		ret = sys_call3(SYS_madvise, op->addr, op->len, op->advice);
		diff_fmt_result_errno(&c->out, ret);
		break;
	case DIFF_TOUCH:
		for (unsigned long a = op->addr & DIFF_PAGE_MASK;
		     a < op->addr + op->len; a += DIFF_PAGE_SIZE) {
			if (!access_byte(a,
					 op->write ? ACCESS_WRITE : ACCESS_READ,
					 &byte, &fault) &&
			    nf < (int)DIFF_WINDOW_PAGES)
				faults[nf++] = fault;
		}
		diff_fmt_touch(&c->out, faults, nf);
		break;
	case DIFF_PEEK:
		diff_fmt_peek(&c->out,
			      access_byte(op->addr, ACCESS_PEEK, &byte, &fault)
				      ? byte
				      : -1);
		break;
	case DIFF_POKE:
		byte = op->byte;
		sb_puts(&c->out,
			access_byte(op->addr, ACCESS_POKE, &byte, &fault)
				? "ok"
				: "segv");
		break;
	case DIFF_FORK:
		child_fork(c);
		if (c->me == DIFF_TASK_CHILD)
			return;
		sb_puts(&c->out, "ok");
		break;
	case DIFF_EXIT:
		/* Its last turn: child_main() exits after handing it on. */
		sb_puts(&c->out, "ok");
		break;
	}
	sb_puts(&c->out, "\n");
}

/*
 * Make sure the turn is @owner's: the holder writes out what it has and
 * hands the token over; the other waits for it.  Both processes go
 * through the same turns, so both know whose each one is.
 */
static void take_turn(struct child *c, int owner)
{
	char tok = 't';
	ssize_t n;

	if (owner == c->holder)
		return;
	if (c->me == c->holder) {
		child_flush(c);
		do
			n = write(c->tok_out, &tok, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			other_died(c);
	} else {
		do
			n = read(c->tok_in, &tok, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			other_died(c);
	}
	c->holder = owner;
}

/*
 * The ops in turn: op i by its task, then a snapshot of init's window and,
 * while there is a child, of the child's.  Before the fork all the turns
 * are init's, and there is no one else to hand them to.
 */
__attribute__((noreturn)) static void child_main(const struct diff_seq *seq,
						 int fd)
{
	struct child c = { .fd = fd,
			   .base = seq->base,
			   .me = DIFF_TASK_INIT,
			   .holder = DIFF_TASK_INIT,
			   .tok_in = -1,
			   .tok_out = -1 };
	struct sigaction sa;
	bool forked = false, alive = false;

	sb_init(&c.out);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = touch_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		child_fail(&c, "sigaction");
	/* A token written to a process that has died is an EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (!window_free(seq->base)) {
		errno = EEXIST;
		child_fail(&c, "window not free in the child");
	}
	for (int i = 0; i < seq->nr_ops; i++) {
		const struct diff_op *op = &seq->ops[i];

		take_turn(&c, op->task);
		if (c.me == op->task)
			child_op(&c, op);
		if (op->kind == DIFF_FORK)
			forked = alive = true;
		else if (op->kind == DIFF_EXIT)
			alive = false;
		take_turn(&c, DIFF_TASK_INIT);
		if (c.me == DIFF_TASK_CHILD && op->kind == DIFF_EXIT)
			_exit(0);
		if (c.me == DIFF_TASK_INIT) {
			if (op->kind == DIFF_EXIT)
				reap_child(&c);
			snapshot(&c,
				 diff_layout_prefix(forked, DIFF_TASK_INIT));
		}
		if (alive) {
			take_turn(&c, DIFF_TASK_CHILD);
			if (c.me == DIFF_TASK_CHILD)
				snapshot(&c, diff_layout_prefix(
						     forked, DIFF_TASK_CHILD));
		}
	}
	child_flush(&c);
	if (c.me == DIFF_TASK_CHILD)
		_exit(0);
	/* Init ends the output, once the child has written its last. */
	reap_child(&c);
	sb_puts(&c.out, "E\n");
	child_flush(&c);
	_exit(0);
}

/* --- the parent --------------------------------------------------------- */

/* Return: whether the output was complete, up to init's "E". */
static bool parse_output(char *text, struct diff_run *run, int nr_ops)
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
				diff_run_set_error(run,
						   "native: too many steps");
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
out:
	if (st && !st->layout)
		st->layout = sb_steal(&layout);
	sb_free(&layout);
	return ended;
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

/* --timeout: seconds a native run may take before it is killed. */
unsigned int diff_native_timeout = 60;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Read the child's output until it closes it (both processes, after a
 * fork) or the time is up.  Return: false on a timeout.
 */
static bool read_output(int fd, struct strbuf *text)
{
	double deadline = now() + diff_native_timeout;
	char buf[65536];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = deadline - now();
		ssize_t n;
		int r;

		if (left <= 0)
			return false;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return false;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		sb_add(text, buf, (size_t)n);
	}
}

/*
 * Kill whatever is left of the process group @pgid (the native child's
 * own, which a forked child of it shares) and wait for it.  As the
 * subreaper, this process inherits a forked child whose parent is gone.
 */
static void kill_group(pid_t pgid)
{
	kill(-pgid, SIGKILL);
	while (waitpid(-pgid, NULL, 0) > 0 || errno == EINTR)
		;
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
 * the same address space to start from.  (The sequence's own fork is the
 * child's, of that small fresh image.)
 *
 * The child leads a process group of its own, with its forked child in
 * it: if the run takes longer than diff_native_timeout seconds, or ends
 * badly, the whole group is killed and waited for.
 */
void diff_native_run(const struct diff_seq *seq, struct diff_run *run)
{
	static char self_exe[4096];
	static bool subreaper;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct strbuf text, in;
	char base_arg[32];
	char *argv[] = { "diff_maps", "--native-child", base_arg, NULL };
	int to_child[2], from_child[2], status, err;
	bool in_time, ended;
	pid_t pid;

	if (!subreaper) {
		/* Not inherited: the native children are not subreapers. */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		subreaper = true;
	}
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
		/* Resolved once: readlink() is what tools like valgrind fake.
		 */
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
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	fflush(NULL);
	err = posix_spawn(&pid, self_exe, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
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
	in_time = read_output(from_child[0], &text);
	close(from_child[0]);
	if (!in_time)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Only a clean exit of the child has waited for its own child. */
	if (!in_time || !WIFEXITED(status) || WEXITSTATUS(status))
		kill_group(pid);
	ended = text.buf && parse_output(text.buf, run, seq->nr_ops);
	if (run->error) {
		/* The child's own word on what went wrong. */
	} else if (!in_time) {
		diff_run_set_error(run,
				   "native: no end after %u s (%d steps):"
				   " killed",
				   diff_native_timeout, run->nr_steps);
	} else if (WIFSIGNALED(status)) {
		diff_run_set_error(run,
				   "native: child killed by signal %d "
				   "after %d steps",
				   WTERMSIG(status), run->nr_steps);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		diff_run_set_error(run, "native: child exit %d after %d steps",
				   WEXITSTATUS(status), run->nr_steps);
	} else if (!ended) {
		diff_run_set_error(run, "native: child stopped after %d steps",
				   run->nr_steps);
	}
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
