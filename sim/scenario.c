// SPDX-License-Identifier: MIT
/*
 * The scenario runner: read lines, split them into words, find the command,
 * parse its arguments and run it; build the machine before and tear it
 * down after, checking that the library gave back everything it took.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"
#include "scenario.h"

static const char *const alloc_kind_names[MSIM_NR_ALLOC_KINDS] = {
	[MSIM_ALLOC_FRAME] = "page frame",
	[MSIM_ALLOC_PGTABLE] = "page table",
	[MSIM_ALLOC_VMA] = "vm_area_struct",
	[MSIM_ALLOC_ANON_VMA] = "anon_vma",
	[MSIM_ALLOC_AVC] = "anon_vma_chain",
	[MSIM_ALLOC_MM] = "mm_struct",
	[MSIM_ALLOC_TASK] = "task_struct",
	[MSIM_ALLOC_OTHER] = "other object",
	[MSIM_ALLOC_SWAP] = "swap slot",
	[MSIM_ALLOC_KMALLOC] = "kmalloc",
};

static void vreport(struct scn_state *st, const char *fmt, va_list ap)
{
	if (st->opt->quiet)
		return;
	fflush(st->out);
	fprintf(st->err, "%s:%lu: ", st->file, st->line);
	vfprintf(st->err, fmt, ap);
	fputc('\n', st->err);
}

void scn_report(struct scn_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(st, fmt, ap);
	va_end(ap);
}

int scn_malformed(struct scn_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(st, fmt, ap);
	va_end(ap);
	return SCN_EXIT_MALFORMED;
}

void scn_call_failed(struct scn_state *st, const struct scn_call *call,
		     long err)
{
	char q[SCN_QUOTE_MAX];
	int i;

	if (st->opt->quiet)
		return;
	fflush(st->out);
	fprintf(st->err, "%s:%lu: %s", st->file, st->line, call->argv[0]);
	for (i = 1; i < call->argc; i++)
		fprintf(st->err, " %s",
			scn_quote(call->argv[i], strlen(call->argv[i]), q,
				  sizeof(q)));
	fprintf(st->err, ": %s\n", msim_errno_name(err));
}

void scn_internal_error(struct scn_state *st, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	st->status = SCN_EXIT_FAILED;
	if (st->run) {
		/* In a run of the scheduler: a failure of that schedule. */
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		msim_run_fail(st->run, "internal", "%s: %s%s", st->file,
			      st->tainted ? "after broken_kvm's writes: " : "",
			      msg);
		return;
	}
	if (st->opt->quiet)
		return;
	fflush(st->out);
	fprintf(st->err, "mmsim: %s: %s: ", st->file,
		st->tainted ? "after broken_kvm's writes" : "internal error");
	va_start(ap, fmt);
	vfprintf(st->err, fmt, ap);
	va_end(ap);
	fputc('\n', st->err);
}

void scn_violation(struct scn_state *st, const char *kind, const char *what,
		   const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->status = SCN_EXIT_FAILED;
	if (st->run)
		msim_run_fail(st->run, kind, "%s:%lu: %s: %s", st->file,
			      st->line, what, msg);
	else
		scn_report(st, "%s: %s", what, msg);
}

/*
 * Check @t's mm; name the task in the message once there is more than one,
 * or "check: VMA tree out of order" would not say whose.
 */
static int check_task(struct scn_state *st, struct scn_task *t,
		      const char *what)
{
	char msg[512];

	if (scn_task_exited(t) ||
	    !msim_mm_check_msg(t->tsk->mm, msg, sizeof(msg)))
		return 0;
	if (list_is_singular(&st->tasks))
		scn_violation(st, "invariant", what, "%s", msg);
	else
		scn_violation(st, "invariant", what, "%s: %s", t->name, msg);
	return -EUCLEAN;
}

/*
 * The current mm first, as that is what the lines before acted on, then
 * the others: msim_machine_check() goes through every mm too, but could
 * not say which task a broken one belongs to.  Then what no single mm
 * shows: frames shared by fork, and the commit charge of all together.
 */
