// SPDX-License-Identifier: MIT
/*
 * vdso_fuzz_rate: vDSO fuzz cases per second with one Unicorn CPU kept
 * across cases (what mmsim vdso-fuzz does), against a fresh CPU opened
 * (msim_ucpu_create) and closed for every case, on the same random cases
 * in the same run.  Also the rate of exhaustive exploration (K=1 and
 * K=2) on the kept CPU.
 */
#include <getopt.h>
#include <mmsim/err.h>
#include <mmsim/coldfire/ucpu.h>

#include "bench.h"
#include <mmsim/coldfire/vdso_run.h>

static void usage(void)
{
	fprintf(stderr, "usage: vdso_fuzz_rate [-n cases] [-r rounds] "
			"[-s seed]\n");
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

int main(int argc, char **argv)
{
	unsigned long n = 2000, rounds = 5, seed = 1, i, r, paths[2];
	double *kept, *fresh, ex[2];
	static struct msim_vf_result res;
	struct msim_vf_case *cases;
	struct msim_vf_env env;
	char params[160];
	uint64_t rng;
	int c, ret;

	while ((c = getopt(argc, argv, "n:r:s:")) != -1) {
		switch (c) {
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
	if (!n || !rounds)
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
	msim_vf_env_destroy(&env);

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
	free(cases);
	free(kept);
	free(fresh);
	return 0;
}
