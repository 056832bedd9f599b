// SPDX-License-Identifier: MIT
/*
 * Thread sections of scenario files:
 *
 *	thread NAME
 *		COMMAND ...
 *	end
 *
 * Consecutive blocks (blank lines and comments may come between them)
 * form one concurrent section: when the runner reaches the first, it
 * reads them all, checks every line of every block, and runs them as
 * simulated threads of the scheduler (<mmsim/scheduler.h>), which are
 * all joined before the next line outside a block.  Each thread starts on
 * the process that was current where the section began; 'in' inside a
 * block changes that thread's alone.  The runner's per-thread state (the
 * current process, the line being run) follows the threads as they are
 * switched (the sections' swap callback).
 *
 * After each section the invariant and coherence checkers run, and with
 * --check-every-step after every scheduling step at which no thread holds
 * a lock.  A file with sections is one run of the scheduler: 'mmsim run'
 * makes it under the first schedule of the depth-first search (no
 * preemption) or the one --schedule gives, 'mmsim explore' under many;
 * what goes wrong is then a failure of the run, reported with the
 * schedule that replays it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers.h"
#include "scenario.h"

struct scn_bline {
	unsigned long line;
	char *text;
};

struct scn_thread {
	struct scn_state *st;
	bool busy; /* in the middle of a command */
	char *name;
	unsigned long start;
	struct scn_bline *lines;
	unsigned int nlines;
	struct scn_task *current;
	unsigned long line;
	int status;
};

/* The first word of @text, into @word; false for a line without one. */
static bool first_word(const char *text, char *word, size_t size,
		       const char **rest)
{
	size_t n;

	text += strspn(text, " \t\r\n\v\f");
	if (!*text || *text == '#')
		return false;
	n = strcspn(text, " \t\r\n\v\f#");
	if (n >= size)
		n = size - 1;
	memcpy(word, text, n);
	word[n] = '\0';
	if (rest)
		*rest = text + strcspn(text, " \t\r\n\v\f#");
	return true;
}

bool scn_is_section(const char *text)
{
	char w[16];

	return first_word(text, w, sizeof(w), NULL) && !strcmp(w, "thread");
}

bool scn_has_sections(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[64];
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (scn_is_section(line))
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* The words of a line, comment cut off: "thread NAME" has exactly two. */
static int split(char *text, char **argv, int max)
{
	char *save, *w;
	int n = 0;

	text[strcspn(text, "#")] = '\0';
	for (w = strtok_r(text, " \t\r\n\v\f", &save); w;
	     w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (n < max)
			argv[n] = w;
		n++;
	}
	return n;
}

static void threads_free(struct scn_thread *t, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].nlines; j++)
			free(t[i].lines[j].text);
		free(t[i].lines);
		free(t[i].name);
	}
	free(t);
}

/* An allocation failed: the run stops with an internal error. */
static int no_memory(struct scn_state *st)
{
	scn_internal_error(st, "out of memory");
	return SCN_EXIT_FAILED;
}

/*
 * A line, parsed but not run: valid, or the run stops at it.  'end'
 * outside a block says so, as running it would.
 */
static int check_line(struct scn_state *st, const char *text)
{
	struct scn_call call;
	char *copy = strdup(text);
	int ret;

	if (!copy)
		return no_memory(st);
	ret = scn_parse_line(st, copy, &call);
	if (!ret && (call.cmd->flags & SCN_CMD_BLOCK))
		ret = call.cmd->run(st, &call);
	free(copy);
	return ret == 1 ? 0 : ret;
}

/*
 * "thread NAME" in @head (changed in place): checks the name, unique in
 * the section, and appends an empty thread to @t.
 */
