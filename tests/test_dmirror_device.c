// SPDX-License-Identifier: MIT
/*
 * Device-private memory through the HMM mirror's device, in the manner of
 * the kernel's hmm selftests (tools/testing/selftests/mm/hmm-tests.c),
 * written from what they check: memory migrated to the device and back,
 * by the device and by CPU faults; released while on the device; the
 * device reading its own pages directly; a snapshot without faulting;
 * exclusive access, with mprotect and with fork; fork and copy-on-write
 * of pages on the device; a mirror destroyed with pages on the device.
 * After every step the invariant checker runs over every mm and the
 * machine (device pages included), and the coherence checker over the
 * device's translations.
 */
#include "mmsim_driver_test.h"

#define NPAGES 8
#define DEVPAGES 16

static int owner;

struct fix {
	struct tt *t;
	struct mm_struct *mm;
	struct msim_coherence *c;
	struct msim_dmirror *d;
};

static void fix_init(struct tt *t, struct fix *f)
{
	f->t = t;
	f->mm = t->task[0]->mm;
	f->c = msim_coherence_create(f->mm);
	assert_false(IS_ERR(f->c));
	f->d = msim_dmirror_create(f->mm, 0,
				   ULONG_MAX & ~(mm_page_size(f->mm) - 1),
				   &owner, "dmirror", f->c);
	assert_false(IS_ERR(f->d));
	assert_int_equal(msim_dmirror_devmem_add(f->d, DEVPAGES), 0);
	assert_int_equal(msim_dmirror_devmem_free(f->d), DEVPAGES);
	dt_coherent(f->c);
}

static void fix_fini(struct fix *f)
{
	msim_dmirror_destroy(f->d);
	msim_coherence_destroy(f->c);
}

static unsigned long pg(struct fix *f, unsigned long i)
{
	return BASE + i * f->t->page;
}

/* The CPU's view: every byte of each page is @seed + its page index. */
static void cpu_fill(struct fix *f, struct mm_struct *mm, unsigned long n,
		     unsigned char seed)
{
	tt_fill(f->t, mm, BASE, n, seed);
}

static swp_entry_t entry_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = mt_pte(mm, addr);

	assert_true(is_swap_pte(mm->arch, pte));
	return pte_to_swp_entry(mm->arch, pte);
}

static bool on_device(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = mt_pte(mm, addr);

	return is_swap_pte(mm->arch, pte) &&
	       is_device_private_entry(pte_to_swp_entry(mm->arch, pte));
}

static unsigned char dev_read(struct fix *f, unsigned long addr)
{
	unsigned char b;

	assert_int_equal(msim_dmirror_access(f->d, addr, &b, 1, false), 0);
	return b;
}

/* migrate: to the device, the device reads it there, the CPU gets it back. */
static void test_migrate(void **state)
{
	struct fix f;
	unsigned long i;
	long frames;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x20);
	frames = msim_live(f.t->m, MSIM_ALLOC_FRAME);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES)),
		NPAGES);
	dt_coherent(f.c);
	/* The system pages went; the rss stays (device pages are mapped). */
	assert_int_equal(msim_live(f.t->m, MSIM_ALLOC_FRAME), frames - NPAGES);
	assert_int_equal(mt_rss(f.mm), NPAGES);
	assert_int_equal(msim_dmirror_devmem_free(f.d), DEVPAGES - NPAGES);
	for (i = 0; i < NPAGES; i++) {
		assert_true(on_device(f.mm, pg(&f, i)));
		assert_true(is_writable_device_private_entry(
			entry_at(f.mm, pg(&f, i))));
		assert_int_equal(dev_read(&f, pg(&f, i) + 7), 0x20 + i);
	}
	dt_coherent(f.c);
	/* The CPU reads: each page faults back to system memory. */
	tt_assert_filled(f.t, f.mm, BASE, NPAGES, 0x20);
	for (i = 0; i < NPAGES; i++)
		assert_true(pte_present(f.mm->arch, mt_pte(f.mm, pg(&f, i))));
	assert_int_equal(f.d->nr_cpu_faults, NPAGES);
	assert_int_equal(msim_dmirror_devmem_free(f.d), DEVPAGES);
	dt_coherent(f.c);
	fix_fini(&f);
}

