// SPDX-License-Identifier: MIT
/*
 * What the timeline and the web page show of a record unless asked for
 * every event (trace_view.h, msim_trace_view_opts.all): the rows that
 * explain a race at a glance.
 *
 * Spans are decided at their end, once what happened inside them is
 * known, innermost first: a lock held over nothing shown and released
 * before any other thread ran, or a notifier call that called nobody but
 * an instrument, has no row; a span left out still passes on to its
 * parent whatever it held that is shown.  Both
 * ends of a span are shown or neither, so that levels pair up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "trace_model.h"

/* Is @e left out whatever it holds? */
static bool quiet_kind(const struct msim_trace_event *e)
{
	switch (e->kind) {
	case MSIM_TRACE_LOCK_ASK:
	case MSIM_TRACE_WAKE:
	case MSIM_TRACE_THREAD_START:
	case MSIM_TRACE_SRCU_READ_LOCK:
	case MSIM_TRACE_SRCU_READ_UNLOCK:
		return true;
	case MSIM_TRACE_PAGE_ALLOC:
	case MSIM_TRACE_PAGE_FREE:
		return e->a[1]; /* page tables */
	case MSIM_TRACE_CALLBACK_ENTER:
		return e->a[2]; /* an instrument's */
	}
	return false;
}

/*
 * @inside: something shown happened in the span; @across: another thread
 * made events while it was open (a lock held across a switch is what
 * another thread may have waited for, shown or not).
 */
static bool span_shown(const struct tm_select *sel, const struct tm_span *sp,
		       bool inside, bool across)
{
	if (sel->all)
		return true;
	if (sel->threaded && sp->tid == 0)
		return false;
	if (quiet_kind(sp->e))
		return false;
	switch (sp->e->kind) {
	case MSIM_TRACE_LOCK_ACQUIRED:
		return inside || across;
	case MSIM_TRACE_NOTIFIER_BEGIN:
		return inside;
	}
	return true;
}

static bool instant_shown(const struct tm_select *sel, const struct tm_item *it)
{
	if (sel->all)
		return true;
	if (!it->e) /* the record ends with a flow open */
		return false;
	if (sel->threaded && it->tid == 0)
		return it->e->kind == MSIM_TRACE_MARK ||
		       it->e->kind == MSIM_TRACE_FAILURE;
	return !quiet_kind(it->e);
}

int tm_select(const struct tm_model *m, bool all, struct tm_select *sel)
{
	long *stack[MSIM_TRACE_MAX_THREADS] = { NULL };
	int n[MSIM_TRACE_MAX_THREADS] = { 0 };
	bool *inside;
	long *other;
	unsigned int tid;
	long i;
	int ret = 0;

	memset(sel, 0, sizeof(*sel));
	sel->all = all;
	for (tid = 1; tid < MSIM_TRACE_MAX_THREADS; tid++)
		if (m->used[tid])
			sel->threaded = true;
	sel->span = calloc((size_t)m->nspans + 1, sizeof(*sel->span));
	sel->row = calloc((size_t)m->nitems + 1, sizeof(*sel->row));
	inside = calloc((size_t)m->nspans + 1, sizeof(*inside));
	other = malloc(((size_t)m->nitems + 1) * sizeof(*other));
	if (!sel->span || !sel->row || !inside || !other)
		ret = -ENOMEM;
	/* other[i]: the first item after i of another thread (or nitems). */
	for (i = m->nitems - 1; i >= 0 && !ret; i--)
		other[i] = i + 1 == m->nitems ? m->nitems
			   : m->items[i + 1].tid != m->items[i].tid
				   ? i + 1
				   : other[i + 1];
	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS && !ret; tid++) {
		if (!m->used[tid])
			continue;
		stack[tid] = calloc((size_t)m->maxdepth[tid] + 2, sizeof(long));
		if (!stack[tid])
			ret = -ENOMEM;
	}
	for (i = 0; i < m->nitems && !ret; i++) {
		const struct tm_item *it = &m->items[i];
		long *st = stack[it->tid];
		int *k = &n[it->tid];

		if (!st)
			continue;
		if (it->type == TM_BEGIN) {
			st[(*k)++] = it->span;
		} else if (it->type == TM_END) {
			long s = st[--(*k)];

			const struct tm_span *sp = &m->spans[s];

			sel->span[s] = span_shown(sel, sp, inside[s],
						  other[sp->begin] < sp->end);
			if ((sel->span[s] || inside[s]) && *k)
				inside[st[*k - 1]] = true;
		} else if (instant_shown(sel, it)) {
			sel->row[i] = true;
			if (*k)
				inside[st[*k - 1]] = true;
		}
	}
	/*
	 * The rows of spans: their real ends (a reopening only moves).  A
	 * span with nothing shown inside it, during which no other thread
	 * ran, is one row, its end's ("guest->invalidate_range_start()
	 * returns"), unless every event is asked for.
	 */
	for (i = 0; i < m->nitems && !ret; i++) {
		const struct tm_item *it = &m->items[i];
		const struct tm_span *sp;

		if (it->type == TM_INSTANT || !sel->span[it->span] ||
		    (it->synthetic && !all))
			continue;
		sp = &m->spans[it->span];
		if (it->type == TM_BEGIN && !all && !inside[it->span] &&
		    other[sp->begin] >= sp->end && !m->items[sp->end].synthetic)
			continue;
		sel->row[i] = true;
	}
	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++)
		free(stack[tid]);
	free(inside);
	free(other);
	if (ret)
		tm_select_free(sel);
	return ret;
}

void tm_select_free(struct tm_select *sel)
{
	free(sel->span);
	free(sel->row);
	memset(sel, 0, sizeof(*sel));
}
