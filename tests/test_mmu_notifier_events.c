// SPDX-License-Identifier: MIT
/*
 * Every mm operation's notifier traffic, callback by callback: which
 * events, over which ranges, in which order relative to the TLB flush
 * (->invalidate_range), as Linux issues them.  A recording subscriber
 * logs everything; each test runs one operation and compares the log
 * with the expected sequence.
 */
#include "mmsim_test.h"
#include <mmsim/mmu_notifier.h>

enum rec_kind {
	R_START,
	R_END,
	R_INV,
	R_CHANGE_PTE,
	R_RELEASE,
	R_CLEAR_FLUSH_YOUNG,
	R_CLEAR_YOUNG,
	R_TEST_YOUNG,
};

struct rec {
	enum rec_kind kind;
	int event; /* -1 where the callback has none */
	unsigned long start, end;
	bool blockable;
};

#define MAX_RECS 64

struct recorder {
	struct mmu_notifier mn;
	struct rec log[MAX_RECS];
	int n;
	int young;   /* what the aging callbacks answer */
	void *owner; /* the owner of the last range started */
};

static void log_rec(struct mmu_notifier *mn, enum rec_kind kind, int event,
		    unsigned long start, unsigned long end, bool blockable)
{
	struct recorder *r = container_of(mn, struct recorder, mn);

	assert_true(r->n < MAX_RECS);
	r->log[r->n++] = (struct rec){ kind, event, start, end, blockable };
}

static int rec_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	container_of(mn, struct recorder, mn)->owner = range->owner;
	log_rec(mn, R_START, range->event, range->start, range->end,
		mmu_notifier_range_blockable(range));
	return 0;
}

static void rec_end(struct mmu_notifier *mn,
		    const struct mmu_notifier_range *range)
{
	log_rec(mn, R_END, range->event, range->start, range->end,
		mmu_notifier_range_blockable(range));
}

static void rec_inv(struct mmu_notifier *mn, struct mm_struct *mm,
		    unsigned long start, unsigned long end)
{
	(void)mm;
	log_rec(mn, R_INV, -1, start, end, false);
}

static void rec_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long address, pte_t pte)
{
	(void)mm;
	(void)pte;
	log_rec(mn, R_CHANGE_PTE, -1, address, address, false);
}

static void rec_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	(void)mm;
	log_rec(mn, R_RELEASE, -1, 0, 0, false);
}

static int rec_clear_flush_young(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end)
{
	(void)mm;
	log_rec(mn, R_CLEAR_FLUSH_YOUNG, -1, start, end, false);
	return container_of(mn, struct recorder, mn)->young;
}

static int rec_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	(void)mm;
	log_rec(mn, R_CLEAR_YOUNG, -1, start, end, false);
	return container_of(mn, struct recorder, mn)->young;
}

static int rec_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			  unsigned long address)
{
	(void)mm;
	log_rec(mn, R_TEST_YOUNG, -1, address, address, false);
	return container_of(mn, struct recorder, mn)->young;
}

static const struct mmu_notifier_ops rec_ops = {
	.clear_flush_young = rec_clear_flush_young,
	.clear_young = rec_clear_young,
	.test_young = rec_test_young,
	.invalidate_range_start = rec_start,
	.invalidate_range_end = rec_end,
	.invalidate_range = rec_inv,
	.change_pte = rec_change_pte,
	.release = rec_release,
};

static const char *kind_name(enum rec_kind k)
{
	/* clang-format off */
	static const char *const names[] = {
		"start", "end", "invalidate_range", "change_pte", "release",
		"clear_flush_young", "clear_young", "test_young",
	};
	/* clang-format on */
	return names[k];
}

/* Compare the log with @want; print both on a difference. */
static void assert_log(struct recorder *r, const struct rec *want, int n)
{
	bool same = r->n == n;
	int i;

	for (i = 0; same && i < n; i++)
		same = r->log[i].kind == want[i].kind &&
		       r->log[i].event == want[i].event &&
		       r->log[i].start == want[i].start &&
		       r->log[i].end == want[i].end &&
		       r->log[i].blockable == want[i].blockable;
	if (same)
		return;
	for (i = 0; i < r->n; i++)
		print_message("got  %-16s ev %2d %#lx-%#lx%s\n",
			      kind_name(r->log[i].kind), r->log[i].event,
			      r->log[i].start, r->log[i].end,
			      r->log[i].blockable ? " blockable" : "");
	for (i = 0; i < n; i++)
		print_message("want %-16s ev %2d %#lx-%#lx%s\n",
			      kind_name(want[i].kind), want[i].event,
			      want[i].start, want[i].end,
			      want[i].blockable ? " blockable" : "");
	fail_msg("notifier sequence differs");
}

