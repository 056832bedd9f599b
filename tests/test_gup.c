// SPDX-License-Identifier: MIT
/*
 * get_user_pages and pin_user_pages (mm/gup.c of 6.18): what they fault
 * in, what references they take (FOLL_GET: one; FOLL_PIN: a bias of
 * GUP_PIN_COUNTING_BIAS and a _pincount), the access checks and their
 * -EFAULT, FOLL_FORCE's COW break on a read-only mapping, partial
 * success, argument checks, and the reason pins are counted at all: a
 * pinned page stays exclusive to its mm, through read pins of shared
 * pages (unshare) and through fork (the child gets a copy), so DMA into
 * it stays visible to the process that pinned it.
 */
#include "mmsim_task_test.h"

#define RW (VM_READ | VM_WRITE)

static long get_remote(struct mm_struct *mm, unsigned long start,
		       unsigned long nr, unsigned int flags,
		       struct page **pages)
{
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, start, nr, flags, pages, NULL);
	mmap_read_unlock(mm);
	tt_check(mm->machine);
	return ret;
}

static long pin_remote(struct mm_struct *mm, unsigned long start,
		       unsigned long nr, unsigned int flags,
		       struct page **pages)
{
	long ret;

	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, start, nr, flags, pages, NULL);
	mmap_read_unlock(mm);
	tt_check(mm->machine);
	return ret;
}

/* A read of a page never touched maps the zero page, and returns it. */
static void test_read_gup_of_untouched_page_maps_zero_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *pages[2] = { NULL, NULL };

	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(get_remote(mm, BASE, 2, 0, pages), 2);
	assert_ptr_equal(pages[0], ZERO_PAGE(t->m));
	assert_ptr_equal(pages[1], ZERO_PAGE(t->m));
	assert_true(is_zero_pfn(tt_pfn(mm, BASE)));
	assert_false(tt_pte_write(mm, BASE));
	assert_int_equal(mt_rss(mm), 0);
	assert_null(mt_vma(mm, BASE)->anon_vma);
	put_page(pages[0]);
	put_page(pages[1]);

	/* A short-term read pin takes the zero page too, without a pin. */
	assert_int_equal(pin_remote(mm, BASE, 1, 0, pages), 1);
	assert_ptr_equal(pages[0], ZERO_PAGE(t->m));
	assert_int_equal(atomic_load(&ZERO_PAGE(t->m)->_pincount), 0);
	unpin_user_page(pages[0]);
	assert_int_equal(mt_rss(mm), 0);
}

/*
 * A long-term read pin must not pin the zero page of a COW mapping: a
 * later write would move the process to a new page and leave the pin on
 * the zero page.  The page is unshared into a private page first, which
 * stays write-protected (unsharing is not a write).
 */
static void test_longterm_read_pin_unshares_to_private_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	unsigned char buf[8];
	unsigned int i;

	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(pin_remote(mm, BASE, 1, FOLL_LONGTERM, &page), 1);
	assert_ptr_not_equal(page, ZERO_PAGE(t->m));
	assert_ptr_equal(tt_page(mm, BASE), page);
	assert_false(tt_pte_write(mm, BASE));
	assert_true(PageAnon(page));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 1 + GUP_PIN_COUNTING_BIAS);
	assert_int_equal(atomic_load(&page->_pincount), 1);
	assert_true(page_maybe_dma_pinned(page));
	assert_int_equal(mt_rss(mm), 1);
	assert_non_null(mt_vma(mm, BASE)->anon_vma);
	assert_int_equal(tt_read(mm, BASE, buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);

	/* The process's own write reuses the pinned page: no copy. */
	assert_int_equal(tt_write(mm, BASE, "w", 1), 0);
	assert_ptr_equal(tt_page(mm, BASE), page);
	assert_true(tt_pte_write(mm, BASE));
	unpin_user_page(page);
	assert_int_equal(page_ref_count(page), 1);
	assert_false(page_maybe_dma_pinned(page));
	tt_check(t->m);
}

