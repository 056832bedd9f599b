// SPDX-License-Identifier: MIT
/*
 * Fuzz campaigns: many cases on one environment, the violating ones kept
 * once each (by their text) and grouped by kind, function and interrupted
 * PC, each group with its simplest case; and the verdict on them.  What
 * the mmsim vdso-fuzz command runs, without its options and printing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/vdso_report.h>

/* A distinct case a group keeps, with the case itself to compare by. */
struct msim_vf_kept {
	struct msim_vf_case ran;
	char *text;
	char *found_as;
};

static void campaign_init(struct msim_vf_campaign *c, enum msim_vf_mode mode,
			  const struct msim_vf_campaign_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->interrupts = o->interrupts;
	c->seed = o->seed;
	c->shrunk = mode == MSIM_VF_MODE_RANDOM && !o->no_shrink;
}

static void kept_free(struct msim_vf_kept *k)
{
	free(k->text);
	free(k->found_as);
}

void msim_vf_campaign_free(struct msim_vf_campaign *c)
{
	size_t i, j;

	for (i = 0; i < c->nr_groups; i++) {
		for (j = 0; j < c->group[i].nr_kept; j++)
			kept_free(&c->group[i].kept[j]);
		free(c->group[i].kept);
	}
	free(c->found);
	free(c->group);
	memset(c, 0, sizeof(*c));
}

/* The group of @v (in @r), made if new; NULL when out of memory. */
static struct msim_vf_group *group_of(struct msim_vf_campaign *c,
				      struct msim_vf_env *env,
				      const struct msim_vf_result *r,
				      const struct msim_vf_violation *v)
{
	enum msim_vf_fn fn = r->ran.call[v->call].fn;
	struct msim_vf_group *g;
	size_t i;

	for (i = 0; i < c->nr_groups; i++) {
		g = &c->group[i];
		if (g->kind == v->kind && g->fn == fn &&
		    g->has_pc == v->has_pc && (!v->has_pc || g->pc == v->pc))
			return g;
	}
	/* Grown in powers of two. */
	if (!(c->nr_groups & (c->nr_groups - 1))) {
		g = realloc(c->group,
			    (c->nr_groups ? 2 * c->nr_groups : 1) * sizeof(*g));
		if (!g)
			return NULL;
		c->group = g;
	}
	g = &c->group[c->nr_groups];
	memset(g, 0, sizeof(*g));
	g->kept = calloc(MSIM_VF_GROUP_KEEP, sizeof(*g->kept));
	if (!g->kept)
		return NULL;
	c->nr_groups++;
	g->kind = v->kind;
	g->fn = fn;
	g->has_pc = v->has_pc;
	g->pc = v->has_pc ? v->pc : 0;
	if (v->has_pc)
		msim_vf_insn(env, v->pc, g->insn, sizeof(g->insn));
	g->example = r->ran;
	return g;
}

/*
 * @c->found again from the groups' kept cases: group by group, each
 * group's simplest first.  Its size is bounded, as they are.
 */
