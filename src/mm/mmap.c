// SPDX-License-Identifier: MIT
/*
 * mmap and munmap of private anonymous memory, with Linux 6.18's checks in
 * Linux's order (mm/mmap.c do_mmap(), mm/vma.c __mmap_region() and
 * do_vmi_munmap()), placement by get_unmapped_area(), and the accounting:
 * total_vm and its data/exec/stack parts, and the commit charge of
 * VM_ACCOUNT mappings.
 */
#include <mmsim/mmu_notifier.h>
#include "internal.h"

int msim_split_vma_nocheck(struct vm_area_struct *vma, unsigned long addr,
			   int new_below);

static bool is_data_mapping(vm_flags_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}

static bool is_exec_mapping(vm_flags_t flags)
{
	return (flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC;
}

static bool is_stack_mapping(vm_flags_t flags)
{
	return (flags & VM_STACK) == VM_STACK;
}

void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages)
{
	mm->total_vm += npages;
	if (is_exec_mapping(flags))
		mm->exec_vm += npages;
	else if (is_stack_mapping(flags))
		mm->stack_vm += npages;
	else if (is_data_mapping(flags))
		mm->data_vm += npages;
}

/*
 * __vm_enough_memory() for the overcommit policies.
 * MODEL: overcommit-ram-only: both policies measure against RAM alone.
 * GUESS refuses a single request larger than all of RAM, where Linux
 * allows RAM and swap together; NEVER keeps the total commit charge
 * within RAM, where Linux's limit is overcommit_ratio of RAM plus swap,
 * less the admin and user reserves.
 */
int security_vm_enough_memory_mm(struct mm_struct *mm, long pages)
{
	struct msim_machine *m = mm->machine;
	long total = (long)m->nr_frames;

	atomic_fetch_add(&m->vm_committed_as, pages);
	switch (m->sysctl_overcommit_memory) {
	case OVERCOMMIT_ALWAYS:
		return 0;
	case OVERCOMMIT_NEVER:
		if (atomic_load(&m->vm_committed_as) <= total)
			return 0;
		break;
	default:
		if (pages <= total)
			return 0;
		break;
	}
	atomic_fetch_sub(&m->vm_committed_as, pages);
	return -ENOMEM;
}

void vm_unacct_memory(struct mm_struct *mm, long pages)
{
	atomic_fetch_sub(&mm->machine->vm_committed_as, pages);
}

