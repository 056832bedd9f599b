// SPDX-License-Identifier: MIT
/*
 * Walking the reverse map of an anonymous page (mm/rmap.c rmap_walk_anon())
 * and what walks it: aging (page_referenced()), reclaim's unmapping
 * (try_to_unmap()), migration's (try_to_migrate()) and its undoing
 * (remove_migration_ptes()).
 *
 * The page's anon_vma lists every VMA, in any mm, that may map it; the
 * address follows from page->index.  The walk holds the machine's rmap
 * lock for reading, so no chain changes and no anon_vma is freed under
 * it, and takes each mm's page-table lock around the PTE it looks at.
 * Notifier invalidations are started and ended outside that lock, as
 * they may sleep.
 */
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/swap.h>
#include "internal.h"

unsigned long vma_address(const struct page *page,
			  const struct vm_area_struct *vma)
{
	unsigned int shift = vma->vm_mm->arch->page_shift;
	unsigned long addr;

	if (page->index < vma->vm_pgoff)
		return -EFAULT;
	addr = vma->vm_start + ((page->index - vma->vm_pgoff) << shift);
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EFAULT;
	return addr;
}

/*
 * MODEL: anon-vma-list: an anon_vma's VMAs are on a list (anon_vma->head)
 * where Linux keeps them in an interval tree by pgoff (rb_root), so a walk
 * looks at each VMA on it and skips those the page's index falls outside
 * of: slower for a long chain, the same VMAs in the end.
 */
void rmap_walk(struct page *page, const struct rmap_walk_control *rwc,
	       bool locked)
{
	struct msim_machine *m = page->machine;
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;
	unsigned long addr;

	if (!locked)
		down_read(&m->rmap_lock);
	anon_vma = page->mapping;
	if (!anon_vma || !PageAnon(page))
		goto out;
	list_for_each_entry(avc, &anon_vma->head, same_anon_vma) {
		addr = vma_address(page, avc->vma);
		if (IS_ERR_VALUE(addr))
			continue;
		if (!rwc->rmap_one(page, avc->vma, addr, rwc->arg))
			break;
		if (rwc->done && rwc->done(page))
			break;
	}
out:
	if (!locked)
		up_read(&m->rmap_lock);
}

/*
 * The PTE of @vma at @addr if it maps @page; page-table lock held.  A
 * present PTE maps its frame; with @device, so do a device-private entry
 * (its device page) and a device-exclusive entry (its page, which stays
 * mapped), as page_vma_mapped_walk() finds them.
 */
static pte_t *page_vma_mapped(struct page *page, struct vm_area_struct *vma,
			      unsigned long addr, bool device)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = msim_pte_offset(mm, addr);
	swp_entry_t entry;

	if (!ptep || pte_none(*ptep))
		return NULL;
	if (pte_present(mm->arch, *ptep))
		return pte_pfn(mm->arch, *ptep) == page_to_pfn(page) ? ptep
								     : NULL;
	if (!device)
		return NULL;
	entry = pte_to_swp_entry(mm->arch, *ptep);
	if (!is_device_private_entry(entry) &&
	    !is_device_exclusive_entry(entry))
		return NULL;
	return swp_offset_pfn(entry) == page_to_pfn(page) ? ptep : NULL;
}

struct referenced_arg {
	int referenced;
	unsigned long vm_flags;
};

static bool page_referenced_one(struct page *page, struct vm_area_struct *vma,
				unsigned long addr, void *arg)
{
	struct referenced_arg *pra = arg;
	struct mm_struct *mm = vma->vm_mm;
	int referenced = 0;
	pte_t *ptep;

	spin_lock(&mm->page_table_lock);
	ptep = page_vma_mapped(page, vma, addr, false);
	if (ptep && ptep_clear_flush_young_notify(vma, addr, ptep))
		referenced++;
	spin_unlock(&mm->page_table_lock);
	if (!ptep)
		return true;
	if (referenced)
		clear_page_idle(page);
	/* An access idle tracking took from the PTE still counts, once. */
	msim_page_access(page, true);
	if (__atomic_fetch_and(&page->flags, ~(1UL << PG_young),
			       __ATOMIC_RELAXED) &
	    (1UL << PG_young))
		referenced++;
	if (referenced) {
		pra->referenced++;
		vma_flags_access(vma, false);
		pra->vm_flags |= READ_ONCE(vma->vm_flags) & ~VM_LOCKED;
	}
	return true;
}

