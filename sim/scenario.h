/* SPDX-License-Identifier: MIT */
/**
 * DOC: Scenarios
 *
 * A scenario is a text file of commands, one a line, run against the
 * tasks of one simulated machine: what test programs would do with system
 * calls and memory accesses, without writing the programs.  One task, the
 * current one, makes the calls; fork, in and exit create, switch and end
 * tasks.  A call that fails is reported and the run goes on, as a program
 * would go on; a line that cannot be understood stops the run.
 *
 * Commands are rows of a table (scn_commands[]): a name, the kinds of the
 * arguments, and a handler that gets them parsed.  Adding a command is
 * adding a row.
 */
#ifndef MMSIM_SIM_SCENARIO_H
#define MMSIM_SIM_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

#include <mmsim/drivers.h>
#include <mmsim/scheduler.h>

#include "parse.h"
#include "trace_out.h"

/* Exit statuses of a run. */
#define SCN_EXIT_OK 0
#define SCN_EXIT_FAILED 1    /* a check found a violation */
#define SCN_EXIT_MALFORMED 2 /* bad input or usage */

#define SCN_MAX_ARGS 6

/*
 * The longest line a scenario may have, in bytes, its newline not
 * counted: a longer one stops the run ("line too long"), read no further
 * than that, so that the memory of a run does not grow with its input.
 */
#define SCN_LINE_MAX 4096

/*
 * The most bytes a scenario file may hold.  It is read whole before it
 * runs, since a file with thread sections runs once per schedule; the
 * bound keeps the memory of 'yes maps | mmsim run -' bounded too.
 */
#define SCN_TEXT_MAX (16 << 20)

/*
 * The most pages a per-page command (touch, age, idle) may cover, one
 * step (and for age and idle one value printed) a page: 4 GiB on x86_64.
 */
#define SCN_RANGE_MAX_PAGES (1UL << 20)

/**
 * struct scn_options - how to run a scenario
 * @arch: the machine's architecture (NULL: x86_64)
 * @ram_bytes: simulated RAM (0: the library's default)
 * @swap_bytes: the swap device (0: none)
 * @check_each: check the invariants after every command
 * @echo: print the file as it runs (see scn_echo_line())
 * @out: where the commands print (NULL: standard output)
 * @err: where messages go (NULL: standard error)
 * @check_every_step: in thread sections, check after every scheduling
 *	step at which no thread holds a lock (threads.c)
 * @schedule: the schedule thread sections run under (NULL: the first of
 *	the depth-first search, without preemption)
 * @quiet: report nothing on @err (runs of 'mmsim explore')
 * @trace: record the run and write the views asked for (trace_out.h);
 *	NULL or nothing asked: no record
 */
struct scn_options {
	const struct msim_arch *arch;
	unsigned long ram_bytes;
	unsigned long swap_bytes;
	bool check_each;
	bool echo;
	FILE *out;
	FILE *err;
	bool check_every_step;
	const char *schedule;
	bool quiet;
	const struct scn_trace_opts *trace;
};

/**
 * struct scn_task - a simulated process
 * @node: on scn_state.tasks, in creation order
 * @name: how the scenario refers to it (allocated); unique for the whole
 *	run, so that a name never means two processes in one file
 * @tsk: the library's task, one reference held until teardown; after
 *	msim_exit() it stays, with no mm, to keep @name taken
 */
struct scn_task {
	struct list_head node;
	char *name;
	struct task_struct *tsk;
};

/* Whether @t has exited: it has no mm left to act on. */
static inline bool scn_task_exited(const struct scn_task *t)
{
	return t->tsk->flags & PF_EXITING;
}

/**
 * struct scn_state - a scenario being run
 * @file: the name messages give (the path as the user wrote it)
 * @line: the line being run, from 1
 * @opt: the options of the run
 * @out: where the commands print (@opt->out or standard output)
 * @err: where messages go (@opt->err or standard error)
 * @machine: the machine every task lives on
 * @tasks: every task, exited ones included
 * @current: the task commands act on; NULL after it exits, until 'in'
 * @status: the exit status so far
 * @drivers: the secondary MMUs attached (drivers.c)
 * @checkers: their coherence checkers, one an mm (drivers.c)
 * @echoed: --echo has printed something
 * @echo_gap: --echo has passed a blank line since it last printed
 * @tainted: a broken driver (broken_kvm) wrote through its translations,
 *	which it never drops: into a frame freed and reused since, a page
 *	table as like as not, as a real one would.  What goes wrong after
 *	that may be its doing, not the library's (scn_internal_error()).
 * @run: the run of the scheduler a file with thread sections is part of,
 *	NULL for a file without; then violations are failures of the run
 */
