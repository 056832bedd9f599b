// SPDX-License-Identifier: MIT
/*
 * Idle page tracking (mm/page_idle.c); page_idle.h describes it.
 */
#include <mmsim/mmu_notifier.h>
#include <mmsim/page_idle.h>
#include "internal.h"

static bool page_idle_clear_pte_refs_one(struct page *page,
					 struct vm_area_struct *vma,
					 unsigned long addr, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	bool referenced = false;
	pte_t *ptep;

	(void)arg;
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (ptep && pte_present(mm->arch, *ptep) &&
	    pte_pfn(mm->arch, *ptep) == page_to_pfn(page))
		referenced = ptep_clear_young_notify(vma, addr, ptep);
	spin_unlock(&mm->page_table_lock);
	if (referenced) {
		clear_page_idle(page);
		/* So that page_referenced() still sees the access. */
		__atomic_fetch_or(&page->flags, 1UL << PG_young,
				  __ATOMIC_RELAXED);
	}
	return true;
}

void page_idle_clear_pte_refs(struct page *page)
{
	struct rmap_walk_control rwc = {
		.rmap_one = page_idle_clear_pte_refs_one,
	};

	if (!page_mapped(page) || !PageAnon(page))
		return;
	rmap_walk(page, &rwc, false);
}

/*
 * page_idle_get_folio(): only pages on an LRU list count, with a
 * reference held while they are looked at.  Here those are the anonymous
 * pages not isolated by reclaim or migration.
 */
static struct page *page_idle_get_page(struct msim_machine *m,
				       unsigned long pfn, int *err)
{
	struct page *page;

	*err = -EINVAL;
	if (pfn >= m->nr_frames)
		return NULL;
	*err = -ENOENT;
	page = pfn_to_page(m, pfn);
	spin_lock(&m->zone_lock);
	if (pfn >= m->next_fresh || PageReserved(page) || PageTable(page) ||
	    msim_test_page_flag(page, PG_free) || !PageAnon(page) ||
	    PageLocked(page) || !get_page_unless_zero(page)) {
		spin_unlock(&m->zone_lock);
		return NULL;
	}
	spin_unlock(&m->zone_lock);
	*err = 0;
	return page;
}

int msim_page_idle_set(struct msim_machine *m, unsigned long pfn)
{
	struct page *page;
	int err;

	page = page_idle_get_page(m, pfn, &err);
	if (!page)
		return err;
	page_idle_clear_pte_refs(page);
	set_page_idle(page);
	put_page(page);
	return 0;
}

int msim_page_idle_get(struct msim_machine *m, unsigned long pfn)
{
	struct page *page;
	int err, idle = 0;

	page = page_idle_get_page(m, pfn, &err);
	if (!page)
		return err;
	if (page_is_idle(page)) {
		page_idle_clear_pte_refs(page);
		idle = page_is_idle(page);
	}
	put_page(page);
	return idle;
}

long msim_pagemap_pfn(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page;
	pte_t *ptep;
	long ret = -EFAULT;

	mmap_read_lock(mm);
	vma = addr < mm->task_size ? vma_lookup(mm, addr) : NULL;
	if (vma) {
		ret = -ENOENT;
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr & PAGE_MASK_OF(mm));
		if (ptep && pte_present(mm->arch, *ptep)) {
			page = vm_normal_page(vma, addr, *ptep);
			if (page && PageAnon(page))
				ret = (long)page_to_pfn(page);
		}
		spin_unlock(&mm->page_table_lock);
	}
	mmap_read_unlock(mm);
	return ret;
}