static int found_rebuild(struct msim_vf_campaign *c)
{
	struct msim_vf_found *f;
	size_t i, j, n = 0;

	for (i = 0; i < c->nr_groups; i++)
		n += c->group[i].nr_kept;
	f = realloc(c->found, (n ? n : 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	c->found = f;
	c->nr_found = 0;
	for (i = 0; i < c->nr_groups; i++)
		for (j = 0; j < c->group[i].nr_kept; j++)
			c->found[c->nr_found++] = (struct msim_vf_found){
				c->group[i].kept[j].text,
				c->group[i].kept[j].found_as, i
			};
	return 0;
}

/*
 * Keeps @ran (its text @text, and @found_as) among @g's distinct cases if
 * it is new and one of the MSIM_VF_GROUP_KEEP simplest seen.  Returns 1
 * when kept, 0 when not, -ENOMEM.
 */
static int keep(struct msim_vf_group *g, const struct msim_vf_case *ran,
		const char *text, const char *found_as)
{
	struct msim_vf_kept k = { 0 };
	size_t i, at;

	/* Most cases of a long campaign go nowhere: one comparison. */
	if (g->nr_kept == MSIM_VF_GROUP_KEEP &&
	    msim_vf_case_simpler(ran, &g->kept[g->nr_kept - 1].ran) >= 0)
		return 0;
	for (i = 0; i < g->nr_kept; i++)
		if (!strcmp(g->kept[i].text, text))
			return 0;
	/* Where it goes among the simplest. */
	for (at = 0; at < g->nr_kept; at++)
		if (msim_vf_case_simpler(ran, &g->kept[at].ran) < 0)
			break;
	if (at == MSIM_VF_GROUP_KEEP)
		return 0;
	k.ran = *ran;
	k.text = strdup(text);
	k.found_as = found_as ? strdup(found_as) : NULL;
	if (!k.text || (found_as && !k.found_as)) {
		kept_free(&k);
		return -ENOMEM;
	}
	if (g->nr_kept == MSIM_VF_GROUP_KEEP)
		kept_free(&g->kept[--g->nr_kept]);
	memmove(&g->kept[at + 1], &g->kept[at],
		(g->nr_kept - at) * sizeof(g->kept[0]));
	g->kept[at] = k;
	g->nr_kept++;
	return 1;
}

/*
 * Records the violating run @r (its case as it ran, its first violation):
 * counted in its group, which keeps the simpler example and, bounded, the
 * simplest distinct cases.  @found_as is the case before shrinking, or
 * NULL.
 */
static int record(struct msim_vf_campaign *c, struct msim_vf_env *env,
		  const struct msim_vf_result *r, const char *found_as)
{
	char text[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_group *g;
	int ret;

	g = group_of(c, env, r, &r->v[0]);
	if (!g)
		return -ENOMEM;
	c->violating++;
	g->count++;
	if (msim_vf_case_simpler(&r->ran, &g->example) < 0)
		g->example = r->ran;
	msim_vf_case_format(&r->ran, text, sizeof(text));
	ret = keep(g, &r->ran, text, found_as);
	if (ret <= 0)
		return ret;
	return found_rebuild(c);
}

int msim_vf_campaign_record(struct msim_vf_campaign *c, struct msim_vf_env *env,
			    const struct msim_vf_result *r)
{
	c->cases++;
	return r->nr_violations ? record(c, env, r, NULL) : 0;
}

static void progress(const struct msim_vf_campaign_opts *o,
		     const struct msim_vf_campaign *c)
{
	if (o->progress)
		o->progress(o->arg, c->cases, c->violating);
}

int msim_vf_campaign_exhaustive(struct msim_vf_env *env,
				const struct msim_vf_campaign_opts *o,
				struct msim_vf_campaign *c)
{
	struct msim_vf_limits lim = { o->interrupts, o->interrupts,
				      o->interrupts };
	struct msim_vf_explore *ex = malloc(sizeof(*ex));
	struct msim_vf_result *r = malloc(sizeof(*r));
	int ret = ex && r ? 0 : -ENOMEM;

	campaign_init(c, MSIM_VF_MODE_EXHAUSTIVE, o);
	if (!ret)
		msim_vf_explore_init(ex);
	while (!ret) {
		ret = msim_vf_run(env, NULL, ex, &lim, r);
		if (ret)
			break;
		ret = msim_vf_campaign_record(c, env, r);
		progress(o, c);
		if (ret || ex->overflow)
			break;
		if ((o->cases && c->cases >= o->cases) ||
		    !msim_vf_explore_next(ex))
			break;
	}
	if (!ret && ex->overflow)
		ret = -E2BIG;
	free(ex);
	free(r);
	return ret;
}

int msim_vf_campaign_random(struct msim_vf_env *env,
			    const struct msim_vf_campaign_opts *o,
			    struct msim_vf_campaign *c)
{
	char found_as[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_result *r = malloc(sizeof(*r));
	struct msim_vf_case *plan = malloc(sizeof(*plan));
	uint64_t rng = o->seed ? o->seed : 0x9e3779b97f4a7c15ULL;
	unsigned long i;
	int ret = r && plan ? 0 : -ENOMEM;

	campaign_init(c, MSIM_VF_MODE_RANDOM, o);
	for (i = 0; !ret && i < o->cases; i++) {
		msim_vf_case_random(&rng, o->interrupts, MSIM_VF_RANDOM_DEPTH,
				    MSIM_VF_RANDOM_MAX_AT, plan);
		ret = msim_vf_run(env, plan, NULL, NULL, r);
		if (ret)
			break;
		if (!r->nr_violations || !c->shrunk) {
			ret = msim_vf_campaign_record(c, env, r);
			progress(o, c);
			continue;
		}
		/* Shrunk from the case as it ran, and recorded as shrunk. */
		msim_vf_case_format(&r->ran, found_as, sizeof(found_as));
		*plan = r->ran;
		ret = msim_vf_shrink(env, plan, r);
		c->cases++;
		if (!ret && r->nr_violations)
			ret = record(c, env, r, found_as);
		progress(o, c);
	}
	free(r);
	free(plan);
	return ret;
}

/* Is group @i the first of its function and PC among the windows? */
static bool first_window(const struct msim_vf_campaign *c, size_t i)
{
	const struct msim_vf_group *g = &c->group[i];
	size_t j;

	if (g->kind != MSIM_VF_NOT_LINEARIZABLE || !g->has_pc)
		return false;
	for (j = 0; j < i; j++)
		if (c->group[j].kind == MSIM_VF_NOT_LINEARIZABLE &&
		    c->group[j].has_pc && c->group[j].fn == g->fn &&
		    c->group[j].pc == g->pc)
			return false;
	return true;
}

size_t msim_vf_campaign_windows(const struct msim_vf_campaign *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nr_groups; i++)
		n += first_window(c, i);
	return n;
}

struct sbuf {
	char *p;
	size_t size, len;
};

static void put(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->size ? b->p + b->len : NULL,
		      b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

/* ", " between items and " and " before the last of @n. */
static const char *sep(size_t k, size_t n)
{
	return !k ? "" : k + 1 == n ? " and " : ", ";
}

static void put_pc(struct sbuf *b, const struct msim_vf_group *g)
{
	put(b, "0x%08x", g->pc);
	if (g->insn[0])
		put(b, " (%s)", g->insn);
}

/*
 * The windows by function and PC (@n of them), with their function if
 * not all in one.
 */
static void put_windows(struct sbuf *b, const struct msim_vf_campaign *c,
			size_t n)
{
	const struct msim_vf_group **w = malloc(n * sizeof(*w)), *t;
	bool one_fn = true;
	size_t i, j, k = 0;

	if (!w)
		return;
	for (i = 0; i < c->nr_groups; i++)
		if (first_window(c, i))
			w[k++] = &c->group[i];
	/* Insertion sort: there are a handful. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (w[j - 1]->fn > w[j]->fn ||
				      (w[j - 1]->fn == w[j]->fn &&
				       w[j - 1]->pc > w[j]->pc));
		     j--) {
			t = w[j];
			w[j] = w[j - 1];
			w[j - 1] = t;
		}
	for (i = 1; i < n; i++)
		one_fn &= w[i]->fn == w[0]->fn;
	put(b, "%zu window%s open", n, n == 1 ? " is" : "s are");
	if (one_fn)
		put(b, " in %s", msim_vf_fn_name(w[0]->fn));
	put(b, ": not atomic when last interrupted at ");
	for (i = 0; i < n; i++) {
		put(b, "%s", sep(i, n));
		put_pc(b, w[i]);
		if (!one_fn)
			put(b, " in %s", msim_vf_fn_name(w[i]->fn));
	}
	free(w);
}

static bool is_window_kind(const struct msim_vf_group *g)
{
	return g->kind == MSIM_VF_NOT_LINEARIZABLE && g->has_pc;
}

/* Is group @i the first of its kind and function among the others? */
static bool first_other(const struct msim_vf_campaign *c, size_t i)
{
	const struct msim_vf_group *g = &c->group[i];
	size_t j;

	if (is_window_kind(g))
		return false;
	for (j = 0; j < i; j++)
		if (!is_window_kind(&c->group[j]) &&
		    c->group[j].kind == g->kind && c->group[j].fn == g->fn)
			return false;
	return true;
}

static int cmp_pc(const void *a, const void *b)
{
	const struct msim_vf_group *x = *(const struct msim_vf_group *const *)a;
	const struct msim_vf_group *y = *(const struct msim_vf_group *const *)b;

	return (x->pc > y->pc) - (x->pc < y->pc);
}

/*
 * The groups that are not windows (other kinds, or no interrupt), one
 * item per kind and function: where they were interrupted, the PCs in
 * order (with the instruction when there is one), and whether some were
 * not interrupted themselves.
 */
static void put_others(struct sbuf *b, const struct msim_vf_campaign *c)
{
	const struct msim_vf_group **pcs = malloc(c->nr_groups * sizeof(*pcs));
	size_t i, j, k = 0, n = 0, np;
	bool bare;

	for (i = 0; i < c->nr_groups; i++)
		n += first_other(c, i);
	for (i = 0; pcs && i < c->nr_groups; i++) {
		const struct msim_vf_group *g = &c->group[i];

		if (!first_other(c, i))
			continue;
		np = 0;
		bare = false;
		for (j = i; j < c->nr_groups; j++) {
			const struct msim_vf_group *h = &c->group[j];

			if (is_window_kind(h) || h->kind != g->kind ||
			    h->fn != g->fn)
				continue;
			if (h->has_pc)
				pcs[np++] = h;
			else
				bare = true;
		}
		qsort(pcs, np, sizeof(*pcs), cmp_pc);
		put(b, "%s%s in %s", sep(k++, n), msim_vf_kind_name(g->kind),
		    msim_vf_fn_name(g->fn));
		if (np == 1) {
			put(b, " at ");
			put_pc(b, pcs[0]);
		} else if (np) {
			put(b, " at %zu PCs (", np);
			for (j = 0; j < np; j++)
				put(b, "%s0x%08x", sep(j, np), pcs[j]->pc);
			put(b, ")");
		}
		if (bare)
			put(b, "%s not interrupted itself", np ? " and" : "");
	}
	free(pcs);
}

size_t msim_vf_campaign_verdict(const struct msim_vf_campaign *c, char *buf,
				size_t size)
{
	struct sbuf b = { buf, size, 0 };
	size_t windows = msim_vf_campaign_windows(c), others = 0, i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < c->nr_groups; i++)
		others += !is_window_kind(&c->group[i]);
	if (!c->nr_groups) {
		put(&b,
		    "no window is open: in all %lu cases every cmpxchg was "
		    "linearizable, and every call returned and kept its "
		    "registers and thread pointer",
		    c->cases);
		return b.len;
	}
	if (windows)
		put_windows(&b, c, windows);
	else
		put(&b, "no window of atomicity is open");
	if (others) {
		put(&b, windows ? "; also " : ", but ");
		put_others(&b, c);
	}
	put(&b, "; %lu of %lu cases violate", c->violating, c->cases);
	return b.len;
}
