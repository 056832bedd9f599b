// SPDX-License-Identifier: MIT
/*
 * The explorer: runs a body under many schedules, collects what fails,
 * shrinks each failing schedule, and says how much of the space it saw.
 *
 * Depth-first search.  The explorer keeps the path of the last run as a
 * stack of decision nodes; the next run replays the path down to the
 * deepest node that still has an alternative, takes it, and goes on with
 * the default from there (exec.c, plan.c).  Runs are repeated from the
 * start of the body: there is no snapshot of the simulated world, and a
 * small scenario runs in microseconds.
 *
 * Preemption bounding (Musuvathi and Qadeer, CHESS): a choice that
 * switches away from a thread that could go on costs one preemption; the
 * search runs with bound 0, 1, 2, ... up to the one asked for, so that a
 * bug found takes the fewest preemptions there are, and stops early when
 * a bound cut nothing off (the whole space was covered).
 *
 * Sleep sets (Godefroid, 1996): once the subtree of alternative t at a
 * node has been explored, a later sibling u's subtree need not run t
 * first while only steps that commute with t have run: those orders were
 * covered under t.  Two steps commute when their footprints do (what
 * each locked, released and declared with msim_sync_access(), run.h),
 * which presumes the model's shared state is either locked or declared.
 * With a preemption bound this is only sound for a subtree that the bound
 * cut nothing from: the equivalent order explored under t may have
 * needed more preemptions than the one pruned under u.  So t goes to
 * sleep only after a subtree with no cut; a bound that cuts much prunes
 * little.  Sleep sets keep every reachable state (Godefroid's theorem),
 * so checks after every step lose nothing by them either.
 *
 * Shards: the top of the tree, down to the K-th node with a choice,
 * belongs to every shard; each alternative at those nodes is a unit,
 * numbered in search order (the same in every shard), and shard i of n
 * explores the units numbered i modulo n.  Above and at that frontier no
 * one sleeps (what a shard did not explore itself cannot put anything to
 * sleep), so the union of the shards' runs covers at least the unsharded
 * search's, and exactly it without the reduction.  --jobs forks one
 * explorer per job, each a shard, and merges what they found.
 *
 * Failures are told apart by kind and message with numbers masked (one
 * bug reported once, whatever frame it hit); a lock order learnt in one
 * run and inverted in another is a failure of the two runs together.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec.h"

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

struct dnode {
	uint64_t enabled, done;
	int8_t cur, chosen;
	unsigned int pre;
	struct fp fp;
	struct sleeper *sleep;
	unsigned int nsleep;
	struct sleeper *nocut;
	unsigned int nnocut;
	bool child_cut, cut;
	unsigned int branch_depth; /* choice nodes above this one */
	bool frontier;
};

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

static double elapsed(const struct explorer *x)
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

/* A message with its numbers masked: what tells failures apart. */
static char *failure_key(const char *kind, const char *msg)
{
	size_t n = strlen(kind) + strlen(msg) + 3, j = 0;
	char *key = xcalloc(1, n);
	const char *p = msg;

	j = (size_t)snprintf(key, n, "%s: ", kind);
	/* One BUG() is one bug, whichever thread hit it ("T: BUG..."). */
	if (!strcmp(kind, "bug") && strstr(msg, ": "))
		p = strstr(msg, ": ") + 2;
	/* A lock order is the pair of classes, on its first line. */
	if (!strcmp(kind, "lock-order")) {
		size_t l = strcspn(msg, "\n");

		memcpy(key + j, msg, l);
		key[j + l] = '\0';
		return key;
	}
	while (*p) {
		if (p[0] == '0' && p[1] == 'x' &&
		    isxdigit((unsigned char)p[2])) {
			key[j++] = '#';
			for (p += 2; isxdigit((unsigned char)*p); p++)
				;
		} else if (isdigit((unsigned char)*p)) {
			key[j++] = '#';
			while (isdigit((unsigned char)*p))
				p++;
		} else {
			key[j++] = *p++;
		}
	}
	key[j] = '\0';
	return key;
}

static struct xfail *find_fail(struct explorer *x, const char *key)
{
	unsigned int i;

	for (i = 0; i < x->nfails; i++)
		if (!strcmp(x->fails[i].key, key))
			return &x->fails[i];
	return NULL;
}

static struct xfail *add_fail(struct explorer *x, const char *kind,
			      const char *msg, const char *schedule,
			      unsigned int preemptions, unsigned long steps)
{
	char *key = failure_key(kind, msg);
	struct xfail *f = find_fail(x, key);

	if (f) {
		free(key);
		return NULL;
	}
	x->fails = xrealloc(x->fails, (x->nfails + 1) * sizeof(*x->fails));
	f = &x->fails[x->nfails++];
	memset(f, 0, sizeof(*f));
	f->kind = xstrdup(kind);
	f->msg = xstrdup(msg);
	f->key = key;
	f->schedule = xstrdup(schedule);
	f->preemptions = preemptions;
	f->steps = steps;
	return f;
}

