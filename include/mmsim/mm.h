/* SPDX-License-Identifier: MIT */
/**
 * DOC: Address spaces and their mappings
 *
 * The mm life cycle (mm_alloc, mmget/mmput, mmgrab/mmdrop), the mmap lock,
 * VMA lookup and the mapping calls.  The msim_mmap(), msim_munmap(),
 * msim_mprotect() and msim_madvise() calls are what a user program's
 * system calls do: they take the mmap lock themselves and return a
 * negative errno on failure, with Linux 6.x's checks in Linux's order.
 * Only private anonymous memory is modelled.
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <mmsim/export.h>
#include <sys/mman.h>
#include <mmsim/err.h>
#include <mmsim/mm_types.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

/*
 * The page size of @mm's architecture, and what Linux's PAGE_SHIFT,
 * PAGE_MASK and PAGE_ALIGN() are for it: a machine is one architecture,
 * so these belong to the mm rather than to the build.
 */
static inline unsigned long mm_page_size(const struct mm_struct *mm)
{
	return 1UL << mm->arch->page_shift;
}

static inline unsigned int mm_page_shift(const struct mm_struct *mm)
{
	return mm->arch->page_shift;
}

static inline unsigned long mm_page_mask(const struct mm_struct *mm)
{
	return ~(mm_page_size(mm) - 1);
}

static inline unsigned long mm_page_align(const struct mm_struct *mm,
					  unsigned long len)
{
	return (len + mm_page_size(mm) - 1) & mm_page_mask(mm);
}

static inline bool mm_page_aligned(const struct mm_struct *mm,
				   unsigned long addr)
{
	return !(addr & (mm_page_size(mm) - 1));
}

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> vma->vm_mm->arch->page_shift;
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

static inline bool vma_is_accessible(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_ACCESS_FLAGS;
}

/**
 * mm_alloc - a new, empty address space on @m with mm_users and mm_count 1
 * Return: the mm, or NULL if an allocation failed.  (Linux's takes no
 * argument: there the machine is implicit.)
 */
MSIM_API struct mm_struct *mm_alloc(struct msim_machine *m);

/*
 * mm_users and mm_count change with no lock held: declared to a scheduler
 * (msim_sync_access()) under the mm's own key, its mmap lock's number.
 */
static inline void msim_mm_refs_access(struct mm_struct *mm, bool write)
{
	msim_sync_access(msim_sync_key(mm->mmap_lock.msim_id), write);
}

static inline void mmgrab(struct mm_struct *mm)
{
	msim_mm_refs_access(mm, true);
	atomic_fetch_add(&mm->mm_count, 1);
}

/** mmdrop - drop an mm_count reference; the last frees the struct. */
MSIM_API void mmdrop(struct mm_struct *mm);

static inline void mmget(struct mm_struct *mm)
{
	msim_mm_refs_access(mm, true);
	atomic_fetch_add(&mm->mm_users, 1);
}

/** mmget_not_zero - take a user reference unless the mm is exiting. */
MSIM_API bool mmget_not_zero(struct mm_struct *mm);

/** mmput - drop a user reference; the last runs exit_mmap() and mmdrop(). */
MSIM_API void mmput(struct mm_struct *mm);

/** exit_mmap - unmap every VMA and free every page table but the pgd. */
MSIM_API void exit_mmap(struct mm_struct *mm);

/*
 * The mmap lock.  The acquisitions are macros so that a lock checker
 * records the caller as the site that took the lock (locking.h).
 */
#define mmap_read_lock(mm) msim_down_read(&(mm)->mmap_lock, MSIM_THIS_SITE)
#define mmap_read_trylock(mm)                                                  \
	msim_down_read_trylock(&(mm)->mmap_lock, MSIM_THIS_SITE)

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

#define mmap_write_lock(mm) msim_down_write(&(mm)->mmap_lock, MSIM_THIS_SITE)
#define mmap_write_trylock(mm)                                                 \
	msim_down_write_trylock(&(mm)->mmap_lock, MSIM_THIS_SITE)

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	downgrade_write(&mm->mmap_lock);
}

static inline unsigned long get_mm_counter(struct mm_struct *mm, int member)
{
	long v = atomic_load(&mm->rss_stat[member]);

	return v < 0 ? 0 : (unsigned long)v;
}

static inline void add_mm_counter(struct mm_struct *mm, int member, long v)
{
	atomic_fetch_add(&mm->rss_stat[member], v);
}

