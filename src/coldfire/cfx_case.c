// SPDX-License-Identifier: MIT
/*
 * cf-explore's cases in their text form (<mmsim/coldfire/cfx.h>): what
 * reports print and --replay takes, and the order by which a report picks
 * the simplest case of a group.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mmsim/coldfire/cfx.h>

const char *msim_cfx_kind_name(enum msim_cfx_kind kind)
{
	switch (kind) {
	case MSIM_CFX_CHECK_FAILED:
		return "check-failed";
	case MSIM_CFX_FAULT:
		return "fault";
	case MSIM_CFX_SIGNAL:
		return "signal";
	case MSIM_CFX_NO_PROGRESS:
		return "no-progress";
	case MSIM_CFX_FIXUP_FAILED:
		return "fixup-failed";
	case MSIM_CFX_EXIT_STATUS:
		return "exit-status";
	}
	return "?";
}

size_t msim_cfx_case_format(const struct msim_cfx_case *c, char *buf,
			    size_t size)
{
	static const char eff[] = "-srmp";
	size_t len = 0;
	int i, n;

	if (size)
		buf[0] = '\0';
	if (!c->nr_irqs)
		return (size_t)snprintf(buf, size, "-");
	for (i = 0; i < c->nr_irqs; i++) {
		const struct msim_cfx_irq *q = &c->irq[i];

		n = snprintf(buf + len, len < size ? size - len : 0,
			     "%sT%d@%lu=%c", i ? "/" : "", q->thread, q->at,
			     eff[q->effect]);
		if (n > 0)
			len += (size_t)n;
		if (q->effect == MSIM_CFX_EFF_SWITCH) {
			n = snprintf(buf + len, len < size ? size - len : 0,
				     "%d", q->to);
			if (n > 0)
				len += (size_t)n;
		}
	}
	if (size && len >= size)
		buf[size - 1] = '\0';
	return len;
}

struct parser {
	const char *s, *p;
	char *why;
	size_t whylen;
};

static int perr(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *ps, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->why && ps->whylen)
		snprintf(ps->why, ps->whylen, "at offset %zu: %s",
			 (size_t)(ps->p - ps->s), msg);
	return -EINVAL;
}

static int number(struct parser *ps, const char *what, unsigned long max,
		  unsigned long *v)
{
	int digits = 0;

	*v = 0;
	while (*ps->p >= '0' && *ps->p <= '9') {
		*v = *v * 10 + (unsigned long)(*ps->p++ - '0');
		if (++digits > 10 || *v > max)
			return perr(ps, "%s above %lu", what, max);
	}
	if (!digits)
		return perr(ps, "expected %s", what);
	return 0;
}

static int expect(struct parser *ps, char ch)
{
	if (*ps->p != ch)
		return perr(ps, "expected '%c'", ch);
	ps->p++;
	return 0;
}

static int parse_irq(struct parser *ps, struct msim_cfx_irq *q)
{
	unsigned long v;
	int ret;

	memset(q, 0, sizeof(*q));
	ret = expect(ps, 'T');
	if (!ret)
		ret = number(ps, "a thread number", MSIM_CFX_MAX_THREADS - 1,
			     &v);
	if (ret)
		return ret;
	q->thread = (int)v;
	ret = expect(ps, '@');
	if (!ret)
		ret = number(ps, "an instruction index", 0xffffffffUL, &q->at);
	if (!ret)
		ret = expect(ps, '=');
	if (ret)
		return ret;
	switch (*ps->p++) {
	case '-':
		q->effect = MSIM_CFX_EFF_NONE;
		return 0;
	case 's':
		q->effect = MSIM_CFX_EFF_SWITCH;
		ret = number(ps, "a thread number", MSIM_CFX_MAX_THREADS - 1,
			     &v);
		q->to = (int)v;
		if (!ret && q->to == q->thread)
			return perr(ps, "a switch from T%d to itself",
				    q->thread);
		return ret;
	case 'r':
		q->effect = MSIM_CFX_EFF_RECLAIM;
		return 0;
	case 'm':
		q->effect = MSIM_CFX_EFF_MIGRATE;
		return 0;
	case 'p':
		q->effect = MSIM_CFX_EFF_MPROTECT;
		return 0;
	}
	ps->p--;
	return perr(ps, "expected an effect: '-', 's' and a thread, 'r', 'm' "
			"or 'p'");
}

int msim_cfx_case_parse(const char *s, struct msim_cfx_case *c, char *why,
			size_t whylen)
{
	struct parser ps = { s, s, why, whylen };
	int ret;

	memset(c, 0, sizeof(*c));
	if (!strcmp(s, "-"))
		return 0;
	if (!*s)
		return perr(&ps, "an empty case ('-' is the case without "
				 "interrupts)");
	for (;;) {
		if (c->nr_irqs == MSIM_CFX_MAX_IRQS)
			return perr(&ps, "more than %d interrupts",
				    MSIM_CFX_MAX_IRQS);
		ret = parse_irq(&ps, &c->irq[c->nr_irqs]);
		if (ret)
			return ret;
		c->nr_irqs++;
		if (!*ps.p)
			return 0;
		ret = expect(&ps, '/');
		if (ret)
			return ret;
	}
}

static int cmp_ul(unsigned long a, unsigned long b)
{
	return (a > b) - (a < b);
}

/* An effect's weight: nothing, a switch, then the mm's actions. */
static int effects(const struct msim_cfx_case *c)
{
	int i, n = 0;

	for (i = 0; i < c->nr_irqs; i++)
		n += c->irq[i].effect == MSIM_CFX_EFF_NONE     ? 0
		     : c->irq[i].effect == MSIM_CFX_EFF_SWITCH ? 1
							       : 2;
	return n;
}

int msim_cfx_case_simpler(const struct msim_cfx_case *a,
			  const struct msim_cfx_case *b)
{
	char ta[MSIM_CFX_CASE_TEXT_MAX], tb[MSIM_CFX_CASE_TEXT_MAX];
	int i, d;

	if ((d = cmp_ul((unsigned long)a->nr_irqs, (unsigned long)b->nr_irqs)))
		return d;
	if ((d = cmp_ul((unsigned long)effects(a), (unsigned long)effects(b))))
		return d;
	for (i = 0; i < a->nr_irqs; i++)
		if ((d = cmp_ul(a->irq[i].at, b->irq[i].at)))
			return d;
	msim_cfx_case_format(a, ta, sizeof(ta));
	msim_cfx_case_format(b, tb, sizeof(tb));
	d = strcmp(ta, tb);
	return (d > 0) - (d < 0);
}
