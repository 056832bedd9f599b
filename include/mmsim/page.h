/* SPDX-License-Identifier: MIT */
/**
 * DOC: Page frames
 *
 * struct page describes one frame of simulated RAM.  The counting follows
 * Linux: _refcount is the number of references (each mapping holds one),
 * _mapcount starts at -1 and page_mapcount() is _mapcount + 1.  Page-table
 * pages are frames too, so that they are accounted, can fail to allocate,
 * and show up in a leak check; for them pt_used counts non-empty entries,
 * which is how mmsim knows when a table has become empty and can be freed.
 *
 * Device memory (ZONE_DEVICE, memremap.h) has struct pages too, with pfns
 * above RAM's and @pgmap set; they have no bytes the CPU can address
 * (page_address() is NULL for them).  A folio is the kernel's name for
 * the head page of a compound page; the model has order-0 pages only, so
 * struct folio is one page.
 */
#ifndef MMSIM_PAGE_H
#define MMSIM_PAGE_H

#include <mmsim/export.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <mmsim/list.h>
#include <mmsim/machine.h>

enum pageflags {
	PG_reserved,	   /* never freed: the zero page */
	PG_table,	   /* a page-table page */
	PG_anon,	   /* anonymous: mapping is a struct anon_vma */
	PG_anon_exclusive, /* mapped by exactly one process: may reuse */
	PG_dirty,
	PG_referenced,
	PG_free,      /* on the machine's free list */
	PG_swapcache, /* reclaim gave it a swap slot: see private */
	PG_locked,    /* isolated for migration */
	PG_idle,      /* idle page tracking: not accessed since marked */
	PG_young,     /* idle page tracking: an access was found */
};

struct anon_vma;
struct dev_pagemap;

struct page {
	unsigned long flags;
	atomic_int _refcount;
	atomic_int _mapcount;
	atomic_int _pincount;
	struct anon_vma *mapping; /* anon pages only */
	unsigned long index;	  /* pgoff of the page in its anon_vma */
	unsigned long private;	  /* PG_swapcache: its swp_entry_t */
	unsigned int pt_used;	  /* page tables: non-none entries */
	struct list_head lru;	  /* the free list */
	struct msim_machine *machine;
	/*
	 * Bumped at every allocation of the frame, so that whoever kept a
	 * pfn without a reference (a secondary MMU) can tell a frame freed
	 * and reused since from the one it saw.
	 */
	unsigned long msim_alloc_gen;
	/*
	 * ZONE_DEVICE pages only: the pagemap they belong to, the driver's
	 * pointer, and their pfn (they are not in the machine's mem_map).
	 */
	struct dev_pagemap *pgmap;
	void *zone_device_data;
	unsigned long msim_device_pfn;
};

/** struct folio - a folio of one page (the model has no large folios) */
struct folio {
	struct page page;
};

static inline struct folio *page_folio(const struct page *page)
{
	return (struct folio *)page;
}

static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return &folio->page + n;
}

/*
 * A struct page is shared by every process that maps it, each under its
 * own page-table lock: its counts and flags are read and changed with no
 * one lock held, which is declared to a scheduler (msim_sync_access()).
 */
static inline void msim_page_access(const struct page *p, bool write)
{
	msim_sync_access(
		msim_sync_page_key((unsigned long)(p - p->machine->mem_map)),
		write);
}

/*
 * Atomic, as the kernel's set_bit() and clear_bit(): processes that share
 * a page change its flags under their own page-table locks.
 */
static inline bool msim_test_page_flag(const struct page *p, enum pageflags f)
{
	msim_page_access(p, false);
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED) & (1UL << f);
}

static inline void msim_set_page_flag(struct page *p, enum pageflags f)
{
	msim_page_access(p, true);
	__atomic_fetch_or(&p->flags, 1UL << f, __ATOMIC_RELAXED);
}

static inline void msim_clear_page_flag(struct page *p, enum pageflags f)
{
	msim_page_access(p, true);
	__atomic_fetch_and(&p->flags, ~(1UL << f), __ATOMIC_RELAXED);
}

#define PageReserved(p) msim_test_page_flag(p, PG_reserved)
#define PageTable(p) msim_test_page_flag(p, PG_table)
#define PageAnon(p) msim_test_page_flag(p, PG_anon)
#define PageAnonExclusive(p) msim_test_page_flag(p, PG_anon_exclusive)
#define SetPageAnonExclusive(p) msim_set_page_flag(p, PG_anon_exclusive)
#define ClearPageAnonExclusive(p) msim_clear_page_flag(p, PG_anon_exclusive)
#define PageSwapCache(p) msim_test_page_flag(p, PG_swapcache)
#define PageDirty(p) msim_test_page_flag(p, PG_dirty)
#define SetPageDirty(p) msim_set_page_flag(p, PG_dirty)
#define PageReferenced(p) msim_test_page_flag(p, PG_referenced)
#define SetPageReferenced(p) msim_set_page_flag(p, PG_referenced)
#define ClearPageReferenced(p) msim_clear_page_flag(p, PG_referenced)
#define PageLocked(p) msim_test_page_flag(p, PG_locked)

