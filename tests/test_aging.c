// SPDX-License-Identifier: MIT
/*
 * The accessed and dirty bits as the simulated CPU and the faults set
 * them, and their aging: page_referenced() across processes, idle page
 * tracking, khugepaged's test.  The notifier side of each is in
 * test_mmu_notifier_events.c.
 */
#include "mmsim_task_test.h"

static bool young(struct mm_struct *mm, unsigned long addr)
{
	return pte_young(mm->arch, mt_pte(mm, addr));
}

static bool dirty(struct mm_struct *mm, unsigned long addr)
{
	return pte_dirty(mm->arch, mt_pte(mm, addr));
}

static void test_accesses_set_young_and_dirty(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	unsigned long p = t->page;
	unsigned char byte = 1;

	tt_map(mm, BASE, 3 * p, PROT_RW);
	/* A fault alone maps the page young, as the access it serves. */
	assert_int_equal(msim_handle_user_fault(mm, BASE, MSIM_ACCESS_READ), 0);
	assert_true(young(mm, BASE));
	assert_int_equal(
		msim_handle_user_fault(mm, BASE + p, MSIM_ACCESS_WRITE), 0);
	assert_true(young(mm, BASE + p));
	assert_true(dirty(mm, BASE + p));
	tt_check(t->m);

	assert_int_equal(msim_page_referenced(mm, BASE + p), 1);
	assert_false(young(mm, BASE + p));
	assert_true(dirty(mm, BASE + p));
	/* Reads through the PTE set young, not dirty. */
	assert_int_equal(tt_read(mm, BASE + p, &byte, 1), 0);
	assert_true(young(mm, BASE + p));
	assert_int_equal(msim_page_referenced(mm, BASE + p), 1);
	assert_int_equal(msim_page_referenced(mm, BASE + p), 0);
	assert_int_equal(msim_test_young(mm, BASE + p), 0);
	assert_int_equal(tt_write(mm, BASE + p, &byte, 1), 0);
	assert_int_equal(msim_test_young(mm, BASE + p), 1);

	/* The zero page is no page to age; a hole has no PTE. */
	assert_int_equal(msim_page_referenced(mm, BASE), -ENOENT);
	assert_int_equal(msim_test_young(mm, BASE), 1);
	assert_int_equal(msim_test_young(mm, BASE + 2 * p), -ENOENT);
	assert_int_equal(msim_test_young(mm, BASE + 3 * p), -EFAULT);
}

/* Each mapping that used the page counts once, wherever it is. */
static void test_referenced_counts_mappings_across_fork(void **state)
{
	struct tt *t = *state;
	struct task_struct *child;
	struct mm_struct *mm = t->task[0]->mm, *cmm;
	unsigned long p = t->page;
	unsigned long vm_flags;
	unsigned char byte = 3;

	tt_map(mm, BASE, p, PROT_RW);
	assert_int_equal(tt_write(mm, BASE, &byte, 1), 0);
	child = tt_fork(t, t->task[0], 0);
	cmm = child->mm;
	/* fork() makes the child's PTEs old. */
	assert_false(young(cmm, BASE));
	assert_int_equal(page_referenced(tt_page(mm, BASE), 0, NULL, &vm_flags),
			 1);
	assert_true(vm_flags & VM_WRITE);
	assert_int_equal(tt_read(cmm, BASE, &byte, 1), 0);
	assert_int_equal(tt_read(mm, BASE, &byte, 1), 0);
	assert_int_equal(msim_page_referenced(cmm, BASE), 2);
	assert_int_equal(msim_page_referenced(cmm, BASE), 0);
	tt_check(t->m);
}

static void test_idle_pages(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	unsigned long p = t->page;
	long pfn0, pfn1;

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_touch(mm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	pfn0 = msim_pagemap_pfn(mm, BASE);
	pfn1 = msim_pagemap_pfn(mm, BASE + p + 5);
	assert_true(pfn0 > 0 && pfn1 > 0 && pfn0 != pfn1);
	/* Never marked: not idle. */
	assert_int_equal(msim_page_idle_get(t->m, pfn0), 0);
	assert_int_equal(msim_page_idle_set(t->m, pfn0), 0);
	assert_int_equal(msim_page_idle_set(t->m, pfn1), 0);
	assert_false(young(mm, BASE));
	tt_touch(mm, BASE + p, 1, MSIM_ACCESS_READ);
	assert_int_equal(msim_page_idle_get(t->m, pfn0), 1);
	assert_int_equal(msim_page_idle_get(t->m, pfn1), 0);
	/* Reading took the access from the PTE, but aging still sees it. */
	assert_false(young(mm, BASE + p));
	assert_int_equal(msim_page_referenced(mm, BASE + p), 1);
	/* So does the access before marking: PG_young kept it for vmscan. */
	assert_int_equal(msim_page_referenced(mm, BASE), 1);
	assert_int_equal(msim_page_referenced(mm, BASE), 0);
	assert_int_equal(msim_pagemap_pfn(mm, BASE + 4 * p), -EFAULT);
	tt_check(t->m);
}

/*
 * GUP records its access in the page, not the PTE (FOLL_TOUCH): the page
 * is no longer idle, and khugepaged's test sees it, without asking the
 * secondary MMUs.
 */
static void test_gup_marks_the_page_accessed(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct page *page;
	long pfn;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_touch(mm, BASE, 1, MSIM_ACCESS_WRITE);
	pfn = msim_pagemap_pfn(mm, BASE);
	assert_int_equal(msim_page_idle_set(t->m, pfn), 0);
	assert_int_equal(msim_page_referenced(mm, BASE), 1);
	assert_int_equal(msim_test_young(mm, BASE), 0);
	assert_int_equal(mt_get_user_pages_remote(mm, BASE, 1, 0, &page, NULL),
			 1);
	assert_false(young(mm, BASE));
	assert_int_equal(msim_test_young(mm, BASE), 1);
	assert_int_equal(msim_page_idle_get(t->m, pfn), 0);
	put_page(page);
	tt_check(t->m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_accesses_set_young_and_dirty),
		tt_test(test_referenced_counts_mappings_across_fork),
		tt_test(test_idle_pages),
		tt_test(test_gup_marks_the_page_accessed),
		tt_test_coldfire(test_accesses_set_young_and_dirty),
		tt_test_coldfire(test_idle_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
