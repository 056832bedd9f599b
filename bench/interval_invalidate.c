// SPDX-License-Identifier: MIT
/*
 * interval_invalidate - the cost of one small invalidation in an mm with
 * many interval notifiers, against a linear scan of them.
 *
 * An mm gets n interval subscriptions (default 100,000), one page each,
 * disjoint, with a one-page hole after each, as a mirror that subscribed
 * per buffer would have them.  Each timed operation invalidates a small
 * range at a random place (default 4 pages, so it hits two subscriptions)
 * through mmu_notifier_invalidate_range_start() and _end(): the interval
 * tree finds the subscriptions the range overlaps, each ->invalidate
 * records the sequence, and the end closes the window.
 *
 * The baseline, in the same run, does what a notifier core without the
 * tree would: for each range, walk all n subscriptions, test each for
 * overlap and call ->invalidate of those that overlap.  Before timing,
 * both are run over the same ranges and must call ->invalidate on the
 * same subscriptions.
 *
 * Each round times -l tree invalidations and -b baseline ones (fewer:
 * each walks all n); the medians over -r rounds are reported, with the
 * ratio baseline/tree.  Inserting and removing the subscriptions are
 * timed once, per subscription.
 *
 * usage: interval_invalidate [-n subscriptions] [-p pages] [-l lookups]
 *	[-b baseline lookups] [-r rounds] [-s seed]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mmsim/mmsim.h>

#include "bench.h"

#define MAX_ROUNDS 64

struct sub {
	struct mmu_interval_notifier mni;
	unsigned long hits;
};

static bool sub_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	struct sub *s = container_of(mni, struct sub, mni);

	(void)range;
	mmu_interval_set_seq(mni, cur_seq);
	s->hits++;
	return true;
}

static const struct mmu_interval_notifier_ops sub_ops = {
	.invalidate = sub_invalidate,
};

static struct {
	unsigned long n, pages, lookups, baseline, rounds, seed;
} cfg = {
	.n = 100000,
	.pages = 4,
	.lookups = 200000,
	.baseline = 2000,
	.rounds = 7,
	.seed = 1,
};

/* Where the subscriptions start: page-aligned, well inside user space. */
#define SUB_BASE 0x100000000UL

static void usage(void)
{
	fprintf(stderr, "usage: interval_invalidate [-n subscriptions] "
			"[-p pages] [-l lookups] [-b baseline lookups] "
			"[-r rounds] [-s seed]\n");
	exit(2);
}

static unsigned long parse(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !v)
		usage();
	return v;
}

/* A random range of cfg.pages pages starting anywhere in the span. */
static void random_range(struct bench_rng *rng, struct mm_struct *mm,
			 struct mmu_notifier_range *r)
{
	unsigned long page = mm_page_size(mm);
	unsigned long start = SUB_BASE + bench_rng_below(rng, 2 * cfg.n) * page;

	mmu_notifier_range_init(r, MMU_NOTIFY_CLEAR, 0, NULL, mm, start,
				start + cfg.pages * page);
}

static void tree_invalidate(struct mmu_notifier_range *r)
{
	mmu_notifier_invalidate_range_start(r);
	mmu_notifier_invalidate_range_end(r);
}

/* The baseline: every subscription tested, the sequence as the core's. */
static void linear_invalidate(struct sub *subs, struct mmu_notifier_range *r,
			      unsigned long *seq)
{
	unsigned long i, last = r->end - 1;

	*seq += 2;
	for (i = 0; i < cfg.n; i++) {
		struct interval_tree_node *node = &subs[i].mni.interval_tree;

		if (node->start <= last && r->start <= node->last)
			subs[i].mni.ops->invalidate(&subs[i].mni, r, *seq | 1);
	}
}

static double per_op(uint64_t t0, uint64_t t1, unsigned long ops)
{
	return (double)(t1 - t0) / (double)ops;
}

