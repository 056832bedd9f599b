// SPDX-License-Identifier: MIT
/*
 * memmap_cost - what a machine's RAM costs the host: the time to create a
 * machine against its RAM size, and the host memory per simulated page
 * touched.  The baseline is the memory map this library used to build,
 * reimplemented here as the naive approach: every struct page allocated
 * and initialized when the machine is created, as msim_machine_create()
 * did before it populated the map by section (src/mm/sparse.c).
 *
 * Two tables, x86_64 (4 KiB pages):
 *   start-up   msim_machine_create() against the naive creation (reserve
 *              the RAM, calloc() a struct page per frame and initialize
 *              each), for each RAM size; the time is the median of the
 *              rounds, the host memory the growth of this process's
 *              resident set across one creation
 *   touched    a machine of -t RAM, a byte written to each of N pages
 *              through msim_user_access() (one fault each, frames and
 *              page tables allocated as they come): the growth of the
 *              resident set divided by N, against the naive creation
 *              followed by a write to the same N frames' bytes and
 *              struct pages (no page tables: the naive side is the
 *              memory map alone)
 * The naive creation is skipped for RAM above -m (its map is 88 bytes a
 * frame: 22 GiB for 1 TiB), printed as '-'.
 *
 * usage: memmap_cost [-r rounds] [-m naive_max_GiB] [-t touch_ram_GiB]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>

#include "bench.h"

/* The resident set of this process, in bytes (/proc/self/statm). */
static unsigned long rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu %lu", &size, &resident) != 2)
		bench_die("/proc/self/statm", 0);
	fclose(f);
	return resident * (unsigned long)sysconf(_SC_PAGESIZE);
}

/* The memory map as it was built before: whole, at creation. */
struct naive_machine {
	unsigned char *ram;
	struct page *mem_map;
	unsigned long nr_frames, ram_bytes;
};

static void naive_create(struct naive_machine *n, unsigned long ram)
{
	unsigned long i;

	n->ram_bytes = ram;
	n->nr_frames = ram >> 12;
	n->ram = mmap(NULL, ram, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (n->ram == MAP_FAILED)
		bench_die("mmap", 0);
	n->mem_map = calloc(n->nr_frames, sizeof(struct page));
	if (!n->mem_map)
		bench_die("calloc", 0);
	for (i = 0; i < n->nr_frames; i++) {
		n->mem_map[i].machine = NULL;
		atomic_init(&n->mem_map[i]._mapcount, -1);
		INIT_LIST_HEAD(&n->mem_map[i].lru);
	}
}

static void naive_destroy(struct naive_machine *n)
{
	munmap(n->ram, n->ram_bytes);
	free(n->mem_map);
}

/* What a first write fault leaves in the naive map: a used frame. */
static void naive_touch(struct naive_machine *n, unsigned long pages)
{
	unsigned long i;

	for (i = 1; i <= pages; i++) {
		n->ram[i << 12] = 1;
		atomic_store(&n->mem_map[i]._refcount, 1);
		atomic_store(&n->mem_map[i]._mapcount, 0);
	}
}

static struct msim_machine *sim_create(unsigned long ram)
{
	struct msim_machine *m = msim_machine_create(
		&(struct msim_machine_config){ .ram_bytes = ram });

	if (IS_ERR(m))
		bench_die("msim_machine_create", PTR_ERR(m));
	return m;
}

static void sim_destroy(struct msim_machine *m)
{
	int err = msim_machine_destroy(m);

	if (err)
		bench_die("msim_machine_destroy", err);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: memmap_cost [-r rounds] [-m naive_max_GiB] "
		"[-t touch_ram_GiB]\n"
		"  -r  rounds of each creation, median taken (default 5)\n"
		"  -m  largest RAM the naive creation is run for (default "
		"64)\n"
		"  -t  RAM of the machine the touched pages are counted on "
		"(default 64)\n");
	exit(2);
}

