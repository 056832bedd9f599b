/* SPDX-License-Identifier: MIT */
/**
 * DOC: Exploring interleavings
 *
 * A *run* is one execution of a body (msim_run_body): it builds a
 * simulated world, runs concurrent sections in it (msim_run_threads()),
 * checks what it ended with, and tears it down.  The explorer runs the
 * body again and again, each time under another schedule, and reports
 * every distinct failure with the shortest schedule that shows it.
 *
 * Strategies:
 *  - dfs: every schedule with at most N preemptions, N = 0, 1, 2, ...
 *    up to the bound (CHESS's iterative preemption bounding), with sleep
 *    sets (Godefroid) pruning orders of independent steps;
 *  - random: a random enabled thread at every point;
 *  - pct: PCT (Burckhardt et al., ASPLOS 2010): random thread priorities
 *    and depth-1 points where the running thread drops to the lowest,
 *    which finds a bug of depth d with probability at least
 *    1/(n*k^(d-1)) per run (n threads, k steps);
 *  - round-robin: a switch at every point, in thread order (one schedule).
 *
 * A *schedule* is a short string that replays a run exactly
 * (schedule.c documents it): msim_replay() runs it and says where the
 * run left it if the body no longer fits.  It may also be a script that
 * switches at named events: "fault@kvm_fault_install,unmap,fault".
 *
 * Runs execute in worker processes by default: a run that cannot end (a
 * deadlock, a BUG()) leaves threads stopped in the middle of the library
 * with locks held, and so does a crash; a worker that had such a run is
 * replaced by a new one and the search goes on.  @in_process runs them in
 * the caller's process instead (faster to start, and what benchmarks
 * want); a run that cannot end then ends the exploration.
 */
#ifndef MMSIM_SCHED_EXPLORE_H
#define MMSIM_SCHED_EXPLORE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdio.h>
#include <mmsim/sched/thread.h>

enum msim_strategy {
	MSIM_STRATEGY_DFS,
	MSIM_STRATEGY_RANDOM,
	MSIM_STRATEGY_PCT,
	MSIM_STRATEGY_ROUND_ROBIN,
};

/** msim_strategy_name - "dfs", "random", "pct", "round-robin". */
MSIM_API const char *msim_strategy_name(enum msim_strategy s);

/** msim_strategy_lookup - the strategy called @name; -EINVAL if none. */
MSIM_API int msim_strategy_lookup(const char *name, enum msim_strategy *s);

/* One run of the body: build, run sections, check, tear down. */
typedef void (*msim_run_body)(struct msim_run *run, void *arg);

/**
 * struct msim_explore_status - how a search is going, for progress
 * @runs: runs so far
 * @schedules: distinct schedules so far
 * @failures: distinct failures so far
 * @seconds: since the start
 * @bound: the preemption bound being searched (dfs)
 * @remaining: an estimate of the runs left, or -1 when there is none
 */
struct msim_explore_status {
	unsigned long runs, schedules, failures;
	double seconds;
	int bound;
	double remaining;
};

/**
 * struct msim_explore_opts - how to search (zeroed: dfs, bound 2)
 * @strategy: see above
 * @preemptions: dfs: the largest bound, iterated from 0; -1: no bound
 * @depth: pct: the depth d (0: 3)
 * @schedules: stop after this many runs (0: no limit for dfs, 1000 for
 *	random and pct)
 * @seed: random and pct: runs are numbered and run i is seeded from
 *	(@seed, i), so that any run can be redone alone
 * @jobs: search with this many processes of this machine (0, 1: one)
 * @shard, @nshards: search only share @shard (from 0) of @nshards of the
 *	same search, deterministically (nshards 0 or 1: all of it)
 * @no_reduction: dfs without sleep sets
 * @check_every_step: run the body's step check after every step
 * @in_process: run the body in this process (see above)
 * @no_shrink: report failing schedules as found
 * @max_steps: a run taking more steps than this is a livelock (0: 100000)
 * @collect: keep every run's schedule and observations in the result
 * @progress: called about every second once the search has taken two
 * @progress_arg: for @progress
 */
struct msim_explore_opts {
	enum msim_strategy strategy;
	int preemptions;
	unsigned int depth;
	unsigned long schedules;
	unsigned long seed;
	unsigned int jobs;
	unsigned int shard, nshards;
	bool no_reduction;
	bool check_every_step;
	bool in_process;
	bool no_shrink;
	unsigned long max_steps;
	bool collect;
	void (*progress)(const struct msim_explore_status *status, void *arg);
	void *progress_arg;
};

/* The bound dfs searches up to when @preemptions is left 0 by a caller
 * that did not set it: msim_explore_opts_init() sets this. */
#define MSIM_DEFAULT_PREEMPTIONS 2

