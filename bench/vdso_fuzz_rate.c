// SPDX-License-Identifier: MIT
/*
 * vdso_fuzz_rate: vDSO fuzz cases per second with one Unicorn CPU kept
 * across cases (what mmsim vdso-fuzz does), against a fresh CPU opened
 * (msim_ucpu_create) and closed for every case, on the same random cases
 * in the same run.  Also the rate of exhaustive exploration (K=1 and
 * K=2) on the kept CPU; whole campaigns (what the command runs: cases,
 * groups, kept cases) on one job and on two (--jobs 2); and cf-explore's
 * campaigns on the counter example (examples/coldfire/), on one job and
 * on two.
 */
#include <getopt.h>
#include <time.h>
#include <mmsim/err.h>
#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/cfx.h>
#include <mmsim/coldfire/ucpu.h>

#include "bench.h"
#include <mmsim/coldfire/vdso_run.h>

#ifndef MMSIM_BENCH_COUNTER
#define MMSIM_BENCH_COUNTER "examples/coldfire/prebuilt/counter.elf"
#endif

static void usage(void)
{
	fprintf(stderr, "usage: vdso_fuzz_rate [-n cases] [-r rounds] "
			"[-s seed] [-c campaign cases] [-R campaign rounds] "
			"[-p counter.elf]\n");
	exit(2);
}

/* Cases per second over @n cases; a fresh CPU per case if @fresh. */
static double run_cases(struct msim_vf_env *env,
			const struct msim_vf_case *cases, unsigned long n,
			bool fresh, struct msim_vf_result *r)
{
	struct msim_ucpu *kept = env->cpu;
	uint64_t t0 = bench_now_ns();
	unsigned long i;
	int ret;

	for (i = 0; i < n; i++) {
		if (fresh) {
			env->cpu = msim_ucpu_create(env->mm, NULL, 0);
			if (IS_ERR(env->cpu))
				bench_die("msim_ucpu_create",
					  PTR_ERR(env->cpu));
			/* As the CLI does with its one CPU. */
			ret = msim_vf_env_warm(env);
			if (ret)
				bench_die("msim_vf_env_warm", ret);
		}
		ret = msim_vf_run(env, &cases[i], NULL, NULL, r);
		if (ret)
			bench_die("msim_vf_run", ret);
		if (fresh)
			msim_ucpu_destroy(env->cpu);
	}
	env->cpu = kept;
	return (double)n * 1e9 / (double)(bench_now_ns() - t0);
}

/* Paths per second of a whole exhaustive exploration with @k. */
static double run_exhaustive(struct msim_vf_env *env, int k,
			     unsigned long *paths, struct msim_vf_result *r)
{
	struct msim_vf_limits lim = { k, k, k };
	static struct msim_vf_explore ex;
	uint64_t t0 = bench_now_ns();
	int ret;

	*paths = 0;
	msim_vf_explore_init(&ex);
	do {
		ret = msim_vf_run(env, NULL, &ex, &lim, r);
		if (ret)
			bench_die("msim_vf_run", ret);
		(*paths)++;
	} while (msim_vf_explore_next(&ex));
	return (double)*paths * 1e9 / (double)(bench_now_ns() - t0);
}

/* CPU time of the whole process, all its threads. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A campaign's figures: cases per second, and the cores it had (CPU time
 * over wall time: below the jobs it ran, another process had the rest).
 */
struct rate {
	double cases_per_s, cores;
};

static struct rate rate_of(unsigned long cases, uint64_t t0, uint64_t c0)
{
	uint64_t wall = bench_now_ns() - t0, cpu = cpu_ns() - c0;

	return (struct rate){ (double)cases * 1e9 / (double)wall,
			      (double)cpu / (double)wall };
}

