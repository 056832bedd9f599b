// SPDX-License-Identifier: MIT
/*
 * The four secondary-MMU drivers stay coherent through everything the mm
 * does: the coherence checker runs after every step and must find no
 * stale mapping, while the driver must really hold mappings at that step
 * (else the check would prove nothing); reclaim to swap and migration
 * too, and aging leaves the mappings.  Device accesses after an
 * invalidation must fault again and see the data and frames the CPU sees.
 * Then what is particular to each driver: KVM's aging and retry, the
 * mirror's owner and non-blockable handling, the device TLB's flushes,
 * the skeleton's -EAGAIN.
 */
#include <pthread.h>
#include "mmsim_driver_test.h"

#define NPAGES 8

static unsigned long pg(struct tt *t, int i)
{
	return BASE + (unsigned long)i * t->page;
}

static unsigned char dev_read(struct dt_driver *d, unsigned long addr)
{
	unsigned char b = 0xee;

	assert_int_equal(dt_access(d, addr, &b, 1, false), 0);
	return b;
}

static unsigned char cpu_read(struct mm_struct *mm, unsigned long addr)
{
	unsigned char b = 0xee;

	assert_int_equal(tt_read(mm, addr, &b, 1), 0);
	return b;
}

static void cpu_write(struct mm_struct *mm, unsigned long addr, unsigned char b)
{
	assert_int_equal(tt_write(mm, addr, &b, 1), 0);
}

/* The device maps @addr, to the frame the CPU maps there. */
static void assert_same_frame(struct dt_driver *d, struct mm_struct *mm,
			      unsigned long addr)
{
	struct page *page = dt_page(d, addr, NULL);

	assert_non_null(page);
	assert_int_equal(page_to_pfn(page), tt_pfn(mm, addr));
}

