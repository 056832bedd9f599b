// SPDX-License-Identifier: MIT
/*
 * The mm life cycle (kernel/fork.c mm_init/mm_alloc/mmput/mmdrop,
 * mm/mmap.c exit_mmap).  Two counts, as in Linux: mm_users for those who
 * use the address space, mm_count for those who only need the struct; all
 * users together hold one mm_count.
 */
#include <stdlib.h>
#include <mmsim/mmu_notifier.h>
#include "internal.h"

struct mm_struct *mm_alloc(struct msim_machine *m)
{
	struct mm_struct *mm;
	int i;

	mm = msim_kzalloc(m, MSIM_ALLOC_MM, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->machine = m;
	mm->arch = m->arch;
	mm->mm_rb = MSIM_AVL_ROOT;
	mm->task_size = m->arch->task_size;
	mm->mmap_base = m->arch->mmap_base;
	mm->topdown = m->arch->topdown;
	atomic_init(&mm->mm_users, 1);
	atomic_init(&mm->mm_count, 1);
	atomic_init(&mm->pinned_vm, 0);
	atomic_init(&mm->pgtables_bytes, 0);
	for (i = 0; i < NR_MM_COUNTERS; i++)
		atomic_init(&mm->rss_stat[i], 0);
	spin_lock_init(&mm->page_table_lock);
	mm->page_table_lock.name = "page_table_lock";
	init_rwsem(&mm->mmap_lock);
	mm->mmap_lock.name = "mmap_lock";
	if (msim_pgd_alloc(mm)) {
		msim_spin_lock_destroy(&mm->page_table_lock);
		msim_rwsem_destroy(&mm->mmap_lock);
		msim_kfree(m, MSIM_ALLOC_MM, mm);
		return NULL;
	}
	spin_lock(&m->mmlist_lock);
	list_add_tail(&mm->mmlist, &m->mmlist);
	spin_unlock(&m->mmlist_lock);
	return mm;
}

static void __mmdrop(struct mm_struct *mm)
{
	struct msim_machine *m = mm->machine;

	spin_lock(&m->mmlist_lock);
	list_del_init(&mm->mmlist);
	spin_unlock(&m->mmlist_lock);
	mmu_notifier_subscriptions_destroy(mm);
	msim_pgd_free(mm);
	msim_spin_lock_destroy(&mm->page_table_lock);
	msim_rwsem_destroy(&mm->mmap_lock);
	msim_kfree(m, MSIM_ALLOC_MM, mm);
}

void mmdrop(struct mm_struct *mm)
{
	msim_mm_refs_access(mm, true);
	if (atomic_fetch_sub(&mm->mm_count, 1) == 1)
		__mmdrop(mm);
}

bool mmget_not_zero(struct mm_struct *mm)
{
	int users;

	msim_mm_refs_access(mm, true);
	users = atomic_load(&mm->mm_users);
	while (users)
		if (atomic_compare_exchange_weak(&mm->mm_users, &users,
						 users + 1))
			return true;
	return false;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;
	long nr_accounted = 0;

	struct mmu_gather tlb;

	/*
	 * Secondary MMUs let go of the whole address space first: after
	 * this no subscriber keeps a mapping, and the zap below is theirs
	 * to ignore.
	 */
	mmu_notifier_release(mm);
	mmap_write_lock(mm);
	tlb_gather_mmu(&tlb, mm);
	update_hiwater_rss(mm);
	update_hiwater_vm(mm);
	if (mm->mmap)
		unmap_vmas(&tlb, mm->mmap, 0, ~0UL);
	spin_lock(&mm->page_table_lock);
	msim_free_empty_tables(mm, 0, mm->task_size);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
	for (vma = mm->mmap; vma; vma = next) {
		next = vma->vm_next;
		if (vma->vm_flags & VM_ACCOUNT)
			nr_accounted += (long)vma_pages(vma);
		/*
		 * MODEL: exit-zeroes-vm-counters: Linux leaves total_vm and
		 * its parts as they were; mmsim zeroes them so the checker
		 * can hold an exited mm to the same rules as a live one.
		 */
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		vma_unlink(mm, vma);
		remove_vma(vma);
	}
	vm_unacct_memory(mm, nr_accounted);
	mmap_write_unlock(mm);
}

void mmput(struct mm_struct *mm)
{
	msim_mm_refs_access(mm, true);
	if (atomic_fetch_sub(&mm->mm_users, 1) == 1) {
		exit_mmap(mm);
		mmdrop(mm);
	}
}
