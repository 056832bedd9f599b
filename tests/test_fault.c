// SPDX-License-Identifier: MIT
/*
 * Page faults on anonymous memory and the simulated CPU's accesses: the
 * zero page for reads, zeroed frames for writes, COW of the zero page,
 * SIGSEGV that changes nothing, data moving across page boundaries, and
 * running out of memory, for real (tiny RAM) and by injection of each
 * kind of allocation, always leaving a consistent state and no leak.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "mmsim_test.h"

#define RW (VM_READ | VM_WRITE)
#define KIND(k) (1U << MSIM_ALLOC_##k)

/* What a SIGSEGV must leave as it was. */
struct snapshot {
	unsigned long rss, free_frames, pgtables;
	long live[MSIM_NR_ALLOC_KINDS];
};

static struct snapshot snap(struct mt *t)
{
	struct snapshot s = {
		.rss = mt_rss(t->mm),
		.free_frames = msim_nr_free_frames(t->m),
		.pgtables = mt_pgtables(t->mm),
	};
	int k;

	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		s.live[k] = msim_live(t->m, k);
	return s;
}

static void assert_unchanged(struct mt *t, const struct snapshot *before)
{
	struct snapshot now = snap(t);
	int k;

	assert_int_equal(now.rss, before->rss);
	assert_int_equal(now.free_frames, before->free_frames);
	assert_int_equal(now.pgtables, before->pgtables);
	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		if (now.live[k] != before->live[k])
			fail_msg("%s objects: %ld, were %ld", mt_kind_name(k),
				 now.live[k], before->live[k]);
}

static struct page *page_at(struct mt *t, unsigned long addr)
{
	pte_t pte = mt_pte(t->mm, addr);

	struct page *page = pfn_to_page(t->m, pte_pfn(t->mm->arch, pte));

	assert_true(pte_present(t->mm->arch, pte));
	/* Never taken: tells the compiler that no NULL comes back. */
	if (!page)
		abort();
	return page;
}

static void test_read_fault_maps_the_zero_page(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned long free_before = msim_nr_free_frames(t->m);
	pte_t pte;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(mt_fault(t->mm, BASE + 5, MSIM_ACCESS_READ), 0);
	pte = mt_pte(t->mm, BASE);
	assert_true(pte_present(a, pte));
	assert_true(pte_special(a, pte));
	assert_int_equal(pte_pfn(a, pte), 0);
	assert_false(pte_write(a, pte));
	assert_int_equal(mt_rss(t->mm), 0);
	assert_null(mt_vma(t->mm, BASE)->anon_vma);
	/* Only the tables down to the PTE were allocated. */
	assert_int_equal(msim_nr_free_frames(t->m), free_before - 3);
	/* The zero page is not counted as mapped. */
	assert_int_equal(page_mapcount(ZERO_PAGE(t->m)), 0);
	assert_true(pte_none(mt_pte(t->mm, BASE + t->page)));
}

/*
 * A frame freed by MADV_DONTNEED is the next one handed out (the free
 * list is LIFO): the write fault that gets it must see it cleared.
 */
static void test_write_fault_allocates_a_zeroed_frame(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned char buf[64];
	unsigned long old_pfn;
	struct page *page;
	unsigned int i;
	pte_t pte;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(mt_write(t->mm, BASE, buf, sizeof(buf)), 0);
	/* Page 1 keeps the tables in place. */
	assert_int_equal(mt_write(t->mm, BASE + t->page, buf, 1), 0);
	old_pfn = pte_pfn(a, mt_pte(t->mm, BASE));
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_DONTNEED), 0);
	assert_int_equal(mt_rss(t->mm), 1);

	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE), 0);
	pte = mt_pte(t->mm, BASE);
	assert_int_equal(pte_pfn(a, pte), old_pfn);
	assert_true(pte_write(a, pte));
	assert_true(pte_dirty(a, pte));
	assert_false(pte_special(a, pte));
	assert_int_equal(mt_rss(t->mm), 2);
	assert_non_null(mt_vma(t->mm, BASE)->anon_vma);

	page = page_at(t, BASE);
	assert_true(PageAnon(page));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 1);
	assert_ptr_equal(page->mapping, mt_vma(t->mm, BASE)->anon_vma);
	assert_int_equal(page->index, BASE / t->page);

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(mt_read(t->mm, BASE, buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

static void test_write_after_read_cows_the_zero_page(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned long free_after_read;
	int zero_refs = page_ref_count(ZERO_PAGE(t->m));
	pte_t pte;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ), 0);
	free_after_read = msim_nr_free_frames(t->m);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE), 0);

	pte = mt_pte(t->mm, BASE);
	assert_int_not_equal(pte_pfn(a, pte), 0);
	assert_true(pte_write(a, pte));
	assert_false(pte_special(a, pte));
	assert_int_equal(mt_rss(t->mm), 1);
	assert_int_equal(msim_nr_free_frames(t->m), free_after_read - 1);
	assert_non_null(mt_vma(t->mm, BASE)->anon_vma);
	assert_int_equal(page_ref_count(ZERO_PAGE(t->m)), zero_refs);
}

