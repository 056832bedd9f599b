// SPDX-License-Identifier: MIT
/*
 * vDSO fuzz cases: their text form (reports and --replay) and their byte
 * form (libFuzzer).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mmsim/coldfire/fuzz_case.h>

#include "fuzz_case_internal.h"

void msim_vf_case_init(struct msim_vf_case *c, enum msim_vf_fn fn,
		       uint32_t word, uint32_t expected, uint32_t new)
{
	memset(c, 0, sizeof(*c));
	c->word = word;
	c->nr_calls = 1;
	c->call[0].fn = fn;
	c->call[0].expected = expected;
	c->call[0].new = new;
}

int msim_vf_case_add_call(struct msim_vf_case *c, enum msim_vf_fn fn,
			  uint32_t expected, uint32_t new, int depth)
{
	struct msim_vf_call *k;

	if (c->nr_calls >= MSIM_VF_MAX_CALLS || depth > MSIM_VF_MAX_DEPTH)
		return -ENOSPC;
	k = &c->call[c->nr_calls];
	memset(k, 0, sizeof(*k));
	k->fn = fn;
	k->expected = expected;
	k->new = new;
	k->depth = depth;
	return c->nr_calls++;
}

int msim_vf_case_nr_irqs(const struct msim_vf_case *c)
{
	int i, n = 0;

	for (i = 0; i < c->nr_calls; i++)
		n += c->call[i].nr_irqs;
	return n;
}

static void call_slots(struct msim_vf_case *c, int idx, uint32_t **slot, int *n)
{
	struct msim_vf_call *k = &c->call[idx];
	int i;

	if (k->fn == MSIM_VF_FN_CMPXCHG) {
		slot[(*n)++] = &k->expected;
		slot[(*n)++] = &k->new;
	}
	for (i = 0; i < k->nr_irqs; i++) {
		if (k->irq[i].effect == MSIM_VF_EFF_STORE)
			slot[(*n)++] = &k->irq[i].value;
		else if (k->irq[i].effect == MSIM_VF_EFF_CALL)
			call_slots(c, k->irq[i].call, slot, n);
	}
}

int msim_vf_case_slots(struct msim_vf_case *c, uint32_t **slot)
{
	int n = 0;

	slot[n++] = &c->word;
	call_slots(c, 0, slot, &n);
	return n;
}

/* What makes one case simpler than another, most important first. */
struct shape {
	int irqs, depth, calls, stores, distinct, nvals;
	uint32_t val[MSIM_VF_MAX_SLOTS];
};

static void shape_of(const struct msim_vf_case *c, struct shape *s)
{
	static _Thread_local struct msim_vf_case copy;
	uint32_t *slot[MSIM_VF_MAX_SLOTS];
	int i, j;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < c->nr_calls; i++) {
		const struct msim_vf_call *k = &c->call[i];

		s->irqs += k->nr_irqs;
		if (k->depth > s->depth)
			s->depth = k->depth;
		for (j = 0; j < k->nr_irqs; j++)
			s->stores += k->irq[j].effect == MSIM_VF_EFF_STORE;
	}
	s->calls = c->nr_calls;
	copy = *c;
	s->nvals = msim_vf_case_slots(&copy, slot);
	for (i = 0; i < s->nvals; i++) {
		s->val[i] = *slot[i];
		for (j = 0; j < i && s->val[j] != s->val[i]; j++)
			;
		s->distinct += j == i;
	}
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

int msim_vf_case_simpler(const struct msim_vf_case *a,
			 const struct msim_vf_case *b)
{
	static _Thread_local struct shape sa, sb;
	char ta[MSIM_VF_CASE_TEXT_MAX], tb[MSIM_VF_CASE_TEXT_MAX];
	int d, i;

	shape_of(a, &sa);
	shape_of(b, &sb);
	if ((d = cmp_int(sa.irqs, sb.irqs)) ||
	    (d = cmp_int(sa.depth, sb.depth)) ||
	    (d = cmp_int(sa.calls, sb.calls)) ||
	    (d = cmp_int(sa.stores, sb.stores)) ||
	    (d = cmp_int(sb.distinct, sa.distinct)) ||
	    (d = cmp_int(sa.nvals, sb.nvals)))
		return d;
	for (i = 0; i < sa.nvals; i++)
		if (sa.val[i] != sb.val[i])
			return sa.val[i] < sb.val[i] ? -1 : 1;
	msim_vf_case_format(a, ta, sizeof(ta));
	msim_vf_case_format(b, tb, sizeof(tb));
	d = strcmp(ta, tb);
	return cmp_int(d, 0);
}

