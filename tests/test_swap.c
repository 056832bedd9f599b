// SPDX-License-Identifier: MIT
/*
 * Reclaim to swap and swap-in: swap PTEs and their slots' counts, the
 * bytes coming back, PageAnonExclusive through swap, fork and zap of swap
 * PTEs, GUP on them, what reclaim must leave alone (pins, references,
 * other processes' pages under MADV_PAGEOUT), and a machine without swap.
 * The checker runs over every mm and the machine after every step; it
 * matches slot counts against swap PTEs.
 */
#include <pthread.h>

#include "mmsim_task_test.h"

#define SWAP_PAGES 64

static int setup_swap_x86(void **state)
{
	struct tt *t = tt_create(&msim_arch_x86_64, MT_DEFAULT_RAM);

	assert_int_equal(msim_swapon(t->m, SWAP_PAGES), 0);
	*state = t;
	return 0;
}

static int setup_swap_coldfire(void **state)
{
	struct tt *t = tt_create(&msim_arch_coldfire, MT_DEFAULT_RAM);

	assert_int_equal(msim_swapon(t->m, SWAP_PAGES), 0);
	*state = t;
	return 0;
}

#define swap_test(f)                                                           \
	cmocka_unit_test_setup_teardown(f, setup_swap_x86, tt_teardown)
#define swap_test_coldfire(f)                                                  \
	cmocka_unit_test_setup_teardown(f, setup_swap_coldfire, tt_teardown)

static struct mm_struct *init_mm(struct tt *t)
{
	return t->task[0]->mm;
}

static long reclaim(struct tt *t, struct mm_struct *mm, unsigned long addr,
		    unsigned long len)
{
	long ret = msim_reclaim_range(mm, addr, len);

	tt_check(t->m);
	return ret;
}

static bool is_swapped(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = mt_pte(mm, addr);

	return is_swap_pte(mm->arch, pte) &&
	       !non_swap_entry(pte_to_swp_entry(mm->arch, pte));
}

static int slot_count(struct mm_struct *mm, unsigned long addr)
{
	return __swap_count(mm->machine,
			    pte_to_swp_entry(mm->arch, mt_pte(mm, addr)));
}

static void test_reclaim_and_swap_in_keep_the_bytes(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, frames;
	int i;

	tt_map(mm, BASE, 4 * p, PROT_RW);
	tt_fill(t, mm, BASE, 4, 0x40);
	frames = msim_nr_free_frames(t->m);
	assert_int_equal(reclaim(t, mm, BASE, 4 * p), 4);
	/* The frames went back; the slots hold the pages. */
	assert_int_equal(msim_nr_free_frames(t->m), frames + 4);
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES - 4);
	assert_int_equal(mt_rss(mm), 0);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), 4);
	for (i = 0; i < 4; i++) {
		assert_true(is_swapped(mm, BASE + i * p));
		/* Exclusive when it went: the swap PTE remembers. */
		assert_true(
			pte_swp_exclusive(mm->arch, mt_pte(mm, BASE + i * p)));
		assert_int_equal(slot_count(mm, BASE + i * p), 1);
	}
	tt_assert_filled(t, mm, BASE, 4, 0x40);
	assert_int_equal(mt_rss(mm), 4);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), 0);
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_SWAP), 0);
}

static void test_swapped_in_page_is_exclusive_and_reused(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, pfn;
	unsigned char byte = 0x99;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 1);
	assert_int_equal(reclaim(t, mm, BASE, 2 * p), 2);

	/* Exclusive: even a read maps it writable, but clean. */
	tt_touch(mm, BASE, 1, MSIM_ACCESS_READ);
	assert_true(tt_pte_write(mm, BASE));
	assert_false(pte_dirty(mm->arch, mt_pte(mm, BASE)));
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	pfn = tt_pfn(mm, BASE);
	assert_int_equal(tt_write(mm, BASE, &byte, 1), 0);
	assert_int_equal(tt_pfn(mm, BASE), pfn);
	assert_true(pte_dirty(mm->arch, mt_pte(mm, BASE)));

	/* A write fault maps it writable at once. */
	assert_int_equal(tt_write(mm, BASE + p + 1, &byte, 1), 0);
	assert_true(tt_pte_write(mm, BASE + p));
	assert_true(pte_dirty(mm->arch, mt_pte(mm, BASE + p)));
	byte = 0;
	assert_int_equal(tt_read(mm, BASE + p, &byte, 1), 0);
	assert_int_equal(byte, 2);
}

