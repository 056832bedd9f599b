// SPDX-License-Identifier: MIT
/*
 * Linux's VMA merge rules (mm/vma.c, 6.18), for anonymous memory.
 *
 * Two VMAs merge only if they touch, their flags are equal but for
 * VM_IGNORE_MERGE (so an accounted VMA never merges with an unaccounted
 * one: VM_ACCOUNT is an ordinary flag here), their pgoffs are contiguous,
 * and their anon_vmas allow it:
 *  - both have none, or both have the same one;
 *  - one has none and the other has one that it owns alone (its chain is
 *    a single entry, i.e. it did not come from a fork): the merged VMA
 *    takes that anon_vma (dup_anon_vma());
 *  - when a range could merge with both neighbours, the neighbours' own
 *    anon_vmas must be compatible too, or only the left merge happens.
 * Observed on the host (tests/diff): a write fault gives a VMA an anon_vma,
 * a read fault (zero page) does not, and anon_vma_prepare() reuses an
 * adjacent VMA's anon_vma when the two differ only in access flags, so
 * neighbours written before an mprotect still merge after it.
 */
#include "internal.h"

int msim_split_vma_nocheck(struct vm_area_struct *vma, unsigned long addr,
			   int new_below);

#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP)

static bool is_mergeable_vma(const struct vm_area_struct *vma, vm_flags_t flags)
{
	if ((vma->vm_flags ^ flags) & ~VM_IGNORE_MERGE)
		return false;
	return !vma->vm_ops;
}

/*
 * May @src_anon's range join @tgt?  @src is the VMA being merged from (NULL
 * for a new mapping) and @src_anon its anon_vma.
 */
static bool is_mergeable_anon_vma(const struct vm_area_struct *tgt,
				  const struct vm_area_struct *src,
				  const struct anon_vma *src_anon)
{
	const struct anon_vma *tgt_anon = tgt->anon_vma;

	if (!tgt_anon && src_anon)
		return !vma_had_uncowed_parents(src);
	if (tgt_anon && !src_anon)
		return !vma_had_uncowed_parents(tgt);
	return src_anon == tgt_anon;
}

static bool are_anon_vmas_compatible(const struct vm_area_struct *a,
				     const struct vm_area_struct *b)
{
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

static bool can_merge_left(const struct vm_area_struct *prev,
			   const struct vm_area_struct *src,
			   const struct anon_vma *src_anon, unsigned long start,
			   vm_flags_t flags, unsigned long pgoff)
{
	return prev && prev->vm_end == start && is_mergeable_vma(prev, flags) &&
	       is_mergeable_anon_vma(prev, src, src_anon) &&
	       prev->vm_pgoff + vma_pages(prev) == pgoff;
}

static bool can_merge_right(const struct vm_area_struct *next,
			    const struct vm_area_struct *src,
			    const struct anon_vma *src_anon, unsigned long end,
			    vm_flags_t flags, unsigned long end_pgoff)
{
	return next && next->vm_start == end && is_mergeable_vma(next, flags) &&
	       is_mergeable_anon_vma(next, src, src_anon) &&
	       next->vm_pgoff == end_pgoff;
}

/* Give @dst the anon_vma of @src if only @src has one. */
static int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	int err;

	if (!src->anon_vma || dst->anon_vma)
		return 0;
	dst->anon_vma = src->anon_vma;
	err = anon_vma_clone(dst, src);
	if (err)
		dst->anon_vma = NULL;
	return err;
}

static void merge_remove(struct vm_area_struct *vma)
{
	vma_unlink(vma->vm_mm, vma);
	remove_vma(vma);
}

/*
 * vma_merge_new_range - extend a neighbour over a new mapping of
 * [@start, @end) instead of creating a VMA.  Return: the VMA that now
 * covers the range, or NULL if no merge is allowed (or memory for the
 * anon_vma chain ran out: then nothing was changed).
 */
struct vm_area_struct *
vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
		    struct vm_area_struct *next, unsigned long start,
		    unsigned long end, vm_flags_t flags, unsigned long pgoff)
{
	unsigned long end_pgoff = pgoff + ((end - start) >> PAGE_SHIFT_OF(mm));
	bool left, right;

	if (flags & VM_SPECIAL)
		return NULL;
	left = can_merge_left(prev, NULL, NULL, start, flags, pgoff);
	right = can_merge_right(next, NULL, NULL, end, flags, end_pgoff);
	if (left && right && !are_anon_vmas_compatible(prev, next))
		right = false;

	if (left && right) {
		if (dup_anon_vma(prev, next))
			return NULL;
		vma_set_range(prev, prev->vm_start, next->vm_end,
			      prev->vm_pgoff);
		merge_remove(next);
		return prev;
	}
	if (left) {
		vma_set_range(prev, prev->vm_start, end, prev->vm_pgoff);
		return prev;
	}
	if (right) {
		vma_set_range(next, start, next->vm_end, pgoff);
		return next;
	}
	return NULL;
}

