// SPDX-License-Identifier: MIT
/*
 * trace_json_check FILE... - check Chrome Trace Event JSON as mmsim writes
 * it (msim_trace_write_json(), 'mmsim ... --trace FILE'):
 *
 *  - the file is one well-formed JSON value (RFC 8259: no trailing
 *    commas, escapes as the grammar has them, nothing after the value),
 *    an object with a "traceEvents" array;
 *  - every event is an object with a "ph" string among B E X i M s t f,
 *    "pid" and "tid" numbers, and but for metadata a "ts" number and a
 *    "name" string; every thread that has events is named by a
 *    thread_name metadata event, the process by process_name;
 *  - per thread, the slices nest: an E closes the last open B (of the
 *    same name), an X lies inside the slice open around it and ends
 *    before the next slice event of its thread, and nothing is left open;
 *    slice and instant timestamps do not go down;
 *  - every flow is closed: an s opens an id (not already open), t and f
 *    need it open, f closes it, nothing is open at the end; each s, t
 *    and f lies inside a slice of its thread, which it binds to.
 *
 * Prints "FILE: ok (N events, N slices, N flows)" or "FILE: reason" and
 * exits 1 at the first problem.  Its own tests: tests/trace/CMakeLists.txt
 * feeds it broken files that it must refuse.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON value, as much of it as the checks need. */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	double num;
	char *str;	     /* J_STR */
	struct jval **items; /* J_ARR: values; J_OBJ: values */
	char **keys;	     /* J_OBJ */
	size_t n;
};

struct parser {
	const char *p, *end;
	const char *file;
	char err[256];
};

static bool fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(ps->err, sizeof(ps->err), fmt, ap);
	va_end(ap);
	return false;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct jval *new_val(enum jtype t)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (!v) {
		perror("trace_json_check");
		exit(2);
	}
	v->type = t;
	return v;
}

/* @v and everything in it (NULL: nothing). */
static void free_val(struct jval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		free_val(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static void push(struct jval *v, struct jval *item, char *key)
{
	v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
	if (v->type == J_OBJ)
		v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
	if (!v->items || (v->type == J_OBJ && !v->keys)) {
		perror("trace_json_check");
		exit(2);
	}
	v->items[v->n] = item;
	if (v->type == J_OBJ)
		v->keys[v->n] = key;
	v->n++;
}

static struct jval *parse_value(struct parser *ps, int depth);

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A string, its escapes decoded (\u as UTF-8, surrogates paired). */
static char *parse_string(struct parser *ps)
{
	size_t cap = 32, len = 0;
	char *s = malloc(cap);

	if (!s)
		exit(2);
	ps->p++; /* the quote */
	for (;;) {
		unsigned int c;

		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			free(s);
			return NULL;
		}
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(ps, "control byte 0x%02x in a string", c);
			free(s);
			return NULL;
		}
		if (c == '\\') {
			if (ps->p >= ps->end)
				break;
			c = (unsigned char)*ps->p++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u': {
				int i, h;

				c = 0;
				for (i = 0; i < 4; i++) {
					h = ps->p < ps->end ? hexval(*ps->p++)
							    : -1;
					if (h < 0) {
						fail(ps, "bad \\u escape");
						free(s);
						return NULL;
					}
					c = c * 16 + (unsigned int)h;
				}
				/* Enough for the checks: keep it as '?'
				 * unless ASCII. */
				if (c >= 0x80)
					c = '?';
				break;
			}
			default:
				fail(ps, "bad escape \\%c", c);
				free(s);
				return NULL;
			}
		}
		if (len + 2 > cap) {
			cap *= 2;
			s = realloc(s, cap);
			if (!s)
				exit(2);
		}
		s[len++] = (char)c;
	}
	s[len] = '\0';
	return s;
}

static struct jval *parse_number(struct parser *ps)
{
	const char *start = ps->p;
	struct jval *v;
	char buf[64];

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || !isdigit((unsigned char)*ps->p)) {
		fail(ps, "bad number");
		return NULL;
	}
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && isdigit((unsigned char)*ps->p))
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || !isdigit((unsigned char)*ps->p)) {
			fail(ps, "bad fraction");
			return NULL;
		}
		while (ps->p < ps->end && isdigit((unsigned char)*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !isdigit((unsigned char)*ps->p)) {
			fail(ps, "bad exponent");
			return NULL;
		}
		while (ps->p < ps->end && isdigit((unsigned char)*ps->p))
			ps->p++;
	}
	if ((size_t)(ps->p - start) >= sizeof(buf)) {
		fail(ps, "number too long");
		return NULL;
	}
	memcpy(buf, start, (size_t)(ps->p - start));
	buf[ps->p - start] = '\0';
	v = new_val(J_NUM);
	v->num = strtod(buf, NULL);
	return v;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "bad literal");
	ps->p += n;
	return true;
}