/* A vdso-fuzz campaign (@random or K=2) on @jobs. */
static struct rate run_campaign(struct msim_vf_env *env, bool random,
				unsigned long cases, unsigned int jobs,
				unsigned long *ran)
{
	struct msim_vf_campaign_opts o = {
		.interrupts = random ? 3 : 2,
		.cases = random ? cases : 0,
		.seed = 1,
		.no_shrink = true,
		.jobs = jobs,
	};
	struct msim_vf_campaign c;
	uint64_t t0 = bench_now_ns(), c0 = cpu_ns();
	int ret = random ? msim_vf_campaign_random(env, &o, &c)
			 : msim_vf_campaign_exhaustive(env, &o, &c);
	struct rate rt;

	if (ret)
		bench_die("campaign", ret);
	rt = rate_of(c.cases, t0, c0);
	*ran = c.cases;
	msim_vf_campaign_free(&c);
	return rt;
}

/* cf-explore's exhaustive K=@k campaign on @jobs. */
static struct rate run_cfx(struct msim_cfx_env *env, int k, unsigned int jobs,
			   unsigned long *ran)
{
	struct msim_cfx_campaign_opts o = {
		.mode = MSIM_CFX_MODE_EXHAUSTIVE,
		.interrupts = k,
		.jobs = jobs,
	};
	struct msim_cfx_campaign c;
	uint64_t t0 = bench_now_ns(), c0 = cpu_ns();
	int ret = msim_cfx_campaign_run(env, &o, &c);
	struct rate rt;

	if (ret)
		bench_die("cf-explore campaign", ret);
	rt = rate_of(c.cases, t0, c0);
	*ran = c.cases;
	msim_cfx_campaign_free(&c);
	return rt;
}

/* The median of @n rates by cases per second, its cores with it. */
static struct rate rate_median(struct rate *v, unsigned long n)
{
	unsigned long i, j;
	struct rate t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1].cases_per_s > v[j].cases_per_s;
		     j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void print_rate(const char *what, struct rate r, double base)
{
	if (base > 0)
		printf("%-40s %14.0f %10.2f %7.2f\n", what, r.cases_per_s,
		       r.cases_per_s / base, r.cores);
	else
		printf("%-40s %14.0f %10s %7.2f\n", what, r.cases_per_s, "",
		       r.cores);
}

static struct msim_cfx_env *counter_env(const char *path)
{
	struct msim_cfx_opts o = { .threads = 2, .name = "counter" };
	struct msim_cfx_env *env;
	char why[256];
	void *elf = NULL;
	long len = -1;
	FILE *f = fopen(path, "rb");

	if (f && !fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (elf = malloc((size_t)len)) &&
	    fread(elf, 1, (size_t)len, f) != (size_t)len)
		len = -1;
	if (f)
		fclose(f);
	if (!elf || len <= 0) {
		fprintf(stderr, "vdso_fuzz_rate: cannot read %s (-p)\n", path);
		exit(2);
	}
	env = msim_cfx_env_create(elf, (size_t)len, &o, why, sizeof(why));
	free(elf);
	if (IS_ERR(env)) {
		fprintf(stderr, "vdso_fuzz_rate: %s: %s\n", path, why);
		exit(2);
	}
	return env;
}