/*
 * Merge [@start, @end) of @middle, whose flags become @flags, into its
 * neighbours.  Return: the VMA now covering the range, NULL if no merge
 * applies, or ERR_PTR(-ENOMEM).
 */
static struct vm_area_struct *
vma_merge_existing_range(struct vm_area_struct *prev,
			 struct vm_area_struct *middle, unsigned long start,
			 unsigned long end, vm_flags_t flags)
{
	struct mm_struct *mm = middle->vm_mm;
	unsigned int shift = PAGE_SHIFT_OF(mm);
	struct vm_area_struct *next = middle->vm_next;
	unsigned long pgoff =
		middle->vm_pgoff + ((start - middle->vm_start) >> shift);
	unsigned long end_pgoff = pgoff + ((end - start) >> shift);
	bool left_side = start == middle->vm_start;
	bool right_side = end == middle->vm_end;
	bool left, right;

	if ((flags & VM_SPECIAL) || (middle->vm_flags & VM_SPECIAL))
		return NULL;
	if (!left_side && !right_side)
		return NULL;
	if (prev != middle->vm_prev)
		prev = middle->vm_prev;
	left = left_side && can_merge_left(prev, middle, middle->anon_vma,
					   start, flags, pgoff);
	right = right_side && can_merge_right(next, middle, middle->anon_vma,
					      end, flags, end_pgoff);
	if (left && right && !are_anon_vmas_compatible(prev, next))
		right = false;
	if (!left && !right)
		return NULL;

	if (left && right) {
		/* prev absorbs middle and next. */
		if (dup_anon_vma(prev, next->anon_vma ? next : middle))
			return ERR_PTR(-ENOMEM);
		vma_set_range(prev, prev->vm_start, next->vm_end,
			      prev->vm_pgoff);
		merge_remove(middle);
		merge_remove(next);
		return prev;
	}
	if (left) {
		if (dup_anon_vma(prev, middle))
			return ERR_PTR(-ENOMEM);
		if (right_side) {
			vma_set_range(prev, prev->vm_start, middle->vm_end,
				      prev->vm_pgoff);
			merge_remove(middle);
		} else {
			/*
			 * middle shrinks first: the two must never overlap.
			 * An rmap walk must not see the gap between them.
			 */
			down_write(&mm->machine->rmap_lock);
			__vma_set_range(middle, end, middle->vm_end, end_pgoff);
			__vma_set_range(prev, prev->vm_start, end,
					prev->vm_pgoff);
			up_write(&mm->machine->rmap_lock);
		}
		return prev;
	}
	if (dup_anon_vma(next, middle))
		return ERR_PTR(-ENOMEM);
	/* As above: no gap between the two for an rmap walk to see. */
	down_write(&mm->machine->rmap_lock);
	if (left_side) {
		vma_unlink(mm, middle);
		__vma_set_range(next, middle->vm_start, next->vm_end,
				middle->vm_pgoff);
	} else {
		__vma_set_range(middle, middle->vm_start, start,
				middle->vm_pgoff);
		__vma_set_range(next, start, next->vm_end, pgoff);
	}
	up_write(&mm->machine->rmap_lock);
	if (left_side)
		remove_vma(middle);
	return next;
}

/*
 * vma_modify_flags - make [@start, @end) of @vma a VMA of its own with
 * @new_flags: merged into a neighbour if the rules allow, else split out.
 * @prev is the VMA before @vma, as mprotect and madvise track it.
 * Return: the VMA covering exactly the range's part that was in @vma (the
 * caller sets its flags), or NULL with *@err set (-ENOMEM), having
 * changed only what Linux would have changed by then.
 */
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev,
					struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t new_flags, int *err)
{
	struct vm_area_struct *merged;

	*err = 0;
	merged = vma_merge_existing_range(prev, vma, start, end, new_flags);
	if (IS_ERR(merged)) {
		*err = (int)PTR_ERR(merged);
		return NULL;
	}
	if (merged)
		return merged;
	if (vma->vm_start < start) {
		*err = split_vma(vma, start, 1);
		if (*err)
			return NULL;
	}
	if (vma->vm_end > end) {
		*err = split_vma(vma, end, 0);
		if (*err)
			return NULL;
	}
	return vma;
}
