/* SPDX-License-Identifier: MIT */
/**
 * DOC: Idle page tracking
 *
 * mm/page_idle.c: a user marks frames idle through
 * /sys/kernel/mm/page_idle/bitmap and later reads back which are still
 * idle, finding the frames of its memory in /proc/PID/pagemap.  Marking
 * and reading both first fold the PTEs' accessed bits into the page:
 * every mapping's accessed bit is cleared with ptep_clear_young_notify()
 * (->clear_young for secondary MMUs, no TLB flush) and, if one was set,
 * the page is no longer idle (and is PG_young, so that vmscan still
 * counts the access it took away).
 *
 * The calls below are the bitmap's read and write for one frame, and
 * pagemap's lookup of one address.
 */
#ifndef MMSIM_PAGE_IDLE_H
#define MMSIM_PAGE_IDLE_H

#include <mmsim/export.h>
#include <mmsim/mm_types.h>
#include <mmsim/page.h>

static inline bool page_is_idle(const struct page *page)
{
	return msim_test_page_flag(page, PG_idle);
}

static inline void set_page_idle(struct page *page)
{
	msim_set_page_flag(page, PG_idle);
}

static inline void clear_page_idle(struct page *page)
{
	msim_clear_page_flag(page, PG_idle);
}

/**
 * page_idle_clear_pte_refs - clear the accessed bit of every mapping of
 * @page (ptep_clear_young_notify()); if any was set, the page is not
 * idle and becomes PG_young.
 */
MSIM_API void page_idle_clear_pte_refs(struct page *page);

/**
 * msim_page_idle_set - write a 1 to @pfn's bit of the idle bitmap
 * Return: 0; -EINVAL beyond RAM; -ENOENT if @pfn is not a user page
 * (free, a page table, the zero page): the kernel skips those silently.
 */
MSIM_API int msim_page_idle_set(struct msim_machine *m, unsigned long pfn);

/**
 * msim_page_idle_get - read @pfn's bit of the idle bitmap
 * Return: 1 still idle, 0 accessed since marked (or never marked),
 * -EINVAL or -ENOENT as msim_page_idle_set().
 */
MSIM_API int msim_page_idle_get(struct msim_machine *m, unsigned long pfn);

/**
 * msim_pagemap_pfn - the frame of the anonymous page @mm maps at @addr,
 * as /proc/PID/pagemap gives it.  Takes the mmap lock for reading.
 * Return: the pfn; -EFAULT if no VMA holds @addr; -ENOENT if no
 * anonymous page is mapped there.
 */
MSIM_API long msim_pagemap_pfn(struct mm_struct *mm, unsigned long addr);

#endif /* MMSIM_PAGE_IDLE_H */
