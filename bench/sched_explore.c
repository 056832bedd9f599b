// SPDX-License-Identifier: MIT
/*
 * sched_explore: how fast the explorer searches, and how much its
 * reduction saves.
 *
 *  - the synthetic scenario of the issue: 2 threads of 10 steps each,
 *    every step a scheduling point then an increment of a shared counter
 *    (the section's start is each thread's first point), never blocking;
 *    searched whole without reduction: C(20,10) = 184,756 schedules, in
 *    this process;
 *  - examples/scenarios/01-kvm-no-retry-populate-munmap.scn, run by the
 *    same code as 'mmsim explore' (worker processes, a machine built per
 *    run) with its preemption bound;
 *  - every scenario of examples/scenarios/: the runs of the search with
 *    sleep sets against the runs without, at the file's bound and with
 *    none (capped).
 *
 * loom's rate is printed beside: about 7,000 schedules/s, implied by a
 * 20-million-iteration run killed after 45 minutes (salsa-rs/salsa PR
 * 845, as bench/README.md cites it): a peer's published figure on other
 * machines and other models, not a measurement of this run.
 */
#include <fcntl.h>
#include <mmsim/scheduler.h>
#include "bench.h"
#include "scenario.h"

#ifndef MMSIM_SOURCE_DIR
#define MMSIM_SOURCE_DIR "."
#endif

static long counter;

static void synth_thread(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 10; i++) {
		if (i)
			msim_preempt_point("step");
		msim_sync_access(msim_sync_key(1), true);
		counter++;
	}
}

static void synth_body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "a", synth_thread, NULL, NULL },
					 { "b", synth_thread, NULL, NULL } };

	(void)arg;
	counter = 0;
	if (msim_run_threads(run, 2, t) || counter != 20)
		bench_die("synthetic run", -EINVAL);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);

	if (!f || !buf)
		bench_die(path, 0);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

/* The '# explore:' options of a scenario that matter here. */
static void file_options(const char *text, int *bound, unsigned long *swap)
{
	const char *p = strstr(text, "# explore:");
	char line[256];

	*bound = 2;
	*swap = 0;
	if (!p)
		return;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	p = strstr(line, "--preemptions ");
	if (p)
		*bound = atoi(p + 14);
	if (strstr(line, "--swap 1M"))
		*swap = 1UL << 20;
}

/*
 * The scenarios print what they peek: in this process that would go to
 * our standard output, which is for the figures.
 */
static int quiet_begin(void)
{
	int saved, null;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved < 0 || null < 0)
		bench_die("/dev/null", 0);
	dup2(null, STDOUT_FILENO);
	close(null);
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

static double explore_file(const char *path, int bound, bool reduction,
			   bool in_process, unsigned long cap,
			   struct msim_explore_result *res)
{
	static struct scn_options opt;
	static struct scn_explore_job job;
	struct msim_explore_opts o;
	unsigned long swap;
	uint64_t t;
	size_t len;
	char *text = slurp(path, &len);
	int saved;

	memset(&opt, 0, sizeof(opt));
	file_options(text, &bound, &swap);
	(void)bound;
	opt.ram_bytes = 16UL << 20;
	opt.swap_bytes = swap;
	opt.quiet = true;
	job = (struct scn_explore_job){ path, text, len, &opt, 0 };
	msim_explore_opts_init(&o);
	o.no_reduction = !reduction;
	o.in_process = in_process;
	o.no_shrink = true;
	o.schedules = cap;
	saved = quiet_begin();
	t = bench_now_ns();
	if (msim_explore(scn_explore_body, &job, &o, res))
		bench_die("msim_explore", -EINVAL);
	t = bench_now_ns() - t;
	quiet_end(saved);
	free(text);
	return t / 1e9;
}