/* A second write to an exclusive page faults no more and allocates none. */
static void test_written_page_takes_no_further_fault(void **state)
{
	struct mt *t = *state;
	unsigned long free_frames;
	unsigned long pfn;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE);
	pfn = pte_pfn(t->mm->arch, mt_pte(t->mm, BASE));
	free_frames = msim_nr_free_frames(t->m);
	mt_touch(t->mm, BASE, t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(pte_pfn(t->mm->arch, mt_pte(t->mm, BASE)), pfn);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	/* A write fault on it anyway is spurious: nothing changes. */
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE), 0);
	assert_int_equal(pte_pfn(t->mm->arch, mt_pte(t->mm, BASE)), pfn);
	assert_int_equal(mt_rss(t->mm), 1);
}

static void test_fault_outside_any_vma_is_sigsegv(void **state)
{
	struct mt *t = *state;
	struct snapshot before;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	before = snap(t);
	assert_int_equal(mt_fault(t->mm, BASE + t->page, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_fault(t->mm, BASE - 1, MSIM_ACCESS_WRITE),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_fault(t->mm, 0, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);
	assert_unchanged(t, &before);
	assert_true(pte_none(mt_pte(t->mm, BASE + t->page)));
}

static void test_write_to_read_only_vma_is_sigsegv(void **state)
{
	struct mt *t = *state;
	struct snapshot before;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ);
	before = snap(t);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_SIGSEGV);
	assert_unchanged(t, &before);
	assert_null(mt_vma(t->mm, BASE)->anon_vma);
	/* Executing it is refused too: no VM_EXEC. */
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_EXEC),
			 VM_FAULT_SIGSEGV);
	assert_unchanged(t, &before);
}

static void test_any_access_to_prot_none_is_sigsegv(void **state)
{
	struct mt *t = *state;
	struct snapshot before;

	mt_map_fixed(t->mm, BASE, t->page, PROT_NONE);
	before = snap(t);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_EXEC),
			 VM_FAULT_SIGSEGV);
	assert_unchanged(t, &before);
	assert_true(pte_none(mt_pte(t->mm, BASE)));
}

static void test_exec_fault_on_executable_vma_maps_it(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ | PROT_EXEC);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_EXEC), 0);
	assert_true(pte_present(t->mm->arch, mt_pte(t->mm, BASE)));
	assert_true(
		msim_pte_allows(t->mm->arch, mt_pte(t->mm, BASE), false, true));
}

