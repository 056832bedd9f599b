// SPDX-License-Identifier: MIT
/*
 * The allocation-failure sweep.  For each operation, on a machine built
 * afresh each time, make the N-th allocation it does fail, for N = 1, 2,
 * 3, ... until the operation succeeds without meeting the failure (it
 * makes fewer than N allocations).  Every time:
 *  - the result says -ENOMEM (or what Linux says instead: -EAGAIN for
 *    madvise, fewer pages for GUP, nothing for MAP_POPULATE) exactly when
 *    the injected failure happened;
 *  - every mm and the machine pass the checker;
 *  - what a failed operation must leave alone is as it was (a failed
 *    fork leaves the parent's maps, rss and commit charge, and releases
 *    every object it made);
 *  - tearing everything down leaves no object of any kind and no frame.
 * Each sweep must cover a minimum number of N, so that an operation that
 * stopped allocating (and so stopped being tested) fails the test.
 */
#include "mmsim_task_test.h"

#define RW (VM_READ | VM_WRITE)
#define KIND(k) (1U << MSIM_ALLOC_##k)
/* Small: the checker runs after every step of every N. */
#define FI_RAM (16 * MiB)
#define FI_MAX_N 1000

struct fi {
	struct tt *t;
	struct task_struct *parent, *child;
	struct mm_struct *mm; /* the mm operated on */
	struct page *pinned;  /* a pin the setup took, or NULL */
	struct page *pages[4];
	long gup_ret; /* what GUP itself returned */
	unsigned long p;
	/* before the operation */
	char maps[4096];
	unsigned long rss, free_frames, total_vm;
	long committed;
	long live[MSIM_NR_ALLOC_KINDS];
};

struct fi_op {
	const char *name;
	void (*setup)(struct fi *f);
	long (*run)(struct fi *f);
	void (*verify)(struct fi *f, long ret, bool injected);
	unsigned long min_n; /* failing N values at least */
	unsigned long max_n; /* at most (0: no bound) */
};

static void snapshot(struct fi *f)
{
	struct msim_machine *m = f->t->m;
	int k;

	tt_maps(f->mm, f->maps, sizeof(f->maps));
	f->rss = mt_rss(f->mm);
	f->total_vm = f->mm->total_vm;
	f->free_frames = msim_nr_free_frames(m);
	f->committed = mt_committed(m);
	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		f->live[k] = msim_live(m, k);
}

/* The operated-on mm has the maps and rss the snapshot has. */
static void assert_maps_unchanged(struct fi *f)
{
	char now[sizeof(f->maps)];

	tt_maps(f->mm, now, sizeof(now));
	assert_string_equal(now, f->maps);
	assert_int_equal(mt_rss(f->mm), f->rss);
	assert_int_equal(f->mm->total_vm, f->total_vm);
}

/* ...and the commit charge is what it was. */
static void assert_mm_unchanged(struct fi *f)
{
	assert_maps_unchanged(f);
	assert_int_equal(mt_committed(f->t->m), f->committed);
}

/* ...and so is the machine: every object the operation made is gone. */
static void assert_machine_unchanged(struct fi *f)
{
	int k;

	for (k = 0; k < MSIM_NR_ALLOC_KINDS; k++)
		if (msim_live(f->t->m, k) != f->live[k])
			fail_msg("%s objects: %ld, were %ld", mt_kind_name(k),
				 msim_live(f->t->m, k), f->live[k]);
	assert_int_equal(msim_nr_free_frames(f->t->m), f->free_frames);
}

/*
 * One sweep: @kinds is the injection mask (0: every kind).  Returns the
 * number of N for which the injected failure happened.
 */
