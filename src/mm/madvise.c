// SPDX-License-Identifier: MIT
/*
 * madvise (mm/madvise.c): the advice that changes VMA flags goes through
 * vma_modify_flags(), so it splits and merges as mprotect does (and does
 * nothing at all when the flags would not change); MADV_DONTNEED zaps;
 * MADV_PAGEOUT reclaims to swap (vmscan.c).
 * A range with holes gets the advice on its mapped parts and -ENOMEM.
 */
#include "internal.h"

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define MADV_SOFT_OFFLINE_ 101
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103

static bool madvise_behavior_valid(struct mm_struct *mm, int behavior)
{
	switch (behavior) {
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		/* Without THP these are not advice Linux knows. */
		return mm->arch->thp;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_PAGEOUT:
		return true;
	}
	return false;
}

/*
 * MODEL: madvise-eopnotsupp: advice Linux takes that needs machinery the
 * model does not have yet is refused with -EOPNOTSUPP, after the checks
 * Linux makes first, rather than imitated.
 */
static bool madvise_behavior_unmodelled(int behavior)
{
	switch (behavior) {
	case MADV_FREE:
	case MADV_REMOVE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_COLD:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_HWPOISON:
	case MADV_COLLAPSE:
	case MADV_SOFT_OFFLINE_:
	case MADV_GUARD_INSTALL:
	case MADV_GUARD_REMOVE:
		return true;
	}
	return false;
}

static bool madvise_need_mmap_write(int behavior)
{
	return behavior != MADV_DONTNEED && behavior != MADV_DONTNEED_LOCKED &&
	       behavior != MADV_WILLNEED && behavior != MADV_PAGEOUT;
}

static int madvise_update_vma(struct vm_area_struct *vma,
			      struct vm_area_struct **pprev,
			      unsigned long start, unsigned long end,
			      vm_flags_t new_flags)
{
	int err;

	if (new_flags == vma->vm_flags) {
		*pprev = vma;
		return 0;
	}
	vma = vma_modify_flags(*pprev, vma, start, end, new_flags, &err);
	if (!vma)
		return err;
	*pprev = vma;
	vma_flags_access(vma, true);
	WRITE_ONCE(vma->vm_flags, new_flags); /* rmap walks read it */
	return 0;
}

static int madvise_vma_behavior(struct vm_area_struct *vma,
				struct vm_area_struct **pprev,
				unsigned long start, unsigned long end,
				int behavior)
{
	vm_flags_t new_flags = vma->vm_flags;
	int err;

	switch (behavior) {
	case MADV_WILLNEED:
		/* Read-ahead of swap or file pages: nothing to do here. */
		*pprev = vma;
		return 0;
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		*pprev = vma;
		if (vma->vm_flags & (VM_PFNMAP | VM_HUGETLB))
			return -EINVAL;
		if (behavior == MADV_DONTNEED && (vma->vm_flags & VM_LOCKED))
			return -EINVAL;
		zap_page_range_single(vma, start, end);
		return 0;
	case MADV_PAGEOUT:
		*pprev = vma;
		return madvise_pageout(vma, start, end);
	case MADV_NORMAL:
		new_flags &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_SEQUENTIAL:
		new_flags = (new_flags & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_RANDOM:
		new_flags = (new_flags & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_DONTFORK:
		new_flags |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (vma->vm_flags & VM_IO)
			return -EINVAL;
		new_flags &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (!vma_is_anonymous(vma) || (vma->vm_flags & VM_SHARED))
			return -EINVAL;
		new_flags |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		new_flags &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:
		new_flags |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		new_flags &= ~VM_DONTDUMP;
		break;
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		new_flags &= ~(VM_HUGEPAGE | VM_NOHUGEPAGE);
		new_flags |=
			behavior == MADV_HUGEPAGE ? VM_HUGEPAGE : VM_NOHUGEPAGE;
		break;
	}
	err = madvise_update_vma(vma, pprev, start, end, new_flags);
	/* A split refused for the map count is "try again" to the user. */
	return err == -ENOMEM ? -EAGAIN : err;
}

int do_madvise(struct mm_struct *mm, unsigned long start, size_t len_in,
	       int behavior)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, tmp, len;
	int unmapped_error = 0, error = 0;
	bool write;

	if (madvise_behavior_unmodelled(behavior))
		return -EOPNOTSUPP;
	if (!madvise_behavior_valid(mm, behavior))
		return -EINVAL;
	if (!mm_page_aligned(mm, start))
		return -EINVAL;
	len = mm_page_align(mm, len_in);
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	write = madvise_need_mmap_write(behavior);
	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);

	vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		if (!vma) {
			error = -ENOMEM;
			break;
		}
		/* A hole before this VMA: remember it, go on past it. */
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		error = madvise_vma_behavior(vma, &prev, start, tmp, behavior);
		if (error)
			break;
		start = tmp;
		if (prev && start < prev->vm_end)
			start = prev->vm_end;
		if (start >= end)
			break;
		vma = prev ? prev->vm_next : find_vma(mm, start);
	}
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return error ? error : unmapped_error;
}

int msim_madvise(struct mm_struct *mm, unsigned long start, unsigned long len,
		 int advice)
{
	return do_madvise(mm, start, len, advice);
}
