// SPDX-License-Identifier: MIT
/*
 * The record read once into spans, instants and flows (trace_model.h).
 *
 * Each thread keeps a stack of its open spans.  A span begins at a begin
 * event and ends at the end event that matches it (the same lock, the
 * same callback of the same subscription, the same notifier call on the
 * same range, ...), looked for from the top of the stack down: what is
 * above it was opened inside it and is closed first, then opened again
 * ("(cont.)"), which is how a lock released out of order looks properly
 * nested.  Each thread also keeps the invalidations it is inside, for
 * the flows: a secondary unmap on the thread belongs to the innermost.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/trace.h>
#include "trace_model.h"

bool tm_is_begin(const struct msim_trace_event *e)
{
	switch (e->kind) {
	case MSIM_TRACE_LOCK_ACQUIRED:
	case MSIM_TRACE_WAIT:
	case MSIM_TRACE_SRCU_READ_LOCK:
	case MSIM_TRACE_SRCU_SYNC_BEGIN:
	case MSIM_TRACE_NOTIFIER_BEGIN:
	case MSIM_TRACE_CALLBACK_ENTER:
	case MSIM_TRACE_FAULT_BEGIN:
	case MSIM_TRACE_CF_CALL:
		return true;
	}
	return false;
}

bool tm_is_end(const struct msim_trace_event *e)
{
	switch (e->kind) {
	case MSIM_TRACE_LOCK_RELEASED:
	case MSIM_TRACE_WAITED:
	case MSIM_TRACE_SRCU_READ_UNLOCK:
	case MSIM_TRACE_SRCU_SYNC_END:
	case MSIM_TRACE_NOTIFIER_END:
	case MSIM_TRACE_CALLBACK_EXIT:
	case MSIM_TRACE_FAULT_END:
	case MSIM_TRACE_CF_RETURN:
		return true;
	}
	return false;
}

/* Does end event @end close the span that @begin opened? */
static bool matches(const struct msim_trace_event *begin,
		    const struct msim_trace_event *end)
{
	switch (end->kind) {
	case MSIM_TRACE_LOCK_RELEASED:
		return begin->kind == MSIM_TRACE_LOCK_ACQUIRED &&
		       begin->a[0] == end->a[0];
	case MSIM_TRACE_WAITED:
		return begin->kind == MSIM_TRACE_WAIT &&
		       begin->a[0] == end->a[0];
	case MSIM_TRACE_SRCU_READ_UNLOCK:
		return begin->kind == MSIM_TRACE_SRCU_READ_LOCK &&
		       begin->a[0] == end->a[0] && begin->a[1] == end->a[1];
	case MSIM_TRACE_SRCU_SYNC_END:
		return begin->kind == MSIM_TRACE_SRCU_SYNC_BEGIN &&
		       begin->a[0] == end->a[0];
	case MSIM_TRACE_NOTIFIER_END:
		return begin->kind == MSIM_TRACE_NOTIFIER_BEGIN &&
		       begin->a[4] == end->a[4] &&
		       !strcmp(msim_trace_str(begin, 0),
			       msim_trace_str(end, 0));
	case MSIM_TRACE_CALLBACK_EXIT:
		return begin->kind == MSIM_TRACE_CALLBACK_ENTER &&
		       begin->a[0] == end->a[0] &&
		       !strcmp(msim_trace_str(begin, 0),
			       msim_trace_str(end, 0));
	case MSIM_TRACE_FAULT_END:
		return begin->kind == MSIM_TRACE_FAULT_BEGIN &&
		       begin->a[0] == end->a[0] && begin->a[3] == end->a[3];
	case MSIM_TRACE_CF_RETURN:
		return begin->kind == MSIM_TRACE_CF_CALL &&
		       begin->a[2] == end->a[2];
	}
	return false;
}

