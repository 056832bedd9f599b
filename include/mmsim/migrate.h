/* SPDX-License-Identifier: MIT */
/**
 * DOC: Migrating a range (migrate_vma)
 *
 * The API device drivers use to move the pages of a range of one VMA
 * between system memory and their own device-private memory
 * (include/linux/migrate.h, memremap.h), in three steps:
 *
 *  - migrate_vma_setup() starts a MMU_NOTIFY_MIGRATE invalidation of the
 *    range carrying @pgmap_owner (so the calling driver can recognise and
 *    skip its own invalidation), collects the pages, replaces each PTE by
 *    a migration entry, and ends the invalidation.  Entries of @src say
 *    what was found: MIGRATE_PFN_MIGRATE for what may move (a page, or a
 *    hole or the zero page, to be filled by the new page),
 *    MIGRATE_PFN_VALID with the frame for a page, MIGRATE_PFN_WRITE if it
 *    was mapped writable.  @flags selects what is collected: system
 *    memory (MIGRATE_VMA_SELECT_SYSTEM), and device-private pages whose
 *    pagemap's owner is @pgmap_owner (MIGRATE_VMA_SELECT_DEVICE_PRIVATE;
 *    device-private entries of other owners are left alone).  Pages that
 *    may be pinned for DMA, or that hold references besides their
 *    mappings, stay mapped and are left out.
 *  - The caller allocates destination pages (msim_alloc_page(), or device
 *    pages handed out with zone_device_page_init()), copies the bytes,
 *    puts the pages, as migrate_pfn() values, in @dst, and
 *    migrate_vma_pages() moves each page's state to its destination.  As
 *    in Linux the bytes are the driver's to copy.
 *  - migrate_vma_finalize() replaces the migration entries by the new
 *    pages, or by the old ones where a page did not move, and drops the
 *    old pages and the caller's references to the new.  A device page is
 *    mapped by a device-private entry, writable if the page was.
 *
 * Between setup and finalize the migration entries make a fault or GUP
 * on the range wait until finalize; zap, fork and the checkers handle
 * them.  The caller holds the mmap lock for reading from setup to
 * finalize.  A driver's ->migrate_to_ram() passes the faulting page as
 * @fault_page; it stays locked through finalize (the fault unlocks it).
 *
 * migrate_device_range(), migrate_device_pages() and
 * migrate_device_finalize() do the same for device pages by pfn, with
 * no VMA, wherever they are mapped: a driver evicts its memory with them
 * before memunmap_pages().
 */
#ifndef MMSIM_MIGRATE_H
#define MMSIM_MIGRATE_H

#include <mmsim/export.h>
#include <mmsim/mm_types.h>
#include <mmsim/page.h>
#include <mmsim/sched.h>

#define MIGRATE_PFN_VALID (1UL << 0)
#define MIGRATE_PFN_MIGRATE (1UL << 1)
#define MIGRATE_PFN_WRITE (1UL << 3)
#define MIGRATE_PFN_SHIFT 6

/** migrate_pfn - the src/dst value of frame @pfn. */
static inline unsigned long migrate_pfn(unsigned long pfn)
{
	return (pfn << MIGRATE_PFN_SHIFT) | MIGRATE_PFN_VALID;
}

/** msim_migrate_pfn_to_page - the page of a src/dst value of @m, or NULL. */
static inline struct page *msim_migrate_pfn_to_page(struct msim_machine *m,
						    unsigned long mpfn)
{
	if (!(mpfn & MIGRATE_PFN_VALID))
		return NULL;
	return msim_pfn_to_page(m, mpfn >> MIGRATE_PFN_SHIFT);
}

/**
 * migrate_pfn_to_page - the page of a src/dst value, or NULL, on the
 * machine msim_current_machine() names (see sched.h).
 */
static inline struct page *migrate_pfn_to_page(unsigned long mpfn)
{
	struct msim_machine *m = msim_current_machine();

	return m ? msim_migrate_pfn_to_page(m, mpfn) : NULL;
}

enum migrate_vma_direction {
	MIGRATE_VMA_SELECT_SYSTEM = 1 << 0,
	MIGRATE_VMA_SELECT_DEVICE_PRIVATE = 1 << 1,
	MIGRATE_VMA_SELECT_DEVICE_COHERENT = 1 << 2,
};