/* Bytes written across page boundaries come back, unaligned reads too. */
static void test_user_write_then_read_round_trips_across_pages(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, start = BASE + p - 100;
	size_t len = 2 * p + p / 2, i;
	unsigned char *out = malloc(len), *in = malloc(len);

	assert_non_null(out);
	assert_non_null(in);
	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	for (i = 0; i < len; i++)
		out[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(mt_write(t->mm, start, out, len), 0);
	/* Pages 0 to 3 were all touched. */
	assert_int_equal(mt_rss(t->mm), 4);

	memset(in, 0, len);
	assert_int_equal(mt_read(t->mm, start, in, len), 0);
	assert_memory_equal(in, out, len);
	/* A read straddling one boundary, from the middle. */
	assert_int_equal(mt_read(t->mm, BASE + 2 * p - 3, in, 6), 0);
	assert_memory_equal(in, out + (BASE + 2 * p - 3 - start), 6);
	/* The bytes before the write are untouched zeros. */
	assert_int_equal(mt_read(t->mm, BASE, in, 8), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(in[i], 0);
	free(out);
	free(in);
}

/* A fatal fault part way: the pages before it were written. */
static void test_access_stops_at_the_faulting_page(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, fault_addr = 0;
	unsigned char *buf = malloc(3 * p);
	unsigned char b;

	assert_non_null(buf);
	memset(buf, 0x99, 3 * p);
	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_READ);
	assert_int_equal(mt_access(t->mm, BASE + 10, buf, 3 * p,
				   MSIM_ACCESS_WRITE, &fault_addr),
			 -EFAULT);
	assert_int_equal(fault_addr, BASE + 2 * p);
	assert_int_equal(mt_read(t->mm, BASE + 2 * p - 1, &b, 1), 0);
	assert_int_equal(b, 0x99);
	assert_int_equal(mt_read(t->mm, BASE + 2 * p, &b, 1), 0);
	assert_int_equal(b, 0);
	free(buf);
}

/* Beyond TASK_SIZE there is nothing to fault in: -EFAULT. */
static void test_access_beyond_task_size_faults(void **state)
{
	struct mt *t = *state;
	unsigned long fault_addr = 0;
	char c;

	assert_int_equal(mt_access(t->mm, t->mm->task_size, &c, 1,
				   MSIM_ACCESS_READ, &fault_addr),
			 -EFAULT);
	assert_int_equal(fault_addr, t->mm->task_size);
	assert_int_equal(
		mt_access(t->mm, ~0UL - 3, &c, 1, MSIM_ACCESS_READ, NULL),
		-EFAULT);
}

/*
 * An access kind that is none of enum msim_access's is the caller's bug:
 * -EINVAL before anything is looked at or changed, not an access of some
 * kind the model would pick.  msim_handle_user_fault() has no errno to
 * give: it refuses the fault as a SIGSEGV, changing nothing.
 */
static void test_access_of_unknown_kind_is_einval(void **state)
{
	static const int kinds[] = { MSIM_ACCESS_EXEC + 1, 42, -1 };
	struct mt *t = *state;
	unsigned long fault_addr = 0x1234;
	struct snapshot before;
	unsigned char c = 0x5a;
	size_t i;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, t->page, MSIM_ACCESS_WRITE);
	before = snap(t);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		enum msim_access kind = (enum msim_access)kinds[i];

		/* A mapped page, and one the access would fault in. */
		assert_int_equal(
			msim_user_access(t->mm, BASE, &c, 1, kind, &fault_addr),
			-EINVAL);
		assert_int_equal(msim_user_access(t->mm, BASE + t->page, NULL,
						  1, kind, &fault_addr),
				 -EINVAL);
		assert_int_equal(fault_addr, 0x1234);
		assert_int_equal(c, 0x5a);
		assert_int_equal(
			msim_handle_user_fault(t->mm, BASE + t->page, kind),
			VM_FAULT_SIGSEGV);
		assert_unchanged(t, &before);
		assert_true(pte_none(mt_pte(t->mm, BASE + t->page)));
	}
	check_all(t->mm);
}

/*
 * 64 KiB of RAM is 16 frames: the zero page, the pgd and three tables
 * leave 11 for data.  The 12th write fails with -ENOMEM, consistently,
 * while reads (zero page) still work.
 */
