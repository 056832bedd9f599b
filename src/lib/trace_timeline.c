// SPDX-License-Identifier: MIT
/*
 * The terminal timeline (trace_view.h): one column a thread, one row an
 * item, as Documentation/mm/mmu_notifier.rst draws its [Time N] tables.
 *
 * A span's begin and end are rows at the span's level of its thread; in
 * between, every row of every other thread shows the span as a "| " at
 * that level of the thread's column, so that who holds what while another
 * thread runs reads down the page.  Which items get rows is
 * trace_select.c's business.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/trace_view.h>
#include "trace_model.h"

#define STEP_W 5
#define MIN_COL 18
#define MAX_LINE 1024

struct tl {
	FILE *out;
	const struct tm_model *m;
	unsigned int width, colw, ncols;
	int col_of[MSIM_TRACE_MAX_THREADS];
	unsigned int tid_of[MSIM_TRACE_MAX_THREADS];
	struct tm_select sel;
	int vdepth[MSIM_TRACE_MAX_THREADS];
	int last_col;
};

/*
 * The guides of @depth levels, in at most half a column: "| " a level in
 * a column of 30 or more, "|" in a narrower one (three threads in 80).
 */
static size_t guides(char *p, unsigned int colw, int depth)
{
	size_t n = 0;
	int i;

	if (depth <= 0)
		return 0;
	if (colw >= 30 && (unsigned int)depth * 2 <= colw / 2) {
		for (i = 0; i < depth; i++) {
			p[n++] = '|';
			p[n++] = ' ';
		}
		return n;
	}
	for (i = 0; i < depth && n < colw / 2; i++)
		p[n++] = '|';
	p[n++] = ' ';
	return n;
}

/* Print @line (MAX_LINE bytes, space-filled) without trailing blanks. */
static void put_line(struct tl *tl, char *line, size_t len)
{
	while (len && line[len - 1] == ' ')
		len--;
	fprintf(tl->out, "%.*s\n", (int)len, line);
}

static size_t line_start(struct tl *tl, char *line, const char *step)
{
	size_t len = STEP_W + 2 + tl->ncols * (tl->colw + 2);

	if (len > MAX_LINE)
		len = MAX_LINE;
	memset(line, ' ', len);
	if (step && *step) {
		size_t n = strlen(step);

		memcpy(line + (n < STEP_W ? STEP_W - n : 0), step,
		       n < STEP_W ? n : STEP_W);
	}
	return len;
}

/* Where column @c starts. */
static size_t col_off(const struct tl *tl, unsigned int c)
{
	return STEP_W + 2 + c * (tl->colw + 2);
}

/*
 * How much of @text fits in @room: up to the last blank at or before
 * @room past its first quarter, else after the last '(', ',' or '|'
 * there, else after its last '_', so that a name is cut only when
 * nothing else fits, and between its words.
 */
static size_t fit(const char *text, size_t room)
{
	size_t n = strlen(text), k;

	if (n <= room)
		return n;
	for (k = room; k > room / 4; k--)
		if (text[k] == ' ')
			return k;
	for (k = room; k > room / 4; k--)
		if (strchr("(,|", text[k - 1]))
			return k;
	for (k = room; k > room / 4; k--)
		if (text[k - 1] == '_')
			return k;
	return room;
}

/* Rows for @text in column @col (every other column its guides). */
static void cell_rows(struct tl *tl, const char *step, unsigned int col,
		      const char *text)
{
	char line[MAX_LINE + 1];
	bool first = true;

	do {
		size_t len = line_start(tl, line, first ? step : NULL);
		size_t off, g, room, n;
		unsigned int c;

		for (c = 0; c < tl->ncols; c++)
			guides(line + col_off(tl, c), tl->colw,
			       tl->vdepth[tl->tid_of[c]]);
		off = col_off(tl, col);
		g = guides(line + off, tl->colw, tl->vdepth[tl->tid_of[col]]);
		if (!first && g + 2 < tl->colw)
			g += 2;
		room = tl->colw > g ? tl->colw - g : 1;
		n = fit(text, room);
		if (off + g + n <= len)
			memcpy(line + off + g, text, n);
		put_line(tl, line, len);
		text += n;
		while (*text == ' ')
			text++;
		first = false;
	} while (*text);
}

/* A host row across every column: "main: TEXT", wrapped. */
static void wide_rows(struct tl *tl, const char *text)
{
	char line[MAX_LINE + 1];
	char buf[600];
	const char *p = buf;
	bool first = true;

	snprintf(buf, sizeof(buf), "%.*s: %.500s", MSIM_TRACE_NAME,
		 msim_trace_thread_name(tl->m->t, 0), text);
	do {
		size_t len = line_start(tl, line, NULL);
		size_t off = col_off(tl, 0) + (first ? 0 : 2);
		size_t room = len > off ? len - off : 1, n;
		unsigned int c;

		for (c = 0; c < tl->ncols; c++)
			guides(line + col_off(tl, c), tl->colw,
			       tl->vdepth[tl->tid_of[c]]);
		n = fit(p, room);
		memcpy(line + off, p, n);
		put_line(tl, line, len);
		p += n;
		while (*p == ' ')
			p++;
		first = false;
	} while (*p);
}

