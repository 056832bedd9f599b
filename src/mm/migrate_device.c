// SPDX-License-Identifier: MIT
/*
 * Migrating a range of a VMA for a device driver (mm/migrate_device.c);
 * migrate.h describes the API.  Isolating a page is taking its lock and a
 * reference (Linux also takes it off the LRU); a migration entry holds
 * neither a mapping nor a reference of the page it names.  Pages move
 * between system memory and device-private memory either way; the bytes
 * are the driver's to copy.
 */
#include <string.h>
#include <mmsim/memremap.h>
#include <mmsim/migrate.h>
#include <mmsim/mmu_notifier.h>
#include "internal.h"

/*
 * A device-private entry, collected when the caller selects
 * device-private memory and owns the page's pagemap: its page, and its
 * src entry in @mpfn.  NULL for any other entry: swapped out, migrating
 * and device-exclusive pages are not ours to move.
 */
static struct page *collect_device_private(const struct migrate_vma *migrate,
					   pte_t pte, unsigned long *mpfn)
{
	struct mm_struct *mm = migrate->vma->vm_mm;
	swp_entry_t entry = pte_to_swp_entry(mm->arch, pte);
	struct page *page;

	if (!is_device_private_entry(entry))
		return NULL;
	page = msim_pfn_swap_entry_to_page(mm->machine, entry);
	if (!(migrate->flags & MIGRATE_VMA_SELECT_DEVICE_PRIVATE) ||
	    page_pgmap(page)->owner != migrate->pgmap_owner)
		return NULL;
	*mpfn = migrate_pfn(page_to_pfn(page)) | MIGRATE_PFN_MIGRATE;
	if (is_writable_device_private_entry(entry))
		*mpfn |= MIGRATE_PFN_WRITE;
	return page;
}

/*
 * Isolate @page, which *@ptep maps (@present) or names in a
 * device-private entry, and put a migration entry in its place: what
 * goes into src, or 0 when the page cannot move now.  The reference
 * freezes the page; the lock isolates it.  The page a device fault is
 * for is locked by that fault already.
 */
