// SPDX-License-Identifier: MIT
/*
 * What the runs found: failures, lock orders and observations, each kept
 * once, in the order found, and handed over as the result.
 *
 * Failures are told apart by kind and message with numbers masked (one
 * bug reported once, whatever frame it hit); a lock order learnt in one
 * run and inverted in another is a failure of the two runs together.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

/* A message with its numbers masked: what tells failures apart. */
char *failure_key(const char *kind, const char *msg)
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

struct xfail *add_fail(struct explorer *x, const char *kind, const char *msg,
		       const char *schedule, unsigned int preemptions,
		       unsigned long steps)
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

void obs_add(struct explorer *x, const char *s)
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
void add_edge(struct explorer *x, const struct ledge *e, const char *schedule,
	      unsigned int preemptions)
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

void take_result(struct explorer *x, const struct exec_res *res)
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

void fill_result(struct explorer *x, struct msim_explore_result *res)
{
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->runs = x->runs;
	res->schedules = x->schedules;
	res->shrink_runs = x->shrink_runs;
	res->complete = x->complete && !x->stopped && !x->limit_hit;
	res->bound = x->bound;
	res->seconds = explore_elapsed(x);
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
