/* SPDX-License-Identifier: MIT */
/**
 * DOC: Scenario argument kinds
 *
 * Every argument of a scenario command is one word of a known kind.  Each
 * kind turns its word into an unsigned long or says, in a short phrase
 * that quotes the offending part, why it cannot: the runner prefixes the
 * file, the line and the command.  Names are the <sys/mman.h> ones so that
 * a scenario reads like the C program it stands for.
 */
#ifndef MMSIM_SIM_PARSE_H
#define MMSIM_SIM_PARSE_H

#include <stddef.h>

/* Room for a parse error: the phrase plus one quoted word. */
#define SCN_ERR_MAX 160

/* Room for a word quoted by scn_quote(), its NUL included. */
#define SCN_QUOTE_MAX 128

enum scn_arg_kind {
	SCN_ARG_NONE,	   /* ends a command's argument list */
	SCN_ARG_NUMBER,	   /* a C literal: 0x1000, 010, 4096 */
	SCN_ARG_PROT,	   /* PROT_* names or numbers joined by | */
	SCN_ARG_MAP_FLAGS, /* MAP_* names or numbers joined by | */
	SCN_ARG_ADVICE,	   /* one MADV_* name or a number */
	SCN_ARG_ACCESS,	   /* read, write or exec: an enum msim_access */
	SCN_ARG_BYTE,	   /* a number from 0 to 255 */
	SCN_ARG_NAME,	   /* a task's name; the value is 0, use the word */
	SCN_NR_ARG_KINDS
};

/**
 * scn_parse_arg - parse @word as an argument of @kind
 * @val: the value, on success
 * @err: on failure, why (at most @size bytes, always terminated)
 * Return: 0, or -EINVAL.
 */
int scn_parse_arg(enum scn_arg_kind kind, const char *word, unsigned long *val,
		  char *err, size_t size);

/**
 * scn_quote - @len bytes of @s as a message may show them: printable
 * ASCII as it is, any other byte as \xNN, never raw, so that what the
 * input holds cannot reach a terminal as control bytes.  Cut short with
 * "..." where it would not fit in @size bytes (SCN_QUOTE_MAX: a word).
 * Return: @buf, always terminated.
 */
const char *scn_quote(const char *s, size_t len, char *buf, size_t size);

/**
 * scn_parse_size - a byte count for an option: a number, optionally
 * followed by K, M, G or T (binary multiples).  Return: 0 or -EINVAL.
 */
int scn_parse_size(const char *word, unsigned long *val);

#endif /* MMSIM_SIM_PARSE_H */
