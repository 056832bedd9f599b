/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim subcommands
 *
 * Each subcommand of the mmsim program is a main() of its own and a help
 * text; main.c lists them in its table.
 */
#ifndef MMSIM_SIM_SUBCMD_H
#define MMSIM_SIM_SUBCMD_H

#include <stdio.h>

/* What a subcommand's main() returns for a usage error. */
#define SUBCMD_EXIT_USAGE 2

/*
 * subcmd_usage - "mmsim CMD: " and the message on stderr, then where the
 * help is; returns SUBCMD_EXIT_USAGE.  Each subcommand wraps it as its
 * usage_error().
 */
int subcmd_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * subcmd_bad_option - the usage error for what getopt_long() (called with
 * opterr = 0 and an optstring starting with ':') returned as @c: ':' for
 * an option without its argument, '?' for an unknown one.
 */
int subcmd_bad_option(const char *cmd, int c, char **argv);

/*
 * subcmd_parse_ulong - @s as a number (decimal, 0x hex or 0 octal) of at
 * most @max into *@v: 0, or -EINVAL for anything else (a sign, trailing
 * bytes, out of range).
 */
int subcmd_parse_ulong(const char *s, unsigned long max, unsigned long *v);

/*
 * subcmd_shell_word - append " WORD" to the string in @buf (@size bytes),
 * quoted for a POSIX shell where it must be, so that a printed command
 * can be pasted back.
 */
void subcmd_shell_word(char *buf, size_t size, const char *s);

/* subcmd_fill - @text to @out in lines of at most 76 columns, the later
 * ones starting with @indent. */
void subcmd_fill(FILE *out, const char *text, const char *indent);

/* mmsim run [OPTIONS] FILE: argv[0] is "run". */
int run_main(int argc, char **argv);
void run_help(FILE *out);

/* mmsim explore [OPTIONS] FILE: argv[0] is "explore". */
int explore_main(int argc, char **argv);
void explore_help(FILE *out);

/* mmsim cf-explore PROG [OPTIONS]: argv[0] is "cf-explore". */
int cf_explore_main(int argc, char **argv);
void cf_explore_help(FILE *out);

/* mmsim vdso-fuzz [OPTIONS]: argv[0] is "vdso-fuzz". */
int vdso_fuzz_main(int argc, char **argv);
void vdso_fuzz_help(FILE *out);

#endif /* MMSIM_SIM_SUBCMD_H */
