/* SPDX-License-Identifier: MIT */
/**
 * DOC: hmm_range_fault
 *
 * mm/hmm.c's hmm_range_fault(): a snapshot of the CPU page tables over a
 * range, for a driver that mirrors them, faulting in what the driver asks
 * for.  The snapshot is only good if no invalidation of the driver's
 * interval notifier collided with it: the driver takes
 * mmu_interval_read_begin() before, and checks mmu_interval_read_retry()
 * under its own lock before using the pfns, as lib/test_hmm.c does.
 *
 * The flags are the kernel's: HMM_PFN_VALID and HMM_PFN_WRITE in the high
 * bits of each output entry, the pfn below; HMM_PFN_REQ_FAULT and
 * HMM_PFN_REQ_WRITE in the input entries and range->default_flags.  The
 * model has no device-private pages, so @dev_private_owner is kept only
 * for drivers that set it.
 */
#ifndef MMSIM_HMM_H
#define MMSIM_HMM_H

#include <mmsim/export.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/page.h>

#define HMM_PFN_VALID (1UL << (sizeof(unsigned long) * 8 - 1))
#define HMM_PFN_WRITE (1UL << (sizeof(unsigned long) * 8 - 2))
#define HMM_PFN_ERROR (1UL << (sizeof(unsigned long) * 8 - 3))
#define HMM_PFN_FLAGS (HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR)

/* Input: the entry must be faulted in (for writing). */
#define HMM_PFN_REQ_FAULT HMM_PFN_VALID
#define HMM_PFN_REQ_WRITE HMM_PFN_WRITE

/**
 * struct hmm_range - what to snapshot and where
 * @notifier: the interval notifier covering the range
 * @notifier_seq: mmu_interval_read_begin() of @notifier
 * @start: the first address; @end: the first address after
 * @hmm_pfns: one entry a page: input request flags, output pfn and flags
 * @default_flags: request flags for every page
 * @pfn_flags_mask: which bits of @hmm_pfns' input entries count
 * @dev_private_owner: the device whose private pages need no fault
 */
struct hmm_range {
	struct mmu_interval_notifier *notifier;
	unsigned long notifier_seq;
	unsigned long start;
	unsigned long end;
	unsigned long *hmm_pfns;
	unsigned long default_flags;
	unsigned long pfn_flags_mask;
	void *dev_private_owner;
};

/**
 * hmm_range_fault - fill range->hmm_pfns, faulting as requested
 * Caller holds the mmap lock for reading.
 * Return: 0; -EBUSY when an invalidation collided (read_begin again);
 * -EFAULT for a page with no VMA or one that forbids reading; -EPERM for
 * a write request where the VMA forbids writing; -ENOMEM.
 */
MSIM_API int hmm_range_fault(struct hmm_range *range);

/** hmm_pfn_to_page - the page of an output entry with HMM_PFN_VALID. */
static inline struct page *hmm_pfn_to_page(struct msim_machine *m,
					   unsigned long hmm_pfn)
{
	return pfn_to_page(m, hmm_pfn & ~HMM_PFN_FLAGS);
}

#endif /* MMSIM_HMM_H */
