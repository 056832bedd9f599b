// SPDX-License-Identifier: MIT
/*
 * Copying an address space at fork (kernel/fork.c dup_mm(), dup_mmap();
 * mm/memory.c copy_page_range()).
 *
 * The 2.6 kernel's dup_mmap() is the shape followed here; today's differs
 * where noted: VM_WIPEONFORK areas start empty in the child, only VMAs
 * with an anon_vma have page tables to copy (one without has never had a
 * private page), the child's PTEs are made old, and a page that may be
 * pinned for DMA is copied for the child at once instead of being shared
 * copy-on-write (page_needs_cow_for_dma()).
 */
#include <string.h>
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/swap.h>
#include "internal.h"

/*
 * The parent's page stays with the parent, writable and exclusive, so
 * that DMA into it is seen by the parent and only by it; the child gets a
 * copy.  (The classic fork-after-pin bug: sharing it would let the
 * parent's next write fault move the parent to a copy, leaving the device
 * writing into the child's page.)
 */
static int copy_present_page(struct vm_area_struct *dst_vma, unsigned long addr,
			     pte_t *dst_pte, struct page *page)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm;
	const struct msim_arch *a = dst_mm->arch;
	struct page *new;
	pte_t pte;

	new = __msim_alloc_page(dst_mm->machine, MSIM_ALLOC_FRAME, false);
	if (!new)
		return -ENOMEM;
	copy_user_highpage(new, page);
	page_add_new_anon_rmap(new, dst_vma, addr);
	add_mm_counter(dst_mm, MM_ANONPAGES, 1);
	pte = pfn_pte(a, page_to_pfn(new), dst_vma->vm_page_prot);
	pte = pte_mkdirty(a, pte);
	if (dst_vma->vm_flags & VM_WRITE)
		pte = pte_mkwrite(a, pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
	return 0;
}

struct copy_walk {
	struct vm_area_struct *dst_vma, *src_vma;
	unsigned long table_start; /* what @table maps, from here */
	pte_t *table;		   /* the child's last leaf table */
};

/*
 * The child's PTE for @addr.  The walk visits the parent's PTEs in order,
 * so the child's leaf table is found once per table, not once per PTE.
 */
static pte_t *dst_pte_alloc(struct copy_walk *w, unsigned long addr)
{
	struct mm_struct *dst_mm = w->dst_vma->vm_mm;
	const struct msim_arch *a = dst_mm->arch;
	unsigned int leaf = a->levels - 1;
	unsigned long span = 1UL
			     << (a->level_shift[leaf] + a->level_bits[leaf]);
	unsigned int idx = msim_pte_index(a, leaf, addr);
	pte_t *ptep;

	if (w->table && (addr & ~(span - 1)) == w->table_start)
		return &w->table[idx];
	ptep = msim_pte_alloc(dst_mm, addr);
	if (ptep) {
		w->table = ptep - idx;
		w->table_start = addr & ~(span - 1);
	}
	return ptep;
}

/*
 * copy_nonpresent_pte(): a swap PTE gets one more holder of its slot and
 * is no longer exclusive in either process; a migration entry is copied
 * (its page counts in the child's rss, and is mapped in the child too
 * when the migration ends), made read-only in a COW mapping.  A
 * device-private entry is a mapping of its device page: the child gets
 * one too (a reference, a map count, rss), the page is no longer
 * exclusive, and in a COW mapping both entries become read-only, so that
 * the first write on either side migrates the page back and copies it.
 * A device-exclusive entry cannot be shared: it is restored to the PTE
 * it replaced (the device loses its access, as the fork's invalidation
 * told it) and copied as a present PTE (-ENOENT to the caller).
 */
