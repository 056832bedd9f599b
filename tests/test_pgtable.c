// SPDX-License-Identifier: MIT
/*
 * Page tables: allocated level by level on the first touch below each
 * entry (x86_64: PUD, PMD and PTE tables under the pgd; ColdFire: one PTE
 * table under the pgd), freed as soon as unmapping or MADV_DONTNEED
 * leaves them empty, counted in pgtables_bytes as mm_pgtables_bytes()
 * does, and walked in address order by msim_walk_ptes().
 */
#include "mmsim_test.h"

/* One table of 512 eight-byte entries (x86_64). */
#define X86_TABLE_BYTES 4096L
/* One PTE table of 512 four-byte entries (ColdFire). */
#define CF_TABLE_BYTES 2048L

static long pgtables_bytes(struct mt *t)
{
	return atomic_load(&t->mm->pgtables_bytes);
}

static void test_x86_first_touch_allocates_three_tables(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 4 * MiB, PROT_RW);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(pgtables_bytes(t), 0);

	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 4);
	assert_int_equal(pgtables_bytes(t), 3 * X86_TABLE_BYTES);

	/* The rest of the same 2 MiB needs no table. */
	mt_touch(t->mm, BASE + t->page, 2 * MiB - t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 4);
	/* The next 2 MiB needs a PTE table of its own. */
	mt_touch(t->mm, BASE + 2 * MiB, 1, MSIM_ACCESS_READ);
	assert_int_equal(mt_pgtables(t->mm), 5);
	assert_int_equal(pgtables_bytes(t), 4 * X86_TABLE_BYTES);
}

/* A new 1 GiB needs a PMD and a PTE table; a new 512 GiB a PUD too. */
static void test_x86_tables_are_per_level_span(void **state)
{
	struct mt *t = *state;
	const unsigned long far = 0x10000000000UL; /* 1 TiB: pgd slot 2 */

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	mt_map_fixed(t->mm, BASE + GiB, t->page, PROT_RW);
	mt_map_fixed(t->mm, far, t->page, PROT_RW);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 4);
	mt_touch(t->mm, BASE + GiB, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 6);
	mt_touch(t->mm, far, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 9);
	assert_int_equal(pgtables_bytes(t), 8 * X86_TABLE_BYTES);

	/* Unmapping each frees exactly what only it used. */
	assert_int_equal(mt_munmap(t->mm, far, t->page), 0);
	assert_int_equal(mt_pgtables(t->mm), 6);
	assert_int_equal(mt_munmap(t->mm, BASE + GiB, t->page), 0);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(mt_munmap(t->mm, BASE, t->page), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(pgtables_bytes(t), 0);
}

static void test_coldfire_first_touch_allocates_one_table(void **state)
{
	struct mt *t = *state;

	/* One ColdFire PTE table maps 512 8 KiB pages: 4 MiB. */
	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 8 * MiB, PROT_RW);
	mt_touch(t->mm, CF_UNMAPPED_BASE, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 2);
	assert_int_equal(pgtables_bytes(t), CF_TABLE_BYTES);
	mt_touch(t->mm, CF_UNMAPPED_BASE + 4 * MiB - t->page, 1,
		 MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 2);
	mt_touch(t->mm, CF_UNMAPPED_BASE + 4 * MiB, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 3);
	assert_int_equal(pgtables_bytes(t), 2 * CF_TABLE_BYTES);

	assert_int_equal(mt_munmap(t->mm, CF_UNMAPPED_BASE, 4 * MiB), 0);
	assert_int_equal(mt_pgtables(t->mm), 2);
	assert_int_equal(mt_munmap(t->mm, CF_UNMAPPED_BASE + 4 * MiB, 4 * MiB),
			 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(pgtables_bytes(t), 0);
}

/* A read fault maps the zero page, and needs the same tables. */
static void test_read_fault_allocates_tables_too(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_READ);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(mt_rss(t->mm), 0);
}

/* A SIGSEGV allocates nothing. */
static void test_refused_fault_allocates_no_table(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, t->page, PROT_NONE);
	assert_int_equal(mt_fault(t->mm, BASE, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_fault(t->mm, BASE + t->page, MSIM_ACCESS_READ),
			 VM_FAULT_SIGSEGV);
	assert_int_equal(mt_pgtables(t->mm), 1);
}

