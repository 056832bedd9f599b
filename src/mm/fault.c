// SPDX-License-Identifier: MIT
/*
 * Page faults on anonymous memory (mm/memory.c do_anonymous_page(),
 * do_wp_page()), the arch entry that checks an access against the VMA,
 * and the simulated CPU's access to user memory.
 *
 * Allocation happens with the page-table lock dropped, as in the kernel;
 * the PTE is checked again under the lock before it is installed, and a
 * fault that lost the race just returns (the access is retried).
 */
#include <string.h>
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/swap.h>
#include "internal.h"

/*
 * The write bit only where the VMA allows writes: a write fault forced on
 * a read-only private mapping (GUP with FOLL_FORCE) breaks COW but leaves
 * the PTE read-only.
 */
static pte_t maybe_mkwrite(const struct msim_arch *a, pte_t pte,
			   const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_WRITE ? pte_mkwrite(a, pte) : pte;
}

static void free_tables_after_failure(struct mm_struct *mm, unsigned long addr)
{
	spin_lock(&mm->page_table_lock);
	msim_free_empty_tables(mm, addr, addr + mm_page_size(mm));
	spin_unlock(&mm->page_table_lock);
}

static vm_fault_t do_anonymous_page(struct vm_area_struct *vma,
				    unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	struct page *page;
	pte_t *ptep, entry;

	/* Reads map the shared zero page; no anon_vma is needed for it. */
	if (!(flags & FAULT_FLAG_WRITE)) {
		entry = pte_mkspecial(a, pfn_pte(a, 0, vma->vm_page_prot));
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_alloc(mm, addr);
		if (!ptep) {
			spin_unlock(&mm->page_table_lock);
			return VM_FAULT_OOM;
		}
		if (pte_none(*ptep))
			set_pte_at(mm, addr, ptep, entry);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = msim_alloc_page(mm->machine, MSIM_ALLOC_FRAME);
	if (!page)
		return VM_FAULT_OOM;
	entry = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
	entry = maybe_mkwrite(a, pte_mkdirty(a, entry), vma);

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_alloc(mm, addr);
	if (!ptep || !pte_none(*ptep)) {
		spin_unlock(&mm->page_table_lock);
		put_page(page);
		return ptep ? 0 : VM_FAULT_OOM;
	}
	page_add_new_anon_rmap(page, vma, addr);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	set_pte_at(mm, addr, ptep, entry);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/*
 * An empty PTE in a VMA whose pages come from its vm_ops (a special
 * mapping such as the vDSO): do_read_fault() maps the page itself,
 * accounted as a file page; do_cow_fault() maps a private anonymous copy
 * for a write (possible after mprotect() thanks to VM_MAYWRITE).  Shared
 * writable special mappings do not exist in mmsim.
 */
static vm_fault_t do_fault(struct vm_area_struct *vma, unsigned long addr,
			   unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	bool cow = flags & FAULT_FLAG_WRITE;
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr,
		.pgoff = ((addr - vma->vm_start) >> a->page_shift) +
			 vma->vm_pgoff,
		.flags = flags,
	};
	struct page *page, *new = NULL;
	pte_t *ptep, entry;
	vm_fault_t ret;

	if (!vma->vm_ops->fault || (cow && (vma->vm_flags & VM_SHARED)))
		return VM_FAULT_SIGBUS;
	if (cow) {
		if (anon_vma_prepare(vma))
			return VM_FAULT_OOM;
		new = __msim_alloc_page(mm->machine, MSIM_ALLOC_FRAME, false);
		if (!new)
			return VM_FAULT_OOM;
	}
	ret = vma->vm_ops->fault(&vmf);
	if (ret & VM_FAULT_ERROR) {
		if (new)
			put_page(new);
		return ret;
	}
	page = vmf.page;
	if (new) {
		copy_user_highpage(new, page);
		put_page(page);
		page = new;
		entry = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
		entry = maybe_mkwrite(a, pte_mkdirty(a, entry), vma);
	} else {
		entry = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
	}

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_alloc(mm, addr);
	if (!ptep || !pte_none(*ptep)) {
		spin_unlock(&mm->page_table_lock);
		put_page(page);
		return ptep ? 0 : VM_FAULT_OOM;
	}
	if (new) {
		page_add_new_anon_rmap(page, vma, addr);
	} else {
		/* page_add_file_rmap(): the fault's reference is the PTE's. */
		atomic_fetch_add(&page->_mapcount, 1);
	}
	add_mm_counter(mm, mm_counter(page), 1);
	set_pte_at(mm, addr, ptep, entry);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/*
 * wp_can_reuse_anon_folio(): may a write reuse @page, an anonymous page
 * not marked exclusive, in place?  Only if the mapping's reference is its
 * only one: then no other process maps it and no GUP holds it.  It then
 * belongs to this VMA alone, so the rmap need only look here
 * (folio_move_anon_rmap()).  Page-table lock held.
 */
static bool wp_can_reuse_anon_folio(struct page *page,
				    struct vm_area_struct *vma)
{
	if (page_ref_count(page) != 1)
		return false;
	page->mapping = vma->anon_vma;
	return true;
}

/*
 * wp_page_reuse(): the page stays; the PTE becomes writable (where the
 * VMA allows), dirty and young.  Page-table lock held.
 */
static void wp_page_reuse(struct vm_area_struct *vma, unsigned long addr,
			  pte_t *ptep, pte_t orig)
{
	const struct msim_arch *a = vma->vm_mm->arch;

	*ptep = pte_mkyoung(a, maybe_mkwrite(a, pte_mkdirty(a, orig), vma));
	msim_pte_changed(vma->vm_mm, addr, orig, *ptep);
}

/*
 * wp_page_copy(): map a private copy of @old, or a cleared frame in place
 * of the zero page (@old NULL), where @orig was; the caller's reference
 * on @old is dropped here.  The old translation is cleared and flushed
 * from every TLB, secondary ones included, before the new one goes in;
 * set_pte_at_notify() offers it to change_pte subscribers.  A PTE that
 * changed meanwhile leaves the fault to be retried.
 */
static vm_fault_t wp_page_copy(struct vm_area_struct *vma, unsigned long addr,
			       pte_t orig, struct page *old, bool unshare)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	struct mmu_notifier_range range;
	struct page *new;
	pte_t *ptep, entry;

	if (anon_vma_prepare(vma))
		goto oom;
	new = __msim_alloc_page(mm->machine, MSIM_ALLOC_FRAME, !old);
	if (!new)
		goto oom;
	if (old)
		copy_user_highpage(new, old);
	entry = pfn_pte(a, page_to_pfn(new), vma->vm_page_prot);
	if (!unshare)
		entry = maybe_mkwrite(a, pte_mkdirty(a, entry), vma);

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma, mm, addr,
				addr + mm_page_size(mm));
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || pte_val(*ptep) != pte_val(orig)) {
		spin_unlock(&mm->page_table_lock);
		mmu_notifier_invalidate_range_only_end(&range);
		put_page(new);
		if (old)
			put_page(old);
		return 0;
	}
	page_add_new_anon_rmap(new, vma, addr);
	if (old) {
		/* A file page (the vDSO's) gives way to an anonymous one. */
		if (!PageAnon(old)) {
			add_mm_counter(mm, MM_FILEPAGES, -1);
			add_mm_counter(mm, MM_ANONPAGES, 1);
		}
		page_remove_rmap(old, vma);
		put_page(old); /* the mapping's reference */
	} else {
		add_mm_counter(mm, MM_ANONPAGES, 1);
	}
	ptep_clear_flush_notify(vma, addr, ptep);
	set_pte_at_notify(mm, addr, ptep, entry);
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_only_end(&range);
	if (old)
		put_page(old); /* the caller's */
	return 0;