static unsigned long sweep(const struct fi_op *op, unsigned int kinds)
{
	unsigned long n, covered = 0, failed_before;
	bool injected;
	struct fi *f;
	long ret;

	for (n = 1;; n++) {
		if (n > FI_MAX_N)
			fail_msg("%s: still failing at N = %lu", op->name, n);
		f = calloc(1, sizeof(*f));
		assert_non_null(f);
		f->t = tt_create(&msim_arch_x86_64, FI_RAM);
		f->parent = f->t->task[0];
		f->mm = f->parent->mm;
		f->p = f->t->page;
		op->setup(f);
		tt_check(f->t->m);
		snapshot(f);

		failed_before = f->t->m->nr_failed;
		msim_fail_nth(f->t->m, kinds, n);
		ret = op->run(f);
		injected = f->t->m->nr_failed != failed_before;
		msim_fail_nth(f->t->m, 0, 0);
		if (f->t->m->nr_failed > failed_before + 1)
			fail_msg("%s: N = %lu failed %lu allocations", op->name,
				 n, f->t->m->nr_failed - failed_before);
		tt_check(f->t->m);
		op->verify(f, ret, injected);
		tt_check(f->t->m);

		if (f->pinned)
			unpin_user_page(f->pinned);
		tt_destroy(f->t);
		free(f);
		if (!injected)
			break;
		covered++;
	}
	printf("%-24s kinds %#04x: %lu allocations failed in turn\n", op->name,
	       kinds, covered);
	fflush(stdout);
	if (covered < op->min_n)
		fail_msg("%s: only %lu allocations to fail, want at least %lu",
			 op->name, covered, op->min_n);
	if (op->max_n && covered > op->max_n)
		fail_msg("%s: %lu allocations to fail, want at most %lu",
			 op->name, covered, op->max_n);
	return covered;
}

/* -errno exactly when the injected failure happened. */
static void assert_result(long ret, bool injected, long err)
{
	if (injected)
		assert_int_equal(ret, err);
	else
		assert_int_equal(ret, 0);
}

static void fill(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned char seed)
{
	unsigned long p = mm_page_size(mm), i;
	unsigned char c;

	for (i = 0; i < len / p; i++) {
		c = (unsigned char)(seed + i);
		assert_int_equal(tt_write(mm, addr + i * p, &c, 1), 0);
	}
}

static void assert_filled(struct mm_struct *mm, unsigned long addr,
			  unsigned long len, unsigned char seed)
{
	unsigned long p = mm_page_size(mm), i;
	unsigned char c;

	for (i = 0; i < len / p; i++) {
		assert_int_equal(tt_read(mm, addr + i * p, &c, 1), 0);
		assert_int_equal(c, (unsigned char)(seed + i));
	}
}

/*
 * fork of a parent with a bit of everything: written pages (A, E, the
 * latter far enough away for tables of its own), a VMA with only
 * zero-page PTEs and no anon_vma (B), a pinned page (P, copied for the
 * child), a VM_WIPEONFORK VMA (W) and a VM_DONTCOPY one (D).
 */
#define FORK_A BASE
#define FORK_B (BASE + 8 * f->p)
#define FORK_P (BASE + 16 * f->p)
#define FORK_W (BASE + 24 * f->p)
#define FORK_D (BASE + 32 * f->p)
#define FORK_E (BASE + GiB)

static void fork_setup(struct fi *f)
{
	struct mm_struct *mm = f->mm;
	unsigned long p = f->p;

	tt_map(mm, FORK_A, 4 * p, PROT_RW);
	fill(mm, FORK_A, 4 * p, 0x10);
	tt_map(mm, FORK_B, 2 * p, PROT_RW);
	tt_touch(mm, FORK_B, 2 * p, MSIM_ACCESS_READ);
	tt_map(mm, FORK_P, p, PROT_RW);
	fill(mm, FORK_P, p, 0x20);
	assert_int_equal(mt_pin_user_pages_remote(mm, FORK_P, 1,
						  FOLL_WRITE | FOLL_LONGTERM,
						  &f->pinned, NULL),
			 1);
	tt_map(mm, FORK_W, 2 * p, PROT_RW);
	fill(mm, FORK_W, 2 * p, 0x30);
	assert_int_equal(tt_madvise(mm, FORK_W, 2 * p, MADV_WIPEONFORK), 0);
	tt_map(mm, FORK_D, 2 * p, PROT_RW);
	fill(mm, FORK_D, 2 * p, 0x40);
	assert_int_equal(tt_madvise(mm, FORK_D, 2 * p, MADV_DONTFORK), 0);
	tt_map(mm, FORK_E, p, PROT_RW);
	fill(mm, FORK_E, p, 0x50);
	assert_int_equal(mm->map_count, 6);
	assert_int_equal(mt_rss(mm), 10);
}