/* MADV_DONTNEED frees a table once its last entry goes, not before. */
static void test_dontneed_frees_table_when_emptied(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 2 * t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_DONTNEED), 0);
	assert_int_equal(mt_pgtables(t->mm), 4);
	assert_int_equal(
		mt_madvise(t->mm, BASE + t->page, t->page, MADV_DONTNEED), 0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(pgtables_bytes(t), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 1);
	/* The VMA is still there: touching it builds the chain again. */
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_READ);
	assert_int_equal(mt_pgtables(t->mm), 4);
}

static void test_coldfire_dontneed_frees_table(void **state)
{
	struct mt *t = *state;

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 2 * t->page, PROT_RW);
	mt_touch(t->mm, CF_UNMAPPED_BASE, 2 * t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(mt_pgtables(t->mm), 2);
	assert_int_equal(
		mt_madvise(t->mm, CF_UNMAPPED_BASE, 2 * t->page, MADV_DONTNEED),
		0);
	assert_int_equal(mt_pgtables(t->mm), 1);
	assert_int_equal(pgtables_bytes(t), 0);
}

/* The software PTE of a written and of a read page, in x86 terms. */
static void test_x86_pte_bits_after_faults(void **state)
{
	struct mt *t = *state;
	const struct msim_arch *a = t->mm->arch;
	pte_t w, r;

	mt_map_fixed(t->mm, BASE, 2 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 1, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + t->page, 1, MSIM_ACCESS_READ);
	w = mt_pte(t->mm, BASE);
	r = mt_pte(t->mm, BASE + t->page);

	assert_true(pte_present(a, w) && pte_user(a, w) && pte_write(a, w));
	assert_true(pte_young(a, w) && pte_dirty(a, w));
	assert_true(pte_val(w) & a->pte.nx);
	assert_false(msim_pte_allows(a, w, false, true));

	assert_true(pte_present(a, r) && pte_user(a, r) && pte_young(a, r));
	assert_false(pte_write(a, r) || pte_dirty(a, r));
	assert_true(pte_special(a, r));
	assert_true(msim_pte_allows(a, r, false, false));
	assert_false(msim_pte_allows(a, r, true, false));
}

struct visit {
	int n, stop_at;
	unsigned long addr[64];
	uint64_t val[64];
};

static int record(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		  void *arg)
{
	struct visit *v = arg;

	(void)mm;
	if (v->n < 64) {
		v->addr[v->n] = addr;
		v->val[v->n] = pte_val(*ptep);
	}
	v->n++;
	return v->n == v->stop_at ? 7 : 0;
}

static int walk(struct mt *t, unsigned long start, unsigned long end,
		struct visit *v)
{
	int ret;

	spin_lock(&t->mm->page_table_lock);
	ret = msim_walk_ptes(t->mm, start, end, record, v);
	spin_unlock(&t->mm->page_table_lock);
	return ret;
}

/*
 * Present PTEs scattered over several tables at every level, written and
 * read ones; the walk must visit exactly those, in address order, with
 * the entries mt_pte() sees.
 */
static void test_walk_visits_exactly_the_present_ptes_in_order(void **state)
{
	struct mt *t = *state;
	const unsigned long p = t->page;
	const unsigned long want[] = {
		BASE,
		BASE + 3 * p,
		BASE + 511 * p,
		BASE + 2 * MiB,
		BASE + GiB + 5 * p,
		0x10000000000UL,
		X86_MMAP_BASE - p,
	};
	enum { N = sizeof(want) / sizeof(want[0]) };
	struct visit v = { 0 };
	int i;

	/* Each mapping also covers pages left untouched around them. */
	mt_map_fixed(t->mm, BASE, 2 * MiB + 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + GiB, 8 * p, PROT_READ);
	mt_map_fixed(t->mm, 0x10000000000UL, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, X86_MMAP_BASE - 2 * p, 2 * p, PROT_RW);
	/* Touch them in scrambled order; the read-only one by reading. */
	for (i = 0; i < N; i++) {
		unsigned long addr = want[(i * 3) % N];

		assert_int_equal(mt_touch(t->mm, addr, 1,
					  addr == BASE + GiB + 5 * p
						  ? MSIM_ACCESS_READ
						  : MSIM_ACCESS_WRITE),
				 0);
	}

	assert_int_equal(walk(t, 0, t->mm->task_size, &v), 0);
	assert_int_equal(v.n, N);
	for (i = 0; i < N; i++) {
		assert_int_equal(v.addr[i], want[i]);
		assert_int_equal(v.val[i], pte_val(mt_pte(t->mm, want[i])));
	}

	/* A sub-range: only what is inside it. */
	memset(&v, 0, sizeof(v));
	assert_int_equal(walk(t, BASE + p, BASE + 2 * MiB + p, &v), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.addr[0], BASE + 3 * p);
	assert_int_equal(v.addr[1], BASE + 511 * p);
	assert_int_equal(v.addr[2], BASE + 2 * MiB);

	/* Nothing present in it, or an empty range. */
	memset(&v, 0, sizeof(v));
	assert_int_equal(walk(t, BASE + 4 * p, BASE + 511 * p, &v), 0);
	assert_int_equal(walk(t, BASE, BASE, &v), 0);
	assert_int_equal(walk(t, BASE + p, BASE, &v), 0);
	assert_int_equal(v.n, 0);
}