static void coherent_through_everything(struct tt *t, enum dt_kind kind)
{
	struct task_struct *init = t->task[0], *child;
	struct mm_struct *mm = init->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct dt_driver d;
	unsigned long inval;
	unsigned char b;
	int i;

	assert_false(IS_ERR(c));
	dt_attach(&d, kind, mm, c);

	/* mmap, CPU writes, device reads: same bytes, same frames. */
	tt_map(mm, BASE, NPAGES * t->page, PROT_RW);
	for (i = 0; i < 4; i++)
		cpu_write(mm, pg(t, i), (unsigned char)(0x10 + i));
	for (i = 0; i < 4; i++) {
		assert_int_equal(dev_read(&d, pg(t, i)), 0x10 + i);
		assert_same_frame(&d, mm, pg(t, i));
	}
	assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), 4);
	dt_coherent(c);

	/* A device write to untouched memory faults the primary in. */
	b = 0x44;
	assert_int_equal(dt_access(&d, pg(t, 4), &b, 1, true), 0);
	assert_int_equal(cpu_read(mm, pg(t, 4)), 0x44);
	assert_same_frame(&d, mm, pg(t, 4));
	dt_coherent(c);

	/* A device read of untouched memory maps the zero page. */
	assert_int_equal(dev_read(&d, pg(t, 5)), 0);
	assert_int_equal(tt_pfn(mm, pg(t, 5)), 0);
	assert_same_frame(&d, mm, pg(t, 5));
	dt_coherent(c);

	/* The CPU's write breaks COW from the zero page: the device follows. */
	inval = msim_coherence_nr_invalidations(c);
	cpu_write(mm, pg(t, 5), 0x55);
	assert_true(msim_coherence_nr_invalidations(c) > inval);
	dt_coherent(c);
	assert_int_equal(dev_read(&d, pg(t, 5)), 0x55);
	assert_same_frame(&d, mm, pg(t, 5));

	/* mprotect read-only: no writable device mapping may survive. */
	assert_int_equal(tt_mprotect(mm, pg(t, 0), 2 * t->page, PROT_READ), 0);
	dt_coherent(c);
	assert_int_equal(dev_read(&d, pg(t, 0)), 0x10);
	b = 0x99;
	assert_true(dt_access(&d, pg(t, 0), &b, 1, true) < 0);
	assert_int_equal(cpu_read(mm, pg(t, 0)), 0x10);
	dt_coherent(c);

	/* MADV_DONTNEED: the device reads zeroes afterwards, as the CPU. */
	assert_int_equal(dev_read(&d, pg(t, 2)), 0x12);
	assert_int_equal(tt_madvise(mm, pg(t, 2), t->page, MADV_DONTNEED), 0);
	dt_coherent(c);
	assert_int_equal(dev_read(&d, pg(t, 2)), 0);
	assert_int_equal(cpu_read(mm, pg(t, 2)), 0);
	dt_coherent(c);

	/* fork write-protects the parent; a device write then breaks COW. */
	b = 0x33;
	assert_int_equal(dt_access(&d, pg(t, 3), &b, 1, true), 0);
	assert_true(msim_coherence_nr_mappings_of(c, d.name) > 0);
	child = tt_fork(t, init, 0);
	dt_coherent(c);
	b = 0x3c;
	assert_int_equal(dt_access(&d, pg(t, 3), &b, 1, true), 0);
	dt_coherent(c);
	assert_same_frame(&d, mm, pg(t, 3));
	assert_int_not_equal(tt_pfn(mm, pg(t, 3)), tt_pfn(child->mm, pg(t, 3)));
	assert_int_equal(cpu_read(mm, pg(t, 3)), 0x3c);
	assert_int_equal(cpu_read(child->mm, pg(t, 3)), 0x33);
	dt_coherent(c);

	/* The device reads a shared page; the parent's CPU write COWs it. */
	assert_int_equal(dev_read(&d, pg(t, 1)), 0x11);
	cpu_write(mm, pg(t, 4), 0x4c);
	assert_int_equal(dev_read(&d, pg(t, 4)), 0x4c);
	dt_coherent(c);
	assert_int_equal(cpu_read(child->mm, pg(t, 4)), 0x44);

	/* The child's exit frees the frames only it still mapped. */
	tt_exit(t, child);
	dt_coherent(c);

	/* munmap, then a new mapping there: new frames, new data. */
	assert_int_equal(dev_read(&d, pg(t, 6)), 0);
	b = 0x77;
	assert_int_equal(dt_access(&d, pg(t, 7), &b, 1, true), 0);
	assert_int_equal(tt_munmap(mm, pg(t, 6), 2 * t->page), 0);
	dt_coherent(c);
	assert_null(dt_page(&d, pg(t, 7), NULL));
	assert_true(dt_access(&d, pg(t, 7), &b, 1, false) < 0);
	tt_map(mm, pg(t, 6), 2 * t->page, PROT_RW);
	cpu_write(mm, pg(t, 7), 0x78);
	assert_int_equal(dev_read(&d, pg(t, 7)), 0x78);
	assert_same_frame(&d, mm, pg(t, 7));
	dt_coherent(c);

	/* exit: ->release drops everything. */
	assert_true(msim_coherence_nr_mappings_of(c, d.name) > 0);
	tt_exit(t, init);
	dt_coherent(c);
	assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), 0);
	assert_true(dt_access(&d, pg(t, 7), &b, 1, false) < 0);

	dt_detach(&d);
	msim_coherence_destroy(c);
}

static void test_kvm_coherent(void **state)
{
	coherent_through_everything(*state, DT_KVM);
}

static void test_dmirror_coherent(void **state)
{
	coherent_through_everything(*state, DT_DMIRROR);
}

static void test_dev_tlb_coherent(void **state)
{
	coherent_through_everything(*state, DT_DEV_TLB);
}

static void test_skeleton_coherent(void **state)
{
	coherent_through_everything(*state, DT_SKELETON);
}

/*
 * Reclaim to swap, migration and aging: each invalidates (or asks) the
 * secondary MMUs through its own path (try_to_unmap()'s CLEAR ranges,
 * migrate_vma's MIGRATE range, page_referenced()'s ->clear_flush_young,
 * idle tracking's ->clear_young).  The device then faults the data back
 * from swap and from the new frames.
 */
static void coherent_through_reclaim_and_migration(struct tt *t,
						   enum dt_kind kind)
{
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	unsigned long old_pfn[NPAGES];
	struct dt_driver d;
	int i;