oom:
	if (old)
		put_page(old);
	return VM_FAULT_OOM;
}

/*
 * A write to a present, write-protected PTE, or an unshare request (GUP
 * wants to pin a page read-only and needs it exclusive first).  Today's
 * rule for reuse is PageAnonExclusive, or being the only reference, which
 * makes the page exclusive (wp_can_reuse_anon_folio()).  The 2.6 kernels
 * asked for mapcount == 1 instead, which a GUP reference does not change:
 * a page pinned for DMA could then be reused by one side of a fork while
 * the device wrote to it for the other.
 */
static vm_fault_t do_wp_page(struct vm_area_struct *vma, unsigned long addr,
			     pte_t orig, bool unshare)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pte_t *ptep;

	/*
	 * Decide on reuse under the lock, with the PTE unchanged: only then
	 * is the page still mapped here and its counts meaningful.
	 */
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || pte_val(*ptep) != pte_val(orig)) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	page = vm_normal_page(vma, addr, orig);
	if (page && PageAnon(page) &&
	    (PageAnonExclusive(page) || wp_can_reuse_anon_folio(page, vma))) {
		SetPageAnonExclusive(page);
		if (!unshare)
			wp_page_reuse(vma, addr, ptep, orig);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/* Held across wp_page_copy()'s allocation, which drops it. */
	if (page)
		get_page(page);
	spin_unlock(&mm->page_table_lock);
	return wp_page_copy(vma, addr, orig, page, unshare);
}