struct outbuf {
	char *p;
	size_t size, len;
};

static void out(struct outbuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->p + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void format_call(const struct msim_vf_case *c, int idx, struct outbuf *o)
{
	const struct msim_vf_call *k = &c->call[idx];
	int i;

	if (k->fn == MSIM_VF_FN_CMPXCHG)
		out(o, "x%x,%x", k->expected, k->new);
	else
		out(o, "t");
	if (!k->nr_irqs)
		return;
	out(o, "[");
	for (i = 0; i < k->nr_irqs; i++) {
		const struct msim_vf_irq *q = &k->irq[i];

		out(o, "%s%u=", i ? "/" : "", q->at);
		switch (q->effect) {
		case MSIM_VF_EFF_NONE:
			out(o, "-");
			break;
		case MSIM_VF_EFF_STORE:
			out(o, "s%x", q->value);
			break;
		case MSIM_VF_EFF_CALL:
			format_call(c, q->call, o);
			break;
		}
	}
	out(o, "]");
}

size_t msim_vf_case_format(const struct msim_vf_case *c, char *buf, size_t size)
{
	struct outbuf o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	out(&o, "w%x:", c->word);
	format_call(c, 0, &o);
	if (size && o.len >= size)
		buf[size - 1] = '\0';
	return o.len;
}

struct parser {
	const char *s, *p;
	char *why;
	size_t whylen;
	struct msim_vf_case *c;
};

static int perr(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *ps, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->why && ps->whylen)
		snprintf(ps->why, ps->whylen, "at offset %zu: %s",
			 (size_t)(ps->p - ps->s), msg);
	return -EINVAL;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int parse_hex(struct parser *ps, uint32_t *v)
{
	int digits = 0, d;

	*v = 0;
	while ((d = hexval(*ps->p)) >= 0) {
		if (++digits > 8)
			return perr(ps, "value longer than 8 hex digits");
		*v = *v << 4 | (uint32_t)d;
		ps->p++;
	}
	if (!digits)
		return perr(ps, "expected a hex value");
	return 0;
}

static int expect(struct parser *ps, char ch)
{
	if (*ps->p != ch)
		return perr(ps, "expected '%c'", ch);
	ps->p++;
	return 0;
}

static int parse_call(struct parser *ps, int depth, int *idx);

static int parse_irq(struct parser *ps, struct msim_vf_call *k, int depth,
		     int idx)
{
	struct msim_vf_irq *q;
	unsigned int at = 0;
	int digits = 0, ret;

	if (k->nr_irqs >= MSIM_VF_MAX_PLAN)
		return perr(ps, "more than %d interrupts in one call",
			    MSIM_VF_MAX_PLAN);
	while (*ps->p >= '0' && *ps->p <= '9') {
		at = at * 10 + (unsigned int)(*ps->p++ - '0');
		if (++digits > 3 || at >= MSIM_VF_MAX_AT)
			return perr(ps, "instruction index above %d",
				    MSIM_VF_MAX_AT - 1);
	}
	if (!digits)
		return perr(ps, "expected an instruction index");
	if (k->nr_irqs && at <= k->irq[k->nr_irqs - 1].at)
		return perr(ps, "instruction indexes must increase");
	ret = expect(ps, '=');
	if (ret)
		return ret;
	q = &k->irq[k->nr_irqs];
	memset(q, 0, sizeof(*q));
	q->at = at;
	switch (*ps->p) {
	case '-':
		ps->p++;
		q->effect = MSIM_VF_EFF_NONE;
		break;
	case 's':
		ps->p++;
		q->effect = MSIM_VF_EFF_STORE;
		ret = parse_hex(ps, &q->value);
		if (ret)
			return ret;
		break;
	case 'x':
	case 't':
		q->effect = MSIM_VF_EFF_CALL;
		/* Counted first: the nested call's own plan follows it. */
		k->nr_irqs++;
		ret = parse_call(ps, depth + 1, &q->call);
		if (ret)
			return ret;
		/* ps->c->call may have grown, but not moved: k stays valid. */
		(void)idx;
		return 0;
	default:
		return perr(ps, "expected an effect: '-', 's' or a call");
	}
	k->nr_irqs++;
	return 0;
}

static int parse_call(struct parser *ps, int depth, int *idx)
{
	struct msim_vf_call *k;
	enum msim_vf_fn fn;
	uint32_t e = 0, n = 0;
	int ret;

	if (*ps->p == 'x') {
		fn = MSIM_VF_FN_CMPXCHG;
		ps->p++;
		ret = parse_hex(ps, &e);
		if (!ret)
			ret = expect(ps, ',');
		if (!ret)
			ret = parse_hex(ps, &n);
		if (ret)
			return ret;
	} else if (*ps->p == 't') {
		fn = MSIM_VF_FN_READ_TP;
		ps->p++;
	} else {
		return perr(ps, "expected a call: 'x' or 't'");
	}
	if (depth == 0) {
		*idx = 0;
		ps->c->call[0].fn = fn;
		ps->c->call[0].expected = e;
		ps->c->call[0].new = n;
	} else {
		if (depth > MSIM_VF_MAX_DEPTH)
			return perr(ps, "calls nested deeper than %d",
				    MSIM_VF_MAX_DEPTH);
		*idx = msim_vf_case_add_call(ps->c, fn, e, n, depth);
		if (*idx < 0)
			return perr(ps, "more than %d calls",
				    MSIM_VF_MAX_CALLS);
	}
	k = &ps->c->call[*idx];
	if (*ps->p != '[')
		return 0;
	ps->p++;
	for (;;) {
		ret = parse_irq(ps, k, depth, *idx);
		if (ret)
			return ret;
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		ret = expect(ps, '/');
		if (ret)
			return ret;
	}
}

int msim_vf_case_parse(const char *s, struct msim_vf_case *c, char *why,
		       size_t whylen)
{
	struct parser ps = { s, s, why, whylen, c };
	int idx, ret;

	msim_vf_case_init(c, MSIM_VF_FN_CMPXCHG, 0, 0, 0);
	ret = expect(&ps, 'w');
	if (!ret)
		ret = parse_hex(&ps, &c->word);
	if (!ret)
		ret = expect(&ps, ':');
	if (!ret)
		ret = parse_call(&ps, 0, &idx);
	if (!ret && *ps.p)
		ret = perr(&ps, "unexpected '%c' after the case", *ps.p);
	return ret;
}

/*
 * The byte form reads a stream that is zero past its end, so that every
 * string is a case, and a short one a simple case.  Values are mostly
 * drawn from a pool of eight so that the equalities that matter to a
 * compare-and-exchange come up often.
 */
struct reader {
	const uint8_t *p, *end;
};

static uint8_t rd8(struct reader *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

static uint32_t rd_value(struct reader *r)
{
	uint8_t b = rd8(r);
	uint32_t v = 0;
	int i;

	if (b < 0xf0)
		return (uint32_t)(b & 7) + 1;
	for (i = 0; i < 4; i++)
		v = v << 8 | rd8(r);
	return v;
}

static void decode_call(struct reader *r, struct msim_vf_case *c, int idx)
{
	struct msim_vf_call *k = &c->call[idx];
	unsigned int at = 0;
	int n, i;

	n = rd8(r) % (MSIM_VF_MAX_PLAN + 1);
	for (i = 0; i < n; i++) {
		uint8_t b = rd8(r);
		struct msim_vf_irq *q = &k->irq[k->nr_irqs];

		/* Gaps of 0 to 7 keep the indexes increasing and small. */
		at += (unsigned int)(b & 7) + (i ? 1 : 0);
		if (at >= MSIM_VF_MAX_AT)
			break;
		memset(q, 0, sizeof(*q));
		q->at = at;
		q->effect = (enum msim_vf_effect)((b >> 3) % 3);
		if (q->effect == MSIM_VF_EFF_STORE)
			q->value = rd_value(r);
		if (q->effect == MSIM_VF_EFF_CALL) {
			enum msim_vf_fn fn = b & 0x40 ? MSIM_VF_FN_READ_TP
						      : MSIM_VF_FN_CMPXCHG;
			uint32_t e = 0, nv = 0;
			int sub;

			if (fn == MSIM_VF_FN_CMPXCHG) {
				e = rd_value(r);
				nv = rd_value(r);
			}
			sub = msim_vf_case_add_call(c, fn, e, nv, k->depth + 1);
			if (sub < 0) {
				q->effect = MSIM_VF_EFF_STORE;
				q->value = e;
			} else {
				q->call = sub;
				k->nr_irqs++;
				decode_call(r, c, sub);
				continue;
			}
		}
		k->nr_irqs++;
	}
}

void msim_vf_case_decode(const uint8_t *data, size_t len,
			 struct msim_vf_case *c)
{
	struct reader r = { data, len ? data + len : data };
	uint8_t b = rd8(&r);
	enum msim_vf_fn fn = b & 1 ? MSIM_VF_FN_READ_TP : MSIM_VF_FN_CMPXCHG;
	uint32_t w, e = 0, n = 0;

	w = rd_value(&r);
	if (fn == MSIM_VF_FN_CMPXCHG) {
		e = rd_value(&r);
		n = rd_value(&r);
	}
	msim_vf_case_init(c, fn, w, e, n);
	decode_call(&r, c, 0);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

struct randgen {
	uint64_t *rng;
	int per_call, depth;
	unsigned int max_at;
	uint32_t pool[4];
};

static uint32_t rnd_value(struct randgen *g)
{
	return g->pool[rnd(g->rng) % 4];
}

static void random_call(struct randgen *g, struct msim_vf_case *c, int idx)
{
	struct msim_vf_call *k = &c->call[idx];
	int n = (int)(rnd(g->rng) % (uint64_t)(g->per_call + 1)), i;
	unsigned int at = 0;

	for (i = 0; i < n && i < MSIM_VF_MAX_PLAN; i++) {
		struct msim_vf_irq *q = &k->irq[k->nr_irqs];
		unsigned int left = g->max_at - at;
		int sub;

		if (!left)
			break;
		at += (unsigned int)(rnd(g->rng) % (left < 4 ? left : 4));
		memset(q, 0, sizeof(*q));
		q->at = at++;
		q->effect = (enum msim_vf_effect)(rnd(g->rng) % 3);
		if (q->effect == MSIM_VF_EFF_CALL && k->depth < g->depth) {
			enum msim_vf_fn fn = rnd(g->rng) % 4
						     ? MSIM_VF_FN_CMPXCHG
						     : MSIM_VF_FN_READ_TP;
			uint32_t e =
				fn == MSIM_VF_FN_CMPXCHG ? rnd_value(g) : 0;
			uint32_t nv =
				fn == MSIM_VF_FN_CMPXCHG ? rnd_value(g) : 0;

			sub = msim_vf_case_add_call(c, fn, e, nv, k->depth + 1);
			if (sub >= 0) {
				q->call = sub;
				k->nr_irqs++;
				random_call(g, c, sub);
				continue;
			}
		}
		if (q->effect == MSIM_VF_EFF_CALL)
			q->effect = MSIM_VF_EFF_STORE;
		if (q->effect == MSIM_VF_EFF_STORE)
			q->value = rnd_value(g);
		k->nr_irqs++;
	}
}

void msim_vf_case_random(uint64_t *rng, int irqs_per_call, int depth,
			 unsigned int max_at, struct msim_vf_case *c)
{
	struct randgen g = { rng,
			     irqs_per_call,
			     depth,
			     max_at < MSIM_VF_MAX_AT ? max_at : MSIM_VF_MAX_AT,
			     { 0 } };
	enum msim_vf_fn fn;
	int i;

	if (g.depth > MSIM_VF_MAX_DEPTH)
		g.depth = MSIM_VF_MAX_DEPTH;
	for (i = 0; i < 4; i++)
		g.pool[i] = (uint32_t)(rnd(rng) >> 32);
	fn = rnd(rng) % 8 ? MSIM_VF_FN_CMPXCHG : MSIM_VF_FN_READ_TP;
	msim_vf_case_init(c, fn, rnd_value(&g),
			  fn == MSIM_VF_FN_CMPXCHG ? rnd_value(&g) : 0,
			  fn == MSIM_VF_FN_CMPXCHG ? rnd_value(&g) : 0);
	random_call(&g, c, 0);
}