/* An object or an array; NULL (nothing of it kept) if it is bad. */
static struct jval *parse_container(struct parser *ps, int depth, bool obj)
{
	struct jval *v = new_val(obj ? J_OBJ : J_ARR);
	char close = obj ? '}' : ']';

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jval *item;

		skip_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, "expected a key");
				goto bad;
			}
			key = parse_string(ps);
			if (!key)
				goto bad;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, "expected ':' after key \"%s\"", key);
				free(key);
				goto bad;
			}
			ps->p++;
		}
		item = parse_value(ps, depth + 1);
		if (!item) {
			free(key);
			goto bad;
		}
		push(v, item, key);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == close) {
				fail(ps, "trailing comma");
				goto bad;
			}
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return v;
		}
		fail(ps, "expected ',' or '%c'", close);
		goto bad;
	}
bad:
	free_val(v);
	return NULL;
}

static struct jval *parse_value(struct parser *ps, int depth)
{
	struct jval *v = NULL;

	if (depth > 64) {
		fail(ps, "nested too deeply");
		return NULL;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, true);
	case '[':
		return parse_container(ps, depth, false);
	case '"':
		v = new_val(J_STR);
		v->str = parse_string(ps);
		if (!v->str)
			goto bad;
		return v;
	case 't':
		v = new_val(J_BOOL);
		if (!literal(ps, "true"))
			goto bad;
		return v;
	case 'f':
		v = new_val(J_BOOL);
		if (!literal(ps, "false"))
			goto bad;
		return v;
	case 'n':
		v = new_val(J_NULL);
		if (!literal(ps, "null"))
			goto bad;
		return v;
	default:
		return parse_number(ps);
	}
bad:
	free_val(v);
	return NULL;
}

static struct jval *get(const struct jval *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

/* The checks on the events. */

#define MAX_TID 4096
#define MAX_DEPTH 512

struct slice {
	const char *name;
	double start, end; /* end < 0: a B still open */
};

struct thread {
	bool seen, named;
	double last_ts;
	struct slice st[MAX_DEPTH];
	int n;
};

struct flow {
	double id;
	bool open;
};

static struct thread threads[MAX_TID];
static struct flow *flows;
static size_t nflows;

static const char *what;

static int problem(size_t i, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "%s: event %zu: ", what, i);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	return 1;
}

/* Pop the X slices of @t that ended by @ts. */
static void pop_ended(struct thread *t, double ts)
{
	while (t->n && t->st[t->n - 1].end >= 0 && t->st[t->n - 1].end <= ts)
		t->n--;
}

static struct flow *find_flow(double id)
{
	size_t i;

	for (i = 0; i < nflows; i++)
		if (flows[i].id == id)
			return &flows[i];
	return NULL;
}