	assert_false(IS_ERR(c));
	assert_int_equal(msim_swapon(t->m, 64), 0);
	dt_attach(&d, kind, mm, c);
	tt_map(mm, BASE, NPAGES * t->page, PROT_RW);
	for (i = 0; i < NPAGES; i++) {
		cpu_write(mm, pg(t, i), (unsigned char)(0x60 + i));
		assert_int_equal(dev_read(&d, pg(t, i)), 0x60 + i);
		old_pfn[i] = tt_pfn(mm, pg(t, i));
	}
	assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), NPAGES);
	dt_coherent(c);

	/* Aging asks, and leaves every mapping in place. */
	for (i = 0; i < 2; i++)
		assert_true(msim_page_referenced(mm, pg(t, 6)) >= 0);
	assert_int_equal(msim_page_idle_set(t->m, old_pfn[7]), 0);
	assert_true(msim_page_idle_get(t->m, old_pfn[7]) >= 0);
	assert_true(msim_test_young(mm, pg(t, 7)) >= 0);
	assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), NPAGES);
	dt_coherent(c);

	/* Reclaim: the frames go, the device faults the bytes back. */
	assert_int_equal(msim_reclaim_range(mm, BASE, 4 * t->page), 4);
	assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), NPAGES - 4);
	dt_coherent(c);
	for (i = 0; i < 4; i++) {
		assert_int_equal(dev_read(&d, pg(t, i)), 0x60 + i);
		assert_same_frame(&d, mm, pg(t, i));
	}
	dt_coherent(c);

	/* Migration: new frames, the same bytes. */
	assert_int_equal(msim_migrate_range(mm, pg(t, 4), 4 * t->page), 4);
	dt_coherent(c);
	for (i = 4; i < NPAGES; i++) {
		assert_int_not_equal(tt_pfn(mm, pg(t, i)), old_pfn[i]);
		assert_int_equal(dev_read(&d, pg(t, i)), 0x60 + i);
		assert_same_frame(&d, mm, pg(t, i));
	}
	dt_coherent(c);

	dt_detach(&d);
	msim_coherence_destroy(c);
}

static void test_kvm_reclaim_migration(void **state)
{
	coherent_through_reclaim_and_migration(*state, DT_KVM);
}

static void test_dmirror_reclaim_migration(void **state)
{
	coherent_through_reclaim_and_migration(*state, DT_DMIRROR);
}

static void test_dev_tlb_reclaim_migration(void **state)
{
	coherent_through_reclaim_and_migration(*state, DT_DEV_TLB);
}

static void test_skeleton_reclaim_migration(void **state)
{
	coherent_through_reclaim_and_migration(*state, DT_SKELETON);
}

/* vmscan's and khugepaged's aging see the shadow MMU's accessed bits. */
static void test_kvm_aging_through_rmap(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_kvm *kvm = msim_kvm_create(mm, "kvm", NULL);
	unsigned char b;
	bool young;

	assert_false(IS_ERR(kvm));
	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	cpu_write(mm, BASE, 1);
	/* Clear the CPU's accessed bit; the guest's was set by its fault. */
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_true(msim_page_referenced(mm, BASE) >= 1);
	assert_int_equal(msim_page_referenced(mm, BASE), 0);
	/*
	 * The guest's fault went through GUP, which marked the page
	 * referenced as FOLL_TOUCH does, and khugepaged's test counts that;
	 * clear it as reclaim's folio_check_references() would.
	 */
	assert_int_equal(msim_test_young(mm, BASE), 1);
	ClearPageReferenced(pfn_to_page(t->m, tt_pfn(mm, BASE)));
	assert_int_equal(msim_test_young(mm, BASE), 0);
	/* Only the guest uses it now: the rmap walk still sees it. */
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_int_equal(msim_test_young(mm, BASE), 1);
	assert_int_equal(msim_page_referenced(mm, BASE), 1);
	assert_non_null(msim_kvm_spte_page(kvm, BASE, NULL, &young));
	assert_false(young);
	/*
	 * Idle tracking clears it without the flush; a guest access after
	 * that makes the page not idle.
	 */
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_int_equal(msim_page_idle_set(t->m, tt_pfn(mm, BASE)), 0);
	assert_non_null(msim_kvm_spte_page(kvm, BASE, NULL, &young));
	assert_false(young);
	assert_int_equal(msim_page_idle_get(t->m, tt_pfn(mm, BASE)), 1);
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_int_equal(msim_page_idle_get(t->m, tt_pfn(mm, BASE)), 0);
	msim_kvm_destroy(kvm);
}

