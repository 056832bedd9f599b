// SPDX-License-Identifier: MIT
/*
 * sched_switch: how fast the controlled scheduler hands the CPU from one
 * simulated thread to another, against two pthreads handing it over with
 * a mutex and a condition variable, in the same run.
 *
 * Controlled: two simulated threads each pass N preemption points under
 * the round-robin strategy, which switches at every point; a switch is a
 * whole scheduling decision (the plan's choice, the trail entry, the
 * thread's block installed, the fiber switch), as in any search.
 * Baseline: two pthreads take turns through one mutex and a condition
 * variable, N turns each: a futex wake and a futex wait per hand-over.
 */
#include <pthread.h>
#include <mmsim/scheduler.h>
#include "bench.h"

static unsigned long points;

static void thread_fn(void *arg)
{
	unsigned long i;

	(void)arg;
	for (i = 0; i < points; i++)
		msim_preempt_point("switch");
}

static void body(struct msim_run *run, void *arg)
{
	struct msim_thread_spec t[2] = { { "a", thread_fn, NULL, NULL },
					 { "b", thread_fn, NULL, NULL } };

	(void)arg;
	if (msim_run_threads(run, 2, t))
		bench_die("msim_run_threads", -EDEADLK);
}

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int turn;
	unsigned long n;
} hand = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

static void *handoff(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long i;

	pthread_mutex_lock(&hand.lock);
	for (i = 0; i < hand.n; i++) {
		while (hand.turn != me)
			pthread_cond_wait(&hand.cond, &hand.lock);
		hand.turn = !me;
		pthread_cond_signal(&hand.cond);
	}
	pthread_mutex_unlock(&hand.lock);
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: sched_switch [-n points] [-r rounds]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n = 200000, rounds = 7, r;
	double *ctl, *cv, c, b;
	char params[128];

	bench_parse_n_r(argc, argv, &n, &rounds, usage);
	points = n;
	ctl = calloc(rounds, sizeof(*ctl));
	cv = calloc(rounds, sizeof(*cv));
	snprintf(params, sizeof(params),
		 "2 threads x %lu points, %lu rounds, median", n, rounds);
	bench_print_header("sched_switch", params);
	for (r = 0; r < rounds; r++) {
		struct msim_explore_opts o;
		struct msim_explore_result res;
		pthread_t t0, t1;
		uint64_t t;

		msim_explore_opts_init(&o);
		o.strategy = MSIM_STRATEGY_ROUND_ROBIN;
		o.in_process = true;
		o.no_shrink = true;
		o.max_steps = 2 * n + 16;
		t = bench_now_ns();
		if (msim_explore(body, NULL, &o, &res) || res.runs != 1)
			bench_die("msim_explore", -EINVAL);
		/* One decision per point, and one as each thread ends. */
		ctl[r] = (double)(2 * n + 2) / ((bench_now_ns() - t) / 1e9);
		msim_explore_result_free(&res);

		hand.turn = 0;
		hand.n = n;
		t = bench_now_ns();
		pthread_create(&t0, NULL, handoff, (void *)0);
		pthread_create(&t1, NULL, handoff, (void *)1);
		pthread_join(t0, NULL);
		pthread_join(t1, NULL);
		cv[r] = (double)(2 * n) / ((bench_now_ns() - t) / 1e9);
	}
	c = bench_median(ctl, rounds);
	b = bench_median(cv, rounds);
	printf("%-44s %14s\n", "", "switches/s");
	printf("%-44s %14.0f\n", "controlled (fibers, a decision each)", c);
	printf("%-44s %14.0f\n", "pthread condition variable hand-over", b);
	printf("%-44s %14.1f\n", "ratio", c / b);
	free(ctl);
	free(cv);
	return 0;
}
