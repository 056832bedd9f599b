/* SPDX-License-Identifier: MIT */
/**
 * DOC: Device memory (ZONE_DEVICE)
 *
 * include/linux/memremap.h of Linux 6.18 for MEMORY_DEVICE_PRIVATE: memory
 * on a device that the CPU cannot address (a GPU's), given struct pages
 * so that the mm can track it.  A driver reserves a range of physical
 * addresses above RAM (msim_device_pfn_alloc(), which the kernel tree's
 * request_free_mem_region() calls), describes it in a struct dev_pagemap
 * with its ops and an owner cookie, and memremap_pages() makes the struct
 * pages.  The driver hands a page out with zone_device_page_init()
 * (refcount 1, locked), migrates anonymous memory to it with migrate_vma
 * (migrate.h), and gets it back through ->page_free() when the last
 * reference goes.  A process that maps such a page has a device-private
 * swap entry in its PTE (swapops.h); a CPU access faults, and the fault
 * calls ->migrate_to_ram() with the page locked and referenced.
 *
 * Device pages have pfns above the machine's RAM and no bytes the CPU can
 * reach: page_address() is NULL for them.  The driver keeps their
 * contents where it likes (page->zone_device_data).
 *
 * Only MEMORY_DEVICE_PRIVATE is modelled; the other types are refused
 * with -EINVAL, as is a pagemap with more than one range.
 */
#ifndef MMSIM_MEMREMAP_H
#define MMSIM_MEMREMAP_H

#include <mmsim/export.h>
#include <stdatomic.h>
#include <mmsim/fault.h>
#include <mmsim/page.h>
#include <mmsim/swapops.h>

/**
 * struct range - an inclusive range of physical addresses
 * @start: the first byte; @end: the last byte
 */
struct range {
	unsigned long long start;
	unsigned long long end;
};

/** enum memory_type - the kinds of ZONE_DEVICE memory (Linux's values) */
enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap;

/**
 * struct dev_pagemap_ops - what the mm asks of the driver
 * @page_free: the last reference to @page is gone; the driver may hand
 *	it out again.  Called where the reference was dropped, possibly
 *	with a page-table lock held: must not sleep.
 * @migrate_to_ram: a CPU fault on a device-private entry: move
 *	vmf->page (locked and referenced by the fault) back to system
 *	memory, with migrate_vma_setup(.fault_page = vmf->page).  Called
 *	with the mmap lock held for reading and no other lock.  Return 0 or
 *	a VM_FAULT_* error; the fault is retried either way.
 * @memory_failure: not called by the model.
 */
struct dev_pagemap_ops {
	void (*page_free)(struct page *page);
	vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);
	int (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn,
			      unsigned long nr_pages, int mf_flags);
};

/**
 * struct dev_pagemap - one range of device memory
 * @type: MEMORY_DEVICE_PRIVATE
 * @flags: unused
 * @vmemmap_shift: must be 0 (no compound device pages)
 * @ops: the callbacks
 * @owner: the owner cookie: migrate_vma and hmm_range_fault() treat the
 *	pages as the caller's own when their owner matches
 * @nr_range: 1
 * @range: the physical range, from msim_device_pfn_alloc()
 * @msim_machine: the machine (set by memremap_pages())
 * @msim_pages: the struct pages, one per page of @range
 * @msim_nr_pages: how many
 * @msim_refs: pages handed out by zone_device_page_init() and not yet
 *	freed (the kernel's percpu_ref)
 * @msim_dying: memunmap_pages() has begun
 * @msim_node: on the machine's list of pagemaps
 */
struct dev_pagemap {
	enum memory_type type;
	unsigned int flags;
	unsigned long vmemmap_shift;
	const struct dev_pagemap_ops *ops;
	void *owner;
	int nr_range;
	struct range range;

	struct msim_machine *msim_machine;
	struct page *msim_pages;
	unsigned long msim_nr_pages;
	atomic_long msim_refs;
	atomic_bool msim_dying;
	struct list_head msim_node;
};

/**
 * msim_device_pfn_alloc - reserve @nr_pages pfns of physical address
 * space above @m's RAM, never used before on @m
 * Return: the first pfn; 0 if @nr_pages is 0 or the space is exhausted.
 */
MSIM_API unsigned long msim_device_pfn_alloc(struct msim_machine *m,
					     unsigned long nr_pages);

/**
 * memremap_pages - make the struct pages of @pgmap->range, on the machine
 * msim_current_machine() names (sched.h)
 * @nid: the NUMA node (ignored)
 * Return: a non-NULL cookie (the range's start as a pointer, as Linux
 * returns its address), or ERR_PTR(-EINVAL) for a pagemap the model does
 * not support or a range not reserved with msim_device_pfn_alloc(),
 * ERR_PTR(-ENOMEM).
 */
MSIM_API void *memremap_pages(struct dev_pagemap *pgmap, int nid);

/** msim_memremap_pages - memremap_pages() on the machine @m. */
MSIM_API void *msim_memremap_pages(struct msim_machine *m,
				   struct dev_pagemap *pgmap);

/**
 * memunmap_pages - tear @pgmap down: no page may be handed out any more;
 * wait until every page handed out was freed (the driver evicts them
 * first, with migrate_device_range()), then free the struct pages.
 */
MSIM_API void memunmap_pages(struct dev_pagemap *pgmap);

/**
 * zone_device_page_init - hand out the free device page @page: refcount
 * 1, page lock held (the driver unlocks it, or migrate_vma_finalize()
 * does)
 */
MSIM_API void zone_device_page_init(struct page *page);

/** page_pgmap - the pagemap of a device page */
static inline struct dev_pagemap *page_pgmap(const struct page *page)
{
	return page->pgmap;
}

static inline bool is_device_private_page(const struct page *page)
{
	return is_zone_device_page(page) &&
	       page->pgmap->type == MEMORY_DEVICE_PRIVATE;
}

static inline bool folio_is_device_private(const struct folio *folio)
{
	return is_device_private_page(&folio->page);
}

static inline bool folio_is_zone_device(const struct folio *folio)
{
	return is_zone_device_page(&folio->page);
}

/** msim_pfn_swap_entry_to_page - the page a pfn swap entry names on @m */
static inline struct page *msim_pfn_swap_entry_to_page(struct msim_machine *m,
						       swp_entry_t entry)
{
	return msim_pfn_to_page(m, swp_offset_pfn(entry));
}

#endif /* MMSIM_MEMREMAP_H */