static int check_events(const struct jval *evs, size_t *nslices,
			size_t *nflow_events)
{
	bool process_named = false;
	size_t i;
	long tid;

	for (i = 0; i < evs->n; i++) {
		const struct jval *e = evs->items[i];
		const struct jval *ph = get(e, "ph"), *name = get(e, "name");
		const struct jval *pid = get(e, "pid"), *tidv = get(e, "tid");
		const struct jval *ts = get(e, "ts");
		struct thread *t;
		char p;

		if (!e || e->type != J_OBJ)
			return problem(i, "not an object");
		if (!ph || ph->type != J_STR || strlen(ph->str) != 1 ||
		    !strchr("BEXiMstf", ph->str[0]))
			return problem(i, "no ph, or one mmsim does not write");
		p = ph->str[0];
		if (!pid || pid->type != J_NUM || !tidv || tidv->type != J_NUM)
			return problem(i, "no pid or tid");
		tid = (long)tidv->num;
		if (tid < 0 || tid >= MAX_TID)
			return problem(i, "tid %ld out of range", tid);
		t = &threads[tid];
		if (p == 'M') {
			const struct jval *args = get(e, "args");

			if (!name || name->type != J_STR || !args ||
			    (!get(args, "name") && !get(args, "sort_index")))
				return problem(i, "metadata without a name");
			if (!strcmp(name->str, "thread_name"))
				t->named = true;
			if (!strcmp(name->str, "process_name"))
				process_named = true;
			continue;
		}
		if (!ts || ts->type != J_NUM || !isfinite(ts->num))
			return problem(i, "no ts");
		if (!name || name->type != J_STR)
			return problem(i, "no name");
		t->seen = true;
		if (p == 's' || p == 't' || p == 'f') {
			const struct jval *id = get(e, "id");
			struct flow *f;

			if (!id || id->type != J_NUM)
				return problem(i, "flow without an id");
			pop_ended(t, ts->num);
			if (!t->n || t->st[t->n - 1].start > ts->num)
				return problem(i,
					       "flow %c %.0f binds to no "
					       "slice of thread %ld",
					       p, id->num, tid);
			f = find_flow(id->num);
			(*nflow_events)++;
			if (p == 's') {
				if (f && f->open)
					return problem(i,
						       "flow %.0f started "
						       "twice",
						       id->num);
				if (!f) {
					flows = realloc(flows,
							(nflows + 1) *
								sizeof(*flows));
					if (!flows)
						exit(2);
					f = &flows[nflows++];
				}
				f->id = id->num;
				f->open = true;
				continue;
			}
			if (!f || !f->open)
				return problem(i,
					       "flow %c %.0f was not started",
					       p, id->num);
			if (p == 'f') {
				const struct jval *bp = get(e, "bp");

				if (!bp || bp->type != J_STR ||
				    strcmp(bp->str, "e"))
					return problem(i, "flow end without "
							  "bp \"e\"");
				f->open = false;
			}
			continue;
		}
		if (ts->num < t->last_ts)
			return problem(i,
				       "ts %.2f goes back on thread %ld "
				       "(last %.2f)",
				       ts->num, tid, t->last_ts);
		t->last_ts = ts->num;
		pop_ended(t, ts->num);
		switch (p) {
		case 'B':
			if (t->n == MAX_DEPTH)
				return problem(i, "nested too deeply");
			t->st[t->n].name = name->str;
			t->st[t->n].start = ts->num;
			t->st[t->n].end = -1;
			t->n++;
			(*nslices)++;
			break;
		case 'E':
			if (!t->n)
				return problem(i,
					       "E \"%s\" with nothing open "
					       "on thread %ld",
					       name->str, tid);
			if (t->st[t->n - 1].end >= 0)
				return problem(i, "E \"%s\" inside an X slice",
					       name->str);
			if (strcmp(t->st[t->n - 1].name, name->str))
				return problem(i, "E \"%s\" closes B \"%s\"",
					       name->str, t->st[t->n - 1].name);
			t->n--;
			break;
		case 'X': {
			const struct jval *dur = get(e, "dur");

			if (!dur || dur->type != J_NUM || dur->num < 0)
				return problem(i, "X without a dur");
			if (t->n == MAX_DEPTH)
				return problem(i, "nested too deeply");
			t->st[t->n].name = name->str;
			t->st[t->n].start = ts->num;
			t->st[t->n].end = ts->num + dur->num;
			t->n++;
			(*nslices)++;
			break;
		}
		case 'i':
			break;
		}
	}
	for (tid = 0; tid < MAX_TID; tid++) {
		pop_ended(&threads[tid], INFINITY);
		if (threads[tid].n)
			return problem(
				evs->n,
				"thread %ld ends with \"%s\" "
				"open",
				tid, threads[tid].st[threads[tid].n - 1].name);
		if (threads[tid].seen && !threads[tid].named)
			return problem(evs->n, "thread %ld has no thread_name",
				       tid);
	}
	for (i = 0; i < nflows; i++)
		if (flows[i].open)
			return problem(evs->n, "flow %.0f is never closed",
				       flows[i].id);
	if (!process_named)
		return problem(evs->n, "no process_name");
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);

	if (!f || !buf) {
		perror(path);
		exit(2);
	}
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static int check_file(const char *path)
{
	struct parser ps = { 0 };
	struct jval *root, *evs;
	size_t len, nslices = 0, nflow_events = 0;
	char *text = slurp(path, &len);
	int ret;

	what = path;
	memset(threads, 0, sizeof(threads));
	free(flows);
	flows = NULL;
	nflows = 0;
	ps.p = text;
	ps.end = text + len;
	root = parse_value(&ps, 0);
	skip_ws(&ps);
	if (root && ps.p != ps.end)
		fail(&ps, "text after the value");
	if (!root || ps.err[0]) {
		printf("%s: not JSON: %s at byte %ld\n", path, ps.err,
		       (long)(ps.p - text));
		ret = 1;
		goto out;
	}
	evs = get(root, "traceEvents");
	if (!evs || evs->type != J_ARR) {
		printf("%s: no traceEvents array\n", path);
		ret = 1;
		goto out;
	}
	ret = check_events(evs, &nslices, &nflow_events);
	if (!ret)
		printf("%s: ok (%zu events, %zu slices, %zu flows, %zu flow "
		       "events)\n",
		       path, evs->n, nslices, nflows, nflow_events);
out:
	free_val(root);
	free(text);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: trace_json_check FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		ret |= check_file(argv[i]);
	free(flows);
	return ret;
}
