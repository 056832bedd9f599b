// SPDX-License-Identifier: MIT
/*
 * The strategies that do not search a tree: random and PCT, which run
 * the number of schedules asked for, each from a seed of its own (a
 * shard takes every n-th), and round-robin, one schedule (shard 0's).
 * plan.c makes their decisions.
 */
#include <string.h>
#include "explorer.h"

/* Random and PCT: run i is seeded from (seed, i) alone. */
static uint64_t run_seed(uint64_t seed, unsigned long i)
{
	uint64_t s = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));

	return splitmix64(&s);
}

void explore_sample(struct explorer *x)
{
	unsigned long limit = x->opts.schedules ? x->opts.schedules : 1000;
	struct exec_req req = { .kind = PLAN_DEFAULT };
	struct exec_res res;
	unsigned long i, k = 1;

	req.want_schedule = x->opts.collect;
	if (x->opts.strategy == MSIM_STRATEGY_PCT) {
		/* PCT's k: the length of the run without preemption. */
		if (!explore_run(x, &req, &res))
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
		if (!explore_run(x, &req, &res))
			return;
		x->runs++;
		x->schedules++;
		take_result(x, &res);
		exec_res_free(&res);
		x->remaining =
			(double)(limit - i) / (x->nshards ? x->nshards : 1);
		explore_progress(x);
	}
	x->limit_hit = true;
}

void explore_round_robin(struct explorer *x)
{
	struct exec_req req = { .kind = PLAN_ROUND_ROBIN };
	struct exec_res res;

	req.want_schedule = x->opts.collect;
	if (x->shard)
		return;
	if (!explore_run(x, &req, &res))
		return;
	x->runs++;
	x->schedules++;
	take_result(x, &res);
	exec_res_free(&res);
	x->complete = true;
}
