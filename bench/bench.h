/* SPDX-License-Identifier: MIT */
/*
 * What every bench program shares: a clock, a reproducible RNG, medians,
 * and a header naming the machine, so that a pasted table always says
 * where its figures came from.
 */
#ifndef MMSIM_BENCH_H
#define MMSIM_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <mmsim/mmsim.h>

#ifndef MMSIM_BUILD_TYPE
#define MMSIM_BUILD_TYPE "unknown"
#endif

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * xorshift64*: the sim and the host must see the very same operation
 * sequence, and rand() state is global and libc-specific.
 */
struct bench_rng {
	uint64_t s;
};

static inline void bench_rng_seed(struct bench_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t bench_rng_next(struct bench_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); the modulo bias is irrelevant at these sizes. */
static inline uint64_t bench_rng_below(struct bench_rng *r, uint64_t n)
{
	return bench_rng_next(r) % n;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v in place: callers are done with the order by then. */
static inline double bench_median(double *v, size_t n)
{
	if (!n)
		return 0.0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static inline void bench_cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			break;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, size, "%s", colon);
		break;
	}
	fclose(f);
}

/*
 * The figures mean nothing without the machine and the build: print both
 * first, in the form bench/README.md records them.
 */
static inline void bench_print_header(const char *name, const char *params)
{
	struct utsname u;
	char cpu[128];
	FILE *f;

	bench_cpu_model(cpu, sizeof(cpu));
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	printf("# %s: %s\n", name, params);
	printf("# kernel %s, cpu \"%s\", nproc %ld, build %s\n", u.release, cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), MMSIM_BUILD_TYPE);
	/* A busy machine skews the host side most: say how busy it was. */
	f = fopen("/proc/loadavg", "r");
	if (f) {
		double l1, l5, l15;

		if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
			printf("# load average %.2f %.2f %.2f (1, 5, 15 min)\n",
			       l1, l5, l15);
		fclose(f);
	}
	if (strcmp(MMSIM_BUILD_TYPE, "Release"))
		printf("# warning: not a Release build; figures are not the "
		       "ones to record\n");
	printf("\n");
}

/*
 * The options of a bench that takes only -n COUNT and -r ROUNDS: their
 * values replace the defaults in @n and @rounds; anything else, or a
 * zero, calls @usage, which exits.
 */
static inline void bench_parse_n_r(int argc, char **argv, unsigned long *n,
				   unsigned long *rounds, void (*usage)(void))
{
	int opt;

	while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
		switch (opt) {
		case 'n':
			*n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			*rounds = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!*n || !*rounds)
		usage();
}

/*
 * Give up: @err is a negative errno from the library, or 0 for a host
 * call that set errno.  Messages start with the program's name.
 */
static inline void bench_die(const char *what, long err)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		err ? msim_errno_name(err) : strerror(errno));
	exit(1);
}

/*
 * The free list is LIFO, so a cycle of allocating N frames and freeing
 * them in address order hands out the next N in the opposite pfn order,
 * and zeroing or copying frames in descending order costs the host about
 * twice as much (prefetch and TLB).  An untimed cycle of allocating and
 * freeing @len bytes after each timed phase keeps every timed phase on
 * the ascending order a fresh machine gives.
 */
static inline void bench_flip_free_list(struct mm_struct *mm, unsigned long len)
{
	long addr = msim_mmap(mm, 0, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE);
	int err;

	if (IS_ERR_VALUE((unsigned long)addr))
		bench_die("msim_mmap", addr);
	err = msim_munmap(mm, (unsigned long)addr, len);
	if (err)
		bench_die("msim_munmap", err);
}

#endif /* MMSIM_BENCH_H */