/*
 * Concurrency: a device thread accesses random pages while the mm thread
 * unmaps and remaps them, zaps them, changes their protection and writes
 * them.  Nothing is asserted inside the threads (a cmocka failure cannot
 * leave a thread); the device's errors must be the expected ones, and
 * once both are done the mappings must be coherent.  Under
 * ThreadSanitizer this is the race test of each driver's locking.
 */
#define CONC_PAGES 16

struct conc {
	struct tt *t;
	struct mm_struct *mm;
	struct dt_driver *d;
	uint64_t seed;
	unsigned long ops;
	unsigned long unexpected; /* errors a correct run cannot give */
	unsigned long ok;
};

static void *conc_device(void *arg)
{
	struct conc *cc = arg;
	struct mt_rng rng = { cc->seed };
	unsigned long i, addr;
	unsigned char b;
	bool write;
	int ret;

	for (i = 0; i < cc->ops; i++) {
		/*
		 * Not the byte the CPU writes: a device and a CPU writing one
		 * byte at once is allowed to hardware, but the simulated RAM
		 * is plain host memory.
		 */
		addr = pg(cc->t, (int)mt_rand_below(&rng, CONC_PAGES)) + 8;
		write = mt_rand_below(&rng, 2);
		b = (unsigned char)i;
		ret = dt_access(cc->d, addr, &b, 1, write);
		if (!ret)
			cc->ok++;
		else if (ret != -EFAULT && ret != -EPERM)
			cc->unexpected++;
	}
	return NULL;
}

static void *conc_mm(void *arg)
{
	struct conc *cc = arg;
	struct mt_rng rng = { cc->seed ^ 0x5555 };
	struct mm_struct *mm = cc->mm;
	unsigned long i, addr, page = cc->t->page;
	unsigned char b = 0;
	long ret;

	for (i = 0; i < cc->ops / 4; i++) {
		addr = pg(cc->t, (int)mt_rand_below(&rng, CONC_PAGES));
		switch (mt_rand_below(&rng, 5)) {
		case 0:
			ret = msim_munmap(mm, addr, page);
			if (!ret)
				ret = msim_mmap(mm, addr, page, PROT_RW,
						ANON_PRIVATE | MAP_FIXED);
			break;
		case 1:
			ret = msim_madvise(mm, addr, page, MADV_DONTNEED);
			break;
		case 2:
			ret = msim_mprotect(mm, addr, page,
					    mt_rand_below(&rng, 2) ? PROT_READ
								   : PROT_RW);
			break;
		default:
			ret = msim_user_write(mm, addr, &b, 1);
			if (ret == -EFAULT) /* read-only just now */
				ret = 0;
			break;
		}
		if (IS_ERR_VALUE((unsigned long)ret))
			cc->unexpected++;
	}
	return NULL;
}

static void concurrent_accesses(struct tt *t, enum dt_kind kind)
{
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct conc cc = { t, mm, NULL, mt_seed(__func__), 4000, 0, 0 };
	struct dt_driver d;
	pthread_t dev, mmt;

	assert_false(IS_ERR(c));
	dt_attach(&d, kind, mm, c);
	cc.d = &d;
	tt_map(mm, BASE, CONC_PAGES * t->page, PROT_RW);
	assert_int_equal(pthread_create(&dev, NULL, conc_device, &cc), 0);
	assert_int_equal(pthread_create(&mmt, NULL, conc_mm, &cc), 0);
	assert_int_equal(pthread_join(dev, NULL), 0);
	assert_int_equal(pthread_join(mmt, NULL), 0);
	assert_int_equal(cc.unexpected, 0);
	assert_true(cc.ok > 0);
	dt_coherent(c);
	dt_detach(&d);
	msim_coherence_destroy(c);
}