struct scn_state {
	const char *file;
	unsigned long line;
	const struct scn_options *opt;
	FILE *out;
	FILE *err;
	struct msim_machine *machine;
	struct list_head tasks;
	struct scn_task *current;
	int status;
	struct list_head drivers;
	struct list_head checkers;
	bool echoed;
	bool echo_gap;
	bool tainted;
	struct msim_run *run;
};

/**
 * struct scn_call - one parsed line
 * @cmd: the command
 * @argc: the words on the line, the command's name included
 * @argv: the words as written, @argv[0] the command's name
 * @arg: the arguments, parsed by the command's argument kinds
 */
struct scn_call {
	const struct scn_command *cmd;
	int argc;
	char *argv[SCN_MAX_ARGS + 1];
	unsigned long arg[SCN_MAX_ARGS];
};

/**
 * struct scn_command - one row of the command table
 * @name: what the line starts with
 * @args: the kinds of the arguments, SCN_ARG_NONE after the last
 * @synopsis: the arguments' names, for messages and help
 * @help: one line for 'mmsim help run'
 * @run: do it; return 0 to go on or an exit status to stop the run (after
 *	saying why with scn_malformed())
 * @flags: SCN_CMD_*
 */
struct scn_command {
	const char *name;
	enum scn_arg_kind args[SCN_MAX_ARGS];
	const char *synopsis;
	const char *help;
	int (*run)(struct scn_state *st, const struct scn_call *call);
	unsigned int flags;
};

/*
 * The command acts on the current task.  With none (it exited) there is
 * no process to make the call: the runner reports "CMD: ESRCH" and goes
 * on without calling @run, which may then take st->current as given.
 */
#define SCN_CMD_TASK 0x1
/* The last argument may be left out (its word is then NULL). */
#define SCN_CMD_OPTIONAL_LAST 0x2
/* Not a command but the syntax of thread sections (threads.c). */
#define SCN_CMD_BLOCK 0x4

/* A run stopped in a thread section: its world is not to be touched. */
#define SCN_EXIT_STOPPED 3

/**
 * scn_task_lookup - the task called @name, exited or not, or NULL
 */
struct scn_task *scn_task_lookup(struct scn_state *st, const char *name);

/**
 * scn_task_add - put @tsk, with its reference, on @st's tasks as @name
 * Return: the new entry, or NULL (and @tsk untouched) if the host is out
 * of memory.
 */
struct scn_task *scn_task_add(struct scn_state *st, const char *name,
			      struct task_struct *tsk);

/* The command table, ended by a row without a name (commands.c). */
extern const struct scn_command scn_commands[];

/** scn_command_lookup - the command called @name, or NULL. */
const struct scn_command *scn_command_lookup(const char *name);

/** scn_commands_help - one line a command, for 'mmsim help run'. */
void scn_commands_help(FILE *out);

/**
 * scn_run_file - run the scenario in @path ("-" for standard input)
 * Return: the exit status (SCN_EXIT_*).
 */
int scn_run_file(const char *path, const struct scn_options *opt);

/**
 * scn_run_stream - run the scenario read from @in, which messages call
 * @name; for callers that have the text elsewhere than in a file (a
 * buffer under fmemopen(): the scenario fuzzer)
 * Return: the exit status (SCN_EXIT_*).
 */
int scn_run_stream(FILE *in, const char *name, const struct scn_options *opt);

/**
 * scn_load - read the whole of @in into *@text (malloc()ed, NUL-ended,
 * *@len bytes), in bounded memory: a line over SCN_LINE_MAX bytes or a
 * text over SCN_TEXT_MAX stops it, reported as "@name:LINE: reason".
 * Return: 0, or the exit status that ends the run.
 */
int scn_load(FILE *in, const char *name, const struct scn_options *opt,
	     char **text, size_t *len);

/**
 * scn_read_line - the next line of @in into @buf (SCN_LINE_MAX + 1
 * bytes), its newline dropped; counts it in @st->line and refuses one
 * too long or holding a control byte other than tab
 * Return: 1 for a line, 0 at the end of @in, -1 when the run must stop,
 * with *@status the exit status (its reason reported).
 */
int scn_read_line(struct scn_state *st, FILE *in, char *buf, int *status);

