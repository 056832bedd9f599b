/* SPDX-License-Identifier: MIT */
/**
 * DOC: Tasks, fork and exit
 *
 * A task is what the mm sees of a thread: a pid, a name, the mm it uses
 * (mm) and the one it runs on (active_mm; the same for a user task).
 * Each host thread has its own current task, get_current(); the library's
 * own code calls it current, as the kernel does (the public headers do not
 * define that macro, so that a program may use the word).
 *
 * msim_fork() is clone(2) for the mm: with CLONE_VM the child shares the
 * parent's mm, otherwise it gets a copy by dup_mmap() with copy-on-write.
 * msim_exit() is do_exit() for the mm: exit_mm() and mmput().
 */
#ifndef MMSIM_SCHED_H
#define MMSIM_SCHED_H

#include <mmsim/export.h>
#include <sys/types.h>
#include <mmsim/mm_types.h>

#define TASK_COMM_LEN 16

/* task_struct.flags */
#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000

#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#endif

/**
 * struct task_struct - a simulated task
 * @usage: references to the struct; msim_task_put() drops one
 * @pid: its pid, unique on the machine, from 1
 * @comm: its name
 * @flags: PF_*
 * @mm: the address space it uses; NULL after exit
 * @active_mm: the address space it runs on
 * @alloc_lock: task_lock(), protecting @mm against get_task_mm()
 */
struct task_struct {
	atomic_int usage;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned int flags;
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	spinlock_t alloc_lock;
	struct msim_machine *machine;
};

/**
 * msim_task_create - a new task with a new, empty mm (what exec leaves)
 * Return: the task, or ERR_PTR(-ENOMEM).
 */
MSIM_API struct task_struct *msim_task_create(struct msim_machine *m,
					      const char *comm);

/**
 * msim_fork - clone @parent
 * @clone_flags: 0 or CLONE_VM
 * @comm: the child's name (NULL: the parent's)
 * Return: the child, or ERR_PTR(-ENOMEM) with everything the fork had
 * built released again (the parent is as it was).
 */
MSIM_API struct task_struct *msim_fork(struct task_struct *parent,
				       unsigned long clone_flags,
				       const char *comm);

/**
 * msim_exit - the task exits: its mm is released (exit_mm(), mmput()).
 * The struct stays until the last msim_task_put().
 */
MSIM_API void msim_exit(struct task_struct *tsk);

static inline void get_task_struct(struct task_struct *tsk)
{
	atomic_fetch_add(&tsk->usage, 1);
}

/** msim_task_put - drop a reference (put_task_struct()). */
MSIM_API void msim_task_put(struct task_struct *tsk);

/**
 * get_task_mm - @tsk's mm with an mm_users reference, or NULL if it has
 * exited (or is a kernel thread).  Release with mmput().
 */
MSIM_API struct mm_struct *get_task_mm(struct task_struct *tsk);

/** get_current - this thread's task (NULL if none was set). */
MSIM_API struct task_struct *msim_get_current(void);
static inline struct task_struct *get_current(void)
{
	return msim_get_current();
}

/** msim_set_current - make @tsk this thread's current task. */
MSIM_API void msim_set_current(struct task_struct *tsk);

/**
 * msim_current_machine - the machine that code without a machine argument
 * acts on: the kernel's pfn_to_page(pfn), hmm_pfn_to_page(hmm_pfn),
 * migrate_pfn_to_page(mpfn) and the kernel tree's kmalloc() and
 * alloc_page(), where Linux has one machine.  It is the current task's
 * machine if this thread has a current task; else the machine this thread
 * named with msim_set_current_machine(); else the only machine alive in
 * the process, if there is exactly one; else NULL.
 */
MSIM_API struct msim_machine *msim_current_machine(void);

/**
 * msim_set_current_machine - name the machine msim_current_machine()
 * gives this thread when it has no current task (NULL: none).  A machine
 * destroyed by this thread is forgotten.
 */
MSIM_API void msim_set_current_machine(struct msim_machine *m);

static inline void task_lock(struct task_struct *p)
{
	spin_lock(&p->alloc_lock);
}

static inline void task_unlock(struct task_struct *p)
{
	spin_unlock(&p->alloc_lock);
}

#endif /* MMSIM_SCHED_H */
