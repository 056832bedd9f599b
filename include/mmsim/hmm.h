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
 * The flags are Linux 6.18's: HMM_PFN_VALID, HMM_PFN_WRITE and
 * HMM_PFN_ERROR in the top bits of each output entry, the map order below
 * them (always 0 here: the model maps no huge pages), the pfn in the low
 * bits; HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE in the input entries and
 * range->default_flags.  The sticky flags (HMM_PFN_DMA_MAPPED, ...) are
 * carried from input to output, as in Linux.
 *
 * Without a fault request, what cannot be had is reported, not faulted:
 * a page with no VMA, or in a VMA that cannot be read (PROT_NONE),
 * becomes HMM_PFN_ERROR, a page not yet populated 0, and the call
 * returns 0 (the hmm selftests' snapshot relies on it).  With a fault
 * request, those are -EFAULT.  A device-private page of
 * @dev_private_owner is reported as it is, with HMM_PFN_VALID (and
 * HMM_PFN_WRITE if its entry is writable), and never faulted back.
 */
#ifndef MMSIM_HMM_H
#define MMSIM_HMM_H

#include <mmsim/export.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/page.h>
#include <mmsim/sched.h>

#define HMM_BITS_PER_LONG (sizeof(unsigned long) * 8)

/* Output flags. */
#define HMM_PFN_VALID (1UL << (HMM_BITS_PER_LONG - 1))
#define HMM_PFN_WRITE (1UL << (HMM_BITS_PER_LONG - 2))
#define HMM_PFN_ERROR (1UL << (HMM_BITS_PER_LONG - 3))
/* Sticky flags: carried from the input entry to the output. */
#define HMM_PFN_DMA_MAPPED (1UL << (HMM_BITS_PER_LONG - 4))
#define HMM_PFN_P2PDMA (1UL << (HMM_BITS_PER_LONG - 5))
#define HMM_PFN_P2PDMA_BUS (1UL << (HMM_BITS_PER_LONG - 6))
#define HMM_PFN_INOUT_FLAGS                                                    \
	(HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)
/* The map order of an output entry: 5 bits from here. */
#define HMM_PFN_ORDER_SHIFT (HMM_BITS_PER_LONG - 11)

/* Input: the entry must be faulted in (for writing). */
#define HMM_PFN_REQ_FAULT HMM_PFN_VALID
#define HMM_PFN_REQ_WRITE HMM_PFN_WRITE

/* Every bit that is not the pfn. */
#define HMM_PFN_FLAGS (~((1UL << HMM_PFN_ORDER_SHIFT) - 1))

/* How long a driver retries -EBUSY before giving up, in milliseconds. */
#define HMM_RANGE_DEFAULT_TIMEOUT 1000

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
 * -EFAULT for a fault requested on a page with no VMA, in one that
 * forbids reading, or that the fault handler could not resolve (out of
 * memory included, as in Linux); -EPERM for a write request where the
 * VMA forbids writing.
 */
MSIM_API int hmm_range_fault(struct hmm_range *range);

/**
 * hmm_pfn_to_page - the page of an output entry with HMM_PFN_VALID, on
 * the machine msim_current_machine() names (see sched.h); NULL if there
 * is none or no such frame.
 */
static inline struct page *hmm_pfn_to_page(unsigned long hmm_pfn)
{
	struct msim_machine *m = msim_current_machine();

	return m ? msim_pfn_to_page(m, hmm_pfn & ~HMM_PFN_FLAGS) : NULL;
}

/** hmm_pfn_to_map_order - log2 of the pages the CPU maps this entry with. */
static inline unsigned int hmm_pfn_to_map_order(unsigned long hmm_pfn)
{
	return (hmm_pfn >> HMM_PFN_ORDER_SHIFT) & 0x1f;
}

#endif /* MMSIM_HMM_H */