static void obs_add(struct explorer *x, const char *s)
{
	unsigned long lo = 0, hi = x->nobs;

	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;
		int c = strcmp(x->obs[mid], s);

		if (!c)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	x->obs = xrealloc(x->obs, (x->nobs + 1) * sizeof(*x->obs));
	memmove(&x->obs[lo + 1], &x->obs[lo], (x->nobs - lo) * sizeof(*x->obs));
	x->obs[lo] = xstrdup(s);
	x->nobs++;
}

static struct ledge *find_edge(struct explorer *x, const char *from,
			       const char *to)
{
	unsigned int i;

	for (i = 0; i < x->nedges; i++)
		if (!strcmp(x->edges[i].from, from) &&
		    !strcmp(x->edges[i].to, to))
			return &x->edges[i];
	return NULL;
}

/* A lock order: learn it, and see whether another run inverted it. */
static void add_edge(struct explorer *x, const struct ledge *e,
		     const char *schedule, unsigned int preemptions)
{
	struct ledge *n, *rev;
	struct xfail *f;
	char *msg, *both;

	if (find_edge(x, e->from, e->to))
		return;
	x->edges = xrealloc(x->edges, (x->nedges + 1) * sizeof(*x->edges));
	n = &x->edges[x->nedges++];
	n->from = xstrdup(e->from);
	n->to = xstrdup(e->to);
	n->held_site = xstrdup(e->held_site);
	n->site = xstrdup(e->site);
	n->thread = xstrdup(e->thread);
	n->schedule = xstrdup(schedule);
	rev = find_edge(x, e->to, e->from);
	if (!rev)
		return;
	n = &x->edges[x->nedges - 1];
	msg = lockdep_inversion_message(n, rev);
	/* Learnt in one run: that run reported it already. */
	if (!strcmp(rev->schedule, n->schedule)) {
		free(msg);
		return;
	}
	both = xasprintf("%s+%s", rev->schedule, n->schedule);
	f = add_fail(x, "lock-order", msg, both, preemptions, 0);
	if (f) {
		f->pair = true;
		f->from = xstrdup(rev->from);
		f->to = xstrdup(rev->to);
	}
	free(both);
	free(msg);
}

static void take_result(struct explorer *x, const struct exec_res *res)
{
	unsigned int i;

	for (i = 0; i < res->nfails; i++)
		add_fail(x, res->fails[i].kind, res->fails[i].msg,
			 res->schedule, res->preemptions, res->steps);
	for (i = 0; i < res->nedges; i++)
		add_edge(x, &res->edges[i], res->schedule, res->preemptions);
	for (i = 0; i < res->nobs; i++)
		obs_add(x, res->obs[i]);
	if (x->opts.collect) {
		x->list = xrealloc(x->list, (x->nlist + 1) * sizeof(*x->list));
		x->list[x->nlist++] = xstrdup(res->schedule);
	}
}

