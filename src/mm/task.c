// SPDX-License-Identifier: MIT
/*
 * Tasks as the mm sees them: creation, fork, exit, and the references
 * that keep an mm's struct alive after its mappings are gone.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"

/* current lives in the thread's block, which follows simulated threads. */
struct task_struct *msim_get_current(void)
{
	return msim_current_thread_info()->task;
}

void msim_set_current(struct task_struct *tsk)
{
	msim_current_thread_info()->task = tsk;
}

/* The machine named for this thread lives in its block too. */
struct msim_machine *msim_current_machine(void)
{
	struct msim_thread_info *ti = msim_current_thread_info();

	if (ti->task)
		return ti->task->machine;
	if (ti->machine)
		return ti->machine;
	return msim_only_machine();
}

void msim_set_current_machine(struct msim_machine *m)
{
	msim_current_thread_info()->machine = m;
}

void msim_forget_current_machine(struct msim_machine *m)
{
	struct msim_thread_info *ti = msim_current_thread_info();

	if (ti->machine == m)
		ti->machine = NULL;
}

static struct task_struct *task_alloc(struct msim_machine *m, const char *comm)
{
	struct task_struct *tsk;

	tsk = msim_kzalloc(m, MSIM_ALLOC_TASK, sizeof(*tsk));
	if (!tsk)
		return NULL;
	atomic_init(&tsk->usage, 1);
	tsk->machine = m;
	tsk->pid = atomic_fetch_add(&m->last_pid, 1) + 1;
	snprintf(tsk->comm, sizeof(tsk->comm), "%s", comm ? comm : "");
	spin_lock_init(&tsk->alloc_lock);
	tsk->alloc_lock.name = "alloc_lock";
	return tsk;
}

static void task_free(struct task_struct *tsk)
{
	msim_spin_lock_destroy(&tsk->alloc_lock);
	msim_kfree(tsk->machine, MSIM_ALLOC_TASK, tsk);
}

struct task_struct *msim_task_create(struct msim_machine *m, const char *comm)
{
	struct task_struct *tsk = task_alloc(m, comm);

	if (!tsk)
		return ERR_PTR(-ENOMEM);
	tsk->mm = mm_alloc(m);
	if (!tsk->mm) {
		task_free(tsk);
		return ERR_PTR(-ENOMEM);
	}
	tsk->active_mm = tsk->mm;
	return tsk;
}

struct task_struct *msim_fork(struct task_struct *parent,
			      unsigned long clone_flags, const char *comm)
{
	struct task_struct *tsk;

	if (clone_flags & ~(unsigned long)CLONE_VM)
		return ERR_PTR(-EINVAL);
	tsk = task_alloc(parent->machine, comm ? comm : parent->comm);
	if (!tsk)
		return ERR_PTR(-ENOMEM);
	if (copy_mm(clone_flags, tsk, parent)) {
		task_free(tsk);
		return ERR_PTR(-ENOMEM);
	}
	return tsk;
}

/*
 * exit_mm(): the task stops using its mm.  The CPU keeps running on the
 * old page tables until it switches away (lazy TLB), so active_mm holds an
 * mm_count reference across mmput().
 * MODEL: exit-switches-at-once: the switch that follows a real exit
 * (finish_task_switch()) drops that reference; with no scheduler here the
 * switch happens at once, inside msim_exit().
 */
void msim_exit(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	tsk->flags |= PF_EXITING;
	if (!mm)
		return;
	mmgrab(mm);
	task_lock(tsk);
	tsk->mm = NULL;
	task_unlock(tsk);
	mmput(mm);
	tsk->active_mm = NULL;
	mmdrop(mm);
}

void msim_task_put(struct task_struct *tsk)
{
	if (atomic_fetch_sub(&tsk->usage, 1) != 1)
		return;
	if (tsk->mm)
		msim_exit(tsk);
	if (msim_get_current() == tsk)
		msim_set_current(NULL);
	task_free(tsk);
}

struct mm_struct *get_task_mm(struct task_struct *tsk)
{
	struct mm_struct *mm;

	task_lock(tsk);
	mm = tsk->mm;
	if (mm) {
		if (tsk->flags & PF_KTHREAD)
			mm = NULL;
		else
			mmget(mm);
	}
	task_unlock(tsk);
	return mm;
}