static bool accountable_mapping(vm_flags_t flags)
{
	return (flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* The hint as do_mmap() keeps it: page-aligned, and not below the floor. */
static unsigned long round_hint_to_min(struct mm_struct *mm, unsigned long hint)
{
	hint &= PAGE_MASK_OF(mm);
	if (hint && hint < mm->arch->mmap_min_addr)
		return mm_page_align(mm, mm->arch->mmap_min_addr);
	return hint;
}

static unsigned long arch_get_unmapped_area(struct mm_struct *mm,
					    unsigned long addr,
					    unsigned long len)
{
	struct vm_unmapped_area_info info = { 0 };
	struct vm_area_struct *vma, *prev;
	unsigned long ret;

	if (len > mm->task_size - mm->arch->mmap_min_addr)
		return -ENOMEM;
	if (addr) {
		/*
		 * x86's top-down version only asks the VMA above the hint;
		 * the generic bottom-up one also wants the one below to end
		 * in time, which without grows-up VMAs is the same thing.
		 */
		addr &= PAGE_MASK_OF(mm);
		vma = find_vma_prev(mm, addr, &prev);
		if (mm->task_size - len >= addr &&
		    addr >= mm->arch->mmap_min_addr &&
		    (!vma || addr + len <= vma->vm_start) &&
		    (!prev || addr >= prev->vm_end))
			return addr;
	}
	info.length = len;
	if (mm->topdown) {
		info.flags = VM_UNMAPPED_AREA_TOPDOWN;
		info.low_limit = mm_page_size(mm);
		info.high_limit = mm->mmap_base;
		ret = vm_unmapped_area(mm, &info);
		if (!IS_ERR_VALUE(ret))
			return ret;
		/* Top-down failed: x86 falls back to a bottom-up search. */
	}
	info.flags = 0;
	info.low_limit = mm->topdown ? mm->arch->mmap_min_addr : mm->mmap_base;
	info.high_limit = mm->task_size;
	return vm_unmapped_area(mm, &info);
}

/*
 * Anonymous mappings of whole PMDs are aligned to a PMD when there is no
 * hint, so that THP can back them (__thp_get_unmapped_area); 64-bit only.
 * MODEL: no-thp: the alignment, VM_HUGEPAGE and VM_NOHUGEPAGE are Linux's,
 * so that layouts and flags match a THP kernel, but no page is ever huge:
 * faults map base pages and nothing collapses them (khugepaged is only
 * its young test, msim_test_young()).
 */
static unsigned long thp_get_unmapped_area(struct mm_struct *mm,
					   unsigned long len)
{
	const struct msim_arch *a = mm->arch;
	unsigned long size, ret, off_sub;

	if (!a->thp || a->ptr_bytes != 8 || a->levels < 2)
		return 0;
	size = 1UL << a->level_shift[a->levels - 2];
	if (len % size || len + size < len)
		return 0;
	ret = arch_get_unmapped_area(mm, 0, len + size);
	if (IS_ERR_VALUE(ret))
		return 0;
	off_sub = (0 - ret) & (size - 1);
	if (mm->topdown && !off_sub)
		return ret + size;
	return ret + off_sub;
}

unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long addr,
				unsigned long len, unsigned long pgoff,
				unsigned long flags)
{
	(void)pgoff;
	if (len > mm->task_size)
		return -ENOMEM;
	if (!(flags & MAP_FIXED)) {
		unsigned long thp = addr ? 0 : thp_get_unmapped_area(mm, len);

		addr = thp ? thp : arch_get_unmapped_area(mm, addr, len);
		if (IS_ERR_VALUE(addr))
			return addr;
	}
	if (addr > mm->task_size - len)
		return -ENOMEM;
	if (!mm_page_aligned(mm, addr))
		return -EINVAL;
	/* security_mmap_addr(): an unprivileged task. */
	if (addr < mm->arch->mmap_min_addr)
		return -EPERM;
	return addr;
}

/* Pages of VM_ACCOUNT mappings in [start, end). */
static unsigned long count_accounted(struct mm_struct *mm, unsigned long start,
				     unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long pages = 0, s, e;

	for (vma = find_vma_intersection(mm, start, end);
	     vma && vma->vm_start < end; vma = vma->vm_next) {
		if (!(vma->vm_flags & VM_ACCOUNT))
			continue;
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		pages += (e - s) >> PAGE_SHIFT_OF(mm);
	}
	return pages;
}

static unsigned long mmap_region(struct mm_struct *mm, unsigned long addr,
				 unsigned long len, vm_flags_t vm_flags,
				 unsigned long pgoff)
{
	unsigned long end = addr + len, pglen = len >> PAGE_SHIFT_OF(mm);
	unsigned long charged = 0;
	struct vm_area_struct *vma, *prev, *next;
	int err;

	if (accountable_mapping(vm_flags)) {
		unsigned long replaced = count_accounted(mm, addr, end);

		/*
		 * Only the growth is checked: what is replaced was charged
		 * already.  The munmap below uncharges it, the full charge
		 * is taken after, so the net is what Linux's is.
		 */
		charged = pglen;
		err = security_vm_enough_memory_mm(mm, charged - replaced);
		if (err)
			return err;
		vm_unacct_memory(mm, charged - replaced);
		vm_flags |= VM_ACCOUNT;
	}
	/* MAP_FIXED over existing mappings replaces them. */
	if (find_vma_intersection(mm, addr, end)) {
		err = do_munmap(mm, addr, len);
		if (err)
			return err;
	}
	if (charged)
		atomic_fetch_add(&mm->machine->vm_committed_as, charged);

	next = find_vma_prev(mm, addr, &prev);
	vma = vma_merge_new_range(mm, prev, next, addr, end, vm_flags, pgoff);
	if (!vma) {
		vma = vm_area_alloc(mm);
		if (!vma) {
			if (charged)
				vm_unacct_memory(mm, charged);
			return -ENOMEM;
		}
		vma->vm_start = addr;
		vma->vm_end = end;
		vma->vm_flags = vm_flags;
		vma->vm_pgoff = pgoff;
		vma->vm_page_prot = vm_get_page_prot(mm->arch, vm_flags);
		vma_link(mm, vma);
	}
	vm_stat_account(mm, vm_flags, pglen);
	/* __mmap_complete(): soft-dirty tracking starts afresh. */
	if (mm->arch->soft_dirty)
		vma->vm_flags |= VM_SOFTDIRTY;
	return addr;
}

/*
 * MODEL: mmap-eopnotsupp: mappings and flags with an effect the model does
 * not have are refused with -EOPNOTSUPP once Linux's own checks have
 * passed, rather than imitated or ignored: MAP_SHARED and MAP_DROPPABLE
 * mappings, grows-down stacks, mlock, hugetlb and MAP_32BIT placement.
 * Any other unknown bit is ignored, as legacy mmap() ignores it (MAP_SYNC,
 * for one, means something only with MAP_SHARED_VALIDATE).
 */
#define MAP_UNMODELLED (MAP_GROWSDOWN | MAP_LOCKED | MAP_HUGETLB)
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

static unsigned long do_mmap(struct mm_struct *mm, unsigned long addr,
			     unsigned long len, unsigned long prot,
			     unsigned long flags, unsigned long *populate)
{
	vm_flags_t vm_flags;
	unsigned long pgoff;

	*populate = 0;
	/* ksys_mmap_pgoff(): without MAP_ANONYMOUS, fd -1 is a bad file. */
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED))
		addr = round_hint_to_min(mm, addr);
	len = mm_page_align(mm, len);
	if (!len)
		return -ENOMEM;
	if (mm->map_count > mm->machine->sysctl_max_map_count)
		return -ENOMEM;

	vm_flags = calc_vm_prot_bits(prot) | mm->def_flags | VM_MAYREAD |
		   VM_MAYWRITE | VM_MAYEXEC;
	/* calc_vm_flag_bits(): stacks are not worth a huge page (6.7+). */
	if ((flags & MAP_STACK) && mm->arch->thp)
		vm_flags |= VM_NOHUGEPAGE;
	addr = get_unmapped_area(mm, addr, len, 0, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) &&
	    find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;

	/* Anonymous memory knows no MAP_SHARED_VALIDATE: -EINVAL. */
	switch (flags & MAP_TYPE) {
	case MAP_PRIVATE:
		pgoff = addr >> PAGE_SHIFT_OF(mm);
		break;
	case MAP_SHARED:    /* shmem */
	case MAP_DROPPABLE: /* 6.11's droppable memory */
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	if ((flags & MAP_UNMODELLED) ||
	    ((flags & MAP_32BIT) && !(flags & MAP_FIXED)))
		return -EOPNOTSUPP;
	if ((flags & MAP_NORESERVE) &&
	    mm->machine->sysctl_overcommit_memory != OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE;

	addr = mmap_region(mm, addr, len, vm_flags, pgoff);
	if (!IS_ERR_VALUE(addr) &&
	    (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		*populate = len;
	return addr;
}

long msim_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	       unsigned long prot, unsigned long flags)
{
	unsigned long ret, populate;

	mmap_write_lock(mm);
	ret = do_mmap(mm, addr, len, prot, flags, &populate);
	mmap_write_unlock(mm);
	if (populate)
		mm_populate(mm, ret, populate);
	return (long)ret;
}

/*
 * Unmap and free what [start, end) of the VMAs from @vma on maps: zap
 * inside the notifier range, free the emptied tables, flush the TLBs,
 * and only then free the pages (unmap_region()).
 */
static void unmap_region(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long start, unsigned long end)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm);
	update_hiwater_rss(mm);
	unmap_vmas(&tlb, vma, start, end);
	spin_lock(&mm->page_table_lock);
	msim_free_empty_tables(mm, start, end);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
}

