/* SPDX-License-Identifier: MIT */
/**
 * DOC: A device TLB on ->invalidate_range
 *
 * An IOMMU with PCIe ATS, as the SVA drivers of Linux 6.x before 6.6 ran
 * it (amd_iommu_v2, intel-svm): the device shares the process's page
 * tables and caches their translations in its own TLB.  A miss is an ATS
 * translation request, answered from the CPU page tables under the
 * page-table lock; a PTE that does not allow the access becomes a page
 * request (PRI), served by faulting the primary in as GUP does, and the
 * translation is asked again.
 *
 * It subscribes with ->invalidate_range only, no start/end: since the
 * device reads the CPU page tables themselves, nothing can be cached from
 * a PTE after it was changed, and ->invalidate_range comes after every
 * change and before the old page may be freed.  ->release flushes
 * everything and stops translation.
 */
#ifndef MMSIM_DEV_TLB_H
#define MMSIM_DEV_TLB_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdio.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/drivers/xlate_table.h>

/* msim_bugs: the mistakes a test can make the device commit. */
#define MSIM_DEV_TLB_BUG_NO_FLUSH                                              \
	(1U << 0) /* ->invalidate_range flushes                                \
		   * nothing */

/**
 * struct msim_dev_tlb - one device's TLB over one mm
 * @mn: the classic subscription
 * @mm: the address space the device works in (its PASID)
 * @lock: protects @table; taken inside the page-table lock
 * @table: the cached translations, with the name for reports and the
 *	checker they are recorded with
 * @released: ->release ran; translation requests fail
 * @nr_misses, @nr_page_requests, @nr_flushes: statistics
 * @msim_bugs: MSIM_DEV_TLB_BUG_* to commit
 */
struct msim_dev_tlb {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	spinlock_t lock;
	struct msim_xlate_table table;
	bool released;
	unsigned long nr_misses, nr_page_requests, nr_flushes;
	unsigned int msim_bugs;
};

/**
 * msim_dev_tlb_create - bind a device to @mm.  The caller holds an
 * mm_users reference and not the mmap lock.  Return: the TLB or an
 * ERR_PTR().
 */
MSIM_API struct msim_dev_tlb *
msim_dev_tlb_create(struct mm_struct *mm, const char *name,
		    struct msim_coherence *coherence);

/** msim_dev_tlb_destroy - unbind (flushing everything) and free. */
MSIM_API void msim_dev_tlb_destroy(struct msim_dev_tlb *tlb);

/**
 * msim_dev_tlb_access - the device reads or writes @len bytes at @addr
 * (within one page), translating through its TLB
 * Return: 0; -EFAULT when the page request fails (no VMA, forbidden, the
 * mm released); -ENOMEM; -EINVAL for a range crossing a page.
 */
MSIM_API int msim_dev_tlb_access(struct msim_dev_tlb *tlb, unsigned long addr,
				 void *buf, size_t len, bool write);

/** msim_dev_tlb_entry_page - the cached frame for @addr, or NULL. */
MSIM_API struct page *msim_dev_tlb_entry_page(struct msim_dev_tlb *tlb,
					      unsigned long addr,
					      bool *writable);

/** msim_dev_tlb_show - one line an entry: "NAME ADDR pfn PFN rw|ro". */
MSIM_API void msim_dev_tlb_show(struct msim_dev_tlb *tlb, FILE *out);

#endif /* MMSIM_DEV_TLB_H */
