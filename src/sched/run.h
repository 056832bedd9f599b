/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's private structures: a run, its threads, the trail of
 * its decisions, and the plan that makes them.  See core.c for the run,
 * plan.c for the strategies, schedule.c for schedule strings, lockdep.c
 * for the lock-order checker and explorer.h for the search.
 */
#ifndef MMSIM_SCHED_RUN_H
#define MMSIM_SCHED_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <mmsim/locking.h>
#include <mmsim/thread_info.h>
#include <mmsim/sched/explore.h>
#include <mmsim/sched/thread.h>
#include "fiber.h"

/*
 * A footprint: what one step did that another thread could see, as keys
 * (msim_sync_key(): lock numbers, page keys) with FP_WRITE for a write.
 * Two steps of different threads commute when no key of one is written
 * by the other.  One that overflows is global: it commutes with nothing.
 */
#define FP_MAX 8
#define FP_WRITE (1ULL << 62)
struct fp {
	uint8_t n;
	bool global;
	uint64_t e[FP_MAX];
};

static inline void fp_clear(struct fp *fp)
{
	fp->n = 0;
	fp->global = false;
}

void fp_add(struct fp *fp, uint64_t key, bool write);
bool fp_independent(const struct fp *a, const struct fp *b);

/*
 * One decision of a run: at step k, the threads in @enabled could run,
 * @cur had run before (-1: none, at the start of a section), @chosen
 * runs now.  @fp is filled at the next decision with what @chosen did.
 * @sleep: the threads a dfs run kept asleep here.  @ev_hash identifies
 * the event @chosen was at, for replays to notice a different run.
 */
struct tnode {
	uint64_t enabled;
	uint64_t sleep;
	int8_t cur;
	int8_t chosen;
	uint8_t section;
	uint8_t flags;
	uint32_t ev_hash;
	struct fp fp;
};
#define TN_CUR_ENABLED 0x1 /* choosing another than @cur preempts it */

/* A thread's state. */
enum sthread_state { ST_RUNNABLE, ST_BLOCKED, ST_DONE };

/* A lock a thread holds, for holders, recursion and lock order. */
struct held {
	void *lock;
	const char *name;
	enum msim_sync_event ev;
	const char *func, *file;
	int line;
};
#define MAX_HELD 32
#define MAX_CALLS 8

/*
 * One simulated thread.  @ev..@site: the point it stopped at (what it is
 * about to do); @pending_key: the lock it is about to take, which the
 * step it runs next will have done.
 */
struct sthread {
	struct msim_run *run;
	int idx;
	char name[32];
	enum sthread_state state;
	bool yielding;
	bool waiting; /* blocked since its last scheduling point */
	bool started;
	struct msim_fiber *fib;
	struct msim_thread_info ti;
	struct msim_thread_spec spec;
	enum msim_sync_event ev;
	void *ev_obj;
	const char *ev_name;
	bool at_start;
	uint64_t pending_key;
	void *wait_obj;
	const char *wait_name;
	const char *wait_func, *wait_file;
	int wait_line;
	struct held held[MAX_HELD];
	int nheld;
	const char *calls[MAX_CALLS];
	int ncalls;
};

/* How a run's decisions are made (plan.c). */
enum plan_kind {
	PLAN_DEFAULT,	  /* no preemption: the first dfs schedule */
	PLAN_ROUND_ROBIN, /* the next thread at every point */
	PLAN_RANDOM,
	PLAN_PCT,
	PLAN_REPLAY, /* a schedule string */
	PLAN_SCRIPT, /* switches at named events */
	PLAN_DFS,    /* a prefix, then sleep sets and a preemption budget */
};

/* A switch of a schedule string: at @step, thread @thread (from 0). */
struct sched_dev {
	unsigned long step;
	int thread;
	char hash;
};

/* One item of a script: run @thread until it is at @event (#@count). */
struct script_item {
	char thread[32];
	char event[64];
	unsigned int count;
};

/* A thread kept asleep by a dfs run: it may not run until a step that
 * does not commute with @fp has run. */
struct sleeper {
	int thread;
	struct fp fp;
};

