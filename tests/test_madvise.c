// SPDX-License-Identifier: MIT
/*
 * madvise(2): the advice that sets VMA flags (and so splits and merges
 * like mprotect, but only when a flag really changes), MADV_DONTNEED
 * dropping pages, ranges with holes, the argument checks in Linux's
 * order, and a split refused at vm.max_map_count turned into -EAGAIN.
 */
#include "mmsim_vma_picture.h"

#define RW (VM_READ | VM_WRITE)

static vm_flags_t flags_at(struct mt *t, unsigned long addr)
{
	struct vm_area_struct *vma = mt_vma(t->mm, addr);

	assert_non_null(vma);
	return vma->vm_flags;
}

/* Every flag advice on a whole VMA: the flag it sets or clears, no split. */
static void test_each_advice_sets_or_clears_its_flag(void **state)
{
	struct mt *t = *state;
	static const struct {
		int advice;
		vm_flags_t set, clear;
	} cases[] = {
		{ MADV_SEQUENTIAL, VM_SEQ_READ, VM_RAND_READ },
		{ MADV_RANDOM, VM_RAND_READ, VM_SEQ_READ },
		{ MADV_SEQUENTIAL, VM_SEQ_READ, VM_RAND_READ },
		{ MADV_NORMAL, 0, VM_SEQ_READ | VM_RAND_READ },
		{ MADV_DONTFORK, VM_DONTCOPY, 0 },
		{ MADV_DOFORK, 0, VM_DONTCOPY },
		{ MADV_WIPEONFORK, VM_WIPEONFORK, 0 },
		{ MADV_KEEPONFORK, 0, VM_WIPEONFORK },
		{ MADV_DONTDUMP, VM_DONTDUMP, 0 },
		{ MADV_DODUMP, 0, VM_DONTDUMP },
	};
	const vm_flags_t others = ~(VM_SEQ_READ | VM_RAND_READ | VM_DONTCOPY |
				    VM_WIPEONFORK | VM_DONTDUMP);
	vm_flags_t orig;
	unsigned int i;

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	orig = flags_at(t, BASE);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vm_flags_t f;

		assert_int_equal(
			mt_madvise(t->mm, BASE, 4 * t->page, cases[i].advice),
			0);
		f = flags_at(t, BASE);
		if ((f & cases[i].set) != cases[i].set ||
		    (f & cases[i].clear) || (f & others) != (orig & others))
			fail_msg("advice %d: flags %#lx", cases[i].advice, f);
		assert_int_equal(t->mm->map_count, 1);
	}
	/* Back where it started. */
	assert_int_equal(flags_at(t, BASE), orig);
}

/* THP advice: each sets its flag and clears the other (x86_64 has THP). */
static void test_hugepage_advice_sets_one_and_clears_the_other(void **state)
{
	struct mt *t = *state;
	char buf[128];

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	assert_int_equal(mt_madvise(t->mm, BASE, 4 * t->page, MADV_HUGEPAGE),
			 0);
	assert_int_equal(flags_at(t, BASE) & (VM_HUGEPAGE | VM_NOHUGEPAGE),
			 VM_HUGEPAGE);
	assert_int_equal(mt_madvise(t->mm, BASE, 4 * t->page, MADV_NOHUGEPAGE),
			 0);
	assert_int_equal(flags_at(t, BASE) & (VM_HUGEPAGE | VM_NOHUGEPAGE),
			 VM_NOHUGEPAGE);
	msim_vm_flags_string(flags_at(t, BASE), buf, sizeof(buf));
	assert_string_equal(buf, "rd wr mr mw me ac nh ");
	assert_int_equal(t->mm->map_count, 1);
}

/*
 * Without CONFIG_TRANSPARENT_HUGEPAGE (ColdFire) MADV_HUGEPAGE is not a
 * valid advice at all: madvise_behavior_valid() refuses it with -EINVAL
 * before the range is looked at, len 0 and unmapped ranges included.
 */