static void test_kvm_concurrent(void **state)
{
	concurrent_accesses(*state, DT_KVM);
}

static void test_dmirror_concurrent(void **state)
{
	concurrent_accesses(*state, DT_DMIRROR);
}

static void test_dev_tlb_concurrent(void **state)
{
	concurrent_accesses(*state, DT_DEV_TLB);
}

static void test_skeleton_concurrent(void **state)
{
	concurrent_accesses(*state, DT_SKELETON);
}

/*
 * Allocation failures: of the driver's own entry, and of the frame the
 * primary fault needs.  The device access fails with -ENOMEM (the HMM
 * mirror's with -EFAULT for the frame, as hmm_range_fault() reports any
 * fault it could not resolve), nothing is half-installed, and the next
 * try succeeds.
 */
static void test_allocation_failures(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	unsigned long before;
	struct dt_driver d;
	unsigned char b = 0x21;
	int kind;

	assert_false(IS_ERR(c));
	tt_map(mm, BASE, NPAGES * t->page, PROT_RW);
	cpu_write(mm, BASE, 0x21);
	for (kind = 0; kind < DT_NR_KINDS; kind++) {
		dt_attach(&d, kind, mm, c);
		before = msim_live(t->m, MSIM_ALLOC_OTHER);
		msim_fail_nth(t->m, 1U << MSIM_ALLOC_OTHER, 1);
		assert_int_equal(dt_access(&d, BASE, &b, 1, false), -ENOMEM);
		assert_int_equal(msim_live(t->m, MSIM_ALLOC_OTHER), before);
		assert_int_equal(msim_coherence_nr_mappings_of(c, d.name), 0);
		assert_int_equal(dev_read(&d, BASE), 0x21);

		msim_fail_nth(t->m, 1U << MSIM_ALLOC_FRAME, 1);
		assert_int_equal(dt_access(&d, pg(t, 1 + kind), &b, 1, true),
				 kind == DT_DMIRROR ? -EFAULT : -ENOMEM);
		msim_fail_nth(t->m, 0, 0);
		assert_null(dt_page(&d, pg(t, 1 + kind), NULL));
		dt_coherent(c);
		assert_int_equal(dt_access(&d, pg(t, 1 + kind), &b, 1, true),
				 0);
		assert_int_equal(cpu_read(mm, pg(t, 1 + kind)), 0x21);
		dt_coherent(c);
		dt_detach(&d);
	}
	msim_coherence_destroy(c);
}

/* A driver detached before the mm goes leaves nothing recorded. */
static void test_detach_before_exit(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct dt_driver d;
	int kind;

	tt_map(mm, BASE, NPAGES * t->page, PROT_RW);
	for (kind = 0; kind < DT_NR_KINDS; kind++) {
		dt_attach(&d, kind, mm, c);
		assert_int_equal(dev_read(&d, BASE), 0);
		assert_int_equal(msim_coherence_nr_mappings(c), 1);
		dt_detach(&d);
		assert_int_equal(msim_coherence_nr_mappings(c), 0);
		dt_coherent(c);
	}
	msim_coherence_destroy(c);
}

/* KVM: the spte accessed bits answer the aging callbacks. */
static void test_kvm_aging(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_kvm *kvm = msim_kvm_create(mm, "kvm", NULL);
	bool young;
	unsigned char b;

	assert_false(IS_ERR(kvm));
	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_int_equal(mmu_notifier_test_young(mm, BASE), 1);
	assert_int_equal(mmu_notifier_test_young(mm, BASE + t->page), 0);
	assert_int_equal(mmu_notifier_clear_young(mm, BASE, BASE + t->page), 1);
	assert_int_equal(mmu_notifier_test_young(mm, BASE), 0);
	assert_non_null(msim_kvm_spte_page(kvm, BASE, NULL, &young));
	assert_false(young);
	/* A guest access marks it young again; the flush variant clears. */
	assert_int_equal(msim_kvm_access(kvm, BASE, &b, 1, false), 0);
	assert_int_equal(
		mmu_notifier_clear_flush_young(mm, BASE, BASE + 4 * t->page),
		1);
	assert_int_equal(
		mmu_notifier_clear_flush_young(mm, BASE, BASE + 4 * t->page),
		0);
	/* Aging does not drop the spte. */
	assert_non_null(msim_kvm_spte_page(kvm, BASE, NULL, NULL));
	msim_kvm_destroy(kvm);
}