/*
 * fork() of a swap PTE: one more holder of the slot, and the page is no
 * longer exclusive to either.  Each side's swap-in gets its own copy (no
 * swap cache); the first one in is not exclusive, the second, holding
 * the slot alone by then, is.
 */
static void test_fork_shares_swap_entries(void **state)
{
	struct tt *t = *state;
	struct task_struct *child;
	struct mm_struct *mm = init_mm(t), *cmm;
	unsigned long p = t->page;
	unsigned char byte = 0xee;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x10);
	assert_int_equal(reclaim(t, mm, BASE, 2 * p), 2);
	child = tt_fork(t, t->task[0], 0);
	cmm = child->mm;
	assert_int_equal(slot_count(mm, BASE), 2);
	assert_false(pte_swp_exclusive(mm->arch, mt_pte(mm, BASE)));
	assert_false(pte_swp_exclusive(cmm->arch, mt_pte(cmm, BASE)));
	assert_int_equal(get_mm_counter(cmm, MM_SWAPENTS), 2);

	tt_assert_filled(t, cmm, BASE, 1, 0x10);
	assert_false(PageAnonExclusive(tt_page(cmm, BASE)));
	assert_false(tt_pte_write(cmm, BASE));
	assert_int_equal(slot_count(mm, BASE), 1);
	/* The child's write reuses its copy; the parent keeps the old bytes. */
	assert_int_equal(tt_write(cmm, BASE, &byte, 1), 0);
	tt_assert_filled(t, mm, BASE, 1, 0x10);
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	assert_true(tt_pte_write(mm, BASE));
	byte = 0;
	assert_int_equal(tt_read(cmm, BASE, &byte, 1), 0);
	assert_int_equal(byte, 0xee);

	/* Exit drops the child's hold on the slot it did not swap in. */
	assert_int_equal(slot_count(mm, BASE + p), 2);
	tt_exit(t, child);
	assert_int_equal(slot_count(mm, BASE + p), 1);
	tt_assert_filled(t, mm, BASE + p, 1, 0x11);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_SWAP), 0);
}

/*
 * Reclaim of a page shared after fork unmaps it in both processes (the
 * rmap walk); MADV_PAGEOUT leaves such a page alone.
 */
static void test_reclaim_unmaps_every_process(void **state)
{
	struct tt *t = *state;
	struct task_struct *child;
	struct mm_struct *mm = init_mm(t), *cmm;
	unsigned long p = t->page;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x20);
	child = tt_fork(t, t->task[0], 0);
	cmm = child->mm;
	assert_int_equal(tt_madvise(mm, BASE, 2 * p, MADV_PAGEOUT), 0);
	assert_int_equal(mt_rss(mm), 2);
	assert_int_equal(reclaim(t, mm, BASE, p), 1);
	assert_true(is_swapped(mm, BASE));
	assert_true(is_swapped(cmm, BASE));
	assert_int_equal(slot_count(mm, BASE), 2);
	assert_false(is_swapped(cmm, BASE + p));
	tt_assert_filled(t, cmm, BASE, 2, 0x20);
	tt_assert_filled(t, mm, BASE, 2, 0x20);
}

static void test_pageout_reclaims_private_pages(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;
	char smaps[2048];
	FILE *f;

	tt_map(mm, BASE, 4 * p, PROT_RW);
	tt_fill(t, mm, BASE, 3, 0x30);
	tt_touch(mm, BASE + 3 * p, 1, MSIM_ACCESS_READ); /* the zero page */
	assert_int_equal(tt_madvise(mm, BASE, 4 * p, MADV_PAGEOUT), 0);
	assert_int_equal(mt_rss(mm), 0);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), 3);
	assert_true(pte_present(mm->arch, mt_pte(mm, BASE + 3 * p)));

	f = fmemopen(smaps, sizeof(smaps), "w");
	assert_non_null(f);
	msim_show_smaps(mm, f);
	fclose(f);
	assert_non_null(strstr(smaps, "Rss:                   0 kB\n"));
	assert_non_null(strstr(smaps, "Swap:                 12 kB\n"));
	tt_assert_filled(t, mm, BASE, 3, 0x30);
	/* A hole in the range: the mapped part is done, then ENOMEM. */
	assert_int_equal(tt_madvise(mm, BASE, 8 * p, MADV_PAGEOUT), -ENOMEM);
	assert_int_equal(mt_rss(mm), 0);
}

