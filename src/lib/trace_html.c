// SPDX-License-Identifier: MIT
/*
 * The web page (trace_view.h): one HTML file holding its style, its
 * script and an SVG timeline, nothing fetched.
 *
 * The SVG is laid out here, so that the page shows the same without its
 * script: a lane a thread (the host's first), time going down, one row an
 * item that trace_select.c shows.  A span is a bar down its lane from its
 * begin's row to its end's, nested spans to the right of their parents;
 * every row is a tick and a label; each invalidation's flow is a chain of
 * arrows down the lane's right edge, from the call that started it to
 * each unmap it caused and to its end.  Every row and bar carries its
 * event's details in a <title>, which any browser shows on hover; the
 * script shows the same in a panel, highlights an invalidation's arrows
 * while its start is under the pointer, and records any error of its own
 * (or console.error()) in <pre id="errors">, so that a test can read
 * that the page loaded clean.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/trace_view.h>
#include "trace_model.h"

#define ROW 16
#define TOP 56
#define GUTTER 48
#define LANE_W 380
#define NEST 10
#define BAR_W 6
#define FLOW_X (LANE_W - 26)

struct page {
	FILE *out;
	const struct tm_model *m;
	struct tm_select sel;
	int lane_of[MSIM_TRACE_MAX_THREADS];
	unsigned int nlanes;
	long *row;  /* per item: its row, or -1 */
	long *top;  /* per span: its first row */
	int *depth; /* per span: its level among the spans shown */
	long nrows;
};

static void xml(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n')
				fputc(*s, out);
		}
	}
}

static int lane_x(const struct page *pg, unsigned int tid)
{
	return GUTTER + pg->lane_of[tid] * LANE_W;
}

static int row_y(long row)
{
	return TOP + (int)row * ROW;
}

/* An event's details, for its <title>: what, where, when, every value. */
static void details(const struct page *pg, const struct tm_item *it)
{
	const struct msim_trace_event *e = it->e;
	char text[512];
	unsigned int i;

	tm_describe(pg->m, it, text, sizeof(text));
	fputs("<title>", pg->out);
	xml(pg->out, text);
	if (e) {
		fprintf(pg->out, "\nevent %" PRIu64 " (%s), thread ", e->seq,
			msim_trace_kind_name(e->kind));
		xml(pg->out, msim_trace_thread_name(pg->m->t, e->tid));
		if (e->step != MSIM_TRACE_NO_STEP)
			fprintf(pg->out, ", step %" PRIu64, e->step);
		fprintf(pg->out, ", %" PRIu64 " ns", e->ns);
		for (i = 0; i < 3; i++) {
			const char *name = tm_arg_name(e->kind, true, i);

			if (!name)
				continue;
			fprintf(pg->out, "\n%s: ", name);
			xml(pg->out, msim_trace_str(e, i));
		}
		for (i = 0; i < 6; i++) {
			const char *name = tm_arg_name(e->kind, false, i);

			if (name)
				fprintf(pg->out, "\n%s: 0x%" PRIx64, name,
					e->a[i]);
		}
	}
	fputs("</title>", pg->out);
}

static const char style[] =
	"body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}\n"
	"h1{font-size:16px;margin:0 0 4px}\n"
	".note{color:#555;margin:0 0 8px}\n"
	".warning{color:#a00;font-weight:bold}\n"
	"#errors{color:#a00}\n"
	"#details{position:fixed;right:12px;bottom:12px;max-width:44em;"
	"background:#ffffe8;border:1px solid #bb9;padding:6px 8px;"
	"white-space:pre-wrap;font:12px monospace;margin:0}\n"
	"svg text{font:11px monospace;fill:#222}\n"
	"svg .head{font:bold 12px sans-serif}\n"
	"svg .step{fill:#777}\n"
	"svg .lanebg{fill:#f7f7f7}\n"
	"svg .lanebg.odd{fill:#efefef}\n"
	".span{opacity:.85}\n"
	".flow{fill:none;stroke:#c33;stroke-width:1.5;opacity:.7}\n"
	".flow.hl{stroke-width:3;opacity:1}\n"
	".ev:hover text{font-weight:bold}\n"
	".legend span{display:inline-block;padding:0 6px;margin-right:4px;"
	"color:#fff;border-radius:3px}\n"
	/* clang-format off */
	".cat-lock{fill:#4e79a7;background:#4e79a7}\n"
	".cat-callback{fill:#f28e2b;background:#f28e2b}\n"
	".cat-notifier{fill:#e15759;background:#e15759}\n"
	".cat-fault{fill:#76b7b2;background:#76b7b2}\n"
	".cat-wait{fill:#9d9590;background:#9d9590}\n"
	".cat-srcu{fill:#59a14f;background:#59a14f}\n"
	".cat-seq{fill:#c9a800;background:#c9a800}\n"
	".cat-pte{fill:#b07aa1;background:#b07aa1}\n"
	".cat-tlb{fill:#ff6f91;background:#ff6f91}\n"
	".cat-secondary{fill:#9c755f;background:#9c755f}\n"
	".cat-page{fill:#888;background:#888}\n"
	".cat-sched{fill:#333;background:#333}\n"
	".cat-thread{fill:#555;background:#555}\n"
	".cat-mark{fill:#000;background:#000}\n"
	".cat-failure{fill:#d00;background:#d00}\n"
	".cat-coldfire{fill:#17becf;background:#17becf}\n";
