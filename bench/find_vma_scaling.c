// SPDX-License-Identifier: MIT
/*
 * find_vma_scaling - how VMA lookups and gap searches grow with the number
 * of VMAs, against a naive linear scan of the VMA list.
 *
 * For each size n, a fresh mm gets n one-page VMAs just below mmap_base,
 * in pairs of PROT_READ and PROT_READ|PROT_WRITE (different flags, so the
 * pair does not merge) with a one-page hole after each pair.  Then:
 *
 *   find_vma        random addresses across the VMAs, then the same
 *                   number in ascending order: the same O(log n) walks,
 *                   but each shares most of its path with the previous
 *                   one, so the gap between the two rows is what cache
 *                   misses cost, not the algorithm
 *   gap, nearest    vm_unmapped_area() top-down for one page below a
 *                   random high limit: the hole just below it fits
 *   gap, needle     get_unmapped_area() for two pages: every hole in the
 *                   VMAs is one page, so the only fit is below all of them;
 *                   the case the gap augmentation exists for
 *   mmap (build)    the MAP_FIXED calls that built the VMAs
 *   mmput           tearing them all down, per VMA
 *
 * Every round builds the VMAs in a fresh mm, times each query kind, and
 * tears the mm down; the medians over the rounds are reported.
 *
 * The tree figures are also given as a ratio to the first size of the run:
 * O(log n) shows as a ratio that grows by a constant step for each tenfold
 * n.  The naive baseline walks mm->mmap with for_each_vma; before timing,
 * its answers are compared with the library's for the same queries.
 *
 * usage: find_vma_scaling [-n sizes] [-l lookups] [-r rounds]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>

#include "bench.h"

#define MAX_SIZES 16
#define MAX_ROUNDS 64

enum kind {
	K_FIND,
	K_FIND_SEQ,
	K_NEAREST,
	K_NEEDLE,
	NR_QUERIES,
	K_BUILD = NR_QUERIES,
	K_TEARDOWN,
	NR_KINDS
};

static const char *const kind_name[NR_KINDS] = {
	[K_FIND] = "find_vma, random addr",
	[K_FIND_SEQ] = "find_vma, ascending",
	[K_NEAREST] = "gap search, nearest",
	[K_NEEDLE] = "gap search, needle",
	[K_BUILD] = "mmap MAP_FIXED (build)",
	[K_TEARDOWN] = "mmput (per VMA)",
};

struct result {
	double tree_ns, naive_ns; /* per call; naive < 0: none */
	unsigned long mismatches, checked;
	int height; /* of the VMA tree */
};

static struct {
	unsigned long sizes[MAX_SIZES];
	int nsizes;
	unsigned long lookups, rounds;
} cfg = {
	.sizes = { 1000, 10000, 100000 },
	.nsizes = 3,
	.lookups = 1000000,
	.rounds = 3,
};

/* Keeps the lookups from being optimized away. */
static volatile unsigned long sink;

/* Page offset of VMA @i from the region's base: a hole after each pair. */
static unsigned long vma_slot(unsigned long i)
{
	return 1 + i + i / 2;
}

