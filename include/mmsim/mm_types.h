/* SPDX-License-Identifier: MIT */
/**
 * DOC: mm_struct, vm_area_struct, anon_vma
 *
 * The kernel's structures, with the fields the model needs and the kernel's
 * names for them.  Two things are mmsim's own: the VMAs sit in an augmented
 * AVL tree (see avl.h for why) rather than a maple tree, and, as in the
 * kernels that had an rbtree, the VMAs are also threaded on a sorted list
 * (vm_next, vm_prev) so that neighbours are found in O(1).
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include <stdatomic.h>
#include <mmsim/arch.h>
#include <mmsim/avl.h>
#include <mmsim/list.h>
#include <mmsim/locking.h>
#include <mmsim/machine.h>
#include <mmsim/pgtable.h>

typedef unsigned long vm_flags_t;

/* vm_flags: the kernel's bit values, so that dumps read the same. */
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_PFNMAP 0x00000400UL
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL
#define VM_LOCKONFAULT 0x00080000UL
#define VM_ACCOUNT 0x00100000UL
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB 0x00400000UL
#define VM_WIPEONFORK 0x02000000UL
#define VM_DONTDUMP 0x04000000UL
#define VM_SOFTDIRTY 0x08000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_NOHUGEPAGE 0x40000000UL

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define VM_STACK VM_GROWSDOWN
/* Differences in these flags do not stop a merge. */
#define VM_IGNORE_MERGE VM_SOFTDIRTY

struct mm_struct;
struct vm_area_struct;
struct vm_fault;

typedef unsigned int vm_fault_t;

/**
 * struct vm_operations_struct - what a special mapping adds to a VMA
 * @name: the name /proc/PID/maps shows
 * @close: the VMA is going away
 * @fault: find the page for an empty PTE of a VMA that is not anonymous;
 *	store it in vmf->page with a reference taken for the caller
 */
struct vm_operations_struct {
	const char *(*name)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
	vm_fault_t (*fault)(struct vm_fault *vmf);
};

/**
 * struct anon_vma - the reverse map root of anonymous pages
 *
 * Pages point to the anon_vma of the VMA that first faulted them; the
 * anon_vma lists, through anon_vma_chain, every VMA that may map them.
 * @root: the top of the fork hierarchy (itself until fork exists)
 * @parent: the anon_vma this one was forked from (itself at the top)
 * @refcount: references from VMAs' chains and from pages' rmap users
 * @num_children: anon_vmas whose parent this is, plus one for itself
 * @num_active_vmas: VMAs whose vma->anon_vma is this one
 * @head: the anon_vma_chain entries of all VMAs that may map its pages
 */
struct anon_vma {
	struct anon_vma *root;
	struct anon_vma *parent;
	atomic_int refcount;
	unsigned long num_children;
	unsigned long num_active_vmas;
	struct list_head head;
	struct msim_machine *machine;
};

/** struct anon_vma_chain - links one VMA to one anon_vma */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* on vma->anon_vma_chain */
	struct list_head same_anon_vma; /* on anon_vma->head */
};

/**
 * struct vm_area_struct - one VMA
 * @rb_subtree_gap: the largest free gap below any VMA of this subtree,
 *	where a VMA's gap is [vm_prev->vm_end, vm_start)
 * @vm_pgoff: for anonymous memory, the page index of the address the
 *	mapping was created at, kept through splits and merges
 */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct vm_area_struct *vm_next, *vm_prev;
	struct msim_avl_node vm_rb;
	unsigned long rb_subtree_gap;

	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	vm_flags_t vm_flags;

	struct list_head anon_vma_chain;
	struct anon_vma *anon_vma;

	const struct vm_operations_struct *vm_ops;
	unsigned long vm_pgoff;
	void *vm_private_data;
};

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

/**
 * struct mm_struct - an address space
 * @mm_users: users of the address space (threads, get_task_mm holders);
 *	the last mmput() tears the mappings down
 * @mm_count: references to the struct itself; mm_users counts as one;
 *	the last mmdrop() frees it
 * @map_count: number of VMAs
 * @highest_vm_end: the end of the highest VMA (0 if none)
 * @page_table_lock: protects the page tables and rss counters
 * @mmap_lock: protects the VMA tree and the VMAs' fields
 * @pgd: the top-level table; @pgd_page its frame
 */
struct mm_struct {
	struct msim_machine *machine;
	const struct msim_arch *arch;

	struct msim_avl_root mm_rb;
	struct vm_area_struct *mmap; /* the lowest VMA */
	unsigned long highest_vm_end;
	int map_count;

	unsigned long mmap_base;
	unsigned long task_size;
	bool topdown;
	/* What exec set up: the program break's range and the initial stack. */
	unsigned long start_brk, brk, start_stack;

	pte_t *pgd;
	struct page *pgd_page;

	atomic_int mm_users;
	atomic_int mm_count;

	/*
	 * MODEL: one-page-table-lock: every table of the mm, the leaf ones
	 * too, is guarded by this one lock, where Linux has a split lock per
	 * PTE table (pte_lockptr()) and this one for the upper levels.
	 */
	spinlock_t page_table_lock;
	struct rw_semaphore mmap_lock;

	unsigned long hiwater_rss;
	unsigned long hiwater_vm;
	unsigned long total_vm;
	unsigned long locked_vm;
	atomic_long pinned_vm;
	unsigned long data_vm;
	unsigned long exec_vm;
	unsigned long stack_vm;
	vm_flags_t def_flags;
	unsigned long flags; /* MMF_* bits */
	atomic_long rss_stat[NR_MM_COUNTERS];
	atomic_long pgtables_bytes;

	struct list_head mmlist; /* on machine->mmlist */

	/* Hooks for what later layers attach to an mm. */
	struct mmu_notifier_subscriptions *notifier_subscriptions;
	struct {
		unsigned long vdso;
	} context;
};

#endif /* MMSIM_MM_TYPES_H */