int main(int argc, char **argv)
{
	double tree[MAX_ROUNDS], linear[MAX_ROUNDS], t_tree, t_linear;
	struct msim_machine_config mcfg = { 0 };
	struct mmu_notifier_range r;
	unsigned long i, k, seq = 0, hits_tree, hits_linear;
	struct msim_machine *m;
	struct bench_rng rng;
	struct mm_struct *mm;
	double t_insert, t_remove;
	struct sub *subs;
	uint64_t t0, t1;
	char params[160];
	int opt, err;

	while ((opt = getopt(argc, argv, "n:p:l:b:r:s:")) != -1) {
		switch (opt) {
		case 'n':
			cfg.n = parse(optarg);
			break;
		case 'p':
			cfg.pages = parse(optarg);
			break;
		case 'l':
			cfg.lookups = parse(optarg);
			break;
		case 'b':
			cfg.baseline = parse(optarg);
			break;
		case 'r':
			cfg.rounds = parse(optarg);
			if (cfg.rounds > MAX_ROUNDS)
				usage();
			break;
		case 's':
			cfg.seed = parse(optarg);
			break;
		default:
			usage();
		}
	}
	snprintf(params, sizeof(params),
		 "%lu subscriptions, %lu-page ranges, %lu + %lu invalidations "
		 "a round, %lu rounds, seed %lu",
		 cfg.n, cfg.pages, cfg.lookups, cfg.baseline, cfg.rounds,
		 cfg.seed);
	bench_print_header("interval_invalidate", params);

	mcfg.ram_bytes = 64UL << 20;
	m = msim_machine_create(&mcfg);
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	mm = mm_alloc(m);
	if (!mm)
		bench_die("mm_alloc", -ENOMEM);
	subs = calloc(cfg.n, sizeof(*subs));
	if (!subs)
		bench_die("calloc", 0);

	t0 = bench_now_ns();
	for (i = 0; i < cfg.n; i++) {
		err = mmu_interval_notifier_insert(
			&subs[i].mni, mm, SUB_BASE + 2 * i * mm_page_size(mm),
			mm_page_size(mm), &sub_ops);
		if (err)
			bench_die("mmu_interval_notifier_insert", err);
	}
	t1 = bench_now_ns();
	t_insert = per_op(t0, t1, cfg.n);

	/* Both must invalidate the same subscriptions for the same ranges. */
	bench_rng_seed(&rng, cfg.seed);
	for (k = 0; k < cfg.baseline; k++) {
		random_range(&rng, mm, &r);
		tree_invalidate(&r);
	}
	for (hits_tree = 0, i = 0; i < cfg.n; i++) {
		hits_tree += subs[i].hits;
		subs[i].hits = 0;
	}
	bench_rng_seed(&rng, cfg.seed);
	for (k = 0; k < cfg.baseline; k++) {
		random_range(&rng, mm, &r);
		linear_invalidate(subs, &r, &seq);
	}
	for (hits_linear = 0, i = 0; i < cfg.n; i++) {
		hits_linear += subs[i].hits;
		subs[i].hits = 0;
	}
	if (hits_tree != hits_linear || !hits_tree) {
		fprintf(stderr,
			"interval_invalidate: the tree made %lu calls, the "
			"scan %lu\n",
			hits_tree, hits_linear);
		return 1;
	}

	for (k = 0; k < cfg.rounds; k++) {
		bench_rng_seed(&rng, cfg.seed + k);
		t0 = bench_now_ns();
		for (i = 0; i < cfg.lookups; i++) {
			random_range(&rng, mm, &r);
			tree_invalidate(&r);
		}
		t1 = bench_now_ns();
		tree[k] = per_op(t0, t1, cfg.lookups);

		bench_rng_seed(&rng, cfg.seed + k);
		t0 = bench_now_ns();
		for (i = 0; i < cfg.baseline; i++) {
			random_range(&rng, mm, &r);
			linear_invalidate(subs, &r, &seq);
		}
		t1 = bench_now_ns();
		linear[k] = per_op(t0, t1, cfg.baseline);
	}
	t_tree = bench_median(tree, cfg.rounds);
	t_linear = bench_median(linear, cfg.rounds);

	t0 = bench_now_ns();
	for (i = 0; i < cfg.n; i++)
		mmu_interval_notifier_remove(&subs[i].mni);
	t1 = bench_now_ns();
	t_remove = per_op(t0, t1, cfg.n);

	printf("check: %lu ->invalidate calls over %lu ranges, the same "
	       "from both\n\n",
	       hits_tree, cfg.baseline);
	printf("%-36s %12s %14s %10s\n", "operation", "tree ns/op",
	       "linear ns/op", "linear/tree");
	printf("%-36s %12.1f %14.1f %10.0f\n", "invalidate a small range",
	       t_tree, t_linear, t_linear / t_tree);
	printf("%-36s %12.1f\n", "insert (per subscription)", t_insert);
	printf("%-36s %12.1f\n", "remove (per subscription)", t_remove);

	free(subs);
	mmput(mm);
	err = msim_machine_destroy(m);
	if (err)
		bench_die("msim_machine_destroy", err);
	return 0;
}
