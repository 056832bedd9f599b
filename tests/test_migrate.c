// SPDX-License-Identifier: MIT
/*
 * migrate_vma: what setup collects and how it leaves the PTEs, the move
 * of bytes and state, the undoing of pages that did not move, migration
 * entries met by fork, zap, faults and GUP, pinned pages, holes, and
 * msim_migrate_range on top.  The checker runs over every mm and the
 * machine after every step.
 */
#include <pthread.h>
#include "mmsim_task_test.h"

static struct mm_struct *init_mm(struct tt *t)
{
	return t->task[0]->mm;
}

static bool is_migration_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = mt_pte(mm, addr);

	return is_swap_pte(mm->arch, pte) &&
	       is_migration_entry(pte_to_swp_entry(mm->arch, pte));
}

struct mig {
	struct migrate_vma args;
	unsigned long src[16], dst[16];
};

/* migrate_vma_setup() of [start, start + n pages), which must succeed. */
static void setup(struct tt *t, struct mig *g, struct mm_struct *mm,
		  unsigned long start, int n, void *owner)
{
	memset(g, 0, sizeof(*g));
	mmap_read_lock(mm);
	g->args.vma = vma_lookup(mm, start);
	mmap_read_unlock(mm);
	assert_non_null(g->args.vma);
	g->args.start = start;
	g->args.end = start + n * t->page;
	g->args.src = g->src;
	g->args.dst = g->dst;
	g->args.pgmap_owner = owner;
	g->args.flags = MIGRATE_VMA_SELECT_SYSTEM;
	assert_int_equal(migrate_vma_setup(&g->args), 0);
	tt_check(t->m);
}

/*
 * A destination for every collected page, with the bytes copied as a
 * driver copies them (migrate_vma_pages() does not), locked as drivers
 * hand them in.
 */
