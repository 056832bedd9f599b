// SPDX-License-Identifier: MIT
/*
 * hmm_range_fault() (see hmm.h), written for the model after mm/hmm.c of
 * Linux 6.18: the range is walked VMA by VMA and page by page, each PTE
 * read under the page-table lock.  What the request needs and the PTE
 * does not give is faulted in, and the walk then starts over from that
 * page (the fault may have raced anything), as the kernel's walk returns
 * -EBUSY to hmm_range_fault()'s loop.  Without a fault request nothing
 * is faulted: holes and unreadable VMAs give HMM_PFN_ERROR, pages not yet
 * present 0.
 */
#include <errno.h>
#include "internal.h"
#include <mmsim/fault.h>
#include <mmsim/hmm.h>
#include <mmsim/memremap.h>
#include <mmsim/swapops.h>

/* What a fault would have to do for entry @i: 0, REQ_FAULT, +REQ_WRITE. */
static unsigned long hmm_pte_need_fault(const struct hmm_range *range,
					unsigned long i,
					unsigned long cpu_flags)
{
	unsigned long req = (range->hmm_pfns[i] & range->pfn_flags_mask) |
			    range->default_flags;

	if (!(req & HMM_PFN_REQ_FAULT))
		return 0;
	if ((req & HMM_PFN_REQ_WRITE) && !(cpu_flags & HMM_PFN_WRITE))
		return HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	if (!(cpu_flags & HMM_PFN_VALID))
		return HMM_PFN_REQ_FAULT;
	return 0;
}

/* Does any entry of [@start, @end) ask for a fault? */
static bool hmm_range_need_fault(const struct hmm_range *range,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long end)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += mm_page_size(mm))
		if (hmm_pte_need_fault(
			    range, (addr - range->start) >> mm_page_shift(mm),
			    0))
			return true;
	return false;
}

static void hmm_set_pfn(struct hmm_range *range, struct mm_struct *mm,
			unsigned long addr, unsigned long new_pfn_flags)
{
	unsigned long i = (addr - range->start) >> mm_page_shift(mm);

	range->hmm_pfns[i] =
		(range->hmm_pfns[i] & HMM_PFN_INOUT_FLAGS) | new_pfn_flags;
}

static void hmm_pfns_fill(struct hmm_range *range, struct mm_struct *mm,
			  unsigned long start, unsigned long end,
			  unsigned long flags)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += mm_page_size(mm))
		hmm_set_pfn(range, mm, addr, flags);
}

/*
 * hmm_vma_fault(): fault the page at @addr in as @required says.
 * Return: -EBUSY for the walk to start again at @addr, or an error.
 */
static int hmm_vma_fault(struct vm_area_struct *vma, unsigned long addr,
			 unsigned long required)
{
	unsigned int fault_flags = FAULT_FLAG_REMOTE;

	if (required & HMM_PFN_REQ_WRITE) {
		if (!(vma->vm_flags & VM_WRITE))
			return -EPERM;
		fault_flags |= FAULT_FLAG_WRITE;
	}
	if (handle_mm_fault(vma, addr, fault_flags, NULL) & VM_FAULT_ERROR)
		return -EFAULT;
	return -EBUSY;
}

/* The CPU's flags for a present PTE. */
static unsigned long pte_to_hmm_pfn_flags(const struct msim_arch *a, pte_t pte)
{
	if (pte_none(pte) || !pte_present(a, pte) || pte_protnone(a, pte))
		return 0;
	return pte_write(a, pte) ? HMM_PFN_VALID | HMM_PFN_WRITE
				 : HMM_PFN_VALID;
}