static struct vm_area_struct *naive_find_vma(struct mm_struct *mm,
					     unsigned long addr)
{
	struct vm_area_struct *vma;

	for_each_vma(mm, vma)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

/*
 * The top-down search as a list walk: every gap below the high limit is
 * looked at, lowest first, and the last one that fits wins.  No alignment
 * and no stack guard gap: the benchmark asks for neither.
 */
static unsigned long
naive_unmapped_area_topdown(struct mm_struct *mm,
			    struct vm_unmapped_area_info *info)
{
	unsigned long best = -ENOMEM, gap_start = 0;
	struct vm_area_struct *vma;

	for (vma = mm->mmap;; vma = vma->vm_next) {
		unsigned long lo = gap_start;
		unsigned long hi = vma ? vma->vm_start : mm->task_size;

		if (lo < info->low_limit)
			lo = info->low_limit;
		if (hi > info->high_limit)
			hi = info->high_limit;
		if (hi > lo && hi - lo >= info->length)
			best = hi - info->length;
		if (!vma || vma->vm_start >= info->high_limit)
			break;
		gap_start = vma->vm_end;
	}
	return best;
}

/*
 * What get_unmapped_area() searches for a hintless top-down mmap on
 * x86_64: arch_get_unmapped_area_topdown() asks for a gap between
 * max(PAGE_SIZE, mmap_min_addr) and mmap_base.
 */
static void needle_info(struct mm_struct *mm,
			struct vm_unmapped_area_info *info)
{
	unsigned long ps = mm_page_size(mm);

	memset(info, 0, sizeof(*info));
	info->flags = VM_UNMAPPED_AREA_TOPDOWN;
	info->length = 2 * ps;
	info->low_limit =
		mm->arch->mmap_min_addr > ps ? mm->arch->mmap_min_addr : ps;
	info->high_limit = mm->mmap_base;
}

struct region {
	unsigned long base, end, n;
	unsigned long *addrs; /* random addresses in [base, end) */
	unsigned long *seq;   /* ascending addresses in [base, end) */
	unsigned long *highs; /* random page-aligned high limits */
};

static void build(struct mm_struct *mm, struct region *rg, double *ns)
{
	unsigned long ps = mm_page_size(mm), i;
	uint64_t t0;

	rg->end = mm->mmap_base & ~(ps - 1);
	rg->base = rg->end - (vma_slot(rg->n - 1) + 1) * ps;
	t0 = bench_now_ns();
	for (i = 0; i < rg->n; i++) {
		long ret = msim_mmap(mm, rg->base + vma_slot(i) * ps, ps,
				     i & 1 ? PROT_READ | PROT_WRITE : PROT_READ,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);

		if (IS_ERR_VALUE((unsigned long)ret))
			bench_die("msim_mmap", ret);
	}
	*ns = (double)(bench_now_ns() - t0) / rg->n;
	if ((unsigned long)mm->map_count < rg->n) {
		fprintf(stderr,
			"find_vma_scaling: %lu mappings made %d VMAs: they merged\n",
			rg->n, mm->map_count);
		exit(1);
	}
}

static void make_queries(struct region *rg, unsigned long ps,
			 struct bench_rng *rng)
{
	unsigned long i, span = (rg->end - rg->base) / ps;

	rg->addrs = malloc(cfg.lookups * sizeof(*rg->addrs));
	rg->seq = malloc(cfg.lookups * sizeof(*rg->seq));
	rg->highs = malloc(cfg.lookups * sizeof(*rg->highs));
	if (!rg->addrs || !rg->seq || !rg->highs)
		bench_die("malloc", 0);
	for (i = 0; i < cfg.lookups; i++) {
		rg->addrs[i] = rg->base + bench_rng_below(rng, span * ps);
		rg->seq[i] =
			rg->base +
			(unsigned long)((double)i / cfg.lookups * span) * ps;
		rg->highs[i] = rg->base + (1 + bench_rng_below(rng, span)) * ps;
	}
}

/*
 * The naive walks are O(n) a call: give each about the same total work
 * at every size rather than the tree's full count.
 */
static unsigned long naive_iters(unsigned long n)
{
	unsigned long it = 50000000UL / n;

	if (it < 64)
		it = 64;
	return it < cfg.lookups ? it : cfg.lookups;
}

/* One query of @k through the library (naive false) or the list walk. */
static unsigned long query(struct mm_struct *mm, const struct region *rg,
			   enum kind k, unsigned long i, bool naive)
{
	struct vm_unmapped_area_info info;
	struct vm_area_struct *vma;
	unsigned long addr;

	switch (k) {
	case K_FIND:
	case K_FIND_SEQ:
		addr = k == K_FIND ? rg->addrs[i] : rg->seq[i];
		vma = naive ? naive_find_vma(mm, addr) : find_vma(mm, addr);
		return vma ? vma->vm_start : 0;
	case K_NEAREST:
		memset(&info, 0, sizeof(info));
		info.flags = VM_UNMAPPED_AREA_TOPDOWN;
		info.length = mm_page_size(mm);
		info.low_limit = rg->base;
		info.high_limit = rg->highs[i];
		return naive ? naive_unmapped_area_topdown(mm, &info)
			     : vm_unmapped_area(mm, &info);
	default:
		needle_info(mm, &info);
		return naive ? naive_unmapped_area_topdown(mm, &info)
			     : get_unmapped_area(mm, 0, info.length, 0, 0);
	}
}

static double time_queries(struct mm_struct *mm, const struct region *rg,
			   enum kind k, unsigned long iters, bool naive)
{
	/*
	 * Fewer calls than queries (the naive walks): take them at a stride,
	 * so that the ascending ones still span every VMA.
	 */
	unsigned long i, acc = 0, stride = cfg.lookups / iters;
	uint64_t t0 = bench_now_ns();

	for (i = 0; i < iters; i++)
		acc += query(mm, rg, k, i * stride, naive);
	sink += acc;
	return (double)(bench_now_ns() - t0) / iters;
}

static void check_queries(struct mm_struct *mm, const struct region *rg,
			  enum kind k, struct result *res)
{
	unsigned long i, n = naive_iters(rg->n);

	/* At a stride, as time_queries() takes them: see there. */
	if (n > 2000)
		n = 2000;
	for (i = 0; i < n; i++) {
		unsigned long q = i * (cfg.lookups / n);

		unsigned long a = query(mm, rg, k, q, false);
		unsigned long b = query(mm, rg, k, q, true);

		res->checked++;
		if (a == b)
			continue;
		if (res->mismatches++ < 3)
			fprintf(stderr,
				"find_vma_scaling: %s, %lu VMAs, query %lu: library %#lx, naive %#lx\n",
				kind_name[k], rg->n, q, a, b);
	}
}

static struct mm_struct *new_mm(struct msim_machine **mp)
{
	struct msim_machine *m;
	struct mm_struct *mm;

	/* No page is ever touched: RAM only has to hold the pgd. */
	m = msim_machine_create(&(struct msim_machine_config){
		.ram_bytes = 256UL << 20,
	});
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	m->sysctl_max_map_count = 1 << 20;
	mm = mm_alloc(m);
	if (!mm)
		bench_die("mm_alloc", -ENOMEM);
	*mp = m;
	return mm;
}

static void run_size(unsigned long n, struct result res[NR_KINDS])
{
	static double v[NR_KINDS][2][MAX_ROUNDS];
	struct region rg = { .n = n };
	struct msim_machine *m;
	struct mm_struct *mm;
	struct bench_rng rng;
	unsigned long r;
	uint64_t t0;
	int k;

	memset(res, 0, NR_KINDS * sizeof(*res));
	for (r = 0; r < cfg.rounds; r++) {
		mm = new_mm(&m);
		build(mm, &rg, &v[K_BUILD][0][r]);
		mmap_read_lock(mm);
		if (!r) {
			/* The same layout every round: one set of queries. */
			bench_rng_seed(&rng, n);
			make_queries(&rg, mm_page_size(mm), &rng);
			for (k = 0; k < NR_QUERIES; k++)
				check_queries(mm, &rg, k, &res[k]);
			res[0].height = mm->mm_rb.node->height;
		}
		for (k = 0; k < NR_QUERIES; k++) {
			v[k][0][r] =
				time_queries(mm, &rg, k, cfg.lookups, false);
			v[k][1][r] =
				time_queries(mm, &rg, k, naive_iters(n), true);
		}
		mmap_read_unlock(mm);

		t0 = bench_now_ns();
		mmput(mm);
		v[K_TEARDOWN][0][r] = (double)(bench_now_ns() - t0) / n;
		if (msim_machine_destroy(m))
			fprintf(stderr,
				"find_vma_scaling: warning: machine busy\n");
	}
	for (k = 0; k < NR_KINDS; k++) {
		res[k].tree_ns = bench_median(v[k][0], cfg.rounds);
		res[k].naive_ns =
			k < NR_QUERIES ? bench_median(v[k][1], cfg.rounds) : -1;
	}
	free(rg.addrs);
	free(rg.seq);
	free(rg.highs);
}

static void parse_sizes(const char *s)
{
	char *end;

	cfg.nsizes = 0;
	while (*s && cfg.nsizes < MAX_SIZES) {
		unsigned long n = strtoul(s, &end, 0);

		if (end == s || n < 2)
			break;
		cfg.sizes[cfg.nsizes++] = n;
		s = *end == ',' ? end + 1 : end;
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: find_vma_scaling [-n sizes] [-l lookups] [-r rounds]\n"
		"  -n  comma-separated VMA counts (default 1000,10000,100000)\n"
		"  -l  library calls timed per operation and size (default 1000000)\n"
		"  -r  rounds, median reported (default 3)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct result res[MAX_SIZES][NR_KINDS];
	char params[256];
	int opt, s, k;

	while ((opt = getopt(argc, argv, "n:l:r:h")) != -1) {
		switch (opt) {
		case 'n':
			parse_sizes(optarg);
			break;
		case 'l':
			cfg.lookups = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			cfg.rounds = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!cfg.nsizes || !cfg.lookups || !cfg.rounds ||
	    cfg.rounds > MAX_ROUNDS)
		usage();

	snprintf(
		params, sizeof(params),
		"%lu library calls per query and size, naive scan 5e7/n calls, %lu rounds, median",
		cfg.lookups, cfg.rounds);
	bench_print_header("find_vma_scaling", params);

	/*
	 * A throwaway run first: the first size measured would otherwise pay
	 * for the process's cold start (malloc growing its arena, the host
	 * faulting in fresh memory) and skew every "vs first" ratio.
	 */
	run_size(cfg.sizes[0], res[0]);
	for (s = 0; s < cfg.nsizes; s++)
		run_size(cfg.sizes[s], res[s]);

	printf("%-24s %8s %10s %10s %12s %12s %8s\n", "operation", "VMAs",
	       "ns/call", "vs first", "naive ns", "naive/lib", "check");
	for (k = 0; k < NR_KINDS; k++) {
		for (s = 0; s < cfg.nsizes; s++) {
			struct result *r = &res[s][k];
			double base = res[0][k].tree_ns;
			char naive[16] = "-", ratio[16] = "-", check[16] = "-";

			if (r->naive_ns >= 0) {
				snprintf(naive, sizeof(naive), "%.1f",
					 r->naive_ns);
				snprintf(ratio, sizeof(ratio), "%.1f",
					 r->naive_ns / r->tree_ns);
			}
			if (r->checked)
				snprintf(check, sizeof(check), "%s",
					 r->mismatches ? "DIFFERS" : "ok");
			printf("%-24s %8lu %10.1f %10.2f %12s %12s %8s\n",
			       s ? "" : kind_name[k], cfg.sizes[s], r->tree_ns,
			       base > 0 ? r->tree_ns / base : 0, naive, ratio,
			       check);
		}
	}
	printf("\n\"vs first\": ns/call over that of %lu VMAs; \"check\": the library's answers equal the naive scan's\n",
	       cfg.sizes[0]);
	printf("VMA tree height:");
	for (s = 0; s < cfg.nsizes; s++)
		printf(" %d at %lu VMAs (AVL bound %.1f)%s", res[s][0].height,
		       cfg.sizes[s], 1.44 * log2((double)cfg.sizes[s] + 2),
		       s + 1 < cfg.nsizes ? "," : "\n");
	return 0;
}
