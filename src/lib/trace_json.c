// SPDX-License-Identifier: MIT
/*
 * The Chrome Trace Event JSON (trace_view.h), as ui.perfetto.dev and
 * chrome://tracing read it: metadata, B/E spans, instants, X slices for
 * the secondary unmaps, and s/t/f flows.
 *
 * Time is the item's index, one microsecond each, so that a span is as
 * long as what happened inside it and two runs of one schedule give the
 * same file.  A flow's events sit a quarter of a microsecond inside the
 * slice they belong to, where that slice is the innermost one open on
 * the thread: a start just after its notifier call's begin, a step in
 * the middle of its unmap's slice, an end just after the begin of
 * invalidate_range_end (or just before the end of a call that ends its
 * own flow), bound to it with "bp": "e".
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <mmsim/trace_view.h>
#include "trace_model.h"

#define PID 1

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The event's args: its strings and numbers by name, step, time. */
static void args(FILE *out, const struct msim_trace_event *e)
{
	unsigned int i;

	fprintf(out, "\"args\": {\"seq\": %" PRIu64 ", \"kind\": \"%s\"",
		e->seq, msim_trace_kind_name(e->kind));
	if (e->step != MSIM_TRACE_NO_STEP)
		fprintf(out, ", \"step\": %" PRIu64, e->step);
	fprintf(out, ", \"ns\": %" PRIu64, e->ns);
	for (i = 0; i < 3; i++) {
		const char *name = tm_arg_name(e->kind, true, i);

		if (!name)
			continue;
		fprintf(out, ", \"%s\": ", name);
		json_str(out, msim_trace_str(e, i));
	}
	for (i = 0; i < 6; i++) {
		const char *name = tm_arg_name(e->kind, false, i);

		/* Hexadecimal strings: a PTE does not fit a double. */
		if (name)
			fprintf(out, ", \"%s\": \"0x%" PRIx64 "\"", name,
				e->a[i]);
	}
	fputc('}', out);
}

static void head(FILE *out, const struct tm_model *m, const char *name,
		 const char *ph, unsigned int tid, const char *cat, double ts)
{
	(void)m;
	fprintf(out, ",\n{\"name\": ");
	json_str(out, name);
	fprintf(out,
		", \"cat\": \"%s\", \"ph\": \"%s\", \"ts\": %.2f, "
		"\"pid\": %d, \"tid\": %u",
		cat, ph, ts, PID, tid);
}

static void flow(FILE *out, const struct tm_model *m, const struct tm_item *it,
		 double ts)
{
	static const char *const ph[] = { "", "s", "t", "f" };
	const struct tm_flow *f = &m->flows[it->flow];

	fprintf(out,
		",\n{\"name\": \"invalidation\", \"cat\": \"invalidation\", "
		"\"ph\": \"%s\", \"id\": %" PRIu64 ", \"ts\": %.2f, "
		"\"pid\": %d, \"tid\": %u%s}",
		ph[it->role], f->id, ts, PID, it->tid,
		it->role == TM_FLOW_END ? ", \"bp\": \"e\"" : "");
}

static void item(FILE *out, const struct tm_model *m, long i)
{
	const struct tm_item *it = &m->items[i];
	const struct msim_trace_event *e = it->e;
	const struct msim_trace_event *be =
		it->span >= 0 ? m->spans[it->span].e : e;
	const char *cat = tm_category(be);
	char text[512];
	double ts = (double)i;

	/* A flow's end bound to a slice that ends here: while it is open. */
	if (it->flow >= 0 && it->role == TM_FLOW_END && it->type == TM_END)
		flow(out, m, it, ts - 0.25);
	tm_describe(m, it, text, sizeof(text));
	switch (it->type) {
	case TM_BEGIN:
		head(out, m, text, "B", it->tid, cat, ts);
		break;
	case TM_END:
		/* The begin's name, for readers that match by it. */
		tm_describe(m, &m->items[m->spans[it->span].begin], text,
			    sizeof(text));
		head(out, m, text, "E", it->tid, cat, ts);
		break;
	case TM_INSTANT:
		if (!e || e->kind == MSIM_TRACE_SEC_UNMAP) {
			/* A slice, that a flow can bind to. */
			head(out, m, text, "X", it->tid, cat, ts);
			fprintf(out, ", \"dur\": 0.5");
		} else {
			head(out, m, text, "i", it->tid, cat, ts);
			fprintf(out, ", \"s\": \"t\"");
		}
		break;
	}
	if (e && !it->synthetic) {
		fprintf(out, ", ");
		args(out, e);
	}
	fputc('}', out);
	if (it->flow >= 0 && !(it->role == TM_FLOW_END && it->type == TM_END))
		flow(out, m, it, ts + 0.25);
}

static void metadata(FILE *out, const struct tm_model *m)
{
	unsigned int tid;

	fprintf(out,
		"{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, "
		"\"tid\": 0, \"args\": {\"name\": ",
		PID);
	json_str(out, msim_trace_title(m->t));
	fprintf(out, "}}");
	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++) {
		if (!m->used[tid])
			continue;
		fprintf(out,
			",\n{\"name\": \"thread_name\", \"ph\": \"M\", "
			"\"pid\": %d, \"tid\": %u, \"args\": {\"name\": ",
			PID, tid);
		json_str(out, msim_trace_thread_name(m->t, tid));
		fprintf(out,
			"}},\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", "
			"\"pid\": %d, \"tid\": %u, \"args\": {\"sort_index\": "
			"%u}}",
			PID, tid, tid);
	}
}

int msim_trace_write_json(const struct msim_trace *t, FILE *out)
{
	struct tm_model m;
	char dropped[256];
	long i;
	int ret = tm_build(&m, t);

	if (ret)
		return ret;
	fprintf(out, "{\"traceEvents\": [\n");
	metadata(out, &m);
	for (i = 0; i < m.nitems; i++)
		item(out, &m, i);
	fprintf(out, "\n],\n\"displayTimeUnit\": \"ns\",\n\"otherData\": "
		     "{\"title\": ");
	json_str(out, msim_trace_title(t));
	fprintf(out, ", \"events\": %lu, \"dropped\": %lu, \"capacity\": %lu",
		m.events, m.dropped, msim_trace_capacity(t));
	if (tm_dropped_text(&m, dropped, sizeof(dropped))) {
		fprintf(out, ", \"warning\": ");
		json_str(out, dropped);
	}
	fprintf(out, ", \"time\": \"one microsecond an event, in the order "
		     "the events were made\"}}\n");
	tm_free(&m);
	return ferror(out) ? -EIO : 0;
}