static int open_block(struct scn_state *st, char *head, struct scn_thread **t,
		      unsigned int *n)
{
	char *argv[3], err[SCN_ERR_MAX];
	struct scn_thread *th;
	int argc = split(head, argv, 3);
	unsigned long val;
	unsigned int i;

	if (argc != 2)
		return scn_malformed(st,
				     "thread: expected 1 argument (NAME), "
				     "got %d",
				     argc - 1);
	if (scn_parse_arg(SCN_ARG_NAME, argv[1], &val, err, sizeof(err)))
		return scn_malformed(st, "thread: %s", err);
	for (i = 0; i < *n; i++)
		if (!strcmp((*t)[i].name, argv[1]))
			return scn_malformed(st,
					     "thread %s: a thread of this "
					     "section has that name (line %lu)",
					     argv[1], (*t)[i].start);
	if (*n == MSIM_MAX_THREADS)
		return scn_malformed(st,
				     "thread %s: more than %d threads in one "
				     "section",
				     argv[1], MSIM_MAX_THREADS);
	th = realloc(*t, (*n + 1) * sizeof(*th));
	if (!th)
		return no_memory(st);
	*t = th;
	th = &th[*n];
	memset(th, 0, sizeof(*th));
	th->st = st;
	th->start = st->line;
	th->name = strdup(argv[1]);
	/* Counted even without its name, so that threads_free() frees it. */
	(*n)++;
	return th->name ? 0 : no_memory(st);
}

/* @buf holds 'end': refused with arguments. */
static int close_block(struct scn_state *st, const char *buf)
{
	char *copy = strdup(buf), *av[2];
	int ret = 0;

	if (!copy)
		return no_memory(st);
	if (split(copy, av, 2) != 1)
		ret = scn_malformed(st, "end: expected no arguments");
	free(copy);
	return ret;
}

/*
 * The lines of @th's block up to its 'end', each checked as it is read
 * (@buf is the line buffer).  A block is never empty, never holds
 * another 'thread', and the file may not end inside it.
 */
static int read_block(struct scn_state *st, FILE *in, char *buf,
		      struct scn_thread *th)
{
	for (;;) {
		struct scn_bline *lines;
		const char *rest;
		char word[16];
		int ret = 0, got = scn_read_line(st, in, buf, &ret);

		if (got < 0)
			return ret;
		if (!got) {
			unsigned long here = st->line;

			st->line = th->start;
			return scn_malformed(st,
					     "thread %s: no 'end' (the file "
					     "ends at line %lu)",
					     th->name, here);
		}
		if (st->opt->echo)
			scn_echo_line(st, buf);
		if (!first_word(buf, word, sizeof(word), &rest))
			continue;
		if (!strcmp(word, "thread"))
			return scn_malformed(st,
					     "thread inside thread %s (line "
					     "%lu): a block ends with 'end'",
					     th->name, th->start);
		if (!strcmp(word, "end")) {
			ret = close_block(st, buf);
			if (ret)
				return ret;
			break;
		}
		ret = check_line(st, buf);
		if (ret)
			return ret;
		lines = realloc(th->lines, (th->nlines + 1) * sizeof(*lines));
		if (!lines)
			return no_memory(st);
		th->lines = lines;
		lines[th->nlines].text = strdup(buf);
		if (!lines[th->nlines].text)
			return no_memory(st);
		lines[th->nlines++].line = st->line;
	}
	if (!th->nlines) {
		st->line = th->start;
		return scn_malformed(st, "thread %s: empty block", th->name);
	}
	return 0;
}

/*
 * The next line with a word (blank lines and comments between blocks are
 * echoed and skipped): 1 with it in @buf and its first word in @word, 0
 * at the end of @in, -1 with *@status when the run must stop.
 */
static int next_word_line(struct scn_state *st, FILE *in, char *buf, char *word,
			  size_t size, int *status)
{
	for (;;) {
		int got = scn_read_line(st, in, buf, status);

		if (got <= 0)
			return got;
		if (first_word(buf, word, size, NULL))
			return 1;
		if (st->opt->echo)
			scn_echo_line(st, buf);
	}
}

/*
 * Read the blocks of one section, from "thread NAME" in @first (at
 * st->line) on.  Returns 0 with the threads, or the status that stops the
 * run; @next gets the line after the section (NULL at the end of the
 * file), which is not echoed: the runner runs it next.
 */
