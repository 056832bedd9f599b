/* SPDX-License-Identifier: MIT */
/*
 * The explorer's private structures, shared by the files of the search:
 *
 *   explore.c     msim_explore(): options, one run, progress, the order
 *                 of the phases (search, shrink, result)
 *   dfs.c         depth-first search with a preemption bound, sleep sets
 *                 and shards
 *   sample.c      random, PCT and round-robin
 *   findings.c    the failures, lock orders and observations found, told
 *                 apart, and handed over as the result
 *   shrink.c      fewer preemptions, then fewer steps, for each failure
 *   jobs.c        --jobs: one forked explorer per share, merged
 *   share.c       a share's findings as bytes, from a job to its parent
 *   replay.c      msim_replay(): one run of a given schedule
 *   sched_test.c  struct msim_sched_test as a body
 *
 * The runs themselves are the executor's (exec.c).
 */
#ifndef MMSIM_SCHED_EXPLORER_H
#define MMSIM_SCHED_EXPLORER_H

#include <time.h>
#include "exec.h"

/*
 * One distinct failure, with the schedule that shows it.  @key tells
 * failures apart (failure_key()).  @pair: a lock order inverted across
 * two runs, @from -> @to learnt in the first ("S1+S2" in @schedule).
 */
struct xfail {
	char *kind, *msg, *key, *schedule;
	unsigned int preemptions;
	unsigned long steps;
	/* A lock order inverted across two runs: the two edges. */
	bool pair;
	char *from, *to;
};

/* Shared with --jobs' parent, for progress. */
struct job_status {
	volatile unsigned long runs, schedules, failures;
	volatile int bound;
	volatile double remaining;
};

struct dnode; /* a decision on the dfs path (dfs.c) */

struct explorer {
	msim_run_body body;
	void *arg;
	struct msim_explore_opts opts;
	unsigned int shard, nshards;
	struct executor ex;
	struct timespec t0;
	double next_progress;
	unsigned long runs, schedules, shrink_runs;
	bool complete;
	int bound;
	/* What was found (findings.c). */
	struct xfail *fails;
	unsigned int nfails;
	struct ledge *edges;
	unsigned int nedges;
	char **obs;
	unsigned long nobs;
	char **list;
	unsigned long nlist;
	char *stopped;
	bool limit_hit;
	struct job_status *status;
	/* dfs */
	struct dnode *stack;
	unsigned long depth, stack_cap;
	int8_t *prefix;
	unsigned long unit;
	unsigned int frontier_k;
	double remaining;
};

/* explore.c */
/* Seconds since the search started. */
double explore_elapsed(const struct explorer *x);
/* A job's status for its parent; the caller's callback about every second. */
void explore_progress(struct explorer *x);
/* One run; false when the search must end (reported in x->stopped). */
bool explore_run(struct explorer *x, const struct exec_req *req,
		 struct exec_res *res);
/* The search of the strategy asked for, in this process. */
void explore_search(struct explorer *x);

/* dfs.c */
unsigned int dfs_frontier(unsigned int shares);
void explore_dfs(struct explorer *x);
void dfs_fini(struct explorer *x);

/* sample.c */
void explore_sample(struct explorer *x);
void explore_round_robin(struct explorer *x);

/* findings.c */
/* A message with its numbers masked: what tells failures apart. */
char *failure_key(const char *kind, const char *msg);
/* The new failure, or NULL when one with its key was found before. */
struct xfail *add_fail(struct explorer *x, const char *kind, const char *msg,
		       const char *schedule, unsigned int preemptions,
		       unsigned long steps);
void add_edge(struct explorer *x, const struct ledge *e, const char *schedule,
	      unsigned int preemptions);
void obs_add(struct explorer *x, const char *s);
/* What one run of the search found, and its schedule with @collect. */
void take_result(struct explorer *x, const struct exec_res *res);
/* Everything found, moved into @res. */
void fill_result(struct explorer *x, struct msim_explore_result *res);

/* shrink.c */
void explore_shrink(struct explorer *x, struct xfail *f);

/* jobs.c */
/*
 * The search in opts.jobs processes.  -ENOMEM without the status
 * mapping; -ECHILD when a job could not be made (what the jobs made
 * before it found is merged all the same).
 */
int explore_jobs(struct explorer *x);

/* share.c */
/* A share being read: @len bytes at @p, @pos the next. */
struct rd {
	const char *p;
	size_t len, pos;
};

void write_share(FILE *f, struct explorer *x);
void read_share(struct explorer *x, struct rd *r);

#endif /* MMSIM_SCHED_EXPLORER_H */