static void alloc_dst(struct tt *t, struct mig *g)
{
	struct page *page, *src;
	unsigned long i;

	for (i = 0; i < g->args.npages; i++) {
		if (!(g->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		page = msim_alloc_page(t->m, MSIM_ALLOC_FRAME);
		assert_non_null(page);
		assert_true(trylock_page(page));
		src = migrate_pfn_to_page(g->src[i]);
		if (src)
			copy_user_highpage(page, src);
		g->dst[i] = migrate_pfn(page_to_pfn(page));
	}
}

static void finish(struct tt *t, struct mig *g)
{
	migrate_vma_pages(&g->args);
	tt_check(t->m);
	migrate_vma_finalize(&g->args);
	tt_check(t->m);
}

static void test_setup_installs_migration_entries(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, old[2];
	struct mig g;
	int i;

	tt_map(mm, BASE, 4 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x10);
	tt_touch(mm, BASE + 2 * p, 1, MSIM_ACCESS_READ);
	old[0] = tt_pfn(mm, BASE);
	old[1] = tt_pfn(mm, BASE + p);
	setup(t, &g, mm, BASE, 4, NULL);
	assert_int_equal(g.args.npages, 4);
	assert_int_equal(g.args.cpages, 4);
	for (i = 0; i < 2; i++) {
		assert_int_equal(g.src[i], migrate_pfn(old[i]) |
						   MIGRATE_PFN_MIGRATE |
						   MIGRATE_PFN_WRITE);
		assert_true(is_migration_pte(mm, BASE + i * p));
		assert_true(is_writable_migration_entry(
			pte_to_swp_entry(mm->arch, mt_pte(mm, BASE + i * p))));
	}
	/* The zero page and the hole may be filled; their PTEs stay. */
	assert_int_equal(g.src[2], MIGRATE_PFN_MIGRATE);
	assert_int_equal(g.src[3], MIGRATE_PFN_MIGRATE);
	assert_true(pte_present(mm->arch, mt_pte(mm, BASE + 2 * p)));
	assert_true(pte_none(mt_pte(mm, BASE + 3 * p)));
	/* Still resident, for rss and smaps. */
	assert_int_equal(mt_rss(mm), 2);
	alloc_dst(t, &g);
	finish(t, &g);
	for (i = 0; i < 2; i++) {
		assert_int_not_equal(tt_pfn(mm, BASE + i * p), old[i]);
		assert_true(tt_pte_write(mm, BASE + i * p));
		assert_true(PageAnonExclusive(tt_page(mm, BASE + i * p)));
	}
	/* The holes got the new pages, mapped writable. */
	assert_int_equal(mt_rss(mm), 4);
	assert_true(tt_pte_write(mm, BASE + 2 * p));
	tt_assert_filled(t, mm, BASE, 2, 0x10);
	tt_assert_filled(t, mm, BASE + 2 * p, 1, 0);
	tt_assert_filled(t, mm, BASE + 3 * p, 1, 0);
}

static void test_no_destination_restores_the_old_page(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, old;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x20);
	old = tt_pfn(mm, BASE);
	setup(t, &g, mm, BASE, 2, NULL);
	alloc_dst(t, &g);
	put_page(migrate_pfn_to_page(g.dst[0]));
	g.dst[0] = 0;
	finish(t, &g);
	assert_int_equal(tt_pfn(mm, BASE), old);
	assert_true(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	assert_false(PageLocked(tt_page(mm, BASE)));
	tt_assert_filled(t, mm, BASE, 2, 0x20);
}

static void test_pinned_and_referenced_pages_do_not_migrate(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, pfn0, pfn1;
	struct page *pin, *ref;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x30);
	assert_int_equal(
		mt_pin_user_pages_remote(mm, BASE, 1, FOLL_WRITE, &pin, NULL),
		1);
	assert_int_equal(
		mt_get_user_pages_remote(mm, BASE + p, 1, 0, &ref, NULL), 1);
	pfn0 = tt_pfn(mm, BASE);
	pfn1 = tt_pfn(mm, BASE + p);
	setup(t, &g, mm, BASE, 2, NULL);
	assert_int_equal(g.args.cpages, 0);
	assert_int_equal(g.src[0], 0);
	assert_int_equal(g.src[1], 0);
	assert_true(tt_pte_write(mm, BASE));
	assert_true(tt_pte_write(mm, BASE + p));
	finish(t, &g);
	assert_int_equal(tt_pfn(mm, BASE), pfn0);
	assert_int_equal(tt_pfn(mm, BASE + p), pfn1);
	unpin_user_page(pin);
	put_page(ref);
	assert_int_equal(msim_migrate_range(mm, BASE, 2 * p), 2);
	tt_check(t->m);
	tt_assert_filled(t, mm, BASE, 2, 0x30);
}

/*
 * A page shared with a child after fork: setup converts this mapping,
 * try_to_migrate the child's; both get the new page, read-only and
 * shared, as before.
 */
static void test_shared_page_moves_in_every_process(void **state)
{
	struct tt *t = *state;
	struct task_struct *child;
	struct mm_struct *mm = init_mm(t), *cmm;
	unsigned long p = t->page, old;
	unsigned char byte = 0x77;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x40);
	child = tt_fork(t, t->task[0], 0);
	cmm = child->mm;
	old = tt_pfn(mm, BASE);
	assert_int_equal(msim_migrate_range(mm, BASE, 2 * p), 2);
	tt_check(t->m);
	assert_int_not_equal(tt_pfn(mm, BASE), old);
	assert_int_equal(tt_pfn(cmm, BASE), tt_pfn(mm, BASE));
	assert_int_equal(page_mapcount(tt_page(mm, BASE)), 2);
	assert_false(PageAnonExclusive(tt_page(mm, BASE)));
	assert_false(tt_pte_write(mm, BASE));
	/* COW still separates them. */
	assert_int_equal(tt_write(cmm, BASE, &byte, 1), 0);
	tt_assert_filled(t, mm, BASE, 2, 0x40);
	byte = 0;
	assert_int_equal(tt_read(cmm, BASE, &byte, 1), 0);
	assert_int_equal(byte, 0x77);
}

/* fork() while entries are in place: the child's become read-only. */
static void test_fork_copies_migration_entries(void **state)
{
	struct tt *t = *state;
	struct task_struct *child;
	struct mm_struct *mm = init_mm(t), *cmm;
	unsigned long p = t->page;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x50);
	setup(t, &g, mm, BASE, 2, NULL);
	child = tt_fork(t, t->task[0], 0);
	cmm = child->mm;
	assert_true(is_migration_pte(cmm, BASE));
	assert_true(is_readable_migration_entry(
		pte_to_swp_entry(mm->arch, mt_pte(mm, BASE))));
	assert_int_equal(mt_rss(cmm), 2);
	alloc_dst(t, &g);
	finish(t, &g);
	assert_int_equal(tt_pfn(cmm, BASE), tt_pfn(mm, BASE));
	assert_int_equal(page_mapcount(tt_page(mm, BASE)), 2);
	assert_false(tt_pte_write(mm, BASE));
	tt_assert_filled(t, cmm, BASE, 2, 0x50);
	tt_assert_filled(t, mm, BASE, 2, 0x50);
}

/* MADV_DONTNEED on entries in place: the page goes with finalize. */
static void test_zap_of_migration_entries(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, frames;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x60);
	frames = msim_nr_free_frames(t->m);
	setup(t, &g, mm, BASE, 2, NULL);
	assert_int_equal(tt_madvise(mm, BASE, p, MADV_DONTNEED), 0);
	assert_int_equal(mt_rss(mm), 1);
	alloc_dst(t, &g);
	finish(t, &g);
	assert_int_equal(msim_nr_free_frames(t->m), frames + 1);
	assert_true(pte_none(mt_pte(mm, BASE)));
	tt_assert_filled(t, mm, BASE + p, 1, 0x61);
}