/* KVM: the seq and in-progress bookkeeping of start and end. */
static void test_kvm_invalidate_bookkeeping(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_kvm *kvm = msim_kvm_create(mm, "kvm", NULL);
	struct mmu_notifier_range r1, r2;
	unsigned long seq;

	assert_false(IS_ERR(kvm));
	tt_map(mm, BASE, 8 * t->page, PROT_RW);
	assert_int_equal(msim_kvm_page_fault(kvm, BASE + 5 * t->page, true), 0);
	seq = kvm->mmu_invalidate_seq;
	mmu_notifier_range_init(&r1, MMU_NOTIFY_CLEAR, 0, NULL, mm,
				BASE + t->page, BASE + 2 * t->page);
	mmu_notifier_range_init(&r2, MMU_NOTIFY_CLEAR, 0, NULL, mm,
				BASE + 4 * t->page, BASE + 6 * t->page);
	mmu_notifier_invalidate_range_start(&r1);
	mmu_notifier_invalidate_range_start(&r2);
	assert_int_equal(kvm->mmu_invalidate_in_progress, 2);
	assert_int_equal(kvm->mmu_invalidate_range_start, BASE + t->page);
	assert_int_equal(kvm->mmu_invalidate_range_end, BASE + 6 * t->page);
	/* The start zapped the spte in r2. */
	assert_null(msim_kvm_spte_page(kvm, BASE + 5 * t->page, NULL, NULL));
	mmu_notifier_invalidate_range_end(&r2);
	mmu_notifier_invalidate_range_end(&r1);
	assert_int_equal(kvm->mmu_invalidate_in_progress, 0);
	assert_int_equal(kvm->mmu_invalidate_seq, seq + 2);
	msim_kvm_destroy(kvm);
}

/* The mirror skips its own migration, not another device's. */
static void test_dmirror_owner(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct msim_coherence *c = msim_coherence_create(mm);
	struct dt_driver d;
	struct mmu_notifier_range r;
	int other;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	dt_attach(&d, DT_DMIRROR, mm, c);
	assert_int_equal(dev_read(&d, BASE), 0);
	mmu_notifier_range_init_owner(&r, MMU_NOTIFY_MIGRATE, 0, NULL, mm, BASE,
				      BASE + t->page, &dt_dmirror_owner);
	mmu_notifier_invalidate_range_start(&r);
	mmu_notifier_invalidate_range_end(&r);
	assert_int_equal(d.dmirror->nr_skipped, 1);
	assert_non_null(dt_page(&d, BASE, NULL));

	mmu_notifier_range_init_owner(&r, MMU_NOTIFY_MIGRATE, 0, NULL, mm, BASE,
				      BASE + t->page, &other);
	mmu_notifier_invalidate_range_start(&r);
	mmu_notifier_invalidate_range_end(&r);
	assert_null(dt_page(&d, BASE, NULL));
	dt_coherent(c);
	dt_detach(&d);
	msim_coherence_destroy(c);
}

/* A non-blockable invalidation finding the device lock taken fails. */
static void test_dmirror_nonblock(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct dt_driver d;
	struct mmu_notifier_range r;
	unsigned long seq;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	dt_attach(&d, DT_DMIRROR, mm, NULL);
	assert_int_equal(dev_read(&d, BASE), 0);
	seq = mmu_interval_read_begin(&d.dmirror->notifier);

	down_write(&d.dmirror->mutex);
	mmu_notifier_range_init(&r, MMU_NOTIFY_CLEAR, 0, NULL, mm, BASE,
				BASE + t->page);
	assert_int_equal(mmu_notifier_invalidate_range_start_nonblock(&r),
			 -EAGAIN);
	up_write(&d.dmirror->mutex);
	/* Nothing was invalidated: the entry stays, the window closed. */
	assert_non_null(dt_page(&d, BASE, NULL));
	assert_int_equal(d.dmirror->nr_invalidates, 0);

	assert_int_equal(mmu_notifier_invalidate_range_start_nonblock(&r), 0);
	mmu_notifier_invalidate_range_end(&r);
	assert_null(dt_page(&d, BASE, NULL));
	assert_true(mmu_interval_read_retry(&d.dmirror->notifier, seq));
	dt_detach(&d);
}

