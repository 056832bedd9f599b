// SPDX-License-Identifier: MIT
/*
 * The mmu_gather (mm/mmu_gather.c): pages unmapped by a zap are not freed
 * at once but gathered, and freed only after the TLBs have been flushed,
 * the secondary ones included (->invalidate_range before Linux 6.6,
 * ->arch_invalidate_secondary_tlbs from the arch's TLB flush since).  Until
 * then a CPU or a device that still holds a stale translation may use the
 * page, so it must not be reused.
 */
#include <stdlib.h>
#include <mmsim/mmu_notifier.h>
#include "internal.h"

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->nr = 0;
	tlb->max = MMU_GATHER_BUNDLE;
	tlb->pages = tlb->local;
}

/* Extend the range the next flush must cover. */
static void tlb_track(struct mmu_gather *tlb, unsigned long addr)
{
	unsigned long end = addr + mm_page_size(tlb->mm);

	if (addr < tlb->start)
		tlb->start = addr;
	if (end > tlb->end)
		tlb->end = end;
}

static void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	if (tlb->end <= tlb->start)
		return;
	/* The window between clearing the PTEs and flushing the TLBs. */
	msim_preempt_point("tlb_flush");
	msim_trace(MSIM_TRACE_SECONDARY_TLB_FLUSH,
		   .a = { tlb->start, tlb->end, tlb->nr, (uintptr_t)tlb->mm });
	mmu_notifier_invalidate_range(tlb->mm, tlb->start, tlb->end);
	flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	tlb->start = ~0UL;
	tlb->end = 0;
}

/* Flush, then free what the flush made unreachable. */
void tlb_flush_mmu(struct mmu_gather *tlb)
{
	unsigned long i;

	tlb_flush_mmu_tlbonly(tlb);
	for (i = 0; i < tlb->nr; i++)
		put_page(tlb->pages[i]);
	tlb->nr = 0;
}

void tlb_note_pte(struct mmu_gather *tlb, unsigned long addr)
{
	tlb_track(tlb, addr);
}

/*
 * Called under the page-table lock, so it cannot flush here.
 * MODEL: tlb-batch-grows: when the batch is full it grows, where the
 * kernel would flush instead, after dropping the lock; failing that, it
 * flushes in place: the lock taker then sees the page freed a little
 * early, never late.
 */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page,
		     unsigned long addr)
{
	tlb_track(tlb, addr);
	if (tlb->nr == tlb->max) {
		unsigned long max = tlb->max * 2;
		struct page **pages = malloc(max * sizeof(*pages));

		if (!pages) {
			tlb_flush_mmu(tlb);
		} else {
			for (unsigned long i = 0; i < tlb->nr; i++)
				pages[i] = tlb->pages[i];
			if (tlb->pages != tlb->local)
				free(tlb->pages);
			tlb->pages = pages;
			tlb->max = max;
		}
	}
	tlb->pages[tlb->nr++] = page;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
	if (tlb->pages != tlb->local)
		free(tlb->pages);
	tlb->pages = tlb->local;
}