/*
 * The slot is being written out by reclaim, or read by another fault:
 * wait until that is done or the PTE has changed, then let the fault be
 * retried.
 * MODEL: swapin-waits-for-slot: Linux maps the page reclaim is writing
 * out from the swap cache at once, and a swap-in that bypasses the cache
 * and loses the slot to another sleeps a tick and retries; here both
 * wait, yielding, until the slot is free.
 */
static void swapcache_wait(struct mm_struct *mm, unsigned long addr, pte_t orig,
			   swp_entry_t entry)
{
	pte_t *ptep;
	bool same;

	for (;;) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr);
		same = ptep && pte_val(*ptep) == pte_val(orig);
		spin_unlock(&mm->page_table_lock);
		if (!same || !swap_cache_busy(mm->machine, entry))
			break;
		msim_sync_yield("swapcache");
	}
	msim_fault_waited = true;
}

/*
 * A CPU fault on a device-private entry: the device's driver moves the
 * page back to system memory (->migrate_to_ram), with the page locked
 * and referenced so that it cannot go away meanwhile, and the fault is
 * retried.  If the page is locked already (a migration of it is under
 * way), wait for that instead.
 */
static vm_fault_t do_device_private_fault(struct vm_area_struct *vma,
					  unsigned long addr,
					  unsigned int flags, pte_t orig,
					  swp_entry_t entry)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = msim_pfn_swap_entry_to_page(mm->machine, entry);
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr,
		.pgoff = ((addr - vma->vm_start) >> mm_page_shift(mm)) +
			 vma->vm_pgoff,
		.flags = flags,
		.page = page,
		.orig_pte = orig,
	};
	vm_fault_t ret;
	pte_t *ptep;
	bool same, locked;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || pte_val(*ptep) != pte_val(orig)) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/* A reference while the entry still holds one. */
	locked = trylock_page(page);
	if (locked)
		get_page(page);
	spin_unlock(&mm->page_table_lock);
	if (locked) {
		ret = page_pgmap(page)->ops->migrate_to_ram(&vmf);
		unlock_page(page);
		put_page(page);
		return ret;
	}
	for (;;) {
		spin_lock(&mm->page_table_lock);
		ptep = msim_pte_offset(mm, addr);
		same = ptep && pte_val(*ptep) == pte_val(orig);
		spin_unlock(&mm->page_table_lock);
		if (!same || !PageLocked(page))
			break;
		msim_sync_yield("page_lock");
	}
	msim_fault_waited = true;
	return 0;
}

/*
 * A CPU fault on a device-exclusive entry (remove_device_exclusive_entry()):
 * the device loses its exclusive access, told by an MMU_NOTIFY_EXCLUSIVE
 * invalidation with no owner, and the PTE it replaced comes back.
 */
static vm_fault_t remove_device_exclusive_entry(struct vm_area_struct *vma,
						unsigned long addr, pte_t orig,
						swp_entry_t entry)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = msim_pfn_swap_entry_to_page(mm->machine, entry);
	struct mmu_notifier_range range;
	pte_t *ptep;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || pte_val(*ptep) != pte_val(orig)) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	get_page(page);
	spin_unlock(&mm->page_table_lock);

	lock_page(page);
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_EXCLUSIVE, 0, vma, mm,
				      addr, addr + mm_page_size(mm), NULL);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (ptep && pte_val(*ptep) == pte_val(orig))
		restore_exclusive_pte(vma, addr, ptep);
	spin_unlock(&mm->page_table_lock);
	unlock_page(page);
	put_page(page);
	mmu_notifier_invalidate_range_end(&range);
	return 0;
}

/*
 * A fault on a swap PTE (mm/memory.c do_swap_page()).  There is no swap
 * cache: the slot is read into a page of our own, claimed with
 * SWAP_HAS_CACHE meanwhile as Linux's swap-in that bypasses the swap
 * cache does, so that no other swap-in reads it and reclaim does not
 * reuse it.  The page is exclusive
 * if the PTE says it was when it went out, or if no other PTE holds the
 * slot (Linux: the swap cache page freed from its slot and referenced
 * once); then it is mapped writable where the VMA allows, even for a
 * read (as 6.18 does), and dirty only for a write.  A shared one is
 * mapped read-only and a write goes on to do_wp_page().
 */
