// SPDX-License-Identifier: MIT
/*
 * Both mmu_notifier APIs in one program: tests/kernel/notifier_driver.c,
 * a device TLB driver written once in kernel style, is compiled against
 * Linux 6.18's API (v618_) and against 6.5's (v65_, with
 * MSIM_LINUX_VERSION_CODE), and the two copies sit on one mm through the
 * same sequence of operations.  The model calls each the hooks it has:
 * ->arch_invalidate_secondary_tlbs for the first, ->invalidate_range and
 * ->change_pte for the second; both keep coherent TLBs, checked against
 * the page tables after every step.
 */
#include "mmsim_kernel_test.h"

#define NDRV_PREFIX v618_
#include "kernel/notifier_driver.h"
#undef NDRV_PREFIX
#define NDRV_PREFIX v65_
#include "kernel/notifier_driver.h"

/* Every translation either device holds is the page the PTE maps. */
static void assert_coherent(struct tt *t, struct mm_struct *mm, struct ndrv *a,
			    struct ndrv *b, unsigned long n)
{
	unsigned long i, pfn;

	for (i = 0; i < n; i++) {
		pte_t pte = mt_pte(mm, BASE + i * t->page);

		if (v618_holds(a, BASE + i * t->page, &pfn)) {
			assert_true(pte_present(pte));
			assert_int_equal(pfn, pte_pfn(pte));
		}
		if (v65_holds(b, BASE + i * t->page, &pfn)) {
			assert_true(pte_present(pte));
			assert_int_equal(pfn, pte_pfn(pte));
		}
	}
	tt_check(t->m);
}

static void read_all(struct tt *t, struct ndrv *a, struct ndrv *b,
		     unsigned long n, unsigned char seed)
{
	unsigned char x, y;
	unsigned long i;

	for (i = 0; i < n; i++) {
		assert_int_equal(v618_read(a, BASE + i * t->page + 3, &x), 0);
		assert_int_equal(v65_read(b, BASE + i * t->page + 3, &y), 0);
		assert_int_equal(x, (unsigned char)(seed + i));
		assert_int_equal(y, x);
	}
}

static void write_all(struct tt *t, struct mm_struct *mm, unsigned long n,
		      unsigned char seed)
{
	unsigned char x;
	unsigned long i;

	for (i = 0; i < n; i++) {
		x = (unsigned char)(seed + i);
		tt_write(mm, BASE + i * t->page + 3, &x, 1);
	}
}

static void test_both_apis_on_one_mm(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct v618_stats sa, sa0;
	struct v65_stats sb, sb0;
	struct task_struct *child;
	struct ndrv *a, *b;

	a = v618_attach(mm);
	b = v65_attach(mm);
	assert_false(IS_ERR(a) || IS_ERR(b));
	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	write_all(t, mm, 4, 0x10);
	read_all(t, a, b, 4, 0x10);
	v618_stats(a, &sa);
	v65_stats(b, &sb);
	assert_int_equal(sa.entries, 4);
	assert_int_equal(sb.entries, 4);
	assert_coherent(t, mm, a, b, 4);

	/* munmap: the range goes at start, the TLBs are flushed after. */
	sa0 = sa;
	sb0 = sb;
	tt_munmap(mm, BASE + 3 * t->page, t->page);
	v618_stats(a, &sa);
	v65_stats(b, &sb);
	assert_false(v618_holds(a, BASE + 3 * t->page, NULL));
	assert_false(v65_holds(b, BASE + 3 * t->page, NULL));
	assert_true(sa.tlb_flushes > sa0.tlb_flushes);
	assert_true(sb.tlb_flushes > sb0.tlb_flushes);
	assert_int_equal(sa.starts, sa0.starts + 1);
	assert_int_equal(sb.ends, sb0.ends + 1);
	assert_coherent(t, mm, a, b, 3);

	/*
	 * fork, then a CPU write: COW replaces page 0.  Linux 6.18 tells
	 * the TLB through the flush of ptep_clear_flush(); 6.5 through
	 * ->invalidate_range and ->change_pte.
	 */
	child = tt_fork(t, t->task[0], 0);
	read_all(t, a, b, 3, 0x10);
	v618_stats(a, &sa0);
	v65_stats(b, &sb0);
	write_all(t, mm, 1, 0x40);
	v618_stats(a, &sa);
	v65_stats(b, &sb);
	assert_true(sa.tlb_flushes > sa0.tlb_flushes);
	assert_int_equal(sa.change_ptes, 0);
	assert_true(sb.tlb_flushes > sb0.tlb_flushes);
	assert_int_equal(sb.change_ptes, sb0.change_ptes + 1);
	assert_coherent(t, mm, a, b, 3);
	{
		unsigned char x;

		assert_int_equal(v618_read(a, BASE + 3, &x), 0);
		assert_int_equal(x, 0x40);
		assert_int_equal(v65_read(b, BASE + 3, &x), 0);
		assert_int_equal(x, 0x40);
	}
	assert_coherent(t, mm, a, b, 3);
	tt_put(t, child);

	/* mprotect: the 6.6 hook hears of the TLB flush. */
	v618_stats(a, &sa0);
	tt_mprotect(mm, BASE, 3 * t->page, PROT_READ);
	v618_stats(a, &sa);
	assert_true(sa.tlb_flushes > sa0.tlb_flushes);
	assert_coherent(t, mm, a, b, 3);

	/*
	 * Each raises an invalidation with its version's range_init(); the
	 * other hears of it too.
	 */
	v618_stats(a, &sa0);
	v65_stats(b, &sb0);
	v618_self_invalidate(a, BASE, BASE + t->page);
	v65_self_invalidate(b, BASE, BASE + t->page);
	v618_stats(a, &sa);
	v65_stats(b, &sb);
	assert_int_equal(sa.starts, sa0.starts + 2);
	assert_int_equal(sb.ends, sb0.ends + 2);
	assert_false(v618_holds(a, BASE, NULL) || v65_holds(b, BASE, NULL));

	v618_detach(a);
	v65_detach(b);
}

/* The exit releases both; detaching after the exit calls nothing more. */
static void test_exit_releases_both(void **state)
{
	struct tt *t = *state;
	struct task_struct *tsk = tt_new_task(t, "exiting");
	struct mm_struct *mm = tsk->mm;
	struct v618_stats sa;
	struct v65_stats sb;
	struct ndrv *a, *b;
	unsigned char x;

	a = v618_attach(mm);
	b = v65_attach(mm);
	tt_map(mm, BASE, t->page, PROT_RW);
	assert_int_equal(v618_read(a, BASE, &x), 0);
	assert_int_equal(v65_read(b, BASE, &x), 0);
	mmgrab(mm);
	tt_exit(t, tsk);
	v618_stats(a, &sa);
	v65_stats(b, &sb);
	assert_int_equal(sa.releases, 1);
	assert_int_equal(sb.releases, 1);
	assert_int_equal(sa.entries, 0);
	assert_int_equal(sb.entries, 0);
	v618_detach(a);
	v65_detach(b);
	mmdrop(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_test(test_both_apis_on_one_mm),
		kt_test_coldfire(test_both_apis_on_one_mm),
		kt_test(test_exit_releases_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
