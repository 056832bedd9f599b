// SPDX-License-Identifier: MIT
/*
 * mprotect (mm/mprotect.c): argument checks, the walk that stops at a hole
 * with -ENOMEM after changing what came before it, and mprotect_fixup()'s
 * commit accounting:
 *  - a private mapping becoming writable is charged and gets VM_ACCOUNT,
 *    unless it had it (or VM_NORESERVE) already;
 *  - an anonymous VMA becoming read-only drops VM_ACCOUNT and its charge
 *    only while it has no anon_vma (nothing was ever written; since 6.7).
 *    Once written, the charge stays until munmap.
 * Because VM_ACCOUNT takes part in merging, RW -> R -> RW of an untouched
 * range merges back with its neighbours, and of a written one may not.
 */
#include <mmsim/mmu_notifier.h>
#include <mmsim/swapops.h>
#include "internal.h"

#define PROT_SEM_BIT 0x8

/*
 * A migration or device-private entry that would map its page writable
 * is made read-only whatever the new protection (change_pte_range() does
 * not work out whether the write may stay); swap PTEs carry no
 * protection, and a device-exclusive entry stays: the CPU fault that
 * ends it maps the page with the VMA's protection of the day.
 */
static pte_t change_nonpresent_pte(const struct msim_arch *a, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(a, pte);

	if (is_writable_device_private_entry(entry)) {
		entry = make_readable_device_private_entry(
			swp_offset_pfn(entry));
		return swp_entry_to_pte(a, entry);
	}
	if (!is_writable_migration_entry(entry))
		return pte;
	entry = make_readable_exclusive_migration_entry(swp_offset_pfn(entry));
	return swp_entry_to_pte(a, entry);
}

/*
 * change_protection - rewrite the PTEs of [start, end) for the VMA's new
 * protection.  A private writable VMA gets the write bit back at once on
 * pages it owns exclusively (can_change_pte_writable()); shared pages and
 * the zero page stay write-protected for COW.
 *
 * Secondary MMUs hear of it as MMU_NOTIFY_PROTECTION_VMA, and only where
 * there is something to change: as change_pmd_range() does, the range
 * starts at the first page table met in [start, end) and runs to @end;
 * a range with no page table raises no invalidation at all.
 */
static void change_protection(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long addr, step = mm_page_size(mm), tend;
	bool try_writable = vma->vm_flags & VM_WRITE;
	struct mmu_notifier_range range;
	bool started = false;
	pte_t *ptep, pte;
	struct page *page;

	for (addr = start; addr < end; addr = tend) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_next(mm, &addr, end);
		spin_unlock(&mm->page_table_lock);
		if (!ptep)
			break;
		tend = msim_pte_table_end(a, addr, end);
		if (!started) {
			mmu_notifier_range_init(&range,
						MMU_NOTIFY_PROTECTION_VMA, 0,
						vma, mm, addr, end);
			mmu_notifier_invalidate_range_start(&range);
			started = true;
		}
		/* Tables cannot go away: the mmap lock is held for write. */
		spin_lock(&mm->page_table_lock);
		for (; addr < tend; addr += step, ptep++) {
			pte = *ptep;
			if (!pte_present(a, pte)) {
				if (!pte_none(pte)) {
					*ptep = change_nonpresent_pte(a, pte);
					msim_pte_changed(mm, addr, pte, *ptep);
				}
				continue;
			}
			pte = pte_modify(a, pte, vma->vm_page_prot);
			if (try_writable && !pte_protnone(a, pte)) {
				page = vm_normal_page(vma, addr, pte);
				if (page && PageAnon(page) &&
				    PageAnonExclusive(page))
					pte = pte_mkwrite(a, pte);
			}
			msim_pte_changed(mm, addr, *ptep, pte);
			*ptep = pte;
		}
		spin_unlock(&mm->page_table_lock);
	}
	if (started) {
		/* tlb_finish_mmu() of change_protection()'s mmu_gather. */
		flush_tlb_mm_range(mm, range.start, end);
		mmu_notifier_invalidate_range_end(&range);
	}
}

static int mprotect_fixup(struct vm_area_struct *vma,
			  struct vm_area_struct **pprev, unsigned long start,
			  unsigned long end, vm_flags_t newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nrpages = (long)((end - start) >> PAGE_SHIFT_OF(mm));
	long charged = 0, uncharged = 0;
	int err;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;
	}
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB |
				  VM_SHARED | VM_NORESERVE))) {
			charged = nrpages;
			if (security_vm_enough_memory_mm(mm, charged))
				return -ENOMEM;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) &&
		   !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
		uncharged = nrpages;
	}

	vma = vma_modify_flags(*pprev, vma, start, end, newflags, &err);
	if (!vma) {
		if (charged)
			vm_unacct_memory(mm, charged);
		return err;
	}
	*pprev = vma;
	if (uncharged)
		vm_unacct_memory(mm, uncharged);

	vm_stat_account(mm, oldflags, -nrpages);
	vm_stat_account(mm, newflags, nrpages);
	/* rmap walks from other processes read both without the mmap lock. */
	vma_flags_access(vma, true);
	WRITE_ONCE(vma->vm_flags, newflags);
	WRITE_ONCE(vma->vm_page_prot.pgprot,
		   vm_get_page_prot(mm->arch, newflags).pgprot);
	change_protection(vma, start, end);
	return 0;
}

int msim_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		  unsigned long prot)
{
	unsigned long end, nstart, tmp;
	struct vm_area_struct *vma, *prev;
	vm_flags_t newflags;
	int error;

	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);

	prot &= ~(unsigned long)(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!mm_page_aligned(mm, start))
		return -EINVAL;
	if (!len)
		return 0;
	len = mm_page_align(mm, len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot &
	    ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM_BIT))
		return -EINVAL;

	mmap_write_lock(mm);
	error = -ENOMEM;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		goto out;
	/*
	 * PROT_GROWSDOWN/UP extend the change to the start (end) of a VMA
	 * that grows that way; the model has none, so they fail as Linux
	 * fails them on an ordinary VMA.
	 */
	if (grows & PROT_GROWSDOWN) {
		error = -EINVAL;
		goto out;
	}
	if (vma->vm_start > start)
		goto out;
	if (grows & PROT_GROWSUP) {
		error = -EINVAL;
		goto out;
	}
	prev = start > vma->vm_start ? vma : vma->vm_prev;

	nstart = start;
	tmp = vma->vm_start;
	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		if (vma->vm_start != tmp) {
			error = -ENOMEM;
			break;
		}
		newflags = calc_vm_prot_bits(prot) |
			   (vma->vm_flags & ~VM_ACCESS_FLAGS);
		/* A permission without its VM_MAY* bit is refused. */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			error = -EACCES;
			break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
		if (error)
			break;
		/* The VMA may have been merged away: continue from prev. */
		vma = prev;
		tmp = vma->vm_end;
		nstart = tmp;
		if (nstart >= end)
			break;
	}
	if (!error && tmp < end)
		error = -ENOMEM;
out:
	mmap_write_unlock(mm);
	return error;
}
