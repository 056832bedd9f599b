/* SPDX-License-Identifier: MIT */
/**
 * DOC: An HMM mirror
 *
 * The device of lib/test_hmm.c ("dmirror") reduced to its mirroring: a
 * device page table filled with hmm_range_fault() under an interval
 * notifier, the way the HMM documentation prescribes.
 *
 *  - A device fault takes mmu_interval_read_begin(), snapshots the range
 *    with hmm_range_fault() under the mmap lock, then takes the device
 *    lock and installs the entries only if mmu_interval_read_retry() says
 *    no invalidation collided; otherwise it starts again.
 *  - ->invalidate takes the device lock (or, when the range is not
 *    blockable, tries to and returns false), calls mmu_interval_set_seq()
 *    and drops the device's entries in the range.  An MMU_NOTIFY_MIGRATE
 *    or MMU_NOTIFY_EXCLUSIVE whose owner is this device's is skipped: the
 *    device is the one migrating, or taking the page, and sets its
 *    entries itself.
 *
 * With msim_dmirror_devmem_add() the device also has memory of its own,
 * device-private memory (ZONE_DEVICE, <mmsim/memremap.h>), as
 * lib/test_hmm.c's device does: pages of a struct dev_pagemap whose owner
 * is the device's, each kept by the device in a system page of its own
 * (page->zone_device_data).  Anonymous memory migrates to it and back
 * (msim_dmirror_migrate_to_device(), _to_system()); a CPU access to a
 * migrated page faults, and ->migrate_to_ram moves that page back;
 * hmm_range_fault() reports the device's own pages without faulting
 * them, so the device maps them directly.  msim_dmirror_exclusive()
 * takes pages for atomic access (make_device_exclusive()).  A mirror
 * destroyed with pages still on the device evicts them first
 * (migrate_device_range()).
 *
 * The device lock is a struct rw_semaphore taken for writing only (the
 * model has no struct mutex).  Entries hold no page reference.
 */
#ifndef MMSIM_DMIRROR_H
#define MMSIM_DMIRROR_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdio.h>
#include <mmsim/hmm.h>
#include <mmsim/memremap.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/drivers/xlate_table.h>

/* msim_bugs: the mistakes a test can make the driver commit. */
#define MSIM_DMIRROR_BUG_NO_RETRY (1U << 0) /* ignore read_retry() */

/**
 * struct msim_dmirror - one device mirroring part of one mm
 * @notifier: the interval subscription
 * @mm: the mm mirrored
 * @mutex: the device lock: protects @pt and orders read_retry against
 *	set_seq
 * @pt: the device page table, with the name for reports and the checker
 *	its entries are recorded with
 * @owner: the device's owner cookie for MMU_NOTIFY_MIGRATE
 * @msim_fault_hook: called between hmm_range_fault() and taking @mutex,
 *	with no lock held
 * @devmem: the device's own memory, or NULL (msim_dmirror_devmem_add())
 * @msim_bugs: MSIM_DMIRROR_BUG_* to commit
 * @nr_faults, @nr_retries, @nr_invalidates, @nr_skipped: statistics
 * @nr_to_device, @nr_to_system, @nr_cpu_faults, @nr_exclusive: pages
 *	migrated to the device, back by the device, back by CPU faults
 *	(->migrate_to_ram), and taken for exclusive access
 */
struct msim_dmirror_devmem;

struct msim_dmirror {
	struct mmu_interval_notifier notifier;
	struct mm_struct *mm;
	/*
	 * MODEL: dmirror-lock-rwsem: lib/test_hmm.c's device lock is a
	 * struct mutex, which the model lacks: a rw_semaphore taken for
	 * writing only stands for it.
	 */
	struct rw_semaphore mutex;
	struct msim_xlate_table pt;
	void *owner;
	void (*msim_fault_hook)(struct msim_dmirror *dmirror,
				unsigned long addr, void *arg);
	void *msim_fault_hook_arg;
	struct msim_dmirror_devmem *devmem;
	unsigned int msim_bugs;
	unsigned long nr_faults, nr_retries, nr_invalidates, nr_skipped;
	unsigned long nr_to_device, nr_to_system, nr_cpu_faults, nr_exclusive;
};

