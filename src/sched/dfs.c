// SPDX-License-Identifier: MIT
/*
 * Depth-first search.  The explorer keeps the path of the last run as a
 * stack of decision nodes; the next run replays the path down to the
 * deepest node that still has an alternative, takes it, and goes on with
 * the default from there (exec.c, plan.c).
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
 * search's, and exactly it without the reduction.
 */
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

/*
 * One decision on the path: @enabled could run, @cur ran before (-1:
 * none), @chosen runs on the path now, and @fp is what its step did.
 * @done: the alternatives taken or passed over.  @pre: the preemptions
 * above.  @sleep: those asleep on arrival here; @nocut: the alternatives
 * explored with no cut below, asleep for the later ones.  @child_cut: the
 * bound cut something from the subtree of @chosen; @cut: here or
 * below.  @frontier: its alternatives are shard units.
 */
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

/*
 * A run of this shard's, counted.  A schedule is new at this bound only
 * with exactly @bound preemptions: the others were run, and counted, at
 * the bounds before.
 */
static void count_run(struct explorer *x, const struct exec_res *res, int bound,
		      unsigned long *runs_here)
{
	x->runs++;
	(*runs_here)++;
	if (bound <= 0 || res->preemptions == (unsigned int)bound)
		x->schedules++;
	take_result(x, res);
}

/* The root of the path: the first run's first decision, nothing asleep. */
static void push_root(struct explorer *x, const struct exec_res *res)
{
	struct dnode *n = &x->stack[0];

	if (!res->ntrail)
		return;
	memset(n, 0, sizeof(*n));
	n->enabled = res->trail[0].enabled;
	n->cur = res->trail[0].cur;
	n->chosen = res->trail[0].chosen;
	n->done = 1ULL << n->chosen;
	n->fp = res->trail[0].fp;
	n->sleep = xcalloc(1, sizeof(*n->sleep));
	x->depth = 1;
}

/*
 * The subtree of @n's chosen alternative has been explored.  If the
 * bound cut nothing from it, its thread sleeps in the subtrees of @n's
 * later alternatives (not at or above a shard frontier, nor without the
 * reduction); its cuts are @n's.
 */
static void retire_chosen(struct explorer *x, struct dnode *n)
{
	if (!n->child_cut && !x->opts.no_reduction &&
	    !(sharded(x) && n->branch_depth < x->frontier_k)) {
		n->nocut =
			xrealloc(n->nocut, (n->nnocut + 1) * sizeof(*n->nocut));
		n->nocut[n->nnocut].thread = n->chosen;
		n->nocut[n->nnocut].fp = n->fp;
		n->nnocut++;
	}
	n->cut |= n->child_cut;
	n->child_cut = false;
}

static bool asleep(const struct dnode *n, int t)
{
	unsigned int s;

	for (s = 0; s < n->nsleep; s++)
		if (n->sleep[s].thread == t)
			return true;
	return false;
}

/*
 * @n's next alternative, in the default's order, that is neither asleep
 * nor beyond the bound nor another shard's unit; -1 when none is left.
 * Every alternative looked at is done, whatever it was.
 */
static int next_alternative(struct explorer *x, struct dnode *n, int bound,
			    bool *any_cut)
{
	int idx, t;

	for (idx = 0; (t = order(n, idx)) >= 0; idx++) {
		if (n->done & (1ULL << t))
			continue;
		n->done |= 1ULL << t;
		/*
		 * Asleep first: what sleeps was covered elsewhere, bound or
		 * no bound, and is no cut.
		 */
		if (asleep(n, t) && !x->opts.no_reduction)
			continue;
		if (!within(n, t, bound)) {
			n->cut = true;
			*any_cut = true;
			continue;
		}
		if (n->frontier && !owned(x, x->unit++))
			continue;
		return t;
	}
	return -1;
}

/*
 * Back up to the deepest node with an alternative left, popping those
 * with none (their cuts go to their parent).  Returns the alternative,
 * or -1 when the path is empty: the search at this bound is over.
 */
static int backtrack(struct explorer *x, int bound, bool *any_cut)
{
	while (x->depth) {
		struct dnode *n = &x->stack[x->depth - 1];
		int alt;

		retire_chosen(x, n);
		alt = next_alternative(x, n, bound, any_cut);
		if (alt >= 0)
			return alt;
		if (x->depth >= 2)
			x->stack[x->depth - 2].child_cut |= n->cut;
		node_free(n);
		x->depth--;
	}
	return -1;
}