static long fork_run(struct fi *f)
{
	struct task_struct *child = msim_fork(f->parent, 0, NULL);

	if (IS_ERR(child))
		return PTR_ERR(child);
	f->child = child;
	tt_register(f->t, child);
	return 0;
}

/*
 * The parent's view, which no fork, failed or not, may change: maps,
 * rss, data, the pinned page.  (The commit charge is the caller's.)
 */
static void fork_assert_parent_intact(struct fi *f)
{
	struct mm_struct *pm = f->parent->mm;

	assert_maps_unchanged(f);
	assert_filled(pm, FORK_A, 4 * f->p, 0x10);
	assert_filled(pm, FORK_W, 2 * f->p, 0x30);
	assert_filled(pm, FORK_D, 2 * f->p, 0x40);
	assert_filled(pm, FORK_E, f->p, 0x50);
	/* The pinned page is the parent's, exclusive, writable. */
	assert_ptr_equal(tt_page(pm, FORK_P), f->pinned);
	assert_true(tt_pte_write(pm, FORK_P));
	assert_true(PageAnonExclusive(f->pinned));
	assert_int_equal(page_mapcount(f->pinned), 1);
	assert_int_equal(atomic_load(&f->pinned->_pincount), 1);
}

static void fork_verify(struct fi *f, long ret, bool injected)
{
	struct mm_struct *cm;
	char want[sizeof(f->maps)], got[sizeof(f->maps)];
	struct vm_area_struct *vma;
	size_t off = 0;
	int n;

	assert_result(ret, injected, -ENOMEM);
	if (injected) {
		assert_null(f->child);
		assert_machine_unchanged(f);
		assert_int_equal(mt_committed(f->t->m), f->committed);
		fork_assert_parent_intact(f);
		return;
	}
	cm = f->child->mm;
	/* Every accounted VMA but D's two pages is charged again. */
	assert_int_equal(mt_committed(f->t->m), 2 * f->committed - 2);
	/* The child: the parent's maps less D. */
	mmap_read_lock(f->mm);
	for_each_vma(f->mm, vma) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		n = msim_maps_line(vma, want + off, sizeof(want) - off);
		off += (size_t)n;
	}
	mmap_read_unlock(f->mm);
	tt_maps(cm, got, sizeof(got));
	assert_string_equal(got, want);
	/* A, P (a copy) and E; W starts empty. */
	assert_int_equal(mt_rss(cm), 6);
	assert_ptr_not_equal(tt_page(cm, FORK_P), f->pinned);
	assert_filled(cm, FORK_A, 4 * f->p, 0x10);
	assert_filled(cm, FORK_P, f->p, 0x20);
	assert_filled(cm, FORK_E, f->p, 0x50);
	assert_true(pte_none(mt_pte(cm, FORK_W)));
	/* B had no anon_vma: its zero-page PTEs were not copied. */
	assert_true(pte_none(mt_pte(cm, FORK_B)));
	fork_assert_parent_intact(f);
}

/* A thread: only the task is new. */
static long clone_vm_run(struct fi *f)
{
	struct task_struct *child = msim_fork(f->parent, CLONE_VM, NULL);

	if (IS_ERR(child))
		return PTR_ERR(child);
	f->child = child;
	tt_register(f->t, child);
	return 0;
}

static void clone_vm_verify(struct fi *f, long ret, bool injected)
{
	assert_result(ret, injected, -ENOMEM);
	assert_int_equal(atomic_load(&f->mm->mm_users), injected ? 1 : 2);
	if (injected)
		assert_machine_unchanged(f);
	else
		assert_ptr_equal(f->child->mm, f->mm);
	assert_int_equal(mt_committed(f->t->m), f->committed);
	fork_assert_parent_intact(f);
}

/* mmap with MAP_POPULATE of four fresh pages. */
static void nothing(struct fi *f)
{
	(void)f;
}

static long mmap_populate_run(struct fi *f)
{
	long ret = msim_mmap(f->mm, BASE, 4 * f->p, PROT_RW,
			     ANON_PRIVATE | MAP_FIXED | MAP_POPULATE);

	return ret == (long)BASE ? 0 : ret;
}