static void progress(struct explorer *x)
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
	t = elapsed(x);
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
static bool run_one(struct explorer *x, const struct exec_req *req,
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

/* Depth-first search. */

static unsigned int cost(const struct dnode *n, int t)
{
	return n->cur >= 0 && (n->enabled & (1ULL << n->cur)) && t != n->cur;
}

static bool within(const struct dnode *n, int t, int bound)
{
	return bound < 0 || n->pre + cost(n, t) <= (unsigned int)bound;
}

static unsigned int nalternatives(const struct dnode *n, int bound)
{
	unsigned int k = 0;
	int t;

	for (t = 0; t < MSIM_MAX_THREADS; t++)
		if ((n->enabled & (1ULL << t)) && within(n, t, bound))
			k++;
	return k;
}

/* The order alternatives are tried in: the default first. */
static int order(const struct dnode *n, int idx)
{
	int first = default_choice(n->enabled, n->cur), t = first, i;

	for (i = 0; i < idx; i++) {
		do
			t = (t + 1) % MSIM_MAX_THREADS;
		while (!(n->enabled & (1ULL << t)));
		if (t == first)
			return -1;
	}
	return t;
}

static void node_free(struct dnode *n)
{
	free(n->sleep);
	free(n->nocut);
	memset(n, 0, sizeof(*n));
}

static bool sharded(const struct explorer *x)
{
	return x->nshards > 1;
}

/* The sleepers of a node's child: those of @n and of its explored,
 * uncut alternatives that commute with what the child's step did. */
static struct sleeper *child_sleep(const struct dnode *n, const struct fp *fp,
				   int chosen, unsigned int *count)
{
	struct sleeper *s = xcalloc(n->nsleep + n->nnocut + 1, sizeof(*s));
	unsigned int i, k = 0;

	for (i = 0; i < n->nsleep; i++)
		if (n->sleep[i].thread != chosen &&
		    fp_independent(&n->sleep[i].fp, fp))
			s[k++] = n->sleep[i];
	for (i = 0; i < n->nnocut; i++)
		if (n->nocut[i].thread != chosen &&
		    fp_independent(&n->nocut[i].fp, fp))
			s[k++] = n->nocut[i];
	*count = k;
	return s;
}

static bool owned(const struct explorer *x, unsigned long unit)
{
	return unit % x->nshards == x->shard;
}

/*
 * Push the nodes a run made below @from.  @known: the run is inside one
 * of this shard's units (always, unsharded); otherwise it went down from
 * above the frontier and its unit is the first frontier node it reached,
 * or its leaf.  Returns whether the run is this shard's to count.
 */
static bool extend(struct explorer *x, const struct exec_res *res,
		   unsigned long from, int bound, bool known, bool *any_cut)
{
	unsigned long k, end = res->redundant_from;
	bool mine = true, reached = false;

	if (end > res->ntrail)
		end = res->ntrail;
	if (from < x->depth)
		x->stack[from].fp = res->trail[from].fp;
	for (k = from + 1; k < end; k++) {
		struct dnode *p, *n;

		if (k >= x->stack_cap) {
			x->stack_cap = x->stack_cap ? 2 * x->stack_cap : 256;
			x->stack = xrealloc(x->stack,
					    x->stack_cap * sizeof(*x->stack));
		}
		p = &x->stack[k - 1];
		n = &x->stack[k];
		memset(n, 0, sizeof(*n));
		n->enabled = res->trail[k].enabled;
		n->cur = res->trail[k].cur;
		n->chosen = res->trail[k].chosen;
		n->done = 1ULL << n->chosen;
		n->fp = res->trail[k].fp;
		n->pre = p->pre + cost(p, p->chosen);
		n->branch_depth =
			p->branch_depth + (nalternatives(p, bound) > 1 ? 1 : 0);
		if (x->opts.no_reduction ||
		    (sharded(x) && p->branch_depth < x->frontier_k))
			n->sleep = xcalloc(1, sizeof(*n->sleep));
		else
			n->sleep =
				child_sleep(p, &p->fp, p->chosen, &n->nsleep);
		x->depth = k + 1;
		if (sharded(x) && !known && !reached &&
		    n->branch_depth + 1 == x->frontier_k &&
		    nalternatives(n, bound) > 1) {
			/* A new frontier node: its first child is a unit. */
			n->frontier = true;
			reached = true;
			mine = owned(x, x->unit++);
			if (!mine)
				break; /* someone else's: nothing below */
		}
	}
	if (sharded(x) && !known && !reached)
		mine = owned(x, x->unit++); /* the leaf is the unit */
	if (res->cut && mine) {
		*any_cut = true;
		if (x->depth)
			x->stack[x->depth - 1].child_cut = true;
	}
	return mine;
}

static void dfs_estimate(struct explorer *x, int bound, unsigned long runs)
{
	double f = 0, scale = 1;
	unsigned long i;

	for (i = 0; i < x->depth; i++) {
		struct dnode *n = &x->stack[i];
		unsigned int all = nalternatives(n, bound), done;

		if (all < 2)
			continue;
		done = (unsigned int)__builtin_popcountll(n->done & n->enabled);
		if (done > all)
			done = all;
		f += scale * (double)(done - 1) / all;
		scale /= all;
	}
	f += scale;
	x->remaining = f > 0 && f <= 1 ? (double)runs * (1 - f) / f : -1;
}

/* All of the search at one bound.  false: the search must end. */
static bool dfs_bound(struct explorer *x, int bound, bool *any_cut)
{
	struct exec_req req = { .kind = PLAN_DFS, .budget = bound };
	unsigned long runs_here = 0, i;
	struct exec_res res;
	bool mine;

	req.reduction = !x->opts.no_reduction;
	req.want_schedule = x->opts.collect;
	x->unit = 0;
	x->depth = 0;
	if (!x->stack_cap) {
		x->stack_cap = 256;
		x->stack = xcalloc(x->stack_cap, sizeof(*x->stack));
	}

	/* The first run: no prefix, nothing asleep. */
	if (!run_one(x, &req, &res))
		return false;
	if (res.ntrail) {
		struct dnode *n = &x->stack[0];

		memset(n, 0, sizeof(*n));
		n->enabled = res.trail[0].enabled;
		n->cur = res.trail[0].cur;
		n->chosen = res.trail[0].chosen;
		n->done = 1ULL << n->chosen;
		n->fp = res.trail[0].fp;
		n->sleep = xcalloc(1, sizeof(*n->sleep));
		x->depth = 1;
	}
	mine = extend(x, &res, 0, bound, !sharded(x), any_cut);
	if (mine) {
		x->runs++;
		runs_here++;
		if (bound <= 0 || res.preemptions == (unsigned int)bound)
			x->schedules++;
		take_result(x, &res);
	}
	exec_res_free(&res);

	for (;;) {
		struct dnode *n;
		int alt = -1, idx;

		if (x->opts.schedules && x->runs >= x->opts.schedules) {
			x->limit_hit = true;
			return false;
		}
		/* Back up to the deepest node with an alternative left. */
		while (x->depth) {
			n = &x->stack[x->depth - 1];
			if (!n->child_cut && !x->opts.no_reduction &&
			    !(sharded(x) && n->branch_depth < x->frontier_k)) {
				n->nocut = xrealloc(n->nocut,
						    (n->nnocut + 1) *
							    sizeof(*n->nocut));
				n->nocut[n->nnocut].thread = n->chosen;
				n->nocut[n->nnocut].fp = n->fp;
				n->nnocut++;
			}
			n->cut |= n->child_cut;
			n->child_cut = false;
			alt = -1;
			for (idx = 0; (i = (unsigned long)order(n, idx)) !=
				      (unsigned long)-1;
			     idx++) {
				int t = (int)i;
				bool asleep = false;
				unsigned int s;

				if (n->done & (1ULL << t))
					continue;
				n->done |= 1ULL << t;
				/*
				 * Asleep first: what sleeps was covered
				 * elsewhere, bound or no bound, and is no cut.
				 */
				for (s = 0; s < n->nsleep; s++)
					if (n->sleep[s].thread == t)
						asleep = true;
				if (asleep && !x->opts.no_reduction)
					continue;
				if (!within(n, t, bound)) {
					n->cut = true;
					*any_cut = true;
					continue;
				}
				if (n->frontier && !owned(x, x->unit++))
					continue;
				alt = t;
				break;
			}
			if (alt >= 0)
				break;
			if (x->depth >= 2)
				x->stack[x->depth - 2].child_cut |= n->cut;
			node_free(n);
			x->depth--;
		}
		if (!x->depth)
			return true;
		n = &x->stack[x->depth - 1];
		n->chosen = (int8_t)alt;
		x->prefix = xrealloc(x->prefix, x->depth);
		for (i = 0; i < x->depth; i++)
			x->prefix[i] = x->stack[i].chosen;
		req.prefix = x->prefix;
		req.nprefix = x->depth;
		req.budget =
			bound < 0 ? -1 : bound - (int)(n->pre + cost(n, alt));
		if (x->opts.no_reduction ||
		    (sharded(x) && n->branch_depth < x->frontier_k)) {
			req.sleep = NULL;
			req.nsleep = 0;
		} else {
			struct sleeper *s =
				xcalloc(n->nsleep + n->nnocut + 1, sizeof(*s));
			unsigned int k = 0;

			for (i = 0; i < n->nsleep; i++)
				if (n->sleep[i].thread != alt)
					s[k++] = n->sleep[i];
			for (i = 0; i < n->nnocut; i++)
				s[k++] = n->nocut[i];
			req.sleep = s;
			req.nsleep = k;
		}
		if (!run_one(x, &req, &res)) {
			free((void *)req.sleep);
			return false;
		}
		free((void *)req.sleep);
		req.sleep = NULL;
		mine = extend(x, &res, x->depth - 1, bound,
			      !sharded(x) || n->frontier ||
				      n->branch_depth >= x->frontier_k,
			      any_cut);
		if (mine) {
			x->runs++;
			runs_here++;
			if (bound <= 0 ||
			    res.preemptions == (unsigned int)bound)
				x->schedules++;
			take_result(x, &res);
		}
		exec_res_free(&res);
		if (x->opts.progress || x->status) {
			dfs_estimate(x, bound, runs_here);
			progress(x);
		}
	}
}

static void dfs(struct explorer *x)
{
	int bound, max = x->opts.preemptions;
	bool any_cut;

	if (max < 0) {
		any_cut = false;
		x->bound = -1;
		if (dfs_bound(x, -1, &any_cut))
			x->complete = true;
		return;
	}
	for (bound = 0; bound <= max; bound++) {
		any_cut = false;
		x->bound = bound;
		if (!dfs_bound(x, bound, &any_cut))
			return;
		if (!any_cut || bound == max) {
			x->complete = true;
			return;
		}
	}
}

/* Random and PCT: run i is seeded from (seed, i) alone. */
static uint64_t run_seed(uint64_t seed, unsigned long i)
{
	uint64_t s = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));

	return splitmix64(&s);
}

