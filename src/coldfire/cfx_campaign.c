// SPDX-License-Identifier: MIT
/*
 * cf-explore's campaigns: every case of at most K interrupts (exhaustive)
 * or random ones, split into parts (shards for many machines, jobs for
 * the cores of one), the violating cases grouped by kind and the PC of
 * their last interrupt, each group counting its cases and keeping its
 * simplest.
 *
 * Exhaustive enumeration is by re-execution: a case's run says how many
 * instruction boundaries it had (all threads together, in the order they
 * ran) and how many effects each interrupt could have had; its children
 * add one interrupt at each later boundary, with each effect.  The run of
 * a child with the first effect is the one that tells how many effects
 * there are.  Each case is run once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/err.h>

#include "cfx_internal.h"

/* One part of a campaign, on one environment. */
struct part {
	struct msim_cfx_env *env;
	const struct msim_cfx_campaign_opts *o;
	struct msim_cfx_campaign c;
	unsigned int index, parts; /* this part of @parts */
	unsigned long limit;	   /* exhaustive: stop after so many */
	struct msim_cfx_result *r;
	struct cfx_run *run;
	atomic_ulong *done, *violating;
	bool reporter; /* calls @o->progress */
	int err;
};

static int group_cmp(const struct msim_cfx_group *a, enum msim_cfx_kind kind,
		     bool has_pc, uint32_t pc)
{
	if (a->kind != kind)
		return a->kind < kind ? -1 : 1;
	if (a->has_pc != has_pc)
		return a->has_pc ? 1 : -1;
	if (!has_pc || a->pc == pc)
		return 0;
	return a->pc < pc ? -1 : 1;
}

