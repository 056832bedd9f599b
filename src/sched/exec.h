/* SPDX-License-Identifier: MIT */
/*
 * Executors: what runs the body for the explorer, in this process or in
 * a worker process (exec.c).
 */
#ifndef MMSIM_SCHED_EXEC_H
#define MMSIM_SCHED_EXEC_H

#include <sys/types.h>
#include "run.h"

/* How to make one run's decisions. */
struct exec_req {
	enum plan_kind kind;
	/* dfs */
	const int8_t *prefix;
	unsigned long nprefix;
	const struct sleeper *sleep;
	unsigned int nsleep;
	int budget;
	bool reduction;
	/* random, pct */
	uint64_t seed;
	unsigned int depth;
	unsigned long pct_k;
	/* replay, script: one run, or several joined by '+' */
	const char *schedule;
	bool lenient;
	/*
	 * The schedule string even of a run that found nothing.  Without it
	 * a run's string is written only when the run failed or saw a new
	 * lock order: a run of a million steps that round-robin switches at
	 * every step would otherwise spend most of its time formatting them.
	 */
	bool want_schedule;
};

struct exec_fail {
	char *kind, *msg;
};

/* What a run did. @trail stays valid until the next exec_run(). */
struct exec_res {
	const struct tnode *trail;
	unsigned long ntrail;
	unsigned long redundant_from;
	bool cut;
	bool stopped;
	bool crashed;
	bool bad_schedule;
	char *schedule;
	unsigned int preemptions;
	unsigned long steps;
	struct exec_fail *fails;
	unsigned int nfails;
	struct ledge *edges;
	unsigned int nedges;
	char **obs;
	unsigned int nobs;
	char diverged[256];
};

struct shm;

struct executor {
	msim_run_body body;
	void *arg;
	unsigned long max_steps;
	bool check_every_step;
	bool in_process;
	bool quiet;
	struct shm *shm;
	size_t shm_size;
	pid_t pid;
	int fd;
	bool poisoned;
	unsigned long spawned;
};

int exec_init(struct executor *ex, msim_run_body body, void *arg,
	      unsigned long max_steps, bool check_every_step, bool in_process,
	      bool quiet);
/* 0, or -ECHILD if no worker could be made; -EDEADLK if a run before
 * stopped in this process. */
int exec_run(struct executor *ex, const struct exec_req *req,
	     struct exec_res *res);
void exec_res_free(struct exec_res *res);
void exec_fini(struct executor *ex);

#endif /* MMSIM_SCHED_EXEC_H */