static void sample(struct explorer *x)
{
	unsigned long limit = x->opts.schedules ? x->opts.schedules : 1000;
	struct exec_req req = { .kind = PLAN_DEFAULT };
	struct exec_res res;
	unsigned long i, k = 1;

	req.want_schedule = x->opts.collect;
	if (x->opts.strategy == MSIM_STRATEGY_PCT) {
		/* PCT's k: the length of the run without preemption. */
		if (!run_one(x, &req, &res))
			return;
		k = res.steps ? res.steps : 1;
		exec_res_free(&res);
	}
	for (i = x->shard; i < limit; i += x->nshards ? x->nshards : 1) {
		memset(&req, 0, sizeof(req));
		req.kind = x->opts.strategy == MSIM_STRATEGY_PCT ? PLAN_PCT
								 : PLAN_RANDOM;
		req.seed = run_seed(x->opts.seed, i);
		req.depth = x->opts.depth ? x->opts.depth : 3;
		req.pct_k = k;
		req.want_schedule = x->opts.collect;
		if (!run_one(x, &req, &res))
			return;
		x->runs++;
		x->schedules++;
		take_result(x, &res);
		exec_res_free(&res);
		x->remaining =
			(double)(limit - i) / (x->nshards ? x->nshards : 1);
		progress(x);
	}
	x->limit_hit = true;
}

static void round_robin(struct explorer *x)
{
	struct exec_req req = { .kind = PLAN_ROUND_ROBIN };
	struct exec_res res;

	req.want_schedule = x->opts.collect;
	if (x->shard)
		return;
	if (!run_one(x, &req, &res))
		return;
	x->runs++;
	x->schedules++;
	take_result(x, &res);
	exec_res_free(&res);
	x->complete = true;
}

/* Shrinking. */