static int read_section(struct scn_state *st, FILE *in, const char *first,
			struct scn_thread **out, unsigned int *count,
			char **next, unsigned long *next_line)
{
	struct scn_thread *t = NULL;
	char *buf = malloc(SCN_LINE_MAX + 1), *head = strdup(first);
	unsigned int n = 0;
	int ret = 0;

	*next = NULL;
	if (!head || !buf) {
		ret = no_memory(st);
		goto fail;
	}
	for (;;) {
		char word[16];
		int got;

		ret = open_block(st, head, &t, &n);
		if (!ret)
			ret = read_block(st, in, buf, &t[n - 1]);
		if (ret)
			goto fail;
		got = next_word_line(st, in, buf, word, sizeof(word), &ret);
		if (got < 0)
			goto fail;
		if (!got)
			break;
		if (strcmp(word, "thread")) {
			*next = strdup(buf);
			*next_line = st->line;
			if (!*next) {
				ret = no_memory(st);
				goto fail;
			}
			break;
		}
		if (st->opt->echo)
			scn_echo_line(st, buf);
		free(head);
		head = strdup(buf);
		if (!head) {
			ret = no_memory(st);
			goto fail;
		}
	}
	free(head);
	free(buf);
	*out = t;
	*count = n;
	return 0;
fail:
	free(head);
	free(buf);
	threads_free(t, n);
	return ret;
}

static void thread_fn(void *arg)
{
	struct scn_thread *t = arg;
	struct scn_state *st = t->st;
	unsigned int i;

	for (i = 0; i < t->nlines; i++) {
		char *copy = strdup(t->lines[i].text);
		int ret;

		st->line = t->lines[i].line;
		if (!copy) {
			t->status = SCN_EXIT_FAILED;
			return;
		}
		t->busy = true;
		ret = scn_run_line(st, copy);
		t->busy = false;
		free(copy);
		if (ret) {
			t->status = ret;
			return;
		}
	}
}

/* The runner's state of a thread goes with it. */
static void thread_swap(void *arg, bool in)
{
	struct scn_thread *t = arg;

	if (in) {
		t->st->current = t->current;
		t->st->line = t->line;
	} else {
		t->current = t->st->current;
		t->line = t->st->line;
	}
}

/* The section running, for the checks between its steps. */
static struct scn_thread *running;
static unsigned int nrunning;

int scn_run_section(struct scn_state *st, FILE *in, const char *first,
		    char **next, unsigned long *next_line)
{
	struct msim_thread_spec specs[MSIM_MAX_THREADS];
	struct scn_task *current = st->current;
	unsigned long start = st->line;
	struct scn_thread *t;
	unsigned int n, i;
	int ret;

	ret = read_section(st, in, first, &t, &n, next, next_line);
	if (ret)
		return ret;
	if (!st->run) {
		st->line = start;
		threads_free(t, n);
		return scn_malformed(st, "thread sections need a run of the "
					 "scheduler");
	}
	for (i = 0; i < n; i++) {
		t[i].current = current;
		t[i].line = t[i].start;
		specs[i].name = t[i].name;
		specs[i].fn = thread_fn;
		specs[i].arg = &t[i];
		specs[i].swap = thread_swap;
	}
	running = t;
	nrunning = n;
	ret = msim_run_threads(st->run, n, specs);
	running = NULL;
	nrunning = 0;
	st->current = current;
	st->line = start;
	if (ret) {
		/* Stopped: the threads keep what they hold, and so do we. */
		return SCN_EXIT_STOPPED;
	}
	for (i = 0; i < n && !ret; i++)
		ret = t[i].status;
	threads_free(t, n);
	if (ret)
		return ret;
	/* What the threads left must hold together. */
	scn_check(st, "after the threads");
	st->line = *next ? *next_line : st->line;
	return 0;
}

/*
 * Called at every step at which no thread holds a lock or waits for one.
 * A device may use its translations at any such moment, so the coherence
 * checker runs at each; the model's own bookkeeping (free frame counts,
 * a page's counts while it is freed) has windows between two locks of
 * one operation, so the invariant checkers run only where every thread
 * is between two commands.
 */
