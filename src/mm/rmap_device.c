// SPDX-License-Identifier: MIT
/*
 * Device-exclusive entries (mm/rmap.c make_device_exclusive(), and
 * mm/memory.c restore_exclusive_pte()), as Linux 6.15 on has them: a
 * device that wants atomic access to an anonymous page has its PTE
 * replaced by a device-exclusive entry naming the page.  The page stays
 * mapped (its map count and the rss count stay, as with a present PTE);
 * any CPU access faults and restores the PTE, telling the device with an
 * MMU_NOTIFY_EXCLUSIVE invalidation.
 */
#include <mmsim/gup.h>
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include "internal.h"

struct page *make_device_exclusive(struct mm_struct *mm, unsigned long addr,
				   void *owner, struct folio **foliop)
{
	const struct msim_arch *a = mm->arch;
	struct mmu_notifier_range range;
	struct vm_area_struct *vma;
	struct page *page;
	pte_t *ptep, pte;
	long ret;

	if (!mm_page_aligned(mm, addr))
		return ERR_PTR(-EINVAL);
again:
	/*
	 * Fault the page in writable (undoing a device-exclusive entry that
	 * is there already, as any CPU access would), with a reference.
	 */
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, NULL);
	if (ret < 0)
		return ERR_PTR(ret);
	if (ret != 1)
		return ERR_PTR(-EFAULT);
	vma = vma_lookup(mm, addr);
	if (!vma || !PageAnon(page) || is_zone_device_page(page)) {
		put_page(page);
		return ERR_PTR(-EOPNOTSUPP);
	}
	lock_page(page);

	/*
	 * Secondary MMUs drop the page now; the caller, whose owner this
	 * invalidation carries, filters it out.
	 */
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_EXCLUSIVE, 0, vma, mm,
				      addr, addr + mm_page_size(mm), owner);
	mmu_notifier_invalidate_range_start(&range);

	/* Still the same page, mapped writable (and so by this PTE only)? */
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || !pte_present(a, *ptep) ||
	    pte_pfn(a, *ptep) != page_to_pfn(page) || !pte_write(a, *ptep)) {
		spin_unlock(&mm->page_table_lock);
		mmu_notifier_invalidate_range_end(&range);
		unlock_page(page);
		put_page(page);
		goto again;
	}
	pte = ptep_clear_flush(vma, addr, ptep);
	if (pte_dirty(a, pte))
		SetPageDirty(page);
	set_pte_at(mm, addr, ptep,
		   swp_entry_to_pte(
			   a, make_device_exclusive_entry(page_to_pfn(page))));
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);

	*foliop = page_folio(page);
	return page;
}

/*
 * The PTE a device-exclusive entry replaced: the VMA's protection of the
 * day, writable where the VMA is and the page exclusive, old.  Under the
 * page-table lock; the map count never changed.
 */
void restore_exclusive_pte(struct vm_area_struct *vma, unsigned long addr,
			   pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	swp_entry_t entry = pte_to_swp_entry(a, *ptep);
	struct page *page = msim_pfn_swap_entry_to_page(mm->machine, entry);
	pte_t pte;

	pte = pte_mkold(
		a, pfn_pte(a, page_to_pfn(page),
			   (pgprot_t){ READ_ONCE(vma->vm_page_prot.pgprot) }));
	if ((READ_ONCE(vma->vm_flags) & VM_WRITE) && PageAnonExclusive(page)) {
		if (PageDirty(page))
			pte = pte_mkdirty(a, pte);
		pte = pte_mkwrite(a, pte);
	}
	/* Replacing a non-none entry: the table's count does not change. */
	msim_pte_changed(mm, addr, *ptep, pte);
	*ptep = pte;
}
