// SPDX-License-Identifier: MIT
/*
 * --jobs: one forked explorer per job, each a shard of the search (a
 * job of an explorer that is itself shard i of n is shard i + n*j of
 * n*jobs), each with its own executor.  The parent reads each job's
 * findings from a pipe (share.c) while the jobs run, so that none blocks
 * on a full pipe, sums their progress from a shared mapping, and merges
 * the findings in job order, so that what is reported does not depend
 * on which job ended first.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "explorer.h"

/* A job as its parent sees it: @fd, its pipe (-1 once read to the end). */
struct job {
	pid_t pid;
	int fd;
	char *buf;
	size_t len, cap;
};

/* Job @j of @n, in the child: its share searched and written to @wfd. */
static _Noreturn void job_main(struct explorer *x, unsigned int j,
			       unsigned int n, struct job_status *st, int wfd)
{
	FILE *out;

	x->shard = x->shard + x->nshards * j;
	x->nshards = x->nshards * n;
	x->status = &st[j];
	x->opts.progress = NULL;
	if (exec_init(&x->ex, x->body, x->arg, x->opts.max_steps,
		      x->opts.check_every_step, false, true))
		_exit(1);
	explore_search(x);
	out = fdopen(wfd, "w");
	if (out) {
		write_share(out, x);
		fclose(out);
	}
	exec_fini(&x->ex);
	_exit(0);
}

/* Fork job @j of @n: 0, or -ECHILD when it could not be made. */
static int job_start(struct explorer *x, struct job *jb, unsigned int j,
		     unsigned int n, struct job_status *st)
{
	int p[2];

	if (pipe(p))
		return -ECHILD;
	jb->pid = fork();
	if (jb->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -ECHILD;
	}
	if (!jb->pid) {
		close(p[0]);
		job_main(x, j, n, st, p[1]);
	}
	close(p[1]);
	jb->fd = p[0];
	return 0;
}

/* What @jb wrote since; true when its pipe is read to the end. */
static bool job_read(struct job *jb)
{
	ssize_t got;

	if (jb->len + 65536 > jb->cap) {
		jb->cap = 2 * jb->cap + 65536;
		jb->buf = xrealloc(jb->buf, jb->cap);
	}
	got = read(jb->fd, jb->buf + jb->len, jb->cap - jb->len);
	if (got > 0) {
		jb->len += (size_t)got;
		return false;
	}
	if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(jb->fd);
		jb->fd = -1;
		return true;
	}
	return false;
}

/*
 * One round of reading, waiting up to 200 ms for a job to write, so that
 * progress is shown meanwhile.  Returns how many pipes were read to the
 * end.
 */
static unsigned int read_round(struct job *jobs, unsigned int n)
{
	struct pollfd pfd[64];
	unsigned int m = 0, map[64], j, ended = 0;

	for (j = 0; j < n && m < 64; j++) {
		if (jobs[j].fd < 0)
			continue;
		pfd[m].fd = jobs[j].fd;
		pfd[m].events = POLLIN;
		map[m++] = j;
	}
	if (poll(pfd, m, 200) <= 0)
		return 0;
	for (j = 0; j < m; j++)
		if ((pfd[j].revents & (POLLIN | POLLHUP)) &&
		    job_read(&jobs[map[j]]))
			ended++;
	return ended;
}

/* The jobs' progress summed, about every second. */
static void jobs_progress(struct explorer *x, const struct job_status *st,
			  unsigned int n)
{
	struct msim_explore_status s = { 0 };
	unsigned int j;
	double t;

	if (!x->opts.progress)
		return;
	t = explore_elapsed(x);
	if (t < x->next_progress)
		return;
	x->next_progress = t + 1.0;
	s.seconds = t;
	s.remaining = 0;
	for (j = 0; j < n; j++) {
		s.runs += st[j].runs;
		s.schedules += st[j].schedules;
		s.failures += st[j].failures;
		s.bound = st[j].bound;
		if (st[j].remaining < 0 || s.remaining < 0)
			s.remaining = -1;
		else
			s.remaining += st[j].remaining;
	}
	x->opts.progress(&s, x->opts.progress_arg);
}

/*
 * Each job's findings merged into @x, in job order.  A job that did not
 * end well, or wrote nothing, leaves the search incomplete.
 */
static void jobs_merge(struct explorer *x, struct job *jobs, unsigned int n)
{
	unsigned int j;

	x->complete = true;
	for (j = 0; j < n; j++) {
		int status = 0;
		struct rd r;

		if (jobs[j].pid <= 0)
			continue;
		while (waitpid(jobs[j].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) || !jobs[j].len) {
			x->complete = false;
			if (!x->stopped)
				x->stopped = xasprintf("job %u of %u ended "
						       "without its findings",
						       j + 1, n);
			continue;
		}
		r = (struct rd){ jobs[j].buf, jobs[j].len, 0 };
		read_share(x, &r);
	}
}

int explore_jobs(struct explorer *x)
{
	unsigned int n = x->opts.jobs, open_fds = 0, j;
	struct job_status *st;
	struct job *jobs;
	int ret = 0;

	st = mmap(NULL, n * sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return -ENOMEM;
	memset(st, 0, n * sizeof(*st));
	jobs = xcalloc(n, sizeof(*jobs));
	/* What stdio holds would be written again by every job. */
	fflush(stdout);
	fflush(stderr);
	for (j = 0; j < n; j++) {
		ret = job_start(x, &jobs[j], j, n, st);
		if (ret)
			break;
		open_fds++;
	}
	while (open_fds) {
		open_fds -= read_round(jobs, n);
		jobs_progress(x, st, n);
	}
	jobs_merge(x, jobs, n);
	for (j = 0; j < n; j++)
		free(jobs[j].buf);
	free(jobs);
	munmap(st, n * sizeof(*st));
	return ret;
}
