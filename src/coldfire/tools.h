/* SPDX-License-Identifier: MIT */
/*
 * Running the host's tools (cpp, m68k-linux-gnu-as, m68k-linux-gnu-gcc) on
 * files a user names, safely: only regular files are opened, each tool
 * runs within bounds of time, memory and output, and the scratch
 * directory it works in goes on every way out, signals included.  Shared
 * by the fixup loader (fixup_load.c) and the program loader
 * (program_load.c).
 */
#ifndef MMSIM_COLDFIRE_TOOLS_H
#define MMSIM_COLDFIRE_TOOLS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Each tool's bounds. */
#define TOOL_SECONDS 10
#define TOOL_MEMORY (1UL << 30)
#define TOOL_OUTPUT (16UL << 20)

enum tool_end {
	TOOL_EXITED,
	TOOL_FAILED,
	TOOL_KILLED,
	TOOL_TIMEOUT,
	TOOL_SIGNALLED
};

/* A one-line reason into @why; returns @err. */
int tool_why(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * @path, a regular file of at most @max bytes (checked before a byte is
 * read: a FIFO or a device is never read), into a malloc()ed *@buf.
 */
int tool_read_file(const char *path, size_t max, void **buf, size_t *len,
		   char *why, size_t whylen);

/* @path's bytes into a new file @copy, read through tool_read_file(). */
int tool_copy(const char *path, size_t max, const char *copy, char *why,
	      size_t whylen);

/* The directory of @path, for its quoted includes. */
void tool_dir_of(const char *path, char *buf, size_t size);

/* Is @tool an executable somewhere on $PATH? */
bool tool_on_path(const char *tool);

/* SIGHUP, SIGINT, SIGQUIT, SIGTERM: held while a tool runs. */
void tool_stop_signals(sigset_t *set);

/*
 * Runs @argv with standard output to @out (if not NULL) and standard
 * error to @err, within the bounds; the caller holds the stop signals.
 * Returns how it ended, its exit status or signal in *@code.
 */
enum tool_end tool_spawn(char *const argv[], const char *out, const char *err,
			 int *code);

/*
 * The reason a tool that did not succeed gives: its first error line from
 * @err, with @from (a scratch copy's path) named as @to.
 */
int tool_failed(enum tool_end end, int code, const char *tool, const char *err,
		const char *from, const char *to, char *why, size_t whylen);

/*
 * A scratch directory under $TMPDIR (or /tmp), with the stop signals
 * held from tool_scratch_open() to tool_scratch_close(), which removes
 * the files named in @files (NULL-ended, relative to it) and the
 * directory, then lets a held signal act.
 */
struct tool_scratch {
	char dir[512];
	sigset_t old;
};

int tool_scratch_open(struct tool_scratch *t, const char *prefix, char *why,
		      size_t whylen);
/* @dir/@name into @buf. */
void tool_scratch_path(const struct tool_scratch *t, const char *name,
		       char *buf, size_t size);
void tool_scratch_close(struct tool_scratch *t, const char *const *files);

#endif /* MMSIM_COLDFIRE_TOOLS_H */