/* The path, with the deepest node's new choice, as the run's prefix. */
static void set_prefix(struct explorer *x, struct exec_req *req)
{
	unsigned long i;

	x->prefix = xrealloc(x->prefix, x->depth);
	for (i = 0; i < x->depth; i++)
		x->prefix[i] = x->stack[i].chosen;
	req->prefix = x->prefix;
	req->nprefix = x->depth;
}

/*
 * The sleepers of the run that takes @alt at @n: @n's own but @alt, and
 * @n's explored alternatives with no cut below them.  None at or above a
 * shard frontier, nor without the reduction.  The caller frees them.
 */
static void alt_sleep(const struct explorer *x, const struct dnode *n, int alt,
		      struct exec_req *req)
{
	struct sleeper *s;
	unsigned int i, k = 0;

	req->sleep = NULL;
	req->nsleep = 0;
	if (x->opts.no_reduction ||
	    (sharded(x) && n->branch_depth < x->frontier_k))
		return;
	s = xcalloc(n->nsleep + n->nnocut + 1, sizeof(*s));
	for (i = 0; i < n->nsleep; i++)
		if (n->sleep[i].thread != alt)
			s[k++] = n->sleep[i];
	for (i = 0; i < n->nnocut; i++)
		s[k++] = n->nocut[i];
	req->sleep = s;
	req->nsleep = k;
}

/*
 * The run that takes @alt at the deepest node: down the path, then the
 * default; the nodes it made below become the rest of the path.  A run
 * from a frontier node or from below the frontier is in a unit already.
 * false: the search must end.
 */
static bool run_alternative(struct explorer *x, struct exec_req *req, int alt,
			    int bound, bool *any_cut, unsigned long *runs_here)
{
	struct dnode *n = &x->stack[x->depth - 1];
	struct exec_res res;
	bool ok;

	n->chosen = (int8_t)alt;
	set_prefix(x, req);
	req->budget = bound < 0 ? -1 : bound - (int)(n->pre + cost(n, alt));
	alt_sleep(x, n, alt, req);
	ok = explore_run(x, req, &res);
	free((void *)req->sleep);
	req->sleep = NULL;
	if (!ok)
		return false;
	if (extend(x, &res, x->depth - 1, bound,
		   !sharded(x) || n->frontier ||
			   n->branch_depth >= x->frontier_k,
		   any_cut))
		count_run(x, &res, bound, runs_here);
	exec_res_free(&res);
	if (x->opts.progress || x->status) {
		dfs_estimate(x, bound, *runs_here);
		explore_progress(x);
	}
	return true;
}

/* All of the search at one bound.  false: the search must end. */
static bool dfs_bound(struct explorer *x, int bound, bool *any_cut)
{
	struct exec_req req = { .kind = PLAN_DFS, .budget = bound };
	unsigned long runs_here = 0;
	struct exec_res res;
	int alt;

	req.reduction = !x->opts.no_reduction;
	req.want_schedule = x->opts.collect;
	x->unit = 0;
	x->depth = 0;
	if (!x->stack_cap) {
		x->stack_cap = 256;
		x->stack = xcalloc(x->stack_cap, sizeof(*x->stack));
	}

	/* The first run: no prefix, nothing asleep. */
	if (!explore_run(x, &req, &res))
		return false;
	push_root(x, &res);
	if (extend(x, &res, 0, bound, !sharded(x), any_cut))
		count_run(x, &res, bound, &runs_here);
	exec_res_free(&res);

	for (;;) {
		if (x->opts.schedules && x->runs >= x->opts.schedules) {
			x->limit_hit = true;
			return false;
		}
		alt = backtrack(x, bound, any_cut);
		if (alt < 0)
			return true;
		if (!run_alternative(x, &req, alt, bound, any_cut, &runs_here))
			return false;
	}
}

/*
 * The depth of the shard frontier, in nodes with a choice, for @shares
 * shares of one search (0: one share, no frontier): units enough for
 * each share to get about eight.
 */
unsigned int dfs_frontier(unsigned int shares)
{
	unsigned int bits = 0;

	while ((1U << bits) < shares)
		bits++;
	return shares > 1 ? 3 + bits : 0;
}

void explore_dfs(struct explorer *x)
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

/* What the search at the last bound left on the path. */
void dfs_fini(struct explorer *x)
{
	unsigned long i;

	for (i = 0; i < x->depth; i++)
		node_free(&x->stack[i]);
	free(x->stack);
	free(x->prefix);
}
