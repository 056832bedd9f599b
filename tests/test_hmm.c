// SPDX-License-Identifier: MIT
/*
 * hmm_range_fault() as Linux 6.18 has it: what a snapshot without a
 * fault request reports (HMM_PFN_ERROR for a hole and for a PROT_NONE
 * VMA, returning 0, which the kernel's hmm selftest "snapshot" relies
 * on; 0 for a page not yet populated), what a fault request does there
 * (-EFAULT, -EPERM), the sticky input flags, and the one-argument
 * helpers: hmm_pfn_to_page(), hmm_pfn_to_map_order(),
 * migrate_pfn_to_page(), with msim_current_machine() naming the machine.
 */
#include "mmsim_test.h"

static bool noop_invalidate(struct mmu_interval_notifier *mni,
			    const struct mmu_notifier_range *range,
			    unsigned long cur_seq)
{
	(void)range;
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops noop_ops = {
	.invalidate = noop_invalidate,
};

/*
 * One snapshot of [@start, @start + @n pages) with @flags requested for
 * every page; *@pfns gets the entries (their input bits preset by the
 * caller).  Return: hmm_range_fault()'s result.
 */
static int snapshot(struct mt *t, unsigned long start, unsigned long n,
		    unsigned long flags, unsigned long *pfns)
{
	struct mmu_interval_notifier mni;
	struct hmm_range range = {
		.notifier = &mni,
		.start = start,
		.end = start + n * t->page,
		.hmm_pfns = pfns,
		.default_flags = flags,
	};
	int ret;

	assert_int_equal(mmu_interval_notifier_insert(&mni, t->mm, start,
						      n * t->page, &noop_ops),
			 0);
	do {
		range.notifier_seq = mmu_interval_read_begin(&mni);
		mmap_read_lock(t->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(t->mm);
	} while (ret == -EBUSY);
	mmu_interval_notifier_remove(&mni);
	check_all(t->mm);
	return ret;
}

static unsigned long pfn_at(struct mt *t, unsigned long addr)
{
	return pte_pfn(t->mm->arch, mt_pte(t->mm, addr));
}

/*
 * [0]: written, [1]: read (the zero page), [2]: untouched, [3]: a hole,
 * [4]: PROT_NONE, [5]: read-only, written before.
 */
static void layout(struct mt *t)
{
	unsigned char b = 1;

	mt_map_fixed(t->mm, BASE, 3 * t->page, PROT_RW);
	mt_map_fixed(t->mm, BASE + 4 * t->page, t->page, PROT_NONE);
	mt_map_fixed(t->mm, BASE + 5 * t->page, t->page, PROT_RW);
	mt_touch(t->mm, BASE, t->page, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + t->page, t->page, MSIM_ACCESS_READ);
	assert_int_equal(msim_user_write(t->mm, BASE + 5 * t->page, &b, 1), 0);
	mt_mprotect(t->mm, BASE + 5 * t->page, t->page, PROT_READ);
}

static void test_snapshot_reports_holes_and_prot_none_as_errors(void **state)
{
	struct mt *t = *state;
	unsigned long pfns[6] = { 0 };

	layout(t);
	assert_int_equal(snapshot(t, BASE, 6, 0, pfns), 0);
	assert_int_equal(pfns[0],
			 pfn_at(t, BASE) | HMM_PFN_VALID | HMM_PFN_WRITE);
	/* The zero page: valid, read-only, pfn 0. */
	assert_int_equal(pfns[1], HMM_PFN_VALID);
	assert_int_equal(pfns[2], 0);
	assert_int_equal(pfns[3], HMM_PFN_ERROR);
	assert_int_equal(pfns[4], HMM_PFN_ERROR);
	assert_int_equal(pfns[5],
			 pfn_at(t, BASE + 5 * t->page) | HMM_PFN_VALID);
	/* Nothing was faulted: the untouched page is still empty. */
	assert_true(pte_none(mt_pte(t->mm, BASE + 2 * t->page)));
}

static void test_fault_requests_over_holes_and_prot_none_fail(void **state)
{
	struct mt *t = *state;
	unsigned long pfns[6] = { 0 };

	layout(t);
	/* Faulting what is there works, the write breaking COW... */
	assert_int_equal(snapshot(t, BASE, 3,
				  HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE, pfns),
			 0);
	assert_int_equal(pfns[1], pfn_at(t, BASE + t->page) | HMM_PFN_VALID |
					  HMM_PFN_WRITE);
	assert_true(pfns[1] & ~HMM_PFN_FLAGS);
	assert_int_equal(pfns[2], pfn_at(t, BASE + 2 * t->page) |
					  HMM_PFN_VALID | HMM_PFN_WRITE);
	/* ... but not over a hole, nor in a PROT_NONE VMA. */
	memset(pfns, 0, sizeof(pfns));
	assert_int_equal(snapshot(t, BASE, 4, HMM_PFN_REQ_FAULT, pfns),
			 -EFAULT);
	assert_int_equal(
		snapshot(t, BASE + 4 * t->page, 1, HMM_PFN_REQ_FAULT, pfns),
		-EFAULT);
	/* A write request on a read-only VMA. */
	assert_int_equal(snapshot(t, BASE + 5 * t->page, 1,
				  HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE, pfns),
			 -EPERM);
	/* A request per entry, through pfn_flags_mask. */
	{
		struct mmu_interval_notifier mni;
		unsigned long in[2] = { 0, HMM_PFN_REQ_FAULT };
		struct hmm_range range = {
			.notifier = &mni,
			.start = BASE + 3 * t->page,
			.end = BASE + 5 * t->page,
			.hmm_pfns = in,
			.pfn_flags_mask = HMM_PFN_REQ_FAULT,
		};

		assert_int_equal(
			mmu_interval_notifier_insert(&mni, t->mm, range.start,
						     2 * t->page, &noop_ops),
			0);
		range.notifier_seq = mmu_interval_read_begin(&mni);
		mmap_read_lock(t->mm);
		assert_int_equal(hmm_range_fault(&range), -EFAULT);
		in[1] = 0;
		assert_int_equal(hmm_range_fault(&range), 0);
		mmap_read_unlock(t->mm);
		assert_int_equal(in[0], HMM_PFN_ERROR);
		assert_int_equal(in[1], HMM_PFN_ERROR);
		mmu_interval_notifier_remove(&mni);
	}
}

/* The sticky flags of an input entry survive into the output. */
static void test_sticky_flags_are_kept(void **state)
{
	struct mt *t = *state;
	unsigned long pfns[2] = { HMM_PFN_DMA_MAPPED, HMM_PFN_P2PDMA };

	layout(t);
	assert_int_equal(snapshot(t, BASE + 2 * t->page, 2, 0, pfns), 0);
	assert_int_equal(pfns[0], HMM_PFN_DMA_MAPPED);
	assert_int_equal(pfns[1], HMM_PFN_P2PDMA | HMM_PFN_ERROR);
}

/* An invalidation after read_begin: -EBUSY, before any use. */
static void test_collision_is_ebusy(void **state)
{
	struct mt *t = *state;
	struct mmu_interval_notifier mni;
	unsigned long pfns[1];
	struct hmm_range range = {
		.notifier = &mni,
		.start = BASE,
		.end = BASE + t->page,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT,
	};

	layout(t);
	assert_int_equal(mmu_interval_notifier_insert(&mni, t->mm, BASE,
						      t->page, &noop_ops),
			 0);
	range.notifier_seq = mmu_interval_read_begin(&mni);
	mt_madvise(t->mm, BASE, t->page, MADV_DONTNEED);
	mmap_read_lock(t->mm);
	assert_int_equal(hmm_range_fault(&range), -EBUSY);
	mmap_read_unlock(t->mm);
	mmu_interval_notifier_remove(&mni);
}

static void test_one_argument_helpers(void **state)
{
	struct mt *t = *state;
	unsigned long pfns[1] = { 0 }, pfn;
	struct page *page;

	/* Linux's values on a 64-bit machine. */
	assert_int_equal(HMM_PFN_ORDER_SHIFT, 53);
	assert_int_equal(HMM_RANGE_DEFAULT_TIMEOUT, 1000);
	assert_int_equal(HMM_PFN_FLAGS, ~((1UL << 53) - 1));

	layout(t);
	assert_int_equal(snapshot(t, BASE, 1, 0, pfns), 0);
	pfn = pfn_at(t, BASE);
	page = pfn_to_page(t->m, pfn);
	/* The only machine alive is the one meant. */
	assert_ptr_equal(msim_current_machine(), t->m);
	assert_ptr_equal(hmm_pfn_to_page(pfns[0]), page);
	assert_int_equal(hmm_pfn_to_map_order(pfns[0]), 0);
	assert_int_equal(hmm_pfn_to_map_order(3UL << HMM_PFN_ORDER_SHIFT |
					      HMM_PFN_VALID),
			 3);
	assert_ptr_equal(migrate_pfn_to_page(migrate_pfn(pfn)), page);
	assert_null(migrate_pfn_to_page(pfn << MIGRATE_PFN_SHIFT));
}

/*
 * msim_current_machine(): the current task's machine, else this
 * thread's, else the only one alive, else none.
 */
static void test_current_machine(void **state)
{
	struct mt *t = *state;
	struct msim_machine_config cfg = { .ram_bytes = 16 * MiB };
	struct msim_machine *other = msim_machine_create(&cfg);
	struct task_struct *tsk;

	assert_false(IS_ERR(other));
	assert_null(msim_current_machine());
	msim_set_current_machine(other);
	assert_ptr_equal(msim_current_machine(), other);
	tsk = msim_task_create(t->m, "t");
	assert_false(IS_ERR(tsk));
	msim_set_current(tsk);
	assert_ptr_equal(msim_current_machine(), t->m);
	msim_set_current(NULL);
	msim_task_put(tsk);
	assert_ptr_equal(msim_current_machine(), other);
	/* Destroying the thread's machine forgets it. */
	assert_int_equal(msim_machine_destroy(other), 0);
	assert_ptr_equal(msim_current_machine(), t->m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_snapshot_reports_holes_and_prot_none_as_errors),
		mt_test_coldfire(
			test_snapshot_reports_holes_and_prot_none_as_errors),
		mt_test(test_fault_requests_over_holes_and_prot_none_fail),
		mt_test(test_sticky_flags_are_kept),
		mt_test(test_collision_is_ebusy),
		mt_test(test_one_argument_helpers),
		mt_test(test_current_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