/* A schedule of the switches @devs, for a lenient replay. */
static char *devs_string(const struct sched_dev *devs, unsigned int n)
{
	size_t len = 0;
	char *s = xcalloc(1, 24 * (n + 1));
	unsigned int i;

	for (i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%lu.%da,", devs[i].step,
				       devs[i].thread + 1);
	sprintf(s + len, "%lua", n ? devs[n - 1].step + 1 : 0);
	return s;
}

/* Does the run reproduce @f?  @part: which run of a pair (0 or 1). */
static bool reproduces(const struct xfail *f, const struct exec_res *res,
		       int part, char **msg)
{
	unsigned int i;

	if (f->pair) {
		const char *from = part ? f->to : f->from;
		const char *to = part ? f->from : f->to;

		for (i = 0; i < res->nedges; i++)
			if (!strcmp(res->edges[i].from, from) &&
			    !strcmp(res->edges[i].to, to))
				return true;
		return false;
	}
	for (i = 0; i < res->nfails; i++) {
		char *key = failure_key(res->fails[i].kind, res->fails[i].msg);
		bool same = !strcmp(key, f->key);

		free(key);
		if (same) {
			if (msg)
				*msg = xstrdup(res->fails[i].msg);
			return true;
		}
	}
	return false;
}

/*
 * Fewest preemptions, then fewest steps: drop switches one at a time
 * (the last first) while the failure stays, then move each remaining one
 * as early as it still fails.  Every candidate is replayed leniently and
 * what it actually did becomes the schedule.
 */
static char *shrink_part(struct explorer *x, const struct xfail *f,
			 const char *sched, int part, char **msg)
{
	struct plan plan;
	char err[256], *best = xstrdup(sched);
	unsigned int best_pre = UINT32_MAX;
	unsigned long best_steps = ULONG_MAX;
	bool changed = true;
	int passes = 0;

	{
		/* What the schedule itself does, as the baseline. */
		struct exec_req req = { .kind = PLAN_REPLAY,
					.schedule = sched,
					.lenient = true };
		struct exec_res res;

		if (exec_run(&x->ex, &req, &res))
			return best;
		x->shrink_runs++;
		if (reproduces(f, &res, part, msg)) {
			best_pre = res.preemptions;
			best_steps = res.steps;
			free(best);
			best = xstrdup(res.schedule);
		}
		exec_res_free(&res);
		if (best_pre == UINT32_MAX)
			return best;
	}
	while (changed && passes++ < 4) {
		unsigned int i;

		changed = false;
		if (schedule_parse(best, &plan, err, sizeof(err)))
			break;
		for (i = plan.ndevs; i-- > 0;) {
			struct sched_dev *d =
				xcalloc(plan.ndevs + 1, sizeof(*d));
			struct exec_req req = { .kind = PLAN_REPLAY,
						.lenient = true };
			struct exec_res res;
			unsigned int j, k = 0;
			char *cand, *m = NULL;

			for (j = 0; j < plan.ndevs; j++)
				if (j != i)
					d[k++] = plan.devs[j];
			cand = devs_string(d, k);
			free(d);
			req.schedule = cand;
			if (exec_run(&x->ex, &req, &res)) {
				free(cand);
				break;
			}
			x->shrink_runs++;
			if (reproduces(f, &res, part, &m) &&
			    (res.preemptions < best_pre ||
			     (res.preemptions == best_pre &&
			      res.steps < best_steps))) {
				free(best);
				best = xstrdup(res.schedule);
				best_pre = res.preemptions;
				best_steps = res.steps;
				if (msg && m) {
					free(*msg);
					*msg = m;
					m = NULL;
				}
				changed = true;
			}
			free(m);
			free(cand);
			exec_res_free(&res);
			if (changed)
				break;
		}
		plan_free(&plan);
	}
	/* Each switch as early as it still fails. */
	if (!schedule_parse(best, &plan, err, sizeof(err))) {
		unsigned int i;

		for (i = 0; i < plan.ndevs; i++) {
			unsigned long lo = i ? plan.devs[i - 1].step + 1 : 0;
			unsigned long hi = plan.devs[i].step;

			while (lo < hi) {
				unsigned long mid = lo + (hi - lo) / 2;
				struct exec_req req = { .kind = PLAN_REPLAY,
							.lenient = true };
				struct exec_res res;
				struct sched_dev keep = plan.devs[i];
				char *cand, *m = NULL;
				bool ok;

				plan.devs[i].step = mid;
				cand = devs_string(plan.devs, plan.ndevs);
				plan.devs[i] = keep;
				req.schedule = cand;
				if (exec_run(&x->ex, &req, &res)) {
					free(cand);
					break;
				}
				x->shrink_runs++;
				ok = reproduces(f, &res, part, &m) &&
				     res.preemptions <= best_pre &&
				     res.steps <= best_steps;
				if (ok) {
					free(best);
					best = xstrdup(res.schedule);
					best_pre = res.preemptions;
					best_steps = res.steps;
					plan.devs[i].step = mid;
					hi = mid;
					if (msg && m) {
						free(*msg);
						*msg = m;
						m = NULL;
					}
				} else {
					lo = mid + 1;
				}
				free(m);
				free(cand);
				exec_res_free(&res);
			}
		}
		plan_free(&plan);
	}
	return best;
}

