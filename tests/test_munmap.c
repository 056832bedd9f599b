// SPDX-License-Identifier: MIT
/*
 * munmap(2): argument errors, unmapping holes, splitting one VMA and
 * cutting through several, and giving back everything the range held:
 * frames, page tables, commit charge; and the map count limit on a split.
 */
#include "mmsim_vma_picture.h"

static void fill(struct mt *t, unsigned long addr, unsigned long pages,
		 unsigned char byte)
{
	unsigned char *buf = malloc(pages * t->page);

	assert_non_null(buf);
	memset(buf, byte, pages * t->page);
	assert_int_equal(mt_write(t->mm, addr, buf, pages * t->page), 0);
	free(buf);
}

static unsigned char first_byte(struct mt *t, unsigned long addr)
{
	unsigned char b = 0xee;

	assert_int_equal(mt_read(t->mm, addr, &b, 1), 0);
	return b;
}

static void test_unaligned_start_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(mt_munmap(t->mm, BASE + 0x800, t->page), -EINVAL);
	assert_int_equal(mt_munmap(t->mm, BASE + 1, t->page), -EINVAL);
	assert_vmas_prot(t->mm, BASE - t->page, ".aa.", "rw-");
}

static void test_zero_length_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(mt_munmap(t->mm, BASE, 0), -EINVAL);
	/* Even where nothing is mapped. */
	assert_int_equal(mt_munmap(t->mm, BASE + 16 * t->page, 0), -EINVAL);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "rw-");
}

static void test_range_beyond_task_size_is_einval(void **state)
{
	struct mt *t = *state;
	unsigned long task_size = t->mm->task_size;

	assert_int_equal(mt_munmap(t->mm, task_size + t->page, t->page),
			 -EINVAL);
	assert_int_equal(mt_munmap(t->mm, task_size - t->page, 2 * t->page),
			 -EINVAL);
	assert_int_equal(mt_munmap(t->mm, BASE, ~0UL - BASE), -EINVAL);
	/* Up to TASK_SIZE exactly is fine. */
	assert_int_equal(mt_munmap(t->mm, task_size - t->page, t->page), 0);
}

/* A length that is not a page multiple covers the page it ends in. */
static void test_length_is_rounded_up_to_pages(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 3 * t->page, PROT_RW);
	assert_int_equal(mt_munmap(t->mm, BASE, t->page + 1), 0);
	assert_vmas_prot(t->mm, BASE - t->page, "...a.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
}

static void test_unmapping_a_hole_succeeds_and_changes_nothing(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 4 * p, p, PROT_RW);
	assert_int_equal(mt_munmap(t->mm, BASE + p, 3 * p), 0);
	assert_int_equal(mt_munmap(t->mm, BASE + 64 * p, 8 * p), 0);
	assert_vmas_prot(t->mm, BASE - p, ".a...b.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	/* On an empty mm too. */
	assert_int_equal(mt_munmap(t->mm, BASE, 5 * p), 0);
	assert_int_equal(mt_munmap(t->mm, BASE, 5 * p), 0);
	assert_vmas(t->mm, BASE - p, ".......");
	assert_int_equal(t->mm->map_count, 0);
}