/* clang-format on */

/* Runs first: any error from here on lands in #errors. */
static const char script_head[] =
	"(function () {\n"
	"  var errs = [];\n"
	"  function report(m) {\n"
	"    errs.push(String(m));\n"
	"    var p = document.getElementById('errors');\n"
	"    if (p) { p.textContent = errs.join('\\n'); p.hidden = false; }\n"
	"    if (document.body) document.body.setAttribute('data-status', "
	"'error');\n"
	"  }\n"
	"  window.addEventListener('error', function (e) { report(e.message); "
	"});\n"
	"  var ce = console.error;\n"
	"  console.error = function () {\n"
	"    report(Array.prototype.join.call(arguments, ' '));\n"
	"    return ce.apply(console, arguments);\n"
	"  };\n"
	"  window.mmsimErrors = errs;\n"
	"})();\n";

/* Hover details, flow highlights, and the page's own report. */
static const char script_body[] =
	"(function () {\n"
	"  var svg = document.getElementById('timeline');\n"
	"  var panel = document.getElementById('details');\n"
	"  function owner(n) {\n"
	"    while (n && n !== svg && !(n.getAttribute && "
	"n.getAttribute('data-seq'))) n = n.parentNode;\n"
	"    return n && n !== svg ? n : null;\n"
	"  }\n"
	"  function flows(id, on) {\n"
	"    var ps = svg.querySelectorAll('.flow[data-flow=\"' + id + "
	"'\"]');\n"
	"    for (var i = 0; i < ps.length; i++) ps[i].classList.toggle('hl', "
	"on);\n"
	"  }\n"
	"  var lit = null;\n"
	"  svg.addEventListener('mouseover', function (ev) {\n"
	"    var g = owner(ev.target);\n"
	"    if (!g) return;\n"
	"    var t = g.querySelector('title');\n"
	"    panel.textContent = t ? t.textContent : '';\n"
	"    panel.hidden = false;\n"
	"    if (lit !== null) flows(lit, false);\n"
	"    lit = g.getAttribute('data-flow');\n"
	"    if (lit !== null) flows(lit, true);\n"
	"  });\n"
	"  var b = document.body;\n"
	"  b.setAttribute('data-lanes', svg.querySelectorAll('.lane').length);\n"
	"  b.setAttribute('data-rows', svg.querySelectorAll('.ev').length);\n"
	"  b.setAttribute('data-spans', svg.querySelectorAll('.span').length);\n"
	"  b.setAttribute('data-flows', svg.querySelectorAll('.flow').length);\n"
	"  if (!window.mmsimErrors.length) b.setAttribute('data-status', "
	"'ok');\n"
	"})();\n";

static void head(struct page *pg)
{
	const struct tm_model *m = pg->m;
	char dropped[256];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>",
	      pg->out);
	xml(pg->out, msim_trace_title(m->t));
	fprintf(pg->out,
		"</title>\n<style>\n%s</style>\n<script>\n%s"
		"</script>\n</head>\n<body>\n<h1>",
		style, script_head);
	xml(pg->out, msim_trace_title(m->t));
	fprintf(pg->out,
		"</h1>\n<p class=\"note\">%lu events, %ld shown%s; time goes "
		"down, a lane a thread; bars are spans (locks held, "
		"callbacks, notifier calls, faults), arrows go from each "
		"invalidation to the secondary unmaps it caused and to its "
		"end; hover for details.</p>\n",
		m->events, pg->nrows, pg->sel.all ? " (every event)" : "");
	if (tm_dropped_text(m, dropped, sizeof(dropped))) {
		fputs("<p class=\"warning\">", pg->out);
		xml(pg->out, dropped);
		fputs("</p>\n", pg->out);
	}
	fputs("<p class=\"legend\"><span class=\"cat-lock\">lock</span>"
	      "<span class=\"cat-notifier\">notifier call</span>"
	      "<span class=\"cat-callback\">callback</span>"
	      "<span class=\"cat-fault\">fault</span>"
	      "<span class=\"cat-wait\">wait</span>"
	      "<span class=\"cat-srcu\">srcu</span>"
	      "<span class=\"cat-seq\">sequence</span>"
	      "<span class=\"cat-pte\">pte</span>"
	      "<span class=\"cat-tlb\">tlb</span>"
	      "<span class=\"cat-secondary\">secondary mmu</span>"
	      "<span class=\"cat-sched\">scheduler</span>"
	      "<span class=\"cat-failure\">failure</span>"
	      "<span class=\"cat-coldfire\">coldfire</span></p>\n"
	      "<pre id=\"errors\" hidden></pre>\n",
	      pg->out);
}

