/* SPDX-License-Identifier: MIT */
/**
 * DOC: The simulated machine
 *
 * A machine is one architecture, its physical memory and the tunables the
 * kernel keeps in sysctls.  Every mm lives on one machine and every byte the
 * simulation allocates is charged to it, by kind, so that a test can assert
 * that nothing leaked and can make any single allocation fail.
 */
#ifndef MMSIM_MACHINE_H
#define MMSIM_MACHINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <mmsim/arch.h>
#include <mmsim/export.h>
#include <mmsim/list.h>
#include <mmsim/locking.h>

struct page;
struct msim_machine;
struct swap_info_struct;

/** enum msim_alloc_kind - what an allocation is for (failure injection) */
enum msim_alloc_kind {
	MSIM_ALLOC_FRAME,    /* a page frame for user data */
	MSIM_ALLOC_PGTABLE,  /* a page-table page */
	MSIM_ALLOC_VMA,	     /* struct vm_area_struct */
	MSIM_ALLOC_ANON_VMA, /* struct anon_vma */
	MSIM_ALLOC_AVC,	     /* struct anon_vma_chain */
	MSIM_ALLOC_MM,	     /* struct mm_struct */
	MSIM_ALLOC_TASK,     /* struct task_struct */
	MSIM_ALLOC_OTHER,    /* anything else the model keeps */
	MSIM_ALLOC_SWAP,     /* a swap slot */
	MSIM_ALLOC_KMALLOC,  /* kernel-style code's kmalloc(), vmalloc(), ... */
	MSIM_NR_ALLOC_KINDS
};

/*
 * The RAM a section of the memory map covers: 2 MiB (512 frames of 4 KiB,
 * 256 of 8 KiB).  A section's struct pages and its frames' bytes cost the
 * host nothing until the frame allocator first hands out one of them.
 */
#define MSIM_SECTION_SHIFT 21

#define OVERCOMMIT_GUESS 0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER 2

/**
 * struct msim_machine_config - what msim_machine_create() builds
 * @arch: the architecture (NULL: x86_64)
 * @ram_bytes: simulated RAM (0: 1 GiB); rounded down to whole pages.  It
 *	costs the host address space only, until frames are used: a
 *	machine's host memory grows with the frames it has handed out
 * @swap_bytes: a swap device of this size (0: none), rounded down to
 *	whole pages, at least one; see swap.h
 */
struct msim_machine_config {
	const struct msim_arch *arch;
	unsigned long ram_bytes;
	unsigned long swap_bytes;
};

/**
 * struct msim_machine - physical memory and global mm state
 * @arch: the architecture of every mm on this machine
 * @ram: the bytes of all frames, frame n at @ram + (n << page_shift)
 * @mem_map: one struct page per frame, pfn n at @mem_map + n; pfn 0 is the
 *	shared zero page.  Like @ram, reserved whole and populated by
 *	section (MSIM_SECTION_SHIFT): only the struct pages below
 *	@memmap_pfns exist (pfn_to_page())
 * @nr_frames: frames in @mem_map
 * @memmap_pfns: the frames of the sections populated so far, from pfn 0;
 *	it grows, under @zone_lock, as the allocator first reaches a
 *	section, and is read without the lock
 * @zone_lock: protects the free list and the counters below it
 * @nr_free: frames on @free_list or never handed out
 * @vm_committed_as: pages charged for VM_ACCOUNT mappings
 * @sysctl_max_map_count: vm.max_map_count
 * @sysctl_overcommit_memory: vm.overcommit_memory
 * @mmlist: every live mm of the machine (struct mm_struct.mmlist)
 * @ext: what the rooms above the mm keep per machine (the ColdFire vDSO
 *	page and its special mapping), see struct msim_machine_ext
 * @swap: the swap device, or NULL (swap.h)
 * @pgmap_lock: protects @pgmaps, the device memory's pagemaps
 *	(memremap.h), and @next_device_pfn, the first pfn above RAM not yet
 *	reserved for one
 * @rmap_lock: the anon_vma lock: held for writing where anon_vma chains
 *	change and where a merge moves the boundary between two VMAs, for
 *	reading by rmap walks (one for the machine, where Linux has one per
 *	anon_vma hierarchy)
 */
struct msim_machine {
	const struct msim_arch *arch;
	unsigned char *ram;
	struct page *mem_map;
	unsigned long nr_frames;
	unsigned long memmap_pfns;

	spinlock_t zone_lock;
	struct list_head free_list;
	unsigned long next_fresh; /* frames above this were never used */
	unsigned long nr_free;

	atomic_long vm_committed_as;
	int sysctl_max_map_count;
	int sysctl_overcommit_memory;

	spinlock_t mmlist_lock;
	struct list_head mmlist;

	struct swap_info_struct *swap;
	/*
	 * MODEL: one-rmap-lock: Linux locks each anon_vma hierarchy
	 * (anon_vma->root->rwsem); this one lock stands for all of them,
	 * which costs concurrency between unrelated processes, not
	 * correctness.
	 */
	struct rw_semaphore rmap_lock;

	atomic_int last_pid;
	atomic_ulong nr_foll_pin_acquired;
	atomic_ulong nr_foll_pin_released;

	/* allocation accounting and failure injection */
	atomic_long live[MSIM_NR_ALLOC_KINDS];
	atomic_ulong nr_allocs;
	unsigned long fail_nth;
	unsigned int fail_kinds;
	unsigned long nr_failed;

	struct msim_machine_ext *_Atomic ext;
	struct list_head msim_machines; /* msim_current_machine()'s list */