static inline unsigned long get_mm_rss(struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) +
	       get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

static inline unsigned long get_mm_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	return mm->hiwater_rss > rss ? mm->hiwater_rss : rss;
}

static inline unsigned long get_mm_hiwater_vm(struct mm_struct *mm)
{
	return mm->hiwater_vm > mm->total_vm ? mm->hiwater_vm : mm->total_vm;
}

/* VMA lookup: the caller holds the mmap lock. */

/** find_vma - the first VMA with vm_end > @addr, or NULL. */
MSIM_API struct vm_area_struct *find_vma(struct mm_struct *mm,
					 unsigned long addr);

/** find_vma_prev - find_vma(), and in *@pprev the VMA before it. */
MSIM_API struct vm_area_struct *find_vma_prev(struct mm_struct *mm,
					      unsigned long addr,
					      struct vm_area_struct **pprev);

/** vma_lookup - the VMA containing @addr, or NULL. */
MSIM_API struct vm_area_struct *vma_lookup(struct mm_struct *mm,
					   unsigned long addr);

/** find_vma_intersection - the first VMA overlapping [@start, @end). */
MSIM_API struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
						      unsigned long start,
						      unsigned long end);

#define for_each_vma(mm, vma) for (vma = (mm)->mmap; vma; vma = vma->vm_next)

/**
 * struct vm_unmapped_area_info - a gap search
 * @flags: VM_UNMAPPED_AREA_TOPDOWN or 0
 * @length: bytes wanted
 * @low_limit: the gap may not start below this
 * @high_limit: the gap may not end above this
 * @align_mask: alignment the result must have, minus one (page-sized)
 * @align_offset: the result's offset from that alignment
 */
struct vm_unmapped_area_info {
#define VM_UNMAPPED_AREA_TOPDOWN 1
	unsigned long flags;
	unsigned long length;
	unsigned long low_limit;
	unsigned long high_limit;
	unsigned long align_mask;
	unsigned long align_offset;
};

/**
 * vm_unmapped_area - the highest (top-down) or lowest fitting gap, found in
 * O(log n) through the tree's gap augmentation.
 * Return: an address, or -ENOMEM as an unsigned long.
 */
MSIM_API unsigned long vm_unmapped_area(struct mm_struct *mm,
					struct vm_unmapped_area_info *info);

/**
 * get_unmapped_area - where a new mapping of @len bytes goes: @addr when it
 * is a usable hint, else a search in the arch's layout.  With MAP_FIXED in
 * @flags only the range is validated.
 * Return: an address, or a negative errno as an unsigned long.
 */
MSIM_API unsigned long get_unmapped_area(struct mm_struct *mm,
					 unsigned long addr, unsigned long len,
					 unsigned long pgoff,
					 unsigned long flags);

/*
 * The system calls.  Each takes the mmap lock as the kernel does and
 * returns the result the user would see, errors as -errno.
 */

/**
 * msim_mmap - mmap(2) of private anonymous memory
 * @prot: PROT_* bits
 * @flags: MAP_PRIVATE | MAP_ANONYMOUS, optionally with MAP_FIXED,
 *	MAP_FIXED_NOREPLACE, MAP_NORESERVE and MAP_POPULATE
 * Return: the address, or -errno: -EINVAL for a zero length or a bad
 * MAP_FIXED address, -ENOMEM when there is no room, the map count is at
 * its limit or the commit charge fails, -EEXIST for MAP_FIXED_NOREPLACE
 * over a mapping, -EPERM below mmap_min_addr, -EBADF without
 * MAP_ANONYMOUS (there is no file), -EOPNOTSUPP for MAP_SHARED and
 * MAP_DROPPABLE mappings and for MAP_GROWSDOWN, MAP_LOCKED, MAP_HUGETLB
 * and MAP_32BIT placement, whose effects the model lacks (after every
 * check Linux makes first).  Other unknown flags are ignored.
 */
MSIM_API long msim_mmap(struct mm_struct *mm, unsigned long addr,
			unsigned long len, unsigned long prot,
			unsigned long flags);

/** msim_munmap - munmap(2). */
MSIM_API int msim_munmap(struct mm_struct *mm, unsigned long start,
			 unsigned long len);

/**
 * msim_mprotect - mprotect(2); as in Linux, VMAs before a hole in the range
 * keep their new protection and the call fails with -ENOMEM.
 */