int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	struct vm_area_struct *vma, *next, *first;
	unsigned long end, nr_accounted = 0;
	int err;

	if (!mm_page_aligned(mm, start) || start > mm->task_size ||
	    len > mm->task_size - start)
		return -EINVAL;
	end = start + mm_page_align(mm, len);
	if (end == start)
		return -EINVAL;
	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		return 0;

	if (start > vma->vm_start) {
		/* Cutting a hole in one VMA makes one more. */
		if (end < vma->vm_end &&
		    mm->map_count >= mm->machine->sysctl_max_map_count)
			return -ENOMEM;
		err = msim_split_vma_nocheck(vma, start, 1);
		if (err)
			return err;
	}
	for (next = vma; next && next->vm_start < end; next = next->vm_next) {
		if (next->vm_end > end) {
			err = msim_split_vma_nocheck(next, end, 0);
			if (err)
				return err;
		}
	}
	first = vma;
	update_hiwater_vm(mm);
	unmap_region(mm, first, start, end);
	for (vma = first; vma && vma->vm_start < end; vma = next) {
		next = vma->vm_next;
		if (vma->vm_flags & VM_ACCOUNT)
			nr_accounted += vma_pages(vma);
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		vma_unlink(mm, vma);
		remove_vma(vma);
	}
	vm_unacct_memory(mm, (long)nr_accounted);
	return 0;
}

int msim_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	int ret;

	mmap_write_lock(mm);
	ret = do_munmap(mm, start, len);
	mmap_write_unlock(mm);
	return ret;
}