/* How the N of the mmap sweep ended, for the test to check after it. */
static unsigned long mmap_enomem, mmap_short;

/*
 * Linux's mm_populate() ignores errors: a failure while populating
 * leaves the mapping made and mmap() successful, with fewer pages
 * present.  Only a failure before the mapping exists is -ENOMEM.
 */
static void mmap_populate_verify(struct fi *f, long ret, bool injected)
{
	struct vm_area_struct *vma = mt_vma(f->mm, BASE);
	unsigned long i, present = 0;

	if (ret) {
		assert_true(injected);
		assert_int_equal(ret, -ENOMEM);
		assert_null(vma);
		assert_mm_unchanged(f);
		assert_machine_unchanged(f);
		mmap_enomem++;
		return;
	}
	vma = assert_vma(f->mm, BASE, BASE + 4 * f->p, RW);
	assert_int_equal(mt_committed(f->t->m), 4);
	for (i = 0; i < 4; i++)
		if (!pte_none(mt_pte(f->mm, BASE + i * f->p)))
			present++;
	assert_int_equal(mt_rss(f->mm), present);
	if (injected) {
		assert_true(present < 4);
		mmap_short++;
	} else {
		assert_int_equal(present, 4);
	}
	/* Whatever population missed, the first write provides. */
	assert_int_equal(tt_touch(f->mm, BASE, 4 * f->p, MSIM_ACCESS_WRITE), 0);
	assert_int_equal(mt_rss(f->mm), 4);
}

/*
 * Splits, on a VMA with written pages.  mprotect and munmap work in a
 * forked child, whose chain of two anon_vmas makes each split clone two
 * anon_vma_chains (a failure can come half-way through a clone); madvise
 * works on a VMA with a single-entry chain.
 */
static void split_setup(struct fi *f)
{
	tt_map(f->mm, BASE, 6 * f->p, PROT_RW);
	fill(f->mm, BASE, 6 * f->p, 0x60);
}

static void split_forked_setup(struct fi *f)
{
	split_setup(f);
	f->child = tt_fork(f->t, f->parent, 0);
	f->mm = f->child->mm;
	assert_int_equal(tt_chain_len(mt_vma(f->mm, BASE)), 2);
}

/* After a failed split, every page is still mapped, with its data. */
static void assert_range_intact(struct fi *f, bool writable)
{
	unsigned long i;
	struct vm_area_struct *vma;

	for (i = 0; i < 6; i++) {
		vma = mt_vma(f->mm, BASE + i * f->p);
		assert_non_null(vma);
		assert_int_equal(!!(vma->vm_flags & VM_WRITE), writable);
		assert_false(vma->vm_flags & VM_DONTCOPY);
	}
	assert_int_equal(mt_rss(f->mm), 6);
	assert_int_equal(f->mm->total_vm, 6);
	assert_int_equal(mt_committed(f->t->m), f->committed);
	assert_filled(f->mm, BASE, 6 * f->p, 0x60);
}

static long mprotect_split_run(struct fi *f)
{
	return msim_mprotect(f->mm, BASE + 2 * f->p, 2 * f->p, PROT_READ);
}

static void mprotect_split_verify(struct fi *f, long ret, bool injected)
{
	assert_result(ret, injected, -ENOMEM);
	if (injected) {
		/* A first split may stay; no protection changed. */
		assert_range_intact(f, true);
		assert_true(f->mm->map_count <= 2);
		assert_int_equal(tt_write(f->mm, BASE + 2 * f->p, "w", 1), 0);
		return;
	}
	assert_int_equal(f->mm->map_count, 3);
	assert_vma(f->mm, BASE + 2 * f->p, BASE + 4 * f->p, VM_READ);
	assert_int_equal(tt_write(f->mm, BASE + 2 * f->p, "w", 1), -EFAULT);
	assert_filled(f->mm, BASE, 6 * f->p, 0x60);
}

static long munmap_split_run(struct fi *f)
{
	return msim_munmap(f->mm, BASE + 2 * f->p, 2 * f->p);
}

