// SPDX-License-Identifier: MIT
/*
 * Migrating a range of a VMA for a device driver (mm/migrate_device.c);
 * migrate.h describes the API.  Isolating a page is taking its lock and a
 * reference (Linux also takes it off the LRU); a migration entry holds
 * neither a mapping nor a reference of the page it names.
 */
#include <string.h>
#include <mmsim/migrate.h>
#include <mmsim/mmu_notifier.h>
#include "internal.h"

/*
 * migrate_vma_collect_pmd() for one PTE, page-table lock held: what
 * goes into src.  A page that can be locked at once is replaced by a
 * migration entry here already, sparing the rmap walk when, as usual, it
 * is mapped only here.
 *
 * MODEL: no-device-private: only system memory exists: no device-private
 * or device-coherent pages, no swap entries for them, so a non-present
 * PTE is never collected and MIGRATE_VMA_SELECT_SYSTEM is the only
 * selection that collects anything (hmm_range_fault() never meets such a
 * page either).
 */
static unsigned long collect_one(struct migrate_vma *migrate,
				 unsigned long addr, pte_t *ptep)
{
	struct vm_area_struct *vma = migrate->vma;
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	pte_t pte = ptep ? *ptep : __pte(0);
	bool anon_exclusive;
	unsigned long mpfn;
	struct page *page;
	swp_entry_t entry;

	if (pte_none(pte)) {
		if (!vma_is_anonymous(vma))
			return 0;
		migrate->cpages++;
		return MIGRATE_PFN_MIGRATE;
	}
	/* Swapped out, or already migrating: not ours to move. */
	if (!pte_present(a, pte))
		return 0;
	if (!(migrate->flags & MIGRATE_VMA_SELECT_SYSTEM))
		return 0;
	if (is_zero_pfn(pte_pfn(a, pte))) {
		migrate->cpages++;
		return MIGRATE_PFN_MIGRATE;
	}
	page = vm_normal_page(vma, addr, pte);
	if (!page || !page->mapping)
		return 0;
	mpfn = migrate_pfn(page_to_pfn(page)) | MIGRATE_PFN_MIGRATE;
	if (pte_write(a, pte))
		mpfn |= MIGRATE_PFN_WRITE;

	get_page(page);
	if (!trylock_page(page)) {
		put_page(page);
		return 0;
	}
	anon_exclusive = PageAnon(page) && PageAnonExclusive(page);
	pte = ptep_clear_flush(vma, addr, ptep);
	if (anon_exclusive) {
		/* page_try_share_anon_rmap(): not while it may be pinned. */
		if (page_maybe_dma_pinned(page)) {
			set_pte_at(mm, addr, ptep, pte);
			unlock_page(page);
			put_page(page);
			return 0;
		}
		ClearPageAnonExclusive(page);
	}
	migrate->cpages++;
	if (pte_dirty(a, pte))
		SetPageDirty(page);
	if (mpfn & MIGRATE_PFN_WRITE)
		entry = make_writable_migration_entry(page_to_pfn(page));
	else if (anon_exclusive)
		entry = make_readable_exclusive_migration_entry(
			page_to_pfn(page));
	else
		entry = make_readable_migration_entry(page_to_pfn(page));
	set_pte_at(mm, addr, ptep, swp_entry_to_pte(a, entry));
	/* The mapping's reference goes; the one taken above stays. */
	page_remove_rmap(page, vma);
	put_page(page);
	return mpfn;
}

static void migrate_vma_collect(struct migrate_vma *migrate)
{
	struct vm_area_struct *vma = migrate->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_notifier_range range;
	unsigned long addr;

	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_MIGRATE, 0, vma, mm,
				      migrate->start, migrate->end,
				      migrate->pgmap_owner);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	for (addr = migrate->start; addr < migrate->end;
	     addr += mm_page_size(mm)) {
		migrate->dst[migrate->npages] = 0;
		migrate->src[migrate->npages++] =
			collect_one(migrate, addr, msim_pte_offset(mm, addr));
	}
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);
	migrate->end = migrate->start + (migrate->npages << PAGE_SHIFT_OF(mm));
}

/*
 * migrate_vma_check_page(): only the isolation's reference besides the
 * mappings; a GUP reference or a pin would see the old page.
 */
static bool migrate_vma_check_page(struct page *page, struct page *fault_page)
{
	int extra = 1 + (page == fault_page);

	return page_ref_count(page) - extra <= page_mapcount(page);
}

/*
 * migrate_device_unmap(): the other mappings of each page (other mms
 * after fork) become migration entries too; pages that stay mapped or
 * are referenced elsewhere are put back and left out.
 */
