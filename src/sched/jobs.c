// SPDX-License-Identifier: MIT
/*
 * --jobs: one forked explorer per job, each a shard of the search (a
 * job of an explorer that is itself shard i of n is shard i + n*j of
 * n*jobs), each with its own executor.  The parent reads each job's
 * findings from a pipe (share.c), sums their progress from a shared
 * mapping, and merges the findings in job order, so that what is
 * reported does not depend on which job ended first.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "explorer.h"

int explore_jobs(struct explorer *x)
{
	unsigned int n = x->opts.jobs, j;
	struct job_status *st;
	pid_t *pids = xcalloc(n, sizeof(*pids));
	int *fds = xcalloc(n, sizeof(*fds));
	char **bufs = xcalloc(n, sizeof(*bufs));
	size_t *lens = xcalloc(n, sizeof(*lens)),
	       *caps = xcalloc(n, sizeof(*caps));
	unsigned int open_fds = 0;
	int ret = 0;

	st = mmap(NULL, n * sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return -ENOMEM;
	memset(st, 0, n * sizeof(*st));
	fflush(stdout);
	fflush(stderr);
	for (j = 0; j < n; j++) {
		int p[2];

		if (pipe(p)) {
			ret = -ECHILD;
			break;
		}
		pids[j] = fork();
		if (pids[j] < 0) {
			close(p[0]);
			close(p[1]);
			ret = -ECHILD;
			break;
		}
		if (!pids[j]) {
			FILE *out;

			close(p[0]);
			x->shard = x->shard + x->nshards * j;
			x->nshards = x->nshards * n;
			x->status = &st[j];
			x->opts.progress = NULL;
			if (exec_init(&x->ex, x->body, x->arg,
				      x->opts.max_steps,
				      x->opts.check_every_step, false, true))
				_exit(1);
			explore_search(x);
			out = fdopen(p[1], "w");
			if (out) {
				write_share(out, x);
				fclose(out);
			}
			exec_fini(&x->ex);
			_exit(0);
		}
		close(p[1]);
		fds[j] = p[0];
		open_fds++;
	}
	while (open_fds) {
		struct pollfd pfd[64];
		unsigned int m = 0, map[64];

		for (j = 0; j < n && m < 64; j++) {
			if (fds[j] < 0)
				continue;
			pfd[m].fd = fds[j];
			pfd[m].events = POLLIN;
			map[m++] = j;
		}
		if (poll(pfd, m, 200) > 0) {
			for (j = 0; j < m; j++) {
				unsigned int k = map[j];
				ssize_t got;

				if (!(pfd[j].revents & (POLLIN | POLLHUP)))
					continue;
				if (lens[k] + 65536 > caps[k]) {
					caps[k] = 2 * caps[k] + 65536;
					bufs[k] = xrealloc(bufs[k], caps[k]);
				}
				got = read(fds[k], bufs[k] + lens[k],
					   caps[k] - lens[k]);
				if (got > 0) {
					lens[k] += (size_t)got;
				} else if (got == 0 || (errno != EINTR &&
							errno != EAGAIN)) {
					close(fds[k]);
					fds[k] = -1;
					open_fds--;
				}
			}
		}
		if (x->opts.progress) {
			double t = explore_elapsed(x);

			if (t >= x->next_progress) {
				struct msim_explore_status s = { 0 };

				x->next_progress = t + 1.0;
				s.seconds = t;
				s.remaining = 0;
				for (j = 0; j < n; j++) {
					s.runs += st[j].runs;
					s.schedules += st[j].schedules;
					s.failures += st[j].failures;
					s.bound = st[j].bound;
					if (st[j].remaining < 0 ||
					    s.remaining < 0)
						s.remaining = -1;
					else
						s.remaining += st[j].remaining;
				}
				x->opts.progress(&s, x->opts.progress_arg);
			}
		}
	}
	x->complete = true;
	for (j = 0; j < n; j++) {
		int status = 0;
		struct rd r;

		if (pids[j] <= 0)
			continue;
		while (waitpid(pids[j], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) || !lens[j]) {
			x->complete = false;
			if (!x->stopped)
				x->stopped = xasprintf("job %u of %u ended "
						       "without its findings",
						       j + 1, n);
			continue;
		}
		r = (struct rd){ bufs[j], lens[j], 0 };
		read_share(x, &r);
	}
	for (j = 0; j < n; j++)
		free(bufs[j]);
	free(bufs);
	free(lens);
	free(caps);
	free(fds);
	free(pids);
	munmap(st, n * sizeof(*st));
	return ret;
}
