/* SPDX-License-Identifier: MIT */
/**
 * DOC: Per-thread state of the library
 *
 * Everything the library keeps per thread of execution lives in one
 * struct msim_thread_info, the way Linux keeps it in the task (its
 * thread_info, then task_struct): the mm's current task, how many
 * spinlocks are held (the preempt count that makes might_sleep() fire),
 * whether the thread is inside a notifier callback that must not block,
 * and the fault path's note that it waited for another thread.
 *
 * Each host thread starts with a block of its own.  A scheduler that runs
 * several simulated threads on one host thread (src/sched/) gives each
 * one a block and installs it with msim_set_thread_info() on every
 * switch, so that all of this follows the simulated thread: one pointer
 * swapped, rather than a _Thread_local variable per subsystem that every
 * switch would have to know about.  Library code must therefore never
 * cache the block across a scheduling point; it calls
 * msim_current_thread_info() again.
 */
#ifndef MMSIM_THREAD_INFO_H
#define MMSIM_THREAD_INFO_H

#include <mmsim/export.h>
#include <stdbool.h>

struct task_struct;
struct msim_machine;
struct msim_site;

/**
 * struct msim_thread_info - what the library keeps per thread
 * @task: the mm's current task (get_current()); NULL if none was set
 * @machine: the machine named by msim_set_current_machine()
 * @preempt_count: spinlocks held: sleeping is a bug while it is not zero
 * @nonblock_count: notifier callbacks of a non-blockable range this
 *	thread is inside: sleeping is a bug there too
 * @fault_waited: the fault path's: the last fault waited for another
 *	thread and returned for a retry (src/mm/fault.c)
 * @rcu_depth, @rcu_idx: the kernel tree's RCU read side: how deeply
 *	rcu_read_lock() nests, and the SRCU index of the outermost
 *	(src/kernel/rcu.c)
 * @site: where the lock operation the thread is in was called from, for
 *	a scheduler's reports; valid only during the operation
 * @sched: the scheduler's own record of the thread, NULL for a host
 *	thread no scheduler controls
 * @trace_tid: the thread's number in the event record (<mmsim/trace.h>):
 *	0 for the host, as its block starts zeroed
 */
struct msim_thread_info {
	struct task_struct *task;
	struct msim_machine *machine;
	int preempt_count;
	int nonblock_count;
	bool fault_waited;
	unsigned int rcu_depth;
	int rcu_idx;
	const struct msim_site *site;
	void *sched;
	unsigned int trace_tid;
};

/** msim_current_thread_info - the running thread's block (never NULL). */
MSIM_API struct msim_thread_info *msim_current_thread_info(void);

/**
 * msim_set_thread_info - install @ti as the running thread's block
 * @ti: the block of the simulated thread about to run, or NULL for the
 *	host thread's own
 *
 * For schedulers: called on every switch between simulated threads that
 * share a host thread.  Return: the block that was installed before.
 */
MSIM_API struct msim_thread_info *
msim_set_thread_info(struct msim_thread_info *ti);

#endif /* MMSIM_THREAD_INFO_H */