MSIM_API int msim_mprotect(struct mm_struct *mm, unsigned long start,
			   unsigned long len, unsigned long prot);

/** msim_madvise - madvise(2); see do_madvise(). */
MSIM_API int msim_madvise(struct mm_struct *mm, unsigned long start,
			  unsigned long len, int advice);

/**
 * do_madvise - the kernel's entry for madvise on @mm (it takes the lock)
 * Modelled: MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
 * MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK,
 * MADV_KEEPONFORK, MADV_DONTDUMP, MADV_DODUMP, MADV_HUGEPAGE,
 * MADV_NOHUGEPAGE and MADV_PAGEOUT (reclaim to swap, see vmscan.h; pages
 * other processes also map are left alone).  Advice Linux knows but the
 * model does not (MADV_FREE, MADV_COLD, MADV_POPULATE_*, ...) is
 * -EOPNOTSUPP; unknown advice is -EINVAL.  Holes in the range: the advice
 * is applied to the mapped parts and the call returns -ENOMEM.
 */
MSIM_API int do_madvise(struct mm_struct *mm, unsigned long start,
			size_t len_in, int behavior);

/**
 * do_munmap - remove [@start, @start + @len) with the mmap lock held for
 * writing.  Return: 0 or -errno (-EINVAL, -ENOMEM on a split that cannot
 * be made).
 */
MSIM_API int do_munmap(struct mm_struct *mm, unsigned long start, size_t len);

/**
 * mm_populate - fault in [@start, @start + @len) as MAP_POPULATE does:
 * write faults where the VMA is writable, read faults elsewhere, nothing
 * for PROT_NONE.  Errors are ignored, as the kernel ignores them there.
 */
MSIM_API void mm_populate(struct mm_struct *mm, unsigned long start,
			  unsigned long len);

/**
 * vm_normal_page - the struct page a present PTE of @vma maps, or NULL
 * for a special PTE (the zero page), which has none to count
 */
MSIM_API struct page *vm_normal_page(struct vm_area_struct *vma,
				     unsigned long addr, pte_t pte);

/**
 * zap_page_range_single - unmap and free the pages of [@start, @end) in
 * @vma, keeping the VMA (MADV_DONTNEED).  Caller holds the mmap lock.
 */
MSIM_API void zap_page_range_single(struct vm_area_struct *vma,
				    unsigned long start, unsigned long end);

/**
 * struct vm_special_mapping - the pages behind a kernel-provided mapping
 * @name: the name in /proc/PID/maps; NULL leaves it to arch_vma_name()
 * @pages: the pages, one per page of the mapping, in order
 * @fault: if set, used instead of @pages
 */
struct vm_special_mapping {
	const char *name;
	struct page **pages;
	vm_fault_t (*fault)(const struct vm_special_mapping *sm,
			    struct vm_area_struct *vma, struct vm_fault *vmf);
};

/**
 * _install_special_mapping - map kernel pages (the vDSO) into @mm
 * @addr: where; [@addr, @addr + @len) must be free and page-aligned
 * @vm_flags: VM_* bits; VM_DONTEXPAND (and VM_SOFTDIRTY where the arch
 *	has it) are added as Linux adds them
 * @spec: the pages; must outlive every VMA made from it
 *
 * The caller holds the mmap lock for writing.  The VMA is not anonymous:
 * its PTEs map @spec's pages themselves, and a write after mprotect()
 * copies the page into an anonymous one (VM_MAYWRITE).  No page is
 * mapped until it is faulted.
 * Return: the VMA, or ERR_PTR(-ENOMEM) (no memory, the range is taken,
 * or vm.max_map_count is reached).
 */
MSIM_API struct vm_area_struct *
_install_special_mapping(struct mm_struct *mm, unsigned long addr,
			 unsigned long len, vm_flags_t vm_flags,
			 const struct vm_special_mapping *spec);

/** vma_is_special_mapping - @vma was made from @sm */
MSIM_API bool vma_is_special_mapping(const struct vm_area_struct *vma,
				     const struct vm_special_mapping *sm);

/**
 * arch_vma_name - the arch's name for @vma in /proc/PID/maps, asked when
 * the VMA's vm_ops give none: "[vdso]" for a coldfire mm's vDSO (the
 * VMA starting at mm->context.vdso); NULL otherwise.
 */
MSIM_API const char *arch_vma_name(struct vm_area_struct *vma);

#endif /* MMSIM_MM_H */