struct plan {
	enum plan_kind kind;
	/* replay */
	struct sched_dev *devs;
	unsigned int ndevs;
	unsigned int next_dev;
	bool has_end;
	unsigned long end_step;
	char end_hash;
	bool lenient;
	/* random, pct */
	uint64_t rng;
	unsigned int depth;
	unsigned long pct_k;
	int prio[MSIM_MAX_THREADS];
	unsigned long change[8];
	unsigned int nchange;
	int next_low;
	/* script */
	struct script_item *items;
	unsigned int nitems;
	unsigned int item;
	unsigned int seen;
	/* dfs */
	const int8_t *prefix;
	unsigned long nprefix;
	struct sleeper *sleep;
	unsigned int nsleep;
	int budget; /* preemptions left after the prefix; -1: no bound */
	bool reduction;
	unsigned long redundant_from; /* no branching from here on */
	bool cut;		      /* a choice was refused for the budget */
	uint64_t node_sleep;	      /* set by plan_choose(): asleep here */
};

/* The hash of the events of a segment of a schedule (schedule.c). */
#define SEG_HASH_INIT 14695981039346656037ULL
static inline uint64_t seg_hash_add(uint64_t h, uint32_t ev_hash)
{
	return (h ^ ev_hash) * 1099511628211ULL;
}

/* A failure found in a run. */
struct rfail {
	char kind[24];
	char *msg;
};

/* A lock order learnt in a run (lockdep.c). */
struct ledge {
	char *from, *to;	/* classes: lock names */
	char *held_site, *site; /* where @from was taken, where @to was */
	char *thread;
	char *schedule; /* the run's, filled by the explorer */
};

struct lockdep;

struct msim_run {
	struct plan *plan;
	struct sthread thr[MSIM_MAX_THREADS];
	unsigned int nthr;
	int cur;
	struct msim_fiber host;
	struct msim_thread_info *host_ti;
	bool in_section;
	bool stopped;
	bool checking;
	unsigned int section;
	unsigned long step;
	unsigned long max_steps;
	/* the trail: @trail_len nodes of @trail_cap */
	struct tnode *trail;
	unsigned long trail_len, trail_cap;
	bool trail_owned;
	volatile unsigned long *trail_published;
	struct fp fp; /* of the step being run */
	/* what was found */
	struct rfail *fails;
	unsigned int nfails;
	struct ledge *edges;
	unsigned int nedges;
	char **obs;
	unsigned int nobs;
	struct lockdep *ld;
	char diverged[256];
	void (*step_check)(struct msim_run *run, void *arg);
	void *step_check_arg;
	bool check_every_step;
	unsigned int preemptions;
	uint64_t seg_hash;
};

/* core.c */
/* In a child after fork(): make fibers of its own when it needs them. */
void sched_after_fork(void);
void run_init(struct msim_run *run, struct plan *plan, struct lockdep *ld,
	      unsigned long max_steps, bool check_every_step);
void run_fini(struct msim_run *run);
void run_failf(struct msim_run *run, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_stop(struct msim_run *run);
/* Record a failure; takes @msg (from malloc). */
void run_add_fail(struct msim_run *run, const char *kind, char *msg);
const char *thread_event(const struct sthread *t, char *buf, size_t size);
uint32_t event_hash(int thread, const char *event);

/* plan.c */
int plan_choose(struct msim_run *run, uint64_t enabled, int cur);
int default_choice(uint64_t enabled, int cur);
void plan_free(struct plan *plan);
void plan_end(struct msim_run *run);

/* schedule.c */
int schedule_parse(const char *s, struct plan *plan, char *err, size_t errlen);
char *schedule_string(const struct tnode *trail, unsigned long n);
unsigned int trail_preemptions(const struct tnode *trail, unsigned long n);
char segment_hash_char(uint64_t h);

/* lockdep.c */
struct lockdep *lockdep_create(void);
void lockdep_destroy(struct lockdep *ld);
void lockdep_acquire(struct msim_run *run, struct sthread *t, const char *name,
		     const char *func, const char *file, int line);
char *lockdep_inversion_message(const struct ledge *ab, const struct ledge *ba);
void ledge_free(struct ledge *e);

/* Formatting a site: "func (file.c:12)", or "?" without one. */
void site_format(char *buf, size_t size, const char *func, const char *file,
		 int line);

/* A string on the heap, or abort (the scheduler cannot go on without). */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);

/* Randomness for the strategies: splitmix64, so that run i of seed s is
 * the same everywhere. */
static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* MMSIM_SCHED_RUN_H */
