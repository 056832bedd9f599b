// SPDX-License-Identifier: MIT
/*
 * fork and exit as the mm sees them (kernel/fork.c dup_mm(), mm/mmap.c
 * dup_mmap(), mm/memory.c copy_page_range(), mm/rmap.c anon_vma_fork()):
 * the child's VMAs are the parent's one for one, less VM_DONTCOPY ones
 * and with VM_WIPEONFORK ones emptied; private pages are shared
 * copy-on-write until one side writes; the child's anon_vmas hang below
 * the parent's, which changes what may merge afterwards; the commit
 * charge follows the VMAs; and the mm outlives the task only for those
 * who hold a reference to it.
 */
#include "mmsim_task_test.h"

#define RW (VM_READ | VM_WRITE)

/* The maps text of @mm without the line starting at @skip (0: none). */
static void maps_without(struct mm_struct *mm, unsigned long skip, char *buf,
			 size_t size)
{
	struct vm_area_struct *vma;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		if (vma->vm_start == skip)
			continue;
		n = msim_maps_line(vma, buf + off, size - off);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
	mmap_read_unlock(mm);
}

/*
 * The child's VMAs are the parent's, copied one for one.  X and Y touch
 * and have the same flags but were written apart, so each has its own
 * anon_vma and Linux keeps them apart; the copies must stay apart too.
 * P, D and Q were one mapping until MADV_DONTFORK of D split it: the
 * child has P and Q with nothing between them, and nothing merged.
 */
