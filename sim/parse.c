// SPDX-License-Identifier: MIT
/*
 * Scenario argument kinds: C literals and <sys/mman.h> names.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mmsim/fault.h>
#include <mmsim/mm.h>

#include "parse.h"

/*
 * Names Linux 6.18 has and glibc's <sys/mman.h> may lack.  The library
 * rejects what it does not model, so passing these through lets a scenario
 * show the errno a program would get from mmsim.
 */
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

struct scn_name {
	const char *name;
	unsigned long val;
};

/* The names, hand-laid a few to a line. */
/* clang-format off */
#define N(x) { #x, x }

static const struct scn_name prot_names[] = {
	N(PROT_NONE), N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC),
	N(PROT_SEM), N(PROT_GROWSDOWN), N(PROT_GROWSUP),
	{ NULL, 0 }
};

static const struct scn_name map_names[] = {
	N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_SHARED_VALIDATE),
	N(MAP_ANONYMOUS), { "MAP_ANON", MAP_ANONYMOUS },
	N(MAP_FIXED), N(MAP_FIXED_NOREPLACE), N(MAP_NORESERVE),
	N(MAP_POPULATE), N(MAP_GROWSDOWN), N(MAP_STACK), N(MAP_LOCKED),
	N(MAP_HUGETLB),
	{ NULL, 0 }
};

static const struct scn_name advice_names[] = {
	N(MADV_NORMAL), N(MADV_RANDOM), N(MADV_SEQUENTIAL),
	N(MADV_WILLNEED), N(MADV_DONTNEED), N(MADV_FREE), N(MADV_REMOVE),
	N(MADV_DONTFORK), N(MADV_DOFORK), N(MADV_MERGEABLE),
	N(MADV_UNMERGEABLE), N(MADV_HUGEPAGE), N(MADV_NOHUGEPAGE),
	N(MADV_DONTDUMP), N(MADV_DODUMP), N(MADV_WIPEONFORK),
	N(MADV_KEEPONFORK),
#ifdef MADV_COLD
	N(MADV_COLD), N(MADV_PAGEOUT),
#endif
#ifdef MADV_POPULATE_READ
	N(MADV_POPULATE_READ), N(MADV_POPULATE_WRITE),
#endif
#ifdef MADV_DONTNEED_LOCKED
	N(MADV_DONTNEED_LOCKED),
#endif
	N(MADV_COLLAPSE), N(MADV_HWPOISON), N(MADV_GUARD_INSTALL),
	N(MADV_GUARD_REMOVE),
	{ NULL, 0 }
};

static const struct scn_name access_names[] = {
	{ "read", MSIM_ACCESS_READ },
	{ "write", MSIM_ACCESS_WRITE },
	{ "exec", MSIM_ACCESS_EXEC },
	{ NULL, 0 }
};

#undef N
/* clang-format on */

const char *scn_quote(const char *s, size_t len, char *buf, size_t size)
{
	static const char cut[] = "...";
	size_t i, n = 0, k, need = 0, room;
	char piece[5];

	if (!size)
		return buf;
	for (i = 0; i < len; i++)
		need += s[i] >= 0x20 && s[i] <= 0x7e ? 1 : 4;
	/* All of it if it fits, else as much as fits before the cut mark. */
	room = size - 1;
	if (need > room)
		room = room >= sizeof(cut) - 1 ? room - (sizeof(cut) - 1) : 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c <= 0x7e)
			snprintf(piece, sizeof(piece), "%c", c);
		else
			snprintf(piece, sizeof(piece), "\\x%02x", c);
		k = strlen(piece);
		if (n + k > room)
			break;
		memcpy(buf + n, piece, k);
		n += k;
	}
	if (i < len && n + sizeof(cut) <= size) {
		memcpy(buf + n, cut, sizeof(cut) - 1);
		n += sizeof(cut) - 1;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Parse [s, s + len) as a C integer literal: 0x or 0X then hex digits, 0
 * then octal digits, or decimal digits.  strtoul() alone would take
 * leading blanks and a sign, and "-1" would silently become ULONG_MAX, so
 * insist on a digit first and on nothing after the number.  Any length
 * is fine: leading zeros add nothing, and only a value past ULONG_MAX is
 * out of range (once every character has been found to be a digit).
 */
static int parse_number(const char *s, size_t len, unsigned long *val,
			char *err, size_t size)
{
	unsigned long v = 0, base = 10, digit;
	char q[SCN_QUOTE_MAX];
	bool range = false;
	size_t i = 0;

	if (!len || !isdigit((unsigned char)s[0]))
		goto bad;
	if (s[0] == '0' && len > 1 && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
		if (len == 2)
			goto bad;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c))
			digit = c - '0';
		else if (base == 16 && isxdigit(c))
			digit = (unsigned long)(tolower(c) - 'a' + 10);
		else
			goto bad;
		if (digit >= base)
			goto bad;
		if (v > (ULONG_MAX - digit) / base)
			range = true;
		else
			v = v * base + digit;
	}
	if (range) {
		snprintf(err, size, "number out of range '%s'",
			 scn_quote(s, len, q, sizeof(q)));
		return -EINVAL;
	}
	*val = v;
	return 0;