static unsigned long migrate_device_unmap(unsigned long *src_pfns,
					  unsigned long npages,
					  struct page *fault_page,
					  struct msim_machine *m)
{
	unsigned long i, restore = 0, unmapped = 0;
	struct page *page;

	for (i = 0; i < npages; i++) {
		page = migrate_pfn_to_page(m, src_pfns[i]);
		if (!page) {
			if (src_pfns[i] & MIGRATE_PFN_MIGRATE)
				unmapped++;
			continue;
		}
		if (page_mapped(page))
			try_to_migrate(page, 0);
		if (page_mapped(page) ||
		    !migrate_vma_check_page(page, fault_page)) {
			src_pfns[i] &= ~MIGRATE_PFN_MIGRATE;
			restore++;
			continue;
		}
		unmapped++;
	}
	for (i = 0; i < npages && restore; i++) {
		page = migrate_pfn_to_page(m, src_pfns[i]);
		if (!page || (src_pfns[i] & MIGRATE_PFN_MIGRATE))
			continue;
		remove_migration_ptes(page, page, false);
		src_pfns[i] = 0;
		unlock_page(page);
		put_page(page);
		restore--;
	}
	return unmapped;
}

int migrate_vma_setup(struct migrate_vma *args)
{
	struct vm_area_struct *vma = args->vma;
	struct mm_struct *mm;
	long nr_pages;

	if (!vma)
		return -EINVAL;
	mm = vma->vm_mm;
	nr_pages = (long)(args->end - args->start) >> PAGE_SHIFT_OF(mm);
	args->start &= PAGE_MASK_OF(mm);
	args->end &= PAGE_MASK_OF(mm);
	if ((vma->vm_flags &
	     (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_HUGETLB)) ||
	    !vma_is_anonymous(vma))
		return -EINVAL;
	if (nr_pages <= 0)
		return -EINVAL;
	if (args->start < vma->vm_start || args->start >= vma->vm_end)
		return -EINVAL;
	if (args->end <= vma->vm_start || args->end > vma->vm_end)
		return -EINVAL;
	if (!args->src || !args->dst)
		return -EINVAL;
	if (args->fault_page)
		return -EINVAL; /* only device-private pages fault so */
	memset(args->src, 0, sizeof(*args->src) * (unsigned long)nr_pages);
	args->cpages = 0;
	args->npages = 0;
	migrate_vma_collect(args);
	if (args->cpages)
		args->cpages = migrate_device_unmap(
			args->src, args->npages, args->fault_page, mm->machine);
	return 0;
}

/*
 * migrate_vma_insert_page(): a hole, or the zero page, gets the new page
 * mapped directly; replacing the zero page is a change of a present PTE,
 * flushed and offered to change_pte.
 */
static void migrate_vma_insert_page(struct migrate_vma *migrate,
				    unsigned long addr, struct page *page,
				    unsigned long *src)
{
	struct vm_area_struct *vma = migrate->vma;
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	bool flush = false;
	pte_t *ptep, entry;

	if (anon_vma_prepare(vma))
		goto abort;
	entry = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(a, pte_mkdirty(a, entry));
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_alloc(mm, addr);
	if (!ptep)
		goto unlock_abort;
	if (pte_present(a, *ptep)) {
		if (!is_zero_pfn(pte_pfn(a, *ptep)))
			goto unlock_abort;
		flush = true;
	} else if (!pte_none(*ptep)) {
		goto unlock_abort;
	}
	add_mm_counter(mm, MM_ANONPAGES, 1);
	page_add_new_anon_rmap(page, vma, addr);
	get_page(page);
	if (flush) {
		ptep_clear_flush_notify(vma, addr, ptep);
		set_pte_at_notify(mm, addr, ptep, entry);
	} else {
		set_pte_at(mm, addr, ptep, entry);
	}
	spin_unlock(&mm->page_table_lock);
	*src = MIGRATE_PFN_MIGRATE;
	return;
unlock_abort:
	msim_free_empty_tables(mm, addr, addr + mm_page_size(mm));
	spin_unlock(&mm->page_table_lock);
abort:
	*src &= ~MIGRATE_PFN_MIGRATE;
}