/* FOLL_WRITE faults in a private, writable page. */
static void test_write_gup_faults_in_writable_private_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	char buf[6];

	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	tt_touch(mm, BASE, 1, MSIM_ACCESS_READ);
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_WRITE, &page), 1);
	assert_ptr_not_equal(page, ZERO_PAGE(t->m));
	assert_ptr_equal(tt_page(mm, BASE), page);
	assert_true(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(atomic_load(&page->_pincount), 0);
	assert_false(page_maybe_dma_pinned(page));
	assert_int_equal(mt_rss(mm), 1);

	/* What the kernel writes through the page, the process reads. */
	memcpy(page_address(page) + 10, "gup!", 5);
	assert_int_equal(tt_read(mm, BASE + 10, buf, 5), 0);
	assert_string_equal(buf, "gup!");
	put_page(page);
	assert_int_equal(page_ref_count(page), 1);
}

/* Each FOLL_GET is one reference; each pin a bias and a pincount. */
static void test_references_per_get_and_per_pin(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *g[2], *pn[2], *page;
	unsigned long acquired = atomic_load(&t->m->nr_foll_pin_acquired);
	unsigned long released = atomic_load(&t->m->nr_foll_pin_released);

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_write(mm, BASE, "x", 1);
	page = tt_page(mm, BASE);
	assert_int_equal(page_ref_count(page), 1);
	assert_false(mm->flags & (1UL << MMF_HAS_PINNED));

	assert_int_equal(get_remote(mm, BASE, 1, 0, &g[0]), 1);
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_WRITE, &g[1]), 1);
	assert_ptr_equal(g[0], page);
	assert_ptr_equal(g[1], page);
	assert_int_equal(page_ref_count(page), 3);
	assert_false(page_maybe_dma_pinned(page));
	assert_false(mm->flags & (1UL << MMF_HAS_PINNED));

	assert_int_equal(pin_remote(mm, BASE, 1, 0, &pn[0]), 1);
	assert_int_equal(
		pin_remote(mm, BASE, 1, FOLL_WRITE | FOLL_LONGTERM, &pn[1]), 1);
	assert_ptr_equal(pn[0], page);
	assert_ptr_equal(pn[1], page);
	assert_int_equal(page_ref_count(page), 3 + 2 * GUP_PIN_COUNTING_BIAS);
	assert_int_equal(atomic_load(&page->_pincount), 2);
	assert_true(page_maybe_dma_pinned(page));
	assert_true(mm->flags & (1UL << MMF_HAS_PINNED));
	assert_int_equal(atomic_load(&t->m->nr_foll_pin_acquired),
			 acquired + 2);
	/* Neither the mapping nor the rss changed. */
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(mt_rss(mm), 1);

	unpin_user_pages(pn, 2);
	tt_check(t->m);
	assert_int_equal(page_ref_count(page), 3);
	assert_int_equal(atomic_load(&page->_pincount), 0);
	assert_false(page_maybe_dma_pinned(page));
	assert_int_equal(atomic_load(&t->m->nr_foll_pin_released),
			 released + 2);
	/* MMF_HAS_PINNED is sticky: it says the mm has ever been pinned. */
	assert_true(mm->flags & (1UL << MMF_HAS_PINNED));
	put_page(g[0]);
	put_page(g[1]);
	assert_int_equal(page_ref_count(page), 1);
	tt_check(t->m);
}

/* -EFAULT where the VMA does not allow the access; nothing changes. */
static void test_access_checks_fail_with_efault(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	unsigned long p = t->page, free_frames;
	struct page *page = NULL;

	tt_map(mm, BASE, p, PROT_READ);
	tt_map(mm, BASE + 4 * p, p, PROT_NONE);
	free_frames = msim_nr_free_frames(t->m);

	/* No VMA, below and between the mappings and past TASK_SIZE. */
	assert_int_equal(get_remote(mm, BASE - p, 1, 0, &page), -EFAULT);
	assert_int_equal(get_remote(mm, BASE + 2 * p, 1, 0, &page), -EFAULT);
	assert_int_equal(pin_remote(mm, BASE + 2 * p, 1, 0, &page), -EFAULT);
	assert_int_equal(get_remote(mm, mm->task_size, 1, 0, &page), -EFAULT);
	/* A write to a read-only mapping without FOLL_FORCE. */
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_WRITE, &page), -EFAULT);
	assert_int_equal(
		pin_remote(mm, BASE, 1, FOLL_WRITE | FOLL_LONGTERM, &page),
		-EFAULT);
	/* PROT_NONE: neither reads nor writes. */
	assert_int_equal(get_remote(mm, BASE + 4 * p, 1, 0, &page), -EFAULT);
	assert_int_equal(get_remote(mm, BASE + 4 * p, 1, FOLL_WRITE, &page),
			 -EFAULT);
	assert_int_equal(pin_remote(mm, BASE + 4 * p, 1, FOLL_LONGTERM, &page),
			 -EFAULT);

	assert_null(page);
	assert_true(pte_none(mt_pte(mm, BASE)));
	assert_true(pte_none(mt_pte(mm, BASE + 4 * p)));
	assert_int_equal(mt_rss(mm), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_null(mt_vma(mm, BASE)->anon_vma);
}

