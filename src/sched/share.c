// SPDX-License-Identifier: MIT
/*
 * A share's raw findings as bytes, for --jobs: a job writes what it
 * found down its pipe, and its parent merges it as if found there.  The
 * two ends are one program: no versions, native byte order; a share cut
 * short reads as empty strings and zeros.
 */
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

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

void write_share(FILE *f, struct explorer *x)
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
void read_share(struct explorer *x, struct rd *r)
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
