// SPDX-License-Identifier: MIT
/*
 * mprotect(2): the argument checks in Linux's order, the walk that stops
 * at a hole after changing what came before it, splitting and merging,
 * mprotect_fixup()'s commit accounting (VM_ACCOUNT dropped on the way to
 * read-only only while nothing was written), and what happens to the PTEs
 * (write-protected, made writable again without a fault when the page is
 * exclusive, the zero page never writable, PROT_NONE inaccessible).
 */
#include "mmsim_vma_picture.h"

#define RW (VM_READ | VM_WRITE)

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

static void test_middle_of_vma_splits_into_three(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaa.", "rw-");
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aabbcc.", "rw- r-- rw-");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(t->mm->total_vm, 6);
	assert_int_equal(t->mm->data_vm, 4);
}

/* Changing a whole VMA to its neighbours' protection merges all three. */
static void test_whole_vma_change_merges_with_both_neighbours(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 4 * p, 2 * p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 2 * p, 2 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - p, ".aabbcc.", "r-- rw- r--");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaa.", "r--");
	assert_int_equal(t->mm->map_count, 1);
	assert_int_equal(mt_committed(t->m), 0);
}

/* One call over four VMAs of alternating protection merges them all. */
static void test_range_over_several_vmas_merges_them_all(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	int i;

	for (i = 0; i < 4; i++)
		mt_map_fixed(t->mm, BASE + 2 * i * p, 2 * p,
			     i & 1 ? PROT_RW : PROT_READ);
	assert_vmas_prot(t->mm, BASE - p, ".aabbccdd.", "r-- rw- r-- rw-");
	assert_int_equal(t->mm->map_count, 4);
	assert_int_equal(mt_mprotect(t->mm, BASE, 8 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaaaa.", "r--");
	assert_int_equal(t->mm->map_count, 1);
	assert_int_equal(mt_committed(t->m), 0);
	assert_int_equal(mt_mprotect(t->mm, BASE, 8 * p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaaaa.", "rw-");
	assert_int_equal(mt_committed(t->m), 8);
}

/*
 * A write fault in a VMA that differs from its written neighbour only in
 * access bits adopts the neighbour's anon_vma (find_mergeable_anon_vma()),
 * so that the two merge once their protections agree.
 */
static void test_written_neighbours_share_anon_vma_and_merge(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *a, *b;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * p, 2 * p, PROT_RW | PROT_EXEC);
	fill(t, BASE, 2, 0x0a);
	fill(t, BASE + 2 * p, 2, 0x0b);
	assert_vmas_prot(t->mm, BASE - p, ".AABB.", "rw- rwx");
	a = mt_vma(t->mm, BASE);
	b = mt_vma(t->mm, BASE + 2 * p);
	assert_non_null(a->anon_vma);
	assert_ptr_equal(a->anon_vma, b->anon_vma);

	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".AAAA.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
	assert_int_equal(first_byte(t, BASE), 0x0a);
	assert_int_equal(first_byte(t, BASE + 3 * p), 0x0b);
}

/* Written separately (a hole between), they keep different anon_vmas:
 * equal flags are not enough to merge once the hole is filled. */
static void test_separately_written_vmas_do_not_merge(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_RW);
	fill(t, BASE, 1, 1);
	fill(t, BASE + 2 * p, 1, 2);
	mt_map_fixed(t->mm, BASE + p, p, PROT_READ);
	assert_vmas_prot(t->mm, BASE - p, ".AbC.", "rw- r-- rw-");
	assert_int_equal(mt_mprotect(t->mm, BASE + p, p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".AaB.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
}

/* A range that wraps past the top of the address space. */
static void test_wrapping_range_is_enomem(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(
		mt_mprotect(t->mm, BASE, 0UL - BASE + t->page, PROT_READ),
		-ENOMEM);
	/* Rounds up to zero: the same. */
	assert_int_equal(mt_mprotect(t->mm, BASE, ~0UL, PROT_READ), -ENOMEM);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "rw-");
}

/* A range touching one end of a VMA merges that part into the neighbour. */
static void test_edge_of_vma_moves_into_neighbour(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 2 * p, 4 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - p, ".aabbbb.", "r-- rw-");
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaabbb.", "r-- rw-");
	assert_int_equal(t->mm->map_count, 2);
	assert_int_equal(mt_mprotect(t->mm, BASE + 5 * p, p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaabbc.", "r-- rw- r--");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(mt_committed(t->m), 2);
}

/*
 * A hole inside the range: the VMAs before it were changed and stay
 * changed, the ones after it were never reached, and the call says
 * -ENOMEM.
 */
static void test_hole_in_range_changes_only_what_precedes_it(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	/* A: 0-2, hole 2-3, C: 3-5, all writable. */
	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 3 * p, 2 * p, PROT_RW);

	assert_int_equal(mt_mprotect(t->mm, BASE + p, 3 * p, PROT_READ),
			 -ENOMEM);
	assert_vmas_prot(t->mm, BASE - p, ".ab.cc.", "rw- r-- rw-");

	assert_int_equal(mt_mprotect(t->mm, BASE, 5 * p, PROT_NONE), -ENOMEM);
	assert_vmas_prot(t->mm, BASE - p, ".aa.bb.", "--- rw-");
	assert_int_equal(mt_committed(t->m), 2);
}

/* Running off the end of the last VMA: changed, then -ENOMEM. */
static void test_range_ending_in_hole_changes_vma_and_fails(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * p, PROT_READ), -ENOMEM);
	assert_vmas_prot(t->mm, BASE - p, ".aa.", "r--");
}

static void test_range_starting_in_hole_changes_nothing(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE + p, 2 * p, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE, 3 * p, PROT_READ), -ENOMEM);
	assert_vmas_prot(t->mm, BASE, ".aa.", "rw-");
	assert_int_equal(mt_committed(t->m), 2);
	/* Nothing mapped at all in the range. */
	assert_int_equal(mt_mprotect(t->mm, BASE + 8 * p, p, PROT_READ),
			 -ENOMEM);
	assert_int_equal(t->mm->map_count, 1);
}