static int copy_nonpresent_pte(struct copy_walk *w, unsigned long addr,
			       pte_t *src_pte, pte_t *dst_pte)
{
	struct mm_struct *dst_mm = w->dst_vma->vm_mm;
	struct mm_struct *src_mm = w->src_vma->vm_mm;
	const struct msim_arch *a = src_mm->arch;
	pte_t pte = *src_pte;
	swp_entry_t entry = pte_to_swp_entry(a, pte);
	struct page *page;

	if (!non_swap_entry(entry)) {
		if (swap_duplicate(src_mm->machine, entry) < 0)
			return -EIO;
		if (pte_swp_exclusive(a, pte)) {
			pte = pte_swp_clear_exclusive(a, pte);
			msim_pte_changed(src_mm, addr, *src_pte, pte);
			*src_pte = pte;
		}
		add_mm_counter(dst_mm, MM_SWAPENTS, 1);
	} else if (is_migration_entry(entry)) {
		add_mm_counter(dst_mm, MM_ANONPAGES, 1);
		if (!is_readable_migration_entry(entry) &&
		    is_cow_mapping(w->src_vma->vm_flags)) {
			entry = make_readable_migration_entry(
				swp_offset_pfn(entry));
			pte = swp_entry_to_pte(a, entry);
			msim_pte_changed(src_mm, addr, *src_pte, pte);
			*src_pte = pte;
		}
	} else if (is_device_private_entry(entry)) {
		page = msim_pfn_swap_entry_to_page(src_mm->machine, entry);
		get_page(page);
		atomic_fetch_add(&page->_mapcount, 1);
		/* Device pages cannot be pinned: sharing cannot fail. */
		ClearPageAnonExclusive(page);
		add_mm_counter(dst_mm, MM_ANONPAGES, 1);
		if (is_writable_device_private_entry(entry) &&
		    is_cow_mapping(w->src_vma->vm_flags)) {
			entry = make_readable_device_private_entry(
				swp_offset_pfn(entry));
			pte = swp_entry_to_pte(a, entry);
			msim_pte_changed(src_mm, addr, *src_pte, pte);
			*src_pte = pte;
		}
	} else if (is_device_exclusive_entry(entry)) {
		restore_exclusive_pte(w->src_vma, addr, src_pte);
		return -ENOENT;
	}
	set_pte_at(dst_mm, addr, dst_pte, pte);
	return 0;
}

static int copy_pte(struct copy_walk *w, unsigned long addr, pte_t *src_pte)
{
	struct vm_area_struct *dst_vma = w->dst_vma, *src_vma = w->src_vma;
	struct mm_struct *dst_mm = dst_vma->vm_mm;
	struct mm_struct *src_mm = src_vma->vm_mm;
	const struct msim_arch *a = src_mm->arch;
	pte_t pte = *src_pte, *dst_pte;
	struct page *page;

	dst_pte = dst_pte_alloc(w, addr);
	if (!dst_pte)
		return -ENOMEM;
	if (!pte_present(a, pte)) {
		int err = copy_nonpresent_pte(w, addr, src_pte, dst_pte);

		if (err != -ENOENT)
			return err;
		/* A device-exclusive entry made present again. */
		pte = *src_pte;
	}
	page = vm_normal_page(src_vma, addr, pte);
	if (page) {
		if (PageAnonExclusive(page) && page_maybe_dma_pinned(page) &&
		    (src_mm->flags & (1UL << MMF_HAS_PINNED)))
			return copy_present_page(dst_vma, addr, dst_pte, page);
		get_page(page);
		msim_page_access(page, true);
		atomic_fetch_add(&page->_mapcount, 1);
		ClearPageAnonExclusive(page);
		add_mm_counter(dst_mm, mm_counter(page), 1);
	}
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(a, pte)) {
		*src_pte = pte_wrprotect(a, pte);
		msim_pte_changed(src_mm, addr, pte, *src_pte);
		pte = pte_wrprotect(a, pte);
	}
	set_pte_at(dst_mm, addr, dst_pte, pte_mkold(a, pte));
	return 0;
}

static int copy_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	(void)mm;
	return copy_pte(arg, addr, ptep);
}

/*
 * copy_page_range - copy @src_vma's PTEs into @dst_vma.  On -ENOMEM the
 * PTEs copied so far stay, consistently accounted, for exit_mmap() of
 * the half-built mm to take down.
 */