/**
 * msim_dmirror_create - a mirror of [@start, @start + @length) of @mm
 * The caller holds an mm_users reference and not the mmap lock.
 * Return: the mirror or an ERR_PTR() (as mmu_interval_notifier_insert()).
 */
MSIM_API struct msim_dmirror *
msim_dmirror_create(struct mm_struct *mm, unsigned long start,
		    unsigned long length, void *owner, const char *name,
		    struct msim_coherence *coherence);

/** msim_dmirror_destroy - remove the notifier, drop the entries, free. */
MSIM_API void msim_dmirror_destroy(struct msim_dmirror *dmirror);

/**
 * msim_dmirror_fault - the device faults [@start, @end) in, writable if
 * @write.  Return: 0 or hmm_range_fault()'s errno (never -EBUSY).
 */
MSIM_API int msim_dmirror_fault(struct msim_dmirror *dmirror,
				unsigned long start, unsigned long end,
				bool write);

/**
 * msim_dmirror_access - the device reads or writes @len bytes at @addr
 * (within one page) through its page table, faulting as needed.
 * Return: 0, -EINVAL for a range crossing a page, or as msim_dmirror_fault().
 */
MSIM_API int msim_dmirror_access(struct msim_dmirror *dmirror,
				 unsigned long addr, void *buf, size_t len,
				 bool write);

/** msim_dmirror_entry_page - the frame the device maps at @addr, or NULL. */
MSIM_API struct page *msim_dmirror_entry_page(struct msim_dmirror *dmirror,
					      unsigned long addr,
					      bool *writable);

/**
 * msim_dmirror_devmem_add - give the device @nr_pages pages of
 * device-private memory; the mirror needs an owner cookie for it.
 * Return: 0, -EINVAL (no owner, memory already added, no pages),
 * -ENOMEM, -ERANGE (no physical address space left).
 */
MSIM_API int msim_dmirror_devmem_add(struct msim_dmirror *dmirror,
				     unsigned long nr_pages);

/** msim_dmirror_devmem_free - device pages not in use. */
MSIM_API unsigned long msim_dmirror_devmem_free(struct msim_dmirror *dmirror);

/**
 * msim_dmirror_migrate_to_device - migrate the pages of [@start, @end)
 * (which may span VMAs) to the device's memory, holes and the zero page
 * included, and map them in the device
 * Return: the pages migrated; -EINVAL without device memory or for an
 * unaligned range; -EFAULT where no VMA is.
 */
MSIM_API long msim_dmirror_migrate_to_device(struct msim_dmirror *dmirror,
					     unsigned long start,
					     unsigned long end);

/**
 * msim_dmirror_migrate_to_system - migrate the device's pages of
 * [@start, @end) back to system memory.
 * Return: the pages migrated, or as msim_dmirror_migrate_to_device().
 */
MSIM_API long msim_dmirror_migrate_to_system(struct msim_dmirror *dmirror,
					     unsigned long start,
					     unsigned long end);

/**
 * msim_dmirror_exclusive - take the pages of [@start, @end) for the
 * device's exclusive (atomic) access, and map them writable in it.
 * Return: the pages taken, or the first error of make_device_exclusive().
 */
MSIM_API long msim_dmirror_exclusive(struct msim_dmirror *dmirror,
				     unsigned long start, unsigned long end);

/**
 * msim_dmirror_snapshot - hmm_range_fault() of [@start, @end) without a
 * fault request, the device's pages reported as its own; @pfns gets an
 * entry a page.  Return: 0 or hmm_range_fault()'s error.
 */
MSIM_API int msim_dmirror_snapshot(struct msim_dmirror *dmirror,
				   unsigned long start, unsigned long end,
				   unsigned long *pfns);

/** msim_dmirror_show - one line an entry: "NAME ADDR pfn PFN rw|ro". */
MSIM_API void msim_dmirror_show(struct msim_dmirror *dmirror, FILE *out);

#endif /* MMSIM_DMIRROR_H */
