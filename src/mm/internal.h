/* SPDX-License-Identifier: MIT */
/*
 * What the library's files share and its users do not see.
 */
#ifndef MMSIM_INTERNAL_H
#define MMSIM_INTERNAL_H

#include <mmsim/mmsim.h>

/*
 * A field read without the lock that writes it, where a stale value is
 * harmless and is checked again under the lock (the kernel's READ_ONCE);
 * the store publishes what the pointer points to.
 */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/*
 * BUG_ON(): the model found its own state broken (a count gone below zero,
 * a lock released twice).  msim_sync_bug() tells a scheduler, which reports it
 * with the schedule that got there; without one the process aborts.
 */
#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (__builtin_expect(!!(cond), 0))                             \
			msim_sync_bug("BUG_ON(" #cond ")", MSIM_THIS_SITE);    \
	} while (0)

/*
 * A VMA's flags and protection are written under the mmap lock held for
 * writing and read by other processes' rmap walks without it: declared to
 * a scheduler under the mmap lock's key (locking.h msim_sync_access()).
 */
static inline void vma_flags_access(struct vm_area_struct *vma, bool write)
{
	msim_sync_access(msim_sync_key(vma->vm_mm->mmap_lock.msim_id), write);
}

/* Private and potentially writable: written pages are copied, not shared. */
static inline bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* The rss counter a mapped page is charged to (mm_counter()). */
static inline int mm_counter(const struct page *page)
{
	return PageAnon(page) ? MM_ANONPAGES : MM_FILEPAGES;
}

/* The access bits of a VMA for PROT_* bits (include/linux/mman.h). */
static inline vm_flags_t calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

#define PAGE_SHIFT_OF(mm) mm_page_shift(mm)
#define PAGE_MASK_OF(mm) mm_page_mask(mm)

/*
 * The CPU's TLB flushes (flush_tlb_mm_range() on x86).  The model has no
 * TLB; what a flush still does is what 6.6 on does from the arch code:
 * flush the secondary TLBs that share the page tables.
 */
static inline void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start,
				      unsigned long end)
{
	msim_trace(MSIM_TRACE_TLB_FLUSH, .a = { start, end, 0, (uintptr_t)mm });
	mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end);
}

/* flush_tlb_mm(): the whole address space (TLB_FLUSH_ALL). */
static inline void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, ~0UL);
}

/* vma.c: the tree and the VMA objects */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_gap_update(struct vm_area_struct *vma);
void vma_set_range(struct vm_area_struct *vma, unsigned long start,
		   unsigned long end, unsigned long pgoff);
void __vma_set_range(struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long pgoff);
unsigned long vma_compute_gap(const struct vm_area_struct *vma);
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);
void remove_vma(struct vm_area_struct *vma);

/* vma_merge.c: Linux's merge rules */
struct vm_area_struct *
vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
		    struct vm_area_struct *next, unsigned long start,
		    unsigned long end, vm_flags_t flags, unsigned long pgoff);
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev,
					struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t new_flags, int *err);

/* mmap.c */
void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages);
int security_vm_enough_memory_mm(struct mm_struct *mm, long pages);
void vm_unacct_memory(struct mm_struct *mm, long pages);

/* mmu_gather.c: pages freed only once the TLBs are flushed */
#define MMU_GATHER_BUNDLE 64
struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end; /* what the next flush covers */
	unsigned long nr, max;
	struct page **pages;
	struct page *local[MMU_GATHER_BUNDLE];
};
void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
void tlb_note_pte(struct mmu_gather *tlb, unsigned long addr);
void tlb_remove_page(struct mmu_gather *tlb, struct page *page,
		     unsigned long addr);
void tlb_flush_mmu(struct mmu_gather *tlb);
void tlb_finish_mmu(struct mmu_gather *tlb);

/* memory.c */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end);
void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma,
		unsigned long start, unsigned long end);
void update_hiwater_rss(struct mm_struct *mm);
void update_hiwater_vm(struct mm_struct *mm);

/* fork.c */
int copy_mm(unsigned long clone_flags, struct task_struct *tsk,
	    struct task_struct *parent);