/* hmm_vma_handle_pte(): one page of a readable VMA. */
static int hmm_vma_handle_pte(struct hmm_range *range,
			      struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long i = (addr - range->start) >> mm_page_shift(mm);
	unsigned long required, cpu_flags, pfn;
	struct page *page;
	swp_entry_t entry;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	pte = ptep ? *ptep : __pte(0);
	spin_unlock(&mm->page_table_lock);

	if (pte_none(pte)) {
		required = hmm_pte_need_fault(range, i, 0);
		if (required)
			return hmm_vma_fault(vma, addr, required);
		hmm_set_pfn(range, mm, addr, 0);
		return 0;
	}

	if (!pte_present(a, pte)) {
		entry = pte_to_swp_entry(a, pte);
		/* The caller's own device memory: report it, never fault. */
		if (is_device_private_entry(entry)) {
			page = msim_pfn_swap_entry_to_page(mm->machine, entry);
			if (page && page_pgmap(page)->owner &&
			    page_pgmap(page)->owner ==
				    range->dev_private_owner) {
				cpu_flags = HMM_PFN_VALID;
				if (is_writable_device_private_entry(entry))
					cpu_flags |= HMM_PFN_WRITE;
				hmm_set_pfn(range, mm, addr,
					    swp_offset_pfn(entry) | cpu_flags);
				return 0;
			}
		}
		required = hmm_pte_need_fault(range, i, 0);
		if (!required) {
			hmm_set_pfn(range, mm, addr, 0);
			return 0;
		}
		if (!non_swap_entry(entry) || is_device_private_entry(entry) ||
		    is_device_exclusive_entry(entry))
			return hmm_vma_fault(vma, addr, required);
		if (is_migration_entry(entry)) {
			migration_entry_wait(mm, addr, pte);
			return -EBUSY;
		}
		return -EFAULT;
	}

	cpu_flags = pte_to_hmm_pfn_flags(a, pte);
	required = hmm_pte_need_fault(range, i, cpu_flags);
	if (required)
		return hmm_vma_fault(vma, addr, required);

	pfn = pte_pfn(a, pte);
	/* A special PTE with no page behind it, other than the zero page. */
	if (!vm_normal_page(vma, addr, pte) && !is_zero_pfn(pfn)) {
		hmm_set_pfn(range, mm, addr, HMM_PFN_ERROR);
		return 0;
	}
	hmm_set_pfn(range, mm, addr, pfn | cpu_flags);
	return 0;
}

/*
 * One pass over [*@addr, range->end); *@addr is where a pass that
 * returns -EBUSY must start again.
 */
static int hmm_walk(struct hmm_range *range, struct mm_struct *mm,
		    unsigned long *addr)
{
	struct vm_area_struct *vma;
	unsigned long end;
	int ret;

	while (*addr < range->end) {
		vma = find_vma(mm, *addr);
		/* hmm_vma_walk_hole() without a VMA: an error, or -EFAULT. */
		if (!vma || vma->vm_start > *addr) {
			end = vma && vma->vm_start < range->end ? vma->vm_start
								: range->end;
			if (hmm_range_need_fault(range, mm, *addr, end))
				return -EFAULT;
			hmm_pfns_fill(range, mm, *addr, end, HMM_PFN_ERROR);
			*addr = end;
			continue;
		}
		end = vma->vm_end < range->end ? vma->vm_end : range->end;
		/*
		 * hmm_vma_walk_test(): no struct page behind it, or not
		 * readable (and so, for HMM, not writable either).
		 */
		if ((vma->vm_flags & (VM_IO | VM_PFNMAP)) ||
		    !(vma->vm_flags & VM_READ)) {
			if (hmm_range_need_fault(range, mm, *addr, end))
				return -EFAULT;
			hmm_pfns_fill(range, mm, *addr, end, HMM_PFN_ERROR);
			*addr = end;
			continue;
		}
		for (; *addr < end; *addr += mm_page_size(mm)) {
			ret = hmm_vma_handle_pte(range, vma, *addr);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int hmm_range_fault(struct hmm_range *range)
{
	struct mm_struct *mm = range->notifier->mm;
	unsigned long addr = range->start;
	int ret;

	do {
		/* If the range is no longer valid, the caller starts over. */
		if (mmu_interval_check_retry(range->notifier,
					     range->notifier_seq))
			return -EBUSY;
		ret = hmm_walk(range, mm, &addr);
	} while (ret == -EBUSY);
	return ret;
}