void scn_step_check(struct msim_run *run, void *arg)
{
	struct scn_state *st = arg;
	struct scn_task *current = st->current;
	unsigned long line = st->line;
	unsigned int i;
	bool whole = true;

	(void)run;
	for (i = 0; i < nrunning; i++)
		if (running[i].busy)
			whole = false;
	if (whole)
		scn_check(st, "--check-every-step");
	else
		scn_coherence_check(st, "--check-every-step");
	st->current = current;
	st->line = line;
}

void scn_explore_body(struct msim_run *run, void *arg)
{
	struct scn_explore_job *job = arg;
	int ret = scn_run_text(job->path, job->text, job->len, job->opt, run);

	/* Explore does not print the message: say where to see it. */
	if (ret == SCN_EXIT_MALFORMED && job->opt->quiet)
		msim_run_fail(run, "scenario",
			      "%s: a line could not be run (mmsim run shows "
			      "which)",
			      job->path);
	if (ret != SCN_EXIT_STOPPED && ret > job->status)
		job->status = ret;
}

int scn_run_threads_file(const char *path, const char *text, size_t len,
			 const struct scn_options *opt)
{
	struct scn_explore_job job = { path, text, len, opt, 0 };
	FILE *out = opt->out ? opt->out : stdout;
	FILE *msgs = opt->err ? opt->err : stderr;
	struct msim_explore_opts eo;
	struct msim_explore_result res;
	char err[256];
	unsigned int i;
	int ret;

	msim_explore_opts_init(&eo);
	eo.in_process = true;
	eo.check_every_step = opt->check_every_step;
	ret = msim_replay(scn_explore_body, &job, opt->schedule, &eo, &res, err,
			  sizeof(err));
	fflush(out);
	for (i = 0; i < res.nfailures; i++)
		msim_failure_print(msgs, &res.failures[i]);
	if (ret == -EINVAL || ret == -ESRCH)
		fprintf(msgs, "mmsim: %s: schedule: %s\n", path, err);
	if (ret && ret != -ESRCH && ret != -EINVAL)
		fprintf(msgs, "mmsim: %s: %s\n", path, msim_errno_name(ret));
	if (res.stopped) {
		/*
		 * Threads were left in the middle of the library with locks
		 * held: nothing can be released, so leave now.
		 */
		fflush(out);
		fflush(msgs);
		scn_trace_finish_active();
		_exit(ret == -EINVAL || ret == -ESRCH ? SCN_EXIT_MALFORMED
						      : SCN_EXIT_FAILED);
	}
	if (ret == -EINVAL || ret == -ESRCH)
		job.status = SCN_EXIT_MALFORMED;
	else if (ret && job.status < SCN_EXIT_FAILED)
		job.status = SCN_EXIT_FAILED;
	if (res.nfailures && job.status < SCN_EXIT_FAILED)
		job.status = SCN_EXIT_FAILED;
	msim_explore_result_free(&res);
	return job.status;
}

/*
 * Every line parsed and every block closed, nothing run: what explore
 * checks before its first run.  The messages are those of a run.
 */
int scn_validate(const char *path, const char *text, size_t len,
		 const struct scn_options *opt)
{
	struct scn_state st = {
		.file = path,
		.opt = opt,
		.out = opt->out ? opt->out : stdout,
		.err = opt->err ? opt->err : stderr,
	};
	char *buf;
	FILE *in;
	int ret = 0;

	if (!len)
		return 0;
	buf = malloc(SCN_LINE_MAX + 1);
	in = fmemopen((void *)text, len, "r");
	if (!in || !buf) {
		free(buf);
		if (in)
			fclose(in);
		return SCN_EXIT_MALFORMED;
	}
	while (!ret && scn_read_line(&st, in, buf, &ret) > 0) {
		struct scn_thread *t;
		unsigned int n;
		char *next = NULL;
		unsigned long next_line = 0;

		while (scn_is_section(buf)) {
			ret = read_section(&st, in, buf, &t, &n, &next,
					   &next_line);
			if (ret)
				break;
			threads_free(t, n);
			if (!next)
				break;
			strcpy(buf, next);
			free(next);
			next = NULL;
			st.line = next_line;
		}
		if (ret || scn_is_section(buf))
			continue;
		ret = check_line(&st, buf);
	}
	free(buf);
	fclose(in);
	return ret;
}
