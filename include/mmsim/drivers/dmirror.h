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
 *    whose owner is this device's is skipped: the device is the one
 *    migrating and its entries stay right.
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
#include <mmsim/mmu_notifier.h>
#include <mmsim/drivers/xlate_table.h>

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
 * @nr_faults, @nr_retries, @nr_invalidates, @nr_skipped: statistics
 */
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
	unsigned long nr_faults, nr_retries, nr_invalidates, nr_skipped;
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

/** msim_dmirror_show - one line an entry: "NAME ADDR pfn PFN rw|ro". */
MSIM_API void msim_dmirror_show(struct msim_dmirror *dmirror, FILE *out);

#endif /* MMSIM_DMIRROR_H */