/* The device TLB is flushed by ->invalidate_range alone. */
static void test_dev_tlb_flushes(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct dt_driver d;
	unsigned long flushes;
	unsigned char b = 1;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	dt_attach(&d, DT_DEV_TLB, mm, NULL);
	assert_int_equal(dt_access(&d, BASE, &b, 1, true), 0);
	assert_int_equal(d.tlb->nr_page_requests, 1);
	assert_int_equal(dt_access(&d, BASE, &b, 1, false), 0);
	assert_int_equal(d.tlb->nr_page_requests, 1);
	flushes = d.tlb->nr_flushes;
	assert_int_equal(tt_madvise(mm, BASE, t->page, MADV_DONTNEED), 0);
	assert_true(d.tlb->nr_flushes > flushes);
	assert_int_equal(d.tlb->table.nr_entries, 0);
	dt_detach(&d);
}

/* The skeleton answers -EAGAIN while an invalidation runs. */
static void test_skeleton_eagain(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = t->task[0]->mm;
	struct dt_driver d;
	struct mmu_notifier_range r;
	struct page *page;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	dt_attach(&d, DT_SKELETON, mm, NULL);
	mmu_notifier_range_init(&r, MMU_NOTIFY_CLEAR, 0, NULL, mm,
				BASE + t->page, BASE + 2 * t->page);
	mmu_notifier_invalidate_range_start(&r);
	assert_int_equal(d.my_mmu->invalidates, 1);
	page = msim_my_mmu_populate_page(d.my_mmu, BASE, 1);
	assert_true(IS_ERR(page) && PTR_ERR(page) == -EAGAIN);
	mmu_notifier_invalidate_range_end(&r);
	page = msim_my_mmu_populate_page(d.my_mmu, BASE, 1);
	assert_false(IS_ERR(page));
	assert_int_equal(page_to_pfn(page), tt_pfn(mm, BASE));
	/* The reverse map. */
	assert_int_equal(msim_my_mmu_find_addr(d.my_mmu, page), BASE);
	assert_int_equal(msim_my_mmu_find_addr(d.my_mmu, ZERO_PAGE(t->m)),
			 (unsigned long)-EFAULT);
	dt_detach(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_kvm_coherent),
		tt_test(test_dmirror_coherent),
		tt_test(test_dev_tlb_coherent),
		tt_test(test_skeleton_coherent),
		tt_test_coldfire(test_kvm_coherent),
		tt_test_coldfire(test_dmirror_coherent),
		tt_test_coldfire(test_dev_tlb_coherent),
		tt_test_coldfire(test_skeleton_coherent),
		tt_test(test_kvm_reclaim_migration),
		tt_test(test_dmirror_reclaim_migration),
		tt_test(test_dev_tlb_reclaim_migration),
		tt_test(test_skeleton_reclaim_migration),
		tt_test_coldfire(test_kvm_reclaim_migration),
		tt_test_coldfire(test_dev_tlb_reclaim_migration),
		tt_test(test_kvm_aging_through_rmap),
		tt_test(test_kvm_concurrent),
		tt_test(test_dmirror_concurrent),
		tt_test(test_dev_tlb_concurrent),
		tt_test(test_skeleton_concurrent),
		tt_test(test_allocation_failures),
		tt_test(test_detach_before_exit),
		tt_test(test_kvm_aging),
		tt_test(test_kvm_invalidate_bookkeeping),
		tt_test(test_dmirror_owner),
		tt_test(test_dmirror_nonblock),
		tt_test(test_dev_tlb_flushes),
		tt_test(test_skeleton_eagain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