bad:
	snprintf(err, size, "bad number '%s'", scn_quote(s, len, q, sizeof(q)));
	return -EINVAL;
}

static const struct scn_name *lookup(const struct scn_name *names,
				     const char *s, size_t len)
{
	for (; names->name; names++)
		if (strlen(names->name) == len && !memcmp(names->name, s, len))
			return names;
	return NULL;
}

#define NAMES_MANY 1	/* names joined by '|', as C would spell it */
#define NAMES_NUMBERS 2 /* a number may stand for a name */

/*
 * One name, or several joined by '|' (their bitwise OR).  With
 * NAMES_NUMBERS an element that starts with a digit is a number, so that
 * bits the names do not cover can still reach the library.
 */
static int parse_names(const struct scn_name *names, const char *what,
		       unsigned int how, const char *word, unsigned long *val,
		       char *err, size_t size)
{
	const char *s = word;
	char q[SCN_QUOTE_MAX];

	*val = 0;
	for (;;) {
		size_t len = how & NAMES_MANY ? strcspn(s, "|") : strlen(s);
		const struct scn_name *n;
		unsigned long v;

		if (!len) {
			snprintf(err, size, "bad %s '%s'", what,
				 scn_quote(word, strlen(word), q, sizeof(q)));
			return -EINVAL;
		}
		if ((how & NAMES_NUMBERS) && isdigit((unsigned char)*s)) {
			if (parse_number(s, len, &v, err, size))
				return -EINVAL;
		} else if ((n = lookup(names, s, len))) {
			v = n->val;
		} else {
			snprintf(err, size, "unknown %s '%s'", what,
				 scn_quote(s, len, q, sizeof(q)));
			return -EINVAL;
		}
		*val |= v;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

/*
 * A letter or '_' first, so that a name never reads as a number or an
 * address (a "fork 0x1000" is a slip, not a task), then letters, digits,
 * '_', '-' and '.'.
 */
static int parse_name(const char *word, unsigned long *val, char *err,
		      size_t size)
{
	const char *s = word;
	char q[SCN_QUOTE_MAX];

	*val = 0;
	if (!isalpha((unsigned char)*s) && *s != '_')
		goto bad;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			goto bad;
	return 0;
bad:
	snprintf(err, size, "bad name '%s'",
		 scn_quote(word, strlen(word), q, sizeof(q)));
	return -EINVAL;
}

int scn_parse_arg(enum scn_arg_kind kind, const char *word, unsigned long *val,
		  char *err, size_t size)
{
	char q[SCN_QUOTE_MAX];

	switch (kind) {
	case SCN_ARG_NUMBER:
		return parse_number(word, strlen(word), val, err, size);
	case SCN_ARG_PROT:
		return parse_names(prot_names, "protection",
				   NAMES_MANY | NAMES_NUMBERS, word, val, err,
				   size);
	case SCN_ARG_MAP_FLAGS:
		return parse_names(map_names, "mmap flag",
				   NAMES_MANY | NAMES_NUMBERS, word, val, err,
				   size);
	case SCN_ARG_ADVICE:
		if (parse_names(advice_names, "advice", NAMES_NUMBERS, word,
				val, err, size))
			return -EINVAL;
		/* madvise() takes an int. */
		if (*val > INT_MAX) {
			snprintf(err, size, "number out of range '%s'",
				 scn_quote(word, strlen(word), q, sizeof(q)));
			return -EINVAL;
		}
		return 0;
	case SCN_ARG_ACCESS:
		return parse_names(access_names, "access", 0, word, val, err,
				   size);
	case SCN_ARG_BYTE:
		if (parse_number(word, strlen(word), val, err, size))
			return -EINVAL;
		if (*val > 0xff) {
			snprintf(err, size, "number out of range '%s'",
				 scn_quote(word, strlen(word), q, sizeof(q)));
			return -EINVAL;
		}
		return 0;
	case SCN_ARG_NAME:
		return parse_name(word, val, err, size);
	default:
		break;
	}
	snprintf(err, size, "bad argument '%s'",
		 scn_quote(word, strlen(word), q, sizeof(q)));
	return -EINVAL;
}

int scn_parse_size(const char *word, unsigned long *val)
{
	size_t len = strlen(word);
	unsigned int shift = 0;
	char err[SCN_ERR_MAX];

	if (len > 1) {
		switch (word[len - 1]) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		}
	}
	if (shift)
		len--;
	if (parse_number(word, len, val, err, sizeof(err)))
		return -EINVAL;
	if (*val > ULONG_MAX >> shift)
		return -EINVAL;
	*val <<= shift;
	return 0;
}