static void startup_table(unsigned long rounds, unsigned long naive_max)
{
	static const unsigned long gib[] = { 1, 4, 16, 64, 256, 1024 };
	double *sim_ms = calloc(rounds, sizeof(double));
	double *naive_ms = calloc(rounds, sizeof(double));
	size_t s;

	if (!sim_ms || !naive_ms)
		bench_die("calloc", 0);
	printf("start-up against RAM size (median of %lu creations; host "
	       "memory of one)\n",
	       rounds);
	printf("%8s %12s %12s %9s %13s %13s %9s\n", "RAM", "sim ms", "naive ms",
	       "naive/sim", "sim KiB", "naive KiB", "naive/sim");
	for (s = 0; s < sizeof(gib) / sizeof(gib[0]); s++) {
		unsigned long ram = gib[s] << 30, r, before, sim_kib = 0;
		unsigned long naive_kib = 0;
		bool naive = gib[s] <= naive_max;
		double sm, nm;

		for (r = 0; r < rounds; r++) {
			struct msim_machine *m;
			struct naive_machine n;
			uint64_t t0;

			before = rss_bytes();
			t0 = bench_now_ns();
			m = sim_create(ram);
			sim_ms[r] = (bench_now_ns() - t0) / 1e6;
			if (!r)
				sim_kib = (rss_bytes() - before) >> 10;
			sim_destroy(m);
			if (!naive)
				continue;
			before = rss_bytes();
			t0 = bench_now_ns();
			naive_create(&n, ram);
			naive_ms[r] = (bench_now_ns() - t0) / 1e6;
			if (!r)
				naive_kib = (rss_bytes() - before) >> 10;
			naive_destroy(&n);
		}
		sm = bench_median(sim_ms, rounds);
		if (!naive) {
			printf("%6lu G %12.3f %12s %9s %13lu %13s %9s\n",
			       gib[s], sm, "-", "-", sim_kib, "-", "-");
			continue;
		}
		nm = bench_median(naive_ms, rounds);
		printf("%6lu G %12.3f %12.1f %9.0f %13lu %13lu %9.0f\n", gib[s],
		       sm, nm, sm > 0 ? nm / sm : 0.0, sim_kib, naive_kib,
		       sim_kib ? (double)naive_kib / (double)sim_kib : 0.0);
	}
	free(sim_ms);
	free(naive_ms);
}

static void touched_table(unsigned long touch_gib)
{
	static const unsigned long counts[] = { 256, 4096, 65536, 262144 };
	unsigned long ram = touch_gib << 30;
	size_t c;

	printf("\nhost bytes per page touched, on a machine of %lu GiB (write "
	       "faults)\n",
	       touch_gib);
	printf("%10s %14s %14s %10s\n", "pages", "sim B/page", "naive B/page",
	       "naive/sim");
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned long pages = counts[c], before, i, ps = 4096;
		double sim_b, naive_b;
		struct msim_machine *m;
		struct naive_machine n;
		struct mm_struct *mm;
		long addr;

		before = rss_bytes();
		m = sim_create(ram);
		mm = mm_alloc(m);
		if (!mm)
			bench_die("mm_alloc", -ENOMEM);
		addr = msim_mmap(mm, 0, pages * ps, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
		if (IS_ERR_VALUE((unsigned long)addr))
			bench_die("msim_mmap", addr);
		for (i = 0; i < pages; i++) {
			unsigned char byte = 1;
			int err = msim_user_access(mm, addr + i * ps, &byte, 1,
						   MSIM_ACCESS_WRITE, NULL);

			if (err)
				bench_die("msim_user_access", err);
		}
		sim_b = (double)(rss_bytes() - before) / (double)pages;
		mmput(mm);
		sim_destroy(m);

		before = rss_bytes();
		naive_create(&n, ram);
		naive_touch(&n, pages);
		naive_b = (double)(rss_bytes() - before) / (double)pages;
		naive_destroy(&n);
		printf("%10lu %14.0f %14.0f %10.1f\n", pages, sim_b, naive_b,
		       sim_b > 0 ? naive_b / sim_b : 0.0);
	}
}

int main(int argc, char **argv)
{
	unsigned long rounds = 5, naive_max = 64, touch_gib = 64;
	char params[160];
	int opt;

	while ((opt = getopt(argc, argv, "r:m:t:h")) != -1) {
		switch (opt) {
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			naive_max = strtoul(optarg, NULL, 0);
			break;
		case 't':
			touch_gib = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!rounds || !touch_gib)
		usage();
	snprintf(params, sizeof(params),
		 "x86_64, %lu rounds, naive up to %lu GiB, touched pages on "
		 "%lu GiB, struct page %zu bytes",
		 rounds, naive_max, touch_gib, sizeof(struct page));
	bench_print_header("memmap_cost", params);
	startup_table(rounds, naive_max);
	if (touch_gib <= naive_max)
		touched_table(touch_gib);
	else
		printf("\n(-t %lu above -m %lu: no touched table)\n", touch_gib,
		       naive_max);
	return 0;
}