static void test_no_swap_keeps_pages(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x50);
	assert_true(pte_young(mm->arch, mt_pte(mm, BASE)));
	assert_int_equal(reclaim(t, mm, BASE, 2 * p), 0);
	assert_int_equal(tt_madvise(mm, BASE, 2 * p, MADV_PAGEOUT), 0);
	assert_int_equal(mt_rss(mm), 2);
	/* Reclaim ignores references rather than clearing them. */
	assert_true(pte_young(mm->arch, mt_pte(mm, BASE)));
	tt_assert_filled(t, mm, BASE, 2, 0x50);
}

static void test_pinned_and_referenced_pages_stay(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;
	struct page *pin, *ref;

	tt_map(mm, BASE, 3 * p, PROT_RW);
	tt_fill(t, mm, BASE, 3, 0x60);
	assert_int_equal(
		mt_pin_user_pages_remote(mm, BASE, 1, FOLL_WRITE, &pin, NULL),
		1);
	assert_int_equal(
		mt_get_user_pages_remote(mm, BASE + p, 1, 0, &ref, NULL), 1);
	assert_int_equal(reclaim(t, mm, BASE, 3 * p), 1);
	assert_true(pte_present(mm->arch, mt_pte(mm, BASE)));
	assert_true(pte_present(mm->arch, mt_pte(mm, BASE + p)));
	assert_true(is_swapped(mm, BASE + 2 * p));
	/* The failed attempt on the pin gave its slot back. */
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES - 1);
	unpin_user_page(pin);
	put_page(ref);
	assert_int_equal(reclaim(t, mm, BASE, 3 * p), 2);
	tt_assert_filled(t, mm, BASE, 3, 0x60);
}

/*
 * A GUP reference taken after reclaim looked for extra references and
 * before try_to_unmap() cleared the PTE: the page must stay mapped, or
 * what the holder writes through it would be lost to the swap PTE, which
 * reads the slot.  The notifier's start, which try_to_unmap_one() calls
 * just before taking the page-table lock, runs the GUP on another thread.
 */
struct late_gup {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	unsigned long addr;
	struct page *page;
	long got;
	bool fired;
};

static void *late_gup_fn(void *arg)
{
	struct late_gup *g = arg;

	g->got = mt_get_user_pages_remote(g->mm, g->addr, 1, FOLL_WRITE,
					  &g->page, NULL);
	return NULL;
}

static int late_gup_start(struct mmu_notifier *mn,
			  const struct mmu_notifier_range *range)
{
	struct late_gup *g = container_of(mn, struct late_gup, mn);
	pthread_t thread;

	if (!g->fired && range->event == MMU_NOTIFY_CLEAR) {
		g->fired = true;
		if (!pthread_create(&thread, NULL, late_gup_fn, g))
			pthread_join(thread, NULL);
	}
	return 0;
}

static const struct mmu_notifier_ops late_gup_ops = {
	.invalidate_range_start = late_gup_start,
};

static void test_gup_racing_reclaim_keeps_the_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	struct late_gup g = { .mn.ops = &late_gup_ops, .mm = mm, .addr = BASE };
	unsigned char byte;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_fill(t, mm, BASE, 1, 0x11);
	assert_int_equal(mmu_notifier_register(&g.mn, mm), 0);
	assert_int_equal(reclaim(t, mm, BASE, t->page), 0);
	assert_true(g.fired);
	assert_int_equal(g.got, 1);
	assert_true(pte_present(mm->arch, mt_pte(mm, BASE)));
	assert_ptr_equal(pfn_to_page(t->m, pte_pfn(mm->arch, mt_pte(mm, BASE))),
			 g.page);
	/* Its slot went back. */
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES);
	/* The holder writes through its reference, then lets go. */
	*(unsigned char *)page_address(g.page) = 0xab;
	put_page(g.page);
	assert_int_equal(msim_user_read(mm, BASE, &byte, 1), 0);
	assert_int_equal(byte, 0xab);
	mmu_notifier_unregister(&g.mn, mm);
	tt_check(t->m);
}

