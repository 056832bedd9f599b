// SPDX-License-Identifier: MIT
/*
 * The trace options of mmsim (trace_out.h): a recorder around the run,
 * then the views it asks for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/trace_view.h>

#include "trace_out.h"

/* The recorder started and not yet finished, with its options. */
static struct msim_trace *active;
static const struct scn_trace_opts *active_opts;

int scn_trace_option(struct scn_trace_opts *o, int c, const char *arg,
		     char *err, size_t errlen)
{
	char *end;

	switch (c) {
	case SCN_TRACE_OPT_JSON:
		o->json = arg;
		return 1;
	case SCN_TRACE_OPT_HTML:
		o->html = arg;
		return 1;
	case SCN_TRACE_OPT_ALL:
		o->all = true;
		return 1;
	case SCN_TRACE_OPT_TIMELINE:
		o->timeline = true;
		return 1;
	case SCN_TRACE_OPT_EVENTS:
		errno = 0;
		o->events = strtoul(arg, &end, 0);
		if (!*arg || *arg == '-' || *end || errno || !o->events ||
		    o->events > (1UL << 26)) {
			snprintf(err, errlen,
				 "bad number of trace events '%s' (1 to %lu)",
				 arg, 1UL << 26);
			return -1;
		}
		return 1;
	}
	return 0;
}

void scn_trace_help(FILE *out, int col)
{
	/* clang-format off */
	static const char *const rows[][2] = {
		{ "--trace FILE", "record the run, and write it as Chrome Trace Event" },
		{ "", "JSON (ui.perfetto.dev, chrome://tracing)" },
		{ "--html FILE", "... as a self-contained web page with an SVG timeline" },
		{ "--timeline", "... as a timeline on standard output, a column a thread" },
		{ "--all-events", "the timeline and the page show every event, not only" },
		{ "", "those that explain a race" },
		{ "--trace-events N", "the record keeps the last N events (default 262144)" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int n = (int)strlen(rows[i][0]);

		if (n + 4 > col)
			fprintf(out, "  %s\n%*s%s\n", rows[i][0], col, "",
				rows[i][1]);
		else
			fprintf(out, "  %-*s%s\n", col - 2, rows[i][0],
				rows[i][1]);
	}
}

bool scn_trace_wanted(const struct scn_trace_opts *o)
{
	return o && (o->json || o->html || o->timeline);
}

struct msim_trace *scn_trace_start(const struct scn_trace_opts *o,
				   const char *title)
{
	struct msim_trace_opts to = { .events = o ? o->events : 0,
				      .title = title };
	struct msim_trace *t;

	if (!scn_trace_wanted(o))
		return NULL;
	t = msim_trace_create(&to);
	if (!t) {
		fprintf(stderr, "mmsim: trace: %s\n", strerror(errno));
		return NULL;
	}
	msim_trace_start(t);
	active = t;
	active_opts = o;
	return t;
}

/* @path with "-@index" before its extension (none for index 0). */
static void numbered(char *buf, size_t size, const char *path,
		     unsigned int index)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	if (!index || !dot || dot == (slash ? slash + 1 : path)) {
		if (index)
			snprintf(buf, size, "%s-%u", path, index);
		else
			snprintf(buf, size, "%s", path);
		return;
	}
	snprintf(buf, size, "%.*s-%u%s", (int)(dot - path), path, index, dot);
}

static int write_view(const struct msim_trace *t, const char *path, bool html,
		      const struct msim_trace_view_opts *vo)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		fprintf(stderr, "mmsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = html ? msim_trace_write_html(t, f, vo)
		   : msim_trace_write_json(t, f);
	if (fclose(f) || ret) {
		fprintf(stderr, "mmsim: %s: %s\n", path,
			strerror(ret ? -ret : errno));
		return 1;
	}
	return 0;
}

int scn_trace_finish(struct msim_trace *t, const struct scn_trace_opts *o,
		     unsigned int index, FILE *timeline, char *json, char *html,
		     size_t size)
{
	struct msim_trace_view_opts vo = { .all = o->all };
	char name[4096];
	int ret = 0;

	if (!t)
		return 0;
	msim_trace_stop(t);
	if (t == active)
		active = NULL;
	if (msim_trace_dropped(t))
		fprintf(stderr,
			"mmsim: trace: %lu events dropped: the record keeps "
			"the last %lu (--trace-events N for more)\n",
			msim_trace_dropped(t), msim_trace_capacity(t));
	/* A name is given back only for a file written whole. */
	if (json)
		json[0] = '\0';
	if (html)
		html[0] = '\0';
	if (o->json) {
		numbered(name, sizeof(name), o->json, index);
		if (write_view(t, name, false, &vo))
			ret = 1;
		else if (json)
			snprintf(json, size, "%s", name);
	}
	if (o->html) {
		numbered(name, sizeof(name), o->html, index);
		if (write_view(t, name, true, &vo))
			ret = 1;
		else if (html)
			snprintf(html, size, "%s", name);
	}
	if (o->timeline && msim_trace_write_timeline(t, timeline, &vo)) {
		fprintf(stderr, "mmsim: timeline: %s\n", strerror(EIO));
		ret = 1;
	}
	msim_trace_destroy(t);
	return ret;
}

void scn_trace_finish_active(void)
{
	if (active) {
		fflush(stdout);
		scn_trace_finish(active, active_opts, 0, stdout, NULL, NULL, 0);
		fflush(stdout);
	}
}