static void test_coldfire_hugepage_advice_is_einval_before_range(void **state)
{
	struct mt *t = *state;

	assert_int_equal(mt_madvise(t->mm, CF_UNMAPPED_BASE, 0, MADV_HUGEPAGE),
			 -EINVAL);
	assert_int_equal(
		mt_madvise(t->mm, CF_UNMAPPED_BASE, t->page, MADV_NOHUGEPAGE),
		-EINVAL);
	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, t->page, PROT_RW);
	assert_int_equal(
		mt_madvise(t->mm, CF_UNMAPPED_BASE, t->page, MADV_HUGEPAGE),
		-EINVAL);
	assert_false(flags_at(t, CF_UNMAPPED_BASE) &
		     (VM_HUGEPAGE | VM_NOHUGEPAGE));
}

/* MADV_DONTNEED_LOCKED (5.18+) is MADV_DONTNEED that may also drop
 * mlocked pages: on an ordinary VMA the two are the same. */
static void test_dontneed_locked_drops_pages_like_dontneed(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	mt_fill(t, BASE, 2, 0x3c);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, 24 /* LOCKED */), 0);
	assert_int_equal(mt_rss(t->mm), 1);
	mt_assert_filled(t, BASE, 1, 0);
	mt_assert_filled(t, BASE + t->page, 1, 0x3c);
}

/* Advice on part of a VMA splits it; undoing it merges the parts again. */
static void test_advice_on_middle_splits_and_undo_merges_back(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	assert_int_equal(
		mt_madvise(t->mm, BASE + 2 * p, 2 * p, MADV_SEQUENTIAL), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aabbcc.", "rw- rw- rw-");
	assert_int_equal(t->mm->map_count, 3);
	assert_false(flags_at(t, BASE) & VM_SEQ_READ);
	vma = mt_vma(t->mm, BASE + 2 * p);
	assert_true(vma->vm_flags & VM_SEQ_READ);
	assert_false(flags_at(t, BASE + 4 * p) & VM_SEQ_READ);

	/* Growing it at one edge moves a page across. */
	assert_int_equal(mt_madvise(t->mm, BASE + 4 * p, p, MADV_SEQUENTIAL),
			 0);
	assert_vmas_prot(t->mm, BASE - p, ".aabbbc.", "rw- rw- rw-");
	assert_int_equal(t->mm->map_count, 3);

	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, 3 * p, MADV_NORMAL),
			 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaa.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
}

/* Nothing to change, nothing to split (madvise_update_vma()). */
static void test_unchanged_flags_do_not_split(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, p, MADV_NORMAL), 0);
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, p, MADV_DOFORK), 0);
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, p, MADV_KEEPONFORK),
			 0);
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, p, MADV_DODUMP), 0);
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, p, MADV_WILLNEED), 0);
	assert_vmas(t->mm, BASE - p, ".aaaaaa.");
	assert_int_equal(t->mm->map_count, 1);

	assert_int_equal(mt_madvise(t->mm, BASE, 6 * p, MADV_RANDOM), 0);
	assert_int_equal(mt_madvise(t->mm, BASE + p, p, MADV_RANDOM), 0);
	assert_vmas(t->mm, BASE - p, ".aaaaaa.");
	assert_int_equal(t->mm->map_count, 1);
}

/*
 * MADV_DONTNEED: the pages go (rss, frames), the VMA and its charge
 * stay, and the range reads back as zeros.
 */
static void test_dontneed_frees_pages_and_reads_back_zeros(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, free_before;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_fill(t, BASE, 4, 0xab);
	assert_int_equal(mt_rss(t->mm), 4);
	free_before = msim_nr_free_frames(t->m);

	assert_int_equal(mt_madvise(t->mm, BASE + p, 2 * p, MADV_DONTNEED), 0);
	assert_int_equal(mt_rss(t->mm), 2);
	assert_int_equal(msim_nr_free_frames(t->m), free_before + 2);
	assert_true(pte_none(mt_pte(t->mm, BASE + p)));
	assert_true(pte_none(mt_pte(t->mm, BASE + 2 * p)));
	assert_vmas_prot(t->mm, BASE - p, ".AaaA.", "rw-");
	vma = mt_vma(t->mm, BASE);
	assert_non_null(vma->anon_vma);
	assert_int_equal(mt_committed(t->m), 4);

	mt_assert_filled(t, BASE + p, 2, 0);
	mt_assert_filled(t, BASE, 1, 0xab);
	mt_assert_filled(t, BASE + 3 * p, 1, 0xab);
	/* The reads mapped the zero page: still no new frames. */
	assert_int_equal(mt_rss(t->mm), 2);
	assert_true(is_zero_pfn(pte_pfn(t->mm->arch, mt_pte(t->mm, BASE + p))));
}