static void test_gup_swaps_in(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;
	struct page *pages[2];

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x70);
	assert_int_equal(reclaim(t, mm, BASE, 2 * p), 2);
	assert_int_equal(mt_get_user_pages_remote(mm, BASE, 2, FOLL_NOFAULT,
						  pages, NULL),
			 -EFAULT);
	assert_int_equal(mt_pin_user_pages_remote(mm, BASE, 2, FOLL_LONGTERM,
						  pages, NULL),
			 2);
	tt_check(t->m);
	assert_int_equal(*(unsigned char *)page_address(pages[1]), 0x71);
	assert_true(PageAnonExclusive(pages[0]));
	unpin_user_pages(pages, 2);
}

static void test_zap_frees_slots(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;

	tt_map(mm, BASE, 4 * p, PROT_RW);
	tt_fill(t, mm, BASE, 4, 0x80);
	assert_int_equal(reclaim(t, mm, BASE, 4 * p), 4);
	assert_int_equal(tt_madvise(mm, BASE, p, MADV_DONTNEED), 0);
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES - 3);
	assert_int_equal(tt_munmap(mm, BASE + p, 2 * p), 0);
	assert_int_equal(msim_nr_swap_pages(t->m), SWAP_PAGES - 1);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), 1);
	/* The zapped page reads back as zeroes. */
	tt_assert_filled(t, mm, BASE, 1, 0);
	tt_assert_filled(t, mm, BASE + 3 * p, 1, 0x83);
}

/* mprotect() leaves swap PTEs as they are; swap-in takes the new prot. */
static void test_mprotect_of_swapped_pages(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, fault;
	unsigned char byte = 1;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x90);
	assert_int_equal(reclaim(t, mm, BASE, 2 * p), 2);
	assert_int_equal(tt_mprotect(mm, BASE, 2 * p, PROT_READ), 0);
	assert_true(is_swapped(mm, BASE));
	assert_int_equal(
		msim_user_access(mm, BASE, &byte, 1, MSIM_ACCESS_WRITE, &fault),
		-EFAULT);
	assert_true(is_swapped(mm, BASE));
	tt_assert_filled(t, mm, BASE, 1, 0x90);
	assert_false(tt_pte_write(mm, BASE));
	assert_int_equal(tt_mprotect(mm, BASE, 2 * p, PROT_NONE), 0);
	assert_int_equal(tt_mprotect(mm, BASE, 2 * p, PROT_RW), 0);
	/* Exclusive after swap-in: mprotect gives write back at once. */
	assert_true(tt_pte_write(mm, BASE));
	assert_int_equal(tt_write(mm, BASE + p, &byte, 1), 0);
	tt_assert_filled(t, mm, BASE, 1, 0x90);
}

static void test_full_swap_reclaims_what_fits(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;

	tt_map(mm, BASE, (SWAP_PAGES + 2) * p, PROT_RW);
	tt_fill(t, mm, BASE, SWAP_PAGES + 2, 0);
	assert_int_equal(reclaim(t, mm, BASE, (SWAP_PAGES + 2) * p),
			 SWAP_PAGES);
	assert_int_equal(msim_nr_swap_pages(t->m), 0);
	assert_int_equal(mt_rss(mm), 2);
	tt_assert_filled(t, mm, BASE, SWAP_PAGES + 2, 0);
}

static void test_bad_arguments(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);

	assert_int_equal(msim_swapon(t->m, 8), -EBUSY);
	assert_int_equal(msim_reclaim_range(mm, BASE + 1, t->page), -EINVAL);
	assert_int_equal(msim_reclaim_range(mm, -t->page, 2 * t->page),
			 -EINVAL);
	assert_int_equal(msim_reclaim_range(mm, BASE, t->page), -ENOMEM);
	assert_int_equal(msim_reclaim_range(mm, BASE, 0), 0);
}

static void test_swapon_checks(void **state)
{
	struct tt *t = *state;

	assert_int_equal(msim_swapon(t->m, 0), -EINVAL);
	assert_int_equal(msim_total_swap_pages(t->m), 0);
	assert_int_equal(msim_swapon(t->m, 1), 0);
	assert_int_equal(msim_total_swap_pages(t->m), 1);
	assert_int_equal(msim_swapon(t->m, 1), -EBUSY);
}

