// SPDX-License-Identifier: MIT
/*
 * Aging and reclaim of anonymous pages (mm/vmscan.c shrink_folio_list()
 * and reclaim_pages(), mm/madvise.c MADV_PAGEOUT, khugepaged's young
 * test).  vmscan.h describes the model; swap.h the swap device.
 *
 * Reclaim isolates each page (the page lock here, the LRU isolation in
 * Linux) with a reference of its own, gives it a swap slot, unmaps it
 * everywhere, writes it out and drops its reference: the page is freed
 * once the last mapping's secondary TLBs were flushed and its reference
 * dropped.  A page with references besides its mappings (GUP) is left
 * mapped; Linux would unmap it and keep it in the swap cache, which the
 * model does not have.
 */
#include <stdlib.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/swap.h>
#include <mmsim/vmscan.h>
#include "internal.h"

/*
 * The anonymous page mapped at @addr, with a reference taken, or NULL.
 * Caller holds the mmap lock and the page-table lock.
 */
static struct page *anon_page_at(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = msim_pte_offset(mm, addr);
	struct page *page;

	if (!ptep || !pte_present(mm->arch, *ptep))
		return NULL;
	page = vm_normal_page(vma, addr, *ptep);
	if (!page || !PageAnon(page))
		return NULL;
	get_page(page);
	return page;
}