#define START(ev, s, e)                                                        \
	{                                                                      \
		R_START, ev, s, e, true                                        \
	}
#define END(ev, s, e)                                                          \
	{                                                                      \
		R_END, ev, s, e, true                                          \
	}
#define INV(s, e)                                                              \
	{                                                                      \
		R_INV, -1, s, e, false                                         \
	}
#define CFY(s, e)                                                              \
	{                                                                      \
		R_CLEAR_FLUSH_YOUNG, -1, s, e, false                           \
	}
#define CY(s, e)                                                               \
	{                                                                      \
		R_CLEAR_YOUNG, -1, s, e, false                                 \
	}
#define TY(a)                                                                  \
	{                                                                      \
		R_TEST_YOUNG, -1, a, a, false                                  \
	}

static struct recorder *subscribe(struct mt *t)
{
	struct recorder *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->mn.ops = &rec_ops;
	assert_int_equal(mmu_notifier_register(&r->mn, t->mm), 0);
	return r;
}

static void unsubscribe(struct mt *t, struct recorder *r)
{
	mmu_notifier_unregister(&r->mn, t->mm);
	free(r);
}

/* A 4-page RW mapping at BASE with pages 0 and 1 written. */
static void setup_written(struct mt *t)
{
	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 2 * t->page, MSIM_ACCESS_WRITE);
}

static void test_munmap_is_unmap_then_flush(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	setup_written(t);
	r = subscribe(t);
	assert_int_equal(mt_munmap(t->mm, BASE, 3 * p), 0);
	/*
	 * One UNMAP over the whole request; the end carries a secondary TLB
	 * flush of it; the gather's flush before the pages are freed covers
	 * exactly the PTEs that were cleared.
	 */
	const struct rec want[] = {
		START(MMU_NOTIFY_UNMAP, BASE, BASE + 3 * p),
		INV(BASE, BASE + 3 * p),
		END(MMU_NOTIFY_UNMAP, BASE, BASE + 3 * p),
		INV(BASE, BASE + 2 * p),
	};
	assert_log(r, want, 4);
	unsubscribe(t, r);
}

static void test_munmap_of_untouched_memory_flushes_nothing(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	r = subscribe(t);
	assert_int_equal(mt_munmap(t->mm, BASE, 4 * p), 0);
	const struct rec want[] = {
		START(MMU_NOTIFY_UNMAP, BASE, BASE + 4 * p),
		INV(BASE, BASE + 4 * p),
		END(MMU_NOTIFY_UNMAP, BASE, BASE + 4 * p),
	};
	assert_log(r, want, 3);
	unsubscribe(t, r);
}

static void test_dontneed_is_clear(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	setup_written(t);
	r = subscribe(t);
	assert_int_equal(mt_madvise(t->mm, BASE + p, 2 * p, MADV_DONTNEED), 0);
	const struct rec want[] = {
		START(MMU_NOTIFY_CLEAR, BASE + p, BASE + 3 * p),
		INV(BASE + p, BASE + 3 * p),
		END(MMU_NOTIFY_CLEAR, BASE + p, BASE + 3 * p),
		INV(BASE + p, BASE + 2 * p),
	};
	assert_log(r, want, 4);
	unsubscribe(t, r);
}

static void test_mprotect_is_protection_vma_from_the_first_table(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	setup_written(t);
	r = subscribe(t);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * p, PROT_READ), 0);
	const struct rec want[] = {
		START(MMU_NOTIFY_PROTECTION_VMA, BASE, BASE + 4 * p),
		INV(BASE, BASE + 4 * p),
		END(MMU_NOTIFY_PROTECTION_VMA, BASE, BASE + 4 * p),
	};
	assert_log(r, want, 3);
	unsubscribe(t, r);
}

static void test_mprotect_without_page_tables_is_silent(void **state)
{
	struct mt *t = *state;
	struct recorder *r;

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	r = subscribe(t);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * t->page, PROT_READ), 0);
	assert_log(r, NULL, 0);
	unsubscribe(t, r);
}