/* pgtable.c */
int msim_pgd_alloc(struct mm_struct *mm);
void msim_pgd_free(struct mm_struct *mm);
/*
 * The leaf entry of the first address of [*@addrp, @end) whose leaf table
 * exists, that address in *@addrp; NULL and @end there if there is none.
 * A walk over a range skips what the none entries of the upper levels
 * cover, as walk_page_range() does, so that its cost follows the tables
 * there are, not the length of the range.  Page-table lock held.
 */
pte_t *msim_pte_next(struct mm_struct *mm, unsigned long *addrp,
		     unsigned long end);

/*
 * rmap_walk.c: rmap_one() is called for every VMA that may map the page,
 * with the rmap lock held and no other; false stops the walk, as does
 * done() returning true.
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma,
			 unsigned long addr, void *arg);
	bool (*done)(struct page *page);
};
void rmap_walk(struct page *page, const struct rmap_walk_control *rwc,
	       bool locked);
/* Where @vma would map @page, or -EFAULT if outside it. */
unsigned long vma_address(const struct page *page,
			  const struct vm_area_struct *vma);

/*
 * References other than the mappings' and the isolating caller's one:
 * GUP's, or pins.  Reclaim keeps such a page, there being no swap cache
 * to keep it in while its PTEs read the slot.
 */
static inline bool page_has_extra_refs(struct page *page)
{
	return page_ref_count(page) - 1 - page_mapcount(page) -
		       GUP_PIN_COUNTING_BIAS * atomic_load(&page->_pincount) >
	       0;
}

/*
 * Set when a fault waited for another thread (its migration, its swap-in
 * of the same slot) and returned for a retry: callers that bound their
 * retries to catch a model bug do not count that one, since Linux would
 * retry for as long as it takes.
 */
#define msim_fault_waited (msim_current_thread_info()->fault_waited)

/*
 * How many faults in a row, none of which waited, an access or a GUP
 * makes before it gives up with -EFAULT.  Linux retries without end, and
 * so must a fault whose work another thread undoes before the access
 * (reclaim, migration, MADV_DONTNEED between the fault and the retried
 * access): that can happen a few times in a row on a loaded machine, so
 * the bound is far above it.  It only stops a model bug (a fault that
 * reports success without making the access possible) from spinning
 * forever, after a millisecond or so.
 */
#define MSIM_FAULT_RETRIES 1000

/* migrate.c: wait until the migration entry @pte at @addr is gone. */
void migration_entry_wait(struct mm_struct *mm, unsigned long addr, pte_t pte);

/* vmscan.c */
int madvise_pageout(struct vm_area_struct *vma, unsigned long start,
		    unsigned long end);

/* swapfile.c */
void msim_swap_destroy(struct msim_machine *m);

/* machine.c: the only machine alive, or NULL (none, or several). */
struct msim_machine *msim_only_machine(void);
/* task.c: @m is going away; this thread's current machine if it is @m. */
void msim_forget_current_machine(struct msim_machine *m);

/*
 * rmap_device.c: put back the PTE a device-exclusive entry at @ptep
 * replaced; page-table lock held.
 */
void restore_exclusive_pte(struct vm_area_struct *vma, unsigned long addr,
			   pte_t *ptep);

/* memremap.c: a device page's last reference is gone. */
void free_zone_device_page(struct page *page);

/*
 * sparse.c: the memory map and RAM, reserved whole and populated a
 * section at a time.  sparse_populate_next_section() runs under the
 * zone lock; -ENOMEM when there is no section left or the host refuses.
 */
int msim_memmap_reserve(struct msim_machine *m);
void msim_memmap_release(struct msim_machine *m);
int sparse_populate_next_section(struct msim_machine *m);

/* special_mapping.c: @sm's page at @pgoff, or NULL past its end. */
struct page *special_mapping_page(const struct vm_special_mapping *sm,
				  unsigned long pgoff);

/* page_alloc.c */
struct page *__msim_alloc_page(struct msim_machine *m,
			       enum msim_alloc_kind kind, bool zero);
void msim_free_page(struct page *page);

#endif /* MMSIM_INTERNAL_H */
