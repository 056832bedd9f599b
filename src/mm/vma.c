// SPDX-License-Identifier: MIT
/*
 * The VMA tree: an AVL tree keyed by vm_start and augmented with the
 * largest free gap below any VMA of a subtree, plus the sorted vm_next /
 * vm_prev list.  A VMA's gap is [vm_prev->vm_end, vm_start), so changing a
 * VMA's end changes its successor's gap: every boundary change goes
 * through vma_set_range(), which re-augments both.
 *
 * MODEL: vma-avl-tree: Linux 6.x keeps the VMAs in a maple tree and has
 * no VMA list; here they sit in the augmented AVL tree of avl.h (see there
 * for why) and, as in the kernels that had an rbtree, on the sorted list,
 * so that neighbours are found in O(1).  Lookups, the gap search and the
 * resulting layouts are the same.
 */
#include <stdlib.h>
#include "internal.h"

static inline struct vm_area_struct *rb_vma(const struct msim_avl_node *n)
{
	return n ? container_of(n, struct vm_area_struct, vm_rb) : NULL;
}

unsigned long vma_compute_gap(const struct vm_area_struct *vma)
{
	return vma->vm_start - (vma->vm_prev ? vma->vm_prev->vm_end : 0);
}

static void vma_gap_augment(struct msim_avl_node *n)
{
	struct vm_area_struct *vma = rb_vma(n);
	unsigned long gap = vma_compute_gap(vma);

	if (n->left && rb_vma(n->left)->rb_subtree_gap > gap)
		gap = rb_vma(n->left)->rb_subtree_gap;
	if (n->right && rb_vma(n->right)->rb_subtree_gap > gap)
		gap = rb_vma(n->right)->rb_subtree_gap;
	vma->rb_subtree_gap = gap;
}

void vma_gap_update(struct vm_area_struct *vma)
{
	msim_avl_propagate(&vma->vm_rb, vma_gap_augment);
}

static void update_highest_vm_end(struct mm_struct *mm)
{
	struct msim_avl_node *last = msim_avl_last(&mm->mm_rb);

	mm->highest_vm_end = last ? rb_vma(last)->vm_end : 0;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	vma = msim_kzalloc(mm->machine, MSIM_ALLOC_VMA, sizeof(*vma));
	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	return vma;
}

/* A copy of @orig's fields, not yet in any tree nor on any chain. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *new = vm_area_alloc(orig->vm_mm);

	if (!new)
		return NULL;
	new->vm_start = orig->vm_start;
	new->vm_end = orig->vm_end;
	new->vm_page_prot = orig->vm_page_prot;
	new->vm_flags = orig->vm_flags;
	new->vm_pgoff = orig->vm_pgoff;
	new->anon_vma = orig->anon_vma;
	new->vm_ops = orig->vm_ops;
	new->vm_private_data = orig->vm_private_data;
	return new;
}

void vm_area_free(struct vm_area_struct *vma)
{
	msim_kfree(vma->vm_mm->machine, MSIM_ALLOC_VMA, vma);
}

/* Insert @vma, which must not overlap any VMA of @mm. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct msim_avl_node **link = &mm->mm_rb.node, *parent = NULL;
	struct vm_area_struct *prev = NULL, *next = NULL;

	while (*link) {
		struct vm_area_struct *cur = rb_vma(*link);

		parent = *link;
		if (vma->vm_start < cur->vm_start) {
			next = cur;
			link = &parent->left;
		} else {
			prev = cur;
			link = &parent->right;
		}
	}
	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	vma->rb_subtree_gap = 0;
	msim_avl_link_node(&vma->vm_rb, parent, link);
	msim_avl_insert_fixup(&mm->mm_rb, &vma->vm_rb, vma_gap_augment);
	if (next)
		vma_gap_update(next);
	mm->map_count++;
	update_highest_vm_end(mm);
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;

	msim_avl_erase(&mm->mm_rb, &vma->vm_rb, vma_gap_augment);
	if (prev)
		prev->vm_next = next;
	else
		mm->mmap = next;
	if (next) {
		next->vm_prev = prev;
		vma_gap_update(next);
	}
	vma->vm_next = vma->vm_prev = NULL;
	mm->map_count--;
	update_highest_vm_end(mm);
}

/*
 * Move @vma's boundaries.  The caller keeps the order of the tree (VMAs
 * never overlap), so only the gaps of @vma and its successor change.
 * The caller holds the rmap lock for writing: rmap walks from other
 * processes read the boundaries.
 */
void __vma_set_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long pgoff)
{
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vma_gap_update(vma);
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);
	else
		vma->vm_mm->highest_vm_end = end;
}

void vma_set_range(struct vm_area_struct *vma, unsigned long start,
		   unsigned long end, unsigned long pgoff)
{
	struct msim_machine *m = vma->vm_mm->machine;

	down_write(&m->rmap_lock);
	__vma_set_range(vma, start, end, pgoff);
	up_write(&m->rmap_lock);
}

void remove_vma(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	unlink_anon_vmas(vma);
	vm_area_free(vma);
}