static void munmap_split_verify(struct fi *f, long ret, bool injected)
{
	assert_result(ret, injected, -ENOMEM);
	if (injected) {
		assert_range_intact(f, true);
		assert_true(f->mm->map_count <= 2);
		return;
	}
	assert_int_equal(f->mm->map_count, 2);
	assert_unmapped(f->mm, BASE + 2 * f->p, BASE + 4 * f->p);
	assert_int_equal(mt_rss(f->mm), 4);
	assert_int_equal(mt_committed(f->t->m), f->committed - 2);
}

static long madvise_split_run(struct fi *f)
{
	return msim_madvise(f->mm, BASE + 2 * f->p, 2 * f->p, MADV_DONTFORK);
}

/* madvise says -EAGAIN where a split runs out of memory. */
static void madvise_split_verify(struct fi *f, long ret, bool injected)
{
	assert_result(ret, injected, -EAGAIN);
	if (injected) {
		assert_range_intact(f, true);
		assert_true(f->mm->map_count <= 2);
		return;
	}
	assert_int_equal(f->mm->map_count, 3);
	assert_true(mt_vma(f->mm, BASE + 2 * f->p)->vm_flags & VM_DONTCOPY);
	assert_false(mt_vma(f->mm, BASE)->vm_flags & VM_DONTCOPY);
	assert_false(mt_vma(f->mm, BASE + 4 * f->p)->vm_flags & VM_DONTCOPY);
}

/* The first write to a fresh VMA in a fresh mm: tables and all. */
static void write_fault_setup(struct fi *f)
{
	tt_map(f->mm, BASE, f->p, PROT_RW);
	assert_int_equal(mt_pgtables(f->mm), 1);
}

static long write_fault_run(struct fi *f)
{
	return msim_user_write(f->mm, BASE + 7, "fault", 6);
}

static void write_fault_verify(struct fi *f, long ret, bool injected)
{
	char buf[6];

	assert_result(ret, injected, -ENOMEM);
	if (injected) {
		assert_true(pte_none(mt_pte(f->mm, BASE)));
		assert_int_equal(mt_rss(f->mm), 0);
		assert_int_equal(mt_pgtables(f->mm), 1);
		assert_int_equal(msim_live(f->t->m, MSIM_ALLOC_FRAME), 0);
		assert_int_equal(msim_nr_free_frames(f->t->m), f->free_frames);
		return;
	}
	assert_int_equal(mt_rss(f->mm), 1);
	assert_int_equal(tt_read(f->mm, BASE + 7, buf, 6), 0);
	assert_string_equal(buf, "fault");
}

/* Copy-on-write after fork: one write across two shared pages. */
static void cow_setup(struct fi *f)
{
	tt_map(f->mm, BASE, 2 * f->p, PROT_RW);
	fill(f->mm, BASE, 2 * f->p, 0x70);
	f->pages[0] = tt_page(f->mm, BASE);
	f->pages[1] = tt_page(f->mm, BASE + f->p);
	f->child = tt_fork(f->t, f->parent, 0);
	assert_ptr_equal(tt_page(f->child->mm, BASE), f->pages[0]);
}

static long cow_run(struct fi *f)
{
	return msim_user_write(f->mm, BASE + f->p - 2, "cows", 4);
}

static void cow_verify(struct fi *f, long ret, bool injected)
{
	struct mm_struct *cm = f->child->mm;
	int i, copied = 0;

	assert_result(ret, injected, -ENOMEM);
	/* The child sees none of it, whatever happened. */
	assert_filled(cm, BASE, 2 * f->p, 0x70);
	assert_ptr_equal(tt_page(cm, BASE), f->pages[0]);
	assert_ptr_equal(tt_page(cm, BASE + f->p), f->pages[1]);
	assert_int_equal(mt_rss(cm), 2);
	assert_int_equal(mt_rss(f->mm), 2);
	for (i = 0; i < 2; i++) {
		struct page *page = tt_page(f->mm, BASE + i * f->p);

		if (page != f->pages[i]) {
			copied++;
			assert_int_equal(page_mapcount(f->pages[i]), 1);
		} else {
			assert_int_equal(page_mapcount(page), 2);
			assert_false(tt_pte_write(f->mm, BASE + i * f->p));
		}
	}
	/* The copy that failed was not made; one before it may have been. */
	if (injected) {
		assert_true(copied < 2);
		return;
	}
	assert_int_equal(copied, 2);
	{
		char buf[4];

		assert_int_equal(tt_read(f->mm, BASE + f->p - 2, buf, 4), 0);
		assert_memory_equal(buf, "cows", 4);
	}
}

