// SPDX-License-Identifier: MIT
/*
 * A concurrency test in C (struct msim_sched_test): its setup, threads,
 * check and teardown as one body, explored or replayed.
 */
#include <errno.h>
#include "explorer.h"

/* The C test's body. */
static void test_body(struct msim_run *run, void *arg)
{
	const struct msim_sched_test *t = arg;
	struct msim_thread_spec specs[MSIM_MAX_THREADS];
	void *state = t->setup ? t->setup(t->arg) : t->arg;
	unsigned int i;

	for (i = 0; i < t->nthreads && i < MSIM_MAX_THREADS; i++) {
		specs[i].name = t->names[i];
		specs[i].fn = t->threads[i];
		specs[i].arg = state;
		specs[i].swap = NULL;
	}
	if (msim_run_threads(run, t->nthreads, specs))
		return; /* stopped: leave the world as it is */
	if (t->check)
		t->check(run, state);
	if (t->teardown)
		t->teardown(state);
}

int msim_sched_test_explore(const struct msim_sched_test *test,
			    const struct msim_explore_opts *opts,
			    struct msim_explore_result *res)
{
	if (!test || !test->nthreads || test->nthreads > MSIM_MAX_THREADS)
		return -EINVAL;
	return msim_explore(test_body, (void *)test, opts, res);
}

int msim_sched_test_replay(const struct msim_sched_test *test,
			   const char *schedule,
			   const struct msim_explore_opts *opts,
			   struct msim_explore_result *res, char *err,
			   size_t errlen)
{
	if (!test || !test->nthreads || test->nthreads > MSIM_MAX_THREADS)
		return -EINVAL;
	return msim_replay(test_body, (void *)test, schedule, opts, res, err,
			   errlen);
}
