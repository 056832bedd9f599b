// SPDX-License-Identifier: MIT
/*
 * hmm_range_fault() (see hmm.h), written for the model: one page at a
 * time, each read under the page-table lock, a fault where the request
 * needs one and the PTE does not serve it, and the page read again after
 * the fault, since the fault may have raced anything.
 */
#include <errno.h>
#include "internal.h"
#include <mmsim/fault.h>
#include <mmsim/hmm.h>

/* The entry for @addr if the PTE serves @required; 0 if it does not. */
static unsigned long hmm_pte_entry(struct mm_struct *mm, unsigned long addr,
				   unsigned long required)
{
	const struct msim_arch *a = mm->arch;
	unsigned long entry = 0;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	pte = ptep ? *ptep : __pte(0);
	spin_unlock(&mm->page_table_lock);

	if (!msim_pte_allows(a, pte, false, false))
		return 0;
	if ((required & HMM_PFN_REQ_WRITE) && !pte_write(a, pte))
		return 0;
	entry = pte_pfn(a, pte) | HMM_PFN_VALID;
	if (pte_write(a, pte))
		entry |= HMM_PFN_WRITE;
	return entry;
}

int hmm_range_fault(struct hmm_range *range)
{
	struct mm_struct *mm = range->notifier->mm;
	unsigned long addr, i, required, entry;
	struct vm_area_struct *vma;
	unsigned int fault_flags;
	vm_fault_t ret;

	for (addr = range->start, i = 0; addr < range->end;
	     addr += mm_page_size(mm), i++) {
		required = (range->hmm_pfns[i] & range->pfn_flags_mask) |
			   range->default_flags;
		for (;;) {
			if (mmu_interval_check_retry(range->notifier,
						     range->notifier_seq))
				return -EBUSY;
			vma = vma_lookup(mm, addr);
			if (!vma)
				return -EFAULT;
			entry = hmm_pte_entry(mm, addr, required);
			if (entry || !(required & HMM_PFN_REQ_FAULT))
				break;
			if (!(vma->vm_flags & VM_READ))
				return -EFAULT;
			fault_flags = FAULT_FLAG_REMOTE;
			if (required & HMM_PFN_REQ_WRITE) {
				if (!(vma->vm_flags & VM_WRITE))
					return -EPERM;
				fault_flags |= FAULT_FLAG_WRITE;
			}
			ret = handle_mm_fault(vma, addr, fault_flags, NULL);
			if (ret & VM_FAULT_OOM)
				return -ENOMEM;
			if (ret & VM_FAULT_ERROR)
				return -EFAULT;
		}
		range->hmm_pfns[i] = entry;
	}
	return 0;
}