void migrate_vma_pages(struct migrate_vma *migrate)
{
	struct mm_struct *mm = migrate->vma->vm_mm;
	struct msim_machine *m = mm->machine;
	struct mmu_notifier_range range;
	struct page *newpage, *page;
	bool notified = false;
	unsigned long i, addr;

	for (i = 0; i < migrate->npages; i++) {
		newpage = migrate_pfn_to_page(m, migrate->dst[i]);
		page = migrate_pfn_to_page(m, migrate->src[i]);
		if (!newpage) {
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if (!page) {
			if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE))
				continue;
			addr = migrate->start + (i << PAGE_SHIFT_OF(mm));
			if (!notified) {
				notified = true;
				mmu_notifier_range_init_owner(
					&range, MMU_NOTIFY_MIGRATE, 0,
					migrate->vma, mm, addr, migrate->end,
					migrate->pgmap_owner);
				mmu_notifier_invalidate_range_start(&range);
			}
			migrate_vma_insert_page(migrate, addr, newpage,
						&migrate->src[i]);
			continue;
		}
		if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		/*
		 * migrate_folio(): the new page takes the old one's place
		 * in the anon_vma and its state.
		 * MODEL: migrate-copies-bytes: the bytes are copied too,
		 * which Linux leaves to the driver before this call; a driver
		 * that copied sees no difference (see migrate.h).
		 */
		copy_user_highpage(newpage, page);
		newpage->mapping = page->mapping;
		newpage->index = page->index;
		newpage->flags |=
			page->flags & ((1UL << PG_anon) | (1UL << PG_dirty) |
				       (1UL << PG_referenced) |
				       (1UL << PG_young) | (1UL << PG_idle));
	}
	/* insert_page's ptep_clear_flush_notify() flushed already. */
	if (notified)
		mmu_notifier_invalidate_range_only_end(&range);
}

void migrate_vma_finalize(struct migrate_vma *migrate)
{
	struct msim_machine *m = migrate->vma->vm_mm->machine;
	struct page *newpage, *page;
	unsigned long i;

	for (i = 0; i < migrate->npages; i++) {
		newpage = migrate_pfn_to_page(m, migrate->dst[i]);
		page = migrate_pfn_to_page(m, migrate->src[i]);
		if (!page) {
			if (newpage) {
				unlock_page(newpage);
				put_page(newpage);
			}
			continue;
		}
		if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE) || !newpage) {
			if (newpage) {
				unlock_page(newpage);
				put_page(newpage);
			}
			newpage = page;
		}
		remove_migration_ptes(page, newpage, false);
		unlock_page(page);
		put_page(page);
		if (newpage != page) {
			unlock_page(newpage);
			put_page(newpage);
		}
	}
}

/* One VMA's part: migrate every page there to a fresh frame. */
static long migrate_vma_range(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, bool *nomem)
{
	struct mm_struct *mm = vma->vm_mm;
	struct msim_machine *m = mm->machine;
	unsigned long npages = (end - start) >> PAGE_SHIFT_OF(mm), i;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct page *page;
	long moved = 0;
	int err;

	args.src = msim_kzalloc(m, MSIM_ALLOC_OTHER, npages * sizeof(long));
	args.dst = msim_kzalloc(m, MSIM_ALLOC_OTHER, npages * sizeof(long));
	if (!args.src || !args.dst) {
		err = -ENOMEM;
		goto out;
	}
	err = migrate_vma_setup(&args);
	if (err || !args.cpages)
		goto out;
	for (i = 0; i < args.npages; i++) {
		/* Pages only: holes and the zero page stay as they are. */
		if (!(args.src[i] & MIGRATE_PFN_MIGRATE) ||
		    !(args.src[i] & MIGRATE_PFN_VALID))
			continue;
		page = __msim_alloc_page(m, MSIM_ALLOC_FRAME, false);
		if (!page) {
			*nomem = true;
			continue;
		}
		trylock_page(page);
		args.dst[i] = migrate_pfn(page_to_pfn(page));
	}
	migrate_vma_pages(&args);
	for (i = 0; i < args.npages; i++)
		if ((args.src[i] & MIGRATE_PFN_MIGRATE) &&
		    (args.src[i] & MIGRATE_PFN_VALID) && args.dst[i])
			moved++;
	migrate_vma_finalize(&args);
out:
	msim_kfree(m, MSIM_ALLOC_OTHER, args.src);
	msim_kfree(m, MSIM_ALLOC_OTHER, args.dst);
	return err ? err : moved;
}

long msim_migrate_range(struct mm_struct *mm, unsigned long start,
			unsigned long len)
{
	unsigned long end = start + mm_page_align(mm, len), s, e, addr;
	struct vm_area_struct *vma;
	bool nomem = false;
	long ret, moved = 0;

	if (!mm_page_aligned(mm, start) || end < start || (len && end == start))
		return -EINVAL;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = vma->vm_end) {
		vma = vma_lookup(mm, addr);
		if (!vma) {
			mmap_read_unlock(mm);
			return -EFAULT;
		}
	}
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		/* A special mapping (-EINVAL) has nothing to move. */
		ret = migrate_vma_range(vma, s, e, &nomem);
		if (ret == -ENOMEM)
			nomem = true;
		else if (ret > 0)
			moved += ret;
	}
	mmap_read_unlock(mm);
	return nomem ? -ENOMEM : moved;
}