/**
 * scn_echo_line - --echo: print @text as the file runs (a command as
 * "> " and the line, a comment as it is; see scenario.c)
 */
void scn_echo_line(struct scn_state *st, const char *text);

/** scn_run_line - parse and run one line (changed in place). */
int scn_run_line(struct scn_state *st, char *text);

/* Thread sections (threads.c). */

/** scn_is_section - does @text open a thread block ("thread NAME")? */
bool scn_is_section(const char *text);

/** scn_has_sections - does the scenario have any thread block? */
bool scn_has_sections(const char *text, size_t len);

/**
 * scn_run_section - read the section that @first opens from @in and run it
 * @next: the line after the section, to run next (allocated), or NULL at
 *	the end of the file; @next_line its number
 * Return: 0, an exit status to stop the run, or SCN_EXIT_STOPPED.
 */
int scn_run_section(struct scn_state *st, FILE *in, const char *first,
		    char **next, unsigned long *next_line);

/** scn_step_check - the checks of --check-every-step (a step check). */
void scn_step_check(struct msim_run *run, void *arg);

/**
 * scn_run_threads_file - run a scenario with thread sections once, under
 * @opt->schedule, and report what failed.  Return: the exit status.
 */
int scn_run_threads_file(const char *path, const char *text, size_t len,
			 const struct scn_options *opt);

/**
 * scn_validate - parse every line of a scenario and the structure of its
 * thread blocks, without running anything; report the first error.
 * Return: 0 or SCN_EXIT_MALFORMED.
 */
int scn_validate(const char *path, const char *text, size_t len,
		 const struct scn_options *opt);

/** scn_explore_body - one run of a scenario, for msim_explore(). */
struct scn_explore_job {
	const char *path;
	const char *text;
	size_t len;
	const struct scn_options *opt;
	int status;
};
void scn_explore_body(struct msim_run *run, void *arg);

/**
 * scn_parse_line - split @text (changed in place) into @call
 * Return: 0 with @call filled, 1 for a line with nothing to run, or
 * SCN_EXIT_MALFORMED after reporting why.
 */
int scn_parse_line(struct scn_state *st, char *text, struct scn_call *call);

/**
 * scn_run_text - one run of the scenario @text (@len bytes) from @path
 * @run: the run of the scheduler it is part of (NULL: a file without
 *	thread sections)
 * Return: the exit status, or SCN_EXIT_STOPPED when the run stopped in a
 * thread section and its world was left as it was.
 */
int scn_run_text(const char *path, const char *text, size_t len,
		 const struct scn_options *opt, struct msim_run *run);

/**
 * scn_violation - a check found something wrong: reported as
 * "FILE:LINE: @what: message", or, in a run of the scheduler, a failure
 * of kind @kind with that text; the run has failed either way.
 */
void scn_violation(struct scn_state *st, const char *kind, const char *what,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * scn_report - print "FILE:LINE: " and the message on @st->err
 *
 * The output is flushed first so that where both go to one terminal or
 * file, the report lands after the output of the lines before it.
 */
void scn_report(struct scn_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * scn_call_failed - report that @call returned @err, as the line's words,
 * single-spaced, and the errno's name: "FILE:LINE: munmap 0x1000 0: EINVAL"
 */
void scn_call_failed(struct scn_state *st, const struct scn_call *call,
		     long err);

/** scn_malformed - scn_report(), and the status that stops the run. */
int scn_malformed(struct scn_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * scn_internal_error - "mmsim: FILE: internal error: " and the message on
 * @st->err, and the run has failed (@st->status is SCN_EXIT_FAILED).  For
 * the library breaking a promise, or the host running out of memory: not
 * the scenario's fault, but not a run to trust either.  Once @st->tainted,
 * "mmsim: FILE: after broken_kvm's writes: " instead: the scenario's
 * broken driver may have corrupted what is found wrong.
 */
void scn_internal_error(struct scn_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * scn_check - run the invariant checkers on every live task's mm, the
 * current one's first, then msim_machine_check() on the machine, then the
 * coherence checkers of the attached drivers (scn_coherence_check());
 * report a violation as "@what: description" ("@what: NAME: description"
 * for a task's mm once the run has more than one task).
 * Return: 0, or -EUCLEAN (and @st->status is SCN_EXIT_FAILED).
 */
int scn_check(struct scn_state *st, const char *what);

#endif /* MMSIM_SIM_SCENARIO_H */