int page_referenced(struct page *page, int is_locked, struct mem_cgroup *memcg,
		    unsigned long *vm_flags)
{
	struct referenced_arg pra = { 0 };
	struct rmap_walk_control rwc = {
		.rmap_one = page_referenced_one,
		.arg = &pra,
	};

	(void)is_locked;
	(void)memcg;
	if (vm_flags)
		*vm_flags = 0;
	if (!page_mapped(page))
		return 0;
	rmap_walk(page, &rwc, false);
	if (vm_flags)
		*vm_flags = pra.vm_flags;
	return pra.referenced;
}

static bool page_not_mapped(struct page *page)
{
	return !page_mapped(page);
}

/*
 * try_to_unmap_one(): the mapping at @addr becomes a swap PTE for the
 * slot reclaim gave the page.  An exclusive page that may be pinned
 * cannot become shared with the slot: its PTE is put back and the walk
 * stops (folio_try_share_anon_rmap() failing).
 */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma,
			     unsigned long addr, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	swp_entry_t entry = { page->private };
	struct mmu_notifier_range range;
	bool anon_exclusive, ret = true;
	pte_t *ptep, pteval, swp_pte;

	(void)arg;
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma, mm, addr,
				addr + mm_page_size(mm));
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	/*
	 * MODEL: reclaim-skips-device-exclusive: a device-exclusive mapping
	 * of the page is left alone (and so the page stays mapped and is
	 * not reclaimed); Linux 6.15 on would unmap it too.
	 */
	ptep = page_vma_mapped(page, vma, addr, false);
	if (!ptep)
		goto unlock;
	anon_exclusive = PageAnonExclusive(page);
	pteval = ptep_clear_flush(vma, addr, ptep);
	if (pte_dirty(a, pteval))
		SetPageDirty(page);
	if (swap_duplicate(mm->machine, entry) < 0) {
		set_pte_at(mm, addr, ptep, pteval);
		ret = false;
		goto unlock;
	}
	/*
	 * Checked again now that the PTE is clear and GUP can take no new
	 * reference through it: one taken since the caller looked would
	 * write to a page that the swap PTE no longer reaches.
	 */
	if ((anon_exclusive && page_maybe_dma_pinned(page)) ||
	    page_has_extra_refs(page)) {
		swap_free(mm->machine, entry);
		set_pte_at(mm, addr, ptep, pteval);
		ret = false;
		goto unlock;
	}
	if (anon_exclusive)
		ClearPageAnonExclusive(page);
	add_mm_counter(mm, MM_ANONPAGES, -1);
	add_mm_counter(mm, MM_SWAPENTS, 1);
	swp_pte = swp_entry_to_pte(a, entry);
	if (anon_exclusive)
		swp_pte = pte_swp_mkexclusive(a, swp_pte);
	set_pte_at(mm, addr, ptep, swp_pte);
	/* The PTE was cleared: flush the secondary TLBs before the put. */
	mmu_notifier_invalidate_range(mm, addr, addr + mm_page_size(mm));
	page_remove_rmap(page, vma);
	put_page(page);
unlock:
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);
	return ret;
}

bool try_to_unmap(struct page *page, enum ttu_flags flags)
{
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_unmap_one,
		.done = page_not_mapped,
	};

	(void)flags;
	if (!PageSwapCache(page))
		return !page_mapped(page);
	rmap_walk(page, &rwc, false);
	return !page_mapped(page);
}

/*
 * try_to_migrate_one(): the mapping at @addr becomes a migration entry;
 * the mapping's reference is dropped, the caller's isolation holds the
 * page.  No secondary TLB flush here beyond the range's end: a secondary
 * MMU that faults meets the migration entry and waits.  A device-private
 * entry (of a device page being migrated back) and a device-exclusive
 * one become migration entries too, writable if they were.
 */
