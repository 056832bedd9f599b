// SPDX-License-Identifier: MIT
/*
 * A growable string.  Both sides of the differential test build their
 * results and layouts as text, so that comparing them is strcmp() and
 * reporting them is printing them.  Allocation failure aborts: this is a
 * test program and a half-built report helps no one.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = realloc(sb->buf, sb->cap);
	if (!sb->buf)
		abort();
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/** sb_steal - the string, now the caller's to free(); @sb is left empty. */
char *sb_steal(struct strbuf *sb)
{
	char *s;

	if (!sb->buf)
		sb_add(sb, "", 0);
	s = sb->buf;
	sb_init(sb);
	return s;
}