/** is_zone_device_page - a page of device memory (memremap.h) */
static inline bool is_zone_device_page(const struct page *page)
{
	return page->pgmap != NULL;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	if (is_zone_device_page(page))
		return page->msim_device_pfn;
	return (unsigned long)(page - page->machine->mem_map);
}

/* memremap.c: the device page of pfn @pfn, or NULL. */
MSIM_API struct page *msim_device_pfn_to_page(struct msim_machine *m,
					      unsigned long pfn);

/**
 * msim_pfn_to_page - the frame @pfn of @m; NULL if there is no such frame,
 * or if its section of the memory map is not populated yet (no frame of
 * it was ever handed out), as pfn_valid() would be false for it.
 */
static inline struct page *msim_pfn_to_page(struct msim_machine *m,
					    unsigned long pfn)
{
	/* memmap_pfns <= nr_frames: one compare for a frame in use. */
	if (pfn < __atomic_load_n(&m->memmap_pfns, __ATOMIC_ACQUIRE))
		return &m->mem_map[pfn];
	if (pfn < m->nr_frames)
		return NULL;
	return msim_device_pfn_to_page(m, pfn);
}

/*
 * pfn_to_page - msim_pfn_to_page(), under the kernel's name with the
 * machine spelled out; the kernel tree's pfn_to_page(pfn) takes it from
 * msim_current_machine().
 */
static inline struct page *pfn_to_page(struct msim_machine *m,
				       unsigned long pfn)
{
	return msim_pfn_to_page(m, pfn);
}

/**
 * page_address - the frame's bytes; NULL for device memory, which the
 * CPU cannot address.
 */
static inline void *page_address(const struct page *page)
{
	if (is_zone_device_page(page))
		return NULL;
	return page->machine->ram +
	       (page_to_pfn(page) << page->machine->arch->page_shift);
}

static inline int page_ref_count(const struct page *page)
{
	msim_page_access(page, false);
	return atomic_load(&page->_refcount);
}

static inline int page_mapcount(const struct page *page)
{
	msim_page_access(page, false);
	return atomic_load(&page->_mapcount) + 1;
}

static inline bool page_mapped(const struct page *page)
{
	return page_mapcount(page) > 0;
}

static inline void get_page(struct page *page)
{
	msim_page_access(page, true);
	atomic_fetch_add(&page->_refcount, 1);
}

/**
 * get_page_unless_zero - take a reference unless the page is being freed
 * @page: a page the caller holds no reference on (a pfn walker's)
 *
 * A plain get_page() after seeing a non-zero count could revive a page
 * whose last put_page() came in between, and free it twice.
 *
 * Return: true if the reference was taken.
 */
static inline bool get_page_unless_zero(struct page *page)
{
	int count;

	msim_page_access(page, true);
	count = atomic_load(&page->_refcount);
	while (count)
		if (atomic_compare_exchange_weak(&page->_refcount, &count,
						 count + 1))
			return true;
	return false;
}

/**
 * put_page - drop a reference; the last one frees the frame, or gives a
 * device page back to its driver (dev_pagemap_ops.page_free).
 */
MSIM_API void put_page(struct page *page);

static inline void folio_get(struct folio *folio)
{
	get_page(&folio->page);
}

static inline void folio_put(struct folio *folio)
{
	put_page(&folio->page);
}

/*
 * The page lock (PG_locked): whoever holds it (reclaim, migration, a
 * fault on device memory, a driver) is the only one moving the page;
 * idle tracking and reclaim skip it.
 */
static inline bool trylock_page(struct page *page)
{
	return !(__atomic_fetch_or(&page->flags, 1UL << PG_locked,
				   __ATOMIC_ACQUIRE) &
		 (1UL << PG_locked));
}

/**
 * lock_page - take the page lock, sleeping until it is free.  The sleep
 * is an msim_sync_wait() named "page_lock", where a scheduler's hooks
 * see it (locking.h).
 */
MSIM_API void lock_page(struct page *page);

/** unlock_page - drop the page lock and wake its waiters. */
MSIM_API void unlock_page(struct page *page);

static inline bool folio_trylock(struct folio *folio)
{
	return trylock_page(&folio->page);
}

static inline void folio_lock(struct folio *folio)
{
	lock_page(&folio->page);
}

static inline void folio_unlock(struct folio *folio)
{
	unlock_page(&folio->page);
}

/** page_ref_sub - drop @nr references; the last one frees the frame. */
MSIM_API void page_ref_sub(struct page *page, int nr);

/** ZERO_PAGE - the machine's shared zero page (pfn 0). */
static inline struct page *ZERO_PAGE(struct msim_machine *m)
{
	return &m->mem_map[0];
}

static inline bool is_zero_pfn(unsigned long pfn)
{
	return pfn == 0;
}

/**
 * msim_alloc_page - take a free frame, zeroed, with _refcount 1
 * @kind: MSIM_ALLOC_FRAME or MSIM_ALLOC_PGTABLE
 * Return: the page, or NULL when RAM is exhausted, injection fails it, or
 * @kind is none of enum msim_alloc_kind's.
 */
MSIM_API struct page *msim_alloc_page(struct msim_machine *m,
				      enum msim_alloc_kind kind);

/** copy_user_highpage - copy a frame's bytes (COW). */
MSIM_API void copy_user_highpage(struct page *to, const struct page *from);

#endif /* MMSIM_PAGE_H */