static void header(struct tl *tl)
{
	char line[MAX_LINE + 1], text[256], title[300];
	const char *p;
	bool first;
	size_t len;
	unsigned int c;

	/* The title, wrapped to the width. */
	snprintf(title, sizeof(title), "timeline of %s",
		 msim_trace_title(tl->m->t));
	for (p = title, first = true; *p; first = false) {
		size_t room = tl->width > 2 ? tl->width - (first ? 0 : 2) : 1;
		size_t n = fit(p, room);

		fprintf(tl->out, "%s%.*s\n", first ? "" : "  ", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	if (tm_dropped_text(tl->m, text, sizeof(text)))
		fprintf(tl->out, "warning: %s\n", text);
	len = line_start(tl, line, "step");
	for (c = 0; c < tl->ncols; c++) {
		const char *name =
			msim_trace_thread_name(tl->m->t, tl->tid_of[c]);
		size_t n = strlen(name);

		memcpy(line + col_off(tl, c), name,
		       n < tl->colw ? n : tl->colw);
	}
	put_line(tl, line, len);
	len = line_start(tl, line, "----");
	for (c = 0; c < tl->ncols; c++)
		memset(line + col_off(tl, c), '-', tl->colw);
	put_line(tl, line, len);
}

static void item_row(struct tl *tl, const struct tm_item *it)
{
	char text[512], step[24] = "";
	int col = tl->col_of[it->tid];

	tm_describe(tl->m, it, text, sizeof(text));
	if (it->e && it->e->kind == MSIM_TRACE_MARK) {
		memmove(text + 2, text, strnlen(text, sizeof(text) - 3) + 1);
		text[0] = '>';
		text[1] = ' ';
		text[sizeof(text) - 1] = '\0';
	}
	if (col < 0) {
		wide_rows(tl, text);
		tl->last_col = -1;
		return;
	}
	/* The step where a thread starts running: where a switch put it. */
	if (it->e && it->e->step != MSIM_TRACE_NO_STEP && col != tl->last_col)
		snprintf(step, sizeof(step), "%" PRIu64, it->e->step);
	tl->last_col = col;
	cell_rows(tl, step, (unsigned int)col, text);
}

static void walk(struct tl *tl)
{
	const struct tm_model *m = tl->m;
	long i;

	for (i = 0; i < m->nitems; i++) {
		const struct tm_item *it = &m->items[i];
		bool span = it->type != TM_INSTANT && tl->sel.span[it->span];

		if (span && it->type == TM_END)
			tl->vdepth[it->tid]--;
		/* A span reopened for nesting's sake only moves levels. */
		if (tl->sel.row[i])
			item_row(tl, it);
		if (span && it->type == TM_BEGIN)
			tl->vdepth[it->tid]++;
	}
}

int msim_trace_write_timeline(const struct msim_trace *t, FILE *out,
			      const struct msim_trace_view_opts *opts)
{
	struct tm_model m;
	struct tl tl;
	unsigned int tid, n = 0;
	int ret;

	ret = tm_build(&m, t);
	if (ret)
		return ret;
	memset(&tl, 0, sizeof(tl));
	tl.out = out;
	tl.m = &m;
	tl.width = opts && opts->width ? opts->width : 80;
	ret = tm_select(&m, opts && opts->all, &tl.sel);
	if (ret) {
		tm_free(&m);
		return ret;
	}
	for (tid = 0; tid < MSIM_TRACE_MAX_THREADS; tid++) {
		tl.col_of[tid] = -1;
		if (!m.used[tid] || (tid == 0 && tl.sel.threaded))
			continue;
		tl.col_of[tid] = (int)n;
		tl.tid_of[n++] = tid;
	}
	if (!n) {
		tl.col_of[0] = 0;
		tl.tid_of[n++] = 0;
	}
	tl.ncols = n;
	tl.colw = tl.width > STEP_W + 2 + 2 * (n - 1)
			  ? (tl.width - STEP_W - 2 - 2 * (n - 1)) / n
			  : MIN_COL;
	if (tl.colw < MIN_COL)
		tl.colw = MIN_COL;
	if (col_off(&tl, n) > MAX_LINE)
		tl.colw = (MAX_LINE - STEP_W - 2) / n - 2;
	tl.last_col = -1;
	header(&tl);
	walk(&tl);
	tm_select_free(&tl.sel);
	tm_free(&m);
	return ferror(out) ? -EIO : 0;
}