/* migrate_fault: a CPU write to a page on the device. */
static void test_migrate_fault(void **state)
{
	struct fix f;
	unsigned char b = 0x77;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x30);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES)),
		NPAGES);
	tt_write(f.mm, pg(&f, 2) + 1, &b, 1);
	dt_coherent(f.c);
	assert_false(on_device(f.mm, pg(&f, 2)));
	assert_true(on_device(f.mm, pg(&f, 3)));
	/* The device maps it again, from system memory now. */
	assert_int_equal(dev_read(&f, pg(&f, 2) + 1), 0x77);
	assert_int_equal(dev_read(&f, pg(&f, 3) + 1), 0x33);
	dt_coherent(f.c);
	fix_fini(&f);
}

/* migrate_multiple: there and back, explicitly, several times. */
static void test_migrate_multiple(void **state)
{
	struct fix f;
	unsigned char b;
	int round;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x40);
	for (round = 0; round < 4; round++) {
		assert_int_equal(msim_dmirror_migrate_to_device(f.d, BASE,
								pg(&f, NPAGES)),
				 NPAGES);
		dt_coherent(f.c);
		/* The device writes on its own memory. */
		b = (unsigned char)(0x90 + round);
		assert_int_equal(
			msim_dmirror_access(f.d, pg(&f, 1), &b, 1, true), 0);
		assert_int_equal(msim_dmirror_migrate_to_system(f.d, BASE,
								pg(&f, NPAGES)),
				 NPAGES);
		dt_coherent(f.c);
		assert_false(on_device(f.mm, pg(&f, 1)));
		b = 0;
		tt_read(f.mm, pg(&f, 1), &b, 1);
		assert_int_equal(b, 0x90 + round);
	}
	assert_int_equal(msim_dmirror_devmem_free(f.d), DEVPAGES);
	assert_int_equal(f.d->nr_cpu_faults, 0);
	fix_fini(&f);
}

/*
 * Holes and the zero page migrate too; the device then reads zeroes, and
 * a CPU read of them faults back.  Pages beyond the device's memory stay.
 */
static void test_migrate_holes_and_full_device(void **state)
{
	struct fix f;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, (DEVPAGES + 4) * f.t->page, PROT_RW);
	tt_touch(f.mm, pg(&f, 1), 1, MSIM_ACCESS_READ);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, DEVPAGES + 4)),
		DEVPAGES);
	dt_coherent(f.c);
	assert_true(on_device(f.mm, pg(&f, 0)));
	assert_true(on_device(f.mm, pg(&f, 1)));
	assert_false(on_device(f.mm, pg(&f, DEVPAGES)));
	assert_int_equal(msim_dmirror_devmem_free(f.d), 0);
	assert_int_equal(dev_read(&f, pg(&f, 1)), 0);
	tt_assert_filled(f.t, f.mm, pg(&f, 1), 1, 0);
	dt_coherent(f.c);
	fix_fini(&f);
}

/* migrate_release: unmapped while on the device, the pages come back free. */
static void test_migrate_release(void **state)
{
	struct fix f;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x50);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES)),
		NPAGES);
	tt_munmap(f.mm, BASE, NPAGES * f.t->page);
	dt_coherent(f.c);
	assert_int_equal(msim_dmirror_devmem_free(f.d), DEVPAGES);
	assert_int_equal(mt_rss(f.mm), 0);
	/* And MADV_DONTNEED on a page there, likewise. */
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x58);
	msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES));
	assert_int_equal(tt_madvise(f.mm, BASE, f.t->page, MADV_DONTNEED), 0);
	dt_coherent(f.c);
	assert_int_equal(msim_dmirror_devmem_free(f.d), DEVPAGES - NPAGES + 1);
	tt_assert_filled(f.t, f.mm, pg(&f, 1), NPAGES - 1, 0x59);
	fix_fini(&f);
}

/*
 * snapshot: hmm_range_fault() without a fault: the device's own pages
 * with their pfns, the system pages with theirs, the rest as errors or
 * nothing.  Nothing is faulted back.
 */
static void test_snapshot(void **state)
{
	struct fix f;
	unsigned long pfns[6];

	fix_init(*state, &f);
	tt_map(f.mm, BASE, 3 * f.t->page, PROT_RW);
	tt_map(f.mm, pg(&f, 4), f.t->page, PROT_NONE);
	tt_map(f.mm, pg(&f, 5), f.t->page, PROT_READ);
	cpu_fill(&f, f.mm, 2, 0x60);
	assert_int_equal(msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, 1)),
			 1);
	assert_int_equal(msim_dmirror_snapshot(f.d, BASE, pg(&f, 6), pfns), 0);
	assert_int_equal(pfns[0], swp_offset_pfn(entry_at(f.mm, BASE)) |
					  HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[1], tt_pfn(f.mm, pg(&f, 1)) | HMM_PFN_VALID |
					  HMM_PFN_WRITE);
	assert_int_equal(pfns[2], 0);
	assert_int_equal(pfns[3], HMM_PFN_ERROR);
	assert_int_equal(pfns[4], HMM_PFN_ERROR);
	assert_int_equal(pfns[5], 0);
	assert_true(on_device(f.mm, BASE));
	assert_true(pte_none(mt_pte(f.mm, pg(&f, 2))));
	dt_coherent(f.c);
	fix_fini(&f);
}