static void test_unaligned_start_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE + 0x800, t->page, PROT_READ),
			 -EINVAL);
	assert_vmas_prot(t->mm, BASE - t->page, ".aa.", "rw-");
}

/* len 0 returns before the range or the protection is looked at. */
static void test_zero_length_succeeds_without_checking(void **state)
{
	struct mt *t = *state;

	assert_int_equal(mt_mprotect(t->mm, BASE, 0, PROT_READ), 0);
	assert_int_equal(mt_mprotect(t->mm, BASE, 0, 0x10), 0);
	assert_int_equal(t->mm->map_count, 0);
	/* Alignment comes first, though. */
	assert_int_equal(mt_mprotect(t->mm, BASE + 1, 0, PROT_READ), -EINVAL);
}

static void test_unknown_prot_bits_are_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, 0x10), -EINVAL);
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, PROT_READ | 0x40),
			 -EINVAL);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "rw-");
	/* PROT_SEM (0x8) is valid on x86 and changes nothing by itself. */
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, PROT_READ | 0x8), 0);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "r--");
}

static void test_growsdown_with_growsup_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page,
				     PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
			 -EINVAL);
	/* Checked before anything else, len 0 included. */
	assert_int_equal(mt_mprotect(t->mm, BASE, 0,
				     PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
			 -EINVAL);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "rw-");
}

/*
 * PROT_GROWSDOWN alone asks to extend the change to the start of a
 * grows-down VMA: on an ordinary VMA Linux answers -EINVAL, with no VMA
 * in the range -ENOMEM, and with len 0 it returns 0 before looking.
 * x86 has no VM_GROWSUP, so PROT_GROWSUP is -EINVAL on any VMA.
 */