static void test_fork_copies_vmas_one_for_one(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct vm_area_struct *pv, *cv;
	unsigned long p = t->page;
	char want[2048], got[2048];

	tt_map(pm, BASE, 2 * p, PROT_RW);
	tt_touch(pm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	tt_map(pm, BASE + 3 * p, 2 * p, PROT_RW);
	tt_touch(pm, BASE + 3 * p, 2 * p, MSIM_ACCESS_WRITE);
	/* Joins X only: X's and Y's anon_vmas differ. */
	tt_map(pm, BASE + 2 * p, p, PROT_RW);
	assert_vma(pm, BASE, BASE + 3 * p, RW);
	assert_vma(pm, BASE + 3 * p, BASE + 5 * p, RW);
	assert_ptr_not_equal(mt_vma(pm, BASE)->anon_vma,
			     mt_vma(pm, BASE + 3 * p)->anon_vma);

	tt_map(pm, BASE + 8 * p, 6 * p, PROT_RW);
	tt_touch(pm, BASE + 8 * p, 6 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(tt_madvise(pm, BASE + 10 * p, 2 * p, MADV_DONTFORK),
			 0);
	tt_map(pm, BASE + 14 * p, 2 * p, PROT_READ);
	assert_int_equal(pm->map_count, 6);

	child = tt_fork(t, parent, 0);
	cm = child->mm;
	assert_ptr_not_equal(cm, pm);
	assert_int_equal(cm->map_count, 5);
	maps_without(pm, BASE + 10 * p, want, sizeof(want));
	maps_without(cm, 0, got, sizeof(got));
	assert_string_equal(got, want);

	/* Field by field, the same VMAs, each a new object of the child. */
	for (pv = pm->mmap, cv = cm->mmap; pv; pv = pv->vm_next) {
		if (pv->vm_flags & VM_DONTCOPY)
			continue;
		assert_non_null(cv);
		assert_ptr_not_equal(cv, pv);
		assert_ptr_equal(cv->vm_mm, cm);
		assert_int_equal(cv->vm_start, pv->vm_start);
		assert_int_equal(cv->vm_end, pv->vm_end);
		assert_int_equal(cv->vm_flags, pv->vm_flags);
		assert_int_equal(cv->vm_pgoff, pv->vm_pgoff);
		assert_int_equal(cv->vm_page_prot.pgprot,
				 pv->vm_page_prot.pgprot);
		assert_int_equal(!cv->anon_vma, !pv->anon_vma);
		cv = cv->vm_next;
	}
	assert_null(cv);
	assert_unmapped(cm, BASE + 10 * p, BASE + 12 * p);
	assert_vma(cm, BASE + 8 * p, BASE + 10 * p, RW);
	assert_vma(cm, BASE + 12 * p, BASE + 14 * p, RW);
	/* X and Y stay two VMAs with two anon_vmas in the child too. */
	assert_vma(cm, BASE, BASE + 3 * p, RW);
	assert_vma(cm, BASE + 3 * p, BASE + 5 * p, RW);
	assert_ptr_not_equal(mt_vma(cm, BASE)->anon_vma,
			     mt_vma(cm, BASE + 3 * p)->anon_vma);
	assert_int_equal(cm->mmap_base, pm->mmap_base);
	assert_int_equal(cm->task_size, pm->task_size);
	assert_int_equal(cm->highest_vm_end, pm->highest_vm_end);
}

/*
 * VM_DONTCOPY: the child has nothing there, and neither its size
 * counters nor the commit charge count it.
 */
static void test_dontcopy_vma_is_left_out_of_child(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long p = t->page;
	char c = 'x';

	tt_map(pm, BASE, 4 * p, PROT_RW);
	tt_map(pm, BASE + 8 * p, 3 * p, PROT_RW);
	tt_write(pm, BASE + 8 * p, &c, 1);
	assert_int_equal(tt_madvise(pm, BASE + 8 * p, 3 * p, MADV_DONTFORK), 0);
	assert_true(mt_vma(pm, BASE + 8 * p)->vm_flags & VM_DONTCOPY);
	assert_int_equal(pm->total_vm, 7);
	assert_int_equal(pm->data_vm, 7);
	assert_int_equal(mt_committed(t->m), 7);

	child = tt_fork(t, parent, 0);
	cm = child->mm;
	assert_int_equal(cm->map_count, 1);
	assert_int_equal(cm->total_vm, 4);
	assert_int_equal(cm->data_vm, 4);
	assert_int_equal(cm->hiwater_vm, 4);
	assert_int_equal(mt_rss(cm), 0);
	assert_int_equal(mt_committed(t->m), 7 + 4);
	assert_unmapped(cm, BASE + 8 * p, BASE + 11 * p);
	assert_int_equal(tt_read(cm, BASE + 8 * p, &c, 1), -EFAULT);
	/* The parent keeps its page, exclusive and writable. */
	assert_int_equal(mt_rss(pm), 1);
	assert_true(tt_pte_write(pm, BASE + 8 * p));
	assert_true(PageAnonExclusive(tt_page(pm, BASE + 8 * p)));
	assert_int_equal(page_mapcount(tt_page(pm, BASE + 8 * p)), 1);
}

/*
 * VM_WIPEONFORK: the child gets the VMA, flag and all, but not its
 * contents: no PTE, no anon_vma, zeros to read.
 */
static void test_wipeonfork_vma_starts_empty_in_child(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct vm_area_struct *vma;
	unsigned long p = t->page, i;
	unsigned char buf[64];

	tt_map(pm, BASE, 4 * p, PROT_RW);
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < 4; i++)
		assert_int_equal(tt_write(pm, BASE + i * p, buf, sizeof(buf)),
				 0);
	assert_int_equal(tt_madvise(pm, BASE, 4 * p, MADV_WIPEONFORK), 0);

	child = tt_fork(t, parent, 0);
	cm = child->mm;
	vma = assert_vma(cm, BASE, BASE + 4 * p, RW);
	assert_true(vma->vm_flags & VM_WIPEONFORK);
	assert_null(vma->anon_vma);
	assert_true(list_empty(&vma->anon_vma_chain));
	assert_int_equal(msim_vma_rss(vma), 0);
	assert_int_equal(mt_rss(cm), 0);
	assert_int_equal(cm->hiwater_rss, 0);
	for (i = 0; i < 4; i++)
		assert_true(pte_none(mt_pte(cm, BASE + i * p)));
	/* Only the pgd: no table was copied for it. */
	assert_int_equal(mt_pgtables(cm), 1);
	assert_int_equal(cm->total_vm, 4);

	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(tt_read(cm, BASE + p, buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	/* The parent's pages are its own still. */
	assert_int_equal(mt_rss(pm), 4);
	assert_int_equal(page_mapcount(tt_page(pm, BASE)), 1);
	assert_true(tt_pte_write(pm, BASE));
	assert_int_equal(tt_read(pm, BASE + 3 * p, buf, sizeof(buf)), 0);
	assert_int_equal(buf[0], 0x5a);

	/* The child's first write gives it an anon_vma of its own, a root. */
	assert_int_equal(tt_write(cm, BASE, buf, 1), 0);
	vma = mt_vma(cm, BASE);
	assert_non_null(vma->anon_vma);
	assert_ptr_equal(vma->anon_vma->root, vma->anon_vma);
	assert_true(list_is_singular(&vma->anon_vma_chain));
	assert_ptr_not_equal(vma->anon_vma, mt_vma(pm, BASE)->anon_vma);
}

/* CLONE_VM: one mm, two users; the thread's exit leaves it to the other. */
static void test_clone_vm_shares_the_mm(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *thread;
	struct mm_struct *mm = parent->mm;
	unsigned long p = t->page, free_frames;
	char c = 'q';

	tt_map(mm, BASE, 2 * p, PROT_RW);
	tt_write(mm, BASE, &c, 1);
	free_frames = msim_nr_free_frames(t->m);
	thread = tt_fork(t, parent, CLONE_VM);
	assert_ptr_equal(thread->mm, mm);
	assert_ptr_equal(thread->active_mm, mm);
	assert_int_equal(atomic_load(&mm->mm_users), 2);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	/* Nothing was copied or write-protected. */
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_true(tt_pte_write(mm, BASE));
	assert_true(PageAnonExclusive(tt_page(mm, BASE)));
	assert_int_not_equal(thread->pid, parent->pid);

	/* A mapping made through one is the other's. */
	tt_map(thread->mm, BASE + 4 * p, p, PROT_RW);
	assert_non_null(mt_vma(parent->mm, BASE + 4 * p));

	tt_exit(t, thread);
	assert_null(thread->mm);
	assert_int_equal(atomic_load(&mm->mm_users), 1);
	assert_int_equal(mm->map_count, 2);
	assert_int_equal(mt_rss(mm), 1);
	tt_put(t, thread);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
}

/*
 * After fork every written page is shared: mapped by both, referenced by
 * both, exclusive to neither, and write-protected on both sides.
 */
static void test_fork_shares_pages_write_protected(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	const struct msim_arch *a = pm->arch;
	unsigned long p = t->page, i, free_frames;
	struct page *page;
	unsigned char buf[16];
	pte_t ppte, cpte;

	tt_map(pm, BASE, 4 * p, PROT_RW);
	for (i = 0; i < 3; i++) {
		memset(buf, (int)(0x10 + i), sizeof(buf));
		tt_write(pm, BASE + i * p, buf, sizeof(buf));
	}
	tt_map(pm, BASE + 8 * p, 2 * p, PROT_RW);
	assert_int_equal(mt_rss(pm), 3);
	free_frames = msim_nr_free_frames(t->m);

	child = tt_fork(t, parent, 0);
	cm = child->mm;
	/* The child's pgd, PUD, PMD and PTE tables; no data frame. */
	assert_int_equal(msim_nr_free_frames(t->m), free_frames - 4);
	for (i = 0; i < 3; i++) {
		ppte = mt_pte(pm, BASE + i * p);
		cpte = mt_pte(cm, BASE + i * p);
		assert_int_equal(pte_pfn(a, ppte), pte_pfn(a, cpte));
		assert_false(pte_write(a, ppte));
		assert_false(pte_write(a, cpte));
		/* Dirty is kept for a private page; the child's is old. */
		assert_true(pte_dirty(a, cpte));
		assert_false(pte_young(a, cpte));
		page = tt_page(pm, BASE + i * p);
		assert_non_null(page);
		assert_int_equal(page_mapcount(page), 2);
		assert_int_equal(page_ref_count(page), 2);
		assert_false(PageAnonExclusive(page));
		/* The page stays with the anon_vma it was faulted into. */
		assert_ptr_equal(page->mapping, mt_vma(pm, BASE)->anon_vma);
		assert_int_equal(tt_read(cm, BASE + i * p, buf, sizeof(buf)),
				 0);
		assert_int_equal(buf[0], 0x10 + i);
	}
	assert_true(pte_none(mt_pte(cm, BASE + 3 * p)));
	assert_int_equal(mt_rss(cm), mt_rss(pm));
	assert_int_equal(get_mm_rss(cm), 3);
	assert_int_equal(cm->hiwater_rss, get_mm_rss(cm));
	assert_int_equal(cm->total_vm, pm->total_vm);
	assert_int_equal(cm->hiwater_vm, cm->total_vm);
	assert_int_equal(cm->data_vm, pm->data_vm);
}

/*
 * The first writer copies: it gets a new page, the other side keeps the
 * old one, now mapped once.
 */
static void test_write_after_fork_copies_for_the_writer(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long p = t->page, old_pfn, free_frames;
	struct page *old, *new;
	char buf[4];

	tt_map(pm, BASE, 2 * p, PROT_RW);
	tt_write(pm, BASE, "abc", 4);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	old = tt_page(pm, BASE);
	old_pfn = page_to_pfn(old);
	free_frames = msim_nr_free_frames(t->m);

	assert_int_equal(tt_write(pm, BASE + 1, "X", 1), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames - 1);
	new = tt_page(pm, BASE);
	assert_ptr_not_equal(new, old);
	assert_true(tt_pte_write(pm, BASE));
	assert_false(tt_pte_write(cm, BASE));
	assert_int_equal(tt_pfn(cm, BASE), old_pfn);
	assert_int_equal(page_mapcount(new), 1);
	assert_int_equal(page_ref_count(new), 1);
	assert_true(PageAnonExclusive(new));
	assert_ptr_equal(new->mapping, mt_vma(pm, BASE)->anon_vma);
	assert_int_equal(page_mapcount(old), 1);
	assert_int_equal(page_ref_count(old), 1);
	assert_false(PageAnonExclusive(old));
	assert_int_equal(mt_rss(pm), 1);
	assert_int_equal(mt_rss(cm), 1);

	assert_int_equal(tt_read(pm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "aXc", 4);
	assert_int_equal(tt_read(cm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "abc", 4);
}

/*
 * The second writer is the page's only user by then: it takes the page
 * back without a copy, and it becomes exclusive again.
 */
static void test_second_writer_reuses_the_page(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long p = t->page, old_pfn, free_frames;
	struct page *old;
	char buf[4];

	tt_map(pm, BASE, p, PROT_RW);
	tt_write(pm, BASE, "abc", 4);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	old = tt_page(cm, BASE);
	old_pfn = page_to_pfn(old);
	tt_write(pm, BASE, "P", 1);

	free_frames = msim_nr_free_frames(t->m);
	assert_int_equal(tt_write(cm, BASE + 2, "C", 1), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_int_equal(tt_pfn(cm, BASE), old_pfn);
	assert_true(tt_pte_write(cm, BASE));
	assert_true(PageAnonExclusive(old));
	assert_int_equal(page_mapcount(old), 1);
	assert_int_equal(page_ref_count(old), 1);
	assert_int_equal(tt_read(cm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "abC", 4);
	assert_int_equal(tt_read(pm, BASE, buf, 4), 0);
	assert_memory_equal(buf, "Pbc", 4);
	/* Writing again faults no more. */
	assert_int_equal(tt_write(cm, BASE, "D", 1), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
}

/*
 * Reuse of a page that was shared moves it to the reusing VMA's own
 * anon_vma (wp_can_reuse_anon_folio() calls folio_move_anon_rmap()), so
 * that rmap finds it without walking the parent's hierarchy.
 */
static void test_reuse_moves_page_to_the_reusers_anon_vma(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	struct anon_vma *pav, *cav;
	struct page *page;

	tt_map(pm, BASE, t->page, PROT_RW);
	tt_write(pm, BASE, "a", 1);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	pav = mt_vma(pm, BASE)->anon_vma;
	cav = mt_vma(cm, BASE)->anon_vma;
	assert_ptr_not_equal(pav, cav);
	page = tt_page(cm, BASE);
	assert_ptr_equal(page->mapping, pav);

	tt_write(pm, BASE, "b", 1); /* the parent copies */
	tt_write(cm, BASE, "c", 1); /* the child reuses */
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_ptr_equal(page->mapping, cav);
}

/*
 * A VMA without an anon_vma has never had a private page: fork does not
 * copy its page tables (vma_needs_copy()), the child faults the zero
 * page in again when it reads.
 */
static void test_vma_without_anon_vma_gets_no_ptes_in_child(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long p = t->page, i;
	char c;

	tt_map(pm, BASE, 4 * p, PROT_RW);
	tt_touch(pm, BASE, 4 * p, MSIM_ACCESS_READ);
	assert_null(mt_vma(pm, BASE)->anon_vma);
	for (i = 0; i < 4; i++)
		assert_true(is_zero_pfn(tt_pfn(pm, BASE + i * p)));
	tt_map(pm, BASE + 8 * p, p, PROT_READ);
	tt_touch(pm, BASE + 8 * p, p, MSIM_ACCESS_READ);

	child = tt_fork(t, parent, 0);
	cm = child->mm;
	assert_int_equal(cm->map_count, 2);
	assert_null(mt_vma(cm, BASE)->anon_vma);
	for (i = 0; i < 4; i++)
		assert_true(pte_none(mt_pte(cm, BASE + i * p)));
	assert_true(pte_none(mt_pte(cm, BASE + 8 * p)));
	assert_int_equal(mt_pgtables(cm), 1);
	assert_int_equal(mt_rss(cm), 0);
	/* The parent's zero-page PTEs are untouched. */
	for (i = 0; i < 4; i++)
		assert_true(is_zero_pfn(tt_pfn(pm, BASE + i * p)));

	assert_int_equal(tt_read(cm, BASE + p, &c, 1), 0);
	assert_int_equal(c, 0);
	assert_true(is_zero_pfn(tt_pfn(cm, BASE + p)));
	assert_int_equal(mt_rss(cm), 0);
}

/*
 * anon_vma_fork(): the child's VMA is chained to the parent's anon_vma
 * and to a new one of its own, whose parent is the parent's and whose
 * root is the parent's root.  num_children counts the self-parent link
 * of a root plus each child.
 */
static void test_fork_builds_the_anon_vma_hierarchy(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *c1, *c2;
	struct vm_area_struct *pv, *cv, *cv2;
	struct anon_vma *pav;

	tt_map(parent->mm, BASE, 2 * t->page, PROT_RW);
	tt_touch(parent->mm, BASE, 1, MSIM_ACCESS_WRITE);
	pv = mt_vma(parent->mm, BASE);
	pav = pv->anon_vma;
	assert_non_null(pav);
	assert_ptr_equal(pav->root, pav);
	assert_ptr_equal(pav->parent, pav);
	assert_int_equal(pav->num_children, 1);
	assert_int_equal(pav->num_active_vmas, 1);

	c1 = tt_fork(t, parent, 0);
	cv = mt_vma(c1->mm, BASE);
	assert_non_null(cv->anon_vma);
	assert_ptr_not_equal(cv->anon_vma, pav);
	assert_ptr_equal(cv->anon_vma->parent, pav);
	assert_ptr_equal(cv->anon_vma->root, pav);
	assert_int_equal(cv->anon_vma->num_children, 0);
	assert_int_equal(cv->anon_vma->num_active_vmas, 1);
	assert_int_equal(pav->num_children, 2);
	assert_int_equal(pav->num_active_vmas, 1);
	assert_int_equal(tt_chain_len(cv), 2);
	assert_true(list_is_singular(&pv->anon_vma_chain));
	assert_true(vma_had_uncowed_parents(cv));
	assert_false(vma_had_uncowed_parents(pv));
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 2);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), 3);

	/* A second child: a sibling below the same anon_vma. */
	c2 = tt_fork(t, parent, 0);
	cv2 = mt_vma(c2->mm, BASE);
	assert_ptr_equal(cv2->anon_vma->parent, pav);
	assert_ptr_not_equal(cv2->anon_vma, cv->anon_vma);
	assert_int_equal(pav->num_children, 3);

	/* A grandchild: below the child's anon_vma, the same root. */
	{
		struct task_struct *g = tt_fork(t, c1, 0);
		struct vm_area_struct *gv = mt_vma(g->mm, BASE);

		assert_ptr_equal(gv->anon_vma->parent, cv->anon_vma);
		assert_ptr_equal(gv->anon_vma->root, pav);
		assert_int_equal(tt_chain_len(gv), 3);
		assert_int_equal(cv->anon_vma->num_children, 1);
		tt_put(t, g);
		assert_int_equal(cv->anon_vma->num_children, 0);
	}
	tt_put(t, c2);
	assert_int_equal(pav->num_children, 2);
	tt_put(t, c1);
	assert_int_equal(pav->num_children, 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), 1);
}

/*
 * Merging after fork, by mm/vma.c is_mergeable_anon_vma() of 6.18:
 *  - both sides with the same anon_vma merge (a forked VMA's pieces after
 *    mprotect RW -> R -> RW);
 *  - a side without anon_vma joins one with an anon_vma only if that one
 *    has no uncowed parents (a singular chain): in the child a fresh
 *    neighbour of a forked VMA stays apart, in the parent it merges;
 *  - the fresh VMA's first write does not adopt the forked VMA's
 *    anon_vma either (reusable_anon_vma() wants a singular chain).
 */
static void test_merges_after_fork_follow_uncowed_parents_rule(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	unsigned long p = t->page;
	struct vm_area_struct *x, *n;

	tt_map(pm, BASE, 4 * p, PROT_RW);
	tt_touch(pm, BASE, 4 * p, MSIM_ACCESS_WRITE);
	child = tt_fork(t, parent, 0);
	cm = child->mm;

	/* Same anon_vma on both sides: re-merges, in the child as well. */
	assert_int_equal(tt_mprotect(cm, BASE + p, p, PROT_READ), 0);
	assert_int_equal(cm->map_count, 3);
	assert_vma(cm, BASE + p, BASE + 2 * p, VM_READ);
	assert_int_equal(tt_mprotect(cm, BASE + p, p, PROT_RW), 0);
	assert_int_equal(cm->map_count, 1);
	x = assert_vma(cm, BASE, BASE + 4 * p, RW);
	assert_true(vma_had_uncowed_parents(x));

	/* A fresh neighbour: apart in the child, merged in the parent. */
	tt_map(cm, BASE + 4 * p, 2 * p, PROT_RW);
	assert_int_equal(cm->map_count, 2);
	assert_vma(cm, BASE, BASE + 4 * p, RW);
	n = assert_vma(cm, BASE + 4 * p, BASE + 6 * p, RW);
	assert_null(n->anon_vma);
	assert_int_equal(mt_vma(cm, BASE)->vm_flags, n->vm_flags);
	tt_map(pm, BASE + 4 * p, 2 * p, PROT_RW);
	assert_int_equal(pm->map_count, 1);
	assert_vma(pm, BASE, BASE + 6 * p, RW);

	/* mprotect of the neighbour RW -> R -> RW: still apart. */
	assert_int_equal(tt_mprotect(cm, BASE + 4 * p, 2 * p, PROT_READ), 0);
	assert_int_equal(tt_mprotect(cm, BASE + 4 * p, 2 * p, PROT_RW), 0);
	assert_int_equal(cm->map_count, 2);
	assert_vma(cm, BASE, BASE + 4 * p, RW);
	assert_vma(cm, BASE + 4 * p, BASE + 6 * p, RW);

	/* The other way round: the forked VMA rejoining a fresh one. */
	tt_map(cm, BASE - 2 * p, 2 * p, PROT_RW);
	assert_int_equal(cm->map_count, 3);
	assert_int_equal(tt_mprotect(cm, BASE, 4 * p, PROT_READ), 0);
	assert_int_equal(tt_mprotect(cm, BASE, 4 * p, PROT_RW), 0);
	assert_int_equal(cm->map_count, 3);
	assert_vma(cm, BASE - 2 * p, BASE, RW);
	assert_vma(cm, BASE, BASE + 4 * p, RW);
	assert_vma(cm, BASE + 4 * p, BASE + 6 * p, RW);

	/* The neighbour's first write: an anon_vma of its own. */
	assert_int_equal(tt_touch(cm, BASE + 4 * p, 1, MSIM_ACCESS_WRITE), 0);
	n = mt_vma(cm, BASE + 4 * p);
	x = mt_vma(cm, BASE);
	assert_non_null(n->anon_vma);
	assert_ptr_not_equal(n->anon_vma, x->anon_vma);
	assert_true(list_is_singular(&n->anon_vma_chain));
	assert_int_equal(cm->map_count, 3);
	/* The parent did the same in one VMA all along. */
	assert_int_equal(pm->map_count, 1);
}

/*
 * The commit charge: fork charges each VM_ACCOUNT VMA it copies (so the
 * total doubles), the exit of either side gives its part back.
 */
static void test_fork_charges_commit_and_exit_returns_it(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child, *thread;
	struct mm_struct *pm = parent->mm;
	unsigned long p = t->page;

	tt_map(pm, BASE, 4 * p, PROT_RW);
	tt_touch(pm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	tt_map(pm, BASE + 8 * p, 2 * p, PROT_RW);
	/* Neither a read-only nor a MAP_NORESERVE mapping is charged. */
	tt_map(pm, BASE + 16 * p, 3 * p, PROT_READ);
	tt_map_flags(pm, BASE + 32 * p, 5 * p, PROT_RW,
		     ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_int_equal(mt_committed(t->m), 6);

	child = tt_fork(t, parent, 0);
	assert_int_equal(mt_committed(t->m), 12);
	assert_true(mt_vma(child->mm, BASE)->vm_flags & VM_ACCOUNT);
	assert_false(mt_vma(child->mm, BASE + 32 * p)->vm_flags & VM_ACCOUNT);

	/* A thread shares the mm: nothing new to charge. */
	thread = tt_fork(t, child, CLONE_VM);
	assert_int_equal(mt_committed(t->m), 12);
	tt_put(t, thread);
	assert_int_equal(mt_committed(t->m), 12);

	tt_exit(t, parent);
	assert_int_equal(mt_committed(t->m), 6);
	tt_exit(t, child);
	assert_int_equal(mt_committed(t->m), 0);
}

/*
 * A process that forks and exits, generation after generation, must not
 * grow an anon_vma hierarchy without bound.  anon_vma_clone() reuses an
 * anon_vma that no VMA uses any more and that has fewer than two
 * children: tracing Linux's rule, generation 1's VMA is chained to the
 * root and its own anon_vma, generation 2's to three, and from then on
 * each generation reuses the anon_vma its grandparent left unused, so
 * the chain stays at three and so do the anon_vmas.
 */
static void test_forking_loop_does_not_grow_the_chain(void **state)
{
	struct tt *t = *state;
	struct task_struct *cur = t->task[0], *child;
	unsigned long p = t->page, want;
	struct vm_area_struct *vma;
	unsigned char c;
	int gen;

	tt_map(cur->mm, BASE, 4 * p, PROT_RW);
	c = 1;
	tt_write(cur->mm, BASE, &c, 1);
	for (gen = 1; gen <= 10; gen++) {
		child = tt_fork(t, cur, 0);
		tt_put(t, cur);
		cur = child;
		vma = mt_vma(cur->mm, BASE);
		want = gen == 1 ? 2 : 3;
		if (tt_chain_len(vma) != want ||
		    (unsigned long)msim_live(t->m, MSIM_ALLOC_ANON_VMA) != want)
			fail_msg("generation %d: chain %lu, anon_vmas %ld, "
				 "want %lu",
				 gen, tt_chain_len(vma),
				 msim_live(t->m, MSIM_ALLOC_ANON_VMA), want);
		assert_int_equal(msim_live(t->m, MSIM_ALLOC_AVC), (long)want);
		/* Each generation writes a page of its own as well. */
		c = (unsigned char)(gen + 1);
		assert_int_equal(tt_write(cur->mm, BASE + (gen % 4) * p, &c, 1),
				 0);
	}
	assert_int_equal(tt_read(cur->mm, BASE + (10 % 4) * p, &c, 1), 0);
	assert_int_equal(c, 11);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
}

/* get_task_mm(): a user reference while the task has its mm, then NULL. */
static void test_get_task_mm_is_null_after_exit(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *mm;

	tt_map(parent->mm, BASE, t->page, PROT_RW);
	child = tt_fork(t, parent, 0);
	mm = get_task_mm(child);
	assert_ptr_equal(mm, child->mm);
	assert_int_equal(atomic_load(&mm->mm_users), 2);
	mmput(mm);
	assert_int_equal(atomic_load(&mm->mm_users), 1);

	tt_exit(t, child);
	assert_true(child->flags & PF_EXITING);
	assert_null(child->mm);
	assert_null(get_task_mm(child));
	/* Exiting twice is harmless. */
	tt_exit(t, child);
	assert_null(get_task_mm(child));
	assert_non_null(get_task_mm(parent));
	mmput(parent->mm);
	tt_check(t->m);
}

/*
 * An mmgrab() holder keeps the struct after the exit: the mappings are
 * gone (exit_mmap() ran at the last mmput()), the struct and its pgd
 * stay until the last mmdrop().
 */
static void test_mmgrab_keeps_the_struct_after_exit(void **state)
{
	struct tt *t = *state;
	struct task_struct *tsk = t->task[0];
	struct mm_struct *mm = tsk->mm;

	tt_map(mm, BASE, 4 * t->page, PROT_RW);
	tt_touch(mm, BASE, 4 * t->page, MSIM_ACCESS_WRITE);
	mmgrab(mm);
	assert_int_equal(atomic_load(&mm->mm_count), 2);

	tt_exit(t, tsk);
	assert_null(tsk->mm);
	assert_int_equal(atomic_load(&mm->mm_users), 0);
	/*
	 * Only ours: the exiting task's lazy active_mm reference is gone
	 * with the switch away from it, which mmsim makes at once.
	 */
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	assert_null(mm->mmap);
	assert_int_equal(mm->map_count, 0);
	assert_int_equal(mt_rss(mm), 0);
	assert_false(mmget_not_zero(mm));

	tt_put(t, tsk);
	assert_null(mm->mmap);
	assert_int_equal(atomic_load(&mm->mm_count), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 1);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_VMA), 0);
	assert_int_equal(mt_committed(t->m), 0);
	assert_int_equal(msim_machine_destroy(t->m), -EBUSY);

	mmdrop(mm);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_MM), 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_PGTABLE), 0);
	tt_check(t->m);
}

/*
 * The parent exits first: its pages stay with the child, mapped once but
 * still not exclusive, so the child's next write reuses each of them.
 */
static void test_parent_exit_leaves_child_its_pages(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	unsigned long p = t->page, free_frames;
	struct mm_struct *cm;
	struct page *page;
	char buf[3];

	tt_map(parent->mm, BASE, 2 * p, PROT_RW);
	tt_write(parent->mm, BASE, "hi", 3);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	page = tt_page(cm, BASE);
	tt_put(t, parent);
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 1);
	assert_false(PageAnonExclusive(page));
	assert_int_equal(tt_read(cm, BASE, buf, 3), 0);
	assert_string_equal(buf, "hi");
	/* The root anon_vma lives on: the child's chain holds it. */
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_ANON_VMA), 2);

	free_frames = msim_nr_free_frames(t->m);
	assert_int_equal(tt_write(cm, BASE, "H", 1), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_ptr_equal(tt_page(cm, BASE), page);
	assert_true(PageAnonExclusive(page));
}

