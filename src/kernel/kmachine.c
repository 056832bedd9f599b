// SPDX-License-Identifier: MIT
/*
 * The machine kernel-style code works on, when it names none: the one
 * msim_current_machine() names (the current task's), or a BUG.
 */
#include <linux/bug.h>
#include <linux/mm.h>

struct msim_machine *msim_kernel_machine(const char *file, int line)
{
	struct msim_machine *m = msim_current_machine();

	if (!m) {
		printk(KERN_EMERG "mmsim: kernel code at %s:%d runs with no "
				  "machine: no current task "
				  "(msim_set_current()), no machine named "
				  "(msim_set_current_machine()), and not just "
				  "one machine alive\n",
		       file, line);
		msim_bug(file, line, "no machine for kernel code");
	}
	return m;
}

unsigned long msim_kernel_task_size(void)
{
	struct task_struct *tsk = get_current();

	if (tsk && tsk->mm)
		return tsk->mm->task_size;
	return msim_karch()->task_size;
}

struct page *msim_kernel_alloc_page(gfp_t gfp)
{
	(void)gfp;
	/* Zeroed whatever @gfp says: the model's frames always are. */
	return msim_alloc_page(msim_kmachine(), MSIM_ALLOC_FRAME);
}