static void test_tiny_ram_runs_out_with_enomem(void **state)
{
	struct mt *t = mt_create(&msim_arch_x86_64, 64 * KiB);
	unsigned long p = t->page, fault_addr = 0, i;
	vm_fault_t ret;

	(void)state;
	assert_int_equal(t->m->nr_frames, 16);
	mt_map_fixed(t->mm, BASE, 16 * p, PROT_RW);
	for (i = 0; i < 11; i++)
		assert_int_equal(
			mt_touch(t->mm, BASE + i * p, 1, MSIM_ACCESS_WRITE), 0);
	assert_int_equal(msim_nr_free_frames(t->m), 0);

	assert_int_equal(mt_access(t->mm, BASE + 11 * p, NULL, 1,
				   MSIM_ACCESS_WRITE, &fault_addr),
			 -ENOMEM);
	assert_int_equal(fault_addr, BASE + 11 * p);
	ret = mt_fault(t->mm, BASE + 12 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(ret, VM_FAULT_OOM);
	assert_int_equal(mt_rss(t->mm), 11);
	assert_true(pte_none(mt_pte(t->mm, BASE + 11 * p)));
	/* The vm.overcommit GUESS let it map 16 pages; reads need no frame. */
	assert_int_equal(mt_touch(t->mm, BASE + 11 * p, p, MSIM_ACCESS_READ),
			 0);
	/* COW of that zero page needs one: still none. */
	assert_int_equal(mt_touch(t->mm, BASE + 11 * p, 1, MSIM_ACCESS_WRITE),
			 -ENOMEM);
	assert_true(is_zero_pfn(
		pte_pfn(t->mm->arch, mt_pte(t->mm, BASE + 11 * p))));

	/* Freeing some makes writes work again. */
	assert_int_equal(mt_madvise(t->mm, BASE, 2 * p, MADV_DONTNEED), 0);
	assert_int_equal(
		mt_touch(t->mm, BASE + 11 * p, 2 * p, MSIM_ACCESS_WRITE), 0);
	mt_destroy(t);
}

/* A machine smaller than the zero page, a pgd and one table chain. */
static void test_machine_too_small_is_einval(void **state)
{
	struct msim_machine_config cfg = { .ram_bytes = 5 * 4096 };

	(void)state;
	assert_int_equal(PTR_ERR(msim_machine_create(&cfg)), -EINVAL);
}

/*
 * Fault injection.  Each case arms one failure, runs one operation, and
 * checks the result, the state, and (in the teardown) that nothing leaked.
 */
static void arm(struct mt *t, unsigned int kinds, unsigned long n)
{
	t->m->nr_failed = 0;
	msim_fail_nth(t->m, kinds, n);
}

static void assert_fired(struct mt *t)
{
	assert_int_equal(t->m->nr_failed, 1);
	msim_fail_nth(t->m, 0, 0);
}

static void test_failed_frame_allocation_is_oom(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	arm(t, KIND(FRAME), 1);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_OOM);
	assert_fired(t);
	assert_true(pte_none(mt_pte(t->mm, BASE)));
	assert_int_equal(mt_rss(t->mm), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	/* The next try succeeds. */
	assert_int_equal(mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE), 0);
	assert_int_equal(mt_rss(t->mm), 1);
}

/* A table at each level in turn: the part of the chain built is undone. */
static void test_failed_pgtable_allocation_at_each_level_is_oom(void **state)
{
	struct mt *t = *state;
	unsigned long n;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	for (n = 1; n <= 3; n++) {
		arm(t, KIND(PGTABLE), n);
		assert_int_equal(mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE),
				 -ENOMEM);
		assert_fired(t);
		assert_int_equal(mt_pgtables(t->mm), 1);
		assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 1);
		assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
		assert_int_equal(mt_rss(t->mm), 0);

		arm(t, KIND(PGTABLE), n);
		assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ),
				 VM_FAULT_OOM);
		assert_fired(t);
		assert_int_equal(mt_pgtables(t->mm), 1);
	}
	assert_int_equal(mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE), 0);
	assert_int_equal(mt_pgtables(t->mm), 4);
}

/* With tables already there, a new table below them fails alone. */
static void test_failed_pte_table_keeps_existing_tables(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * MiB + t->page, PROT_RW);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE);
	arm(t, KIND(PGTABLE), 1);
	assert_int_equal(mt_touch(t->mm, BASE + 2 * MiB, 1, MSIM_ACCESS_WRITE),
			 -ENOMEM);
	assert_fired(t);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(mt_rss(t->mm), 1);
}

static void test_failed_anon_vma_allocation_is_oom(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	arm(t, KIND(ANON_VMA), 1);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_OOM);
	assert_fired(t);
	assert_null(mt_vma(t->mm, BASE)->anon_vma);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);

	/* COW of the zero page needs the anon_vma as well. */
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ), 0);
	arm(t, KIND(ANON_VMA), 1);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_OOM);
	assert_fired(t);
	assert_true(is_zero_pfn(pte_pfn(t->mm->arch, mt_pte(t->mm, BASE))));
}

static void test_failed_avc_allocation_is_oom(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	arm(t, KIND(AVC), 1);
	assert_int_equal(mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE), -ENOMEM);
	assert_fired(t);
	assert_null(mt_vma(t->mm, BASE)->anon_vma);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), 0);
}

