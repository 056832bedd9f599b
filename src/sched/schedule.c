// SPDX-License-Identifier: MIT
/*
 * Schedule strings.
 *
 * A run's decisions are mostly the default (the thread that ran goes on;
 * when it cannot, the next one in section order): only the steps where
 * the run did something else are written, with the number of steps at
 * the end:
 *
 *	14.2a,31.1x,57k
 *
 * reads "at step 14 (counted from 0 over the whole run, every section)
 * thread 2 of its section ran; at step 31 thread 1; the run ended after
 * 57 steps".  Each letter hashes the events of the steps since the
 * previous switch (which thread was at which lock, callback or point),
 * so that a replay notices where a changed body stopped fitting the
 * schedule and says between which two steps; a switch to a thread that
 * cannot run, or a run that ends early, is caught at its own step.  A run
 * without switches is just "57k".  Typical strings are well under 100
 * bytes; only characters that need no quoting in a shell are used.
 *
 * "S1+S2" is two runs in a row, for a lock order learnt in the first and
 * inverted in the second.  A string that starts with a letter or '_' is
 * a script instead: items "THREAD[@EVENT[#N]]" separated by ',', run the
 * thread until it is at the Nth occurrence of EVENT (its full text,
 * "spin_lock(kvm->mmu_lock)", or just the name, "kvm_fault_install"),
 * then go to the next item; a thread without an event runs until it ends.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "run.h"

char segment_hash_char(uint64_t h)
{
	return (char)('a' + (h % 26));
}

unsigned int trail_preemptions(const struct tnode *trail, unsigned long n)
{
	unsigned int count = 0;
	unsigned long k;

	for (k = 0; k < n; k++)
		if ((trail[k].flags & TN_CUR_ENABLED) &&
		    trail[k].chosen != trail[k].cur)
			count++;
	return count;
}

char *schedule_string(const struct tnode *trail, unsigned long ntrail)
{
	uint64_t h = SEG_HASH_INIT;
	size_t len = 0, size = 64;
	char *s = xcalloc(1, size);
	unsigned long k;

	for (k = 0; k < ntrail; k++) {
		const struct tnode *n = &trail[k];
		char item[48];
		int w;

		if (n->chosen != default_choice(n->enabled, n->cur)) {
			w = snprintf(item, sizeof(item), "%lu.%d%c,", k,
				     n->chosen + 1, segment_hash_char(h));
			if (len + (size_t)w + 1 > size) {
				size = 2 * size + (size_t)w;
				s = xrealloc(s, size);
			}
			memcpy(s + len, item, (size_t)w + 1);
			len += (size_t)w;
			h = SEG_HASH_INIT;
		}
		h = seg_hash_add(h, n->ev_hash);
	}
	{
		char end[32];
		int w = snprintf(end, sizeof(end), "%lu%c", ntrail,
				 segment_hash_char(h));

		s = xrealloc(s, len + (size_t)w + 1);
		memcpy(s + len, end, (size_t)w + 1);
	}
	return s;
}

static int parse_compact(const char *s, struct plan *plan, char *err,
			 size_t errlen)
{
	const char *p = s;
	unsigned int cap = 0;

	plan->kind = PLAN_REPLAY;
	for (;;) {
		unsigned long step, thread;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		step = strtoul(p, &end, 10);
		p = end;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			thread = strtoul(p, &end, 10);
			p = end;
			if (thread < 1 || thread > MSIM_MAX_THREADS ||
			    !islower((unsigned char)*p))
				goto bad;
			if (plan->ndevs &&
			    plan->devs[plan->ndevs - 1].step >= step)
				goto bad;
			if (plan->ndevs == cap) {
				cap = cap ? 2 * cap : 8;
				plan->devs = xrealloc(
					plan->devs, cap * sizeof(*plan->devs));
			}
			plan->devs[plan->ndevs].step = step;
			plan->devs[plan->ndevs].thread = (int)thread - 1;
			plan->devs[plan->ndevs].hash = *p++;
			plan->ndevs++;
			if (*p != ',')
				goto bad;
			p++;
			continue;
		}
		if (!islower((unsigned char)*p) || p[1])
			goto bad;
		if (plan->ndevs && plan->devs[plan->ndevs - 1].step >= step)
			goto bad;
		plan->has_end = true;
		plan->end_step = step;
		plan->end_hash = *p;
		return 0;
	}
bad:
	snprintf(err, errlen,
		 "bad schedule '%s' at '%s' (expected STEP.THREADh,... then "
		 "STEPSh)",
		 s, p);
	free(plan->devs);
	plan->devs = NULL;
	plan->ndevs = 0;
	return -1;
}

static bool name_char(int c, bool first)
{
	return isalpha(c) || c == '_' || (!first && (isdigit(c) || c == '-'));
}

static int parse_script(const char *s, struct plan *plan, char *err,
			size_t errlen)
{
	const char *p = s;

	plan->kind = PLAN_SCRIPT;
	while (*p) {
		struct script_item *it;
		size_t n;

		plan->items = xrealloc(
			plan->items, (plan->nitems + 1) * sizeof(*plan->items));
		it = &plan->items[plan->nitems++];
		memset(it, 0, sizeof(*it));
		it->count = 1;
		for (n = 0; name_char((unsigned char)p[n], !n) || p[n] == '.';
		     n++)
			;
		if (!n || n >= sizeof(it->thread))
			goto bad;
		memcpy(it->thread, p, n);
		p += n;
		if (*p == '@') {
			p++;
			n = strcspn(p, "#,");
			if (!n || n >= sizeof(it->event))
				goto bad;
			memcpy(it->event, p, n);
			p += n;
			if (*p == '#') {
				char *end;

				it->count =
					(unsigned int)strtoul(p + 1, &end, 10);
				if (end == p + 1 || !it->count)
					goto bad;
				p = end;
			}
		}
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (!plan->nitems)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen,
		 "bad script '%s' at '%s' (expected THREAD[@EVENT[#N]],...)", s,
		 p);
	free(plan->items);
	plan->items = NULL;
	plan->nitems = 0;
	return -1;
}

/* One run's part of a schedule (no '+'). */
int schedule_parse(const char *s, struct plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	if (!*s) {
		plan->kind = PLAN_DEFAULT;
		return 0;
	}
	if (isdigit((unsigned char)*s))
		return parse_compact(s, plan, err, errlen);
	return parse_script(s, plan, err, errlen);
}