/* A hole in the middle: two VMAs with the same flags and the data kept. */
static void test_middle_of_vma_splits_it_in_two(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *lo, *hi;
	unsigned long i;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	for (i = 0; i < 6; i++)
		fill(t, BASE + i * p, 1, (unsigned char)(0x10 + i));
	assert_vmas_prot(t->mm, BASE - p, ".AAAAAA.", "rw-");
	assert_int_equal(mt_munmap(t->mm, BASE + 2 * p, 2 * p), 0);

	assert_vmas_prot(t->mm, BASE - p, ".AA..BB.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	lo = mt_vma(t->mm, BASE);
	hi = mt_vma(t->mm, BASE + 4 * p);
	assert_int_equal(lo->vm_flags, hi->vm_flags);
	/* Both halves keep the pages through the shared anon_vma. */
	assert_ptr_equal(lo->anon_vma, hi->anon_vma);
	assert_unmapped(t->mm, BASE + 2 * p, BASE + 4 * p);
	assert_int_equal(mt_rss(t->mm), 4);
	assert_int_equal(t->mm->total_vm, 4);
	assert_int_equal(first_byte(t, BASE + p), 0x11);
	assert_int_equal(first_byte(t, BASE + 4 * p), 0x14);
	assert_int_equal(mt_read(t->mm, BASE + 2 * p, &i, 1), -EFAULT);
}

static void test_range_spanning_several_vmas_and_holes(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	/* A: 0-3, hole 3-4, B: 4-6 (read-only), C: 6-10. */
	mt_map_fixed(t->mm, BASE, 3 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 4 * p, 2 * p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 6 * p, 4 * p, PROT_RW);
	fill(t, BASE, 3, 0xa);
	fill(t, BASE + 6 * p, 4, 0xc);
	assert_vmas_prot(t->mm, BASE - p, ".AAA.bbCCCC.", "rw- r-- rw-");
	assert_int_equal(mt_rss(t->mm), 7);

	/* From the middle of A to the middle of C. */
	assert_int_equal(mt_munmap(t->mm, BASE + p, 7 * p), 0);
	assert_vmas_prot(t->mm, BASE - p, ".A.......BB.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	assert_unmapped(t->mm, BASE + p, BASE + 8 * p);
	assert_int_equal(mt_rss(t->mm), 3);
	assert_int_equal(t->mm->total_vm, 3);
	assert_int_equal(first_byte(t, BASE), 0xa);
	assert_int_equal(first_byte(t, BASE + 9 * p), 0xc);
}

/* Every frame comes back: the data pages and the tables above them. */
static void test_frames_are_freed(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, baseline = msim_nr_free_frames(t->m);

	mt_map_fixed(t->mm, BASE, 16 * p, PROT_RW);
	mt_touch(t->mm, BASE, 16 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(msim_nr_free_frames(t->m), baseline - 16 - 3);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 16);

	assert_int_equal(mt_munmap(t->mm, BASE, 8 * p), 0);
	assert_int_equal(msim_nr_free_frames(t->m), baseline - 8 - 3);
	assert_int_equal(mt_munmap(t->mm, BASE + 8 * p, 8 * p), 0);
	assert_int_equal(msim_nr_free_frames(t->m), baseline);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	assert_int_equal(mt_rss(t->mm), 0);
}

/* The zero page is shared and never freed, whatever unmaps it. */
static void test_zero_page_mappings_free_nothing_but_tables(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, baseline = msim_nr_free_frames(t->m);

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_READ);
	mt_touch(t->mm, BASE, 4 * p, MSIM_ACCESS_READ);
	assert_int_equal(msim_nr_free_frames(t->m), baseline - 3);
	assert_int_equal(mt_munmap(t->mm, BASE, 4 * p), 0);
	assert_int_equal(msim_nr_free_frames(t->m), baseline);
	assert_int_equal(page_ref_count(ZERO_PAGE(t->m)), 1);
}

static void test_page_tables_are_freed_when_empty(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	/* Two PTE tables under one PMD table. */
	mt_map_fixed(t->mm, BASE, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * MiB, p, PROT_RW);
	mt_touch(t->mm, BASE, p, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + 2 * MiB, p, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 5);

	/* The second PTE table goes; the rest still maps BASE. */
	assert_int_equal(mt_munmap(t->mm, BASE + 2 * MiB, p), 0);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(mt_munmap(t->mm, BASE, p), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(atomic_load(&t->mm->pgtables_bytes), 0);
}

/* An empty PTE table goes even if the VMA over it stays. */
static void test_partial_unmap_frees_table_left_empty(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * MiB + p, PROT_RW);
	mt_touch(t->mm, BASE + 2 * MiB, p, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(mt_munmap(t->mm, BASE + 2 * MiB, p), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_vma(t->mm, BASE, BASE + 2 * MiB, VM_READ | VM_WRITE);
}

static void test_commit_charge_is_returned(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 10 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 10 * p, 5 * p, PROT_READ);
	mt_map(t->mm, BASE + 15 * p, 5 * p, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_int_equal(mt_committed(t->m), 10);

	/* Half of the accounted VMA, plus unaccounted ones. */
	assert_int_equal(mt_munmap(t->mm, BASE + 5 * p, 15 * p), 0);
	assert_int_equal(mt_committed(t->m), 5);
	/* A hole punched in what is left. */
	assert_int_equal(mt_munmap(t->mm, BASE + 2 * p, p), 0);
	assert_int_equal(mt_committed(t->m), 4);
	assert_int_equal(mt_munmap(t->mm, BASE, 5 * p), 0);
	assert_int_equal(mt_committed(t->m), 0);
}

/*
 * Punching a hole makes one VMA more; at vm.max_map_count that is refused
 * up front.  Trimming an end does not add a VMA and is allowed.
 */
static void test_hole_punch_at_map_count_limit_is_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 8 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 9 * p, p, PROT_READ);
	fill(t, BASE, 8, 0x77);
	t->m->sysctl_max_map_count = 2;

	assert_int_equal(mt_munmap(t->mm, BASE + 2 * p, 2 * p), -ENOMEM);
	assert_vmas_prot(t->mm, BASE - p, ".AAAAAAAA.b.", "rw- r--");
	assert_int_equal(t->mm->map_count, 2);
	assert_int_equal(mt_rss(t->mm), 8);
	assert_int_equal(first_byte(t, BASE + 2 * p), 0x77);

	/* Head and tail: no new VMA. */
	assert_int_equal(mt_munmap(t->mm, BASE, p), 0);
	assert_int_equal(mt_munmap(t->mm, BASE + 7 * p, p), 0);
	assert_vmas_prot(t->mm, BASE - p, "..AAAAAA..b.", "rw- r--");
	/* Across the end of one VMA and the start of the next. */
	assert_int_equal(mt_munmap(t->mm, BASE + 6 * p, 4 * p), 0);
	assert_vmas_prot(t->mm, BASE - p, "..AAAAA.....", "rw-");
	assert_int_equal(t->mm->map_count, 1);

	/* Below the limit, the hole is made. */
	assert_int_equal(mt_munmap(t->mm, BASE + 3 * p, p), 0);
	assert_vmas_prot(t->mm, BASE - p, "..AA.BB.....", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
}

static void test_access_after_munmap_faults(void **state)
{
	struct mt *t = *state;
	unsigned long fault_addr = 0;
	char c = 1;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	fill(t, BASE, 1, 9);
	assert_int_equal(mt_munmap(t->mm, BASE, t->page), 0);
	assert_int_equal(
		mt_access(t->mm, BASE, &c, 1, MSIM_ACCESS_WRITE, &fault_addr),
		-EFAULT);
	assert_int_equal(fault_addr, BASE);
	assert_int_equal(t->mm->map_count, 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
}

static void test_coldfire_munmap_frees_frames_and_table(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, baseline = msim_nr_free_frames(t->m);

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 4 * p, PROT_RW);
	mt_touch(t->mm, CF_UNMAPPED_BASE, 4 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(msim_nr_free_frames(t->m), baseline - 4 - 1);
	assert_int_equal(mt_munmap(t->mm, CF_UNMAPPED_BASE + p, 2 * p), 0);
	assert_vmas_prot(t->mm, CF_UNMAPPED_BASE - p, ".A..B.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	assert_int_equal(msim_nr_free_frames(t->m), baseline - 2 - 1);
	assert_int_equal(mt_munmap(t->mm, CF_UNMAPPED_BASE, 4 * p), 0);
	assert_int_equal(msim_nr_free_frames(t->m), baseline);
	assert_int_equal(mt_pgtables(t->mm), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_unaligned_start_is_einval),
		mt_test(test_zero_length_is_einval),
		mt_test(test_range_beyond_task_size_is_einval),
		mt_test(test_length_is_rounded_up_to_pages),
		mt_test(test_unmapping_a_hole_succeeds_and_changes_nothing),
		mt_test(test_middle_of_vma_splits_it_in_two),
		mt_test(test_range_spanning_several_vmas_and_holes),
		mt_test(test_frames_are_freed),
		mt_test(test_zero_page_mappings_free_nothing_but_tables),
		mt_test(test_page_tables_are_freed_when_empty),
		mt_test(test_partial_unmap_frees_table_left_empty),
		mt_test(test_commit_charge_is_returned),
		mt_test(test_hole_punch_at_map_count_limit_is_enomem),
		mt_test(test_access_after_munmap_faults),
		mt_test_coldfire(test_coldfire_munmap_frees_frames_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