/*
 * FOLL_FORCE lets a write into a private read-only mapping (ptrace's
 * poke): COW is broken, the process sees the data, but its PTE stays
 * read-only and its own writes still fault.
 */
static void test_forced_write_breaks_cow_pte_stays_read_only(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	char buf[5];

	tt_map(mm, BASE, 2 * t->page, PROT_READ);
	tt_touch(mm, BASE, 1, MSIM_ACCESS_READ);
	assert_true(is_zero_pfn(tt_pfn(mm, BASE)));

	assert_int_equal(
		get_remote(mm, BASE, 1, FOLL_WRITE | FOLL_FORCE, &page), 1);
	assert_ptr_not_equal(page, ZERO_PAGE(t->m));
	assert_ptr_equal(tt_page(mm, BASE), page);
	assert_false(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(mt_rss(mm), 1);
	memcpy(page_address(page), "poke", 5);
	put_page(page);
	assert_int_equal(tt_read(mm, BASE, buf, 5), 0);
	assert_string_equal(buf, "poke");
	assert_int_equal(tt_write(mm, BASE, "x", 1), -EFAULT);

	/* A second forced write reuses the now exclusive page. */
	assert_int_equal(
		get_remote(mm, BASE, 1, FOLL_WRITE | FOLL_FORCE, &page), 1);
	assert_ptr_equal(tt_page(mm, BASE), page);
	assert_false(tt_pte_write(mm, BASE));
	put_page(page);
	/* Untouched page: the forced write faults a private page in. */
	assert_int_equal(get_remote(mm, BASE + t->page, 1,
				    FOLL_WRITE | FOLL_FORCE, &page),
			 1);
	assert_ptr_equal(tt_page(mm, BASE + t->page), page);
	assert_false(tt_pte_write(mm, BASE + t->page));
	put_page(page);
	assert_int_equal(mt_rss(mm), 2);
}

/*
 * The same after fork: the forced write copies the shared page for the
 * poked process; the other keeps the original.
 */
static void test_forced_write_after_fork_copies(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct page *orig, *page = NULL;
	char buf[4];

	tt_map(pm, BASE, t->page, PROT_RW);
	tt_write(pm, BASE, "abc", 4);
	assert_int_equal(tt_mprotect(pm, BASE, t->page, PROT_READ), 0);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	orig = tt_page(pm, BASE);
	assert_ptr_equal(tt_page(cm, BASE), orig);

	assert_int_equal(
		get_remote(cm, BASE, 1, FOLL_WRITE | FOLL_FORCE, &page), 1);
	assert_ptr_not_equal(page, orig);
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_false(tt_pte_write(cm, BASE));
	memcpy(page_address(page), "X", 1);
	put_page(page);
	assert_int_equal(page_mapcount(orig), 1);
	assert_int_equal(tt_read(cm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "Xbc", 4);
	assert_int_equal(tt_read(pm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "abc", 4);
}

/*
 * FOLL_FORCE reads an inaccessible (PROT_NONE) private mapping, as
 * ptrace and /proc/PID/mem do: check_vma_flags() allows it for a
 * VM_MAYREAD VMA, and gup_can_follow_protnone() follows a PROT_NONE PTE
 * in an inaccessible VMA ("Requiring a fault here even for inaccessible
 * VMAs would mean that FOLL_FORCE cannot make any progress").  An
 * untouched page reads as the zero page.
 */
static void test_forced_read_of_prot_none_gets_the_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;

	tt_map(mm, BASE, t->page, PROT_NONE);
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_FORCE, &page), 1);
	assert_ptr_equal(page, ZERO_PAGE(t->m));
	put_page(page);
	/* Still nothing the process itself may touch. */
	assert_int_equal(tt_touch(mm, BASE, 1, MSIM_ACCESS_READ), -EFAULT);
}