static void lanes(struct page *pg, int width, int height)
{
	unsigned int tid;

	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++) {
		int x;

		if (pg->lane_of[tid] < 0)
			continue;
		x = lane_x(pg, tid);
		fprintf(pg->out,
			"<g class=\"lane\" data-tid=\"%u\" data-name=\"", tid);
		xml(pg->out, msim_trace_thread_name(pg->m->t, tid));
		fprintf(pg->out,
			"\"><rect class=\"lanebg%s\" x=\"%d\" y=\"%d\" "
			"width=\"%d\" height=\"%d\"/><text class=\"head\" "
			"x=\"%d\" y=\"%d\">",
			pg->lane_of[tid] % 2 ? " odd" : "", x, TOP - 24,
			LANE_W - 4, height - TOP + 24, x + 6, TOP - 8);
		xml(pg->out, msim_trace_thread_name(pg->m->t, tid));
		fprintf(pg->out,
			"</text></g>\n<clipPath id=\"lane-%d\"><rect x=\"%d\" "
			"y=\"0\" width=\"%d\" height=\"%d\"/></clipPath>\n",
			pg->lane_of[tid], x, LANE_W - 4, height);
	}
	fprintf(pg->out, "<text class=\"head\" x=\"4\" y=\"%d\">step</text>\n",
		TOP - 8);
	(void)width;
}

/* Bars first, so that the rows' labels are drawn over them. */
static void bars(struct page *pg)
{
	const struct tm_model *m = pg->m;
	long s;

	for (s = 0; s < m->nspans; s++) {
		const struct tm_span *sp = &m->spans[s];
		long top, bottom;
		int x;

		if (!pg->sel.span[s])
			continue;
		top = pg->top[s];
		bottom = pg->row[sp->end];
		/* An end without a row: the span ends with the row before. */
		if (bottom < 0) {
			long i = sp->end;

			while (i > sp->begin && pg->row[i] < 0)
				i--;
			bottom = pg->row[i] >= 0 ? pg->row[i] : top;
		}
		if (bottom < top)
			bottom = top;
		x = lane_x(pg, sp->tid) + 4 + pg->depth[s] * NEST;
		fprintf(pg->out,
			"<g data-seq=\"%" PRIu64
			"\" clip-path=\"url(#lane-%d)\">"
			"<rect class=\"span cat-%s\" "
			"x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"rx=\"2\"/>",
			sp->e->seq, pg->lane_of[sp->tid], tm_category(sp->e), x,
			row_y(top) + 2, BAR_W,
			(int)(bottom - top + 1) * ROW - 4);
		details(pg, &m->items[sp->begin]);
		fputs("</g>\n", pg->out);
	}
}

static void rows(struct page *pg)
{
	const struct tm_model *m = pg->m;
	int depth[MSIM_TRACE_MAX_THREADS] = { 0 };
	int last_lane = -1;
	long i;

	for (i = 0; i < m->nitems; i++) {
		const struct tm_item *it = &m->items[i];
		const struct msim_trace_event *be =
			it->span >= 0 ? m->spans[it->span].e : it->e;
		bool span = it->type != TM_INSTANT && pg->sel.span[it->span];
		char text[512];
		int x, y, d;

		if (span && it->type == TM_END)
			depth[it->tid]--;
		d = depth[it->tid];
		if (span && it->type == TM_BEGIN)
			depth[it->tid]++;
		if (pg->row[i] < 0)
			continue;
		y = row_y(pg->row[i]);
		x = lane_x(pg, it->tid) + 4 + d * NEST;
		if (it->e && it->e->step != MSIM_TRACE_NO_STEP &&
		    pg->lane_of[it->tid] != last_lane)
			fprintf(pg->out,
				"<text class=\"step\" x=\"4\" y=\"%d\">%" PRIu64
				"</text>\n",
				y + 12, it->e->step);
		last_lane = pg->lane_of[it->tid];
		tm_describe(m, it, text, sizeof(text));
		fprintf(pg->out,
			"<g class=\"ev cat-%s\" clip-path=\"url(#lane-%d)\" "
			"data-seq=\"%" PRIu64 "\" data-kind=\"%s\"",
			tm_category(be), pg->lane_of[it->tid],
			it->e ? it->e->seq : 0,
			it->e ? msim_trace_kind_name(it->e->kind) : "end");
		if (it->flow >= 0 && it->role == TM_FLOW_START)
			fprintf(pg->out, " data-flow=\"%" PRIu64 "\"",
				m->flows[it->flow].id);
		fputs(">", pg->out);
		details(pg, it);
		if (it->type == TM_INSTANT)
			fprintf(pg->out,
				"<circle class=\"cat-%s\" cx=\"%d\" cy=\"%d\" "
				"r=\"3\"/>",
				tm_category(be), x + BAR_W / 2, y + 8);
		fprintf(pg->out, "<text x=\"%d\" y=\"%d\">%s", x + BAR_W + 6,
			y + 12,
			it->e && it->e->kind == MSIM_TRACE_MARK ? "&gt; " : "");
		xml(pg->out, text);
		fputs("</text></g>\n", pg->out);
	}
}