const char *tm_category(const struct msim_trace_event *e)
{
	if (!e)
		return "thread";
	switch (e->kind) {
	case MSIM_TRACE_MARK:
		return "mark";
	case MSIM_TRACE_FAILURE:
		return "failure";
	case MSIM_TRACE_LOCK_ASK:
	case MSIM_TRACE_LOCK_ACQUIRED:
	case MSIM_TRACE_LOCK_RELEASED:
		return "lock";
	case MSIM_TRACE_WAIT:
	case MSIM_TRACE_WAITED:
	case MSIM_TRACE_WAKE:
		return "wait";
	case MSIM_TRACE_SRCU_READ_LOCK:
	case MSIM_TRACE_SRCU_READ_UNLOCK:
	case MSIM_TRACE_SRCU_SYNC_BEGIN:
	case MSIM_TRACE_SRCU_SYNC_END:
		return "srcu";
	case MSIM_TRACE_NOTIFIER_BEGIN:
	case MSIM_TRACE_NOTIFIER_END:
		return "notifier";
	case MSIM_TRACE_CALLBACK_ENTER:
	case MSIM_TRACE_CALLBACK_EXIT:
		return "callback";
	case MSIM_TRACE_SEQ_READ_BEGIN:
	case MSIM_TRACE_SEQ_SET:
	case MSIM_TRACE_SEQ_READ_RETRY:
		return "seq";
	case MSIM_TRACE_PTE_SET:
	case MSIM_TRACE_PTE_CLEAR:
		return "pte";
	case MSIM_TRACE_TLB_FLUSH:
	case MSIM_TRACE_SECONDARY_TLB_FLUSH:
		return "tlb";
	case MSIM_TRACE_SEC_MAP:
	case MSIM_TRACE_SEC_UNMAP:
	case MSIM_TRACE_SEC_ACCESS:
		return "secondary";
	case MSIM_TRACE_FAULT_BEGIN:
	case MSIM_TRACE_FAULT_END:
		return "fault";
	case MSIM_TRACE_PAGE_ALLOC:
	case MSIM_TRACE_PAGE_FREE:
		return "page";
	case MSIM_TRACE_SCHED_PREEMPT:
	case MSIM_TRACE_SCHED_BLOCK:
	case MSIM_TRACE_SCHED_YIELD:
	case MSIM_TRACE_SCHED_WAKE:
		return "sched";
	case MSIM_TRACE_THREAD_START:
	case MSIM_TRACE_THREAD_END:
		return "thread";
	case MSIM_TRACE_CF_CALL:
	case MSIM_TRACE_CF_RETURN:
	case MSIM_TRACE_CF_IRQ:
	case MSIM_TRACE_CF_KERNEL_ENTRY:
	case MSIM_TRACE_CF_FIXUP_REWIND:
	case MSIM_TRACE_CF_SWITCH:
		return "coldfire";
	}
	return "other";
}

/* A growable array of longs: a thread's stack. */
struct lstack {
	long *v;
	int n, cap;
};

