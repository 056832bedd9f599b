/* SPDX-License-Identifier: MIT */
/**
 * DOC: get_user_pages and pinning
 *
 * GUP takes references on the pages backing a user range, faulting them
 * in as a user access would.  FOLL_GET references are plain page
 * references (put_page()); FOLL_PIN references, taken by the pin_*
 * calls, add GUP_PIN_COUNTING_BIAS to the refcount and count in
 * _pincount, so that "may this page be pinned for DMA?" has an answer
 * (page_maybe_dma_pinned()).  An anonymous page is only ever pinned while
 * exclusive to its mm: a read pin of a shared page unshares it first, and
 * fork copies a pinned page for the child instead of sharing it
 * (page_needs_cow_for_dma()), so DMA into it stays visible to the parent.
 * Every call behaves as FOLL_TOUCH: the page, not the PTE, records the
 * access (PG_referenced, and no longer idle; dirty for a write).  Swap
 * PTEs are faulted in (a device-private page is migrated back to system
 * memory, a device-exclusive entry restored); a migration entry is
 * waited on.
 *
 * As in Linux 6.x, the caller of get_user_pages_remote(),
 * pin_user_pages_remote(), get_user_pages() and pin_user_pages() holds
 * the mmap lock for reading (the faults are made under it; the lock is
 * never dropped, so *@locked stays 1); get_user_pages_unlocked() and the
 * _fast variants take it themselves.
 */
#ifndef MMSIM_GUP_H
#define MMSIM_GUP_H

#include <mmsim/export.h>
#include <mmsim/mm_types.h>
#include <mmsim/page.h>

/* The kernel's enum foll_flags values, and its internal FOLL_PIN. */
#define FOLL_WRITE (1U << 0)
#define FOLL_GET (1U << 1)
#define FOLL_FORCE (1U << 3)
#define FOLL_NOWAIT (1U << 4)
#define FOLL_NOFAULT (1U << 5)
#define FOLL_LONGTERM (1U << 8)
#define FOLL_PIN (1U << 16)

#define GUP_PIN_COUNTING_BIAS 1024

/* mm_struct.flags: the mm has had a page pinned (MMF_HAS_PINNED). */
#define MMF_HAS_PINNED 27

/**
 * get_user_pages_remote - take FOLL_GET references on @nr_pages pages of
 * @mm from @start
 * @start: any address in the first page
 * @gup_flags: FOLL_WRITE, FOLL_FORCE, FOLL_NOFAULT
 * @pages: where the pages go (may be NULL: fault in only)
 * @locked: NULL, or the caller's "lock held" flag, left at 1 (the model
 *	never drops the lock)
 * Return: the number of pages taken, which may be fewer than asked if a
 * page could not be had; or -errno if the first one could not: -EFAULT
 * (no VMA, or it forbids the access), -ENOMEM, -EINVAL (bad flags, such
 * as FOLL_LONGTERM, which only a pin may have).  The zero page can be
 * returned; it is never pinned (as in the kernel) and, being never freed,
 * its references are not counted (the kernel counts FOLL_GET ones).
 */
MSIM_API long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
				    unsigned long nr_pages,
				    unsigned int gup_flags, struct page **pages,
				    int *locked);

/**
 * pin_user_pages_remote - as get_user_pages_remote(), with FOLL_PIN;
 * FOLL_LONGTERM is allowed.  Invalid arguments (no @pages) pin nothing
 * and return 0.
 */
MSIM_API long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
				    unsigned long nr_pages,
				    unsigned int gup_flags, struct page **pages,
				    int *locked);

/** get_user_pages - get_user_pages_remote() on current's mm. */
MSIM_API long get_user_pages(unsigned long start, unsigned long nr_pages,
			     unsigned int gup_flags, struct page **pages);

/** pin_user_pages - pin_user_pages_remote() on current's mm. */
MSIM_API long pin_user_pages(unsigned long start, unsigned long nr_pages,
			     unsigned int gup_flags, struct page **pages);

/** get_user_pages_unlocked - get_user_pages(), taking the mmap lock. */
MSIM_API long get_user_pages_unlocked(unsigned long start,
				      unsigned long nr_pages,
				      struct page **pages,
				      unsigned int gup_flags);

/**
 * get_user_pages_fast - get_user_pages_unlocked() (Linux first tries a
 * walk without the lock; the model always takes the slow path)
 */
MSIM_API int get_user_pages_fast(unsigned long start, int nr_pages,
				 unsigned int gup_flags, struct page **pages);

/** pin_user_pages_fast - pin_user_pages(), taking the mmap lock. */
MSIM_API int pin_user_pages_fast(unsigned long start, int nr_pages,
				 unsigned int gup_flags, struct page **pages);

/** unpin_user_page - drop one FOLL_PIN reference. */
MSIM_API void unpin_user_page(struct page *page);

/** unpin_user_pages - drop the FOLL_PIN references of @npages pages. */
MSIM_API void unpin_user_pages(struct page **pages, unsigned long npages);

/**
 * page_maybe_dma_pinned - may @page be pinned?
 *
 * MODEL: exact-pin-count: exact here, as every page counts its pins in
 * _pincount; Linux counts them so only for large folios and guesses from
 * the refcount (>= GUP_PIN_COUNTING_BIAS) for small ones, with false
 * positives.
 */
static inline bool page_maybe_dma_pinned(const struct page *page)
{
	return atomic_load(&page->_pincount) > 0;
}

#endif /* MMSIM_GUP_H */