/*
 * ColdFire: two-level tables, 8 KiB pages, a PTE with a write bit of its
 * own and no special bit.  The same copy-on-write.
 */
static void test_coldfire_fork_is_copy_on_write(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct mm_struct *pm = parent->mm, *cm;
	const struct msim_arch *a = pm->arch;
	unsigned long p = t->page, base = CF_UNMAPPED_BASE, free_frames;
	struct page *old;
	char buf[4];

	assert_int_equal(p, 8192);
	tt_map(pm, base, 3 * p, PROT_RW);
	tt_write(pm, base, "cf1", 4);
	tt_write(pm, base + p, "cf2", 4);
	tt_touch(pm, base + 2 * p, 1, MSIM_ACCESS_READ);
	assert_true(is_zero_pfn(tt_pfn(pm, base + 2 * p)));
	tt_map(pm, base + 8 * p, p, PROT_RW);
	tt_write(pm, base + 8 * p, "w", 2);
	assert_int_equal(tt_madvise(pm, base + 8 * p, p, MADV_WIPEONFORK), 0);
	assert_true(tt_pte_write(pm, base));

	free_frames = msim_nr_free_frames(t->m);
	child = tt_fork(t, parent, 0);
	cm = child->mm;
	/* The child's pgd and one PTE table. */
	assert_int_equal(msim_nr_free_frames(t->m), free_frames - 2);
	assert_int_equal(mt_pgtables(cm), 2);
	old = tt_page(pm, base);
	assert_int_equal(tt_pfn(cm, base), page_to_pfn(old));
	assert_false(pte_write(a, mt_pte(pm, base)));
	assert_false(pte_write(a, mt_pte(cm, base)));
	assert_int_equal(page_mapcount(old), 2);
	assert_int_equal(page_ref_count(old), 2);
	assert_false(PageAnonExclusive(old));
	/* The zero-page PTE comes along too: the VMA has an anon_vma. */
	assert_true(is_zero_pfn(tt_pfn(cm, base + 2 * p)));
	assert_true(pte_present(a, mt_pte(cm, base + 2 * p)));
	assert_int_equal(mt_rss(cm), 2);
	assert_int_equal(cm->hiwater_rss, 2);
	assert_int_equal(cm->hiwater_vm, cm->total_vm);
	assert_true(pte_none(mt_pte(cm, base + 8 * p)));

	assert_int_equal(tt_write(cm, base + 1, "X", 1), 0);
	assert_int_not_equal(tt_pfn(cm, base), page_to_pfn(old));
	assert_int_equal(page_mapcount(old), 1);
	assert_int_equal(tt_read(cm, base, buf, 4), 0);
	assert_memory_equal(buf, "cX1", 4);
	assert_int_equal(tt_read(pm, base, buf, 4), 0);
	assert_memory_equal(buf, "cf1", 4);
	free_frames = msim_nr_free_frames(t->m);
	assert_int_equal(tt_write(pm, base, "P", 1), 0);
	assert_int_equal(msim_nr_free_frames(t->m), free_frames);
	assert_true(PageAnonExclusive(old));
	assert_int_equal(tt_read(cm, base + 8 * p, buf, 2), 0);
	assert_int_equal(buf[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		tt_test(test_fork_copies_vmas_one_for_one),
		tt_test(test_dontcopy_vma_is_left_out_of_child),
		tt_test(test_wipeonfork_vma_starts_empty_in_child),
		tt_test(test_clone_vm_shares_the_mm),
		tt_test(test_fork_shares_pages_write_protected),
		tt_test(test_write_after_fork_copies_for_the_writer),
		tt_test(test_second_writer_reuses_the_page),
		tt_test(test_reuse_moves_page_to_the_reusers_anon_vma),
		tt_test(test_vma_without_anon_vma_gets_no_ptes_in_child),
		tt_test(test_fork_builds_the_anon_vma_hierarchy),
		tt_test(test_merges_after_fork_follow_uncowed_parents_rule),
		tt_test(test_fork_charges_commit_and_exit_returns_it),
		tt_test(test_forking_loop_does_not_grow_the_chain),
		tt_test(test_get_task_mm_is_null_after_exit),
		tt_test(test_mmgrab_keeps_the_struct_after_exit),
		tt_test(test_parent_exit_leaves_child_its_pages),
		tt_test_coldfire(test_coldfire_fork_is_copy_on_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
