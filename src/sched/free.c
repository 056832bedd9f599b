// SPDX-License-Identifier: MIT
/*
 * Free-running threads: the bodies of a section on real pthreads, with no
 * scheduler and no checks, for stress tests (under ThreadSanitizer, the
 * races the controlled runs cannot show: those between two scheduling
 * points, in memory the model forgot to lock or declare).
 *
 * Each thread gets a block of its own (thread_info.h) with the caller's
 * current task, as a controlled thread does.  The library's hooks stay
 * whatever they are: a scheduler's controlled section must not run at the
 * same time.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <mmsim/sched/thread.h>
#include <mmsim/thread_info.h>
#include <mmsim/trace.h>

struct free_thread {
	pthread_t thread;
	struct msim_thread_info ti;
	const struct msim_thread_spec *spec;
};

static void *free_main(void *arg)
{
	struct free_thread *t = arg;

	msim_set_thread_info(&t->ti);
	t->spec->fn(t->spec->arg);
	msim_set_thread_info(NULL);
	return NULL;
}

int msim_run_threads_free(unsigned int n,
			  const struct msim_thread_spec *threads)
{
	struct free_thread t[MSIM_MAX_THREADS];
	struct task_struct *task = msim_current_thread_info()->task;
	unsigned int i, made;
	int ret = 0;

	if (!n || n > MSIM_MAX_THREADS)
		return -EINVAL;
	for (made = 0; made < n; made++) {
		memset(&t[made].ti, 0, sizeof(t[made].ti));
		t[made].ti.task = task;
		t[made].ti.trace_tid = msim_trace_thread(threads[made].name);
		t[made].spec = &threads[made];
		if (pthread_create(&t[made].thread, NULL, free_main,
				   &t[made])) {
			ret = -EAGAIN;
			break;
		}
	}
	for (i = 0; i < made; i++)
		pthread_join(t[i].thread, NULL);
	return ret;
}