/* On the zero page DONTNEED just clears the PTEs. */
static void test_dontneed_clears_zero_page_mappings(void **state)
{
	struct mt *t = *state;
	unsigned long free_before = msim_nr_free_frames(t->m);

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_READ);
	mt_touch(t->mm, BASE, 2 * t->page, MSIM_ACCESS_READ);
	assert_false(pte_none(mt_pte(t->mm, BASE)));
	assert_vmas(t->mm, BASE - t->page, ".AA.");
	assert_int_equal(mt_madvise(t->mm, BASE, 2 * t->page, MADV_DONTNEED),
			 0);
	assert_true(pte_none(mt_pte(t->mm, BASE)));
	assert_vmas(t->mm, BASE - t->page, ".aa.");
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(msim_nr_free_frames(t->m), free_before);
}

/*
 * Holes: the advice still reaches every mapped part of the range, and the
 * call reports -ENOMEM for the hole.
 */
static void test_holes_get_advice_on_mapped_parts_and_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	/* A: 0-2, hole 2-3, C: 3-5, hole 5-6, E: 6-7. */
	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 3 * p, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 6 * p, p, PROT_RW);

	assert_vmas(t->mm, BASE - p, ".aa.bb.c.");
	assert_int_equal(mt_madvise(t->mm, BASE, 7 * p, MADV_SEQUENTIAL),
			 -ENOMEM);
	assert_vmas(t->mm, BASE - p, ".aa.bb.c.");
	assert_true(flags_at(t, BASE) & VM_SEQ_READ);
	assert_true(flags_at(t, BASE + 3 * p) & VM_SEQ_READ);
	assert_true(flags_at(t, BASE + 6 * p) & VM_SEQ_READ);

	/* Starting in a hole, ending in the middle of C. */
	assert_int_equal(mt_madvise(t->mm, BASE + 2 * p, 2 * p, MADV_RANDOM),
			 -ENOMEM);
	assert_vmas_prot(t->mm, BASE - p, ".aa.bc.d.", "rw- rw- rw- rw-");
	assert_true(flags_at(t, BASE + 3 * p) & VM_RAND_READ);
	assert_true(flags_at(t, BASE + 4 * p) & VM_SEQ_READ);
	assert_true(flags_at(t, BASE) & VM_SEQ_READ);

	/* Running past the last VMA. */
	assert_int_equal(mt_madvise(t->mm, BASE + 6 * p, 4 * p, MADV_DONTFORK),
			 -ENOMEM);
	assert_true(flags_at(t, BASE + 6 * p) & VM_DONTCOPY);

	/* DONTNEED across holes zaps what is mapped. */
	mt_fill(t, BASE, 2, 1);
	mt_fill(t, BASE + 3 * p, 2, 2);
	assert_vmas(t->mm, BASE - p, ".AA.BC.d.");
	assert_int_equal(mt_madvise(t->mm, BASE + p, 3 * p, MADV_DONTNEED),
			 -ENOMEM);
	assert_vmas(t->mm, BASE - p, ".Aa.bC.d.");
	assert_int_equal(mt_rss(t->mm), 2);
	mt_assert_filled(t, BASE, 1, 1);
	mt_assert_filled(t, BASE + 4 * p, 1, 2);
}

static void test_no_vma_in_range_is_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	assert_int_equal(mt_madvise(t->mm, BASE, p, MADV_SEQUENTIAL), -ENOMEM);
	assert_int_equal(mt_madvise(t->mm, BASE, p, MADV_DONTNEED), -ENOMEM);
	mt_map_fixed(t->mm, BASE, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 4 * p, p, PROT_RW);
	/* In the hole between, and above the last. */
	assert_int_equal(mt_madvise(t->mm, BASE + p, 3 * p, MADV_RANDOM),
			 -ENOMEM);
	assert_int_equal(mt_madvise(t->mm, BASE + 8 * p, p, MADV_RANDOM),
			 -ENOMEM);
	assert_vmas(t->mm, BASE - p, ".a...b.");
	assert_false(flags_at(t, BASE) & VM_RAND_READ);
	assert_false(flags_at(t, BASE + 4 * p) & VM_RAND_READ);
}