static unsigned long collect_isolate(struct migrate_vma *migrate,
				     unsigned long addr, pte_t *ptep,
				     struct page *page, unsigned long mpfn,
				     bool present)
{
	struct vm_area_struct *vma = migrate->vma;
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	bool anon_exclusive;
	swp_entry_t entry;
	pte_t pte;

	get_page(page);
	if (page != migrate->fault_page && !trylock_page(page)) {
		put_page(page);
		return 0;
	}
	anon_exclusive = PageAnon(page) && PageAnonExclusive(page);
	if (present)
		pte = ptep_clear_flush(vma, addr, ptep);
	else
		pte = ptep_get_and_clear(mm, addr, ptep);
	if (anon_exclusive) {
		/* page_try_share_anon_rmap(): not while it may be pinned. */
		if (page_maybe_dma_pinned(page)) {
			set_pte_at(mm, addr, ptep, pte);
			if (page != migrate->fault_page)
				unlock_page(page);
			put_page(page);
			return 0;
		}
		ClearPageAnonExclusive(page);
	}
	migrate->cpages++;
	if (present && pte_dirty(a, pte))
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

/*
 * migrate_vma_collect_pmd() for one PTE, page-table lock held: what
 * goes into src.  A hole in anonymous memory, and the zero page, need
 * no source page.  A page that can be locked at once is replaced by a
 * migration entry here already, sparing the rmap walk when, as usual, it
 * is mapped only here.
 */
static unsigned long collect_one(struct migrate_vma *migrate,
				 unsigned long addr, pte_t *ptep)
{
	struct vm_area_struct *vma = migrate->vma;
	const struct msim_arch *a = vma->vm_mm->arch;
	pte_t pte = ptep ? *ptep : __pte(0);
	unsigned long mpfn = 0;
	struct page *page;
	bool present;

	if (pte_none(pte)) {
		if (!vma_is_anonymous(vma))
			return 0;
		migrate->cpages++;
		return MIGRATE_PFN_MIGRATE;
	}
	present = pte_present(a, pte);
	if (!present) {
		page = collect_device_private(migrate, pte, &mpfn);
	} else {
		if (!(migrate->flags & MIGRATE_VMA_SELECT_SYSTEM))
			return 0;
		if (is_zero_pfn(pte_pfn(a, pte))) {
			migrate->cpages++;
			return MIGRATE_PFN_MIGRATE;
		}
		page = vm_normal_page(vma, addr, pte);
		mpfn = migrate_pfn(pte_pfn(a, pte)) | MIGRATE_PFN_MIGRATE;
		if (pte_write(a, pte))
			mpfn |= MIGRATE_PFN_WRITE;
	}
	if (!page || !page->mapping)
		return 0;
	return collect_isolate(migrate, addr, ptep, page, mpfn, present);
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
		page = msim_migrate_pfn_to_page(m, src_pfns[i]);
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
		page = msim_migrate_pfn_to_page(m, src_pfns[i]);
		if (!page || (src_pfns[i] & MIGRATE_PFN_MIGRATE))
			continue;
		remove_migration_ptes(page, page, false);
		src_pfns[i] = 0;
		if (page != fault_page)
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
	/* The fault that hands a page in has it locked. */
	if (args->fault_page && !PageLocked(args->fault_page))
		return -EINVAL;
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
 * mapped directly: a PTE for system memory (replacing the zero page is a
 * change of a present PTE, flushed and offered to change_pte), a
 * device-private entry for device memory, writable where the VMA is.
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
	if (is_device_private_page(page)) {
		entry = swp_entry_to_pte(
			a, vma->vm_flags & VM_WRITE
				   ? make_writable_device_private_entry(
					     page_to_pfn(page))
				   : make_readable_device_private_entry(
					     page_to_pfn(page)));
	} else {
		entry = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
		if (vma->vm_flags & VM_WRITE)
			entry = pte_mkwrite(a, pte_mkdirty(a, entry));
	}
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

/*
 * __migrate_device_pages(): move the state of each collected page to its
 * destination.  With @migrate, holes (and the zero page) get their new
 * page mapped now; without (migrate_device_pages()), there are none.
 */
static void __migrate_device_pages(struct msim_machine *m,
				   unsigned long *src_pfns,
				   unsigned long *dst_pfns,
				   unsigned long npages,
				   struct migrate_vma *migrate)
{
	struct mmu_notifier_range range;
	struct page *newpage, *page;
	bool notified = false;
	unsigned long i, addr;

	for (i = 0; i < npages; i++) {
		newpage = msim_migrate_pfn_to_page(m, dst_pfns[i]);
		page = msim_migrate_pfn_to_page(m, src_pfns[i]);
		if (!newpage) {
			src_pfns[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if (!page) {
			if (!(src_pfns[i] & MIGRATE_PFN_MIGRATE))
				continue;
			if (!migrate) {
				src_pfns[i] &= ~MIGRATE_PFN_MIGRATE;
				continue;
			}
			addr = migrate->start +
			       (i << PAGE_SHIFT_OF(migrate->vma->vm_mm));
			if (!notified) {
				notified = true;
				mmu_notifier_range_init_owner(
					&range, MMU_NOTIFY_MIGRATE, 0,
					migrate->vma, migrate->vma->vm_mm, addr,
					migrate->end, migrate->pgmap_owner);
				mmu_notifier_invalidate_range_start(&range);
			}
			migrate_vma_insert_page(migrate, addr, newpage,
						&src_pfns[i]);
			continue;
		}
		if (!(src_pfns[i] & MIGRATE_PFN_MIGRATE))
			continue;
		/*
		 * migrate_folio(): the new page takes the old one's place
		 * in the anon_vma and its state.  Not the bytes: the
		 * driver copied them (or will, before finalize).
		 */
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

void migrate_vma_pages(struct migrate_vma *migrate)
{
	__migrate_device_pages(migrate->vma->vm_mm->machine, migrate->src,
			       migrate->dst, migrate->npages, migrate);
}

void msim_migrate_device_pages(struct msim_machine *m, unsigned long *src_pfns,
			       unsigned long *dst_pfns, unsigned long npages)
{
	__migrate_device_pages(m, src_pfns, dst_pfns, npages, NULL);
}

void migrate_device_pages(unsigned long *src_pfns, unsigned long *dst_pfns,
			  unsigned long npages)
{
	struct msim_machine *m = msim_current_machine();

	if (m)
		__migrate_device_pages(m, src_pfns, dst_pfns, npages, NULL);
}

/*
 * __migrate_device_finalize(): map the new pages where the move went
 * through, the old ones elsewhere, and drop the isolation.  The page of
 * a device fault stays locked: the fault unlocks it.
 */
static void __migrate_device_finalize(struct msim_machine *m,
				      unsigned long *src_pfns,
				      unsigned long *dst_pfns,
				      unsigned long npages,
				      struct page *fault_page)
{
	struct page *newpage, *page;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		newpage = msim_migrate_pfn_to_page(m, dst_pfns[i]);
		page = msim_migrate_pfn_to_page(m, src_pfns[i]);
		if (!page) {
			if (newpage) {
				unlock_page(newpage);
				put_page(newpage);
			}
			continue;
		}
		if (!(src_pfns[i] & MIGRATE_PFN_MIGRATE) || !newpage) {
			if (newpage) {
				unlock_page(newpage);
				put_page(newpage);
			}
			newpage = page;
		}
		remove_migration_ptes(page, newpage, false);
		if (page != fault_page)
			unlock_page(page);
		put_page(page);
		if (newpage != page) {
			if (newpage != fault_page)
				unlock_page(newpage);
			put_page(newpage);
		}
	}
}

void migrate_vma_finalize(struct migrate_vma *migrate)
{
	__migrate_device_finalize(migrate->vma->vm_mm->machine, migrate->src,
				  migrate->dst, migrate->npages,
				  migrate->fault_page);
}

void msim_migrate_device_finalize(struct msim_machine *m,
				  unsigned long *src_pfns,
				  unsigned long *dst_pfns, unsigned long npages)
{
	__migrate_device_finalize(m, src_pfns, dst_pfns, npages, NULL);
}

void migrate_device_finalize(unsigned long *src_pfns, unsigned long *dst_pfns,
			     unsigned long npages)
{
	struct msim_machine *m = msim_current_machine();

	if (m)
		__migrate_device_finalize(m, src_pfns, dst_pfns, npages, NULL);
}

int migrate_device_range(unsigned long *src_pfns, unsigned long start,
			 unsigned long npages)
{
	struct msim_machine *m = msim_current_machine();

	return m ? msim_migrate_device_range(m, src_pfns, start, npages)
		 : -EINVAL;
}

int msim_migrate_device_range(struct msim_machine *m, unsigned long *src_pfns,
			      unsigned long start, unsigned long npages)
{
	unsigned long i;
	struct page *page;

	for (i = 0; i < npages; i++) {
		src_pfns[i] = 0;
		page = msim_pfn_to_page(m, start + i);
		/* Free device pages (refcount 0) are not in use: skip. */
		if (!page || !get_page_unless_zero(page))
			continue;
		if (!trylock_page(page)) {
			put_page(page);
			continue;
		}
		src_pfns[i] = migrate_pfn(start + i) | MIGRATE_PFN_MIGRATE;
	}
	migrate_device_unmap(src_pfns, npages, NULL, m);
	return 0;
}

/* One migrate_vma call: every page of [start, end) to a fresh frame. */
static long migrate_chunk(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long *src,
			  unsigned long *dst, bool *nomem)
{
	struct msim_machine *m = vma->vm_mm->machine;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = src,
		.dst = dst,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct page *page;
	long moved = 0;
	unsigned long i;
	int err;

	err = migrate_vma_setup(&args);
	if (err || !args.cpages)
		return err;
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
		/* What a driver does: copy, then hand the page in. */
		copy_user_highpage(page,
				   msim_migrate_pfn_to_page(m, args.src[i]));
		args.dst[i] = migrate_pfn(page_to_pfn(page));
	}
	migrate_vma_pages(&args);
	for (i = 0; i < args.npages; i++)
		if ((args.src[i] & MIGRATE_PFN_MIGRATE) &&
		    (args.src[i] & MIGRATE_PFN_VALID) && args.dst[i])
			moved++;
	migrate_vma_finalize(&args);
	return moved;
}

/*
 * One VMA's part, a leaf table's worth of pages at a time, skipping what
 * no table covers, as a driver migrates in bounded chunks: the arrays
 * migrate_vma takes are sized by one chunk, not by the range, which may
 * be a mostly empty terabyte.
 */
static long migrate_vma_range(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, bool *nomem)
{
	struct mm_struct *mm = vma->vm_mm;
	struct msim_machine *m = mm->machine;
	unsigned long max = 1UL << mm->arch->level_bits[mm->arch->levels - 1];
	unsigned long *src, *dst, addr, tend;
	long ret = 0, moved = 0;

	src = msim_kzalloc(m, MSIM_ALLOC_OTHER, max * sizeof(long));
	dst = msim_kzalloc(m, MSIM_ALLOC_OTHER, max * sizeof(long));
	if (!src || !dst) {
		ret = -ENOMEM;
		goto out;
	}
	for (addr = start; addr < end; addr = tend) {
		spin_lock(&mm->page_table_lock);
		msim_pte_next(mm, &addr, end);
		spin_unlock(&mm->page_table_lock);
		if (addr >= end)
			break;
		tend = msim_pte_table_end(mm->arch, addr, end);
		ret = migrate_chunk(vma, addr, tend, src, dst, nomem);
		if (ret < 0)
			break;
		moved += ret;
		ret = 0;
	}
out:
	msim_kfree(m, MSIM_ALLOC_OTHER, src);
	msim_kfree(m, MSIM_ALLOC_OTHER, dst);
	return ret ? ret : moved;
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