int scn_check(struct scn_state *st, const char *what)
{
	char msg[512];
	struct scn_task *t;

	if (st->current && check_task(st, st->current, what))
		goto failed;
	list_for_each_entry(t, &st->tasks, node)
		if (t != st->current && check_task(st, t, what))
			goto failed;
	if (msim_machine_check(st->machine, msg, sizeof(msg))) {
		scn_violation(st, "invariant", what, "%s", msg);
		goto failed;
	}
	return scn_coherence_check(st, what);
failed:
	st->status = SCN_EXIT_FAILED;
	return -EUCLEAN;
}

struct scn_task *scn_task_lookup(struct scn_state *st, const char *name)
{
	struct scn_task *t;

	list_for_each_entry(t, &st->tasks, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

struct scn_task *scn_task_add(struct scn_state *st, const char *name,
			      struct task_struct *tsk)
{
	struct scn_task *t = calloc(1, sizeof(*t));

	if (!t || !(t->name = strdup(name))) {
		free(t);
		return NULL;
	}
	t->tsk = tsk;
	list_add_tail(&t->node, &st->tasks);
	return t;
}

/*
 * Words are separated by blanks, spaces and tabs: the only bytes below
 * 0x20 a line may hold (check_bytes()).
 */
#define BLANKS " \t"

int scn_parse_line(struct scn_state *st, char *text, struct scn_call *call)
{
	char err[SCN_ERR_MAX], q[SCN_QUOTE_MAX];
	const char *name;
	char *word, *save;
	int i, nargs, got;

	memset(call, 0, sizeof(*call));
	text[strcspn(text, "#")] = '\0';
	for (word = strtok_r(text, BLANKS, &save); word;
	     word = strtok_r(NULL, BLANKS, &save)) {
		/* Count what does not fit, for the message. */
		if (call->argc <= SCN_MAX_ARGS)
			call->argv[call->argc] = word;
		call->argc++;
	}
	if (!call->argc)
		return 1;

	name = call->argv[0];
	call->cmd = scn_command_lookup(name);
	if (!call->cmd)
		return scn_malformed(
			st, "unknown command '%s'",
			scn_quote(name, strlen(name), q, sizeof(q)));
	for (nargs = 0; nargs < SCN_MAX_ARGS && call->cmd->args[nargs]; nargs++)
		;
	got = call->argc - 1;
	if (got != nargs && !nargs)
		return scn_malformed(st, "%s: expected no arguments, got %d",
				     name, got);
	if (got != nargs &&
	    !((call->cmd->flags & SCN_CMD_OPTIONAL_LAST) && got == nargs - 1))
		return scn_malformed(st,
				     "%s: expected %d argument%s (%s), "
				     "got %d",
				     name, nargs, nargs == 1 ? "" : "s",
				     call->cmd->synopsis, got);
	for (i = 0; i < got; i++)
		if (scn_parse_arg(call->cmd->args[i], call->argv[i + 1],
				  &call->arg[i], err, sizeof(err)))
			return scn_malformed(st, "%s: %s", name, err);
	return 0;
}

/* The line about to run, as a mark in the event record: its words. */
static void trace_line(const struct scn_state *st, const struct scn_call *call)
{
	char text[MSIM_TRACE_STR];
	size_t len = 0;
	int i;

	text[0] = '\0';
	for (i = 0; i < call->argc && len < sizeof(text); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s%s",
				i ? " " : "", call->argv[i]);
	msim_trace_mark(st->line, "%s", text);
}

int scn_run_line(struct scn_state *st, char *text)
{
	struct scn_call call;
	const char *name;
	int i;

	i = scn_parse_line(st, text, &call);
	if (i)
		return i == 1 ? 0 : i;
	if (msim_trace_on())
		trace_line(st, &call);
	name = call.argv[0];
	if ((call.cmd->flags & SCN_CMD_TASK) && !st->current) {
		scn_report(st, "%s: %s", name, msim_errno_name(-ESRCH));
	} else {
		i = call.cmd->run(st, &call);
		if (i)
			return i;
	}
	/* Stop at the first violation: what follows it proves nothing. */
	if (st->opt->check_each && scn_check(st, "--check"))
		return SCN_EXIT_FAILED;
	return 0;
}

/*
 * --echo: the file as it runs, so that the output reads without it.  A
 * command is printed as "> " and the line as written (blanks around it
 * trimmed, a trailing comment kept) before what it prints; a comment line
 * is printed as it is, so that the comments above a command introduce it;
 * a run of blank lines becomes one blank line, and none starts or ends
 * the output.  Output lines never start with '>' or '#', so the three
 * kinds stay apart.
 */
void scn_echo_line(struct scn_state *st, const char *text)
{
	size_t len;

	text += strspn(text, BLANKS);
	len = strlen(text);
	while (len && strchr(BLANKS, text[len - 1]))
		len--;
	if (!len) {
		st->echo_gap = st->echoed;
		return;
	}
	if (st->echo_gap)
		fputc('\n', st->out);
	fprintf(st->out, "%s%.*s\n", text[0] == '#' ? "" : "> ", (int)len,
		text);
	st->echoed = true;
	st->echo_gap = false;
}

/*
 * The next line of @in, its newline dropped, into @buf (SCN_LINE_MAX + 1
 * bytes), terminated; a NUL in it stays, counted in *@len.  A line longer
 * than SCN_LINE_MAX is read no further than that, so that an endless one
 * (/dev/zero) costs no more memory than a long one.
 * Return: 1 for a line, 0 at the end of the input, -E2BIG for a line too
 * long, -EIO if reading failed.
 */
static int read_line(FILE *in, char *buf, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (n == SCN_LINE_MAX)
			return -E2BIG;
		buf[n++] = (char)c;
	}
	if (ferror(in))
		return -EIO;
	if (c == EOF && !n)
		return 0;
	buf[n] = '\0';
	*len = n;
	return 1;
}

/*
 * A line is text: any control byte but tab (NUL, which would end the line
 * where it stands, a carriage return, an escape sequence that would reach
 * the terminal through --echo) makes it malformed, comments included.
 * Bytes above 0x7f may stand in comments (UTF-8); in a word they fail to
 * parse, and messages quote them escaped (scn_quote()).
 */
static int check_bytes(struct scn_state *st, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return scn_malformed(
				st, "control byte '\\x%02x' at column %zu%s", c,
				i + 1,
				c == '\r' && i + 1 == len
					? " (a CRLF line end?)"
					: "");
	}
	return 0;
}