/* Splitting a written VMA clones its anon_vma chain: that can fail. */
static void test_failed_avc_on_split_fails_mprotect_and_munmap(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	mt_touch(t->mm, BASE, 6 * p, MSIM_ACCESS_WRITE);

	arm(t, KIND(AVC), 1);
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ),
			 -ENOMEM);
	assert_fired(t);
	assert_vma(t->mm, BASE, BASE + 6 * p, RW);

	/* The second split fails: the first one stays, nothing changes
	 * protection. */
	arm(t, KIND(AVC), 2);
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ),
			 -ENOMEM);
	assert_fired(t);
	assert_int_equal(t->mm->map_count, 2);
	assert_vma(t->mm, BASE, BASE + 2 * p, RW);
	assert_vma(t->mm, BASE + 2 * p, BASE + 6 * p, RW);
	assert_int_equal(mt_committed(t->m), 6);

	arm(t, KIND(AVC), 1);
	assert_int_equal(mt_munmap(t->mm, BASE + 3 * p, p), -ENOMEM);
	assert_fired(t);
	assert_vma(t->mm, BASE + 2 * p, BASE + 6 * p, RW);
	assert_int_equal(mt_rss(t->mm), 6);
	assert_int_equal(mt_committed(t->m), 6);
}

static void test_failed_vma_allocation_fails_mmap_cleanly(void **state)
{
	struct mt *t = *state;

	arm(t, KIND(VMA), 1);
	assert_int_equal(mt_mmap(t->mm, BASE, 4 * t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_fired(t);
	assert_int_equal(t->mm->map_count, 0);
	assert_int_equal(t->mm->total_vm, 0);
	assert_int_equal(mt_committed(t->m), 0);

	/* A merge needs no new VMA: injection does not get in its way. */
	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	arm(t, KIND(VMA), 1);
	assert_int_equal(mt_mmap(t->mm, BASE + t->page, t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 BASE + t->page);
	assert_int_equal(t->m->nr_failed, 0);
	msim_fail_nth(t->m, 0, 0);
}

static void test_failed_vma_allocation_on_split_changes_nothing(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_touch(t->mm, BASE, 4 * p, MSIM_ACCESS_WRITE);

	arm(t, KIND(VMA), 1);
	assert_int_equal(mt_munmap(t->mm, BASE + p, p), -ENOMEM);
	assert_fired(t);
	assert_vma(t->mm, BASE, BASE + 4 * p, RW);
	assert_int_equal(mt_rss(t->mm), 4);

	arm(t, KIND(VMA), 1);
	assert_int_equal(mt_mprotect(t->mm, BASE + p, p, PROT_READ), -ENOMEM);
	assert_fired(t);
	assert_vma(t->mm, BASE, BASE + 4 * p, RW);
	assert_int_equal(mt_committed(t->m), 4);

	arm(t, KIND(VMA), 1);
	assert_int_equal(mt_madvise(t->mm, BASE + p, p, MADV_DONTFORK),
			 -EAGAIN);
	assert_fired(t);
	assert_vma(t->mm, BASE, BASE + 4 * p, RW);
	assert_false(mt_vma(t->mm, BASE)->vm_flags & VM_DONTCOPY);
}

/*
 * kinds 0: the n-th allocation of any kind.  The first write fault on a
 * fresh VMA makes six: the anon_vma_chain, the anon_vma, the frame, and
 * the PUD, PMD and PTE tables.  Failing each in turn must fail the fault
 * with nothing half-done; failing the seventh fails nothing.
 */
static void test_fail_nth_of_any_kind_counts_every_allocation(void **state)
{
	struct mt *t = *state;
	unsigned long n, addr;

	for (n = 1; n <= 7; n++) {
		/* Far apart: no neighbour's anon_vma to reuse. */
		addr = BASE + n * 4 * t->page;
		mt_map_fixed(t->mm, addr, t->page, PROT_RW);
		arm(t, 0, n);
		if (n == 7) {
			assert_int_equal(
				mt_touch(t->mm, addr, 1, MSIM_ACCESS_WRITE), 0);
			assert_int_equal(t->m->nr_failed, 0);
			msim_fail_nth(t->m, 0, 0);
			break;
		}
		assert_int_equal(mt_touch(t->mm, addr, 1, MSIM_ACCESS_WRITE),
				 -ENOMEM);
		assert_fired(t);
		assert_int_equal(mt_rss(t->mm), 0);
		assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
		assert_int_equal(mt_pgtables(t->mm), 1);
		/* An anon_vma that was made stays with its VMA. */
		if (n > 2)
			assert_non_null(mt_vma(t->mm, addr)->anon_vma);
		else
			assert_null(mt_vma(t->mm, addr)->anon_vma);
	}
	assert_int_equal(mt_rss(t->mm), 1);
}

/* A mask of two kinds counts only those. */
static void test_fail_nth_with_kind_mask_skips_other_kinds(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	/* Frame is the first of the two kinds, the PUD table the second. */
	arm(t, KIND(FRAME) | KIND(PGTABLE), 2);
	assert_int_equal(mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE), -ENOMEM);
	assert_fired(t);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_non_null(mt_vma(t->mm, BASE)->anon_vma);
}

/* MAP_POPULATE ignores a failure: mmap succeeds, population stops there. */
static void test_populate_failure_is_ignored_by_mmap(void **state)
{
	struct mt *t = *state;

	arm(t, KIND(FRAME), 3);
	assert_int_equal(mt_mmap(t->mm, BASE, 8 * t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED | MAP_POPULATE),
			 BASE);
	assert_fired(t);
	assert_int_equal(mt_rss(t->mm), 2);
	assert_true(pte_none(mt_pte(t->mm, BASE + 2 * t->page)));
	assert_int_equal(mt_touch(t->mm, BASE, 8 * t->page, MSIM_ACCESS_WRITE),
			 0);
	assert_int_equal(mt_rss(t->mm), 8);
}

/*
 * Concurrent first writes.  Faults run under the mmap lock held for
 * reading, so several threads can find the same VMA without an anon_vma
 * at once.  Linux's __anon_vma_prepare() checks vma->anon_vma again under
 * mm->page_table_lock, so exactly one anon_vma is installed and every
 * page maps to it, whoever wins.  Threads write one page each of a fresh
 * VMA, all released together; on odd rounds the pages were read first,
 * so the race is in the COW of the zero page instead.
 */
enum { RACERS = 4, RACE_ROUNDS = 20000 };

static struct {
	struct mm_struct *mm;
	unsigned long page;
	pthread_barrier_t go, done;
	atomic_bool stop;
	atomic_int errors;
} race;

static void *first_writer(void *arg)
{
	unsigned long i = (unsigned long)arg;

	for (;;) {
		pthread_barrier_wait(&race.go);
		if (atomic_load(&race.stop))
			return NULL;
		if (msim_user_access(race.mm, BASE + i * race.page, NULL, 1,
				     MSIM_ACCESS_WRITE, NULL))
			atomic_fetch_add(&race.errors, 1);
		pthread_barrier_wait(&race.done);
	}
}

/* NULL if the VMA at BASE has one anon_vma that maps every page. */
static const char *race_outcome(struct mt *t, char *msg, size_t size)
{
	struct vm_area_struct *vma = mt_vma(t->mm, BASE);
	unsigned long i;

	if (!vma || !vma->anon_vma)
		return "no anon_vma";
	if (!list_is_singular(&vma->anon_vma_chain))
		return "more than one anon_vma on the VMA's chain";
	for (i = 0; i < RACERS; i++) {
		pte_t pte = mt_pte(t->mm, BASE + i * t->page);

		if (!pte_present(t->mm->arch, pte))
			return "a written page is not mapped";
		if (pfn_to_page(t->m, pte_pfn(t->mm->arch, pte))->mapping !=
		    vma->anon_vma)
			return "a page maps to another anon_vma";
	}
	if (msim_mm_check_msg(t->mm, msg, size) ||
	    msim_machine_check(t->m, msg, size))
		return msg;
	return NULL;
}

static void test_concurrent_first_writes_give_vma_one_anon_vma(void **state)
{
	struct mt *t = *state;
	pthread_t threads[RACERS];
	const char *bad = NULL;
	char msg[512];
	unsigned long i;
	int round;

	race.mm = t->mm;
	race.page = t->page;
	atomic_store(&race.stop, false);
	atomic_store(&race.errors, 0);
	assert_int_equal(pthread_barrier_init(&race.go, NULL, RACERS + 1), 0);
	assert_int_equal(pthread_barrier_init(&race.done, NULL, RACERS + 1), 0);
	for (i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, first_writer,
						(void *)i),
				 0);

	/* No assertion inside the loop: the threads must be let go first. */
	for (round = 0; round < RACE_ROUNDS && !bad; round++) {
		if (msim_mmap(t->mm, BASE, RACERS * t->page, PROT_RW,
			      ANON_PRIVATE | MAP_FIXED) != (long)BASE) {
			bad = "mmap failed";
			break;
		}
		if ((round & 1) &&
		    msim_user_access(t->mm, BASE, NULL, RACERS * t->page,
				     MSIM_ACCESS_READ, NULL)) {
			bad = "read failed";
			break;
		}
		pthread_barrier_wait(&race.go);
		pthread_barrier_wait(&race.done);
		bad = race_outcome(t, msg, sizeof(msg));
		if (!bad && msim_munmap(t->mm, BASE, RACERS * t->page))
			bad = "munmap failed";
		if (!bad && (msim_mm_check_msg(t->mm, msg, sizeof(msg)) ||
			     msim_machine_check(t->m, msg, sizeof(msg))))
			bad = msg;
	}
	atomic_store(&race.stop, true);
	pthread_barrier_wait(&race.go);
	for (i = 0; i < RACERS; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&race.go);
	pthread_barrier_destroy(&race.done);

	if (bad)
		fail_msg("round %d of %d: %s", round - 1, RACE_ROUNDS, bad);
	assert_int_equal(atomic_load(&race.errors), 0);
}

/* The ColdFire zero page has no special bit: it is found by its pfn. */
static void test_coldfire_read_fault_maps_zero_page_by_pfn(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t pte;

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, t->page, PROT_RW);
	assert_int_equal(mt_fault(t->mm, CF_UNMAPPED_BASE, MSIM_ACCESS_READ),
			 0);
	pte = mt_pte(t->mm, CF_UNMAPPED_BASE);
	assert_true(pte_present(a, pte));
	assert_int_equal(pte_pfn(a, pte), 0);
	assert_false(pte_write(a, pte));
	assert_int_equal(mt_rss(t->mm), 0);
	assert_int_equal(mt_fault(t->mm, CF_UNMAPPED_BASE, MSIM_ACCESS_WRITE),
			 0);
	pte = mt_pte(t->mm, CF_UNMAPPED_BASE);
	assert_int_not_equal(pte_pfn(a, pte), 0);
	assert_true(pte_write(a, pte));
	assert_int_equal(mt_rss(t->mm), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_read_fault_maps_the_zero_page),
		mt_test(test_write_fault_allocates_a_zeroed_frame),
		mt_test(test_write_after_read_cows_the_zero_page),
		mt_test(test_written_page_takes_no_further_fault),
		mt_test(test_fault_outside_any_vma_is_sigsegv),
		mt_test(test_write_to_read_only_vma_is_sigsegv),
		mt_test(test_any_access_to_prot_none_is_sigsegv),
		mt_test(test_exec_fault_on_executable_vma_maps_it),
		mt_test(test_user_write_then_read_round_trips_across_pages),
		mt_test(test_access_stops_at_the_faulting_page),
		mt_test(test_access_beyond_task_size_faults),
		mt_test(test_access_of_unknown_kind_is_einval),
		cmocka_unit_test(test_tiny_ram_runs_out_with_enomem),
		cmocka_unit_test(test_machine_too_small_is_einval),
		mt_test(test_failed_frame_allocation_is_oom),
		mt_test(test_failed_pgtable_allocation_at_each_level_is_oom),
		mt_test(test_failed_pte_table_keeps_existing_tables),
		mt_test(test_failed_anon_vma_allocation_is_oom),
		mt_test(test_failed_avc_allocation_is_oom),
		mt_test(test_failed_avc_on_split_fails_mprotect_and_munmap),
		mt_test(test_failed_vma_allocation_fails_mmap_cleanly),
		mt_test(test_failed_vma_allocation_on_split_changes_nothing),
		mt_test(test_fail_nth_of_any_kind_counts_every_allocation),
		mt_test(test_fail_nth_with_kind_mask_skips_other_kinds),
		mt_test(test_populate_failure_is_ignored_by_mmap),
		mt_test(test_concurrent_first_writes_give_vma_one_anon_vma),
		mt_test_coldfire(
			test_coldfire_read_fault_maps_zero_page_by_pfn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