static void test_growsdown_on_ordinary_vma_is_einval(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	assert_int_equal(
		mt_mprotect(t->mm, BASE, t->page, PROT_READ | PROT_GROWSDOWN),
		-EINVAL);
	assert_int_equal(
		mt_mprotect(t->mm, BASE, t->page, PROT_READ | PROT_GROWSUP),
		-EINVAL);
	assert_int_equal(mt_mprotect(t->mm, BASE + 4 * t->page, t->page,
				     PROT_READ | PROT_GROWSDOWN),
			 -ENOMEM);
	assert_int_equal(
		mt_mprotect(t->mm, BASE, 0, PROT_READ | PROT_GROWSDOWN), 0);
	assert_vmas_prot(t->mm, BASE - t->page, ".a.", "rw-");
}

/* Untouched (no anon_vma): going read-only drops VM_ACCOUNT and charge. */
static void test_rw_to_r_on_untouched_vma_drops_vm_account(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	assert_int_equal(mt_committed(t->m), 4);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaa.", "r--");
	vma = mt_vma(t->mm, BASE);
	assert_false(vma->vm_flags & VM_ACCOUNT);
	assert_int_equal(mt_committed(t->m), 0);
	assert_int_equal(t->mm->data_vm, 0);
	assert_int_equal(t->mm->total_vm, 4);
}

/*
 * RW -> R -> RW of an untouched middle piece: the charge is dropped and
 * taken again, the flags end up equal to the neighbours', and the three
 * VMAs merge back into one.
 */
static void test_rw_r_rw_of_untouched_middle_merges_back(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aabbcc.", "rw- r-- rw-");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(mt_committed(t->m), 4);
	assert_false(mt_vma(t->mm, BASE + 2 * p)->vm_flags & VM_ACCOUNT);

	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaaaa.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
	vma = mt_vma(t->mm, BASE);
	assert_true(vma->vm_flags & VM_ACCOUNT);
	assert_int_equal(mt_committed(t->m), 6);
	assert_int_equal(t->mm->data_vm, 6);
}

/*
 * Once written (anon_vma set) the charge stays: VM_ACCOUNT survives the
 * read-only piece, so going back to RW charges nothing and merges back.
 */
static void test_written_piece_keeps_vm_account_when_read_only(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 6 * p, PROT_RW);
	fill(t, BASE + 2 * p, 1, 0x42);
	assert_non_null(mt_vma(t->mm, BASE)->anon_vma);

	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_READ), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaBbcc.", "rw- r-- rw-");
	assert_int_equal(t->mm->map_count, 3);
	vma = mt_vma(t->mm, BASE + 2 * p);
	assert_true(vma->vm_flags & VM_ACCOUNT);
	assert_int_equal(mt_committed(t->m), 6);
	assert_int_equal(first_byte(t, BASE + 2 * p), 0x42);

	assert_int_equal(mt_mprotect(t->mm, BASE + 2 * p, 2 * p, PROT_RW), 0);
	assert_int_equal(mt_committed(t->m), 6);
	assert_vmas_prot(t->mm, BASE - p, ".aaAaaa.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
	assert_int_equal(first_byte(t, BASE + 2 * p), 0x42);
}

static void test_r_to_rw_charges_commit(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_READ);
	assert_int_equal(mt_committed(t->m), 0);
	assert_int_equal(mt_mprotect(t->mm, BASE + p, 2 * p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".abbc.", "r-- rw- r--");
	vma = mt_vma(t->mm, BASE + p);
	assert_true(vma->vm_flags & VM_ACCOUNT);
	assert_int_equal(mt_committed(t->m), 2);
	/* Already writable and accounted: no second charge. */
	assert_int_equal(
		mt_mprotect(t->mm, BASE + p, 2 * p, PROT_RW | PROT_EXEC), 0);
	assert_vmas_prot(t->mm, BASE - p, ".abbc.", "r-- rwx r--");
	assert_int_equal(mt_committed(t->m), 2);
}

/* More than RAM at once is refused under OVERCOMMIT_GUESS: nothing done. */
static void test_r_to_rw_beyond_ram_is_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long len = 2 * t->m->nr_frames * t->page;
	long addr;

	addr = mt_mmap(t->mm, 0, len, PROT_READ, ANON_PRIVATE);
	assert_true(addr > 0);
	assert_int_equal(mt_mprotect(t->mm, (unsigned long)addr, len, PROT_RW),
			 -ENOMEM);
	assert_vma(t->mm, (unsigned long)addr, (unsigned long)addr + len,
		   VM_READ);
	assert_int_equal(mt_committed(t->m), 0);
}