static void test_machine_config_swap(void **state)
{
	struct msim_machine_config cfg = { .ram_bytes = 16 * MiB,
					   .swap_bytes = 40 * KiB + 1 };
	struct msim_machine *m = msim_machine_create(&cfg);

	(void)state;
	assert_false(IS_ERR(m));
	assert_int_equal(msim_total_swap_pages(m), 10);
	assert_int_equal(msim_machine_destroy(m), 0);
}

/*
 * A swap size under one page would round down to no swap at all: asked
 * for swap, that is no machine to build, not a machine without it.
 */
static void test_machine_config_swap_under_a_page(void **state)
{
	const struct msim_arch *arches[] = { &msim_arch_x86_64,
					     &msim_arch_coldfire };
	struct msim_machine_config cfg = { .ram_bytes = 16 * MiB };
	struct msim_machine *m;
	size_t a;

	(void)state;
	for (a = 0; a < 2; a++) {
		cfg.arch = arches[a];
		cfg.swap_bytes = 1;
		assert_ptr_equal(msim_machine_create(&cfg), ERR_PTR(-EINVAL));
		cfg.swap_bytes = msim_page_size(arches[a]) - 1;
		assert_ptr_equal(msim_machine_create(&cfg), ERR_PTR(-EINVAL));
		cfg.swap_bytes = msim_page_size(arches[a]);
		m = msim_machine_create(&cfg);
		assert_false(IS_ERR(m));
		assert_int_equal(msim_total_swap_pages(m), 1);
		assert_int_equal(msim_machine_destroy(m), 0);
	}
}

/*
 * The page-table lock operations of a call, counted through the lock
 * hooks: a walk over a range takes it once per leaf table it visits.
 */
static unsigned long ptl_ops;

static void count_ptl(void *lock, enum msim_sync_event ev, const char *name)
{
	(void)lock;
	(void)ev;
	if (!strcmp(name, "page_table_lock"))
		__atomic_fetch_add(&ptl_ops, 1, __ATOMIC_RELAXED);
}

static const struct msim_sync_ops count_ptl_ops = { .point = count_ptl };

/*
 * Reclaim, MADV_PAGEOUT, MADV_DONTNEED and mprotect over a huge range
 * with three pages in it: their walks skip what no table covers, as
 * walk_page_range() does, instead of visiting every page (reclaim did:
 * a line of a scenario over 128 TiB of MAP_NORESERVE ran for hours) or
 * every leaf table.  A few lock operations, not millions.
 */
static void test_huge_sparse_range_is_walked_by_its_tables(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long len = 4UL << 40, p = t->page;
	unsigned long at[3] = { BASE, BASE + len / 2, BASE + len - p };
	long ret;
	int i;

	assert_int_equal(msim_mmap(mm, BASE, len, PROT_RW,
				   ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE),
			 (long)BASE);
	for (i = 0; i < 3; i++)
		tt_write(mm, at[i], "x", 1);

	ptl_ops = 0;
	msim_set_sync_ops(&count_ptl_ops);
	ret = msim_reclaim_range(mm, BASE, len);
	msim_set_sync_ops(NULL);
	assert_int_equal(ret, 3);
	assert_true(ptl_ops < 200);
	for (i = 0; i < 3; i++)
		assert_true(is_swapped(mm, at[i]));
	tt_check(t->m);

	for (i = 0; i < 3; i++)
		tt_write(mm, at[i], "y", 1);
	ptl_ops = 0;
	msim_set_sync_ops(&count_ptl_ops);
	ret = msim_madvise(mm, BASE, len, MADV_PAGEOUT);
	msim_set_sync_ops(NULL);
	assert_int_equal(ret, 0);
	assert_true(ptl_ops < 200);
	for (i = 0; i < 3; i++)
		assert_true(is_swapped(mm, at[i]));

	ptl_ops = 0;
	msim_set_sync_ops(&count_ptl_ops);
	ret = msim_mprotect(mm, BASE, len, PROT_READ);
	msim_set_sync_ops(NULL);
	assert_int_equal(ret, 0);
	assert_true(ptl_ops < 200);

	ptl_ops = 0;
	msim_set_sync_ops(&count_ptl_ops);
	ret = msim_madvise(mm, BASE, len, MADV_DONTNEED);
	msim_set_sync_ops(NULL);
	assert_int_equal(ret, 0);
	assert_true(ptl_ops < 200);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), 0);
	tt_check(t->m);
	assert_int_equal(msim_munmap(mm, BASE, len), 0);
}

