// SPDX-License-Identifier: MIT
/*
 * fault_cost - what a first-touch fault costs per page, in the simulator
 * and in the host kernel doing the same thing natively.
 *
 * Four phases, each over N pages of a fresh private anonymous mapping:
 *   write     write to untouched pages (allocate and zero a frame)
 *   read      read untouched pages (map the shared zero page)
 *   cow       write to those same pages after the read (COW of zero page)
 *   munmap    unmap N populated pages (zap and free every frame)
 * The sim drives msim_user_access() one page at a time, the way a CPU
 * would fault; the host touches the pages with plain loads and stores.
 * Each round runs the sim then the host, so slow drift of the machine
 * hits both; the first round is a warm-up (it pays for the host faulting
 * in the simulated RAM itself) and is not counted.  The median of the
 * remaining rounds is reported.
 *
 * usage: fault_cost [-n pages] [-r rounds]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>

#include "bench.h"

enum phase { PH_WRITE, PH_READ, PH_COW, PH_MUNMAP, NR_PHASES };

static const char *const phase_name[NR_PHASES] = {
	[PH_WRITE] = "write fault (new anon page)",
	[PH_READ] = "read fault (zero page)",
	[PH_COW] = "write after read (COW of zero)",
	[PH_MUNMAP] = "munmap, populated (per page)",
};

/* Keeps the host's loads from being optimized away. */
static volatile unsigned long sink;

static unsigned long sim_map(struct mm_struct *mm, unsigned long len)
{
	long addr = msim_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS);

	if (IS_ERR_VALUE((unsigned long)addr))
		bench_die("msim_mmap", addr);
	return (unsigned long)addr;
}

static uint64_t sim_touch(struct mm_struct *mm, unsigned long addr,
			  unsigned long npages, unsigned long ps,
			  enum msim_access access)
{
	uint64_t t0 = bench_now_ns();
	unsigned long i;

	for (i = 0; i < npages; i++) {
		int err = msim_user_access(mm, addr + i * ps, NULL, 1, access,
					   NULL);

		if (err)
			bench_die("msim_user_access", err);
	}
	return bench_now_ns() - t0;
}

/*
 * The rss check makes sure each phase did what its name says: a read
 * pass that allocated frames, say, would be timing the wrong fault.
 */
static void sim_expect_anon(struct mm_struct *mm, unsigned long want,
			    const char *phase)
{
	unsigned long got = get_mm_counter(mm, MM_ANONPAGES);

	if (got != want)
		fprintf(stderr,
			"fault_cost: warning: sim %s left %lu anon pages, expected %lu\n",
			phase, got, want);
}

static void sim_round(struct mm_struct *mm, unsigned long npages,
		      double ns[NR_PHASES])
{
	unsigned long ps = mm_page_size(mm), len = npages * ps, addr;
	uint64_t t0;
	int err;

	addr = sim_map(mm, len);
	ns[PH_WRITE] = sim_touch(mm, addr, npages, ps, MSIM_ACCESS_WRITE);
	sim_expect_anon(mm, npages, "write");
	t0 = bench_now_ns();
	err = msim_munmap(mm, addr, len);
	ns[PH_MUNMAP] = bench_now_ns() - t0;
	if (err)
		bench_die("msim_munmap", err);
	bench_flip_free_list(mm, len);

	addr = sim_map(mm, len);
	ns[PH_READ] = sim_touch(mm, addr, npages, ps, MSIM_ACCESS_READ);
	sim_expect_anon(mm, 0, "read");
	ns[PH_COW] = sim_touch(mm, addr, npages, ps, MSIM_ACCESS_WRITE);
	sim_expect_anon(mm, npages, "cow");
	err = msim_munmap(mm, addr, len);
	if (err)
		bench_die("msim_munmap", err);
	bench_flip_free_list(mm, len);
}

static char *host_map(unsigned long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap", 0);
	/*
	 * The sim has no THP: without this a host with THP "always" would
	 * fault 2 MiB at a time and the comparison would be meaningless.
	 */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void host_round(unsigned long npages, double ns[NR_PHASES])
{
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long len = npages * ps, i, sum = 0;
	volatile char *p;
	uint64_t t0;

	p = host_map(len);
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++)
		p[i * ps] = 1;
	ns[PH_WRITE] = bench_now_ns() - t0;
	t0 = bench_now_ns();
	if (munmap((void *)p, len))
		bench_die("munmap", 0);
	ns[PH_MUNMAP] = bench_now_ns() - t0;

	p = host_map(len);
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++)
		sum += p[i * ps];
	ns[PH_READ] = bench_now_ns() - t0;
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++)
		p[i * ps] = 1;
	ns[PH_COW] = bench_now_ns() - t0;
	if (munmap((void *)p, len))
		bench_die("munmap", 0);
	sink += sum;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fault_cost [-n pages] [-r rounds]\n"
		"  -n  pages faulted per phase and round (default 32768)\n"
		"  -r  counted rounds, after one warm-up (default 7)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long ps = msim_page_size(&msim_arch_x86_64);
	unsigned long npages = 32768, rounds = 7, r;
	struct msim_machine *m;
	struct mm_struct *mm;
	double *sim[NR_PHASES], *host[NR_PHASES];
	char params[128];
	int p;

	bench_parse_n_r(argc, argv, &npages, &rounds, usage);

	/*
	 * Room for every frame of one phase, its page tables (one per 512
	 * pages) and slack for the upper levels, so that a fault never sees
	 * OOM and the commit charge of the mapping always fits.
	 */
	m = msim_machine_create(&(struct msim_machine_config){
		.ram_bytes = (npages + npages / 256 + 4096) * ps,
	});
	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	mm = mm_alloc(m);
	if (!mm)
		bench_die("mm_alloc", -ENOMEM);

	for (p = 0; p < NR_PHASES; p++) {
		sim[p] = calloc(rounds, sizeof(double));
		host[p] = calloc(rounds, sizeof(double));
		if (!sim[p] || !host[p])
			bench_die("calloc", 0);
	}

	snprintf(params, sizeof(params),
		 "%lu pages a phase (%lu MiB), %lu rounds + 1 warm-up, median",
		 npages, npages * ps >> 20, rounds);
	bench_print_header("fault_cost", params);

	for (r = 0; r <= rounds; r++) {
		double s[NR_PHASES], h[NR_PHASES];

		sim_round(mm, npages, s);
		host_round(npages, h);
		if (!r)
			continue;
		for (p = 0; p < NR_PHASES; p++) {
			sim[p][r - 1] = s[p] / npages;
			host[p][r - 1] = h[p] / npages;
		}
	}

	printf("%-32s %14s %14s %10s\n", "operation", "sim ns/page",
	       "host ns/page", "sim/host");
	for (p = 0; p < NR_PHASES; p++) {
		double s = bench_median(sim[p], rounds);
		double h = bench_median(host[p], rounds);

		printf("%-32s %14.1f %14.1f %10.2f\n", phase_name[p], s, h,
		       h > 0 ? s / h : 0.0);
		free(sim[p]);
		free(host[p]);
	}

	mmput(mm);
	if (msim_machine_destroy(m))
		fprintf(stderr, "fault_cost: warning: machine still busy\n");
	return 0;
}