int scn_read_line(struct scn_state *st, FILE *in, char *buf, int *status)
{
	size_t len;
	int ret = read_line(in, buf, &len);

	*status = 0;
	if (ret == 0)
		return 0;
	st->line++;
	if (ret == -E2BIG) {
		*status = scn_malformed(
			st, "line too long (more than %d bytes)", SCN_LINE_MAX);
		return -1;
	}
	if (ret == -EIO) {
		fprintf(st->err, "mmsim: %s: %s\n", st->file, strerror(errno));
		*status = SCN_EXIT_MALFORMED;
		return -1;
	}
	*status = check_bytes(st, buf, len);
	return *status ? -1 : 1;
}

static int run_lines(struct scn_state *st, FILE *in)
{
	unsigned long next_line = 0;
	char *buf = malloc(SCN_LINE_MAX + 1), *next = NULL;
	int ret = 0, got;

	if (!buf) {
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	for (;;) {
		if (next) {
			/* The line that ended a thread section. */
			strcpy(buf, next);
			free(next);
			next = NULL;
			st->line = next_line;
		} else {
			got = scn_read_line(st, in, buf, &ret);
			if (got <= 0)
				break;
		}
		if (st->opt->echo)
			scn_echo_line(st, buf);
		if (scn_is_section(buf))
			ret = scn_run_section(st, in, buf, &next, &next_line);
		else
			ret = scn_run_line(st, buf);
		if (ret)
			break;
	}
	free(next);
	free(buf);
	return ret;
}

static int setup(struct scn_state *st)
{
	struct msim_machine_config cfg = {
		.arch = st->opt->arch,
		.ram_bytes = st->opt->ram_bytes,
		.swap_bytes = st->opt->swap_bytes,
	};
	struct msim_machine *m = msim_machine_create(&cfg);
	struct task_struct *tsk;

	if (IS_ERR(m)) {
		const char *err = msim_errno_name(PTR_ERR(m));

		if (cfg.swap_bytes)
			fprintf(st->err,
				"mmsim: cannot create a machine with %lu bytes "
				"of RAM and %lu bytes of swap: %s\n",
				cfg.ram_bytes, cfg.swap_bytes, err);
		else if (cfg.ram_bytes)
			fprintf(st->err,
				"mmsim: cannot create a machine with %lu bytes "
				"of RAM: %s\n",
				cfg.ram_bytes, err);
		else
			fprintf(st->err,
				"mmsim: cannot create the machine: %s\n", err);
		return SCN_EXIT_MALFORMED;
	}
	st->machine = m;
	tsk = msim_task_create(m, "init");
	if (IS_ERR(tsk)) {
		scn_internal_error(st, "msim_task_create: %s",
				   msim_errno_name(PTR_ERR(tsk)));
		return SCN_EXIT_FAILED;
	}
	st->current = scn_task_add(st, "init", tsk);
	if (!st->current) {
		msim_task_put(tsk);
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	msim_set_current(tsk);
	return 0;
}

/*
 * As if every process still running were killed and then all were reaped:
 * each live task exits, the oldest first, and only then are the task
 * structs put.  Whatever the library has not given back by then leaked.
 */
static void teardown(struct scn_state *st)
{
	struct msim_machine *m = st->machine;
	struct scn_task *t, *n;
	char msg[512];
	int k, err;
	long live;

	if (!m)
		return;
	list_for_each_entry(t, &st->tasks, node)
		if (!scn_task_exited(t))
			msim_exit(t->tsk);
	st->current = NULL;
	msim_set_current(NULL);
	scn_drivers_teardown(st);
	list_for_each_entry_safe(t, n, &st->tasks, node) {
		list_del_init(&t->node);
		msim_task_put(t->tsk);
		free(t->name);
		free(t);
	}
	if (msim_machine_check(m, msg, sizeof(msg)))
		scn_internal_error(st, "at exit: %s", msg);
	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++) {
		live = msim_live(m, k) - msim_machine_kept(m, k);
		if (live)
			scn_internal_error(st, "at exit: %ld %s%s leaked", live,
					   alloc_kind_names[k],
					   live == 1 ? "" : "s");
	}
	err = msim_machine_destroy(m);
	if (err == -EBUSY)
		scn_internal_error(st,
				   "msim_machine_destroy: EBUSY: %lu mm(s) "
				   "still alive after every task was put",
				   msim_machine_nr_mms(m));
	else if (err)
		scn_internal_error(st, "msim_machine_destroy: %s",
				   msim_errno_name(err));
	st->machine = NULL;
}

int scn_run_text(const char *path, const char *text, size_t len,
		 const struct scn_options *opt, struct msim_run *run)
{
	struct scn_state st = {
		.file = path,
		.opt = opt,
		.out = opt->out ? opt->out : stdout,
		.err = opt->err ? opt->err : stderr,
		.run = run,
	};
	FILE *in = NULL;
	int ret;

	INIT_LIST_HEAD(&st.tasks);
	INIT_LIST_HEAD(&st.drivers);
	INIT_LIST_HEAD(&st.checkers);
	if (len) {
		in = fmemopen((void *)text, len, "r");
		if (!in) {
			fprintf(st.err, "mmsim: %s: %s\n", path,
				strerror(errno));
			return SCN_EXIT_MALFORMED;
		}
	}
	ret = setup(&st);
	if (run && opt->check_every_step)
		msim_run_set_step_check(run, scn_step_check, &st);
	if (!ret && in)
		ret = run_lines(&st, in);
	if (in)
		fclose(in);
	/* Threads stopped with locks held: the world is theirs for good. */
	if (ret == SCN_EXIT_STOPPED)
		return ret;
	teardown(&st);
	fflush(st.out);
	return ret > st.status ? ret : st.status;
}

/*
 * The whole of @in, for a file with thread sections runs once per
 * schedule.  Bounded twice over: a line longer than SCN_LINE_MAX stops
 * the reading there, before anything runs, so that an endless line
 * (/dev/zero) costs no more than a long one; and the whole text may not
 * exceed SCN_TEXT_MAX.  Control bytes are left for scn_read_line() to
 * refuse when the run reaches their line, as for any malformed line.
 */
int scn_load(FILE *in, const char *name, const struct scn_options *opt,
	     char **textp, size_t *lenp)
{
	struct scn_state st = {
		.file = name,
		.opt = opt,
		.out = opt->out ? opt->out : stdout,
		.err = opt->err ? opt->err : stderr,
	};
	size_t len = 0, size = 0, col = 0;
	char *text = NULL, *grown;
	int c, ret = 0;

	for (;;) {
		c = getc(in);
		if (c == EOF)
			break;
		if (len + 2 > size) {
			size = size ? 2 * size : 4096;
			grown = size <= SCN_TEXT_MAX + 2 ? realloc(text, size)
							 : NULL;
			if (!grown) {
				st.line++;
				ret = scn_malformed(&st,
						    "the scenario is larger "
						    "than %d bytes",
						    SCN_TEXT_MAX);
				goto fail;
			}
			text = grown;
		}
		text[len++] = (char)c;
		if (c == '\n') {
			st.line++;
			col = 0;
		} else if (++col > SCN_LINE_MAX) {
			st.line++;
			ret = scn_malformed(
				&st, "line too long (more than %d bytes)",
				SCN_LINE_MAX);
			goto fail;
		}
	}
	if (ferror(in)) {
		fprintf(st.err, "mmsim: %s: %s\n", name, strerror(errno));
		ret = SCN_EXIT_MALFORMED;
		goto fail;
	}
	if (!text) {
		text = malloc(1);
		if (!text) {
			fprintf(st.err, "mmsim: %s: out of memory\n", name);
			return SCN_EXIT_MALFORMED;
		}
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
fail:
	fflush(st.out);
	free(text);
	return ret;
}

int scn_run_stream(FILE *in, const char *name, const struct scn_options *opt)
{
	struct msim_trace *t;
	char title[4200];
	char *text;
	size_t len;
	int ret = scn_load(in, name, opt, &text, &len);

	if (ret)
		return ret;
	if (opt->schedule)
		snprintf(title, sizeof(title), "%s, schedule %s", name,
			 opt->schedule);
	else
		snprintf(title, sizeof(title), "%s", name);
	t = scn_trace_start(opt->trace, title);
	if (scn_has_sections(text, len) || opt->schedule)
		ret = scn_run_threads_file(name, text, len, opt);
	else
		ret = scn_run_text(name, text, len, opt, NULL);
	free(text);
	if (t) {
		fflush(opt->out ? opt->out : stdout);
		if (scn_trace_finish(t, opt->trace, 0,
				     opt->out ? opt->out : stdout, NULL, NULL,
				     0) &&
		    ret < SCN_EXIT_FAILED)
			ret = SCN_EXIT_FAILED;
	}
	return ret;
}

int scn_run_file(const char *path, const struct scn_options *opt)
{
	FILE *in;
	int ret;

	if (!strcmp(path, "-"))
		return scn_run_stream(stdin, "<stdin>", opt);
	in = fopen(path, "r");
	if (!in) {
		fprintf(opt->err ? opt->err : stderr, "mmsim: %s: %s\n", path,
			strerror(errno));
		return SCN_EXIT_MALFORMED;
	}
	ret = scn_run_stream(in, path, opt);
	fclose(in);
	return ret;
}
