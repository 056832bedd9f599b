/* SPDX-License-Identifier: MIT */
/**
 * DOC: The trace options of mmsim
 *
 * run, explore and vdso-fuzz --replay take the same options to record a
 * run (<mmsim/trace.h>) and write its views (<mmsim/trace_view.h>):
 *
 *	--trace FILE     the Chrome Trace Event JSON (ui.perfetto.dev)
 *	--html FILE      the self-contained web page
 *	--timeline       the terminal timeline, on standard output
 *	--all-events     the timeline and the page show every event
 *	--trace-events N the ring's size (default 262144 events)
 *
 * Where one command records several runs (explore, one a failure), the
 * files are numbered: trace.json becomes trace-1.json, trace-2.json, ...
 */
#ifndef MMSIM_SIM_TRACE_OUT_H
#define MMSIM_SIM_TRACE_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include <mmsim/trace.h>

struct scn_trace_opts {
	const char *json;
	const char *html;
	bool timeline;
	bool all;
	unsigned long events;
};

/* The getopt_long() rows of the options, with these values. */
#define SCN_TRACE_OPT_JSON 0x1001
#define SCN_TRACE_OPT_HTML 0x1002
#define SCN_TRACE_OPT_TIMELINE 0x1003
#define SCN_TRACE_OPT_ALL 0x1004
#define SCN_TRACE_OPT_EVENTS 0x1005
#define SCN_TRACE_LONGOPTS                                                     \
	{ "trace", required_argument, NULL, SCN_TRACE_OPT_JSON },              \
		{ "html", required_argument, NULL, SCN_TRACE_OPT_HTML },       \
		{ "timeline", no_argument, NULL, SCN_TRACE_OPT_TIMELINE },     \
		{ "all-events", no_argument, NULL, SCN_TRACE_OPT_ALL },        \
	{                                                                      \
		"trace-events", required_argument, NULL, SCN_TRACE_OPT_EVENTS  \
	}

/*
 * scn_trace_option - take option @c (with @arg) into @o
 * Return: 1 if it was one of the trace options, 0 if not, -1 for a bad
 * value, with the reason in @err.
 */
int scn_trace_option(struct scn_trace_opts *o, int c, const char *arg,
		     char *err, size_t errlen);

/* The help of the options, their text from column @col. */
void scn_trace_help(FILE *out, int col);

/* Does @o ask for anything? */
bool scn_trace_wanted(const struct scn_trace_opts *o);

/*
 * scn_trace_start - a recorder for @o, started, titled @title; NULL if
 * @o asks for nothing or it cannot be made (then said on stderr).
 */
struct msim_trace *scn_trace_start(const struct scn_trace_opts *o,
				   const char *title);

/*
 * scn_trace_finish - stop @t, write the views @o asks for and free it
 * @index: 0 for the files as named, n for the n-th of several ("-n")
 * @timeline: where the timeline goes
 * @json, @html: if not NULL (@size bytes each), the names of the files
 *	written, or "" for one not written
 * Return: 0, or 1 if a file could not be written (said on stderr).
 */
int scn_trace_finish(struct msim_trace *t, const struct scn_trace_opts *o,
		     unsigned int index, FILE *timeline, char *json, char *html,
		     size_t size);

/*
 * scn_trace_finish_active - scn_trace_finish() of the recorder started
 * last and not finished, for a run that must end the process at once
 * (threads stopped with locks held); the timeline goes to stdout.
 */
void scn_trace_finish_active(void);

#endif /* MMSIM_SIM_TRACE_OUT_H */