/* The advice is looked at first: before the range, even when len is 0. */
static void test_unknown_advice_is_einval_even_with_zero_length(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, 12345), -EINVAL);
	assert_int_equal(mt_madvise(t->mm, BASE, 0, 12345), -EINVAL);
	assert_int_equal(mt_madvise(t->mm, BASE + 1, 0, 12345), -EINVAL);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, -1), -EINVAL);
	assert_int_equal(t->mm->map_count, 1);
}

static void test_unaligned_start_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(
		mt_madvise(t->mm, BASE + 0x800, t->page, MADV_SEQUENTIAL),
		-EINVAL);
	assert_int_equal(mt_madvise(t->mm, BASE + 1, 0, MADV_NORMAL), -EINVAL);
	assert_false(flags_at(t, BASE) & VM_SEQ_READ);
}

static void test_zero_length_is_a_no_op(void **state)
{
	struct mt *t = *state;

	/* Nothing mapped there, and still 0. */
	assert_int_equal(mt_madvise(t->mm, BASE, 0, MADV_DONTNEED), 0);
	assert_int_equal(mt_madvise(t->mm, BASE, 0, MADV_SEQUENTIAL), 0);
}

static void test_length_is_rounded_up_and_must_not_wrap(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 3 * t->page, PROT_RW);
	assert_int_equal(mt_madvise(t->mm, BASE, 1, MADV_SEQUENTIAL), 0);
	assert_vmas_prot(t->mm, BASE - t->page, ".abb.", "rw- rw-");
	assert_true(flags_at(t, BASE) & VM_SEQ_READ);
	/* A length that rounds up to 0, and one that wraps the range. */
	assert_int_equal(mt_madvise(t->mm, BASE, ~0UL, MADV_SEQUENTIAL),
			 -EINVAL);
	assert_int_equal(
		mt_madvise(t->mm, BASE, 0UL - BASE + t->page, MADV_SEQUENTIAL),
		-EINVAL);
	assert_int_equal(t->mm->map_count, 2);
}

/*
 * A split beyond vm.max_map_count is -ENOMEM inside, -EAGAIN to the user.
 * The split at the start is made before the one at the end fails, and
 * stays: the VMA is left in two pieces, neither with the new flag.
 */
static void test_split_beyond_max_map_count_is_eagain(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	t->m->sysctl_max_map_count = 1;
	assert_int_equal(
		mt_madvise(t->mm, BASE + 2 * p, 2 * p, MADV_SEQUENTIAL),
		-EAGAIN);
	assert_int_equal(mt_madvise(t->mm, BASE, p, MADV_SEQUENTIAL), -EAGAIN);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaa.", "rw-");
	/* The whole VMA needs no split. */
	assert_int_equal(mt_madvise(t->mm, BASE, 6 * p, MADV_DONTFORK), 0);
	assert_int_equal(t->mm->map_count, 1);

	t->m->sysctl_max_map_count = 2;
	assert_int_equal(
		mt_madvise(t->mm, BASE + 2 * p, 2 * p, MADV_SEQUENTIAL),
		-EAGAIN);
	assert_vmas_prot(t->mm, BASE - p, ".aabbbb.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	assert_false(flags_at(t, BASE) & VM_SEQ_READ);
	assert_false(flags_at(t, BASE + 2 * p) & VM_SEQ_READ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_each_advice_sets_or_clears_its_flag),
		mt_test(test_hugepage_advice_sets_one_and_clears_the_other),
		mt_test_coldfire(
			test_coldfire_hugepage_advice_is_einval_before_range),
		mt_test(test_dontneed_locked_drops_pages_like_dontneed),
		mt_test(test_advice_on_middle_splits_and_undo_merges_back),
		mt_test(test_unchanged_flags_do_not_split),
		mt_test(test_dontneed_frees_pages_and_reads_back_zeros),
		mt_test(test_dontneed_clears_zero_page_mappings),
		mt_test(test_holes_get_advice_on_mapped_parts_and_enomem),
		mt_test(test_no_vma_in_range_is_enomem),
		mt_test(test_unknown_advice_is_einval_even_with_zero_length),
		mt_test(test_unaligned_start_is_einval),
		mt_test(test_zero_length_is_a_no_op),
		mt_test(test_length_is_rounded_up_and_must_not_wrap),
		mt_test(test_split_beyond_max_map_count_is_eagain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
