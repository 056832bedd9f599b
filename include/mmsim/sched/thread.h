/* SPDX-License-Identifier: MIT */
/**
 * DOC: Simulated threads
 *
 * A concurrent section runs a few simulated threads, each with its own
 * current task, and returns when all have ended.  Within a run of the
 * explorer (explore.h) the threads are *controlled*: they are coroutines
 * on one host thread, exactly one runs at a time, and at every scheduling
 * point of the library (every lock operation, every notifier callback's
 * call and return, every msim_preempt_point(); see <mmsim/locking.h>) a
 * strategy picks the one that runs next.  msim_run_threads_free() runs
 * the same bodies *free-running* on real pthreads instead, for stress
 * tests under ThreadSanitizer.
 *
 * A thread starts on the task that was current where the section began
 * and may switch with msim_set_current(); the library's per-thread state
 * (<mmsim/thread_info.h>) follows each thread.
 */
#ifndef MMSIM_SCHED_THREAD_H
#define MMSIM_SCHED_THREAD_H

#include <mmsim/export.h>
#include <stdbool.h>

/* At most this many threads in one section. */
#define MSIM_MAX_THREADS 16

struct msim_run;

/**
 * struct msim_thread_spec - one thread of a section
 * @name: its name in reports and schedules (copied)
 * @fn: its body, called with @arg
 * @arg: for @fn
 * @swap: may be NULL; called with @in true whenever the thread is about
 *	to run again and false when it stops running at a scheduling point,
 *	so that the caller's own per-thread state can follow it (the
 *	scenario runner's current process and line)
 */
struct msim_thread_spec {
	const char *name;
	void (*fn)(void *arg);
	void *arg;
	void (*swap)(void *arg, bool in);
};

/**
 * msim_run_threads - run a concurrent section under @run's strategy
 * @run: the run the caller's body was given
 * @n: how many threads, 1 to MSIM_MAX_THREADS
 * @threads: what they are
 *
 * Return: 0 when every thread has ended; -EINVAL for a bad @n or a
 * section inside a section; -EDEADLK when the run was stopped (a
 * deadlock, a BUG(), a livelock, a schedule that no longer fits): some
 * threads never ended and may hold locks, so the caller must return at
 * once and leave the simulated state alone.
 */
MSIM_API int msim_run_threads(struct msim_run *run, unsigned int n,
			      const struct msim_thread_spec *threads);

/**
 * msim_run_threads_free - run the threads on real pthreads, and join them
 *
 * No strategy, no checks: the library's locks block as they would
 * without a scheduler.  Each thread starts on the caller's current task.
 * Return: 0, -EINVAL, or -EAGAIN if a thread could not be created (the
 * ones created are joined first).
 */
MSIM_API int msim_run_threads_free(unsigned int n,
				   const struct msim_thread_spec *threads);

/**
 * msim_run_fail - report a failure of the run
 * @run: the run
 * @kind: a short word: "invariant", "coherence", "check", ...
 * @fmt: the message (one line per line of the report, no trailing newline)
 *
 * For the body's own checks; the scheduler reports its own (deadlock,
 * lock-order, atomic-sleep, ...).  The run goes on.
 */
MSIM_API void msim_run_fail(struct msim_run *run, const char *kind,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * msim_run_observe - record what the run ended with (a state digest)
 *
 * The explorer collects the distinct observations of all runs: a test
 * compares them between two searches.
 */
MSIM_API void msim_run_observe(struct msim_run *run, const char *text);

/**
 * msim_run_set_step_check - a check to run after every step
 * @check: called at every scheduling step at which no simulated thread
 *	holds a lock, when the exploration asked for it (check_every_step),
 *	outside every simulated thread (as the host)
 */
MSIM_API void msim_run_set_step_check(struct msim_run *run,
				      void (*check)(struct msim_run *run,
						    void *arg),
				      void *arg);

/** msim_current_run - the run of the running simulated thread, or NULL. */
MSIM_API struct msim_run *msim_current_run(void);

#endif /* MMSIM_SCHED_THREAD_H */