static vm_fault_t do_swap_page(struct vm_area_struct *vma, unsigned long addr,
			       unsigned int flags, pte_t orig)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	swp_entry_t entry = pte_to_swp_entry(a, orig);
	struct page *page;
	bool exclusive;
	pte_t *ptep, pte;

	if (non_swap_entry(entry)) {
		if (is_device_private_entry(entry))
			return do_device_private_fault(vma, addr, flags, orig,
						       entry);
		if (is_device_exclusive_entry(entry))
			return remove_device_exclusive_entry(vma, addr, orig,
							     entry);
		if (!is_migration_entry(entry))
			return VM_FAULT_SIGBUS;
		migration_entry_wait(mm, addr, orig);
		return 0;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	switch (swapcache_prepare(mm->machine, entry)) {
	case 0:
		break;
	case -EEXIST:
		swapcache_wait(mm, addr, orig, entry);
		return 0;
	default:
		return 0; /* the PTE changed under us */
	}
	page = __msim_alloc_page(mm->machine, MSIM_ALLOC_FRAME, false);
	if (!page) {
		swapcache_clear(mm->machine, entry);
		return VM_FAULT_OOM;
	}
	swap_readpage(page, entry);

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep || pte_val(*ptep) != pte_val(orig)) {
		spin_unlock(&mm->page_table_lock);
		swapcache_clear(mm->machine, entry);
		put_page(page);
		return 0;
	}
	exclusive = pte_swp_exclusive(a, orig) ||
		    __swap_count(mm->machine, entry) == 1;
	swap_free(mm->machine, entry);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	page_add_new_anon_rmap(page, vma, addr);
	if (!exclusive)
		ClearPageAnonExclusive(page);
	pte = pfn_pte(a, page_to_pfn(page), vma->vm_page_prot);
	if (exclusive && (vma->vm_flags & VM_WRITE)) {
		pte = pte_mkwrite(a, pte);
		if (flags & FAULT_FLAG_WRITE) {
			pte = pte_mkdirty(a, pte);
			flags &= ~FAULT_FLAG_WRITE;
		}
	}
	msim_pte_changed(mm, addr, *ptep, pte);
	*ptep = pte;
	spin_unlock(&mm->page_table_lock);
	swapcache_clear(mm->machine, entry);
	if (flags & FAULT_FLAG_WRITE)
		return do_wp_page(vma, addr, pte, false) | VM_FAULT_MAJOR;
	return VM_FAULT_MAJOR;
}

static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma,
				    unsigned long address, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	unsigned long addr = address & PAGE_MASK_OF(mm);
	pte_t *ptep, pte;
	vm_fault_t ret;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	pte = ptep ? *ptep : __pte(0);
	spin_unlock(&mm->page_table_lock);

	if (pte_none(pte)) {
		ret = vma_is_anonymous(vma)
			      ? do_anonymous_page(vma, addr, flags)
			      : do_fault(vma, addr, flags);
		if (ret & VM_FAULT_ERROR)
			free_tables_after_failure(mm, addr);
		return ret;
	}
	if (!pte_present(a, pte))
		return do_swap_page(vma, addr, flags, pte);
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(a, pte))
		return do_wp_page(vma, addr, pte, false);
	if (flags & FAULT_FLAG_UNSHARE)
		return do_wp_page(vma, addr, pte, true);

	/* Spurious: the PTE allows the access; only mark it used. */
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (ptep && pte_val(*ptep) == pte_val(pte)) {
		pte = pte_mkyoung(a, pte);
		if (flags & FAULT_FLAG_WRITE)
			pte = pte_mkdirty(a, pte);
		msim_pte_changed(mm, addr, *ptep, pte);
		*ptep = pte;
	}
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* The fault's bracket in the record: the address, what it was, what came. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags, struct pt_regs *regs)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret;

	(void)regs;
	msim_trace(MSIM_TRACE_FAULT_BEGIN,
		   .a = { address, flags, !!(flags & FAULT_FLAG_WRITE),
			  (uintptr_t)mm });
	ret = __handle_mm_fault(vma, address, flags);
	msim_trace(MSIM_TRACE_FAULT_END,
		   .a = { address, ret, 0, (uintptr_t)mm });
	return ret;
}

/* One of enum msim_access's kinds: anything else is the caller's bug. */
static bool access_kind_valid(enum msim_access access)
{
	switch (access) {
	case MSIM_ACCESS_READ:
	case MSIM_ACCESS_WRITE:
	case MSIM_ACCESS_EXEC:
		return true;
	}
	return false;
}

