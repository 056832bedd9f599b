// SPDX-License-Identifier: MIT
/*
 * Plans: how each decision of a run is made.
 *
 * Every plan starts from the same default, the schedule without
 * preemption: the thread that ran goes on while it can; when it blocks,
 * yields or ends, the next thread after it (in section order, wrapping)
 * that can run.  Schedule strings record only where a run differs from
 * that default (schedule.c), so any plan's run replays with PLAN_REPLAY.
 *
 *  - random: any thread that can run, uniformly;
 *  - pct: PCT's priorities (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 *    ASPLOS 2010): each thread gets a distinct random priority from
 *    d upwards at the start of a section, the highest that can run runs,
 *    and at d-1 random steps among the first k the thread about to run
 *    drops to priority i (1 <= i < d), below all the initial ones;
 *  - script: run a named thread until it is at a named event, then the
 *    next item's thread;
 *  - dfs: follow a prefix of decisions, then the first choice (in the
 *    default's order) that is neither asleep nor beyond the preemption
 *    budget; the sleep set is carried from step to step, a sleeper
 *    waking when a step that does not commute with it has run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run.h"

/* The next enabled thread after @cur, wrapping; @cur itself last. */
static int next_after(uint64_t enabled, int cur)
{
	int i;

	for (i = 1; i <= MSIM_MAX_THREADS; i++) {
		int t = (cur + i) % MSIM_MAX_THREADS;

		if (t >= 0 && (enabled & (1ULL << t)))
			return t;
	}
	return -1;
}

int default_choice(uint64_t enabled, int cur)
{
	if (cur >= 0 && (enabled & (1ULL << cur)))
		return cur;
	return next_after(enabled, cur < 0 ? MSIM_MAX_THREADS - 1 : cur);
}

static int nth_enabled(uint64_t enabled, uint64_t r)
{
	int n = __builtin_popcountll(enabled), i;

	r %= (uint64_t)n;
	for (i = 0; i < MSIM_MAX_THREADS; i++)
		if ((enabled & (1ULL << i)) && !r--)
			return i;
	return -1;
}

static int find_thread(const struct msim_run *run, const char *name)
{
	unsigned int i;

	for (i = 0; i < run->nthr; i++)
		if (!strcmp(run->thr[i].name, name))
			return (int)i;
	return -1;
}

/* Does @t's event match a script's @event (its whole text, or its name)? */
static bool event_matches(const struct sthread *t, const char *event)
{
	char buf[128];

	if (!strcmp(thread_event(t, buf, sizeof(buf)), event))
		return true;
	return !t->at_start && t->ev_name && !strcmp(t->ev_name, event);
}

static void diverged(struct msim_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diverged(struct msim_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->diverged[0])
		return;
	va_start(ap, fmt);
	vsnprintf(run->diverged, sizeof(run->diverged), fmt, ap);
	va_end(ap);
}

static const char *why_not(const struct msim_run *run, int t, char *buf,
			   size_t size)
{
	const struct sthread *th = &run->thr[t];

	if (th->state == ST_DONE)
		snprintf(buf, size, "it has ended");
	else if (th->state == ST_BLOCKED)
		snprintf(buf, size, "it waits for %s",
			 th->wait_name ? th->wait_name : "?");
	else
		snprintf(buf, size, "it only yields");
	return buf;
}

static int choose_replay(struct msim_run *run, uint64_t enabled, int cur)
{
	struct plan *p = run->plan;
	unsigned long prev;
	struct sched_dev *d;
	char why[96];

	if (p->next_dev >= p->ndevs || p->devs[p->next_dev].step != run->step)
		return default_choice(enabled, cur);
	d = &p->devs[p->next_dev++];
	prev = p->next_dev > 1 ? p->devs[p->next_dev - 2].step : 0;
	if (d->thread < (int)run->nthr && !p->lenient &&
	    segment_hash_char(run->seg_hash) != d->hash)
		diverged(run,
			 "the run left the schedule between steps %lu and %lu",
			 prev, d->step);
	if (d->thread >= (int)run->nthr) {
		if (!p->lenient)
			diverged(run,
				 "at step %lu the schedule switches to thread "
				 "%d, but the section has %u",
				 d->step, d->thread + 1, run->nthr);
		return default_choice(enabled, cur);
	}
	if (!(enabled & (1ULL << d->thread))) {
		if (!p->lenient)
			diverged(run,
				 "at step %lu the schedule switches to %s, but "
				 "%s",
				 d->step, run->thr[d->thread].name,
				 why_not(run, d->thread, why, sizeof(why)));
		return default_choice(enabled, cur);
	}
	return d->thread;
}

static int choose_script(struct msim_run *run, uint64_t enabled, int cur)
{
	struct plan *p = run->plan;

	while (p->item < p->nitems) {
		struct script_item *it = &p->items[p->item];
		int t = find_thread(run, it->thread);

		if (t < 0) {
			diverged(run,
				 "the script names %s, which is no "
				 "thread of this section",
				 it->thread);
			p->item = p->nitems;
			break;
		}
		if (run->thr[t].state == ST_DONE) {
			p->item++;
			p->seen = 0;
			continue;
		}
		if (it->event[0] && cur == t &&
		    event_matches(&run->thr[t], it->event)) {
			if (++p->seen >= it->count) {
				p->item++;
				p->seen = 0;
				continue;
			}
		}
		if (enabled & (1ULL << t))
			return t;
		return default_choice(enabled, cur);
	}
	return default_choice(enabled, cur);
}

