// SPDX-License-Identifier: MIT
/*
 * Lining up the two runs of a sequence, reporting where they part, and
 * shrinking a failing sequence to the few ops that still show the
 * difference, so that the report is something a person can reason about.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "diff.h"

void diff_run_init(struct diff_run *run, int nr_ops)
{
	run->nr_steps = 0;
	run->error = NULL;
	run->error_step = -1;
	run->steps = calloc(nr_ops > 0 ? nr_ops : 1, sizeof(*run->steps));
	if (!run->steps)
		abort();
}

void diff_run_free(struct diff_run *run)
{
	for (int i = 0; i < run->nr_steps; i++) {
		free(run->steps[i].result);
		free(run->steps[i].layout);
	}
	free(run->steps);
	free(run->error);
	run->steps = NULL;
	run->error = NULL;
	run->nr_steps = 0;
}

/** diff_run_set_error - stop @run with a message; the first one stays */
void diff_run_set_error(struct diff_run *run, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	char tmp[1024];

	if (run->error)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_init(&sb);
	sb_puts(&sb, tmp);
	run->error = sb_steal(&sb);
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/**
 * diff_compare - do @native and @sim agree on every step?
 * Return: true if they do; else false with the first difference in @mm.
 */
bool diff_compare(const struct diff_seq *seq, const struct diff_run *native,
		  const struct diff_run *sim, struct diff_mismatch *mm)
{
	int n = native->nr_steps < sim->nr_steps ? native->nr_steps
						 : sim->nr_steps;

	for (int i = 0; i < n; i++) {
		const struct diff_step *a = &native->steps[i];
		const struct diff_step *b = &sim->steps[i];

		if (strcmp(str_or_empty(a->result), str_or_empty(b->result))) {
			mm->step = i;
			mm->what = "result";
			return false;
		}
		if (strcmp(str_or_empty(a->layout), str_or_empty(b->layout))) {
			mm->step = i;
			mm->what = "layout";
			return false;
		}
	}
	if (native->error || sim->error || native->nr_steps != seq->nr_ops ||
	    sim->nr_steps != seq->nr_ops) {
		mm->step = n < seq->nr_ops ? n : seq->nr_ops - 1;
		if (native->error && native->error_step >= 0)
			mm->step = native->error_step;
		else if (sim->error && sim->error_step >= 0)
			mm->step = sim->error_step;
		mm->what = "error";
		return false;
	}
	return true;
}

/* Print @text with each line prefixed; mark lines missing from @other. */
static void print_layout(FILE *out, const char *text, const char *other)
{
	const char *line = text;

	if (!*line) {
		fprintf(out, "      (no VMA in the window)\n");
		return;
	}
	while (*line) {
		size_t len = strcspn(line, "\n");
		bool found = !other;
		const char *o = other;

		while (o && *o) {
			size_t olen = strcspn(o, "\n");

			if (olen == len && !memcmp(o, line, len)) {
				found = true;
				break;
			}
			o += olen + (o[olen] == '\n');
		}
		fprintf(out, "    %c %.*s\n", found ? ' ' : '!', (int)len,
			line);
		line += len + (line[len] == '\n');
	}
}

/**
 * diff_report - describe the difference @mm: the seed, the sequence up to
 * it as a scenario, the op, both results and both windows after it
 */
void diff_report(FILE *out, const struct diff_seq *seq,
		 const struct diff_run *native, const struct diff_run *sim,
		 const struct diff_mismatch *mm)
{
	struct strbuf sb;
	int s = mm->step;

	sb_init(&sb);
	diff_fmt_scenario(&sb, seq, s);
	fprintf(out, "DIFFERENCE: seed %lu, step %d (%s)\n", seq->seed, s,
		mm->what);
	fprintf(out,
		"--- scenario (up to the step) ---\n%s"
		"--- end of scenario ---\n",
		sb.buf);
	sb_reset(&sb);
	if (s >= 0 && s < seq->nr_ops) {
		diff_fmt_step(&sb, seq, s);
		fprintf(out, "  step %d: %s\n", s, sb.buf);
	}
	if (s > 0 && s - 1 < native->nr_steps) {
		fprintf(out, "  window before the step (native):\n");
		print_layout(out, str_or_empty(native->steps[s - 1].layout),
			     NULL);
	}
	if (native->error)
		fprintf(out, "  native error: %s\n", native->error);
	if (sim->error)
		fprintf(out, "  mmsim error: %s\n", sim->error);
	if (s >= 0 && s < native->nr_steps && s < sim->nr_steps) {
		const struct diff_step *a = &native->steps[s];
		const struct diff_step *b = &sim->steps[s];

		fprintf(out, "  native result: %s\n", str_or_empty(a->result));
		fprintf(out, "  mmsim  result: %s\n", str_or_empty(b->result));
		fprintf(out, "  native window ('!': not in the other):\n");
		print_layout(out, str_or_empty(a->layout),
			     str_or_empty(b->layout));
		fprintf(out, "  mmsim window:\n");
		print_layout(out, str_or_empty(b->layout),
			     str_or_empty(a->layout));
	}
	sb_free(&sb);
}

/**
 * diff_check_seq - run @seq on both sides; @native and @sim are filled
 * (the caller frees them)
 * Return: true if they agree, else false with @mm set.
 */
bool diff_check_seq(const struct diff_seq *seq, struct diff_run *native,
		    struct diff_run *sim, struct diff_mismatch *mm)
{
	diff_run_init(native, seq->nr_ops);
	diff_run_init(sim, seq->nr_ops);
	diff_native_run(seq, native);
	diff_sim_run(seq, sim);
	return diff_compare(seq, native, sim, mm);
}

/*
 * Does @seq still fail in the same way: the same kind of difference after
 * the same kind of op?  Keeping to one class stops the shrinking from
 * wandering off to a different, perhaps already known, difference.
 */
static bool still_fails(const struct diff_seq *seq, const char *what,
			enum diff_op_kind kind, int *step)
{
	struct diff_run a, b;
	struct diff_mismatch mm;
	bool fails = false;

	if (!seq->nr_ops)
		return false;
	if (!diff_check_seq(seq, &a, &b, &mm) && !strcmp(mm.what, what) &&
	    mm.step >= 0 && seq->ops[mm.step].kind == kind) {
		fails = true;
		*step = mm.step;
	}
	diff_run_free(&a);
	diff_run_free(&b);
	return fails;
}

/**
 * diff_shrink - reduce the failing @seq in place: drop ops after the
 * difference, then chunks and single ops that it does not need (a fork
 * taking the child's ops with it), then simplify what is left (whole
 * pages, fewer flags)
 */
void diff_shrink(struct diff_seq *seq)
{
	struct diff_run a, b;
	struct diff_mismatch mm;
	struct diff_op *saved;
	enum diff_op_kind kind;
	const char *what;
	int step;

	if (diff_check_seq(seq, &a, &b, &mm)) {
		diff_run_free(&a);
		diff_run_free(&b);
		return;
	}
	diff_run_free(&a);
	diff_run_free(&b);
	if (mm.step < 0 || mm.step >= seq->nr_ops)
		return;
	what = mm.what;
	kind = seq->ops[mm.step].kind;
	seq->nr_ops = mm.step + 1;
	saved = malloc(sizeof(*saved) * (seq->nr_ops ? seq->nr_ops : 1));
	if (!saved)
		abort();

	for (int chunk = seq->nr_ops / 2; chunk >= 1; chunk /= 2) {
		int i = 0;

		while (i < seq->nr_ops - 1) {
			int n = chunk, len = seq->nr_ops;

			if (i + n > len - 1)
				n = len - 1 - i;
			if (n <= 0)
				break;
			memcpy(saved, seq->ops, sizeof(*saved) * len);
			memmove(&seq->ops[i], &seq->ops[i + n],
				sizeof(*saved) * (len - i - n));
			seq->nr_ops = len - n;
			/* Without the fork, the child's ops go too. */
			diff_seq_fixup(seq);
			if (still_fails(seq, what, kind, &step)) {
				seq->nr_ops = step + 1;
				continue;
			}
			memcpy(seq->ops, saved, sizeof(*saved) * len);
			seq->nr_ops = len;
			i += n;
		}
	}

	for (int i = 0; i < seq->nr_ops; i++) {
		struct diff_op *op = &seq->ops[i];
		struct diff_op keep = *op;
		/* clang-format off */
		const unsigned long drop[] = {
			MAP_POPULATE, MAP_NORESERVE, MAP_STACK, MAP_NONBLOCK,
		};
		/* clang-format on */

		if (op->len & ~DIFF_PAGE_MASK && op->len < DIFF_WINDOW_SIZE) {
			op->len =
				(op->len + DIFF_PAGE_SIZE - 1) & DIFF_PAGE_MASK;
			if (!still_fails(seq, what, kind, &step))
				*op = keep;
		}
		for (unsigned int d = 0; op->kind == DIFF_MMAP &&
					 d < sizeof(drop) / sizeof(drop[0]);
		     d++) {
			keep = *op;
			if (!(op->flags & drop[d]))
				continue;
			op->flags &= ~drop[d];
			if (!still_fails(seq, what, kind, &step))
				*op = keep;
		}
	}
	free(saved);
}