/* access_error(): what the VMA's flags forbid. */
static bool access_error(const struct vm_area_struct *vma,
			 enum msim_access access)
{
	switch (access) {
	case MSIM_ACCESS_WRITE:
		return !(vma->vm_flags & VM_WRITE);
	case MSIM_ACCESS_EXEC:
		return !(vma->vm_flags & VM_EXEC);
	default:
		return !vma_is_accessible(vma);
	}
}

vm_fault_t msim_handle_user_fault(struct mm_struct *mm, unsigned long addr,
				  enum msim_access access)
{
	struct vm_area_struct *vma;
	unsigned int flags = FAULT_FLAG_USER;
	vm_fault_t ret;

	if (!access_kind_valid(access))
		return VM_FAULT_SIGSEGV;
	if (access == MSIM_ACCESS_WRITE)
		flags |= FAULT_FLAG_WRITE;
	else if (access == MSIM_ACCESS_EXEC)
		flags |= FAULT_FLAG_INSTRUCTION;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || access_error(vma, access))
		ret = VM_FAULT_SIGSEGV;
	else
		ret = handle_mm_fault(vma, addr, flags, NULL);
	mmap_read_unlock(mm);
	return ret;
}

bool msim_pte_allows(const struct msim_arch *a, pte_t pte, bool write,
		     bool exec)
{
	if (!(pte_val(pte) & a->pte.present))
		return false;
	if (a->pte.user && !(pte_val(pte) & a->pte.user))
		return false;
	if (write)
		return pte_write(a, pte);
	if (exec)
		return a->pte.exec ? pte_val(pte) & a->pte.exec
				   : !(pte_val(pte) & a->pte.nx);
	return !a->pte.read || (pte_val(pte) & a->pte.read);
}

/*
 * One page's part of an access, done as the MMU would if the PTE allows
 * it: mark the PTE young (and dirty), move the bytes.  False if the PTE
 * does not allow it and a fault is needed.
 */
static bool access_one(struct mm_struct *mm, unsigned long addr,
		       unsigned char *buf, size_t n, enum msim_access access)
{
	const struct msim_arch *a = mm->arch;
	bool write = access == MSIM_ACCESS_WRITE;
	unsigned long off = addr & (mm_page_size(mm) - 1);
	pte_t *ptep, pte;
	unsigned char *data;
	bool ok = false;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (ptep &&
	    msim_pte_allows(a, *ptep, write, access == MSIM_ACCESS_EXEC)) {
		pte = pte_mkyoung(a, *ptep);
		if (write)
			pte = pte_mkdirty(a, pte);
		*ptep = pte;
		data = (unsigned char *)page_address(
			       pfn_to_page(mm->machine, pte_pfn(a, pte))) +
		       off;
		if (buf && write)
			memcpy(data, buf, n);
		else if (buf)
			memcpy(buf, data, n);
		ok = true;
	}
	spin_unlock(&mm->page_table_lock);
	return ok;
}

int msim_user_access(struct mm_struct *mm, unsigned long addr, void *buf,
		     size_t len, enum msim_access access,
		     unsigned long *fault_addr)
{
	unsigned char *p = buf;
	unsigned long psize = mm_page_size(mm);
	int tries;

	if (!access_kind_valid(access))
		return -EINVAL;
	while (len) {
		/* Past TASK_SIZE (or non-canonical): no user mapping there. */
		if (addr >= mm->task_size) {
			if (fault_addr)
				*fault_addr = addr;
			return -EFAULT;
		}
		size_t n = psize - (addr & (psize - 1));
		vm_fault_t ret;

		if (n > len)
			n = len;
		/*
		 * A fault that succeeded makes the next attempt pass unless
		 * another thread undid its work meanwhile; the bound (see
		 * MSIM_FAULT_RETRIES) only catches a model bug, and a fault
		 * that waited for another thread starts it over.
		 */
		for (tries = 0; !access_one(mm, addr, p, n, access); tries++) {
			msim_fault_waited = false;
			ret = tries < MSIM_FAULT_RETRIES
				      ? msim_handle_user_fault(mm, addr, access)
				      : VM_FAULT_SIGSEGV;
			if (msim_fault_waited)
				tries = -1;
			if (ret & (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS)) {
				if (fault_addr)
					*fault_addr = addr;
				return -EFAULT;
			}
			if (ret & VM_FAULT_OOM) {
				if (fault_addr)
					*fault_addr = addr;
				return -ENOMEM;
			}
		}
		addr += n;
		len -= n;
		if (p)
			p += n;
	}
	return 0;
}