/**
 * struct migrate_vma - one migration of [@start, @end) of @vma
 * @vma: the VMA; the range must lie inside it
 * @dst: @npages entries, filled by the caller between setup and pages
 * @src: @npages entries, filled by migrate_vma_setup()
 * @cpages: pages collected (that may migrate)
 * @npages: pages in the range, set by migrate_vma_setup()
 * @start: the first address (page-aligned)
 * @end: the end (page-aligned)
 * @pgmap_owner: the owner the MMU_NOTIFY_MIGRATE invalidation carries
 * @flags: MIGRATE_VMA_SELECT_*
 * @fault_page: the device page a ->migrate_to_ram() fault is for, locked
 *	and with an extra reference held by the fault; NULL otherwise
 */
struct migrate_vma {
	struct vm_area_struct *vma;
	unsigned long *dst;
	unsigned long *src;
	unsigned long cpages;
	unsigned long npages;
	unsigned long start;
	unsigned long end;
	void *pgmap_owner;
	unsigned long flags;
	struct page *fault_page;
};

/**
 * migrate_vma_setup - collect and unmap the pages of @args' range
 * Return: 0 (even if nothing could be collected; see @cpages), or
 * -EINVAL for an unaligned or empty range, one outside @vma, or missing
 * @src or @dst arrays.
 */
MSIM_API int migrate_vma_setup(struct migrate_vma *args);

/**
 * migrate_vma_pages - move each collected page's state to its @dst page
 * (the caller has copied the bytes); clears MIGRATE_PFN_MIGRATE in @src
 * where there is no destination or the move fails.  Holes get their new
 * page mapped now, inside a MMU_NOTIFY_MIGRATE invalidation.
 */
MSIM_API void migrate_vma_pages(struct migrate_vma *migrate);

/**
 * migrate_vma_finalize - map the new pages where the move succeeded and
 * the old ones elsewhere, and drop the references of the migration.
 */
MSIM_API void migrate_vma_finalize(struct migrate_vma *migrate);

/**
 * migrate_device_range - collect the device pages of pfns [@start,
 * @start + @npages) that are in use, unmapping them everywhere (as
 * migrate_vma_setup() does); @src_pfns gets an entry a page
 * Return: 0, or -EINVAL when no machine can be named (see sched.h).
 */
MSIM_API int migrate_device_range(unsigned long *src_pfns, unsigned long start,
				  unsigned long npages);

/** migrate_device_pages - migrate_vma_pages() for migrate_device_range(). */
MSIM_API void migrate_device_pages(unsigned long *src_pfns,
				   unsigned long *dst_pfns,
				   unsigned long npages);

/** migrate_device_finalize - migrate_vma_finalize() for the same. */
MSIM_API void migrate_device_finalize(unsigned long *src_pfns,
				      unsigned long *dst_pfns,
				      unsigned long npages);

/* The three above on the machine @m, where there is no current one. */
MSIM_API int msim_migrate_device_range(struct msim_machine *m,
				       unsigned long *src_pfns,
				       unsigned long start,
				       unsigned long npages);
MSIM_API void msim_migrate_device_pages(struct msim_machine *m,
					unsigned long *src_pfns,
					unsigned long *dst_pfns,
					unsigned long npages);
MSIM_API void msim_migrate_device_finalize(struct msim_machine *m,
					   unsigned long *src_pfns,
					   unsigned long *dst_pfns,
					   unsigned long npages);

/**
 * msim_migrate_range - move every page of [@start, @start + @len) of @mm
 * to a fresh frame through the calls above (the range may span VMAs).
 * Takes the mmap lock for reading.
 * Return: the number of pages moved; -EINVAL for an unaligned @start or
 * a wrapping range; -EFAULT if part of the range is unmapped (nothing is
 * moved); -ENOMEM if no destination page could be had for some page
 * (the others are moved).
 */
MSIM_API long msim_migrate_range(struct mm_struct *mm, unsigned long start,
				 unsigned long len);

#endif /* MMSIM_MIGRATE_H */