static void shrink(struct explorer *x, struct xfail *f)
{
	struct exec_req req = { .kind = PLAN_REPLAY };
	struct exec_res res;
	char *msg = NULL;
	unsigned int i;

	if (f->pair) {
		char *plus = strchr(f->schedule, '+'), *a, *b, *both;

		if (!plus)
			return;
		*plus = '\0';
		a = shrink_part(x, f, f->schedule, 0, NULL);
		b = shrink_part(x, f, plus + 1, 1, NULL);
		both = xasprintf("%s+%s", a, b);
		free(a);
		free(b);
		/* The message of the pair as its replay tells it. */
		req.schedule = both;
		if (!exec_run(&x->ex, &req, &res)) {
			x->shrink_runs++;
			for (i = 0; i < res.nfails; i++) {
				char *key = failure_key(res.fails[i].kind,
							res.fails[i].msg);

				if (!strcmp(key, f->key)) {
					free(f->msg);
					f->msg = xstrdup(res.fails[i].msg);
					free(f->schedule);
					f->schedule = xstrdup(res.schedule);
					f->preemptions = res.preemptions;
					f->steps = res.steps;
				}
				free(key);
			}
			exec_res_free(&res);
		}
		free(both);
		return;
	}
	{
		char *best = shrink_part(x, f, f->schedule, 0, &msg);

		free(f->schedule);
		f->schedule = best;
	}
	free(msg);
	/* The report is what the strict replay of the result says. */
	req.schedule = f->schedule;
	if (!exec_run(&x->ex, &req, &res)) {
		x->shrink_runs++;
		for (i = 0; i < res.nfails; i++) {
			char *key = failure_key(res.fails[i].kind,
						res.fails[i].msg);

			if (!strcmp(key, f->key)) {
				free(f->msg);
				f->msg = xstrdup(res.fails[i].msg);
				f->preemptions = res.preemptions;
				f->steps = res.steps;
			}
			free(key);
		}
		exec_res_free(&res);
	}
}

/* Results. */

static void fill_result(struct explorer *x, struct msim_explore_result *res)
{
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->runs = x->runs;
	res->schedules = x->schedules;
	res->shrink_runs = x->shrink_runs;
	res->complete = x->complete && !x->stopped && !x->limit_hit;
	res->bound = x->bound;
	res->seconds = elapsed(x);
	res->nfailures = x->nfails;
	res->failures = xcalloc(x->nfails, sizeof(*res->failures));
	for (i = 0; i < x->nfails; i++) {
		struct msim_failure *f = &res->failures[i];

		f->kind = x->fails[i].kind;
		f->message = x->fails[i].msg;
		f->schedule = x->fails[i].schedule;
		f->preemptions = x->fails[i].preemptions;
		f->steps = x->fails[i].steps;
		free(x->fails[i].key);
		free(x->fails[i].from);
		free(x->fails[i].to);
	}
	free(x->fails);
	x->fails = NULL;
	x->nfails = 0;
	res->observed = x->obs;
	res->nobserved = x->nobs;
	x->obs = NULL;
	res->schedule_list = x->list;
	res->nschedule_list = x->nlist;
	x->list = NULL;
	res->stopped = x->stopped;
	x->stopped = NULL;
}

static void explorer_fini(struct explorer *x)
{
	unsigned long i;

	for (i = 0; i < x->depth; i++)
		node_free(&x->stack[i]);
	free(x->stack);
	free(x->prefix);
	for (i = 0; i < x->nedges; i++)
		ledge_free(&x->edges[i]);
	free(x->edges);
	exec_fini(&x->ex);
}

/* Serialization of a share's raw findings, for --jobs. */

static void wr(FILE *f, const char *s)
{
	uint64_t n = s ? strlen(s) : 0;

	fwrite(&n, sizeof(n), 1, f);
	if (n)
		fwrite(s, 1, n, f);
}