static double explore_bound(const char *path, int bound, bool reduction,
			    unsigned long cap, struct msim_explore_result *res)
{
	static struct scn_options opt;
	static struct scn_explore_job job;
	struct msim_explore_opts o;
	unsigned long swap;
	int file_bound;
	uint64_t t;
	size_t len;
	char *text = slurp(path, &len);
	int saved;

	memset(&opt, 0, sizeof(opt));
	file_options(text, &file_bound, &swap);
	opt.ram_bytes = 16UL << 20;
	opt.swap_bytes = swap;
	opt.quiet = true;
	job = (struct scn_explore_job){ path, text, len, &opt, 0 };
	msim_explore_opts_init(&o);
	o.preemptions = bound;
	o.no_reduction = !reduction;
	o.in_process = true;
	o.no_shrink = true;
	o.schedules = cap;
	saved = quiet_begin();
	t = bench_now_ns();
	if (msim_explore(scn_explore_body, &job, &o, res))
		bench_die("msim_explore", -EINVAL);
	t = bench_now_ns() - t;
	quiet_end(saved);
	free(text);
	return t / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: sched_explore [-r rounds]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const files[] = {
		"01-kvm-populate-munmap",
		"01-kvm-no-retry-populate-munmap",
		"02-unregister-release",
		"03-interval-remove-invalidate",
		"04-fork-wrprotect-device-write",
		"05-register-all-locks-faults",
	};
	unsigned long n = 1, rounds = 3, r, cap = 200000;
	struct msim_explore_result res;
	struct msim_explore_opts o;
	double *rate, s1, s1w, s1p;
	char path[512];
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "r:h")) != -1) {
		if (opt == 'r')
			rounds = strtoul(optarg, NULL, 0);
		else
			usage();
	}
	if (!rounds)
		usage();
	(void)n;
	bench_print_header("sched_explore", "see bench/README.md");
	rate = calloc(rounds, sizeof(*rate));

	/* The synthetic search, whole, no reduction, in this process. */
	for (r = 0; r < rounds; r++) {
		uint64_t t;

		msim_explore_opts_init(&o);
		o.preemptions = -1;
		o.no_reduction = true;
		o.in_process = true;
		o.no_shrink = true;
		t = bench_now_ns();
		if (msim_explore(synth_body, NULL, &o, &res) ||
		    res.schedules != 184756 || !res.complete)
			bench_die("synthetic search", -EINVAL);
		rate[r] = res.schedules / ((bench_now_ns() - t) / 1e9);
		msim_explore_result_free(&res);
	}
	printf("synthetic 2 threads x 10 steps, no reduction: 184756 "
	       "schedules, all of them\n");
	printf("  %-46s %12.0f schedules/s (median of %lu)\n", "mmsim",
	       bench_median(rate, rounds), rounds);
	printf("  %-46s %12s schedules/s (published, not measured here)\n",
	       "loom, a peer's figure", "~7000");
	msim_explore_result_free(&res);

	/* Scenario 1, as 'mmsim explore' runs it. */
	snprintf(path, sizeof(path), "%s/examples/scenarios/%s.scn",
		 MMSIM_SOURCE_DIR, files[1]);
	s1w = explore_file(path, 2, true, false, 0, &res);
	printf("\nscenario 01-kvm-no-retry-populate-munmap, bound 2, with "
	       "sleep sets: %lu runs\n",
	       res.runs);
	printf("  %-46s %12.0f runs/s\n", "worker processes (mmsim explore)",
	       res.runs / s1w);
	msim_explore_result_free(&res);
	s1p = explore_file(path, 2, true, true, 0, &res);
	printf("  %-46s %12.0f runs/s\n", "in this process", res.runs / s1p);
	msim_explore_result_free(&res);
	s1 = explore_file(path, 2, false, false, 0, &res);
	printf("  %-46s %12.0f runs/s (%lu runs)\n",
	       "worker processes, no reduction", res.runs / s1, res.runs);
	msim_explore_result_free(&res);

	/* The reduction on every shipped scenario. */
	printf("\nruns to search examples/scenarios/ whole, without and with "
	       "sleep sets\n");
	printf("  %-36s %6s %12s %12s %7s\n", "scenario", "bound",
	       "no "
	       "reduction",
	       "sleep sets", "ratio");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct msim_explore_result a, b;
		int bounds[2], k, fb;
		unsigned long swap;
		size_t len;
		char *text;

		snprintf(path, sizeof(path), "%s/examples/scenarios/%s.scn",
			 MMSIM_SOURCE_DIR, files[i]);
		text = slurp(path, &len);
		file_options(text, &fb, &swap);
		free(text);
		bounds[0] = fb;
		bounds[1] = -1;
		for (k = 0; k < 2; k++) {
			char bs[16], ratio[24];

			explore_bound(path, bounds[k], false, cap, &a);
			explore_bound(path, bounds[k], true, cap, &b);
			snprintf(bs, sizeof(bs), "%d", bounds[k]);
			if (a.complete && b.complete)
				snprintf(ratio, sizeof(ratio), "%.1f",
					 (double)a.runs / b.runs);
			else if (b.complete)
				snprintf(ratio, sizeof(ratio), ">%.0f",
					 (double)a.runs / b.runs);
			else
				snprintf(ratio, sizeof(ratio), "-");
			printf("  %-36s %6s %11lu%s %11lu%s %7s\n", files[i],
			       bounds[k] < 0 ? "none" : bs, a.runs,
			       a.complete ? " " : "+", b.runs,
			       b.complete ? " " : "+", ratio);
			msim_explore_result_free(&a);
			msim_explore_result_free(&b);
		}
	}
	printf("  (+: stopped at %lu runs, not complete; >: at least; "
	       "-: not known)\n",
	       cap);
	free(rate);
	return 0;
}
