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

#include "parse.h"

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
 * @echo: print the file as it runs (see echo_line() in scenario.c)
 * @out: where the commands print (NULL: standard output)
 * @err: where messages go (NULL: standard error)
 */
struct scn_options {
	const struct msim_arch *arch;
	unsigned long ram_bytes;
	unsigned long swap_bytes;
	bool check_each;
	bool echo;
	FILE *out;
	FILE *err;
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