static void wr_u(FILE *f, uint64_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void write_share(FILE *f, struct explorer *x)
{
	unsigned long i;

	wr_u(f, x->runs);
	wr_u(f, x->schedules);
	wr_u(f, x->complete);
	wr_u(f, x->limit_hit);
	wr_u(f, (uint64_t)(int64_t)x->bound);
	wr(f, x->stopped);
	wr_u(f, x->nfails);
	for (i = 0; i < x->nfails; i++) {
		wr(f, x->fails[i].kind);
		wr(f, x->fails[i].msg);
		wr(f, x->fails[i].schedule);
		wr_u(f, x->fails[i].preemptions);
		wr_u(f, x->fails[i].steps);
		wr_u(f, x->fails[i].pair);
		wr(f, x->fails[i].from);
		wr(f, x->fails[i].to);
	}
	wr_u(f, x->nedges);
	for (i = 0; i < x->nedges; i++) {
		wr(f, x->edges[i].from);
		wr(f, x->edges[i].to);
		wr(f, x->edges[i].held_site);
		wr(f, x->edges[i].site);
		wr(f, x->edges[i].thread);
		wr(f, x->edges[i].schedule);
	}
	wr_u(f, x->nobs);
	for (i = 0; i < x->nobs; i++)
		wr(f, x->obs[i]);
	wr_u(f, x->nlist);
	for (i = 0; i < x->nlist; i++)
		wr(f, x->list[i]);
}

struct rd {
	const char *p;
	size_t len, pos;
};

static uint64_t rd_u(struct rd *r)
{
	uint64_t v = 0;

	if (r->pos + sizeof(v) <= r->len)
		memcpy(&v, r->p + r->pos, sizeof(v));
	r->pos += sizeof(v);
	return v;
}

static char *rd_s(struct rd *r)
{
	uint64_t n = rd_u(r);
	char *s;

	if (r->pos > r->len || n > r->len - r->pos)
		n = 0;
	s = xcalloc(1, n + 1);
	memcpy(s, r->p + r->pos, n);
	r->pos += n;
	return s;
}

/* Merge a share's findings into @x, as if found there in that order. */
static void read_share(struct explorer *x, struct rd *r)
{
	unsigned long n, i;
	char *s;

	x->runs += rd_u(r);
	x->schedules += rd_u(r);
	x->complete &= rd_u(r) != 0;
	x->limit_hit |= rd_u(r) != 0;
	x->bound = (int)(int64_t)rd_u(r);
	s = rd_s(r);
	if (*s && !x->stopped)
		x->stopped = s;
	else
		free(s);
	n = rd_u(r);
	for (i = 0; i < n; i++) {
		char *kind = rd_s(r), *msg = rd_s(r), *sched = rd_s(r);
		unsigned int pre = (unsigned int)rd_u(r);
		unsigned long steps = rd_u(r);
		bool pair = rd_u(r);
		char *from = rd_s(r), *to = rd_s(r);
		struct xfail *f = add_fail(x, kind, msg, sched, pre, steps);

		if (f && pair) {
			f->pair = true;
			f->from = from;
			f->to = to;
		} else {
			free(from);
			free(to);
		}
		free(kind);
		free(msg);
		free(sched);
	}
	n = rd_u(r);
	for (i = 0; i < n; i++) {
		struct ledge e;

		e.from = rd_s(r);
		e.to = rd_s(r);
		e.held_site = rd_s(r);
		e.site = rd_s(r);
		e.thread = rd_s(r);
		e.schedule = rd_s(r);
		add_edge(x, &e, e.schedule, 0);
		ledge_free(&e);
	}
	n = rd_u(r);
	for (i = 0; i < n; i++) {
		s = rd_s(r);
		obs_add(x, s);
		free(s);
	}
	n = rd_u(r);
	for (i = 0; i < n; i++) {
		s = rd_s(r);
		x->list = xrealloc(x->list, (x->nlist + 1) * sizeof(*x->list));
		x->list[x->nlist++] = s;
	}
}

static void search(struct explorer *x)
{
	switch (x->opts.strategy) {
	case MSIM_STRATEGY_DFS:
		dfs(x);
		break;
	case MSIM_STRATEGY_RANDOM:
	case MSIM_STRATEGY_PCT:
		sample(x);
		break;
	case MSIM_STRATEGY_ROUND_ROBIN:
		round_robin(x);
		break;
	}
}

static int jobs(struct explorer *x)
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
			search(x);
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
			double t = elapsed(x);

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

int msim_explore(msim_run_body body, void *arg,
		 const struct msim_explore_opts *opts,
		 struct msim_explore_result *res)
{
	struct explorer x;
	unsigned int i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!body || !opts)
		return -EINVAL;
	if (opts->nshards > 1 && opts->shard >= opts->nshards)
		return -EINVAL;
	if (opts->jobs > 64 ||
	    (opts->strategy == MSIM_STRATEGY_PCT && opts->depth > 9))
		return -EINVAL;
	memset(&x, 0, sizeof(x));
	x.body = body;
	x.arg = arg;
	x.opts = *opts;
	if (!x.opts.max_steps)
		x.opts.max_steps = 100000;
	x.nshards = opts->nshards > 1 ? opts->nshards : 1;
	x.shard = opts->nshards > 1 ? opts->shard : 0;
	x.next_progress = 2.0;
	x.frontier_k = 0;
	clock_gettime(CLOCK_MONOTONIC, &x.t0);
	if (opts->jobs > 1)
		x.opts.in_process = false;
	{
		unsigned int total =
			x.nshards * (opts->jobs > 1 ? opts->jobs : 1);

		unsigned int bits = 0;

		/* Units enough for each share to get about eight. */
		while ((1U << bits) < total)
			bits++;
		x.frontier_k = total > 1 ? 3 + bits : 0;
	}
	if (opts->jobs > 1) {
		ret = jobs(&x);
		if (ret) {
			explorer_fini(&x);
			return ret;
		}
		ret = exec_init(&x.ex, body, arg, x.opts.max_steps,
				x.opts.check_every_step, false, true);
	} else {
		ret = exec_init(&x.ex, body, arg, x.opts.max_steps,
				x.opts.check_every_step, x.opts.in_process,
				true);
		if (!ret)
			search(&x);
	}
	if (ret) {
		explorer_fini(&x);
		return ret;
	}
	if (!x.opts.no_shrink)
		for (i = 0; i < x.nfails; i++)
			if (strcmp(x.fails[i].kind, "crash"))
				shrink(&x, &x.fails[i]);
	fill_result(&x, res);
	explorer_fini(&x);
	return 0;
}

