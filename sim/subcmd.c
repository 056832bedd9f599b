// SPDX-License-Identifier: MIT
/*
 * What the subcommands share: the usage error, the parsing of a number
 * option, and the two ways they print words (a shell word of a replay
 * command, a paragraph filled to the terminal's width).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "subcmd.h"

int subcmd_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mmsim help %s'.\n", cmd);
	return SUBCMD_EXIT_USAGE;
}

int subcmd_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return subcmd_usage(cmd, "option '%s' needs an argument",
				    argv[optind - 1]);
	if (optopt)
		return subcmd_usage(cmd, "unknown option '-%c'", optopt);
	return subcmd_usage(cmd, "unknown option '%s'", argv[optind - 1]);
}

int subcmd_parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

void subcmd_shell_word(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	/* A word of these characters needs no quotes; an empty one does. */
	if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
			       "UVWXYZ0123456789_-./=:,+@")]) {
		snprintf(buf + len, size - len, " %s", s);
		return;
	}
	snprintf(buf + len, size - len, " '");
	for (; *s && strlen(buf) + 6 < size; s++) {
		len = strlen(buf);
		if (*s == '\'')
			snprintf(buf + len, size - len, "'\\''");
		else
			snprintf(buf + len, size - len, "%c", *s);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "'");
}

void subcmd_fill(FILE *out, const char *text, const char *indent)
{
	size_t col = 0, n;

	while (*text) {
		n = strcspn(text, " ");
		if (col && col + 1 + n > 76) {
			fprintf(out, "\n%s", indent);
			col = strlen(indent);
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)n, text);
		col += n;
		text += n;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}