static void test_r_to_rw_with_noreserve_is_not_charged(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map(t->mm, BASE, 4 * p, PROT_READ,
	       ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * p, PROT_RW), 0);
	assert_vmas_prot(t->mm, BASE - p, ".aaaa.", "rw-");
	vma = mt_vma(t->mm, BASE);
	assert_false(vma->vm_flags & VM_ACCOUNT);
	assert_true(vma->vm_flags & VM_NORESERVE);
	assert_int_equal(mt_committed(t->m), 0);
}

/* RW -> R: the PTE loses its write bit; a write is now a SIGSEGV. */
static void test_rw_to_r_write_protects_pte_and_writes_fault(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned long fault_addr = 0;
	pte_t before, after;
	char c = 1;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	fill(t, BASE, 2, 0x33);
	before = mt_pte(t->mm, BASE + t->page);
	assert_true(pte_write(a, before));

	assert_int_equal(mt_mprotect(t->mm, BASE, 2 * t->page, PROT_READ), 0);
	after = mt_pte(t->mm, BASE + t->page);
	assert_true(pte_present(a, after));
	assert_false(pte_write(a, after));
	assert_int_equal(pte_pfn(a, after), pte_pfn(a, before));
	/* Young and dirty are the page's history, not its protection. */
	assert_true(pte_dirty(a, after));

	assert_int_equal(mt_access(t->mm, BASE + t->page + 5, &c, 1,
				   MSIM_ACCESS_WRITE, &fault_addr),
			 -EFAULT);
	assert_int_equal(fault_addr, BASE + t->page + 5);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_WRITE),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(pte_val(mt_pte(t->mm, BASE + t->page)),
			 pte_val(after));
	assert_int_equal(first_byte(t, BASE + t->page), 0x33);
}

/*
 * R -> RW of a page the process owns exclusively: mprotect makes the PTE
 * writable itself (MM_CP_TRY_CHANGE_WRITABLE), so the next write takes no
 * fault and no new frame.
 */
static void
test_r_to_rw_makes_exclusive_page_writable_without_fault(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t before, after;
	unsigned long free_frames;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	fill(t, BASE, 1, 0x61);
	before = mt_pte(t->mm, BASE);
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, PROT_READ), 0);
	assert_false(pte_write(a, mt_pte(t->mm, BASE)));

	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, PROT_RW), 0);
	after = mt_pte(t->mm, BASE);
	assert_true(pte_write(a, after));
	assert_int_equal(pte_pfn(a, after), pte_pfn(a, before));

	free_frames = msim_nr_free_frames(t->m);
	fill(t, BASE, 1, 0x62);
	assert_int_equal(pte_pfn(a, mt_pte(t->mm, BASE)), pte_pfn(a, before));
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_int_equal(mt_rss(t->mm), 1);
}

/* The zero page is shared: RW does not make it writable; a write COWs. */
static void test_zero_page_stays_read_only_after_r_to_rw(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t pte;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ);
	assert_int_equal(first_byte(t, BASE), 0);
	assert_int_equal(mt_mprotect(t->mm, BASE, t->page, PROT_RW), 0);
	pte = mt_pte(t->mm, BASE);
	assert_true(pte_present(a, pte));
	assert_true(is_zero_pfn(pte_pfn(a, pte)));
	assert_false(pte_write(a, pte));

	fill(t, BASE, 1, 0x70);
	pte = mt_pte(t->mm, BASE);
	assert_false(is_zero_pfn(pte_pfn(a, pte)));
	assert_true(pte_write(a, pte));
	assert_int_equal(mt_rss(t->mm), 1);
}