/* A long-term write pin of two fresh pages. */
static void gup_setup(struct fi *f)
{
	tt_map(f->mm, BASE, 2 * f->p, PROT_RW);
}

static long gup_run(struct fi *f)
{
	long ret = mt_pin_user_pages_remote(
		f->mm, BASE, 2, FOLL_WRITE | FOLL_LONGTERM, f->pages, NULL);

	f->gup_ret = ret;
	/* Fewer pages than asked is how GUP reports a later failure. */
	return ret == 2 ? 0 : ret < 0 ? ret : -ENOMEM;
}

static void gup_verify(struct fi *f, long ret, bool injected)
{
	long i, got = f->gup_ret > 0 ? f->gup_ret : 0;

	assert_result(ret, injected, -ENOMEM);
	if (injected)
		assert_true(f->gup_ret == -ENOMEM || f->gup_ret == 1);
	assert_int_equal(mt_rss(f->mm), got);
	for (i = 0; i < got; i++) {
		assert_ptr_equal(tt_page(f->mm, BASE + (unsigned long)i * f->p),
				 f->pages[i]);
		assert_int_equal(atomic_load(&f->pages[i]->_pincount), 1);
		assert_true(PageAnonExclusive(f->pages[i]));
	}
	unpin_user_pages(f->pages, (unsigned long)got);
	tt_check(f->t->m);
	if (got < 2)
		assert_true(pte_none(mt_pte(f->mm, BASE + f->p)));
}

/* The exit of a forked child that has pages of its own. */
static void exit_setup(struct fi *f)
{
	tt_map(f->mm, BASE, 4 * f->p, PROT_RW);
	fill(f->mm, BASE, 4 * f->p, 0x80);
	f->child = tt_fork(f->t, f->parent, 0);
	assert_int_equal(tt_write(f->child->mm, BASE, "c", 1), 0);
	/* What the exit must not touch is the parent's. */
	f->mm = f->parent->mm;
}

static long exit_run(struct fi *f)
{
	msim_exit(f->child);
	return 0;
}

static void exit_verify(struct fi *f, long ret, bool injected)
{
	char now[sizeof(f->maps)];

	assert_int_equal(ret, 0);
	assert_false(injected);
	assert_null(get_task_mm(f->child));
	/* The parent is as it was; the child's charge went back. */
	tt_maps(f->mm, now, sizeof(now));
	assert_string_equal(now, f->maps);
	assert_int_equal(mt_rss(f->mm), f->rss);
	assert_int_equal(mt_committed(f->t->m), f->committed - 4);
	assert_filled(f->mm, BASE, 4 * f->p, 0x80);
	/* The pages are the parent's alone now. */
	assert_int_equal(page_mapcount(tt_page(f->mm, BASE)), 1);
	assert_int_equal(page_mapcount(tt_page(f->mm, BASE + f->p)), 1);
	assert_int_equal(msim_live(f->t->m, MSIM_ALLOC_VMA), 1);
	assert_int_equal(msim_live(f->t->m, MSIM_ALLOC_FRAME), 4);
}

/*
 * Reclaim of four written pages: a swap slot each.  A slot that cannot
 * be had keeps its page in memory; the others still go.
 */
static void reclaim_setup(struct fi *f)
{
	assert_int_equal(msim_swapon(f->t->m, 8), 0);
	tt_map(f->mm, BASE, 4 * f->p, PROT_RW);
	fill(f->mm, BASE, 4 * f->p, 0x30);
}

static long reclaim_run(struct fi *f)
{
	return msim_reclaim_range(f->mm, BASE, 4 * f->p);
}

static void reclaim_verify(struct fi *f, long ret, bool injected)
{
	assert_int_equal(ret, injected ? 3 : 4);
	assert_int_equal(mt_rss(f->mm), injected ? 1 : 0);
	assert_int_equal(get_mm_counter(f->mm, MM_SWAPENTS), ret);
	assert_filled(f->mm, BASE, 4 * f->p, 0x30);
	assert_int_equal(msim_live(f->t->m, MSIM_ALLOC_SWAP), 0);
}