/* A hole stops GUP: it returns the pages it had; none had is -EFAULT. */
static void test_partial_success_returns_count_before_hole(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	unsigned long p = t->page;
	struct page *pages[5];

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_map(mm, BASE + 3 * p, 2 * p, PROT_RW);
	tt_map(mm, BASE + 5 * p, p, PROT_READ);
	memset(pages, 0, sizeof(pages));

	assert_int_equal(get_remote(mm, BASE, 5, FOLL_WRITE, pages), 2);
	assert_non_null(pages[0]);
	assert_non_null(pages[1]);
	assert_null(pages[2]);
	assert_ptr_equal(pages[1], tt_page(mm, BASE + p));
	/* Nothing was faulted in beyond the hole. */
	assert_true(pte_none(mt_pte(mm, BASE + 3 * p)));
	assert_int_equal(mt_rss(mm), 2);
	put_page(pages[0]);
	put_page(pages[1]);

	/* A pin stops at a VMA that forbids the access the same way. */
	memset(pages, 0, sizeof(pages));
	assert_int_equal(pin_remote(mm, BASE + 3 * p, 3, FOLL_WRITE, pages), 2);
	assert_true(page_maybe_dma_pinned(pages[0]));
	assert_true(page_maybe_dma_pinned(pages[1]));
	assert_true(pte_none(mt_pte(mm, BASE + 5 * p)));
	unpin_user_pages(pages, 2);
	tt_check(t->m);

	assert_int_equal(get_remote(mm, BASE + 2 * p, 2, 0, pages), -EFAULT);
	assert_int_equal(get_remote(mm, BASE + 5 * p, 1, FOLL_WRITE, pages),
			 -EFAULT);
}

/*
 * gup.c is_valid_gup_args() of 6.18: FOLL_PIN is an internal flag, so
 * get_user_pages_remote() refuses it with -EINVAL, with FOLL_GET or not.
 */
static void test_get_user_pages_refuses_foll_pin(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_write(mm, BASE, "x", 1);
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_PIN | FOLL_GET, &page),
			 -EINVAL);
	assert_int_equal(get_remote(mm, BASE, 1, FOLL_PIN, &page), -EINVAL);
	assert_null(page);
	assert_int_equal(page_ref_count(tt_page(mm, BASE)), 1);
	assert_false(page_maybe_dma_pinned(tt_page(mm, BASE)));
	assert_false(mm->flags & (1UL << MMF_HAS_PINNED));
}

/*
 * The pin_*() calls report invalid arguments as 0 pages pinned, not as
 * an error: is_valid_gup_args() fails on FOLL_PIN | FOLL_GET and
 * pin_user_pages_remote() then returns 0.
 */
static void test_pin_with_foll_get_pins_nothing(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	long ret;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_write(mm, BASE, "x", 1);
	ret = pin_remote(mm, BASE, 1, FOLL_GET, &page);
	if (ret > 0) /* do not leak what a wrong answer took */
		unpin_user_page(page);
	assert_int_equal(ret, 0);
	assert_int_equal(page_ref_count(tt_page(mm, BASE)), 1);
}

/* A pin needs somewhere to put the pages: without, nothing is pinned. */
static void test_pin_without_pages_array_pins_nothing(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;

	tt_map(mm, BASE, t->page, PROT_RW);
	assert_int_equal(pin_remote(mm, BASE, 1, FOLL_WRITE, NULL), 0);
	assert_true(pte_none(mt_pte(mm, BASE)));
	assert_int_equal(mt_rss(mm), 0);
}

/* FOLL_LONGTERM is for pins only: get_user_pages_remote() says -EINVAL. */
static void test_get_user_pages_refuses_foll_longterm(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	long ret;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_write(mm, BASE, "x", 1);
	ret = get_remote(mm, BASE, 1, FOLL_LONGTERM, &page);
	if (ret > 0)
		put_page(page);
	assert_int_equal(ret, -EINVAL);
}

/*
 * An unaligned start is the page that holds it, as __access_remote_vm()
 * (ptrace, /proc/PID/mem) relies on when it passes a byte address.
 */
static void test_unaligned_start_is_the_page_holding_it(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;
	long ret;

	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	tt_write(mm, BASE + t->page, "y", 1);
	ret = get_remote(mm, BASE + t->page + 123, 1, 0, &page);
	if (ret > 0)
		put_page(page);
	assert_int_equal(ret, 1);
	assert_ptr_equal(page, tt_page(mm, BASE + t->page));
}