	/* device memory (memremap.h): pfns above RAM, and the pagemaps */
	spinlock_t pgmap_lock;
	struct list_head pgmaps;
	unsigned long next_device_pfn;
};

/**
 * struct msim_machine_ext_ops - what the machine asks of an extension
 * @name: for messages
 * @kept: objects of @kind the extension holds until the machine is
 *	destroyed, which a leak check must not count (may be NULL: none)
 * @release: the machine is being destroyed and every mm is gone: free
 *	@ext and what it holds
 */
struct msim_machine_ext_ops {
	const char *name;
	long (*kept)(struct msim_machine_ext *ext, enum msim_alloc_kind kind);
	void (*release)(struct msim_machine_ext *ext);
};

/**
 * struct msim_machine_ext - state a room above the mm keeps per machine
 * @ops: its operations, which also identify it
 * @next: the machine's next extension
 *
 * The mm knows nothing of the rooms built on it (the ColdFire CPU and its
 * vDSO, drivers); where one must keep memory of the machine's for as long
 * as the machine lives, as the vDSO keeps its page, it embeds this and
 * registers it with msim_machine_ext_add().  Extensions are never removed
 * before the machine is destroyed, so that msim_machine_ext_find() needs
 * no lock.
 */
struct msim_machine_ext {
	const struct msim_machine_ext_ops *ops;
	struct msim_machine_ext *next;
};

/**
 * msim_machine_ext_add - register @ext with @m, unless an extension with
 * the same ops already is
 * Return: @ext, or the extension registered first (the caller then frees
 * its own, having lost a race).
 */
MSIM_API struct msim_machine_ext *
msim_machine_ext_add(struct msim_machine *m, struct msim_machine_ext *ext);

/** msim_machine_ext_find - @m's extension with @ops, or NULL */
MSIM_API struct msim_machine_ext *
msim_machine_ext_find(struct msim_machine *m,
		      const struct msim_machine_ext_ops *ops);

/**
 * msim_machine_create - build a machine
 * Return: the machine, or ERR_PTR(-EINVAL) for a config that cannot be
 * built (too little RAM for the zero page and one chain of page tables,
 * or swap of less than a page), ERR_PTR(-ENOMEM) if the host refuses the
 * memory.
 */
MSIM_API struct msim_machine *
msim_machine_create(const struct msim_machine_config *cfg);

/**
 * msim_machine_destroy - free a machine whose mms are all gone
 *
 * An mm lives until its last reference goes, and the caller must have
 * dropped every one it took: each task from msim_task_create() or
 * msim_fork() put with msim_task_put() (which exits it first if
 * msim_exit() has not), each mm_alloc() and get_task_mm() matched by
 * mmput(), each mmgrab() by mmdrop(), and every subscription to the mm
 * removed, since a subscription pins its mm: mmu_notifier_unregister(),
 * mmu_interval_notifier_remove(), mmu_notifier_put() followed by
 * mmu_notifier_synchronize() (the put frees after a grace period), and
 * the destroy function of every driver and coherence checker attached.
 * Device memory added with memremap_pages() must be gone too
 * (memunmap_pages()).
 *
 * Return: 0, or -EBUSY while any mm is still alive or any device memory
 * still mapped: one of the above was forgotten.  Nothing is freed then;
 * the machine stays usable and may be destroyed once the references are
 * dropped.  msim_machine_nr_mms() says how many mms are left.
 */
MSIM_API int msim_machine_destroy(struct msim_machine *m);

/**
 * msim_machine_nr_mms - the mms of @m not yet freed: 0 when
 * msim_machine_destroy() can succeed.  An mm counts from mm_alloc() (or
 * the fork that copied it) until its last mmdrop(), whether or not its
 * address space was already torn down by the last mmput().
 */
MSIM_API unsigned long msim_machine_nr_mms(struct msim_machine *m);

/**
 * msim_fail_nth - make the @n-th allocation from now of one of @kinds fail
 * @kinds: a mask of (1 << MSIM_ALLOC_*) bits; 0 means every kind
 * @n: 1 for the next allocation; 0 turns injection off
 */
MSIM_API void msim_fail_nth(struct msim_machine *m, unsigned int kinds,
			    unsigned long n);

/**
 * msim_live - objects of @kind allocated and not yet freed; -EINVAL for a
 * @kind that is none of enum msim_alloc_kind's
 */
MSIM_API long msim_live(struct msim_machine *m, enum msim_alloc_kind kind);

/**
 * msim_machine_kept - objects of @kind the machine itself holds until it
 * is destroyed (the vDSO page and its descriptor), which a leak check
 * must not count as leaked
 */
MSIM_API long msim_machine_kept(struct msim_machine *m,
				enum msim_alloc_kind kind);

/** msim_nr_free_frames - frames not in use */
MSIM_API unsigned long msim_nr_free_frames(struct msim_machine *m);

/**
 * msim_kzalloc - zeroed allocation charged to @kind; NULL if it fails,
 * really or by injection, or if @kind is none of enum msim_alloc_kind's.
 * msim_kfree() with such a @kind frees @p without uncharging it, so that
 * the leak check shows the mismatch.
 */
MSIM_API void *msim_kzalloc(struct msim_machine *m, enum msim_alloc_kind kind,
			    size_t size);
MSIM_API void msim_kfree(struct msim_machine *m, enum msim_alloc_kind kind,
			 void *p);

/*
 * Internal: consume one injection slot; true if this allocation fails
 * (always for a @kind that is none of enum msim_alloc_kind's).
 */
MSIM_API bool msim_should_fail(struct msim_machine *m,
			       enum msim_alloc_kind kind);

#endif /* MMSIM_MACHINE_H */