/*
 * __split_vma - cut @vma at @addr.  With @new_below the new VMA takes the
 * part below @addr and @vma keeps [@addr, end), otherwise the new VMA
 * takes [@addr, end).  Either way @vma is the part the caller keeps
 * working on in mprotect and madvise.
 */
static int __split_vma(struct vm_area_struct *vma, unsigned long addr,
		       int new_below)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long delta = (addr - vma->vm_start) >> PAGE_SHIFT_OF(mm);
	struct vm_area_struct *new;
	int err;

	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += delta;
	}
	err = anon_vma_clone(new, vma);
	if (err) {
		vm_area_free(new);
		return err;
	}
	if (new_below)
		vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff + delta);
	else
		vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	vma_link(mm, new);
	return 0;
}

/* Splits for mprotect and madvise respect vm.max_map_count. */
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	if (vma->vm_mm->map_count >= vma->vm_mm->machine->sysctl_max_map_count)
		return -ENOMEM;
	return __split_vma(vma, addr, new_below);
}

/* munmap's splits: only the caller's check of the count applies. */
int msim_split_vma_nocheck(struct vm_area_struct *vma, unsigned long addr,
			   int new_below)
{
	return __split_vma(vma, addr, new_below);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct msim_avl_node *n = mm->mm_rb.node;
	struct vm_area_struct *found = NULL;

	while (n) {
		struct vm_area_struct *vma = rb_vma(n);

		if (vma->vm_end > addr) {
			found = vma;
			if (vma->vm_start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return found;
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma) {
		*pprev = vma->vm_prev;
	} else {
		struct msim_avl_node *last = msim_avl_last(&mm->mm_rb);

		*pprev = rb_vma(last);
	}
	return vma;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma;

	if (start >= end)
		return NULL;
	vma = find_vma(mm, start);
	return vma && vma->vm_start < end ? vma : NULL;
}

/*
 * Gap search.  A subtree whose largest gap is smaller than the request is
 * skipped whole; so is one lying entirely outside [low, high).  What is
 * left is the path to the answer plus O(1) detours per level.
 */
struct gap_search {
	unsigned long length; /* request plus alignment slack */
	unsigned long low, high;
	unsigned long align_mask, align_offset;
	bool topdown;
};

/* The place for the request in [gs, ge), or -ENOMEM. */
static unsigned long fit(const struct gap_search *s, unsigned long gs,
			 unsigned long ge)
{
	unsigned long want = s->length - s->align_mask, addr;

	if (gs < s->low)
		gs = s->low;
	if (ge > s->high)
		ge = s->high;
	if (ge <= gs || ge - gs < s->length)
		return -ENOMEM;
	if (s->topdown) {
		addr = ge - want;
		addr -= (addr - s->align_offset) & s->align_mask;
	} else {
		addr = gs;
		addr += (s->align_offset - addr) & s->align_mask;
	}
	return addr;
}

static unsigned long search(const struct gap_search *s,
			    const struct msim_avl_node *n)
{
	const struct vm_area_struct *vma;
	const struct msim_avl_node *first, *second;
	unsigned long addr, prev_end;

	if (!n)
		return -ENOMEM;
	vma = rb_vma(n);
	if (vma->rb_subtree_gap < s->length)
		return -ENOMEM;
	prev_end = vma->vm_prev ? vma->vm_prev->vm_end : 0;

	/* Gaps right of this node start at or above vma->vm_end. */
	first = s->topdown ? n->right : n->left;
	second = s->topdown ? n->left : n->right;
	if (first && (s->topdown ? vma->vm_end < s->high : prev_end > s->low)) {
		addr = search(s, first);
		if (!IS_ERR_VALUE(addr))
			return addr;
	}
	addr = fit(s, prev_end, vma->vm_start);
	if (!IS_ERR_VALUE(addr))
		return addr;
	if (second && (s->topdown ? prev_end > s->low : vma->vm_end < s->high))
		return search(s, second);
	return -ENOMEM;
}

unsigned long vm_unmapped_area(struct mm_struct *mm,
			       struct vm_unmapped_area_info *info)
{
	struct gap_search s = {
		.length = info->length + info->align_mask,
		.low = info->low_limit,
		.high = info->high_limit,
		.align_mask = info->align_mask,
		.align_offset = info->align_offset,
		.topdown = info->flags & VM_UNMAPPED_AREA_TOPDOWN,
	};
	unsigned long addr;

	if (s.low < mm->arch->mmap_min_addr)
		s.low = mm->arch->mmap_min_addr;
	if (s.length < info->length)
		return -ENOMEM;
	/* The space above the highest VMA is a gap the tree does not hold. */
	if (s.topdown) {
		addr = fit(&s, mm->highest_vm_end, s.high);
		if (!IS_ERR_VALUE(addr))
			return addr;
		return search(&s, mm->mm_rb.node);
	}
	addr = search(&s, mm->mm_rb.node);
	if (!IS_ERR_VALUE(addr))
		return addr;
	return fit(&s, mm->highest_vm_end, s.high);
}