/* A non-zero return from the callback stops the walk and is returned. */
static void test_walk_stops_when_callback_returns_non_zero(void **state)
{
	struct mt *t = *state;
	struct visit v = { .stop_at = 3 };

	mt_map_fixed(t->mm, BASE, 8 * t->page, PROT_RW);
	mt_touch(t->mm, BASE, 8 * t->page, MSIM_ACCESS_WRITE);
	assert_int_equal(walk(t, 0, t->mm->task_size, &v), 7);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.addr[2], BASE + 2 * t->page);
}

static void test_coldfire_walk_visits_present_ptes(void **state)
{
	struct mt *t = *state;
	struct visit v = { 0 };

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 8 * MiB, PROT_RW);
	mt_touch(t->mm, CF_UNMAPPED_BASE + 4 * MiB + t->page, 1,
		 MSIM_ACCESS_WRITE);
	mt_touch(t->mm, CF_UNMAPPED_BASE + t->page, 1, MSIM_ACCESS_READ);
	assert_int_equal(walk(t, 0, t->mm->task_size, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.addr[0], CF_UNMAPPED_BASE + t->page);
	assert_int_equal(v.addr[1], CF_UNMAPPED_BASE + 4 * MiB + t->page);
}

static void test_index_and_table_end_arithmetic(void **state)
{
	const struct msim_arch *x = &msim_arch_x86_64,
			       *cf = &msim_arch_coldfire;

	(void)state;
	assert_int_equal(msim_pte_index(x, 0, X86_MMAP_BASE), 0xff);
	assert_int_equal(msim_pte_index(x, 1, X86_MMAP_BASE), 0x1ff);
	assert_int_equal(msim_pte_index(x, 2, X86_MMAP_BASE), 0x1bf);
	assert_int_equal(msim_pte_index(x, 3, X86_MMAP_BASE), 0x1ff);
	assert_int_equal(msim_pte_index(cf, 0, CF_UNMAPPED_BASE), 0x180);
	assert_int_equal(msim_pte_index(cf, 1, CF_UNMAPPED_BASE + 0x6000), 3);

	assert_int_equal(msim_pte_table_end(x, BASE, BASE + 4 * MiB),
			 BASE + 2 * MiB);
	assert_int_equal(msim_pte_table_end(x, BASE + 0x1000, BASE + 0x5000),
			 BASE + 0x5000);
	assert_int_equal(
		msim_pte_table_end(cf, CF_UNMAPPED_BASE + 0x2000, 0xc0000000UL),
		CF_UNMAPPED_BASE + 4 * MiB);
	/* An end of 0 is the top of the address space, not below @addr. */
	assert_int_equal(msim_pte_table_end(x, BASE, 0), BASE + 2 * MiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_x86_first_touch_allocates_three_tables),
		mt_test(test_x86_tables_are_per_level_span),
		mt_test_coldfire(test_coldfire_first_touch_allocates_one_table),
		mt_test(test_read_fault_allocates_tables_too),
		mt_test(test_refused_fault_allocates_no_table),
		mt_test(test_dontneed_frees_table_when_emptied),
		mt_test_coldfire(test_coldfire_dontneed_frees_table),
		mt_test(test_x86_pte_bits_after_faults),
		mt_test(test_walk_visits_exactly_the_present_ptes_in_order),
		mt_test(test_walk_stops_when_callback_returns_non_zero),
		mt_test_coldfire(test_coldfire_walk_visits_present_ptes),
		cmocka_unit_test(test_index_and_table_end_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
