/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: current and the task API a driver uses.
 *
 * current is the model's current task (msim_set_current(), per host
 * thread; <mmsim/sched.h>), a struct task_struct with the kernel's pid,
 * comm, mm and active_mm.  get_task_mm(), mmget_not_zero(), mmput(),
 * mmgrab() and mmdrop() are the model's.
 *
 * MODEL: kernel-no-signals: there are no signals: signal_pending() and
 * fatal_signal_pending() are false, and the interruptible and killable
 * waits and locks are never interrupted.  schedule() and cond_resched()
 * yield the host CPU.
 */
#ifndef MMSIM_KERNEL_CUSTOM_SCHED_H
#define MMSIM_KERNEL_CUSTOM_SCHED_H

#include <sched.h>
#include <stdbool.h>
#include <mmsim/mm.h>
#include <mmsim/sched.h>
#include <mmsim-kernel/custom/jiffies.h>

#define current get_current()

#define TASK_RUNNING 0x00000000
#define TASK_INTERRUPTIBLE 0x00000001
#define TASK_UNINTERRUPTIBLE 0x00000002
#define TASK_KILLABLE TASK_UNINTERRUPTIBLE
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

static inline pid_t task_pid_nr(struct task_struct *tsk)
{
	return tsk->pid;
}

static inline pid_t task_tgid_nr(struct task_struct *tsk)
{
	return tsk->pid;
}

static inline bool signal_pending(struct task_struct *p)
{
	(void)p;
	return false;
}

static inline bool fatal_signal_pending(struct task_struct *p)
{
	(void)p;
	return false;
}

static inline void schedule(void)
{
	sched_yield();
}

static inline int cond_resched(void)
{
	sched_yield();
	return 0;
}

static inline long schedule_timeout(long timeout)
{
	msim_sleep_ns((u64)timeout * (NSEC_PER_SEC / HZ));
	return 0;
}

#define schedule_timeout_uninterruptible(t) schedule_timeout(t)
#define schedule_timeout_interruptible(t) schedule_timeout(t)
#define schedule_timeout_killable(t) schedule_timeout(t)
#define set_current_state(state) ((void)(state))
#define __set_current_state(state) ((void)(state))

/* mmap_assert_locked(): some thread holds the lock (no lockdep). */
#define mmap_assert_locked(mm) WARN_ON(!rwsem_is_locked(&(mm)->mmap_lock))
#define mmap_assert_write_locked(mm)                                           \
	WARN_ON(!msim_rwsem_is_write_locked(&(mm)->mmap_lock))

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	return 0;
}

static inline int mmap_write_lock_killable(struct mm_struct *mm)
{
	mmap_write_lock(mm);
	return 0;
}

static inline bool mmget_still_valid(struct mm_struct *mm)
{
	(void)mm;
	return true;
}

#endif /* MMSIM_KERNEL_CUSTOM_SCHED_H */
