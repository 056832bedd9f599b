// SPDX-License-Identifier: MIT
/*
 * Shrinking a violating case: greedy, one small change at a time, each
 * kept only when the changed case still fails the same way (the same kind
 * of violation, blamed on the same function, last interrupted at the same
 * PC), until no change is kept: a nested call run alone as the outermost
 * one, an interrupt removed, a nested call or a store turned into less,
 * values renumbered or made distinct.  Changes that remove come first, so that
 * the values are renumbered on the smallest case.  Every run is
 * deterministic and the changes are tried in a fixed order, so a case
 * always shrinks to the same one.
 */
#include <string.h>

#include <mmsim/coldfire/campaign.h>

#include "fuzz_case_internal.h"

/* What a violation that still counts must keep. */
struct signature {
	enum msim_vf_kind kind;
	enum msim_vf_fn fn;
	bool has_pc;
	uint32_t pc;
};

static void signature_of(const struct msim_vf_result *r, struct signature *s)
{
	const struct msim_vf_violation *v = &r->v[0];

	s->kind = v->kind;
	s->fn = r->ran.call[v->call].fn;
	s->has_pc = v->has_pc;
	s->pc = v->has_pc ? v->pc : 0;
}

/* One change to the interrupt plan of call @call: its interrupt @irq. */
enum edit_op { ED_DROP, ED_TO_NONE, ED_TO_STORE };

struct edit {
	int call, irq;
	enum edit_op op;
	uint32_t value;
};

/* Copies the plan of @src's call @sidx into @dst's @didx, with @ed. */
static void copy_plan(struct msim_vf_case *dst, int didx,
		      const struct msim_vf_case *src, int sidx,
		      const struct edit *ed)
{
	const struct msim_vf_call *s = &src->call[sidx];
	struct msim_vf_call *d = &dst->call[didx];
	int i;

	for (i = 0; i < s->nr_irqs; i++) {
		const struct msim_vf_irq *q = &s->irq[i];
		bool hit = ed->call == sidx && ed->irq == i;
		struct msim_vf_irq *o;
		const struct msim_vf_call *k;
		int sub;

		if (hit && ed->op == ED_DROP)
			continue;
		o = &d->irq[d->nr_irqs++];
		*o = *q;
		if (hit) {
			o->effect = ed->op == ED_TO_STORE ? MSIM_VF_EFF_STORE
							  : MSIM_VF_EFF_NONE;
			o->value = ed->op == ED_TO_STORE ? ed->value : 0;
			o->call = 0;
			continue;
		}
		if (q->effect != MSIM_VF_EFF_CALL)
			continue;
		/* Never more calls than @src has: this cannot fail. */
		k = &src->call[q->call];
		sub = msim_vf_case_add_call(dst, k->fn, k->expected, k->new,
					    d->depth + 1);
		o->call = sub;
		copy_plan(dst, sub, src, q->call, ed);
	}
}

static void apply(const struct msim_vf_case *src, const struct edit *ed,
		  struct msim_vf_case *dst)
{
	const struct msim_vf_call *k = &src->call[0];

	msim_vf_case_init(dst, k->fn, src->word, k->expected, k->new);
	copy_plan(dst, 0, src, 0, ed);
}

struct shrinker {
	struct msim_vf_env *env;
	struct msim_vf_result *r;
	struct signature want;
	struct msim_vf_case cand;
	/* the word each call of the current case found */
	uint32_t word_before[MSIM_VF_MAX_CALLS];
};

static void keep_words(struct shrinker *sh)
{
	int i;

	for (i = 0; i < sh->r->ran.nr_calls; i++)
		sh->word_before[i] = sh->r->call[i].word_before;
}

/*
 * Runs @sh->cand; when it still fails the same way, it becomes *@c, as it
 * ran (interrupts it did not deliver dropped).  Returns 1 when kept, 0
 * when not, -errno when the run failed.
 */
static int try_case(struct shrinker *sh, struct msim_vf_case *c)
{
	struct signature got;
	int ret = msim_vf_run(sh->env, &sh->cand, NULL, NULL, sh->r);

	if (ret)
		return ret;
	if (!sh->r->nr_violations)
		return 0;
	signature_of(sh->r, &got);
	if (got.kind != sh->want.kind || got.fn != sh->want.fn ||
	    got.has_pc != sh->want.has_pc || got.pc != sh->want.pc)
		return 0;
	*c = sh->r->ran;
	keep_words(sh);
	return 1;
}

/*
 * The values a nested call's subtree may leave in the word: its new
 * value (a cmpxchg's), then what it and its own nested calls store.
 */