/* Swap-in of two pages by one write across them. */
static void swapin_setup(struct fi *f)
{
	reclaim_setup(f);
	assert_int_equal(msim_reclaim_range(f->mm, BASE, 2 * f->p), 2);
}

static long swapin_run(struct fi *f)
{
	return msim_user_write(f->mm, BASE + f->p - 2, "swap", 4);
}

static void swapin_verify(struct fi *f, long ret, bool injected)
{
	char buf[4];

	assert_result(ret, injected, -ENOMEM);
	if (injected) {
		/* The page that failed is still out, its slot held. */
		assert_true(get_mm_counter(f->mm, MM_SWAPENTS) >= 1);
		assert_filled(f->mm, BASE + f->p, f->p, 0x31);
		return;
	}
	assert_int_equal(get_mm_counter(f->mm, MM_SWAPENTS), 0);
	assert_int_equal(tt_read(f->mm, BASE + f->p - 2, buf, 4), 0);
	assert_memory_equal(buf, "swap", 4);
	assert_filled(f->mm, BASE + 2 * f->p, 2 * f->p, 0x32);
}

/* msim_migrate_range() of two pages: its arrays, then a frame each. */
static void migrate_setup(struct fi *f)
{
	tt_map(f->mm, BASE, 2 * f->p, PROT_RW);
	fill(f->mm, BASE, 2 * f->p, 0x40);
	f->pages[0] = tt_page(f->mm, BASE);
	f->pages[1] = tt_page(f->mm, BASE + f->p);
}

static long migrate_run(struct fi *f)
{
	return msim_migrate_range(f->mm, BASE, 2 * f->p);
}

static void migrate_verify(struct fi *f, long ret, bool injected)
{
	int moved = (tt_page(f->mm, BASE) != f->pages[0]) +
		    (tt_page(f->mm, BASE + f->p) != f->pages[1]);

	assert_int_equal(ret, injected ? -ENOMEM : 2);
	assert_int_equal(moved, injected ? moved : 2);
	assert_true(moved < 2 || !injected);
	assert_int_equal(mt_rss(f->mm), 2);
	assert_filled(f->mm, BASE, 2 * f->p, 0x40);
	assert_int_equal(msim_live(f->t->m, MSIM_ALLOC_FRAME), 2);
}

static const struct fi_op op_fork = {
	"fork", fork_setup, fork_run, fork_verify, 23, 0,
};
static const struct fi_op op_clone_vm = {
	"fork CLONE_VM", fork_setup, clone_vm_run, clone_vm_verify, 1, 1,
};
static const struct fi_op op_mmap = {
	"mmap MAP_POPULATE",  nothing, mmap_populate_run,
	mmap_populate_verify, 10,      0,
};
static const struct fi_op op_mprotect = {
	"mprotect split",
	split_forked_setup,
	mprotect_split_run,
	mprotect_split_verify,
	6,
	0,
};
static const struct fi_op op_munmap = {
	"munmap split",
	split_forked_setup,
	munmap_split_run,
	munmap_split_verify,
	6,
	0,
};
static const struct fi_op op_madvise = {
	"madvise split",      split_setup, madvise_split_run,
	madvise_split_verify, 4,	   0,
};
static const struct fi_op op_write_fault = {
	"write fault",
	write_fault_setup,
	write_fault_run,
	write_fault_verify,
	6,
	0,
};
static const struct fi_op op_cow = {
	"COW fault after fork", cow_setup, cow_run, cow_verify, 2, 0,
};
static const struct fi_op op_gup = {
	"GUP pin", gup_setup, gup_run, gup_verify, 7, 0,
};
/* exit_mmap() and friends free; they never allocate. */
static const struct fi_op op_exit = {
	"exit", exit_setup, exit_run, exit_verify, 0, 0,
};

static const struct fi_op op_reclaim = {
	"reclaim", reclaim_setup, reclaim_run, reclaim_verify, 4, 4,
};
static const struct fi_op op_swapin = {
	"swap-in", swapin_setup, swapin_run, swapin_verify, 2, 2,
};
static const struct fi_op op_migrate = {
	"migrate", migrate_setup, migrate_run, migrate_verify, 4, 4,
};

