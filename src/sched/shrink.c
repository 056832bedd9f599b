// SPDX-License-Identifier: MIT
/*
 * Shrinking: each failure found is replayed with fewer switches, then
 * with its switches earlier, until it takes the fewest preemptions and
 * then the fewest steps that still show it; the report is what the
 * strict replay of the result says.  A lock order inverted across two
 * runs shrinks each run of the pair.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

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

/* The switches of @plan but the @i-th, as a schedule. */
static char *without_switch(const struct plan *plan, unsigned int i)
{
	struct sched_dev *d = xcalloc(plan->ndevs + 1, sizeof(*d));
	unsigned int j, k = 0;
	char *s;

	for (j = 0; j < plan->ndevs; j++)
		if (j != i)
			d[k++] = plan->devs[j];
	s = devs_string(d, k);
	free(d);
	return s;
}

/* Does the run reproduce @f?  @part: which run of a pair (0 or 1). */
static bool reproduces(const struct xfail *f, const struct exec_res *res,
		       int part)
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
		if (same)
			return true;
	}
	return false;
}

/* One schedule being shrunk: the best so far, and what it takes. */
struct shrinking {
	struct explorer *x;
	const struct xfail *f;
	int part;
	char *best;
	unsigned int pre;
	unsigned long steps;
};

/*
 * Replay @cand leniently; what it actually did becomes the best if it
 * still fails and is better: with @fewer, fewer preemptions, or as many
 * in fewer steps; without, no more of either.  1: taken; 0: not; -1:
 * the replay could not be made.
 */
static int try_candidate(struct shrinking *s, const char *cand, bool fewer)
{
	struct exec_req req = { .kind = PLAN_REPLAY,
				.schedule = cand,
				.lenient = true };
	struct exec_res res;
	bool better;
	int taken = 0;

	if (exec_run(&s->x->ex, &req, &res))
		return -1;
	s->x->shrink_runs++;
	if (fewer)
		better = res.preemptions < s->pre ||
			 (res.preemptions == s->pre && res.steps < s->steps);
	else
		better = res.preemptions <= s->pre && res.steps <= s->steps;
	if (reproduces(s->f, &res, s->part) && better) {
		free(s->best);
		s->best = xstrdup(res.schedule);
		s->pre = res.preemptions;
		s->steps = res.steps;
		taken = 1;
	}
	exec_res_free(&res);
	return taken;
}

/*
 * One pass over the switches, the last first: the first whose drop still
 * fails is dropped.  false when none was, or a replay could not be made.
 */
static bool drop_pass(struct shrinking *s)
{
	struct plan plan;
	char err[256];
	unsigned int i;
	bool taken = false;

	if (schedule_parse(s->best, &plan, err, sizeof(err)))
		return false;
	for (i = plan.ndevs; i-- > 0;) {
		char *cand = without_switch(&plan, i);
		int r = try_candidate(s, cand, true);

		free(cand);
		if (r) {
			taken = r > 0;
			break;
		}
	}
	plan_free(&plan);
	return taken;
}

/*
 * Switch @i of @plan as early as it still fails: bisection between the
 * step after the switch before it and where it is.
 */
static void move_earlier(struct shrinking *s, struct plan *plan, unsigned int i)
{
	unsigned long lo = i ? plan->devs[i - 1].step + 1 : 0;
	unsigned long hi = plan->devs[i].step;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		struct sched_dev keep = plan->devs[i];
		char *cand;
		int r;

		plan->devs[i].step = mid;
		cand = devs_string(plan->devs, plan->ndevs);
		plan->devs[i] = keep;
		r = try_candidate(s, cand, false);
		free(cand);
		if (r < 0)
			break;
		if (r) {
			plan->devs[i].step = mid;
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
}

/*
 * Fewest preemptions, then fewest steps: drop switches one at a time
 * (the last first) while the failure stays, in four passes at most,
 * then move each remaining one as early as it still fails.  Every
 * candidate is replayed leniently and what it actually did becomes the
 * schedule.  What the schedule itself does is the baseline.
 */
static char *shrink_part(struct explorer *x, const struct xfail *f,
			 const char *sched, int part)
{
	struct shrinking s = {
		x, f, part, xstrdup(sched), UINT32_MAX, ULONG_MAX
	};
	struct plan plan;
	char err[256];
	unsigned int i;
	int passes;

	if (try_candidate(&s, sched, true) <= 0 || s.pre == UINT32_MAX)
		return s.best;
	for (passes = 0; passes < 4; passes++)
		if (!drop_pass(&s))
			break;
	if (!schedule_parse(s.best, &plan, err, sizeof(err))) {
		for (i = 0; i < plan.ndevs; i++)
			move_earlier(&s, &plan, i);
		plan_free(&plan);
	}
	return s.best;
}

/*
 * The report is what the strict replay of @schedule says: the message,
 * preemptions and steps of its failure with @f's key, and with
 * @take_schedule the schedule as the replay wrote it.
 */
static void take_replay(struct explorer *x, struct xfail *f,
			const char *schedule, bool take_schedule)
{
	struct exec_req req = { .kind = PLAN_REPLAY, .schedule = schedule };
	struct exec_res res;
	unsigned int i;

	if (exec_run(&x->ex, &req, &res))
		return;
	x->shrink_runs++;
	for (i = 0; i < res.nfails; i++) {
		char *key = failure_key(res.fails[i].kind, res.fails[i].msg);

		if (!strcmp(key, f->key)) {
			free(f->msg);
			f->msg = xstrdup(res.fails[i].msg);
			if (take_schedule) {
				free(f->schedule);
				f->schedule = xstrdup(res.schedule);
			}
			f->preemptions = res.preemptions;
			f->steps = res.steps;
		}
		free(key);
	}
	exec_res_free(&res);
}

void explore_shrink(struct explorer *x, struct xfail *f)
{
	char *plus, *a, *b, *both;

	if (!f->pair) {
		a = shrink_part(x, f, f->schedule, 0);
		free(f->schedule);
		f->schedule = a;
		take_replay(x, f, f->schedule, false);
		return;
	}
	/* Each run of the pair on its own, then the pair as replayed. */
	plus = strchr(f->schedule, '+');
	if (!plus)
		return;
	*plus = '\0';
	a = shrink_part(x, f, f->schedule, 0);
	b = shrink_part(x, f, plus + 1, 1);
	both = xasprintf("%s+%s", a, b);
	free(a);
	free(b);
	take_replay(x, f, both, true);
	free(both);
}
