/* SPDX-License-Identifier: MIT */
/*
 * What the three views share (trace_view.h): the record read once into
 * items, each an event seen as the beginning of a span, its end, or an
 * instant, with its nesting depth on its thread, the span it opens or
 * closes, and its part in an invalidation's flow.  Spans are properly
 * nested per thread by construction: an end that does not close the
 * innermost span closes the ones inside first and opens them again
 * after, as synthetic items; ends whose beginning is not in the record
 * are dropped, and what is still open at the end of the record is closed
 * there.
 */
#ifndef MMSIM_TRACE_MODEL_H
#define MMSIM_TRACE_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <mmsim/trace.h>

enum tm_type { TM_BEGIN, TM_END, TM_INSTANT };

/* An item's part in a flow. */
enum tm_flow_role { TM_FLOW_NONE, TM_FLOW_START, TM_FLOW_STEP, TM_FLOW_END };

/*
 * One item: @e is the event it comes from (for a synthetic item, the event
 * that caused it, or NULL at the end of the record); @tid its thread;
 * @depth the nesting depth of its thread inside it (a span's begin and end
 * are at the depth of the span, 0 outermost); @span the span it opens or
 * closes (-1 for an instant); @synthetic: made by the model (a reopened
 * span, a forced end); @flow, @role: the flow it is part of (-1: none).
 */
struct tm_item {
	const struct msim_trace_event *e;
	unsigned int tid;
	enum tm_type type;
	int depth;
	long span;
	bool synthetic;
	long flow;
	enum tm_flow_role role;
};

/*
 * A span: on thread @tid, from item @begin to item @end, at @depth.
 * @cont: it continues one closed for nesting's sake.  @callbacks: a
 * subscriber callback ran inside it (for the notifier calls the timeline
 * leaves out when nobody was called).
 */
struct tm_span {
	long begin, end;
	unsigned int tid;
	int depth;
	bool cont;
	bool callbacks;
	const struct msim_trace_event *e;
};

/* A flow: an invalidation, its unmaps, its end. */
struct tm_flow {
	uint64_t id;
	unsigned int tid;
	long start, end;
	unsigned int steps;
};

struct tm_model {
	const struct msim_trace *t;
	struct tm_item *items;
	long nitems;
	struct tm_span *spans;
	long nspans;
	struct tm_flow *flows;
	long nflows;
	unsigned long dropped;
	unsigned long events;
	/* the deepest nesting per thread, and which threads made events */
	int maxdepth[MSIM_TRACE_MAX_THREADS];
	bool used[MSIM_TRACE_MAX_THREADS];
};

/* Read @t into @m.  0 or -ENOMEM. */
int tm_build(struct tm_model *m, const struct msim_trace *t);
void tm_free(struct tm_model *m);

/* The kind of an event as the views class it. */
bool tm_is_begin(const struct msim_trace_event *e);
bool tm_is_end(const struct msim_trace_event *e);

/* The description of an item: its event's, "(cont.)" for a reopened
 * span, "... done" for a forced end. */
int tm_describe(const struct tm_model *m, const struct tm_item *it, char *buf,
		size_t size);

/* "category" of an event for colors and the JSON's cat: "lock", "srcu",
 * "wait", "notifier", "callback", "fault", "pte", "seq", "tlb",
 * "secondary", "page", "sched", "thread", "mark", "failure",
 * "coldfire". */
const char *tm_category(const struct msim_trace_event *e);

/*
 * What the timeline and the web page show (trace_select.c): @span[s] for
 * each span, @row[i] for each item that gets a row; @threaded: the record
 * has simulated threads, and the host shows only its scenario lines.
 */
struct tm_select {
	bool all, threaded;
	bool *span;
	bool *row;
};

int tm_select(const struct tm_model *m, bool all, struct tm_select *sel);
void tm_select_free(struct tm_select *sel);

/* The name of an event kind's string (@str) or number @i, or NULL. */
const char *tm_arg_name(unsigned int kind, bool str, unsigned int i);

/* The text of the warning every view starts with when events were
 * dropped; "" when none were. */
int tm_dropped_text(const struct tm_model *m, char *buf, size_t size);

#endif /* MMSIM_TRACE_MODEL_H */
