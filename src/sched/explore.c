// SPDX-License-Identifier: MIT
/*
 * The explorer: runs a body under many schedules, collects what fails,
 * shrinks each failing schedule, and says how much of the space it saw.
 *
 * This file is msim_explore() itself: the options, one run of the
 * search (which a run that cannot end, or that left its prefix, stops),
 * progress, and the order of the phases: the search of the strategy
 * asked for (dfs.c, sample.c), in this process or in --jobs processes
 * (jobs.c); then each failure shrunk (shrink.c); then what was found
 * (findings.c) handed over as the result.  explorer.h lists the files.
 *
 * Runs are repeated from the start of the body: there is no snapshot of
 * the simulated world, and a small scenario runs in microseconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

double explore_elapsed(const struct explorer *x)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - x->t0.tv_sec) +
	       (double)(now.tv_nsec - x->t0.tv_nsec) / 1e9;
}

const char *msim_strategy_name(enum msim_strategy s)
{
	switch (s) {
	case MSIM_STRATEGY_DFS:
		return "dfs";
	case MSIM_STRATEGY_RANDOM:
		return "random";
	case MSIM_STRATEGY_PCT:
		return "pct";
	case MSIM_STRATEGY_ROUND_ROBIN:
		return "round-robin";
	}
	return "?";
}

int msim_strategy_lookup(const char *name, enum msim_strategy *s)
{
	static const enum msim_strategy all[] = { MSIM_STRATEGY_DFS,
						  MSIM_STRATEGY_RANDOM,
						  MSIM_STRATEGY_PCT,
						  MSIM_STRATEGY_ROUND_ROBIN };
	unsigned int i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(name, msim_strategy_name(all[i]))) {
			*s = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

void msim_explore_opts_init(struct msim_explore_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->strategy = MSIM_STRATEGY_DFS;
	opts->preemptions = MSIM_DEFAULT_PREEMPTIONS;
}

void explore_progress(struct explorer *x)
{
	struct msim_explore_status st;
	double t;

	if (x->status) {
		x->status->runs = x->runs;
		x->status->schedules = x->schedules;
		x->status->failures = x->nfails;
		x->status->bound = x->bound;
		x->status->remaining = x->remaining;
	}
	if (!x->opts.progress)
		return;
	t = explore_elapsed(x);
	if (t < x->next_progress)
		return;
	x->next_progress = t + 1.0;
	st.runs = x->runs;
	st.schedules = x->schedules;
	st.failures = x->nfails;
	st.seconds = t;
	st.bound = x->bound;
	st.remaining = x->remaining;
	x->opts.progress(&st, x->opts.progress_arg);
}

/* One run; false when the search must end (reported in x->stopped). */
bool explore_run(struct explorer *x, const struct exec_req *req,
		 struct exec_res *res)
{
	int err = exec_run(&x->ex, req, res);

	if (err) {
		if (!x->stopped)
			x->stopped = xstrdup(
				err == -EDEADLK
					? "a run could not end, and runs are "
					  "in this process: the search stops "
					  "there"
					: "no worker process could be made");
		return false;
	}
	if (res->diverged[0] && req->kind == PLAN_DFS) {
		if (!x->stopped)
			x->stopped = xasprintf("%s", res->diverged);
		exec_res_free(res);
		return false;
	}
	return true;
}

void explore_search(struct explorer *x)
{
	switch (x->opts.strategy) {
	case MSIM_STRATEGY_DFS:
		explore_dfs(x);
		break;
	case MSIM_STRATEGY_RANDOM:
	case MSIM_STRATEGY_PCT:
		explore_sample(x);
		break;
	case MSIM_STRATEGY_ROUND_ROBIN:
		explore_round_robin(x);
		break;
	}
}

static void explorer_fini(struct explorer *x)
{
	unsigned int i;

	dfs_fini(x);
	for (i = 0; i < x->nedges; i++)
		ledge_free(&x->edges[i]);
	free(x->edges);
	exec_fini(&x->ex);
}

/* @x for a search of @body under @opts, its clock started. */
static void explorer_init(struct explorer *x, msim_run_body body, void *arg,
			  const struct msim_explore_opts *opts)
{
	memset(x, 0, sizeof(*x));
	x->body = body;
	x->arg = arg;
	x->opts = *opts;
	if (!x->opts.max_steps)
		x->opts.max_steps = 100000;
	x->nshards = opts->nshards > 1 ? opts->nshards : 1;
	x->shard = opts->nshards > 1 ? opts->shard : 0;
	x->next_progress = 2.0;
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	if (opts->jobs > 1)
		x->opts.in_process = false;
	x->frontier_k =
		dfs_frontier(x->nshards * (opts->jobs > 1 ? opts->jobs : 1));
}

/*
 * The search, with this explorer's executor or in --jobs processes; the
 * executor is made either way, for shrinking's replays (in a worker
 * process after jobs).
 */
static int search_phase(struct explorer *x)
{
	int ret;

	if (x->opts.jobs > 1) {
		ret = explore_jobs(x);
		if (ret)
			return ret;
		return exec_init(&x->ex, x->body, x->arg, x->opts.max_steps,
				 x->opts.check_every_step, false, true);
	}
	ret = exec_init(&x->ex, x->body, x->arg, x->opts.max_steps,
			x->opts.check_every_step, x->opts.in_process, true);
	if (!ret)
		explore_search(x);
	return ret;
}

int msim_explore(msim_run_body body, void *arg,
		 const struct msim_explore_opts *opts,
		 struct msim_explore_result *res)
{
	struct explorer x;
	unsigned int i;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!body || !opts)
		return -EINVAL;
	if (opts->nshards > 1 && opts->shard >= opts->nshards)
		return -EINVAL;
	if (opts->jobs > 64 ||
	    (opts->strategy == MSIM_STRATEGY_PCT && opts->depth > 9))
		return -EINVAL;
	explorer_init(&x, body, arg, opts);
	ret = search_phase(&x);
	if (ret) {
		explorer_fini(&x);
		return ret;
	}
	if (!x.opts.no_shrink)
		for (i = 0; i < x.nfails; i++)
			if (strcmp(x.fails[i].kind, "crash"))
				explore_shrink(&x, &x.fails[i]);
	fill_result(&x, res);
	explorer_fini(&x);
	return 0;
}