/*
 * msim_migrate_range() over 64 TiB with three pages in it: migrate_vma
 * takes arrays of one entry a page, and they were sized by the whole
 * range (two of 128 GiB, which the host refuses: -ENOMEM, or under ASan
 * an abort); a chunk of one leaf table at a time, skipping what has no
 * table, moves the three pages in a few lock operations.
 */
static void test_huge_sparse_range_migrates_by_chunks(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long len = 64UL << 40, p = t->page;
	unsigned long at[3] = { BASE, BASE + len / 2, BASE + len - p };
	unsigned long pfn[3];
	long ret;
	int i;

	assert_int_equal(msim_mmap(mm, BASE, len, PROT_RW,
				   ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE),
			 (long)BASE);
	tt_fill(t, mm, at[0], 1, 'x');
	for (i = 0; i < 3; i++) {
		tt_write(mm, at[i], "x", 1);
		pfn[i] = tt_pfn(mm, at[i]);
	}
	ptl_ops = 0;
	msim_set_sync_ops(&count_ptl_ops);
	ret = msim_migrate_range(mm, BASE, len);
	msim_set_sync_ops(NULL);
	assert_int_equal(ret, 3);
	assert_true(ptl_ops < 200);
	for (i = 0; i < 3; i++)
		assert_int_not_equal(tt_pfn(mm, at[i]), pfn[i]);
	tt_assert_filled(t, mm, at[0], 1, 'x');
	tt_check(t->m);
	assert_int_equal(msim_munmap(mm, BASE, len), 0);
}

/* Swap PTE layouts: every slot and type round-trips, none reads present. */
static void test_swap_pte_encoding(void **state)
{
	const struct msim_arch *arches[] = { &msim_arch_x86_64,
					     &msim_arch_coldfire };
	unsigned long offs[] = { 1, 2, 3, 0x7ff, 0x800, 0xfffff };
	unsigned int types[] = { 0, SWP_MIGRATION_READ,
				 SWP_MIGRATION_READ_EXCLUSIVE,
				 SWP_MIGRATION_WRITE };
	swp_entry_t e, back;
	pte_t pte;

	(void)state;
	for (size_t a = 0; a < 2; a++)
		for (size_t o = 0; o < 6; o++)
			for (size_t ty = 0; ty < 4; ty++) {
				e = swp_entry(types[ty], offs[o]);
				pte = swp_entry_to_pte(arches[a], e);
				assert_true(is_swap_pte(arches[a], pte));
				pte = pte_swp_mkexclusive(arches[a], pte);
				assert_true(is_swap_pte(arches[a], pte));
				assert_true(pte_swp_exclusive(arches[a], pte));
				back = pte_to_swp_entry(arches[a], pte);
				assert_int_equal(back.val, e.val);
				assert_false(pte_swp_exclusive(
					arches[a], pte_swp_clear_exclusive(
							   arches[a], pte)));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		swap_test(test_reclaim_and_swap_in_keep_the_bytes),
		swap_test(test_huge_sparse_range_is_walked_by_its_tables),
		swap_test(test_huge_sparse_range_migrates_by_chunks),
		swap_test(test_swapped_in_page_is_exclusive_and_reused),
		swap_test(test_fork_shares_swap_entries),
		swap_test(test_reclaim_unmaps_every_process),
		swap_test(test_pageout_reclaims_private_pages),
		tt_test(test_no_swap_keeps_pages),
		swap_test(test_pinned_and_referenced_pages_stay),
		swap_test(test_gup_racing_reclaim_keeps_the_page),
		swap_test(test_gup_swaps_in),
		swap_test(test_zap_frees_slots),
		swap_test(test_mprotect_of_swapped_pages),
		swap_test(test_full_swap_reclaims_what_fits),
		swap_test(test_bad_arguments),
		tt_test(test_swapon_checks),
		cmocka_unit_test(test_machine_config_swap),
		cmocka_unit_test(test_machine_config_swap_under_a_page),
		cmocka_unit_test(test_swap_pte_encoding),
		swap_test_coldfire(test_reclaim_and_swap_in_keep_the_bytes),
		swap_test_coldfire(test_fork_shares_swap_entries),
		swap_test_coldfire(test_zap_frees_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