/*
 * get_user_pages() and pin_user_pages() work on current's mm, as do the
 * variants that take the mmap lock themselves.
 */
static void test_gup_and_pin_use_the_current_task(void **state)
{
	struct tt *t = *state;
	struct task_struct *a = t->task[0], *b;
	struct page *page = NULL;

	tt_map(a->mm, BASE, t->page, PROT_RW);
	tt_write(a->mm, BASE, "A", 1);
	b = tt_new_task(t, "b");
	tt_map(b->mm, BASE, t->page, PROT_RW);
	tt_write(b->mm, BASE, "B", 1);

	msim_set_current(a);
	assert_ptr_equal(get_current(), a);
	assert_int_equal(get_user_pages_unlocked(BASE, 1, &page, 0), 1);
	tt_check(t->m);
	assert_ptr_equal(page, tt_page(a->mm, BASE));
	assert_int_equal(*(char *)page_address(page), 'A');
	put_page(page);

	msim_set_current(b);
	assert_int_equal(pin_user_pages_fast(BASE, 1, FOLL_WRITE, &page), 1);
	tt_check(t->m);
	assert_ptr_equal(page, tt_page(b->mm, BASE));
	assert_int_equal(*(char *)page_address(page), 'B');
	assert_true(b->mm->flags & (1UL << MMF_HAS_PINNED));
	assert_false(a->mm->flags & (1UL << MMF_HAS_PINNED));
	unpin_user_page(page);

	/* Nothing there in b: -EFAULT, a's mapping notwithstanding. */
	tt_map(a->mm, BASE + 4 * t->page, t->page, PROT_RW);
	mmap_read_lock(b->mm);
	assert_int_equal(get_user_pages(BASE + 4 * t->page, 1, 0, &page),
			 -EFAULT);
	mmap_read_unlock(b->mm);
	msim_set_current(NULL);
	tt_check(t->m);
}

/*
 * A read pin of a page shared after fork unshares it: the pinning mm
 * gets an exclusive copy (write-protected still), the other keeps the
 * original, mapped once.
 */
