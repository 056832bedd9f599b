// SPDX-License-Identifier: MIT
/*
 * Fuzz campaigns: many cases on one environment, the violating ones kept
 * once each (by their text) and grouped by kind, function and interrupted
 * PC, each group with its simplest case; and the verdict on them.  What
 * the mmsim vdso-fuzz command runs, without its options and printing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
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
	uint64_t at; /* where it was first found (found_as is that one's) */
};

static void campaign_init(struct msim_vf_campaign *c, enum msim_vf_mode mode,
			  const struct msim_vf_campaign_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->interrupts = o->interrupts;
	c->seed = o->seed;
	c->shard = o->shards > 1 ? o->shard : 0;
	c->shards = o->shards > 1 ? o->shards : 1;
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
/* The group of a kind, function and PC; NULL if there is none. */
static struct msim_vf_group *group_find(struct msim_vf_campaign *c,
					enum msim_vf_kind kind,
					enum msim_vf_fn fn, bool has_pc,
					uint32_t pc)
{
	struct msim_vf_group *g;
	size_t i;

	for (i = 0; i < c->nr_groups; i++) {
		g = &c->group[i];
		if (g->kind == kind && g->fn == fn && g->has_pc == has_pc &&
		    (!has_pc || g->pc == pc))
			return g;
	}
	return NULL;
}

/* A new group, empty, at the end; NULL when out of memory. */
static struct msim_vf_group *group_new(struct msim_vf_campaign *c)
{
	struct msim_vf_group *g;

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
	return g;
}

static struct msim_vf_group *group_of(struct msim_vf_campaign *c,
				      struct msim_vf_env *env,
				      const struct msim_vf_result *r,
				      const struct msim_vf_violation *v,
				      uint64_t at)
{
	enum msim_vf_fn fn = r->ran.call[v->call].fn;
	struct msim_vf_group *g;

	g = group_find(c, v->kind, fn, v->has_pc, v->pc);
	if (g) {
		if (at < g->first)
			g->first = at;
		return g;
	}
	g = group_new(c);
	if (!g)
		return NULL;
	g->first = at;
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
		const char *text, const char *found_as, uint64_t when)
{
	struct msim_vf_kept k = { 0 };
	size_t i, at;
	char *s;

	/* Most cases of a long campaign go nowhere: one comparison. */
	if (g->nr_kept == MSIM_VF_GROUP_KEEP &&
	    msim_vf_case_simpler(ran, &g->kept[g->nr_kept - 1].ran) > 0)
		return 0;
	for (i = 0; i < g->nr_kept; i++) {
		if (strcmp(g->kept[i].text, text))
			continue;
		/* Found again: as found first, whatever the order of parts. */
		if (when < g->kept[i].at) {
			s = found_as ? strdup(found_as) : NULL;
			if (found_as && !s)
				return -ENOMEM;
			free(g->kept[i].found_as);
			g->kept[i].found_as = s;
			g->kept[i].at = when;
			return 1;
		}
		return 0;
	}
	/* Where it goes among the simplest. */
	for (at = 0; at < g->nr_kept; at++)
		if (msim_vf_case_simpler(ran, &g->kept[at].ran) < 0)
			break;
	if (at == MSIM_VF_GROUP_KEEP)
		return 0;
	k.ran = *ran;
	k.at = when;
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
		  const struct msim_vf_result *r, const char *found_as,
		  uint64_t at)
{
	char text[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_group *g;
	int ret;

	g = group_of(c, env, r, &r->v[0], at);
	if (!g)
		return -ENOMEM;
	c->violating++;
	g->count++;
	if (msim_vf_case_simpler(&r->ran, &g->example) < 0)
		g->example = r->ran;
	msim_vf_case_format(&r->ran, text, sizeof(text));
	ret = keep(g, &r->ran, text, found_as, at);
	if (ret <= 0)
		return ret;
	return found_rebuild(c);
}

int msim_vf_campaign_record(struct msim_vf_campaign *c, struct msim_vf_env *env,
			    const struct msim_vf_result *r)
{
	c->cases++;
	return r->nr_violations ? record(c, env, r, NULL, c->cases) : 0;
}

/*
 * Parts.  A campaign is split into parts (the shards times the jobs),
 * each run on an environment of its own into a campaign of its own, and
 * merged.  Exhaustive: the explorer's paths are grouped by their first
 * MSIM_VF_SHARD_DEPTH decisions (a subtree), subtree s in part s mod
 * parts; every part meets every subtree (it runs the subtree's first
 * case, to learn the decisions that lead on to the next one) and runs
 * all the cases of its own.  Random: case i in part i mod parts, drawn
 * from a generator seeded with the seed and i alone (random_case_rng()),
 * so that a part draws only the cases it runs.  A group remembers where its
 * first case is (subtree and rank in it; the case's index), and merged
 * groups are ordered by that, as one run orders them.
 */
struct part {
	struct msim_vf_env *env;
	const struct msim_vf_campaign_opts *o;
	enum msim_vf_mode mode;
	unsigned int index, parts;
	unsigned long limit;
	struct msim_vf_campaign c;
	int err;
	bool reporter;
	atomic_ulong *done, *violating;
};

static void progress(struct part *p, bool violated)
{
	unsigned long done = atomic_fetch_add(p->done, 1) + 1,
		      violating = atomic_fetch_add(p->violating, violated) +
				  violated;

	if (p->reporter && p->o->progress)
		p->o->progress(p->o->arg, done, violating);
}

/* One run recorded as the case at @at; returns 0 or -errno. */
static int part_record(struct part *p, const struct msim_vf_result *r,
		       uint64_t at)
{
	p->c.cases++;
	return r->nr_violations ? record(&p->c, p->env, r, NULL, at) : 0;
}

static void exhaustive_part(struct part *p)
{
	struct msim_vf_limits lim = { p->o->interrupts, p->o->interrupts,
				      p->o->interrupts };
	struct msim_vf_explore *ex = malloc(sizeof(*ex));
	struct msim_vf_result *r = malloc(sizeof(*r));
	uint8_t key[MSIM_VF_SHARD_DEPTH], last[MSIM_VF_SHARD_DEPTH];
	unsigned long subtree = 0, rank = 0;
	bool first = true, own;
	unsigned int d;
	int ret = ex && r ? 0 : -ENOMEM;

	if (!ret)
		msim_vf_explore_init(ex);
	while (!ret) {
		/* The subtree of the path about to run: its first picks. */
		for (d = 0; d < MSIM_VF_SHARD_DEPTH; d++)
			key[d] = d < ex->len ? ex->path[d].pick : 0;
		if (first || memcmp(key, last, sizeof(key))) {
			if (!first)
				subtree++;
			memcpy(last, key, sizeof(key));
			first = false;
			rank = 0;
		}
		own = subtree % p->parts == p->index;
		ret = msim_vf_run(p->env, NULL, ex, &lim, r);
		if (ret)
			break;
		if (own) {
			ret = part_record(p, r, (uint64_t)subtree << 32 | rank);
			progress(p, r->nr_violations != 0);
		}
		rank++;
		if (ret || ex->overflow)
			break;
		if (p->limit && p->c.cases >= p->limit)
			break;
		/* Not ours: on to the next subtree. */
		if (!own && ex->len > MSIM_VF_SHARD_DEPTH)
			ex->len = MSIM_VF_SHARD_DEPTH;
		if (!msim_vf_explore_next(ex))
			break;
	}
	if (!ret && ex->overflow)
		ret = -E2BIG;
	free(ex);
	free(r);
	p->err = ret;
}

/*
 * The generator of random case @i of a campaign with @seed: splitmix64 of
 * the two, never 0 (xorshift's one fixed point).  Drawing the cases from
 * one stream instead would have every part of a sharded or parallel
 * campaign draw every case to find its own, a few percent of the work
 * done again by each.
 */
static uint64_t random_case_rng(uint64_t seed, unsigned long i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static void random_part(struct part *p)
{
	char found_as[MSIM_VF_CASE_TEXT_MAX];
	struct msim_vf_result *r = malloc(sizeof(*r));
	struct msim_vf_case *plan = malloc(sizeof(*plan));
	unsigned long i;
	uint64_t rng;
	int ret = r && plan ? 0 : -ENOMEM;

	for (i = p->index; !ret && i < p->o->cases; i += p->parts) {
		rng = random_case_rng(p->o->seed, i);
		msim_vf_case_random(&rng, p->o->interrupts,
				    MSIM_VF_RANDOM_DEPTH, MSIM_VF_RANDOM_MAX_AT,
				    plan);
		ret = msim_vf_run(p->env, plan, NULL, NULL, r);
		if (ret)
			break;
		if (!r->nr_violations || !p->c.shrunk) {
			ret = part_record(p, r, i);
			progress(p, r->nr_violations != 0);
			continue;
		}
		/* Shrunk from the case as it ran, and recorded as shrunk. */
		msim_vf_case_format(&r->ran, found_as, sizeof(found_as));
		*plan = r->ran;
		ret = msim_vf_shrink(p->env, plan, r);
		p->c.cases++;
		if (!ret && r->nr_violations)
			ret = record(&p->c, p->env, r, found_as, i);
		progress(p, r->nr_violations != 0);
	}
	free(r);
	free(plan);
	p->err = ret;
}

static void *part_main(void *arg)
{
	struct part *p = arg;

	if (p->mode == MSIM_VF_MODE_EXHAUSTIVE)
		exhaustive_part(p);
	else
		random_part(p);
	return NULL;
}

static int cmp_first(const void *a, const void *b)
{
	const struct msim_vf_group *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

int msim_vf_campaign_merge(struct msim_vf_campaign *into,
			   const struct msim_vf_campaign *from)
{
	const struct msim_vf_group *f;
	struct msim_vf_group *g;
	size_t i, k;
	int ret;

	into->cases += from->cases;
	into->violating += from->violating;
	for (i = 0; i < from->nr_groups; i++) {
		f = &from->group[i];
		g = group_find(into, f->kind, f->fn, f->has_pc, f->pc);
		if (!g) {
			g = group_new(into);
			if (!g)
				return -ENOMEM;
			g->kind = f->kind;
			g->fn = f->fn;
			g->has_pc = f->has_pc;
			g->pc = f->pc;
			memcpy(g->insn, f->insn, sizeof(g->insn));
			g->example = f->example;
			g->first = f->first;
		}
		g->count += f->count;
		if (f->first < g->first)
			g->first = f->first;
		if (msim_vf_case_simpler(&f->example, &g->example) < 0)
			g->example = f->example;
		for (k = 0; k < f->nr_kept; k++) {
			ret = keep(g, &f->kept[k].ran, f->kept[k].text,
				   f->kept[k].found_as, f->kept[k].at);
			if (ret < 0)
				return ret;
		}
	}
	if (into->nr_groups)
		qsort(into->group, into->nr_groups, sizeof(into->group[0]),
		      cmp_first);
	return found_rebuild(into);
}

static int campaign_run(struct msim_vf_env *env,
			const struct msim_vf_campaign_opts *o,
			enum msim_vf_mode mode, struct msim_vf_campaign *c)
{
	unsigned int jobs = o->jobs ? o->jobs : 1, j, started;
	unsigned int shards = o->shards > 1 ? o->shards : 1;
	atomic_ulong done = 0, violating = 0;
	struct part *parts;
	pthread_t *tids;
	int ret = 0;

	campaign_init(c, mode, o);
	if (o->interrupts < 0 || o->interrupts > MSIM_VF_MAX_PLAN ||
	    (shards > 1 && o->shard >= shards) || jobs > 64)
		return -EINVAL;
	parts = calloc(jobs, sizeof(*parts));
	tids = calloc(jobs, sizeof(*tids));
	if (!parts || !tids) {
		free(parts);
		free(tids);
		return -ENOMEM;
	}
	for (j = 0; j < jobs && !ret; j++) {
		struct part *p = &parts[j];

		p->o = o;
		p->mode = mode;
		p->parts = shards * jobs;
		p->index = (shards > 1 ? o->shard : 0) + shards * j;
		p->limit = mode == MSIM_VF_MODE_EXHAUSTIVE && o->cases
				   ? (o->cases + jobs - 1) / jobs
				   : 0;
		p->reporter = !j;
		p->done = &done;
		p->violating = &violating;
		campaign_init(&p->c, mode, o);
		if (!j) {
			p->env = env;
			continue;
		}
		p->env = calloc(1, sizeof(*p->env));
		if (!p->env)
			ret = -ENOMEM;
		else if ((ret = msim_vf_env_create(p->env, env->fixup,
						   env->fixup_len))) {
			free(p->env);
			p->env = NULL;
		}
	}
	for (started = 1; !ret && started < jobs; started++)
		if (pthread_create(&tids[started], NULL, part_main,
				   &parts[started]))
			ret = -EAGAIN;
	if (!ret)
		part_main(&parts[0]);
	for (j = 1; j < jobs && j < started; j++)
		pthread_join(tids[j], NULL);
	for (j = 0; j < jobs; j++) {
		struct part *p = &parts[j];

		if (!ret && p->err)
			ret = p->err;
		if (!ret)
			ret = msim_vf_campaign_merge(c, &p->c);
		msim_vf_campaign_free(&p->c);
		if (j && p->env) {
			msim_vf_env_destroy(p->env);
			free(p->env);
		}
	}
	free(parts);
	free(tids);
	c->shard = o->shards > 1 ? o->shard : 0;
	c->shards = shards;
	return ret;
}

int msim_vf_campaign_exhaustive(struct msim_vf_env *env,
				const struct msim_vf_campaign_opts *o,
				struct msim_vf_campaign *c)
{
	return campaign_run(env, o, MSIM_VF_MODE_EXHAUSTIVE, c);
}

int msim_vf_campaign_random(struct msim_vf_env *env,
			    const struct msim_vf_campaign_opts *o,
			    struct msim_vf_campaign *c)
{
	return campaign_run(env, o, MSIM_VF_MODE_RANDOM, c);
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