static int copy_page_range(struct vm_area_struct *dst_vma,
			   struct vm_area_struct *src_vma)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	struct copy_walk w = { .dst_vma = dst_vma, .src_vma = src_vma };
	struct mmu_notifier_range range;
	bool is_cow = is_cow_mapping(src_vma->vm_flags);
	int err;

	if (!src_vma->anon_vma)
		return 0;
	/*
	 * The parent's writable PTEs are about to lose their write bit:
	 * secondary MMUs must not keep writable mappings of pages the child
	 * will share (MMU_NOTIFY_PROTECTION_PAGE over the whole VMA).
	 */
	if (is_cow) {
		mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_PAGE, 0,
					src_vma, src_mm, src_vma->vm_start,
					src_vma->vm_end);
		mmu_notifier_invalidate_range_start(&range);
	}
	/* The child is not yet visible to anyone: its lock nests inside. */
	spin_lock(&src_mm->page_table_lock);
	spin_lock(&dst_mm->page_table_lock);
	err = msim_walk_ptes(src_mm, src_vma->vm_start, src_vma->vm_end,
			     copy_one, &w);
	/* A table allocated for a copy that then failed holds nothing. */
	if (err)
		msim_free_empty_tables(dst_mm, dst_vma->vm_start,
				       dst_vma->vm_end);
	spin_unlock(&dst_mm->page_table_lock);
	spin_unlock(&src_mm->page_table_lock);
	if (is_cow)
		mmu_notifier_invalidate_range_end(&range);
	return err;
}

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp;
	long len;
	int err = 0;

	mmap_write_lock(oldmm);
	mmap_write_lock(mm);
	mm->total_vm = oldmm->total_vm;
	mm->data_vm = oldmm->data_vm;
	mm->exec_vm = oldmm->exec_vm;
	mm->stack_vm = oldmm->stack_vm;
	mm->def_flags = oldmm->def_flags;
	mm->mmap_base = oldmm->mmap_base;
	mm->task_size = oldmm->task_size;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->topdown = oldmm->topdown;
	/* MMF_HAS_PINNED is about this mm's own pins: not inherited. */
	mm->flags = oldmm->flags & ~(1UL << MMF_HAS_PINNED);

	for_each_vma(oldmm, mpnt) {
		len = (long)vma_pages(mpnt);
		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -len);
			continue;
		}
		/*
		 * Each VMA is charged as it is copied and, once linked, is
		 * uncharged by whoever unmaps it, exit_mmap() of a half-built
		 * child included: the commit charge stays exact on failure.
		 */
		if ((mpnt->vm_flags & VM_ACCOUNT) &&
		    security_vm_enough_memory_mm(oldmm, len)) {
			err = -ENOMEM;
			break;
		}
		tmp = vm_area_dup(mpnt);
		if (!tmp)
			goto fail_nomem;
		tmp->vm_mm = mm;
		INIT_LIST_HEAD(&tmp->anon_vma_chain);
		tmp->vm_flags &= ~VM_LOCKED;
		if (tmp->vm_flags & VM_WIPEONFORK) {
			/* Starts empty: it must not share an anon_vma. */
			tmp->anon_vma = NULL;
		} else if (anon_vma_fork(tmp, mpnt)) {
			vm_area_free(tmp);
			goto fail_nomem;
		}
		vma_link(mm, tmp);
		if (!(tmp->vm_flags & VM_WIPEONFORK)) {
			err = copy_page_range(tmp, mpnt);
			if (err)
				break;
		}
		continue;
	fail_nomem:
		if (mpnt->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(oldmm, len);
		err = -ENOMEM;
		break;
	}
	mmap_write_unlock(mm);
	/* The parent's PTEs lost their write bit: dup_mmap()'s flush. */
	flush_tlb_mm(oldmm);
	mmap_write_unlock(oldmm);
	return err;
}

/*
 * dup_mm - a copy of @oldmm for @tsk.  Return: the new mm, or NULL with
 * everything it had taken released (mmput() of the half-built mm, as
 * fork.c's free_pt label does).
 */
static struct mm_struct *dup_mm(struct task_struct *tsk,
				struct mm_struct *oldmm)
{
	struct mm_struct *mm;

	(void)tsk;
	mm = mm_alloc(oldmm->machine);
	if (!mm)
		return NULL;
	/* Linux copies the whole mm_struct: the vDSO stays where it was. */
	mm->context = oldmm->context;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);
		return NULL;
	}
	mm->hiwater_rss = get_mm_rss(mm);
	mm->hiwater_vm = mm->total_vm;
	return mm;
}

int copy_mm(unsigned long clone_flags, struct task_struct *tsk,
	    struct task_struct *parent)
{
	struct mm_struct *oldmm = parent->mm, *mm;

	tsk->mm = NULL;
	tsk->active_mm = NULL;
	if (!oldmm)
		return 0; /* a kernel thread */
	if (clone_flags & CLONE_VM) {
		mmget(oldmm);
		mm = oldmm;
	} else {
		mm = dup_mm(tsk, oldmm);
		if (!mm)
			return -ENOMEM;
	}
	tsk->mm = mm;
	tsk->active_mm = mm;
	return 0;
}
