/* SPDX-License-Identifier: MIT */
/**
 * DOC: Page aging and reclaim
 *
 * The hardware sets a PTE's accessed (young) bit on every access made
 * through it, and the dirty bit on every write; the model's CPU
 * (msim_user_access()) and its faults do the same.  The kernel reads and
 * clears those bits three ways, each of which reaches secondary MMUs
 * through a different notifier callback:
 *
 *  - vmscan ages a page through all of its mappings (page_referenced(),
 *    ->clear_flush_young), here msim_page_referenced();
 *  - idle page tracking clears them without a TLB flush
 *    (->clear_young), see page_idle.h;
 *  - khugepaged only tests them (pte_young() || ->test_young), here
 *    msim_test_young().
 *
 * Reclaim writes anonymous pages to swap (swap.h) and replaces each of
 * their mappings by a swap PTE (try_to_unmap()): msim_reclaim_range() and
 * MADV_PAGEOUT.
 */
#ifndef MMSIM_VMSCAN_H
#define MMSIM_VMSCAN_H

#include <mmsim/export.h>
#include <mmsim/mm_types.h>

/**
 * msim_page_referenced - page_referenced() of the page @mm maps at @addr
 * Takes the mmap lock for reading.
 * Return: the number of mappings (in any mm) that had referenced it;
 * -EFAULT if no VMA holds @addr; -ENOENT if no anonymous page is mapped
 * there (nothing, the zero page, or a swap or migration entry).
 */
MSIM_API int msim_page_referenced(struct mm_struct *mm, unsigned long addr);

/**
 * msim_test_young - khugepaged's test of one PTE: pte_young() of the
 * PTE at @addr, or else mmu_notifier_test_young(); nothing is cleared.
 * Return: 1 young, 0 old; -EFAULT if no VMA holds @addr; -ENOENT if no
 * present PTE is there.
 */
MSIM_API int msim_test_young(struct mm_struct *mm, unsigned long addr);

/**
 * msim_reclaim_range - reclaim the anonymous pages [@start, @start + @len)
 * of @mm maps, wherever else they are mapped, as vmscan's shrink list
 * would with references ignored (reclaim_pages()): each gets a swap slot,
 * try_to_unmap() replaces all its mappings by swap PTEs, its bytes are
 * written out and it is freed.  Pages that may be pinned for DMA, that
 * hold references other than their mappings' (GUP), the zero page, and
 * every page when there is no free slot, stay.  Takes the mmap lock for
 * reading.
 * Return: the number of pages reclaimed, or -EINVAL for an unaligned
 * @start or a wrapping range, -ENOMEM if part of the range is unmapped
 * (the mapped parts are still reclaimed).
 */
MSIM_API long msim_reclaim_range(struct mm_struct *mm, unsigned long start,
				 unsigned long len);

#endif /* MMSIM_VMSCAN_H */
