// SPDX-License-Identifier: MIT
/*
 * Device memory (mm/memremap.c), MEMORY_DEVICE_PRIVATE only: see
 * memremap.h.  A machine's pagemaps sit on its list under pgmap_lock;
 * a pfn above RAM is looked up there, which is rare and the lists short.
 *
 * A device page's life: free (refcount 0) until the driver hands it out
 * with zone_device_page_init(); then counted like any page (its
 * mappings, which are device-private entries, hold references and map
 * counts); when the last reference goes, free_zone_device_page() resets
 * it and calls the driver's ->page_free().
 */
#include <string.h>
#include "internal.h"

unsigned long msim_device_pfn_alloc(struct msim_machine *m,
				    unsigned long nr_pages)
{
	unsigned long pfn = 0;

	if (!nr_pages)
		return 0;
	spin_lock(&m->pgmap_lock);
	/* The swap entries that name device pages keep the pfn in 59 bits. */
	if (m->next_device_pfn + nr_pages <= SWP_OFFSET_MASK &&
	    m->next_device_pfn + nr_pages > m->next_device_pfn) {
		pfn = m->next_device_pfn;
		m->next_device_pfn += nr_pages;
	}
	spin_unlock(&m->pgmap_lock);
	return pfn;
}

struct page *msim_device_pfn_to_page(struct msim_machine *m, unsigned long pfn)
{
	struct dev_pagemap *pgmap;
	struct page *page = NULL;
	unsigned long first;

	spin_lock(&m->pgmap_lock);
	list_for_each_entry(pgmap, &m->pgmaps, msim_node) {
		first = pgmap->range.start >> m->arch->page_shift;
		if (pfn >= first && pfn - first < pgmap->msim_nr_pages) {
			page = &pgmap->msim_pages[pfn - first];
			break;
		}
	}
	spin_unlock(&m->pgmap_lock);
	return page;
}

void *memremap_pages(struct dev_pagemap *pgmap, int nid)
{
	struct msim_machine *m = msim_current_machine();

	(void)nid;
	return m ? msim_memremap_pages(m, pgmap) : ERR_PTR(-EINVAL);
}

void *msim_memremap_pages(struct msim_machine *m, struct dev_pagemap *pgmap)
{
	unsigned long first, nr, i;
	unsigned int shift;
	struct dev_pagemap *other;
	struct page *pages;

	if (pgmap->type != MEMORY_DEVICE_PRIVATE || pgmap->nr_range != 1 ||
	    pgmap->vmemmap_shift || !pgmap->ops || !pgmap->ops->page_free ||
	    !pgmap->ops->migrate_to_ram)
		return ERR_PTR(-EINVAL);
	shift = m->arch->page_shift;
	if ((pgmap->range.start & ((1ULL << shift) - 1)) ||
	    ((pgmap->range.end + 1) & ((1ULL << shift) - 1)) ||
	    pgmap->range.end <= pgmap->range.start)
		return ERR_PTR(-EINVAL);
	first = pgmap->range.start >> shift;
	nr = (pgmap->range.end - pgmap->range.start + 1) >> shift;
	/* Above RAM, and reserved: below the next pfn not yet handed out. */
	spin_lock(&m->pgmap_lock);
	if (first < m->nr_frames || first + nr > m->next_device_pfn) {
		spin_unlock(&m->pgmap_lock);
		return ERR_PTR(-EINVAL);
	}
	spin_unlock(&m->pgmap_lock);

	pages = msim_kzalloc(m, MSIM_ALLOC_OTHER, nr * sizeof(*pages));
	if (!pages)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < nr; i++) {
		pages[i].machine = m;
		pages[i].pgmap = pgmap;
		pages[i].msim_device_pfn = first + i;
		atomic_init(&pages[i]._mapcount, -1);
		INIT_LIST_HEAD(&pages[i].lru);
	}
	pgmap->msim_machine = m;
	pgmap->msim_pages = pages;
	pgmap->msim_nr_pages = nr;
	atomic_init(&pgmap->msim_refs, 0);
	atomic_init(&pgmap->msim_dying, false);

	spin_lock(&m->pgmap_lock);
	list_for_each_entry(other, &m->pgmaps, msim_node) {
		unsigned long o = other->range.start >> shift;

		if (first < o + other->msim_nr_pages && o < first + nr) {
			spin_unlock(&m->pgmap_lock);
			msim_kfree(m, MSIM_ALLOC_OTHER, pages);
			pgmap->msim_pages = NULL;
			return ERR_PTR(-EINVAL);
		}
	}
	list_add(&pgmap->msim_node, &m->pgmaps);
	spin_unlock(&m->pgmap_lock);
	return (void *)(uintptr_t)pgmap->range.start;
}

void memunmap_pages(struct dev_pagemap *pgmap)
{
	struct msim_machine *m = pgmap->msim_machine;

	atomic_store(&pgmap->msim_dying, true);
	/* percpu_ref_kill() and the wait for the last page to be freed. */
	while (atomic_load(&pgmap->msim_refs)) {
		spin_lock(&m->pgmap_lock);
		spin_unlock(&m->pgmap_lock);
		msim_sync_yield("pgmap_refs");
	}
	spin_lock(&m->pgmap_lock);
	list_del_init(&pgmap->msim_node);
	spin_unlock(&m->pgmap_lock);
	msim_kfree(m, MSIM_ALLOC_OTHER, pgmap->msim_pages);
	pgmap->msim_pages = NULL;
	pgmap->msim_nr_pages = 0;
}

void zone_device_page_init(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	/* Drivers do not hand pages out after memunmap_pages(). */
	atomic_fetch_add(&pgmap->msim_refs, 1);
	page->flags = 0;
	page->mapping = NULL;
	page->index = 0;
	atomic_store(&page->_mapcount, -1);
	atomic_store(&page->_pincount, 0);
	atomic_store(&page->_refcount, 1);
	__atomic_fetch_add(&page->msim_alloc_gen, 1, __ATOMIC_RELAXED);
	lock_page(page);
}

/*
 * free_zone_device_folio(): the last reference is gone.  The page is no
 * longer anonymous; the driver gets it back.
 */
void free_zone_device_page(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	page->mapping = NULL;
	__atomic_store_n(&page->flags, 0, __ATOMIC_RELAXED);
	pgmap->ops->page_free(page);
	atomic_fetch_sub(&pgmap->msim_refs, 1);
}