/* The group of (@kind, @has_pc, @pc), made in order if new. */
static struct msim_cfx_group *group_get(struct msim_cfx_campaign *c,
					enum msim_cfx_kind kind, bool has_pc,
					uint32_t pc)
{
	struct msim_cfx_group *g;
	size_t i;
	int d = 1;

	for (i = 0; i < c->nr_groups; i++) {
		d = group_cmp(&c->group[i], kind, has_pc, pc);
		if (d >= 0)
			break;
	}
	if (i < c->nr_groups && !d)
		return &c->group[i];
	g = realloc(c->group, (c->nr_groups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	c->group = g;
	memmove(&g[i + 1], &g[i], (c->nr_groups - i) * sizeof(*g));
	c->nr_groups++;
	memset(&g[i], 0, sizeof(g[i]));
	g[i].kind = kind;
	g[i].has_pc = has_pc;
	g[i].pc = has_pc ? pc : 0;
	return &g[i];
}

/* @k among the group's simplest, if it is one and not there yet. */
static void group_keep(struct msim_cfx_group *g, const struct msim_cfx_case *k)
{
	int at, i;

	if (g->nr_kept == MSIM_CFX_GROUP_KEEP &&
	    msim_cfx_case_simpler(k, &g->kept[g->nr_kept - 1]) >= 0)
		return;
	for (at = 0; at < g->nr_kept; at++) {
		int d = msim_cfx_case_simpler(k, &g->kept[at]);

		if (!d)
			return;
		if (d < 0)
			break;
	}
	for (i = at; i < g->nr_kept; i++)
		if (!msim_cfx_case_simpler(k, &g->kept[i]))
			return;
	if (g->nr_kept < MSIM_CFX_GROUP_KEEP)
		g->nr_kept++;
	memmove(&g->kept[at + 1], &g->kept[at],
		(size_t)(g->nr_kept - 1 - at) * sizeof(g->kept[0]));
	g->kept[at] = *k;
}

int msim_cfx_campaign_record(struct msim_cfx_campaign *c,
			     const struct msim_cfx_result *r)
{
	struct msim_cfx_group *g;
	int i;

	c->cases++;
	c->nr_enosys += r->nr_enosys;
	for (i = 0; i < MSIM_CFX_NR_SYSCALLS; i++)
		c->enosys[i] += r->enosys[i];
	if (!r->violated)
		return 0;
	c->violating++;
	g = group_get(c, r->kind, r->has_pc, r->pc);
	if (!g)
		return -ENOMEM;
	g->count++;
	group_keep(g, &r->ran);
	return 0;
}

int msim_cfx_campaign_merge(struct msim_cfx_campaign *into,
			    const struct msim_cfx_campaign *from)
{
	struct msim_cfx_group *g;
	size_t i;
	int j;

	into->cases += from->cases;
	into->violating += from->violating;
	into->undelivered += from->undelivered;
	into->nr_enosys += from->nr_enosys;
	for (j = 0; j < MSIM_CFX_NR_SYSCALLS; j++)
		into->enosys[j] += from->enosys[j];
	for (i = 0; i < from->nr_groups; i++) {
		const struct msim_cfx_group *f = &from->group[i];

		g = group_get(into, f->kind, f->has_pc, f->pc);
		if (!g)
			return -ENOMEM;
		g->count += f->count;
		for (j = 0; j < f->nr_kept; j++)
			group_keep(g, &f->kept[j]);
	}
	return 0;
}

void msim_cfx_campaign_free(struct msim_cfx_campaign *c)
{
	free(c->group);
	c->group = NULL;
	c->nr_groups = 0;
}

static bool stop(struct part *p)
{
	return p->err || (p->limit && p->c.cases >= p->limit);
}

/* One case of this part: run, count, record. */
static int run_case(struct part *p, const struct cfx_ord_plan *ord,
		    uint64_t *rng, bool record)
{
	struct cfx_run *run = p->run;
	int ret;

	memset(run, 0, sizeof(*run));
	run->ord = ord;
	run->rng = rng;
	run->r = p->r;
	ret = cfx_run(p->env, run);
	if (ret) {
		p->err = ret;
		return ret;
	}
	if (!record)
		return 0;
	if (p->o->on_case)
		p->o->on_case(p->o->arg, p->env, p->r);
	p->c.undelivered += (unsigned long)p->r->nr_undelivered;
	ret = msim_cfx_campaign_record(&p->c, p->r);
	if (ret)
		p->err = ret;
	atomic_fetch_add(p->done, 1);
	if (p->r->violated)
		atomic_fetch_add(p->violating, 1);
	if (p->reporter && p->o->progress && !(p->c.cases & 63))
		p->o->progress(p->o->arg, atomic_load(p->done),
			       atomic_load(p->violating));
	return ret;
}

/*
 * The subtree of @plan (which has @k interrupts and was just run, giving
 * @len boundaries): its children, each run and then explored in turn.
 */
static void explore(struct part *p, struct cfx_ord_plan *plan, int k,
		    unsigned long len)
{
	unsigned long pos, start = k ? plan->at[k - 1] + 1 : 0, child_len;
	int pick, nopts;

	if (k == p->o->interrupts || k == MSIM_CFX_MAX_IRQS)
		return;
	for (pos = start; pos < len && !stop(p); pos++) {
		/* The first interrupt's boundary picks the part. */
		if (!k && pos % p->parts != p->index)
			continue;
		plan->nr = k + 1;
		plan->at[k] = pos;
		nopts = 1;
		for (pick = 0; pick < nopts && !stop(p); pick++) {
			plan->nr = k + 1;
			plan->pick[k] = pick;
			if (run_case(p, plan, NULL, true))
				return;
			child_len = p->run->ordinal;
			if (p->run->r->ran.nr_irqs > k)
				nopts = p->run->nopts[k];
			explore(p, plan, k + 1, child_len);
		}
	}
}

static void exhaustive(struct part *p)
{
	struct cfx_ord_plan plan;

	memset(&plan, 0, sizeof(plan));
	/* Every part runs the case without interrupts; part 0 counts it. */
	if (run_case(p, &plan, NULL, p->index == 0))
		return;
	explore(p, &plan, 0, p->run->ordinal);
}

/* Random case @i: its interrupts at random boundaries of [0, @len). */
static void random_cases(struct part *p, unsigned long len)
{
	struct cfx_ord_plan plan;
	unsigned long i, pos;
	uint64_t rng;
	int k, j, n;

	for (i = p->index; i < p->o->cases && !p->err; i += p->parts) {
		rng = (p->o->seed ^ (i + 1) * 0x9e3779b97f4a7c15ULL) | 1;
		memset(&plan, 0, sizeof(plan));
		n = p->o->interrupts;
		for (k = 0; k < n && len; k++) {
			pos = (unsigned long)(msim_cfx_rand(&rng) % len);
			for (j = plan.nr; j > 0 && plan.at[j - 1] > pos; j--)
				plan.at[j] = plan.at[j - 1];
			if (j > 0 && plan.at[j - 1] == pos) {
				/* Taken: put it back as it was. */
				for (; j < plan.nr; j++)
					plan.at[j] = plan.at[j + 1];
				continue;
			}
			plan.at[j] = pos;
			plan.nr++;
		}
		run_case(p, &plan, &rng, true);
	}
}

static void *part_main(void *arg)
{
	struct part *p = arg;
	struct cfx_ord_plan none;

	p->r = malloc(sizeof(*p->r));
	p->run = malloc(sizeof(*p->run));
	if (!p->r || !p->run) {
		p->err = -ENOMEM;
		goto out;
	}
	if (p->o->mode == MSIM_CFX_MODE_EXHAUSTIVE) {
		exhaustive(p);
	} else {
		/* The length of the case without interrupts sets the range. */
		memset(&none, 0, sizeof(none));
		if (!run_case(p, &none, NULL, false))
			random_cases(p, p->run->ordinal);
	}
out:
	free(p->r);
	free(p->run);
	p->r = NULL;
	p->run = NULL;
	return NULL;
}

int msim_cfx_campaign_run(struct msim_cfx_env *env,
			  const struct msim_cfx_campaign_opts *o,
			  struct msim_cfx_campaign *c)
{
	unsigned int jobs = o->jobs ? o->jobs : 1, shards, j;
	atomic_ulong done = 0, violating = 0;
	struct part *parts;
	pthread_t *tids;
	char why[256];
	int ret = 0, live;
	unsigned long seen = 0;

	memset(c, 0, sizeof(*c));
	c->o = *o;
	shards = o->shards ? o->shards : 1;
	if (o->interrupts < 0 || o->interrupts > MSIM_CFX_MAX_IRQS ||
	    o->shard >= shards || jobs > 64)
		return -EINVAL;
	parts = calloc(jobs, sizeof(*parts));
	tids = calloc(jobs, sizeof(*tids));
	if (!parts || !tids) {
		free(parts);
		free(tids);
		return -ENOMEM;
	}
	for (j = 0; j < jobs; j++) {
		struct part *p = &parts[j];

		p->o = o;
		p->parts = shards * jobs;
		p->index = o->shard + shards * j;
		p->limit = o->mode == MSIM_CFX_MODE_EXHAUSTIVE && o->cases
				   ? (o->cases + jobs - 1) / jobs
				   : 0;
		p->done = &done;
		p->violating = &violating;
		p->reporter = !j;
		p->env = j ? cfx_env_clone(env, why, sizeof(why)) : env;
		if (IS_ERR(p->env)) {
			ret = (int)PTR_ERR(p->env);
			p->env = NULL;
			break;
		}
	}
	for (j = 1; !ret && j < jobs; j++)
		if (pthread_create(&tids[j], NULL, part_main, &parts[j]))
			ret = -EAGAIN;
	live = (int)j;
	if (!ret)
		part_main(&parts[0]);
	for (j = 1; j < (unsigned int)live; j++)
		pthread_join(tids[j], NULL);
	for (j = 0; j < jobs; j++) {
		if (!ret && parts[j].err)
			ret = parts[j].err;
		if (!ret && msim_cfx_campaign_merge(c, &parts[j].c))
			ret = -ENOMEM;
		msim_cfx_campaign_free(&parts[j].c);
		if (j && parts[j].env)
			msim_cfx_env_destroy(parts[j].env);
	}
	seen = atomic_load(&done);
	if (o->progress)
		o->progress(o->arg, seen, atomic_load(&violating));
	free(parts);
	free(tids);
	return ret;
}