struct waiter {
	struct mm_struct *mm;
	unsigned long addr;
	unsigned char byte;
	int ret;
	bool done;
};

static void *wait_access(void *arg)
{
	struct waiter *w = arg;

	w->ret = msim_user_access(w->mm, w->addr, &w->byte, 1, MSIM_ACCESS_READ,
				  NULL);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* A fault on a migration entry waits for finalize, then sees the new page. */
static void test_fault_waits_for_the_migration(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;
	struct waiter w = { .mm = mm, .addr = BASE + p };
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	pthread_t thr;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x70);
	setup(t, &g, mm, BASE, 2, NULL);
	assert_int_equal(pthread_create(&thr, NULL, wait_access, &w), 0);
	nanosleep(&ts, NULL);
	assert_false(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	alloc_dst(t, &g);
	migrate_vma_pages(&g.args);
	/* Before finalize the new page is not mapped: still waiting. */
	nanosleep(&ts, NULL);
	assert_false(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	migrate_vma_finalize(&g.args);
	assert_int_equal(pthread_join(thr, NULL), 0);
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.byte, 0x71);
	assert_int_equal(tt_pfn(mm, BASE + p), g.dst[1] >> MIGRATE_PFN_SHIFT);
	tt_check(t->m);
}

/* mprotect() while entries are in place: the writable ones lose write. */
static void test_mprotect_of_migration_entries(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;
	struct mig g;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_fill(t, mm, BASE, 2, 0x90);
	setup(t, &g, mm, BASE, 2, NULL);
	assert_int_equal(tt_mprotect(mm, BASE, 2 * p, PROT_READ), 0);
	assert_true(is_readable_exclusive_migration_entry(
		pte_to_swp_entry(mm->arch, mt_pte(mm, BASE))));
	alloc_dst(t, &g);
	finish(t, &g);
	assert_false(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	/* Exclusive: write access comes back without a copy. */
	assert_int_equal(tt_mprotect(mm, BASE, 2 * p, PROT_RW), 0);
	assert_true(tt_pte_write(mm, BASE));
	tt_assert_filled(t, mm, BASE, 2, 0x90);
}

static void test_setup_checks_arguments(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page, src[4], dst[4];
	struct migrate_vma args = { 0 };

	tt_map(mm, BASE, 2 * p, PROT_RW);
	assert_int_equal(migrate_vma_setup(&args), -EINVAL);
	args.vma = mt_vma(mm, BASE);
	args.src = src;
	args.dst = dst;
	args.start = BASE;
	args.end = BASE;
	assert_int_equal(migrate_vma_setup(&args), -EINVAL);
	args.end = BASE + 3 * p;
	assert_int_equal(migrate_vma_setup(&args), -EINVAL);
	args.start = BASE - p;
	args.end = BASE + p;
	assert_int_equal(migrate_vma_setup(&args), -EINVAL);
	args.start = BASE;
	args.src = NULL;
	assert_int_equal(migrate_vma_setup(&args), -EINVAL);
	args.src = src;
	/* Without SELECT_SYSTEM only holes are collected. */
	tt_touch(mm, BASE, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(migrate_vma_setup(&args), 0);
	assert_int_equal(args.cpages, 0);
	assert_int_equal(src[0], 0);
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	tt_check(t->m);
	assert_int_equal(msim_migrate_range(mm, BASE + 1, p), -EINVAL);
	assert_int_equal(msim_migrate_range(mm, BASE, 4 * p), -EFAULT);
	assert_int_equal(msim_migrate_range(mm, BASE, 2 * p), 1);
}

static void test_migrate_range_spans_vmas(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = init_mm(t);
	unsigned long p = t->page;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_map(mm, BASE + 2 * p, 2 * p, PROT_READ | PROT_WRITE | PROT_EXEC);
	tt_fill(t, mm, BASE, 4, 0x80);
	assert_int_equal(tt_mprotect(mm, BASE, p, PROT_READ), 0);
	assert_int_equal(msim_migrate_range(mm, BASE, 4 * p), 4);
	tt_check(t->m);
	assert_false(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	tt_assert_filled(t, mm, BASE, 4, 0x80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_setup_installs_migration_entries),
		tt_test(test_no_destination_restores_the_old_page),
		tt_test(test_pinned_and_referenced_pages_do_not_migrate),
		tt_test(test_shared_page_moves_in_every_process),
		tt_test(test_fork_copies_migration_entries),
		tt_test(test_zap_of_migration_entries),
		tt_test(test_fault_waits_for_the_migration),
		tt_test(test_mprotect_of_migration_entries),
		tt_test(test_setup_checks_arguments),
		tt_test(test_migrate_range_spans_vmas),
		tt_test_coldfire(test_setup_installs_migration_entries),
		tt_test_coldfire(test_shared_page_moves_in_every_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