/** msim_explore_opts_init - the defaults: dfs, bound 2, 1000 runs else. */
MSIM_API void msim_explore_opts_init(struct msim_explore_opts *opts);

/**
 * struct msim_failure - one distinct failure
 * @kind: "deadlock", "lock-order", "atomic-sleep", "nonblock-sleep",
 *	"recursion", "bug", "livelock", "crash", "thread-exit", or a body's
 *	own ("invariant", "coherence", "check", ...)
 * @message: what, one or more lines without a final newline
 * @schedule: the (shrunk) schedule that shows it; "S1+S2" when it takes
 *	two runs in a row (a lock order learnt in one, inverted in the next)
 * @preemptions: in @schedule
 * @steps: scheduling steps of the (last) run of @schedule
 */
struct msim_failure {
	char *kind;
	char *message;
	char *schedule;
	unsigned int preemptions;
	unsigned long steps;
};

/**
 * struct msim_explore_result - what a search found
 * @runs: runs of the body for the search (shrinking not counted)
 * @schedules: distinct schedules among them (dfs runs again, at each
 *	bound, the schedules of the bounds before)
 * @shrink_runs: runs spent shrinking failing schedules
 * @complete: the search covered its whole space: every schedule within
 *	the bound (dfs), the one schedule (round-robin); never for random
 *	and pct
 * @bound: dfs: the last bound searched to the end
 * @seconds: how long it took
 * @failures, @nfailures: the distinct failures, in the order found
 * @observed, @nobserved: the distinct observations (msim_run_observe()),
 *	sorted
 * @schedule_list, @nschedule_list: with @collect: every schedule run,
 *	in the order run
 * @stopped: why the search ended early, or NULL
 */
struct msim_explore_result {
	unsigned long runs;
	unsigned long schedules;
	unsigned long shrink_runs;
	bool complete;
	int bound;
	double seconds;
	struct msim_failure *failures;
	unsigned int nfailures;
	char **observed;
	unsigned long nobserved;
	char **schedule_list;
	unsigned long nschedule_list;
	char *stopped;
};

/**
 * msim_explore - search the schedules of @body
 * Return: 0 (whatever was found is in @res), -EINVAL for bad options,
 * -ENOMEM, or -ECHILD if worker processes could not be made.
 */
MSIM_API int msim_explore(msim_run_body body, void *arg,
			  const struct msim_explore_opts *opts,
			  struct msim_explore_result *res);

/**
 * msim_replay - run @body under @schedule (NULL: the first dfs schedule)
 * @err: where a schedule that does not parse, or that the run no longer
 *	fits, is explained ("the run left the schedule between steps 14 and
 *	31: ..."); may be NULL
 *
 * Only @opts' check_every_step, max_steps and in_process matter.  Runs
 * in this process unless the run cannot end; the failures found are in
 * @res, each with the schedule that was run.
 * Return: 0, -EINVAL for a schedule that does not parse, -ESRCH when the
 * run left it.
 */
MSIM_API int msim_replay(msim_run_body body, void *arg, const char *schedule,
			 const struct msim_explore_opts *opts,
			 struct msim_explore_result *res, char *err,
			 size_t errlen);

/** msim_explore_result_free - free what @res holds, and zero it. */
MSIM_API void msim_explore_result_free(struct msim_explore_result *res);

/**
 * msim_failure_print - a failure's report, the same wherever it is shown
 *
 * "KIND: first line of the message\n", the other lines indented, then
 * "schedule: SCHEDULE (N preemptions)\n".
 */
MSIM_API void msim_failure_print(FILE *out, const struct msim_failure *f);

/**
 * struct msim_sched_test - a concurrency test in C
 * @setup: builds the world; returns what the threads and the check get
 * @nthreads: how many threads
 * @names: their names
 * @threads: their bodies, each given what @setup returned
 * @check: after the threads: msim_run_fail() what is wrong (may be NULL)
 * @teardown: releases the world (may be NULL)
 * @arg: for @setup
 */
struct msim_sched_test {
	void *(*setup)(void *arg);
	unsigned int nthreads;
	const char *names[MSIM_MAX_THREADS];
	void (*threads[MSIM_MAX_THREADS])(void *state);
	void (*check)(struct msim_run *run, void *state);
	void (*teardown)(void *state);
	void *arg;
};

/** msim_sched_test_explore - msim_explore() of @test's setup, threads and
 * check. */
MSIM_API int msim_sched_test_explore(const struct msim_sched_test *test,
				     const struct msim_explore_opts *opts,
				     struct msim_explore_result *res);

/** msim_sched_test_replay - msim_replay() of @test. */
MSIM_API int msim_sched_test_replay(const struct msim_sched_test *test,
				    const char *schedule,
				    const struct msim_explore_opts *opts,
				    struct msim_explore_result *res, char *err,
				    size_t errlen);

#endif /* MMSIM_SCHED_EXPLORE_H */
