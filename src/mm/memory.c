// SPDX-License-Identifier: MIT
/*
 * Tearing down page ranges (mm/memory.c zap_*), the RSS high-water marks,
 * and MAP_POPULATE's pre-faulting.
 */
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/swap.h>
#include "internal.h"

struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)
{
	const struct msim_arch *a = vma->vm_mm->arch;
	unsigned long pfn = pte_pfn(a, pte);

	(void)addr;
	if (pte_special(a, pte) || is_zero_pfn(pfn))
		return NULL;
	return pfn_to_page(vma->vm_mm->machine, pfn);
}

void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

/*
 * A swap PTE gives back its hold on the slot; a migration entry only its
 * rss count, the migration holds the page.  A device-private or
 * device-exclusive entry is a mapping of its page: the mapping and its
 * reference go (the last reference of a device page gives it back to
 * its driver).  None was ever in a TLB.
 */
static void zap_nonpresent_pte(struct vm_area_struct *vma, pte_t pte)
{
	struct mm_struct *mm = vma->vm_mm;
	swp_entry_t entry = pte_to_swp_entry(mm->arch, pte);
	struct page *page;

	if (is_device_private_entry(entry) ||
	    is_device_exclusive_entry(entry)) {
		page = msim_pfn_swap_entry_to_page(mm->machine, entry);
		add_mm_counter(mm, MM_ANONPAGES, -1);
		page_remove_rmap(page, vma);
		put_page(page);
	} else if (is_migration_entry(entry)) {
		add_mm_counter(mm, MM_ANONPAGES, -1);
	} else {
		free_swap_and_cache(mm->machine, entry);
		add_mm_counter(mm, MM_SWAPENTS, -1);
	}
}

/*
 * Clear every PTE of [start, end) in @vma and drop what they held: the
 * page's mapping and the rss count at once, the page's reference once
 * @tlb has been flushed.  Emptied tables are left for the caller's
 * msim_free_empty_tables().
 */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long addr, tend, step = mm_page_size(mm);
	pte_t *ptep, pte;
	struct page *page;

	spin_lock(&mm->page_table_lock);
	for (addr = start; addr < end; addr = tend) {
		ptep = msim_pte_next(mm, &addr, end);
		if (!ptep)
			break;
		tend = msim_pte_table_end(a, addr, end);
		for (; addr < tend; addr += step, ptep++) {
			if (pte_none(*ptep))
				continue;
			pte = ptep_get_and_clear(mm, addr, ptep);
			if (!pte_present(a, pte)) {
				zap_nonpresent_pte(vma, pte);
				continue;
			}
			page = vm_normal_page(vma, addr, pte);
			if (!page) {
				tlb_note_pte(tlb, addr);
				continue;
			}
			add_mm_counter(mm, mm_counter(page), -1);
			page_remove_rmap(page, vma);
			tlb_remove_page(tlb, page, addr);
		}
	}
	spin_unlock(&mm->page_table_lock);
}

/*
 * unmap_vmas - zap [start, end) of the VMAs from @vma on, inside one
 * MMU_NOTIFY_UNMAP invalidation: secondary MMUs drop their mappings at
 * its start, before any PTE is cleared, and may map again only after
 * its end.
 */
void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma,
		unsigned long start, unsigned long end)
{
	struct mmu_notifier_range range;
	unsigned long s, e;

	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, 0, vma, vma->vm_mm,
				start, end);
	mmu_notifier_invalidate_range_start(&range);
	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		unmap_page_range(tlb, vma, s, e);
	}
	mmu_notifier_invalidate_range_end(&range);
}

/*
 * MADV_DONTNEED: a MMU_NOTIFY_CLEAR invalidation of the range, the VMA
 * stays.  Linux 6.18 reclaims a PTE table only when the zap covered all
 * of it (CONFIG_PT_RECLAIM); mmsim frees any table the zap left empty,
 * its one rule for tables everywhere.
 */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long start,
			   unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_notifier_range range;
	struct mmu_gather tlb;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma, mm, start,
				end);
	tlb_gather_mmu(&tlb, mm);
	update_hiwater_rss(mm);
	mmu_notifier_invalidate_range_start(&range);
	unmap_page_range(&tlb, vma, start, end);
	mmu_notifier_invalidate_range_end(&range);
	spin_lock(&mm->page_table_lock);
	msim_free_empty_tables(mm, start, end);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
}

/*
 * populate_vma_page_range() for one VMA: write faults where a private
 * mapping is writable (so COW is broken now, not later), read faults
 * otherwise, nothing where the VMA allows no access.  Pages already
 * mapped as needed are left alone, as GUP's follow_page would.
 */
static void populate_vma(struct vm_area_struct *vma, unsigned long start,
			 unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	unsigned long addr;
	pte_t *ptep;
	bool need;

	if (!vma_is_accessible(vma))
		return;
	for (addr = start; addr < end; addr += mm_page_size(mm)) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr);
		need = !ptep || !pte_present(a, *ptep) ||
		       (write && !pte_write(a, *ptep));
		spin_unlock(&mm->page_table_lock);
		if (need &&
		    (handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0,
				     NULL) &
		     VM_FAULT_ERROR))
			return;
	}
}

void mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + len, s, e;
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		populate_vma(vma, s, e);
	}
	mmap_read_unlock(mm);
}