int msim_replay(msim_run_body body, void *arg, const char *schedule,
		const struct msim_explore_opts *opts,
		struct msim_explore_result *res, char *err, size_t errlen)
{
	struct exec_req req = { .kind = PLAN_REPLAY };
	struct msim_explore_opts dflt;
	struct executor ex;
	struct exec_res r;
	unsigned int i;
	int ret;

	memset(res, 0, sizeof(*res));
	if (err && errlen)
		err[0] = '\0';
	if (!opts) {
		msim_explore_opts_init(&dflt);
		opts = &dflt;
	}
	req.schedule = schedule ? schedule : "";
	if (!*req.schedule)
		req.kind = PLAN_DEFAULT;
	ret = exec_init(&ex, body, arg,
			opts->max_steps ? opts->max_steps : 100000,
			opts->check_every_step, opts->in_process, false);
	if (ret)
		return ret;
	ret = exec_run(&ex, &req, &r);
	if (ret) {
		exec_fini(&ex);
		return ret;
	}
	res->runs = 1;
	res->schedules = 1;
	res->complete = true;
	res->nfailures = r.nfails;
	res->failures = xcalloc(r.nfails, sizeof(*res->failures));
	for (i = 0; i < r.nfails; i++) {
		res->failures[i].kind = xstrdup(r.fails[i].kind);
		res->failures[i].message = xstrdup(r.fails[i].msg);
		res->failures[i].schedule = xstrdup(r.schedule);
		res->failures[i].preemptions = r.preemptions;
		res->failures[i].steps = r.steps;
	}
	for (i = 0; i < r.nobs; i++) {
		res->observed = xrealloc(res->observed,
					 (res->nobserved + 1) * sizeof(char *));
		res->observed[res->nobserved++] = xstrdup(r.obs[i]);
	}
	res->schedule_list = xcalloc(1, sizeof(char *));
	res->schedule_list[0] = xstrdup(r.schedule);
	res->nschedule_list = 1;
	if (r.stopped)
		res->stopped = xstrdup("the run could not end");
	if (r.diverged[0] && err && errlen)
		snprintf(err, errlen, "%s", r.diverged);
	ret = r.bad_schedule ? -EINVAL : r.diverged[0] ? -ESRCH : 0;
	exec_res_free(&r);
	exec_fini(&ex);
	return ret;
}

void msim_explore_result_free(struct msim_explore_result *res)
{
	unsigned long i;

	for (i = 0; i < res->nfailures; i++) {
		free(res->failures[i].kind);
		free(res->failures[i].message);
		free(res->failures[i].schedule);
	}
	free(res->failures);
	for (i = 0; i < res->nobserved; i++)
		free(res->observed[i]);
	free(res->observed);
	for (i = 0; i < res->nschedule_list; i++)
		free(res->schedule_list[i]);
	free(res->schedule_list);
	free(res->stopped);
	memset(res, 0, sizeof(*res));
}

void msim_failure_print(FILE *out, const struct msim_failure *f)
{
	const char *p = f->message, *nl;

	nl = strchr(p, '\n');
	fprintf(out, "%s: %.*s\n", f->kind,
		(int)(nl ? (size_t)(nl - p) : strlen(p)), p);
	while (nl) {
		p = nl + 1;
		nl = strchr(p, '\n');
		fprintf(out, "  %.*s\n",
			(int)(nl ? (size_t)(nl - p) : strlen(p)), p);
	}
	fprintf(out, "schedule: %s (%u preemption%s)\n", f->schedule,
		f->preemptions, f->preemptions == 1 ? "" : "s");
}

/* The C test's body. */
static void test_body(struct msim_run *run, void *arg)
{
	const struct msim_sched_test *t = arg;
	struct msim_thread_spec specs[MSIM_MAX_THREADS];
	void *state = t->setup ? t->setup(t->arg) : t->arg;
	unsigned int i;

	for (i = 0; i < t->nthreads && i < MSIM_MAX_THREADS; i++) {
		specs[i].name = t->names[i];
		specs[i].fn = t->threads[i];
		specs[i].arg = state;
		specs[i].swap = NULL;
	}
	if (msim_run_threads(run, t->nthreads, specs))
		return; /* stopped: leave the world as it is */
	if (t->check)
		t->check(run, state);
	if (t->teardown)
		t->teardown(state);
}

int msim_sched_test_explore(const struct msim_sched_test *test,
			    const struct msim_explore_opts *opts,
			    struct msim_explore_result *res)
{
	if (!test || !test->nthreads || test->nthreads > MSIM_MAX_THREADS)
		return -EINVAL;
	return msim_explore(test_body, (void *)test, opts, res);
}

int msim_sched_test_replay(const struct msim_sched_test *test,
			   const char *schedule,
			   const struct msim_explore_opts *opts,
			   struct msim_explore_result *res, char *err,
			   size_t errlen)
{
	if (!test || !test->nthreads || test->nthreads > MSIM_MAX_THREADS)
		return -EINVAL;
	return msim_replay(test_body, (void *)test, schedule, opts, res, err,
			   errlen);
}