/*
 * fork with pages on the device: they are shared, read-only; a write on
 * either side moves the page back and copies it; the device keeps
 * reading the parent's data.
 */
static void test_fork_and_cow_of_device_pages(void **state)
{
	struct fix f;
	struct task_struct *child;
	struct mm_struct *cmm;
	unsigned char b;
	struct page *dpage;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x70);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES)),
		NPAGES);
	dpage = msim_pfn_to_page(f.t->m, swp_offset_pfn(entry_at(f.mm, BASE)));
	child = tt_fork(f.t, f.t->task[0], 0);
	cmm = child->mm;
	dt_coherent(f.c);
	/* Both map the device page, read-only, twice counted. */
	assert_true(on_device(cmm, BASE));
	assert_false(is_writable_device_private_entry(entry_at(f.mm, BASE)));
	assert_false(is_writable_device_private_entry(entry_at(cmm, BASE)));
	assert_int_equal(page_mapcount(dpage), 2);
	assert_int_equal(mt_rss(cmm), NPAGES);

	/* The child writes: its page comes back and is copied. */
	b = 0xc1;
	tt_write(cmm, BASE, &b, 1);
	dt_coherent(f.c);
	assert_false(on_device(cmm, BASE));
	assert_false(on_device(f.mm, BASE));
	tt_assert_filled(f.t, f.mm, BASE, NPAGES, 0x70);
	b = 0;
	tt_read(cmm, BASE, &b, 1);
	assert_int_equal(b, 0xc1);
	assert_int_not_equal(tt_pfn(cmm, BASE), tt_pfn(f.mm, BASE));
	/* The device, mirroring the parent, sees the parent's data. */
	assert_int_equal(dev_read(&f, pg(&f, 3) + 2), 0x73);
	dt_coherent(f.c);
	/* A device write in the parent: no longer its own page to write. */
	b = 0xd0;
	assert_int_equal(msim_dmirror_access(f.d, pg(&f, 4), &b, 1, true), 0);
	dt_coherent(f.c);
	b = 0;
	tt_read(cmm, pg(&f, 4), &b, 1);
	assert_int_equal(b, 0x74);
	tt_read(f.mm, pg(&f, 4), &b, 1);
	assert_int_equal(b, 0xd0);
	tt_put(f.t, child);
	dt_coherent(f.c);
	fix_fini(&f);
}

/*
 * exclusive: the device takes pages for atomic access; the PTEs become
 * device-exclusive entries; a CPU read restores the PTE, ends the
 * device's access, and sees what the device wrote.
 */
static void test_exclusive(void **state)
{
	struct fix f;
	unsigned char b;
	unsigned long i;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x80);
	assert_int_equal(msim_dmirror_exclusive(f.d, BASE, pg(&f, NPAGES)),
			 NPAGES);
	dt_coherent(f.c);
	for (i = 0; i < NPAGES; i++)
		assert_true(
			is_device_exclusive_entry(entry_at(f.mm, pg(&f, i))));
	assert_int_equal(mt_rss(f.mm), NPAGES);
	b = 0xee;
	assert_int_equal(msim_dmirror_access(f.d, pg(&f, 2), &b, 1, true), 0);
	assert_non_null(msim_dmirror_entry_page(f.d, pg(&f, 2), NULL));
	b = 0;
	tt_read(f.mm, pg(&f, 2), &b, 1);
	assert_int_equal(b, 0xee);
	assert_true(pte_present(f.mm->arch, mt_pte(f.mm, pg(&f, 2))));
	assert_null(msim_dmirror_entry_page(f.d, pg(&f, 2), NULL));
	dt_coherent(f.c);
	/* Taken again: the old access was given up first. */
	assert_int_equal(msim_dmirror_exclusive(f.d, pg(&f, 2), pg(&f, 3)), 1);
	dt_coherent(f.c);
	/* The zero page cannot be had exclusively: it is broken first. */
	tt_map(f.mm, pg(&f, NPAGES), f.t->page, PROT_RW);
	tt_touch(f.mm, pg(&f, NPAGES), 1, MSIM_ACCESS_READ);
	assert_int_equal(
		msim_dmirror_exclusive(f.d, pg(&f, NPAGES), pg(&f, NPAGES + 1)),
		1);
	dt_coherent(f.c);
	fix_fini(&f);
}

