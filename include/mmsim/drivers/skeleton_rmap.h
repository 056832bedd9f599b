/* SPDX-License-Identifier: MIT */
/**
 * DOC: The skeleton rmap notifier driver
 *
 * A port of the 2008 sample secondary-MMU driver posted with the
 * mmu_notifier core (Documentation/mmu_notifier/skeleton_rmap.c, by
 * Christoph Lameter): one lock per address space, an @invalidates count of
 * running range invalidations that holds off new references, and a
 * populate that answers -EAGAIN while an invalidation runs, for its caller
 * to retry.
 *
 * Where the port differs, and why:
 *
 *  - The sample read the PTE and inserted the page with the PTE lock held
 *    across both; here the PTE is read under the page-table lock, which is
 *    then dropped (so that a test can run an mm operation between the read
 *    and the insert).  A count that went up and back down meanwhile would
 *    go unseen, so populate also compares @invalidate_gen, the number of
 *    invalidations begun, with its value before the read: "non-zero or
 *    changed" means -EAGAIN.
 *  - The sample's rmap notifier (a callback per page from the reverse-map
 *    walk) never reached Linux; its "reverse maps" remain as the driver's
 *    list of (address, page) mappings, looked up by page with
 *    msim_my_mmu_find_addr().
 *  - ->release zaps everything but does not free the driver (the sample
 *    did kfree() there): a later mmu_notifier_unregister() would touch
 *    freed memory.  msim_my_mmu_detach() frees it.
 *  - The zero page is mapped like any page, where the sample's
 *    vm_normal_page() test would have looped on it.
 */
#ifndef MMSIM_SKELETON_RMAP_H
#define MMSIM_SKELETON_RMAP_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdio.h>
#include <mmsim/drivers/coherence.h>
#include <mmsim/list.h>
#include <mmsim/mmu_notifier.h>

/* msim_bugs: the mistakes a test can make the driver commit. */
#define MSIM_MY_MMU_BUG_IGNORE_INVALIDATES (1U << 0)

/**
 * struct msim_my_mmu - the driver's state for one address space
 * @notifier: the classic subscription
 * @lock: protects the counters and the mappings
 * @invalidates: range invalidations running
 * @invalidate_gen: range invalidations begun, ever
 * @list: the driver's mappings (struct msim_my_mmu_map), its reverse map
 * @nr_mapped: how many
 * @released: ->release ran
 * @mm, @name, @coherence: the mm, the name for reports, the checker
 * @msim_populate_hook: called between the PTE read and the insert, with
 *	no lock held
 * @msim_bugs: MSIM_MY_MMU_BUG_* to commit
 * @nr_eagain: populates answered -EAGAIN
 */
struct msim_my_mmu {
	struct mmu_notifier notifier;
	spinlock_t lock;
	int invalidates;
	unsigned long invalidate_gen;
	struct list_head list;
	unsigned long nr_mapped;
	bool released;
	struct mm_struct *mm;
	const char *name;
	struct msim_coherence *coherence;
	void (*msim_populate_hook)(struct msim_my_mmu *m, unsigned long address,
				   void *arg);
	void *msim_populate_hook_arg;
	unsigned int msim_bugs;
	unsigned long nr_eagain;
};

/** struct msim_my_mmu_map - one secondary mapping, on my_mmu.list */
struct msim_my_mmu_map {
	struct list_head node;
	unsigned long address;
	struct page *page;
	bool writable;
	struct msim_secondary_mapping sm;
};

/**
 * msim_my_mmu_attach_to_process - subscribe to @mm.  The caller holds an
 * mm_users reference and not the mmap lock.  Return: the driver or an
 * ERR_PTR().
 */
MSIM_API struct msim_my_mmu *
msim_my_mmu_attach_to_process(struct mm_struct *mm, const char *name,
			      struct msim_coherence *coherence);

/** msim_my_mmu_detach - unsubscribe (zapping everything) and free. */
MSIM_API void msim_my_mmu_detach(struct msim_my_mmu *m);

/**
 * msim_my_mmu_populate_page - map the page at @address in the secondary MMU,
 * faulting the primary in if needed
 * Return: the page; ERR_PTR(-EAGAIN) while an invalidation runs or if one
 * began since the PTE was read (retry); ERR_PTR(-EFAULT / -ENOMEM).
 */
MSIM_API struct page *msim_my_mmu_populate_page(struct msim_my_mmu *m,
						unsigned long address,
						int write);

/**
 * msim_my_mmu_access - the device reads or writes @len bytes at @address
 * (within one page) through the driver's mapping, populating it (and
 * retrying -EAGAIN) as needed; the bytes move under m->lock, so that no
 * invalidation can free the page meanwhile
 * Return: 0, -EINVAL for a range crossing a page, or the populate's error.
 */
MSIM_API int msim_my_mmu_access(struct msim_my_mmu *m, unsigned long address,
				void *buf, size_t len, bool write);

/**
 * msim_my_mmu_find_addr - the address at which @page is mapped, or -EFAULT
 * (as an unsigned long) if it is not (the reverse-map lookup).
 */
MSIM_API unsigned long msim_my_mmu_find_addr(struct msim_my_mmu *m,
					     struct page *page);

/** msim_my_mmu_show - one line a mapping: "NAME ADDR pfn PFN rw|ro". */
MSIM_API void msim_my_mmu_show(struct msim_my_mmu *m, FILE *out);

#endif /* MMSIM_SKELETON_RMAP_H */
