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

void explore_shrink(struct explorer *x, struct xfail *f)
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