static void test_fork_write_protects_the_parent(void **state)
{
	struct mt *t = *state;
	struct task_struct *init, *child;
	struct recorder *r;
	unsigned long p = t->page;

	init = calloc(1, sizeof(*init));
	assert_non_null(init);
	init->mm = t->mm;
	init->machine = t->m;
	setup_written(t);
	/* A VMA with no anon_vma has no page tables to copy: silent. */
	mt_map_fixed(t->mm, BASE + 16 * p, p, PROT_READ);
	r = subscribe(t);
	child = msim_fork(init, 0, "child");
	assert_false(IS_ERR(child));
	const struct rec want[] = {
		START(MMU_NOTIFY_PROTECTION_PAGE, BASE, BASE + 4 * p),
		INV(BASE, BASE + 4 * p),
		END(MMU_NOTIFY_PROTECTION_PAGE, BASE, BASE + 4 * p),
	};
	assert_log(r, want, 3);
	msim_exit(child);
	msim_task_put(child);
	free(init);
	unsubscribe(t, r);
}

static void test_cow_fault_is_clear_flush_and_change_pte(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_touch(t->mm, BASE + p, p, MSIM_ACCESS_READ); /* zero page */
	r = subscribe(t);
	mt_touch(t->mm, BASE + p, p, MSIM_ACCESS_WRITE);
	/*
	 * wp_page_copy(): the old PTE is cleared and flushed under the lock
	 * (ptep_clear_flush_notify), the new one offered to change_pte, and
	 * the range ended without a second flush (only_end).
	 */
	const struct rec want[] = {
		START(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
		INV(BASE + p, BASE + 2 * p),
		{ R_CHANGE_PTE, -1, BASE + p, BASE + p, false },
		END(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
	};
	assert_log(r, want, 4);
	unsubscribe(t, r);
}

static void test_first_write_fault_is_silent(void **state)
{
	struct mt *t = *state;
	struct recorder *r;

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	r = subscribe(t);
	/* Nothing was mapped: no secondary MMU can hold a translation. */
	mt_touch(t->mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE, 4 * t->page, MSIM_ACCESS_READ);
	assert_log(r, NULL, 0);
	unsubscribe(t, r);
}

static void test_exit_releases_before_unmapping(void **state)
{
	struct mt *t = *state;
	struct recorder *r;

	setup_written(t);
	r = subscribe(t);
	/*
	 * exit_mmap(): ->release first; the subscription is off the list
	 * after that, so the teardown's own UNMAP is not seen.
	 */
	mmgrab(t->mm);
	mmput(t->mm);
	const struct rec want[] = {
		{ R_RELEASE, -1, 0, 0, false },
	};
	assert_log(r, want, 1);
	mmu_notifier_unregister(&r->mn, t->mm);
	assert_int_equal(r->n, 1); /* no second ->release */
	free(r);
	mmdrop(t->mm);
	t->mm = NULL;
}

/* A task around the fixture's mm, so that it can fork. */
static struct task_struct *fixture_task(struct mt *t)
{
	struct task_struct *init = calloc(1, sizeof(*init));

	assert_non_null(init);
	init->mm = t->mm;
	init->machine = t->m;
	return init;
}

static struct recorder *subscribe_mm(struct mm_struct *mm)
{
	struct recorder *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->mn.ops = &rec_ops;
	assert_int_equal(mmu_notifier_register(&r->mn, mm), 0);
	return r;
}

/*
 * vmscan's aging: ->clear_flush_young over the page in every mm that
 * maps it, the parent's VMA first (the anon_vma's oldest chain entry).
 * A mapping counts if either its PTE or its secondary MMU was young.
 */
static void test_page_referenced_ages_every_mapping(void **state)
{
	struct mt *t = *state;
	struct task_struct *init, *child;
	struct recorder *r, *rc;
	unsigned long p = t->page;

	init = fixture_task(t);
	setup_written(t);
	child = msim_fork(init, 0, "child");
	assert_false(IS_ERR(child));
	r = subscribe(t);
	rc = subscribe_mm(child->mm);
	rc->young = 1;
	/* The parent's PTE is young, the child's (old since fork) is not. */
	assert_int_equal(msim_page_referenced(t->mm, BASE), 2);
	assert_int_equal(msim_page_referenced(t->mm, BASE), 1);
	rc->young = 0;
	assert_int_equal(msim_page_referenced(child->mm, BASE), 0);
	const struct rec want[] = {
		CFY(BASE, BASE + p),
		CFY(BASE, BASE + p),
		CFY(BASE, BASE + p),
	};
	assert_log(r, want, 3);
	assert_log(rc, want, 3);
	assert_int_equal(msim_page_referenced(t->mm, BASE + 2 * p), -ENOENT);
	assert_int_equal(msim_page_referenced(t->mm, BASE + 8 * p), -EFAULT);
	mmu_notifier_unregister(&rc->mn, child->mm);
	free(rc);
	msim_exit(child);
	msim_task_put(child);
	free(init);
	unsubscribe(t, r);
}

/* Idle page tracking: ->clear_young, marking and reading alike. */
static void test_idle_tracking_is_clear_young(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;
	long pfn;

	setup_written(t);
	pfn = msim_pagemap_pfn(t->mm, BASE);
	assert_true(pfn > 0);
	r = subscribe(t);
	assert_int_equal(msim_page_idle_set(t->m, (unsigned long)pfn), 0);
	assert_int_equal(msim_page_idle_get(t->m, (unsigned long)pfn), 1);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_READ);
	assert_int_equal(msim_page_idle_get(t->m, (unsigned long)pfn), 0);
	/* A secondary MMU's access counts as one too. */
	assert_int_equal(msim_page_idle_set(t->m, (unsigned long)pfn), 0);
	r->young = 1;
	assert_int_equal(msim_page_idle_get(t->m, (unsigned long)pfn), 0);
	const struct rec want[] = {
		CY(BASE, BASE + p), CY(BASE, BASE + p), CY(BASE, BASE + p),
		CY(BASE, BASE + p), CY(BASE, BASE + p),
	};
	assert_log(r, want, 5);
	/* The access idle tracking took away still ages the page. */
	r->young = 0;
	assert_int_equal(msim_page_referenced(t->mm, BASE), 1);
	assert_int_equal(msim_page_idle_get(t->m, 0), -ENOENT);
	assert_int_equal(msim_page_idle_set(t->m, t->m->nr_frames), -EINVAL);
	unsubscribe(t, r);
}

/* khugepaged's test: the secondary MMUs are asked only for an old PTE. */
static void test_young_test_asks_only_for_old_ptes(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	setup_written(t);
	r = subscribe(t);
	assert_int_equal(msim_test_young(t->mm, BASE + 1), 1);
	assert_int_equal(msim_page_referenced(t->mm, BASE), 1);
	assert_int_equal(msim_test_young(t->mm, BASE), 0);
	r->young = 1;
	assert_int_equal(msim_test_young(t->mm, BASE), 1);
	const struct rec want[] = {
		CFY(BASE, BASE + p),
		TY(BASE),
		TY(BASE),
	};
	assert_log(r, want, 3);
	assert_int_equal(msim_test_young(t->mm, BASE + 3 * p), -ENOENT);
	unsubscribe(t, r);
}

/*
 * try_to_unmap_one(): per page, a CLEAR range around the PTE's
 * replacement, the secondary TLB flush once the swap PTE is in, and the
 * end's own flush.
 */
static void test_reclaim_is_clear_per_page(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	assert_int_equal(msim_swapon(t->m, 16), 0);
	setup_written(t);
	r = subscribe(t);
	assert_int_equal(msim_reclaim_range(t->mm, BASE, 4 * p), 2);
	check_all(t->mm);
	const struct rec want[] = {
		START(MMU_NOTIFY_CLEAR, BASE, BASE + p),
		INV(BASE, BASE + p),
		INV(BASE, BASE + p),
		END(MMU_NOTIFY_CLEAR, BASE, BASE + p),
		START(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
		INV(BASE + p, BASE + 2 * p),
		INV(BASE + p, BASE + 2 * p),
		END(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
	};
	assert_log(r, want, 8);
	/* Swap-in installs into a non-present PTE: silent. */
	r->n = 0;
	mt_touch(t->mm, BASE, 2 * p, MSIM_ACCESS_READ);
	assert_log(r, NULL, 0);
	unsubscribe(t, r);
}

/*
 * MADV_PAGEOUT: the same per page, and nothing else; since 6.9 it leaves
 * the accessed bits (reclaim ignores them) and so flushes no TLB.
 */
static void test_pageout_is_clear_per_page(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	assert_int_equal(msim_swapon(t->m, 16), 0);
	setup_written(t);
	r = subscribe(t);
	assert_int_equal(mt_madvise(t->mm, BASE, 4 * p, MADV_PAGEOUT), 0);
	const struct rec want[] = {
		START(MMU_NOTIFY_CLEAR, BASE, BASE + p),
		INV(BASE, BASE + p),
		INV(BASE, BASE + p),
		END(MMU_NOTIFY_CLEAR, BASE, BASE + p),
		START(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
		INV(BASE + p, BASE + 2 * p),
		INV(BASE + p, BASE + 2 * p),
		END(MMU_NOTIFY_CLEAR, BASE + p, BASE + 2 * p),
	};
	assert_log(r, want, 8);
	/* Unmapping swap PTEs: nothing was in a TLB, so no gather flush. */
	r->n = 0;
	assert_int_equal(mt_munmap(t->mm, BASE, 4 * p), 0);
	const struct rec unmap[] = {
		START(MMU_NOTIFY_UNMAP, BASE, BASE + 4 * p),
		INV(BASE, BASE + 4 * p),
		END(MMU_NOTIFY_UNMAP, BASE, BASE + 4 * p),
	};
	assert_log(r, unmap, 3);
	unsubscribe(t, r);
}

static void test_pageout_without_swap_is_silent(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page;

	setup_written(t);
	r = subscribe(t);
	assert_int_equal(mt_madvise(t->mm, BASE, 4 * p, MADV_PAGEOUT), 0);
	assert_log(r, NULL, 0);
	unsubscribe(t, r);
}

/* A pinned page: the attempt is made, and undone inside the range. */
static void test_reclaim_of_a_pinned_page(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	struct page *pin;
	unsigned long p = t->page;

	assert_int_equal(msim_swapon(t->m, 16), 0);
	setup_written(t);
	assert_int_equal(mt_pin_user_pages_remote(t->mm, BASE, 1, FOLL_WRITE,
						  &pin, NULL),
			 1);
	r = subscribe(t);
	assert_int_equal(msim_reclaim_range(t->mm, BASE, p), 0);
	const struct rec want[] = {
		START(MMU_NOTIFY_CLEAR, BASE, BASE + p),
		INV(BASE, BASE + p),
		END(MMU_NOTIFY_CLEAR, BASE, BASE + p),
	};
	assert_log(r, want, 3);
	unpin_user_page(pin);
	unsubscribe(t, r);
}

/*
 * migrate_vma: one MIGRATE range with the owner around the collection;
 * pages() maps the holes inside a second one, ended without a flush
 * (the zero page's replacement flushed and offered change_pte already).
 */
static void test_migrate_vma_is_migrate_with_owner(void **state)
{
	struct mt *t = *state;
	struct recorder *r;
	unsigned long p = t->page, src[4], dst[4], i;
	static int owner;
	struct migrate_vma args = {
		.start = BASE,
		.end = BASE + 4 * p,
		.src = src,
		.dst = dst,
		.pgmap_owner = &owner,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct page *page;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_touch(t->mm, BASE, p, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + p, p, MSIM_ACCESS_READ);
	r = subscribe(t);
	mmap_read_lock(t->mm);
	args.vma = vma_lookup(t->mm, BASE);
	assert_int_equal(migrate_vma_setup(&args), 0);
	assert_ptr_equal(r->owner, &owner);
	assert_int_equal(args.cpages, 4);
	for (i = 0; i < 4; i++) {
		page = msim_alloc_page(t->m, MSIM_ALLOC_FRAME);
		assert_non_null(page);
		dst[i] = migrate_pfn(page_to_pfn(page));
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	mmap_read_unlock(t->mm);
	check_all(t->mm);
	const struct rec want[] = {
		START(MMU_NOTIFY_MIGRATE, BASE, BASE + 4 * p),
		INV(BASE, BASE + 4 * p),
		END(MMU_NOTIFY_MIGRATE, BASE, BASE + 4 * p),
		START(MMU_NOTIFY_MIGRATE, BASE + p, BASE + 4 * p),
		INV(BASE + p, BASE + 2 * p),
		{ R_CHANGE_PTE, -1, BASE + p, BASE + p, false },
		END(MMU_NOTIFY_MIGRATE, BASE + p, BASE + 4 * p),
	};
	assert_log(r, want, 7);
	assert_ptr_equal(r->owner, &owner);
	assert_int_equal(mt_rss(t->mm), 4);
	unsubscribe(t, r);
}

/*
 * An interval subscription over one page sees what overlaps it: reclaim's
 * CLEAR of that page only, and migration's MIGRATE range with its owner,
 * which a driver recognises as its own and may skip.
 */
struct interval_rec {
	struct mmu_interval_notifier sub;
	int n;
	int event[8];
	void *owner[8];
	unsigned long start[8], end[8];
};

static bool interval_rec_invalidate(struct mmu_interval_notifier *sub,
				    const struct mmu_notifier_range *range,
				    unsigned long cur_seq)
{
	struct interval_rec *ir = container_of(sub, struct interval_rec, sub);

	mmu_interval_set_seq(sub, cur_seq);
	if (ir->n < 8) {
		ir->event[ir->n] = range->event;
		ir->owner[ir->n] = range->owner;
		ir->start[ir->n] = range->start;
		ir->end[ir->n] = range->end;
	}
	ir->n++;
	return true;
}

static const struct mmu_interval_notifier_ops interval_rec_ops = {
	.invalidate = interval_rec_invalidate,
};

static void test_interval_sees_reclaim_and_migration(void **state)
{
	struct mt *t = *state;
	struct interval_rec ir = { 0 };
	unsigned long p = t->page;
	static int owner;

	assert_int_equal(msim_swapon(t->m, 16), 0);
	setup_written(t);
	assert_int_equal(mmu_interval_notifier_insert(&ir.sub, t->mm, BASE + p,
						      p, &interval_rec_ops),
			 0);
	assert_int_equal(msim_reclaim_range(t->mm, BASE, 4 * p), 2);
	assert_int_equal(ir.n, 1);
	assert_int_equal(ir.event[0], MMU_NOTIFY_CLEAR);
	assert_int_equal(ir.start[0], BASE + p);
	assert_int_equal(ir.end[0], BASE + 2 * p);
	mt_touch(t->mm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	{
		unsigned long src[4], dst[4], i;
		struct migrate_vma args = {
			.start = BASE,
			.end = BASE + 4 * p,
			.src = src,
			.dst = dst,
			.pgmap_owner = &owner,
			.flags = MIGRATE_VMA_SELECT_SYSTEM,
		};

		mmap_read_lock(t->mm);
		args.vma = vma_lookup(t->mm, BASE);
		assert_int_equal(migrate_vma_setup(&args), 0);
		for (i = 0; i < 4; i++)
			dst[i] = 0;
		migrate_vma_pages(&args);
		migrate_vma_finalize(&args);
		mmap_read_unlock(t->mm);
	}
	check_all(t->mm);
	assert_int_equal(ir.n, 2);
	assert_int_equal(ir.event[1], MMU_NOTIFY_MIGRATE);
	assert_ptr_equal(ir.owner[1], &owner);
	assert_int_equal(ir.start[1], BASE);
	assert_int_equal(ir.end[1], BASE + 4 * p);
	mmu_interval_notifier_remove(&ir.sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_munmap_is_unmap_then_flush),
		mt_test(test_munmap_of_untouched_memory_flushes_nothing),
		mt_test(test_dontneed_is_clear),
		mt_test(test_mprotect_is_protection_vma_from_the_first_table),
		mt_test(test_mprotect_without_page_tables_is_silent),
		mt_test(test_fork_write_protects_the_parent),
		mt_test(test_cow_fault_is_clear_flush_and_change_pte),
		mt_test(test_first_write_fault_is_silent),
		mt_test(test_exit_releases_before_unmapping),
		mt_test(test_page_referenced_ages_every_mapping),
		mt_test(test_idle_tracking_is_clear_young),
		mt_test(test_young_test_asks_only_for_old_ptes),
		mt_test(test_reclaim_is_clear_per_page),
		mt_test(test_pageout_is_clear_per_page),
		mt_test(test_pageout_without_swap_is_silent),
		mt_test(test_reclaim_of_a_pinned_page),
		mt_test(test_migrate_vma_is_migrate_with_owner),
		mt_test(test_interval_sees_reclaim_and_migration),
		mt_test_coldfire(test_munmap_is_unmap_then_flush),
		mt_test_coldfire(test_cow_fault_is_clear_flush_and_change_pte),
		mt_test_coldfire(test_reclaim_is_clear_per_page),
		mt_test_coldfire(test_migrate_vma_is_migrate_with_owner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