/* One arrow of flow @f, from row @a to row @b of its lane. */
static void arrow(struct page *pg, const struct tm_flow *f, long a, long b)
{
	int x = lane_x(pg, f->tid) + FLOW_X;
	int y1 = row_y(a) + 8, y2 = row_y(b) + 8;

	fprintf(pg->out,
		"<path class=\"flow\" data-flow=\"%" PRIu64 "\" d=\"M %d %d C "
		"%d %d, %d %d, %d %d\" marker-end=\"url(#arrow)\"/>\n",
		f->id, x, y1, x + 18, y1, x + 18, y2, x, y2);
}

static void flows(struct page *pg)
{
	const struct tm_model *m = pg->m;
	long f, i;

	for (f = 0; f < m->nflows; f++) {
		const struct tm_flow *fl = &m->flows[f];
		long from = pg->row[fl->start];

		if (from < 0)
			continue;
		for (i = fl->start + 1; fl->end >= 0 && i <= fl->end; i++) {
			if (m->items[i].flow != f || pg->row[i] < 0)
				continue;
			arrow(pg, fl, from, pg->row[i]);
			from = pg->row[i];
		}
	}
}

static int layout(struct page *pg)
{
	const struct tm_model *m = pg->m;
	unsigned int tid;
	long i;

	int depth[MSIM_TRACE_MAX_THREADS] = { 0 };

	pg->row = malloc(((size_t)m->nitems + 1) * sizeof(*pg->row));
	pg->top = malloc(((size_t)m->nspans + 1) * sizeof(*pg->top));
	pg->depth = malloc(((size_t)m->nspans + 1) * sizeof(*pg->depth));
	if (!pg->row || !pg->top || !pg->depth)
		return -ENOMEM;
	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++) {
		pg->lane_of[tid] = -1;
		if (m->used[tid])
			pg->lane_of[tid] = (int)pg->nlanes++;
	}
	if (!pg->nlanes)
		pg->lane_of[0] = (int)pg->nlanes++;
	for (i = 0; i < m->nitems; i++) {
		const struct tm_item *it = &m->items[i];

		bool span = it->type != TM_INSTANT && pg->sel.span[it->span];

		if (span && it->type == TM_END)
			depth[it->tid]--;
		if (it->type == TM_BEGIN) {
			pg->top[it->span] = pg->nrows;
			pg->depth[it->span] = depth[it->tid];
		}
		if (span && it->type == TM_BEGIN)
			depth[it->tid]++;
		pg->row[i] = pg->sel.row[i] ? pg->nrows++ : -1;
	}
	return 0;
}

int msim_trace_write_html(const struct msim_trace *t, FILE *out,
			  const struct msim_trace_view_opts *opts)
{
	struct tm_model m;
	struct page pg;
	int ret, width, height;

	ret = tm_build(&m, t);
	if (ret)
		return ret;
	memset(&pg, 0, sizeof(pg));
	pg.out = out;
	pg.m = &m;
	ret = tm_select(&m, opts && opts->all, &pg.sel);
	if (!ret)
		ret = layout(&pg);
	if (!ret) {
		width = GUTTER + (int)pg.nlanes * LANE_W + 8;
		height = TOP + (int)pg.nrows * ROW + 16;
		head(&pg);
		fprintf(out,
			"<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
			"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
			"<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" "
			"refX=\"7\" refY=\"4\" markerWidth=\"7\" "
			"markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0 L8 "
			"4 L0 8 z\" fill=\"#c33\"/></marker></defs>\n",
			width, height, width, height);
		lanes(&pg, width, height);
		bars(&pg);
		rows(&pg);
		flows(&pg);
		fprintf(out,
			"</svg>\n<pre id=\"details\" hidden></pre>\n"
			"<script>\n%s</script>\n</body>\n</html>\n",
			script_body);
	}
	free(pg.row);
	free(pg.top);
	free(pg.depth);
	tm_select_free(&pg.sel);
	tm_free(&m);
	if (ret)
		return ret;
	return ferror(out) ? -EIO : 0;
}