int msim_page_referenced(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page = NULL;
	int ret = -EFAULT;

	mmap_read_lock(mm);
	vma = addr < mm->task_size ? vma_lookup(mm, addr) : NULL;
	if (vma) {
		spin_lock(&mm->page_table_lock);
		page = anon_page_at(vma, addr & PAGE_MASK_OF(mm));
		spin_unlock(&mm->page_table_lock);
		ret = -ENOENT;
	}
	if (page) {
		ret = page_referenced(page, 0, NULL, NULL);
		put_page(page);
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * khugepaged's hpage_collapse_scan_pmd() test: the PTE's bit, the page's
 * own record of accesses taken from its PTEs (idle tracking, GUP), and
 * only then the secondary MMUs, all under the page-table lock.
 */
int msim_test_young(struct mm_struct *mm, unsigned long addr)
{
	const struct msim_arch *a = mm->arch;
	struct vm_area_struct *vma;
	struct page *page;
	pte_t *ptep;
	int ret = -EFAULT;

	addr &= PAGE_MASK_OF(mm);
	mmap_read_lock(mm);
	vma = addr < mm->task_size ? vma_lookup(mm, addr) : NULL;
	if (vma) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr);
		if (!ptep || !pte_present(a, *ptep)) {
			ret = -ENOENT;
		} else {
			page = vm_normal_page(vma, addr, *ptep);
			ret = pte_young(a, *ptep) ||
			      (page && (msim_test_page_flag(page, PG_young) ||
					PageReferenced(page))) ||
			      mmu_notifier_test_young(mm, addr);
		}
		spin_unlock(&mm->page_table_lock);
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * shrink_folio_list() with references ignored, for pages the caller
 * isolated (locked, one reference each).  Unlocks and drops every page.
 * Return: how many were freed to swap.
 *
 * MODEL: no-swap-cache: a page is unmapped, written out and freed in one
 * step; Linux adds it to the swap cache, where it stays until written
 * back and freed later, and where a fault meanwhile finds it again.  So
 * each swap-in here reads the slot into a page of its own (do_swap_page()),
 * and two processes that shared the page get a copy each.
 */
static unsigned long reclaim_page_list(struct page **pages, unsigned long nr)
{
	unsigned long i, reclaimed = 0;
	struct page *page;
	swp_entry_t entry;

	for (i = 0; i < nr; i++) {
		page = pages[i];
		/*
		 * MODEL: reclaim-keeps-gup-pages: a page with references
		 * besides its mappings (GUP's) stays mapped; Linux unmaps it
		 * and keeps it in the swap cache, which the model lacks.  A
		 * pinned page is kept by both (try_to_unmap() refuses it).
		 */
		if (page_has_extra_refs(page))
			goto keep;
		entry = get_swap_page(page);
		if (!entry.val)
			goto keep;
		page->private = entry.val;
		msim_set_page_flag(page, PG_swapcache);
		try_to_unmap(page, TTU_BATCH_FLUSH);
		/*
		 * Whatever mappings became swap PTEs read the slot from now
		 * on, even where others kept the page (a pin stopped the
		 * walk): the bytes go out in any case.
		 */
		if (__swap_count(page->machine, entry))
			swap_writepage(page, entry);
		msim_clear_page_flag(page, PG_swapcache);
		page->private = 0;
		put_swap_page(page, entry);
		if (!page_mapped(page))
			reclaimed++;
	keep:
		unlock_page(page);
		put_page(page);
	}
	return reclaimed;
}

/*
 * MODEL: no-lru: there are no LRU lists, so no kswapd, no background
 * reclaim and no active/inactive aging.  A page is isolated by taking its
 * lock (folio_isolate_lru() in Linux), and reclaim takes the pages it is
 * given and ignores their references, as reclaim_pages() does for
 * MADV_PAGEOUT.
 *
 * The anonymous pages of [start, end) of @vma that may be reclaimed,
 * isolated into @pages.  @pageout: MADV_PAGEOUT's rules, which leave
 * pages other processes map alone and forget the page's own record of
 * accesses.  The PTEs' accessed bits stay: reclaim ignores references
 * (Linux cleared them, and flushed, before 6.9).
 */
static unsigned long isolate_range(struct vm_area_struct *vma,
				   unsigned long start, unsigned long end,
				   bool pageout, struct page **pages)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long addr, nr = 0;
	struct page *page;
	pte_t *ptep;

	spin_lock(&mm->page_table_lock);
	for (addr = start; addr < end; addr += mm_page_size(mm)) {
		ptep = msim_pte_offset(mm, addr);
		if (!ptep || !pte_present(a, *ptep))
			continue;
		page = vm_normal_page(vma, addr, *ptep);
		if (!page || !PageAnon(page))
			continue;
		if (pageout && page_mapcount(page) != 1)
			continue;
		if (pageout) {
			ClearPageReferenced(page);
			msim_clear_page_flag(page, PG_young);
		}
		if (!trylock_page(page))
			continue; /* being reclaimed or migrated */
		get_page(page);
		pages[nr++] = page;
	}
	spin_unlock(&mm->page_table_lock);
	return nr;
}

/*
 * Reclaim [start, end) of @vma one leaf table at a time, as the page
 * walk hands Linux's reclaim a PMD's worth of pages at once, skipping
 * what has no table.
 */
static long reclaim_vma_range(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, bool pageout)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long addr, tend, nr, max;
	struct page **pages;
	long reclaimed = 0;

	max = 1UL << a->level_bits[a->levels - 1];
	pages = malloc(max * sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	for (addr = start; addr < end; addr = tend) {
		spin_lock(&mm->page_table_lock);
		msim_pte_next(mm, &addr, end);
		spin_unlock(&mm->page_table_lock);
		if (addr >= end)
			break;
		tend = msim_pte_table_end(a, addr, end);
		nr = isolate_range(vma, addr, tend, pageout, pages);
		reclaimed += (long)reclaim_page_list(pages, nr);
	}
	free(pages);
	return reclaimed;
}

/*
 * MADV_PAGEOUT on one VMA (madvise_pageout()).  Without swap the pages
 * stay, as on a host without swap.
 */
int madvise_pageout(struct vm_area_struct *vma, unsigned long start,
		    unsigned long end)
{
	long ret;

	if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
		return -EINVAL;
	ret = reclaim_vma_range(vma, start, end, true);
	return ret < 0 ? (int)ret : 0;
}

long msim_reclaim_range(struct mm_struct *mm, unsigned long start,
			unsigned long len)
{
	unsigned long end = start + mm_page_align(mm, len), s, e;
	struct vm_area_struct *vma;
	long ret, reclaimed = 0;
	bool hole = false;

	if (!mm_page_aligned(mm, start) || end < start || (len && end == start))
		return -EINVAL;
	mmap_read_lock(mm);
	s = start;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		if (vma->vm_start > s)
			hole = true;
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		ret = reclaim_vma_range(vma, s, e, false);
		if (ret < 0) {
			reclaimed = ret;
			break;
		}
		reclaimed += ret;
		s = e;
	}
	if (s < end)
		hole = true;
	mmap_read_unlock(mm);
	if (reclaimed >= 0 && hole)
		return -ENOMEM;
	return reclaimed;
}
