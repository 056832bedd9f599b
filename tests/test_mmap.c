// SPDX-License-Identifier: MIT
/*
 * mmap(2) of private anonymous memory: the errors in Linux's order,
 * MAP_FIXED and MAP_FIXED_NOREPLACE over existing mappings, merging with
 * neighbours, VM_ACCOUNT and the commit charge, MAP_POPULATE, and the
 * limits (vm.max_map_count, overcommit).
 */
#include "mmsim_vma_picture.h"

/* State that a failed mmap must leave as it was. */
struct snapshot {
	int map_count;
	unsigned long total_vm, rss, free_frames, pgtables;
	long committed;
};

static struct snapshot snap(struct mt *t)
{
	struct snapshot s = {
		.map_count = t->mm->map_count,
		.total_vm = t->mm->total_vm,
		.rss = mt_rss(t->mm),
		.free_frames = msim_nr_free_frames(t->m),
		.pgtables = mt_pgtables(t->mm),
		.committed = mt_committed(t->m),
	};
	return s;
}

static void assert_unchanged(struct mt *t, const struct snapshot *before)
{
	struct snapshot now = snap(t);

	assert_int_equal(now.map_count, before->map_count);
	assert_int_equal(now.total_vm, before->total_vm);
	assert_int_equal(now.rss, before->rss);
	assert_int_equal(now.free_frames, before->free_frames);
	assert_int_equal(now.pgtables, before->pgtables);
	assert_int_equal(now.committed, before->committed);
}

static void test_zero_length_is_einval(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(mt_mmap(t->mm, 0, 0, PROT_RW, ANON_PRIVATE), -EINVAL);
	assert_int_equal(
		mt_mmap(t->mm, BASE, 0, PROT_RW, ANON_PRIVATE | MAP_FIXED),
		-EINVAL);
	assert_unchanged(t, &before);
}

/* Without MAP_ANONYMOUS the fd (-1) is looked up first: a bad file. */
static void test_without_map_anonymous_is_ebadf(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_RW, MAP_PRIVATE),
			 -EBADF);
	/* Even before the length is looked at. */
	assert_int_equal(mt_mmap(t->mm, 0, 0, PROT_RW, MAP_PRIVATE), -EBADF);
	assert_unchanged(t, &before);
}

static void test_map_shared_is_eopnotsupp(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(
		mt_mmap(t->mm, 0, t->page, PROT_RW, MAP_SHARED | MAP_ANONYMOUS),
		-EOPNOTSUPP);
	/* Anonymous memory has no MAP_SHARED_VALIDATE type (host kernel). */
	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_RW,
				 MAP_SHARED_VALIDATE | MAP_ANONYMOUS),
			 -EINVAL);
	/* Flags are refused only after Linux's own earlier checks. */
	assert_int_equal(mt_mmap(t->mm, 0, 0, PROT_RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED),
			 -EINVAL);
	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED),
			 -EOPNOTSUPP);
	assert_unchanged(t, &before);
}

static void test_neither_shared_nor_private_is_einval(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_RW, MAP_ANONYMOUS),
			 -EINVAL);
	assert_int_equal(mt_mmap(t->mm, BASE, t->page, PROT_RW,
				 MAP_ANONYMOUS | MAP_FIXED),
			 -EINVAL);
	assert_unmapped(t->mm, BASE, BASE + t->page);
	assert_unchanged(t, &before);
}

