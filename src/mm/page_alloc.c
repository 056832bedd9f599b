// SPDX-License-Identifier: MIT
/*
 * The frame allocator.  Frames that were never handed out are taken from
 * the top of a bump pointer and are already zero (the host gave us zeroed
 * memory), their section of the memory map populated as the pointer
 * enters it (sparse.c); recycled frames come off a LIFO free list and are
 * cleared on allocation, as __GFP_ZERO would.
 *
 * MODEL: frame-allocator: one zone and single frames only, where Linux has
 * zones, a buddy allocator of higher orders and per-CPU lists; which pfn
 * an allocation gets differs accordingly, and running out of frames fails
 * the allocation at once, with no reclaim or OOM killer behind it.
 */
#include <string.h>
#include "internal.h"

/*
 * @zero: clear a recycled frame.  Not wanted for a frame about to be
 * overwritten whole (a COW copy), as the kernel then allocates without
 * __GFP_ZERO.
 */
struct page *__msim_alloc_page(struct msim_machine *m,
			       enum msim_alloc_kind kind, bool zero)
{
	struct page *page = NULL;
	bool fresh = false;

	if (msim_should_fail(m, kind))
		return NULL;
	spin_lock(&m->zone_lock);
	if (!list_empty(&m->free_list)) {
		page = list_first_entry(&m->free_list, struct page, lru);
		list_del_init(&page->lru);
	} else if (m->next_fresh < m->nr_frames &&
		   (m->next_fresh < m->memmap_pfns ||
		    !sparse_populate_next_section(m))) {
		page = &m->mem_map[m->next_fresh];
		/* The checker reads it without the lock (check_pte()). */
		WRITE_ONCE(m->next_fresh, m->next_fresh + 1);
		fresh = true;
	}
	if (page)
		m->nr_free--;
	spin_unlock(&m->zone_lock);
	if (!page)
		return NULL;

	if (!fresh && zero)
		memset(page_address(page), 0, 1UL << m->arch->page_shift);
	page->flags = kind == MSIM_ALLOC_PGTABLE ? 1UL << PG_table : 0;
	atomic_store(&page->_refcount, 1);
	atomic_store(&page->_mapcount, -1);
	atomic_store(&page->_pincount, 0);
	page->mapping = NULL;
	page->index = 0;
	page->pt_used = 0;
	__atomic_fetch_add(&page->msim_alloc_gen, 1, __ATOMIC_RELAXED);
	atomic_fetch_add(&m->live[kind], 1);
	msim_trace(MSIM_TRACE_PAGE_ALLOC,
		   .a = { page_to_pfn(page), kind == MSIM_ALLOC_PGTABLE });
	return page;
}

struct page *msim_alloc_page(struct msim_machine *m, enum msim_alloc_kind kind)
{
	return __msim_alloc_page(m, kind, true);
}

void msim_free_page(struct page *page)
{
	struct msim_machine *m = page->machine;
	enum msim_alloc_kind kind =
		PageTable(page) ? MSIM_ALLOC_PGTABLE : MSIM_ALLOC_FRAME;

	msim_trace(MSIM_TRACE_PAGE_FREE,
		   .a = { page_to_pfn(page), kind == MSIM_ALLOC_PGTABLE });
	page->flags = 1UL << PG_free;
	page->mapping = NULL;
	atomic_fetch_sub(&m->live[kind], 1);
	spin_lock(&m->zone_lock);
	list_add(&page->lru, &m->free_list);
	m->nr_free++;
	spin_unlock(&m->zone_lock);
}

void page_ref_sub(struct page *page, int nr)
{
	int old;

	if (PageReserved(page))
		return;
	msim_page_access(page, true);
	old = atomic_fetch_sub(&page->_refcount, nr);
	BUG_ON(old < nr);
	if (old != nr)
		return;
	if (is_zone_device_page(page))
		free_zone_device_page(page);
	else
		msim_free_page(page);
}

void put_page(struct page *page)
{
	page_ref_sub(page, 1);
}

void copy_user_highpage(struct page *to, const struct page *from)
{
	memcpy(page_address(to), page_address(from),
	       1UL << to->machine->arch->page_shift);
}