int main(int argc, char **argv)
{
	unsigned long n = 2000, rounds = 5, seed = 1, i, r, paths[2];
	unsigned long ncamp = 400000, crounds = 3, ran[4], cran[3];
	const char *counter = MMSIM_BENCH_COUNTER;
	double *kept, *fresh, ex[2];
	struct rate camp[4], cfx[3], *cr;
	struct msim_cfx_env *cenv;
	static struct msim_vf_result res;
	struct msim_vf_case *cases;
	struct msim_vf_env env;
	char params[160];
	uint64_t rng;
	int c, ret;

	while ((c = getopt(argc, argv, "n:r:s:c:p:R:")) != -1) {
		switch (c) {
		case 'R':
			crounds = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			ncamp = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			counter = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!n || !rounds || !crounds)
		usage();
	cases = calloc(n, sizeof(*cases));
	kept = calloc(rounds, sizeof(double));
	fresh = calloc(rounds, sizeof(double));
	if (!cases || !kept || !fresh)
		bench_die("calloc", 0);
	/* The random mode's cases: up to 2 interrupts a call, 3 deep. */
	rng = seed;
	for (i = 0; i < n; i++)
		msim_vf_case_random(&rng, 2, 3, 12, &cases[i]);

	snprintf(params, sizeof(params),
		 "%lu random cases (seed %lu, K=2, depth 3), the seed's fixup, "
		 "%lu rounds + 1 warm-up, median",
		 n, seed, rounds);
	bench_print_header("vdso_fuzz_rate", params);

	ret = msim_vf_env_create(&env, NULL, 0);
	if (ret)
		bench_die("msim_vf_env_create", ret);
	for (r = 0; r <= rounds; r++) {
		double k = run_cases(&env, cases, n, false, &res);
		double f = run_cases(&env, cases, n, true, &res);

		if (!r)
			continue;
		kept[r - 1] = k;
		fresh[r - 1] = f;
	}
	ex[0] = run_exhaustive(&env, 1, &paths[0], &res);
	ex[1] = run_exhaustive(&env, 2, &paths[1], &res);
	/* Each campaign @crounds times, one job and two in turn: the median. */
	cr = calloc(4 * crounds, sizeof(*cr));
	if (!cr)
		bench_die("calloc", 0);
	for (r = 0; r < crounds; r++)
		for (i = 0; i < 4; i++)
			cr[i * crounds + r] = run_campaign(&env, i < 2, ncamp,
							   i % 2 + 1, &ran[i]);
	for (i = 0; i < 4; i++)
		camp[i] = rate_median(&cr[i * crounds], crounds);
	free(cr);
	msim_vf_env_destroy(&env);
	cenv = counter_env(counter);
	cfx[0] = run_cfx(cenv, 1, 1, &cran[0]);
	cfx[1] = run_cfx(cenv, 2, 1, &cran[1]);
	cfx[2] = run_cfx(cenv, 2, 2, &cran[2]);
	msim_cfx_env_destroy(cenv);

	printf("%-40s %14s %10s\n", "what", "cases/s", "ratio");
	printf("%-40s %14.0f %10s\n", "random, fresh CPU per case (baseline)",
	       bench_median(fresh, rounds), "1.00");
	printf("%-40s %14.0f %10.2f\n", "random, one CPU kept",
	       bench_median(kept, rounds),
	       bench_median(kept, rounds) / bench_median(fresh, rounds));
	for (i = 0; i < 2; i++) {
		char what[64];

		snprintf(what, sizeof(what), "exhaustive K=%lu (%lu cases)",
			 i + 1, paths[i]);
		printf("%-40s %14.0f %10.2f\n", what, ex[i],
		       ex[i] / bench_median(fresh, rounds));
	}
	printf("\n%-40s %14s %10s %7s\n", "mmsim vdso-fuzz campaigns",
	       "cases/s", "ratio", "cores");
	print_rate("random K=3 --no-shrink, 1 job", camp[0],
		   camp[0].cases_per_s);
	print_rate("random K=3 --no-shrink, 2 jobs", camp[1],
		   camp[0].cases_per_s);
	print_rate("exhaustive K=2, 1 job", camp[2], camp[2].cases_per_s);
	print_rate("exhaustive K=2, 2 jobs", camp[3], camp[2].cases_per_s);
	printf("(random: %lu cases, exhaustive: %lu; median of %lu rounds; "
	       "cores: CPU time over wall time)\n",
	       ran[0], ran[2], crounds);
	printf("\n%-40s %14s %10s %7s\n",
	       "mmsim cf-explore, counter, 2 threads", "cases/s", "ratio",
	       "cores");
	print_rate("exhaustive K=1, 1 job", cfx[0], 0);
	print_rate("exhaustive K=2, 1 job", cfx[1], cfx[1].cases_per_s);
	print_rate("exhaustive K=2, 2 jobs", cfx[2], cfx[1].cases_per_s);
	printf("(K=1: %lu cases, K=2: %lu)\n", cran[0], cran[1]);
	free(cases);
	free(kept);
	free(fresh);
	return 0;
}