static int lpush(struct lstack *s, long x)
{
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 16;
		long *v = realloc(s->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

struct builder {
	struct tm_model *m;
	long cap_items, cap_spans, cap_flows;
	struct lstack open[MSIM_TRACE_MAX_THREADS];
	struct lstack inval[MSIM_TRACE_MAX_THREADS];
};

static long add_item(struct builder *b, const struct msim_trace_event *e,
		     unsigned int tid, enum tm_type type, int depth, long span,
		     bool synthetic)
{
	struct tm_model *m = b->m;
	struct tm_item *it;

	if (m->nitems == b->cap_items) {
		long cap = b->cap_items ? 2 * b->cap_items : 1024;
		struct tm_item *v = realloc(m->items, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		m->items = v;
		b->cap_items = cap;
	}
	it = &m->items[m->nitems];
	it->e = e;
	it->tid = tid;
	it->type = type;
	it->depth = depth;
	it->span = span;
	it->synthetic = synthetic;
	it->flow = -1;
	it->role = TM_FLOW_NONE;
	if (depth > m->maxdepth[tid])
		m->maxdepth[tid] = depth;
	return m->nitems++;
}

/* Open a span of @e on @tid; its begin item.  -1 when out of memory. */
static long open_span(struct builder *b, const struct msim_trace_event *e,
		      unsigned int tid, bool cont)
{
	struct tm_model *m = b->m;
	struct lstack *st = &b->open[tid];
	struct tm_span *sp;
	long item;

	if (m->nspans == b->cap_spans) {
		long cap = b->cap_spans ? 2 * b->cap_spans : 256;
		struct tm_span *v = realloc(m->spans, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		m->spans = v;
		b->cap_spans = cap;
	}
	item = add_item(b, e, tid, TM_BEGIN, st->n, m->nspans, cont);
	if (item < 0 || lpush(st, m->nspans))
		return -1;
	sp = &m->spans[m->nspans++];
	sp->begin = item;
	sp->end = -1;
	sp->tid = tid;
	sp->depth = st->n - 1;
	sp->cont = cont;
	sp->callbacks = false;
	sp->e = e;
	return item;
}

/* Close the top span of @tid at end event @e (NULL: the record ends). */
static long close_top(struct builder *b, const struct msim_trace_event *e,
		      unsigned int tid, bool synthetic)
{
	struct tm_model *m = b->m;
	struct lstack *st = &b->open[tid];
	long span = st->v[--st->n];
	long item = add_item(b, e, tid, TM_END, st->n, span, synthetic);

	if (item >= 0)
		m->spans[span].end = item;
	return item;
}

static struct tm_flow *new_flow(struct builder *b, const struct tm_item *it,
				long item)
{
	struct tm_model *m = b->m;
	struct tm_flow *f;

	if (m->nflows == b->cap_flows) {
		long cap = b->cap_flows ? 2 * b->cap_flows : 64;
		struct tm_flow *v = realloc(m->flows, (size_t)cap * sizeof(*v));

		if (!v)
			return NULL;
		m->flows = v;
		b->cap_flows = cap;
	}
	f = &m->flows[m->nflows];
	f->id = it->e ? it->e->seq : (uint64_t)item;
	f->tid = it->tid;
	f->start = item;
	f->end = -1;
	f->steps = 0;
	m->items[item].flow = m->nflows;
	m->items[item].role = TM_FLOW_START;
	if (lpush(&b->inval[it->tid], m->nflows))
		return NULL;
	m->nflows++;
	return f;
}

static void end_flow(struct builder *b, unsigned int tid, int k, long item)
{
	struct lstack *st = &b->inval[tid];
	long flow = st->v[k];

	b->m->flows[flow].end = item;
	b->m->items[item].flow = flow;
	b->m->items[item].role = TM_FLOW_END;
	memmove(&st->v[k], &st->v[k + 1],
		(size_t)(st->n - k - 1) * sizeof(long));
	st->n--;
}

/* The invalidation of @tid whose start had range @range, or -1. */
static int find_inval(struct builder *b, unsigned int tid, uint64_t range,
		      const char *op)
{
	struct lstack *st = &b->inval[tid];
	int k;

	for (k = st->n - 1; k >= 0; k--) {
		const struct tm_item *s =
			&b->m->items[b->m->flows[st->v[k]].start];

		if (s->e->a[4] == range && !strcmp(msim_trace_str(s->e, 0), op))
			return k;
	}
	return -1;
}

static bool op_is(const struct msim_trace_event *e, const char *op)
{
	return !strcmp(msim_trace_str(e, 0), op);
}

/* The flows' part of a notifier call's begin or end at @item. */
static int notifier_flow(struct builder *b, long item)
{
	const struct tm_item *it = &b->m->items[item];
	const struct msim_trace_event *e = it->e;
	int k;

	if (e->kind == MSIM_TRACE_NOTIFIER_BEGIN) {
		if (op_is(e, "invalidate_range_start") || op_is(e, "release"))
			return new_flow(b, it, item) ? 0 : -ENOMEM;
		if (op_is(e, "invalidate_range_end")) {
			k = find_inval(b, it->tid, e->a[4],
				       "invalidate_range_start");
			if (k >= 0)
				end_flow(b, it->tid, k, item);
		}
		return 0;
	}
	/* A failed start has no end; a release ends with itself. */
	if ((op_is(e, "invalidate_range_start") && (int64_t)e->a[0]) ||
	    op_is(e, "release")) {
		k = find_inval(b, it->tid, e->a[4], msim_trace_str(e, 0));
		if (k >= 0)
			end_flow(b, it->tid, k, item);
	}
	return 0;
}

static int end_span(struct builder *b, const struct msim_trace_event *e,
		    unsigned int tid)
{
	struct tm_model *m = b->m;
	struct lstack *st = &b->open[tid];
	const struct msim_trace_event *reopen[64];
	bool callbacks[64];
	int k, top = st->n - 1, n = 0, j;
	long item;

	for (k = top; k >= 0; k--)
		if (matches(m->spans[st->v[k]].e, e))
			break;
	if (k < 0)
		return 0; /* its beginning is not in the record */
	/* What was opened inside it closes first, and opens again after. */
	for (j = top; j > k; j--) {
		if (top - j < 64) {
			callbacks[n] = m->spans[st->v[j]].callbacks;
			reopen[n++] = m->spans[st->v[j]].e;
		}
		if (close_top(b, e, tid, true) < 0)
			return -ENOMEM;
	}
	item = close_top(b, e, tid, false);
	if (item < 0)
		return -ENOMEM;
	for (j = n - 1; j >= 0; j--) {
		if (open_span(b, reopen[j], tid, true) < 0)
			return -ENOMEM;
		m->spans[m->nspans - 1].callbacks = callbacks[j];
	}
	if (e->kind == MSIM_TRACE_NOTIFIER_END)
		return notifier_flow(b, item);
	return 0;
}

static int add_event(struct builder *b, const struct msim_trace_event *e)
{
	struct tm_model *m = b->m;
	unsigned int tid = e->tid < MSIM_TRACE_MAX_THREADS
				   ? e->tid
				   : MSIM_TRACE_MAX_THREADS - 1;
	struct lstack *st = &b->open[tid];
	long item;
	int k;

	m->used[tid] = true;
	if (tm_is_begin(e)) {
		item = open_span(b, e, tid, false);
		if (item < 0)
			return -ENOMEM;
		if (e->kind == MSIM_TRACE_CALLBACK_ENTER)
			for (k = 0; k < st->n; k++)
				m->spans[st->v[k]].callbacks = true;
		if (e->kind == MSIM_TRACE_NOTIFIER_BEGIN)
			return notifier_flow(b, item);
		return 0;
	}
	if (tm_is_end(e))
		return end_span(b, e, tid);
	item = add_item(b, e, tid, TM_INSTANT, st->n, -1, false);
	if (item < 0)
		return -ENOMEM;
	if (e->kind == MSIM_TRACE_SEC_UNMAP && b->inval[tid].n) {
		long flow = b->inval[tid].v[b->inval[tid].n - 1];

		m->items[item].flow = flow;
		m->items[item].role = TM_FLOW_STEP;
		m->flows[flow].steps++;
	}
	return 0;
}

/* The record ends: close what is open, end the flows left. */
static int finish(struct builder *b)
{
	struct tm_model *m = b->m;
	unsigned int tid;

	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++) {
		while (b->inval[tid].n) {
			long item = add_item(b, NULL, tid, TM_INSTANT,
					     b->open[tid].n, -1, true);

			if (item < 0)
				return -ENOMEM;
			end_flow(b, tid, b->inval[tid].n - 1, item);
		}
		while (b->open[tid].n)
			if (close_top(b, NULL, tid, true) < 0)
				return -ENOMEM;
	}
	(void)m;
	return 0;
}

int tm_build(struct tm_model *m, const struct msim_trace *t)
{
	struct builder *b = calloc(1, sizeof(*b));
	unsigned long i, n = msim_trace_count(t);
	int ret = 0, k;

	memset(m, 0, sizeof(*m));
	if (!b)
		return -ENOMEM;
	b->m = m;
	m->t = t;
	m->dropped = msim_trace_dropped(t);
	for (i = 0; i < n && !ret; i++) {
		const struct msim_trace_event *e = msim_trace_get(t, i);

		if (!e || e->kind == MSIM_TRACE_NONE ||
		    e->kind >= MSIM_NR_TRACE_KINDS)
			continue;
		m->events++;
		ret = add_event(b, e);
	}
	if (!ret)
		ret = finish(b);
	for (k = 0; k < MSIM_TRACE_MAX_THREADS; k++) {
		free(b->open[k].v);
		free(b->inval[k].v);
	}
	free(b);
	if (ret)
		tm_free(m);
	return ret;
}

void tm_free(struct tm_model *m)
{
	free(m->items);
	free(m->spans);
	free(m->flows);
	memset(m, 0, sizeof(*m));
}

int tm_describe(const struct tm_model *m, const struct tm_item *it, char *buf,
		size_t size)
{
	const struct msim_trace_event *e = it->e;
	char inner[160];

	if (it->type == TM_INSTANT && !e)
		return snprintf(buf, size, "(the record ends)");
	if (it->synthetic && it->span >= 0) {
		msim_trace_describe(m->t, m->spans[it->span].e, inner,
				    sizeof(inner));
		if (it->type == TM_BEGIN)
			return snprintf(buf, size, "%s (cont.)", inner);
		return snprintf(buf, size, "%s (%s)", inner,
				e ? "interrupted" : "still open");
	}
	return msim_trace_describe(m->t, e, buf, size);
}

int tm_dropped_text(const struct tm_model *m, char *buf, size_t size)
{
	if (!m->dropped) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	return snprintf(buf, size,
			"%lu events dropped: the ring keeps the last %lu of "
			"%lu; record with more events to see the start",
			m->dropped, msim_trace_capacity(m->t),
			m->dropped + msim_trace_capacity(m->t));
}