static void test_reclaim_sweep(void **state)
{
	(void)state;
	sweep(&op_reclaim, 0);
}

static void test_swapin_sweep(void **state)
{
	(void)state;
	sweep(&op_swapin, 0);
}

static void test_migrate_sweep(void **state)
{
	(void)state;
	sweep(&op_migrate, 0);
}

static void test_fork_sweep(void **state)
{
	(void)state;
	sweep(&op_fork, 0);
}

static void test_clone_vm_sweep(void **state)
{
	(void)state;
	sweep(&op_clone_vm, 0);
}

static void test_mmap_populate_sweep(void **state)
{
	(void)state;
	mmap_enomem = mmap_short = 0;
	sweep(&op_mmap, 0);
	/* The VMA itself, then each step of population. */
	assert_int_equal(mmap_enomem, 1);
	assert_true(mmap_short >= 8);
}

static void test_mprotect_split_sweep(void **state)
{
	(void)state;
	sweep(&op_mprotect, 0);
}

static void test_munmap_split_sweep(void **state)
{
	(void)state;
	sweep(&op_munmap, 0);
}

static void test_madvise_split_sweep(void **state)
{
	(void)state;
	sweep(&op_madvise, 0);
}

static void test_write_fault_sweep(void **state)
{
	(void)state;
	sweep(&op_write_fault, 0);
}

static void test_cow_fault_sweep(void **state)
{
	(void)state;
	sweep(&op_cow, 0);
}

static void test_gup_pin_sweep(void **state)
{
	(void)state;
	sweep(&op_gup, 0);
}

static void test_exit_sweep(void **state)
{
	(void)state;
	assert_int_equal(sweep(&op_exit, 0), 0);
}

/*
 * fork kind by kind.  What it allocates is Linux's: the task, the mm and
 * its pgd; a VMA for each of the five VMAs it copies (not D); for each of
 * the three with an anon_vma (A, P, E; not B, never written, nor W, which
 * starts empty) an anon_vma_chain to the parent's anon_vma, an anon_vma
 * of its own and the chain to it; page tables for the copied PTEs (the
 * PUD, PMD and PTE table over A and P, a PMD and PTE table over E); and
 * one frame, the copy of the pinned page.  Each kind's count, and their
 * sum against the sweep of all kinds together.
 */
static void test_fork_sweep_by_kind(void **state)
{
	static const struct {
		enum msim_alloc_kind kind;
		unsigned long n;
	} want[] = {
		{ MSIM_ALLOC_FRAME, 1 }, { MSIM_ALLOC_PGTABLE, 6 },
		{ MSIM_ALLOC_VMA, 5 },	 { MSIM_ALLOC_ANON_VMA, 3 },
		{ MSIM_ALLOC_AVC, 6 },	 { MSIM_ALLOC_MM, 1 },
		{ MSIM_ALLOC_TASK, 1 },
	};
	unsigned long total = 0, all, got;
	struct fi_op op = op_fork;
	size_t i;

	(void)state;
	op.min_n = 0;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		op.name = mt_kind_name(want[i].kind);
		got = sweep(&op, 1U << want[i].kind);
		if (got != want[i].n)
			fail_msg("fork: %lu %s allocations, want %lu", got,
				 op.name, want[i].n);
		total += got;
	}
	all = sweep(&op_fork, 0);
	assert_int_equal(all, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_sweep),
		cmocka_unit_test(test_clone_vm_sweep),
		cmocka_unit_test(test_mmap_populate_sweep),
		cmocka_unit_test(test_mprotect_split_sweep),
		cmocka_unit_test(test_munmap_split_sweep),
		cmocka_unit_test(test_madvise_split_sweep),
		cmocka_unit_test(test_write_fault_sweep),
		cmocka_unit_test(test_cow_fault_sweep),
		cmocka_unit_test(test_gup_pin_sweep),
		cmocka_unit_test(test_exit_sweep),
		cmocka_unit_test(test_reclaim_sweep),
		cmocka_unit_test(test_swapin_sweep),
		cmocka_unit_test(test_migrate_sweep),
		cmocka_unit_test(test_fork_sweep_by_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