static bool try_to_migrate_one(struct page *page, struct vm_area_struct *vma,
			       unsigned long addr, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	struct mmu_notifier_range range;
	bool anon_exclusive, writable, ret = true;
	unsigned long pfn = page_to_pfn(page);
	swp_entry_t entry;
	pte_t *ptep, pteval;

	(void)arg;
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma, mm, addr,
				addr + mm_page_size(mm));
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ptep = page_vma_mapped(page, vma, addr, true);
	if (!ptep)
		goto unlock;
	anon_exclusive = PageAnonExclusive(page);
	if (pte_present(a, *ptep)) {
		pteval = ptep_clear_flush(vma, addr, ptep);
		writable = pte_write(a, pteval);
		if (pte_dirty(a, pteval))
			SetPageDirty(page);
	} else {
		/* Never in a TLB: nothing to flush. */
		pteval = ptep_get_and_clear(mm, addr, ptep);
		entry = pte_to_swp_entry(a, pteval);
		writable = is_writable_device_private_entry(entry) ||
			   is_device_exclusive_entry(entry);
	}
	if (anon_exclusive) {
		/* Device pages are never pinned. */
		if (page_maybe_dma_pinned(page)) {
			set_pte_at(mm, addr, ptep, pteval);
			ret = false;
			goto unlock;
		}
		ClearPageAnonExclusive(page);
	}
	if (writable)
		entry = make_writable_migration_entry(pfn);
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(pfn);
	else
		entry = make_readable_migration_entry(pfn);
	set_pte_at(mm, addr, ptep, swp_entry_to_pte(a, entry));
	page_remove_rmap(page, vma);
	put_page(page);
unlock:
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);
	return ret;
}

bool try_to_migrate(struct page *page, enum ttu_flags flags)
{
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_migrate_one,
		.done = page_not_mapped,
	};

	(void)flags;
	rmap_walk(page, &rwc, false);
	return !page_mapped(page);
}

/*
 * remove_migration_pte(): map @dst where a migration entry names @src.
 * The entry says how: writable, exclusive but read-only, or shared.
 */
static bool remove_migration_pte(struct page *src, struct vm_area_struct *vma,
				 unsigned long addr, void *arg)
{
	struct page *dst = arg;
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	swp_entry_t entry;
	pte_t *ptep, pte;
	bool exclusive;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || !is_swap_pte(a, *ptep))
		goto unlock;
	entry = pte_to_swp_entry(a, *ptep);
	if (!is_migration_entry(entry) ||
	    swp_offset_pfn(entry) != page_to_pfn(src))
		goto unlock;
	exclusive = !is_readable_migration_entry(entry);
	get_page(dst);
	if (is_device_private_page(dst)) {
		/*
		 * Device memory is mapped by a device-private entry, which
		 * keeps the migration entry's write permission.
		 */
		if (is_writable_migration_entry(entry))
			entry = make_writable_device_private_entry(
				page_to_pfn(dst));
		else
			entry = make_readable_device_private_entry(
				page_to_pfn(dst));
		pte = swp_entry_to_pte(a, entry);
		goto set;
	}
	/*
	 * Another process's mprotect() may be changing these: it rewrites
	 * the PTE under this lock after us if so.
	 */
	vma_flags_access(vma, false);
	pte = pfn_pte(a, page_to_pfn(dst),
		      (pgprot_t){ READ_ONCE(vma->vm_page_prot.pgprot) });
	if (PageDirty(src))
		pte = pte_mkdirty(a, pte);
	if (is_writable_migration_entry(entry) &&
	    (READ_ONCE(vma->vm_flags) & VM_WRITE))
		pte = pte_mkwrite(a, pte_mkdirty(a, pte));
set:
	msim_page_access(dst, true);
	atomic_fetch_add(&dst->_mapcount, 1);
	if (exclusive)
		SetPageAnonExclusive(dst);
	/* Replacing a non-none entry: the table's count does not change. */
	msim_pte_changed(mm, addr, *ptep, pte);
	*ptep = pte;
unlock:
	spin_unlock(&mm->page_table_lock);
	return true;
}

void remove_migration_ptes(struct page *src, struct page *dst, bool locked)
{
	struct rmap_walk_control rwc = {
		.rmap_one = remove_migration_pte,
		.arg = dst,
	};

	rmap_walk(src, &rwc, locked);
}
