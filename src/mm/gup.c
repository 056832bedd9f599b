// SPDX-License-Identifier: MIT
/*
 * get_user_pages and pin_user_pages (mm/gup.c): follow each page under the
 * page-table lock, fault it in when it is missing or does not allow the
 * access, and take the reference while the PTE is known good.  As in
 * Linux 6.x the caller holds the mmap lock, except for the _unlocked and
 * _fast variants, which take it.
 */
#include "internal.h"

/* check_vma_flags(): may GUP touch @vma this way at all? */
static int check_vma_flags(const struct vm_area_struct *vma,
			   unsigned int gup_flags)
{
	bool write = gup_flags & FOLL_WRITE;

	if (write) {
		if (!(vma->vm_flags & VM_WRITE)) {
			/* ptrace may write a private read-only mapping. */
			if (!(gup_flags & FOLL_FORCE) ||
			    !is_cow_mapping(vma->vm_flags))
				return -EFAULT;
		}
	} else if (!(vma->vm_flags & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE) || !(vma->vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

/*
 * gup_must_unshare(): a read pin must not share its page with another mm
 * (a later COW there would leave the pin behind), so a shared anonymous
 * page, or the zero page under a long-term pin, is unshared first.
 */
static bool gup_must_unshare(unsigned int flags, struct page *page)
{
	if ((flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (!page)
		return flags & FOLL_LONGTERM;
	return PageAnon(page) && !PageAnonExclusive(page);
}

static void try_grab_page(struct mm_struct *mm, struct page *page,
			  unsigned int flags)
{
	/*
	 * MODEL: zero-page-refs-uncounted: the zero page, never freed, gets
	 * no reference; Linux does not pin it either, but takes FOLL_GET
	 * references on it like on any page.
	 */
	if (PageReserved(page) || !(flags & (FOLL_GET | FOLL_PIN)))
		return;
	if (flags & FOLL_PIN) {
		msim_page_access(page, true);
		atomic_fetch_add(&page->_refcount, GUP_PIN_COUNTING_BIAS);
		atomic_fetch_add(&page->_pincount, 1);
		atomic_fetch_add(&mm->machine->nr_foll_pin_acquired, 1);
	} else {
		get_page(page);
	}
}

/*
 * follow_page_pte(): the page at @addr if its PTE already serves the
 * access, with a reference taken; otherwise NULL and *@fault_flags says
 * which fault would make it serve.
 */
static struct page *follow_page(struct vm_area_struct *vma, unsigned long addr,
				unsigned int flags, unsigned int *fault_flags)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct msim_arch *a = mm->arch;
	struct page *page = NULL;
	pte_t *ptep, pte;

	*fault_flags = (flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0;
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	pte = ptep ? *ptep : __pte(0);
	/* Protnone PTEs are followed: GUP does not honour NUMA hinting. */
	if (!pte_present(a, pte))
		goto out;
	page = vm_normal_page(vma, addr, pte);
	if (flags & FOLL_WRITE) {
		/* A forced write is served by an exclusive COW copy. */
		if (!pte_write(a, pte) && !((flags & FOLL_FORCE) && page &&
					    PageAnonExclusive(page))) {
			page = NULL;
			goto out;
		}
	}
	if (gup_must_unshare(flags, page)) {
		*fault_flags = FAULT_FLAG_UNSHARE;
		page = NULL;
		goto out;
	}
	if (!page) {
		page = ZERO_PAGE(mm->machine);
	} else {
		/*
		 * FOLL_TOUCH, which every GUP call here implies: the access
		 * is recorded in the page (mark_page_accessed()), not the
		 * PTE, and ends its idleness.
		 */
		if ((flags & FOLL_WRITE) && !pte_dirty(a, pte))
			SetPageDirty(page);
		SetPageReferenced(page);
		msim_clear_page_flag(page, PG_idle);
	}
	try_grab_page(mm, page, flags);
out:
	spin_unlock(&mm->page_table_lock);
	return page;
}

static long __get_user_pages(struct mm_struct *mm, unsigned long start,
			     unsigned long nr_pages, unsigned int gup_flags,
			     struct page **pages)
{
	unsigned long i, addr;
	unsigned int fault_flags;
	struct vm_area_struct *vma;
	struct page *page;
	vm_fault_t ret;
	long err = 0;
	int tries;

	/* The page holding @start is the first: ptrace reads at any byte. */
	start &= PAGE_MASK_OF(mm);
	if (gup_flags & FOLL_PIN)
		__atomic_fetch_or(&mm->flags, 1UL << MMF_HAS_PINNED,
				  __ATOMIC_RELAXED);

	for (i = 0; i < nr_pages; i++) {
		addr = start + (i << PAGE_SHIFT_OF(mm));
		vma = addr < mm->task_size ? vma_lookup(mm, addr) : NULL;
		if (!vma) {
			err = -EFAULT;
			break;
		}
		err = check_vma_flags(vma, gup_flags);
		if (err)
			break;
		for (tries = 0;; tries++) {
			page = follow_page(vma, addr, gup_flags, &fault_flags);
			if (page || tries == MSIM_FAULT_RETRIES)
				break;
			if (gup_flags & FOLL_NOFAULT)
				break;
			msim_fault_waited = false;
			ret = handle_mm_fault(vma, addr,
					      fault_flags | FAULT_FLAG_REMOTE,
					      NULL);
			if (msim_fault_waited)
				tries = -1;
			if (ret & VM_FAULT_OOM) {
				err = -ENOMEM;
				break;
			}
			if (ret & VM_FAULT_ERROR) {
				err = -EFAULT;
				break;
			}
		}
		if (!page) {
			if (!err)
				err = -EFAULT;
			break;
		}
		if (pages)
			pages[i] = page;
	}
	return i ? (long)i : err;
}

/*
 * is_valid_gup_args(): FOLL_GET and FOLL_PIN exclude each other, only a
 * pin may be FOLL_LONGTERM, and a reference needs somewhere to go.  The
 * callers differ in how they refuse: -EINVAL from get_*, 0 pages from
 * pin_*, as in the kernel.
 */
static bool is_valid_gup_args(struct page **pages, unsigned int *gup_flags,
			      unsigned int to_set)
{
	unsigned int flags = *gup_flags;

	if (flags & (FOLL_PIN | FOLL_GET))
		return false; /* internal flags, not the caller's */
	flags |= to_set;
	if (pages && !(flags & FOLL_PIN))
		flags |= FOLL_GET;
	if (!(flags & FOLL_PIN) && (flags & FOLL_LONGTERM))
		return false;
	if ((flags & FOLL_PIN) && !pages)
		return false;
	*gup_flags = flags;
	return true;
}

/*
 * Called with the mmap lock held for reading, as in Linux.  The lock is
 * never dropped here, so *@locked is left as the caller set it (Linux may
 * drop it and clear *@locked; a caller must handle both).
 */
long get_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked)
{
	(void)locked;
	if (!is_valid_gup_args(pages, &gup_flags, 0))
		return -EINVAL;
	return __get_user_pages(mm, start, nr_pages, gup_flags, pages);
}

long pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
			   unsigned long nr_pages, unsigned int gup_flags,
			   struct page **pages, int *locked)
{
	(void)locked;
	if (!is_valid_gup_args(pages, &gup_flags, FOLL_PIN))
		return 0;
	return __get_user_pages(mm, start, nr_pages, gup_flags, pages);
}

long get_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages)
{
	struct task_struct *tsk = get_current();

	if (!tsk || !tsk->mm)
		return -EFAULT;
	return get_user_pages_remote(tsk->mm, start, nr_pages, gup_flags, pages,
				     NULL);
}

long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages)
{
	struct task_struct *tsk = get_current();

	if (!tsk || !tsk->mm)
		return -EFAULT;
	return pin_user_pages_remote(tsk->mm, start, nr_pages, gup_flags, pages,
				     NULL);
}

long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags)
{
	struct task_struct *tsk = get_current();
	long ret;

	if (!tsk || !tsk->mm)
		return -EFAULT;
	mmap_read_lock(tsk->mm);
	ret = get_user_pages(start, nr_pages, gup_flags, pages);
	mmap_read_unlock(tsk->mm);
	return ret;
}

/*
 * The _fast variants walk without the mmap lock in Linux and fall back to
 * the slow path; here they are the slow path, with the lock taken.
 */
int get_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages)
{
	if (nr_pages <= 0)
		return 0;
	return (int)get_user_pages_unlocked(start, (unsigned long)nr_pages,
					    pages, gup_flags);
}

int pin_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages)
{
	struct task_struct *tsk = get_current();
	long ret;

	if (nr_pages <= 0)
		return 0;
	if (!tsk || !tsk->mm)
		return -EFAULT;
	mmap_read_lock(tsk->mm);
	ret = pin_user_pages(start, (unsigned long)nr_pages, gup_flags, pages);
	mmap_read_unlock(tsk->mm);
	return (int)ret;
}

void unpin_user_page(struct page *page)
{
	if (PageReserved(page))
		return;
	msim_page_access(page, true);
	atomic_fetch_sub(&page->_pincount, 1);
	atomic_fetch_add(&page->machine->nr_foll_pin_released, 1);
	page_ref_sub(page, GUP_PIN_COUNTING_BIAS);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		unpin_user_page(pages[i]);
}
