// SPDX-License-Identifier: MIT
/*
 * swap_cost - what reclaim, swap-in, migration and aging cost per page,
 * against a first-touch write fault of the same run.
 *
 * Each round, over N pages of a fresh private anonymous mapping:
 *   write     write to untouched pages (the baseline: allocate, zero, map)
 *   age       page_referenced() of each page, one mapping each
 *   reclaim   msim_reclaim_range() of the whole range to swap
 *   swap-in   a read of each page (do_swap_page)
 *   migrate   msim_migrate_range() of the whole range to fresh frames
 *   age x4    page_referenced() with the pages shared by four processes
 *             (three fork children), so the rmap walk visits four VMAs
 * The host has no swap, so there is no host figure for these: the host's
 * own write fault is printed beside the sim's for scale.  The first
 * round is a warm-up and is not counted; the median of the others is
 * reported.
 *
 * usage: swap_cost [-n pages] [-r rounds]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>

#include "bench.h"

enum phase {
	PH_WRITE,
	PH_AGE,
	PH_RECLAIM,
	PH_SWAPIN,
	PH_MIGRATE,
	PH_AGE4,
	NR_PHASES
};

static const char *const phase_name[NR_PHASES] = {
	[PH_WRITE] = "write fault (baseline)",
	[PH_AGE] = "page_referenced, 1 mapping",
	[PH_RECLAIM] = "reclaim to swap",
	[PH_SWAPIN] = "swap-in read fault",
	[PH_MIGRATE] = "migrate_vma to a new frame",
	[PH_AGE4] = "page_referenced, 4 mappings",
};

static uint64_t sim_touch(struct mm_struct *mm, unsigned long addr,
			  unsigned long npages, enum msim_access access)
{
	unsigned long ps = mm_page_size(mm), i;
	uint64_t t0 = bench_now_ns();

	for (i = 0; i < npages; i++) {
		int err = msim_user_access(mm, addr + i * ps, NULL, 1, access,
					   NULL);

		if (err)
			bench_die("msim_user_access", err);
	}
	return bench_now_ns() - t0;
}

static uint64_t sim_age(struct mm_struct *mm, unsigned long addr,
			unsigned long npages, int want)
{
	unsigned long ps = mm_page_size(mm), i;
	uint64_t t0 = bench_now_ns();
	int ret;

	for (i = 0; i < npages; i++) {
		ret = msim_page_referenced(mm, addr + i * ps);
		if (ret < 0)
			bench_die("msim_page_referenced", ret);
		if (ret != want && !i)
			fprintf(stderr,
				"swap_cost: warning: %d mappings referenced, "
				"expected %d\n",
				ret, want);
	}
	return bench_now_ns() - t0;
}

static void sim_round(struct task_struct *init, unsigned long npages,
		      double ns[NR_PHASES])
{
	struct mm_struct *mm = init->mm;
	unsigned long ps = mm_page_size(mm), len = npages * ps, addr;
	struct task_struct *child[3];
	long ret;
	uint64_t t0;
	int i;

	ret = msim_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS);
	if (IS_ERR_VALUE((unsigned long)ret))
		bench_die("msim_mmap", ret);
	addr = (unsigned long)ret;
	ns[PH_WRITE] = sim_touch(mm, addr, npages, MSIM_ACCESS_WRITE);
	ns[PH_AGE] = sim_age(mm, addr, npages, 1);

	t0 = bench_now_ns();
	ret = msim_reclaim_range(mm, addr, len);
	ns[PH_RECLAIM] = bench_now_ns() - t0;
	if (ret != (long)npages)
		bench_die("msim_reclaim_range", ret < 0 ? ret : -EAGAIN);
	ns[PH_SWAPIN] = sim_touch(mm, addr, npages, MSIM_ACCESS_READ);

	t0 = bench_now_ns();
	ret = msim_migrate_range(mm, addr, len);
	ns[PH_MIGRATE] = bench_now_ns() - t0;
	if (ret != (long)npages)
		bench_die("msim_migrate_range", ret < 0 ? ret : -EAGAIN);

	for (i = 0; i < 3; i++) {
		child[i] = msim_fork(init, 0, "child");
		if (IS_ERR(child[i]))
			bench_die("msim_fork", PTR_ERR(child[i]));
		sim_touch(child[i]->mm, addr, npages, MSIM_ACCESS_READ);
	}
	sim_touch(mm, addr, npages, MSIM_ACCESS_READ);
	ns[PH_AGE4] = sim_age(mm, addr, npages, 4);
	for (i = 0; i < 3; i++) {
		msim_exit(child[i]);
		msim_task_put(child[i]);
	}
	ret = msim_munmap(mm, addr, len);
	if (ret)
		bench_die("msim_munmap", ret);
	bench_flip_free_list(mm, len);
}

static double host_write(unsigned long npages)
{
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long len = npages * ps, i;
	volatile char *p;
	uint64_t t0;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		bench_die("mmap", 0);
	/* The sim has no THP: fault the host 4 KiB at a time too. */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++)
		p[i * ps] = 1;
	t0 = bench_now_ns() - t0;
	if (munmap((void *)p, len))
		bench_die("munmap", 0);
	return (double)t0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: swap_cost [-n pages] [-r rounds]\n"
		"  -n  pages per phase and round (default 16384)\n"
		"  -r  counted rounds, after one warm-up (default 7)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long ps = msim_page_size(&msim_arch_x86_64);
	unsigned long npages = 16384, rounds = 7, r;
	struct msim_machine *m;
	struct task_struct *init;
	double *sim[NR_PHASES], *host, base;
	char params[128];
	int p;

	bench_parse_n_r(argc, argv, &npages, &rounds, usage);

	/* Frames for the range, its copy while migrating, and the tables. */
	m = msim_machine_create(&(struct msim_machine_config){
		.ram_bytes = (2 * npages + npages / 64 + 4096) * ps,
		.swap_bytes = npages * ps,
	});
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	init = msim_task_create(m, "init");
	if (IS_ERR(init))
		bench_die("msim_task_create", PTR_ERR(init));

	for (p = 0; p < NR_PHASES; p++) {
		sim[p] = calloc(rounds, sizeof(double));
		if (!sim[p])
			bench_die("calloc", 0);
	}
	host = calloc(rounds, sizeof(double));
	if (!host)
		bench_die("calloc", 0);

	snprintf(params, sizeof(params),
		 "%lu pages a phase (%lu MiB), %lu rounds + 1 warm-up, median",
		 npages, npages * ps >> 20, rounds);
	bench_print_header("swap_cost", params);

	for (r = 0; r <= rounds; r++) {
		double s[NR_PHASES], h;

		sim_round(init, npages, s);
		h = host_write(npages);
		if (!r)
			continue;
		for (p = 0; p < NR_PHASES; p++)
			sim[p][r - 1] = s[p] / npages;
		host[r - 1] = h / npages;
	}

	base = bench_median(sim[PH_WRITE], rounds);
	printf("%-32s %14s %14s\n", "operation", "sim ns/page", "vs write");
	for (p = 0; p < NR_PHASES; p++) {
		double s = p == PH_WRITE ? base : bench_median(sim[p], rounds);

		printf("%-32s %14.1f %14.2f\n", phase_name[p], s,
		       base > 0 ? s / base : 0.0);
		free(sim[p]);
	}
	printf("%-32s %14.1f %14.2f\n", "host write fault, for scale",
	       bench_median(host, rounds),
	       base > 0 ? bench_median(host, rounds) / base : 0.0);
	free(host);

	msim_exit(init);
	msim_task_put(init);
	if (msim_machine_destroy(m))
		fprintf(stderr, "swap_cost: warning: machine still busy\n");
	return 0;
}