static void test_read_pin_of_shared_page_unshares_it(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct page *orig, *page = NULL;
	char buf[4];

	tt_map(pm, BASE, t->page, PROT_RW);
	tt_write(pm, BASE, "shr", 4);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	orig = tt_page(pm, BASE);
	assert_int_equal(page_mapcount(orig), 2);

	assert_int_equal(pin_remote(cm, BASE, 1, 0, &page), 1);
	assert_ptr_not_equal(page, orig);
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_ptr_equal(tt_page(pm, BASE), orig);
	assert_false(tt_pte_write(cm, BASE));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(atomic_load(&page->_pincount), 1);
	assert_ptr_equal(page->mapping, mt_vma(cm, BASE)->anon_vma);
	assert_int_equal(page_mapcount(orig), 1);
	assert_int_equal(page_ref_count(orig), 1);
	assert_false(page_maybe_dma_pinned(orig));
	assert_memory_equal(page_address(page), "shr", 4);

	/* The pinned copy is what the child sees from now on. */
	memcpy(page_address(page), "DMA", 4);
	assert_int_equal(tt_read(cm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "DMA", 4);
	assert_int_equal(tt_read(pm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "shr", 4);
	/* The child's write keeps the pinned page. */
	assert_int_equal(tt_write(cm, BASE + 8, "c", 1), 0);
	assert_ptr_equal(tt_page(cm, BASE), page);
	unpin_user_page(page);
	tt_check(t->m);
}

/*
 * The classic fork-after-pin bug cannot happen.  The parent pins a
 * written page for a device to write into, then forks.  Had the page
 * been shared, the parent's next write would move the parent to a copy
 * and the device's later writes would land in the child's page.  With
 * page_needs_cow_for_dma() the child gets its copy at fork time and the
 * parent keeps the pinned page, writable: the parent sees the DMA data
 * and its own write in the same page, the child neither.
 */
static void test_fork_after_pin_keeps_dma_visible_to_parent(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct page *pinned = NULL, *cpage;
	unsigned long p = t->page, free_frames, pfn;
	pte_t *ptep;
	char buf[4];

	tt_map(pm, BASE, 2 * p, PROT_RW);
	tt_write(pm, BASE, "old", 4);
	tt_write(pm, BASE + p, "two", 4);
	assert_int_equal(
		pin_remote(pm, BASE, 1, FOLL_WRITE | FOLL_LONGTERM, &pinned),
		1);
	assert_ptr_equal(pinned, tt_page(pm, BASE));

	free_frames = msim_nr_free_frames(t->m);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	/* 4 tables and the copy of the pinned page. */
	assert_int_equal(msim_nr_free_frames(t->m), free_frames - 5);
	cpage = tt_page(cm, BASE);
	assert_non_null(cpage);
	assert_ptr_not_equal(cpage, pinned);
	assert_memory_equal(page_address(cpage), "old", 4);
	assert_true(PageAnonExclusive(cpage));
	assert_int_equal(page_mapcount(cpage), 1);
	assert_int_equal(page_ref_count(cpage), 1);
	assert_true(tt_pte_write(cm, BASE));
	assert_ptr_equal(cpage->mapping, mt_vma(cm, BASE)->anon_vma);
	/* The pinned page is the parent's alone, still writable. */
	assert_true(tt_pte_write(pm, BASE));
	assert_true(PageAnonExclusive(pinned));
	assert_int_equal(page_mapcount(pinned), 1);
	assert_int_equal(page_ref_count(pinned), 1 + GUP_PIN_COUNTING_BIAS);
	/* The unpinned page is shared as usual. */
	assert_ptr_equal(tt_page(cm, BASE + p), tt_page(pm, BASE + p));
	assert_false(tt_pte_write(pm, BASE + p));
	assert_int_equal(mt_rss(cm), 2);
	/* The child does not inherit MMF_HAS_PINNED. */
	assert_false(cm->flags & (1UL << MMF_HAS_PINNED));

	/* The device writes; then the parent writes the same page. */
	memcpy((char *)page_address(pinned) + 100, "DMA", 4);
	assert_int_equal(tt_write(pm, BASE + 200, "own", 4), 0);

	spin_lock(&pm->page_table_lock);
	ptep = msim_pte_offset(pm, BASE);
	pfn = ptep ? pte_pfn(pm->arch, *ptep) : 0;
	spin_unlock(&pm->page_table_lock);
	assert_int_equal(pfn, page_to_pfn(pinned));

	assert_int_equal(tt_read(pm, BASE + 100, buf, 4), 0);
	assert_memory_equal(buf, "DMA", 4);
	assert_int_equal(tt_read(pm, BASE + 200, buf, 4), 0);
	assert_memory_equal(buf, "own", 4);
	assert_int_equal(tt_read(pm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "old", 4);
	assert_int_equal(tt_read(cm, BASE + 100, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(tt_read(cm, BASE + 200, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(tt_read(cm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "old", 4);

	unpin_user_page(pinned);
	tt_check(t->m);
	assert_int_equal(page_ref_count(pinned), 1);
}

/*
 * Without the pin the same page is shared copy-on-write at fork: the
 * copy above is the pin's doing.  The parent's write then moves the
 * parent, and what a device would have written into the old page would
 * be the child's.
 */
static void test_fork_without_pin_shares_the_page(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct page *page, *held = NULL;
	unsigned long p = t->page, free_frames;
	char buf[4];

	tt_map(pm, BASE, 2 * p, PROT_RW);
	tt_write(pm, BASE, "old", 4);
	/* A FOLL_GET reference is no pin: it does not make fork copy. */
	assert_int_equal(get_remote(pm, BASE, 1, FOLL_WRITE, &held), 1);
	page = tt_page(pm, BASE);
	free_frames = msim_nr_free_frames(t->m);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	assert_int_equal(msim_nr_free_frames(t->m), free_frames - 4);
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_false(tt_pte_write(pm, BASE));
	assert_false(tt_pte_write(cm, BASE));
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(page_ref_count(page), 3);
	assert_false(PageAnonExclusive(page));

	memcpy((char *)page_address(held) + 100, "DMA", 4);
	assert_int_equal(tt_write(pm, BASE + 200, "own", 4), 0);
	assert_ptr_not_equal(tt_page(pm, BASE), page);
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_int_equal(tt_read(pm, BASE + 100, buf, 4), 0);
	assert_memory_equal(buf, "DMA", 4); /* copied before the write */
	/* Later device writes land in the child's page, not the parent's. */
	memcpy((char *)page_address(held) + 300, "late", 4);
	assert_int_equal(tt_read(pm, BASE + 300, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(tt_read(cm, BASE + 300, buf, 4), 0);
	assert_memory_equal(buf, "late", 4);
	put_page(held);
	tt_check(t->m);
}

/*
 * A GUP reference blocks COW reuse: with the child gone the page is
 * mapped once but referenced twice, and wp_can_reuse_anon_folio() wants
 * the only reference, so the write copies.
 */
static void test_gup_reference_blocks_cow_reuse(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm;
	struct page *page, *held = NULL;

	tt_map(pm, BASE, t->page, PROT_RW);
	tt_write(pm, BASE, "a", 1);
	child = tt_fork(t, parent, 0);
	page = tt_page(pm, BASE);
	assert_int_equal(get_remote(pm, BASE, 1, 0, &held), 1);
	assert_ptr_equal(held, page);
	tt_put(t, child);
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 2);
	assert_false(PageAnonExclusive(page));

	assert_int_equal(tt_write(pm, BASE, "b", 1), 0);
	assert_ptr_not_equal(tt_page(pm, BASE), page);
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 2);
	put_page(held);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 1);
	tt_check(t->m);
}

/* A pin outlives the mapping: the frame is freed by the last unpin. */
static void test_pin_keeps_frame_after_munmap(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page = NULL;

	tt_map(mm, BASE, t->page, PROT_RW);
	assert_int_equal(
		pin_remote(mm, BASE, 1, FOLL_WRITE | FOLL_LONGTERM, &page), 1);
	memcpy(page_address(page), "keep", 5);
	assert_int_equal(tt_munmap(mm, BASE, t->page), 0);
	assert_int_equal(mt_rss(mm), 0);
	assert_false(page_mapped(page));
	assert_int_equal(page_ref_count(page), GUP_PIN_COUNTING_BIAS);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 1);
	assert_memory_equal(page_address(page), "keep", 5);
	unpin_user_page(page);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	tt_check(t->m);
}

/* The same pin and fork on ColdFire, whose PTEs have no special bit. */
static void test_coldfire_pin_then_fork_copies(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long base = CF_UNMAPPED_BASE;
	struct page *pinned = NULL;
	char buf[4];

	tt_map(pm, base, 2 * t->page, PROT_RW);
	assert_int_equal(pin_remote(pm, base, 1, FOLL_LONGTERM, &pinned), 1);
	assert_ptr_not_equal(pinned, ZERO_PAGE(t->m));
	assert_false(tt_pte_write(pm, base));
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	assert_ptr_equal(tt_page(pm, base), pinned);
	assert_ptr_not_equal(tt_page(cm, base), pinned);
	memcpy(page_address(pinned), "cfd", 4);
	assert_int_equal(tt_read(pm, base, buf, 4), 0);
	assert_memory_equal(buf, "cfd", 4);
	assert_int_equal(tt_read(cm, base, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	unpin_user_page(pinned);
	tt_check(t->m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_read_gup_of_untouched_page_maps_zero_page),
		tt_test(test_longterm_read_pin_unshares_to_private_page),
		tt_test(test_write_gup_faults_in_writable_private_page),
		tt_test(test_references_per_get_and_per_pin),
		tt_test(test_access_checks_fail_with_efault),
		tt_test(test_forced_write_breaks_cow_pte_stays_read_only),
		tt_test(test_forced_write_after_fork_copies),
		tt_test(test_forced_read_of_prot_none_gets_the_page),
		tt_test(test_partial_success_returns_count_before_hole),
		tt_test(test_get_user_pages_refuses_foll_pin),
		tt_test(test_pin_with_foll_get_pins_nothing),
		tt_test(test_pin_without_pages_array_pins_nothing),
		tt_test(test_get_user_pages_refuses_foll_longterm),
		tt_test(test_unaligned_start_is_the_page_holding_it),
		tt_test(test_gup_and_pin_use_the_current_task),
		tt_test(test_read_pin_of_shared_page_unshares_it),
		tt_test(test_fork_after_pin_keeps_dma_visible_to_parent),
		tt_test(test_fork_without_pin_shares_the_page),
		tt_test(test_gup_reference_blocks_cow_reuse),
		tt_test(test_pin_keeps_frame_after_munmap),
		tt_test_coldfire(test_coldfire_pin_then_fork_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