/* PCT: the thread of highest priority that can run. */
static int choose_pct(struct msim_run *run, uint64_t enabled, int cur)
{
	struct plan *p = run->plan;
	int best = -1, t;
	unsigned int i;

	(void)cur;
	if (run->cur < 0 && p->next_low != (int)run->section) {
		/* A new section: d, d+1, ... shuffled among its threads. */
		for (i = 0; i < run->nthr; i++)
			p->prio[i] = (int)(p->depth + i);
		for (i = run->nthr; i > 1; i--) {
			unsigned int j =
				(unsigned int)(splitmix64(&p->rng) % i);
			int tmp = p->prio[i - 1];

			p->prio[i - 1] = p->prio[j];
			p->prio[j] = tmp;
		}
		p->next_low = (int)run->section;
	}
	for (t = 0; t < (int)run->nthr; t++)
		if ((enabled & (1ULL << t)) &&
		    (best < 0 || p->prio[t] > p->prio[best]))
			best = t;
	for (i = 0; i < p->nchange; i++) {
		if (p->change[i] != run->step)
			continue;
		/* Change point i+1: the thread about to run drops to i+1. */
		p->prio[best] = (int)i + 1;
		best = -1;
		for (t = 0; t < (int)run->nthr; t++)
			if ((enabled & (1ULL << t)) &&
			    (best < 0 || p->prio[t] > p->prio[best]))
				best = t;
	}
	return best;
}

static int choose_dfs(struct msim_run *run, uint64_t enabled, int cur)
{
	struct plan *p = run->plan;
	unsigned long k = run->trail_len;
	uint64_t asleep = 0, refused = 0;
	unsigned int i, j;
	int order[MSIM_MAX_THREADS], n = 0, c, first;

	if (k < p->nprefix) {
		c = p->prefix[k];
		if (c < 0 || !(enabled & (1ULL << c))) {
			diverged(run,
				 "at step %lu the search replays thread "
				 "%d, which cannot run: the body is not "
				 "deterministic",
				 k, c + 1);
			return default_choice(enabled, cur);
		}
		return c;
	}
	/* Wake the sleepers the last step did not commute with. */
	if (k > 0 && k >= p->nprefix) {
		const struct fp *last = &run->trail[k - 1].fp;

		for (i = 0, j = 0; i < p->nsleep; i++)
			if (p->sleep[i].thread != run->trail[k - 1].chosen &&
			    fp_independent(&p->sleep[i].fp, last))
				p->sleep[j++] = p->sleep[i];
		p->nsleep = j;
	}
	if (k >= p->redundant_from)
		return default_choice(enabled, cur);
	if (p->reduction)
		for (i = 0; i < p->nsleep; i++)
			asleep |= 1ULL << p->sleep[i].thread;
	p->node_sleep = asleep & enabled;
	first = default_choice(enabled, cur);
	order[n++] = first;
	for (c = next_after(enabled, first); c >= 0 && c != first;
	     c = next_after(enabled, c))
		order[n++] = c;
	for (i = 0; i < (unsigned int)n; i++) {
		bool preempt;

		c = order[i];
		if (asleep & (1ULL << c))
			continue;
		preempt = cur >= 0 && (enabled & (1ULL << cur)) && c != cur;
		if (preempt && p->budget >= 0 && p->budget == 0) {
			refused |= 1ULL << c;
			continue;
		}
		if (preempt && p->budget > 0)
			p->budget--;
		return c;
	}
	/* Nothing left to explore below here. */
	if (refused)
		p->cut = true;
	p->redundant_from = k;
	return first;
}

int plan_choose(struct msim_run *run, uint64_t enabled, int cur)
{
	struct plan *p = run->plan;

	switch (p->kind) {
	case PLAN_ROUND_ROBIN:
		return next_after(enabled,
				  cur < 0 ? MSIM_MAX_THREADS - 1 : cur);
	case PLAN_RANDOM:
		return nth_enabled(enabled, splitmix64(&p->rng));
	case PLAN_PCT:
		return choose_pct(run, enabled, cur);
	case PLAN_REPLAY:
		return choose_replay(run, enabled, cur);
	case PLAN_SCRIPT:
		return choose_script(run, enabled, cur);
	case PLAN_DFS:
		return choose_dfs(run, enabled, cur);
	case PLAN_DEFAULT:
	default:
		return default_choice(enabled, cur);
	}
}

/* The run is over: does it fit the end of its schedule? */
void plan_end(struct msim_run *run)
{
	struct plan *p = run->plan;

	if (p->kind != PLAN_REPLAY || p->lenient || run->stopped)
		return;
	if (p->next_dev < p->ndevs) {
		diverged(run,
			 "the run ended after %lu steps, before the switch at "
			 "step %lu",
			 run->step, p->devs[p->next_dev].step);
		return;
	}
	if (!p->has_end)
		return;
	if (run->step != p->end_step)
		diverged(run,
			 "the run ended after %lu steps, the schedule after "
			 "%lu",
			 run->step, p->end_step);
	else if (segment_hash_char(run->seg_hash) != p->end_hash)
		diverged(run,
			 "the run left the schedule after step %lu (its "
			 "events differ)",
			 p->ndevs ? p->devs[p->ndevs - 1].step : 0);
}

void plan_free(struct plan *plan)
{
	free(plan->devs);
	free(plan->items);
	free(plan->sleep);
	memset(plan, 0, sizeof(*plan));
}