/* PROT_NONE: the page stays (rss, contents), but reads fault. */
static void test_prot_none_makes_reads_fault(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	unsigned long fault_addr = 0;
	char c;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	fill(t, BASE, 2, 0x55);
	assert_int_equal(mt_mprotect(t->mm, BASE, 2 * t->page, PROT_NONE), 0);
	assert_true(pte_present(a, mt_pte(t->mm, BASE)));
	assert_true(pte_protnone(a, mt_pte(t->mm, BASE)));
	assert_int_equal(mt_rss(t->mm), 2);

	assert_int_equal(mt_access(t->mm, BASE + t->page, &c, 1,
				   MSIM_ACCESS_READ, &fault_addr),
			 -EFAULT);
	assert_int_equal(fault_addr, BASE + t->page);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);

	assert_int_equal(mt_mprotect(t->mm, BASE, 2 * t->page, PROT_READ), 0);
	assert_int_equal(first_byte(t, BASE + t->page), 0x55);
}

/* The same on ColdFire, whose PTEs have a readable bit and no protnone. */
static void test_coldfire_protection_changes_reach_ptes(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t pte;
	char c;

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 2 * t->page, PROT_RW);
	fill(t, CF_UNMAPPED_BASE, 2, 0x11);
	assert_int_equal(
		mt_mprotect(t->mm, CF_UNMAPPED_BASE, t->page, PROT_READ), 0);
	assert_vmas_prot(t->mm, CF_UNMAPPED_BASE - t->page, ".AB.", "r-- rw-");
	assert_int_equal(t->mm->map_count, 2);
	pte = mt_pte(t->mm, CF_UNMAPPED_BASE);
	assert_false(pte_write(a, pte));
	assert_true(pte_val(pte) & a->pte.read);
	assert_true(pte_write(a, mt_pte(t->mm, CF_UNMAPPED_BASE + t->page)));

	assert_int_equal(
		mt_mprotect(t->mm, CF_UNMAPPED_BASE, t->page, PROT_NONE), 0);
	assert_vmas_prot(t->mm, CF_UNMAPPED_BASE - t->page, ".AB.", "--- rw-");
	pte = mt_pte(t->mm, CF_UNMAPPED_BASE);
	assert_true(pte_present(a, pte));
	assert_false(pte_val(pte) & a->pte.read);
	assert_int_equal(mt_read(t->mm, CF_UNMAPPED_BASE, &c, 1), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_middle_of_vma_splits_into_three),
		mt_test(test_whole_vma_change_merges_with_both_neighbours),
		mt_test(test_range_over_several_vmas_merges_them_all),
		mt_test(test_written_neighbours_share_anon_vma_and_merge),
		mt_test(test_separately_written_vmas_do_not_merge),
		mt_test(test_wrapping_range_is_enomem),
		mt_test(test_edge_of_vma_moves_into_neighbour),
		mt_test(test_hole_in_range_changes_only_what_precedes_it),
		mt_test(test_range_ending_in_hole_changes_vma_and_fails),
		mt_test(test_range_starting_in_hole_changes_nothing),
		mt_test(test_unaligned_start_is_einval),
		mt_test(test_zero_length_succeeds_without_checking),
		mt_test(test_unknown_prot_bits_are_einval),
		mt_test(test_growsdown_with_growsup_is_einval),
		mt_test(test_growsdown_on_ordinary_vma_is_einval),
		mt_test(test_rw_to_r_on_untouched_vma_drops_vm_account),
		mt_test(test_rw_r_rw_of_untouched_middle_merges_back),
		mt_test(test_written_piece_keeps_vm_account_when_read_only),
		mt_test(test_r_to_rw_charges_commit),
		mt_test(test_r_to_rw_beyond_ram_is_enomem),
		mt_test(test_r_to_rw_with_noreserve_is_not_charged),
		mt_test(test_rw_to_r_write_protects_pte_and_writes_fault),
		mt_test(test_r_to_rw_makes_exclusive_page_writable_without_fault),
		mt_test(test_zero_page_stays_read_only_after_r_to_rw),
		mt_test(test_prot_none_makes_reads_fault),
		mt_test_coldfire(test_coldfire_protection_changes_reach_ptes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