static void test_map_fixed_unaligned_is_einval(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(mt_mmap(t->mm, BASE + 0x800, t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 -EINVAL);
	assert_int_equal(mt_mmap(t->mm, BASE + 1, t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED_NOREPLACE),
			 -EINVAL);
	/* Alignment is checked before mmap_min_addr. */
	assert_int_equal(mt_mmap(t->mm, 0x800, t->page, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 -EINVAL);
	assert_unchanged(t, &before);
}

/* mmap_min_addr is 65536; an unprivileged task may not map below it. */
static void test_map_fixed_below_mmap_min_addr_is_eperm(void **state)
{
	struct mt *t = *state;
	struct snapshot before = snap(t);

	assert_int_equal(
		mt_mmap(t->mm, 0, t->page, PROT_RW, ANON_PRIVATE | MAP_FIXED),
		-EPERM);
	assert_int_equal(mt_mmap(t->mm, 0x1000, t->page, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED),
			 -EPERM);
	assert_int_equal(mt_mmap(t->mm, 65536 - t->page, t->page, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED),
			 -EPERM);
	assert_unchanged(t, &before);
	/* 65536 itself is allowed. */
	assert_int_equal(mt_mmap(t->mm, 65536, t->page, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED),
			 65536);
}

static void test_hint_below_mmap_min_addr_is_rounded_up(void **state)
{
	struct mt *t = *state;

	assert_int_equal(mt_mmap(t->mm, 0x1000, t->page, PROT_RW, ANON_PRIVATE),
			 0x10000);
	assert_vmas_prot(t->mm, 0x10000 - t->page, ".a.", "rw-");
	/* An unaligned hint is rounded down to its page. */
	assert_int_equal(
		mt_mmap(t->mm, BASE + 0x123, t->page, PROT_READ, ANON_PRIVATE),
		BASE);
}

static void
test_fixed_noreplace_over_mapping_is_eexist_and_keeps_it(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	const char data[] = "still here";
	char buf[sizeof(data)];
	struct snapshot before;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	assert_int_equal(mt_write(t->mm, BASE + p, data, sizeof(data)), 0);
	before = snap(t);

	/* Exactly over it, over its tail only, and from a hole into it. */
	assert_int_equal(mt_mmap(t->mm, BASE, 4 * p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED_NOREPLACE),
			 -EEXIST);
	assert_int_equal(mt_mmap(t->mm, BASE + 3 * p, 2 * p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED_NOREPLACE),
			 -EEXIST);
	assert_int_equal(mt_mmap(t->mm, BASE - p, 2 * p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED_NOREPLACE),
			 -EEXIST);

	assert_unchanged(t, &before);
	assert_vmas_prot(t->mm, BASE - p, ".aAaa.", "rw-");
	assert_int_equal(mt_read(t->mm, BASE + p, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, data, sizeof(data));

	/* Right next to it is free: NOREPLACE maps there, exactly. */
	assert_int_equal(mt_mmap(t->mm, BASE + 4 * p, p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED_NOREPLACE),
			 BASE + 4 * p);
	assert_vmas_prot(t->mm, BASE - p, ".aAaab.", "rw- r--");
}

static void test_longer_than_task_size_is_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long task_size = t->mm->task_size;
	struct snapshot before = snap(t);

	assert_int_equal(
		mt_mmap(t->mm, 0, task_size + t->page, PROT_NONE, ANON_PRIVATE),
		-ENOMEM);
	/* A length that wraps when rounded up to a page. */
	assert_int_equal(mt_mmap(t->mm, 0, ~0UL, PROT_NONE, ANON_PRIVATE),
			 -ENOMEM);
	/* MAP_FIXED running past TASK_SIZE. */
	assert_int_equal(mt_mmap(t->mm, task_size - t->page, 2 * t->page,
				 PROT_NONE, ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_unchanged(t, &before);
	/* The last page below TASK_SIZE is fine. */
	assert_int_equal(mt_mmap(t->mm, task_size - t->page, t->page, PROT_NONE,
				 ANON_PRIVATE | MAP_FIXED),
			 task_size - t->page);
}

/*
 * MAP_FIXED over the middle of a written mapping: those pages go (rss
 * and frames drop, the contents read back as zeros), the rest keeps its
 * data, and the commit charge follows the new protection.
 */
static void test_map_fixed_replaces_part_of_a_mapping(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, free_before;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_fill(t, BASE, 4, 0xaa);
	assert_int_equal(mt_rss(t->mm), 4);
	assert_int_equal(mt_committed(t->m), 4);
	free_before = msim_nr_free_frames(t->m);

	assert_vmas_prot(t->mm, BASE - p, ".AAAA.", "rw-");

	mt_map_fixed(t->mm, BASE + p, 2 * p, PROT_READ);
	assert_vmas_prot(t->mm, BASE - p, ".AbbC.", "rw- r-- rw-");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(mt_rss(t->mm), 2);
	assert_int_equal(msim_nr_free_frames(t->m), free_before + 2);
	/* Read-only is not charged: only the two writable pages are. */
	assert_int_equal(mt_committed(t->m), 2);
	assert_false(mt_vma(t->mm, BASE + p)->vm_flags & VM_ACCOUNT);
	mt_assert_filled(t, BASE + p, 2, 0);
	mt_assert_filled(t, BASE, 1, 0xaa);
	mt_assert_filled(t, BASE + 3 * p, 1, 0xaa);

	/* Writable again over the same pages: charged, and the three merge
	 * back into one, anon_vma and all. */
	mt_map_fixed(t->mm, BASE + p, 2 * p, PROT_RW);
	assert_int_equal(mt_committed(t->m), 4);
	assert_vmas_prot(t->mm, BASE - p, ".AaaA.", "rw-");
	mt_assert_filled(t, BASE + p, 2, 0);
	mt_assert_filled(t, BASE, 1, 0xaa);
	mt_assert_filled(t, BASE + 3 * p, 1, 0xaa);
}

/* MAP_FIXED over several VMAs and the holes between them. */
static void test_map_fixed_replaces_several_mappings_and_holes(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 3 * p, p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 5 * p, 2 * p, PROT_RW);
	mt_fill(t, BASE, 2, 1);
	mt_fill(t, BASE + 5 * p, 2, 2);
	assert_int_equal(mt_committed(t->m), 4);
	assert_vmas_prot(t->mm, BASE - p, ".AA.b.CC.", "rw- r-- rw-");

	mt_map_fixed(t->mm, BASE + p, 5 * p, PROT_NONE);
	assert_vmas_prot(t->mm, BASE - p, ".AbbbbbC.", "rw- --- rw-");
	assert_int_equal(t->mm->map_count, 3);
	assert_int_equal(mt_rss(t->mm), 2);
	assert_int_equal(mt_committed(t->m), 2);
	assert_int_equal(t->mm->total_vm, 7);
}

static void test_adjacent_compatible_mappings_merge(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 4 * p, 2 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - 2 * p, "..aa..bb..", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	/* Filling the hole joins all three into one. */
	mt_map_fixed(t->mm, BASE + 2 * p, 2 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - 2 * p, "..aaaaaa..", "rw-");
	assert_int_equal(t->mm->map_count, 1);
	assert_int_equal(mt_committed(t->m), 6);
	/* Extending at either end merges too. */
	mt_map_fixed(t->mm, BASE - p, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 6 * p, p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - 2 * p, ".aaaaaaaa.", "rw-");
	assert_int_equal(t->mm->total_vm, 8);
}

/* A written neighbour (with an anon_vma) still merges with a new range. */
static void test_new_range_merges_with_written_neighbour(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_fill(t, BASE, 2, 7);
	mt_map_fixed(t->mm, BASE + 2 * p, 2 * p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - p, ".AAaa.", "rw-");
	vma = mt_vma(t->mm, BASE);
	assert_non_null(vma->anon_vma);
	mt_assert_filled(t, BASE, 2, 7);
}

/*
 * Filling the hole between two written VMAs whose anon_vmas differ: the
 * new range could merge with either, but prev and next cannot become one
 * VMA, so only the merge to the left happens.
 */
static void test_new_range_between_different_anon_vmas_merges_left(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *left, *right;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 3 * p, 2 * p, PROT_RW);
	mt_fill(t, BASE, 2, 1);
	mt_fill(t, BASE + 3 * p, 2, 2);
	assert_vmas_prot(t->mm, BASE - p, ".AA.BB.", "rw- rw-");
	assert_ptr_not_equal(mt_vma(t->mm, BASE)->anon_vma,
			     mt_vma(t->mm, BASE + 3 * p)->anon_vma);

	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_RW);
	assert_vmas_prot(t->mm, BASE - p, ".AAaBB.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	left = mt_vma(t->mm, BASE);
	right = mt_vma(t->mm, BASE + 3 * p);
	assert_ptr_not_equal(left->anon_vma, right->anon_vma);
	mt_assert_filled(t, BASE, 2, 1);
	mt_assert_filled(t, BASE + 3 * p, 2, 2);
}

static void test_different_protections_do_not_merge(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, p, PROT_RW);
	mt_map_fixed(t->mm, BASE + p, p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_READ | PROT_EXEC);
	mt_map_fixed(t->mm, BASE + 3 * p, p, PROT_NONE);
	assert_vmas_prot(t->mm, BASE - p, ".abcd.", "rw- r-- r-x ---");
	assert_int_equal(t->mm->map_count, 4);
}

/* MAP_NORESERVE: VM_NORESERVE instead of VM_ACCOUNT, so no merge. */
static void test_noreserve_does_not_merge_with_accounted(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *a, *b;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map(t->mm, BASE + 2 * p, 2 * p, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_vmas_prot(t->mm, BASE - p, ".aabb.", "rw- rw-");
	assert_int_equal(t->mm->map_count, 2);
	a = mt_vma(t->mm, BASE);
	b = mt_vma(t->mm, BASE + 2 * p);
	assert_true(a->vm_flags & VM_ACCOUNT);
	assert_false(a->vm_flags & VM_NORESERVE);
	assert_false(b->vm_flags & VM_ACCOUNT);
	assert_true(b->vm_flags & VM_NORESERVE);
	assert_int_equal(mt_committed(t->m), 2);

	/* Two NORESERVE mappings do merge. */
	mt_map(t->mm, BASE + 4 * p, p, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_vmas_prot(t->mm, BASE - p, ".aabbb.", "rw- rw-");
}

/* accountable_mapping(): private, writable, not NORESERVE. */
static void test_vm_account_only_for_private_writable(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	static const struct {
		unsigned long prot, flags;
		bool account;
	} cases[] = {
		{ PROT_RW, 0, true },
		{ PROT_WRITE, 0, true },
		{ PROT_RW | PROT_EXEC, 0, true },
		{ PROT_READ, 0, false },
		{ PROT_READ | PROT_EXEC, 0, false },
		{ PROT_NONE, 0, false },
		{ PROT_RW, MAP_NORESERVE, false },
	};
	long charged = 0;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long addr = BASE + i * 4 * p;
		struct vm_area_struct *vma;

		mt_map(t->mm, addr, 3 * p, cases[i].prot,
		       ANON_PRIVATE | MAP_FIXED | cases[i].flags);
		vma = mt_vma(t->mm, addr);
		assert_non_null(vma);
		if (!!(vma->vm_flags & VM_ACCOUNT) != cases[i].account)
			fail_msg(
				"case %u (prot %#lx flags %#lx): VM_ACCOUNT %s",
				i, cases[i].prot, cases[i].flags,
				cases[i].account ? "missing" : "set");
		charged += cases[i].account ? 3 : 0;
		assert_int_equal(mt_committed(t->m), charged);
	}
	assert_vmas_prot(t->mm, BASE - p, ".aaa.bbb.ccc.ddd.eee.fff.ggg.",
			 "rw- -w- rwx r-- r-x --- rw-");
}

/* MAP_POPULATE on a writable mapping: every page faulted for write now. */
static void test_populate_rw_allocates_every_frame(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, free_before = msim_nr_free_frames(t->m);
	unsigned long i;
	long addr;

	addr = mt_mmap(t->mm, BASE, 8 * p, PROT_RW,
		       ANON_PRIVATE | MAP_FIXED | MAP_POPULATE);
	assert_int_equal(addr, BASE);
	assert_int_equal(mt_rss(t->mm), 8);
	/* 8 frames and a PUD, PMD and PTE table. */
	assert_int_equal(msim_nr_free_frames(t->m), free_before - 8 - 3);
	for (i = 0; i < 8; i++) {
		pte_t pte = mt_pte(t->mm, BASE + i * p);

		assert_true(pte_present(t->mm->arch, pte));
		assert_true(pte_write(t->mm->arch, pte));
		assert_false(is_zero_pfn(pte_pfn(t->mm->arch, pte)));
	}
	assert_non_null(mt_vma(t->mm, BASE)->anon_vma);
}

/* MAP_POPULATE read-only: read faults, so the zero page everywhere. */
static void test_populate_read_only_maps_the_zero_page(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page, free_before = msim_nr_free_frames(t->m);
	unsigned long i;

	mt_map(t->mm, BASE, 8 * p, PROT_READ,
	       ANON_PRIVATE | MAP_FIXED | MAP_POPULATE);
	assert_int_equal(mt_rss(t->mm), 0);
	/* Only the tables were allocated. */
	assert_int_equal(msim_nr_free_frames(t->m), free_before - 3);
	for (i = 0; i < 8; i++) {
		pte_t pte = mt_pte(t->mm, BASE + i * p);

		assert_true(pte_present(t->mm->arch, pte));
		assert_false(pte_write(t->mm->arch, pte));
		assert_true(is_zero_pfn(pte_pfn(t->mm->arch, pte)));
	}
	assert_null(mt_vma(t->mm, BASE)->anon_vma);
}

/* MAP_NONBLOCK turns MAP_POPULATE off. */
static void test_populate_with_nonblock_maps_nothing(void **state)
{
	struct mt *t = *state;

	mt_map(t->mm, BASE, 4 * t->page, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_POPULATE | MAP_NONBLOCK);
	assert_int_equal(mt_rss(t->mm), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
}

static void test_populate_prot_none_maps_nothing(void **state)
{
	struct mt *t = *state;
	unsigned long free_before = msim_nr_free_frames(t->m);

	mt_map(t->mm, BASE, 8 * t->page, PROT_NONE,
	       ANON_PRIVATE | MAP_FIXED | MAP_POPULATE);
	assert_int_equal(mt_rss(t->mm), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_before);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_true(pte_none(mt_pte(t->mm, BASE)));
}

/*
 * do_mmap() refuses when map_count > vm.max_map_count: with a limit of 3,
 * a fourth VMA can still be made, a fifth cannot, not even one that would
 * merge.
 */
static void test_map_count_limit_is_enomem(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct snapshot before;
	int i;

	t->m->sysctl_max_map_count = 3;
	for (i = 0; i < 4; i++)
		mt_map_fixed(t->mm, BASE + 2 * i * p, p, PROT_READ);
	assert_vmas(t->mm, BASE - p, ".a.b.c.d.");
	assert_int_equal(t->mm->map_count, 4);
	before = snap(t);

	assert_int_equal(mt_mmap(t->mm, BASE + 8 * p, p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_int_equal(mt_mmap(t->mm, BASE + p, p, PROT_READ,
				 ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_int_equal(mt_mmap(t->mm, 0, p, PROT_READ, ANON_PRIVATE),
			 -ENOMEM);
	assert_unchanged(t, &before);

	/* Below the limit again, mmap works. */
	assert_int_equal(mt_munmap(t->mm, BASE, p), 0);
	mt_map_fixed(t->mm, BASE + 8 * p, p, PROT_READ);
	assert_vmas(t->mm, BASE - p, "...a.b.c.d.");
}

/*
 * OVERCOMMIT_GUESS refuses one writable private mapping larger than all
 * of RAM (there is no swap); what is not charged is not refused.
 */
static void
test_guess_overcommit_refuses_writable_mapping_beyond_ram(void **state)
{
	struct mt *t = *state;
	unsigned long ram = t->m->nr_frames * t->page;
	struct snapshot before = snap(t);

	assert_int_equal(t->m->sysctl_overcommit_memory, OVERCOMMIT_GUESS);
	assert_int_equal(mt_mmap(t->mm, 0, 2 * ram, PROT_RW, ANON_PRIVATE),
			 -ENOMEM);
	assert_int_equal(mt_mmap(t->mm, BASE, 2 * ram, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_unchanged(t, &before);

	assert_true(mt_mmap(t->mm, 0, 2 * ram, PROT_RW,
			    ANON_PRIVATE | MAP_NORESERVE) > 0);
	assert_true(mt_mmap(t->mm, 0, 2 * ram, PROT_READ, ANON_PRIVATE) > 0);
	assert_int_equal(mt_committed(t->m), 0);
	/* GUESS looks at one request, not the total: two halves pass. */
	assert_true(mt_mmap(t->mm, 0, ram / 2, PROT_RW, ANON_PRIVATE) > 0);
	assert_true(mt_mmap(t->mm, 0, ram / 2 + ram / 4, PROT_RW,
			    ANON_PRIVATE) > 0);
}

/* A commit refused for MAP_FIXED must not have unmapped the old range. */
static void test_refused_map_fixed_keeps_old_mapping(void **state)
{
	struct mt *t = *state;
	unsigned long ram = t->m->nr_frames * t->page;
	struct snapshot before;

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	mt_fill(t, BASE, 4, 0x5a);
	before = snap(t);
	assert_int_equal(mt_mmap(t->mm, BASE, 2 * ram, PROT_RW,
				 ANON_PRIVATE | MAP_FIXED),
			 -ENOMEM);
	assert_unchanged(t, &before);
	mt_assert_filled(t, BASE, 4, 0x5a);
}

/* MAP_STACK means VM_NOHUGEPAGE where there is THP (6.7+). */
static void test_map_stack_gets_nohugepage_and_does_not_merge(void **state)
{
	struct mt *t = *state;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	mt_map(t->mm, BASE + t->page, t->page, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_STACK);
	assert_vmas_prot(t->mm, BASE - t->page, ".ab.", "rw- rw-");
	vma = mt_vma(t->mm, BASE + t->page);
	assert_true(vma->vm_flags & VM_NOHUGEPAGE);
	assert_false(vma->vm_flags & VM_GROWSDOWN);
	assert_false(mt_vma(t->mm, BASE)->vm_flags & VM_NOHUGEPAGE);
	assert_int_equal(t->mm->map_count, 2);
}

static void test_coldfire_map_stack_is_an_ordinary_mapping(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, t->page, PROT_RW);
	mt_map(t->mm, CF_UNMAPPED_BASE + t->page, t->page, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_STACK);
	assert_vmas_prot(t->mm, CF_UNMAPPED_BASE - t->page, ".aa.", "rw-");
	assert_int_equal(t->mm->map_count, 1);
	assert_false(mt_vma(t->mm, CF_UNMAPPED_BASE)->vm_flags & VM_NOHUGEPAGE);
}

/* ColdFire: 8 KiB pages, one byte maps one page. */
static void test_coldfire_length_rounds_up_to_8k_page(void **state)
{
	struct mt *t = *state;

	assert_int_equal(mt_mmap(t->mm, 0, 1, PROT_RW, ANON_PRIVATE),
			 CF_UNMAPPED_BASE);
	assert_int_equal(t->page, 8 * KiB);
	assert_vmas_prot(t->mm, CF_UNMAPPED_BASE - t->page, ".a.", "rw-");
	assert_int_equal(t->mm->total_vm, 1);
	assert_int_equal(mt_committed(t->m), 1);
	assert_int_equal(mt_mmap(t->mm, CF_UNMAPPED_BASE + 0x1000, t->page,
				 PROT_RW, ANON_PRIVATE | MAP_FIXED),
			 -EINVAL);
}

/*
 * The pictures the tests above draw (mmsim_vma_picture.h) see every
 * difference they claim to: a boundary, a hole, a present PTE, an access
 * bit.  And pictures that no layout could give are refused as such.
 */
static void test_vma_pictures_tell_layouts_apart(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct mt_picture pic;

	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_READ);
	mt_touch(t->mm, BASE + p, p, MSIM_ACCESS_WRITE);
	assert_true(mt_vmas_match(t->mm, BASE - p, ".aAb.", "rw- r--", &pic));
	assert_true(
		mt_vmas_match(t->mm, BASE - p, ".aAb.", " rw-   r-- ", &pic));
	assert_true(mt_vmas_match(t->mm, BASE, "aAb", NULL, &pic));

	assert_false(mt_vmas_match(t->mm, BASE - p, ".aab.", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".AAb.", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".aAa.", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".aAbb", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, "aaAb.", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".a.b.", NULL, &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".aAb.", "rw- rw-", &pic));
	assert_false(mt_vmas_match(t->mm, BASE - p, ".aAb.", "rw-", &pic));
	assert_false(
		mt_vmas_match(t->mm, BASE - p, ".aAb.", "rw- r-- r--", &pic));
	assert_string_equal(pic.pages, ".aAb.");
	assert_string_equal(pic.prots, "rw- r--");

	assert_null(mt_picture_invalid(".aAb."));
	assert_null(mt_picture_invalid("aa.b.CC"));
	assert_non_null(mt_picture_invalid(""));
	assert_non_null(mt_picture_invalid(".b."));
	assert_non_null(mt_picture_invalid(".bBa."));
	assert_non_null(mt_picture_invalid(".a.a."));
	assert_non_null(mt_picture_invalid(".aba."));
	assert_non_null(mt_picture_invalid(".a-b."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_zero_length_is_einval),
		mt_test(test_without_map_anonymous_is_ebadf),
		mt_test(test_map_shared_is_eopnotsupp),
		mt_test(test_neither_shared_nor_private_is_einval),
		mt_test(test_map_fixed_unaligned_is_einval),
		mt_test(test_map_fixed_below_mmap_min_addr_is_eperm),
		mt_test(test_hint_below_mmap_min_addr_is_rounded_up),
		mt_test(test_fixed_noreplace_over_mapping_is_eexist_and_keeps_it),
		mt_test(test_longer_than_task_size_is_enomem),
		mt_test(test_map_fixed_replaces_part_of_a_mapping),
		mt_test(test_map_fixed_replaces_several_mappings_and_holes),
		mt_test(test_adjacent_compatible_mappings_merge),
		mt_test(test_new_range_merges_with_written_neighbour),
		mt_test(test_new_range_between_different_anon_vmas_merges_left),
		mt_test(test_different_protections_do_not_merge),
		mt_test(test_noreserve_does_not_merge_with_accounted),
		mt_test(test_vm_account_only_for_private_writable),
		mt_test(test_populate_rw_allocates_every_frame),
		mt_test(test_populate_read_only_maps_the_zero_page),
		mt_test(test_populate_with_nonblock_maps_nothing),
		mt_test(test_populate_prot_none_maps_nothing),
		mt_test(test_map_count_limit_is_enomem),
		mt_test(test_guess_overcommit_refuses_writable_mapping_beyond_ram),
		mt_test(test_refused_map_fixed_keeps_old_mapping),
		mt_test(test_map_stack_gets_nohugepage_and_does_not_merge),
		mt_test_coldfire(
			test_coldfire_map_stack_is_an_ordinary_mapping),
		mt_test_coldfire(test_coldfire_length_rounds_up_to_8k_page),
		mt_test(test_vma_pictures_tell_layouts_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