/* exclusive_mprotect: read-only afterwards: the CPU cannot write. */
static void test_exclusive_mprotect(void **state)
{
	struct fix f;
	unsigned char b = 1;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0x90);
	assert_int_equal(msim_dmirror_exclusive(f.d, BASE, pg(&f, NPAGES)),
			 NPAGES);
	tt_mprotect(f.mm, BASE, NPAGES * f.t->page, PROT_READ);
	dt_coherent(f.c);
	assert_int_equal(msim_user_write(f.mm, BASE, &b, 1), -EFAULT);
	tt_assert_filled(f.t, f.mm, BASE, NPAGES, 0x90);
	assert_false(tt_pte_write(f.mm, BASE));
	dt_coherent(f.c);
	fix_fini(&f);
}

/* exclusive_cow: fork restores the parent's PTEs; COW separates them. */
static void test_exclusive_cow(void **state)
{
	struct fix f;
	struct task_struct *child;
	unsigned char b = 0x11;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0xa0);
	assert_int_equal(msim_dmirror_exclusive(f.d, BASE, pg(&f, NPAGES)),
			 NPAGES);
	child = tt_fork(f.t, f.t->task[0], 0);
	dt_coherent(f.c);
	assert_true(pte_present(f.mm->arch, mt_pte(f.mm, BASE)));
	assert_int_equal(tt_pfn(child->mm, BASE), tt_pfn(f.mm, BASE));
	tt_write(f.mm, BASE, &b, 1);
	tt_assert_filled(f.t, child->mm, BASE, NPAGES, 0xa0);
	tt_put(f.t, child);
	dt_coherent(f.c);
	fix_fini(&f);
}

/* The mirror goes with pages on the device: they are evicted first. */
static void test_destroy_evicts(void **state)
{
	struct fix f;
	struct task_struct *child;

	fix_init(*state, &f);
	tt_map(f.mm, BASE, NPAGES * f.t->page, PROT_RW);
	cpu_fill(&f, f.mm, NPAGES, 0xb0);
	assert_int_equal(
		msim_dmirror_migrate_to_device(f.d, BASE, pg(&f, NPAGES)),
		NPAGES);
	child = tt_fork(f.t, f.t->task[0], 0);
	msim_dmirror_destroy(f.d);
	tt_check(f.t->m);
	assert_false(on_device(f.mm, BASE));
	assert_false(on_device(child->mm, BASE));
	tt_assert_filled(f.t, f.mm, BASE, NPAGES, 0xb0);
	tt_assert_filled(f.t, child->mm, BASE, NPAGES, 0xb0);
	assert_int_equal(tt_pfn(child->mm, BASE), tt_pfn(f.mm, BASE));
	msim_coherence_destroy(f.c);
	tt_put(f.t, child);
}

/* The process exits with pages on the device: they are freed. */
static void test_exit_with_pages_on_the_device(void **state)
{
	struct tt *t = *state;
	struct task_struct *tsk = tt_new_task(t, "user");
	struct msim_dmirror *d;

	d = msim_dmirror_create(tsk->mm, 0, ULONG_MAX & ~(t->page - 1), &owner,
				"dmirror", NULL);
	assert_false(IS_ERR(d));
	assert_int_equal(msim_dmirror_devmem_add(d, DEVPAGES), 0);
	tt_map(tsk->mm, BASE, NPAGES * t->page, PROT_RW);
	tt_fill(t, tsk->mm, BASE, NPAGES, 0xc0);
	assert_int_equal(msim_dmirror_migrate_to_device(
				 d, BASE, BASE + NPAGES * t->page),
			 NPAGES);
	tt_exit(t, tsk);
	tt_check(t->m);
	assert_int_equal(msim_dmirror_devmem_free(d), DEVPAGES);
	msim_dmirror_destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_migrate),
		tt_test_coldfire(test_migrate),
		tt_test(test_migrate_fault),
		tt_test(test_migrate_multiple),
		tt_test(test_migrate_holes_and_full_device),
		tt_test(test_migrate_release),
		tt_test(test_snapshot),
		tt_test(test_fork_and_cow_of_device_pages),
		tt_test_coldfire(test_fork_and_cow_of_device_pages),
		tt_test(test_exclusive),
		tt_test(test_exclusive_mprotect),
		tt_test(test_exclusive_cow),
		tt_test(test_destroy_evicts),
		tt_test(test_exit_with_pages_on_the_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
