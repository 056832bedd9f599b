/* SPDX-License-Identifier: MIT */
/**
 * DOC: Three views of one record
 *
 * Each writer reads a record (<mmsim/trace.h>) once, oldest event first,
 * and writes one view of it; none changes the record, so that one record
 * gives all three.  A record whose ring dropped events says so at the top
 * of every view, with the count; spans whose beginning was dropped are
 * left out, and spans still open at the end (a run stopped in a deadlock)
 * are closed at the end of the record.
 *
 * What the views draw, from the events:
 *  - *spans*, each on its thread, properly nested: lock holds (acquired
 *    to released; a release out of nesting order closes the spans opened
 *    inside the lock and opens them again after it, "(cont.)"), SRCU read
 *    sections, synchronize_srcu(), waits, notifier calls, subscriber
 *    callbacks, faults and ColdFire calls;
 *  - *instants*: scenario lines, PTE changes, sequence changes, TLB
 *    flushes, secondary maps, unmaps and accesses, frame allocations and
 *    frees, the scheduler's decisions, failures, and the ColdFire CPU's
 *    interrupts, kernel entries, fixup rewinds and switches;
 *  - *flows*: every invalidation (invalidate_range_start, or a release)
 *    linked to each secondary unmap made on its thread while it runs,
 *    and to its end (invalidate_range_end with the same range, or its own
 *    return when it fails or is a release).
 */
#ifndef MMSIM_TRACE_VIEW_H
#define MMSIM_TRACE_VIEW_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdio.h>
#include <mmsim/trace.h>

/**
 * struct msim_trace_view_opts - what the timeline and the web page show
 * @width: the timeline's columns (0: 80); a thread's column is never
 *	narrower than 18, so that more than four threads are wider
 * @all: every event.  Without it they leave out what does not explain a
 *	race at a glance: lock requests (a wait shows the ones that were
 *	not granted at once), the waking of waiters (the scheduler's wakes
 *	say whom a wake woke), threads' starts, SRCU's read sections, page
 *	tables' frames, an instrument's callbacks (the coherence checker's),
 *	a lock held over nothing shown, a notifier call that called nobody
 *	shown, and, when the record has simulated threads, the host's work
 *	but for its scenario lines and failures.  The JSON always has every
 *	event.
 */
struct msim_trace_view_opts {
	unsigned int width;
	bool all;
};

/**
 * msim_trace_write_timeline - the terminal timeline
 * @opts: may be NULL for the defaults
 *
 * One column a thread, one row an event, in the order they happened, the
 * step of the schedule on the left where it changes, as the [Time N]
 * tables of Documentation/mm/mmu_notifier.rst are drawn.  Spans open a
 * level of indentation in their thread's column ("| " down its left
 * while they last): what runs inside a lock or a callback is indented
 * under it.  When the record has simulated threads the host thread has
 * no column: its scenario lines between concurrent sections span the
 * width.  Text wider than its column wraps.
 *
 * Return: 0, or -EIO if writing failed.
 */
MSIM_API int msim_trace_write_timeline(const struct msim_trace *t, FILE *out,
				       const struct msim_trace_view_opts *opts);

/**
 * msim_trace_write_json - the Chrome Trace Event JSON
 *
 * {"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}:
 * process and thread names as metadata (M), spans as B/E pairs properly
 * nested per thread, secondary unmaps as short complete slices (X) so
 * that flows can bind to them, instants (i, thread scope) for the rest,
 * and one flow (s, t..., f with bp "e", one id and category
 * "invalidation") for each invalidation.  ts counts events: the event
 * numbered n is at n microseconds, so that the picture is the same from
 * run to run and every event has room; each event's args hold its
 * numbers, its step and its time in nanoseconds since the recorder
 * started ("ns").  ui.perfetto.dev and chrome://tracing open it.
 *
 * Return: 0, or -EIO.
 */
MSIM_API int msim_trace_write_json(const struct msim_trace *t, FILE *out);

/**
 * msim_trace_write_html - a self-contained web page
 * @opts: may be NULL; only @all matters
 *
 * One file with nothing to fetch: an SVG timeline with a lane per thread
 * (time going down, as in the terminal), spans as bars, nested ones
 * inside, instants as ticks, flows as arrows from the invalidation to
 * each unmap it caused and to its end, and each event's details on hover
 * (a <title> for any browser, and a panel the page's script fills).  The
 * script also writes any error of its own into the page
 * (<pre id="errors">), which the browser test reads.
 *
 * Return: 0, or -EIO.
 */
MSIM_API int msim_trace_write_html(const struct msim_trace *t, FILE *out,
				   const struct msim_trace_view_opts *opts);

#endif /* MMSIM_TRACE_VIEW_H */