static int subtree_values(const struct msim_vf_case *c, int call, uint32_t *v,
			  int n)
{
	const struct msim_vf_call *k = &c->call[call];
	int i;

	if (k->fn == MSIM_VF_FN_CMPXCHG && n < MSIM_VF_MAX_SLOTS)
		v[n++] = k->new;
	for (i = 0; i < k->nr_irqs; i++)
		if (k->irq[i].effect == MSIM_VF_EFF_STORE &&
		    n < MSIM_VF_MAX_SLOTS)
			v[n++] = k->irq[i].value;
		else if (k->irq[i].effect == MSIM_VF_EFF_CALL)
			n = subtree_values(c, k->irq[i].call, v, n);
	return n;
}

/* The changes an interrupt allows, simplest result first. */
static int try_irq(struct shrinker *sh, struct msim_vf_case *c, int call,
		   int irq)
{
	const struct msim_vf_irq *q = &c->call[call].irq[irq];
	struct edit ed = { call, irq, ED_DROP, 0 };
	uint32_t v[MSIM_VF_MAX_SLOTS];
	int ret, i, n;

	apply(c, &ed, &sh->cand);
	ret = try_case(sh, c);
	if (ret || q->effect == MSIM_VF_EFF_NONE)
		return ret;
	ed.op = ED_TO_NONE;
	apply(c, &ed, &sh->cand);
	ret = try_case(sh, c);
	if (ret || q->effect != MSIM_VF_EFF_CALL)
		return ret;
	/* A store of what the nested call, or a call under it, would store. */
	n = subtree_values(c, q->call, v, 0);
	ed.op = ED_TO_STORE;
	for (i = 0; i < n && !ret; i++) {
		ed.value = v[i];
		apply(c, &ed, &sh->cand);
		ret = try_case(sh, c);
	}
	return ret;
}

/*
 * Nested call @call alone, from the word it found, as the outermost call
 * with its own plan: the calls around it gone, its depth lowered.
 */
static int try_hoist(struct shrinker *sh, struct msim_vf_case *c, int call)
{
	const struct msim_vf_call *k = &c->call[call];
	struct edit none = { -1, -1, ED_DROP, 0 };

	msim_vf_case_init(&sh->cand, k->fn, sh->word_before[call], k->expected,
			  k->new);
	copy_plan(&sh->cand, 0, c, call, &none);
	return try_case(sh, c);
}

/* One change to the plan that is kept: 1, none: 0, or -errno. */
static int shrink_plan(struct shrinker *sh, struct msim_vf_case *c)
{
	int i, j, ret;

	for (i = 1; i < c->nr_calls; i++) {
		ret = try_hoist(sh, c, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < c->nr_calls; i++)
		for (j = 0; j < c->call[i].nr_irqs; j++) {
			ret = try_irq(sh, c, i, j);
			if (ret)
				return ret;
		}
	return 0;
}

/* The values renumbered 1, 2, ... in the order they first appear. */
static void renumber(struct msim_vf_case *c)
{
	uint32_t *slot[MSIM_VF_MAX_SLOTS], old[MSIM_VF_MAX_SLOTS], next = 0;
	int n = msim_vf_case_slots(c, slot), i, j;

	for (i = 0; i < n; i++)
		old[i] = *slot[i];
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && old[j] != old[i]; j++)
			;
		*slot[i] = j < i ? *slot[j] : ++next;
	}
}

/* One change to the values that is kept: 1, none: 0, or -errno. */
static int shrink_values(struct shrinker *sh, struct msim_vf_case *c)
{
	uint32_t *slot[MSIM_VF_MAX_SLOTS], max = 0;
	int n, i, j, ret;

	sh->cand = *c;
	renumber(&sh->cand);
	if (memcmp(&sh->cand, c, sizeof(*c))) {
		ret = try_case(sh, c);
		if (ret)
			return ret;
	}
	sh->cand = *c;
	n = msim_vf_case_slots(&sh->cand, slot);
	for (i = 0; i < n; i++)
		if (*slot[i] > max)
			max = *slot[i];
	/* A value equal to one before it made distinct. */
	for (i = 1; i < n && max < UINT32_MAX; i++) {
		uint32_t v = *slot[i];

		for (j = 0; j < i && *slot[j] != v; j++)
			;
		if (j == i)
			continue;
		*slot[i] = max + 1;
		ret = try_case(sh, c);
		if (ret)
			return ret;
		*slot[i] = v;
	}
	return 0;
}

int msim_vf_shrink(struct msim_vf_env *env, struct msim_vf_case *c,
		   struct msim_vf_result *r)
{
	static _Thread_local struct shrinker sh;
	int ret;

	sh.env = env;
	sh.r = r;
	ret = msim_vf_run(env, c, NULL, NULL, r);
	if (ret || !r->nr_violations)
		return ret;
	signature_of(r, &sh.want);
	*c = r->ran;
	keep_words(&sh);
	do {
		ret = shrink_plan(&sh, c);
		if (!ret)
			ret = shrink_values(&sh, c);
	} while (ret > 0);
	if (ret < 0)
		return ret;
	/* Leave @r as the result of *@c. */
	return msim_vf_run(env, c, NULL, NULL, r);
}
