/* SPDX-License-Identifier: MIT */
/**
 * DOC: Swap
 *
 * A machine may have one swap device (type 0), given at creation
 * (struct msim_machine_config.swap_bytes) or later by msim_swapon().
 * Without one, anonymous memory cannot be reclaimed, as on a host with no
 * swap: MADV_PAGEOUT leaves it in place.
 *
 * The device is an array of page-sized slots, slot 0 reserved as Linux
 * reserves it for the swap header.  Each slot has a count in swap_map:
 * the number of swap PTEs that hold its entry (swap_duplicate() at fork,
 * swap_free() at swap-in, free_swap_and_cache() at zap), plus the
 * SWAP_HAS_CACHE bit while reclaim is writing a page out to it.  A slot
 * whose count falls to zero is free again.
 *
 * Unlike Linux there is no swap cache: a page is written out and freed
 * in one step by reclaim, and each swap-in reads the slot into a page of
 * its own, so two processes that share a swapped-out page after fork
 * each get a copy when they touch it (Linux would map one page from the
 * swap cache into both).  Reclaim holds SWAP_HAS_CACHE on the slot until
 * the bytes are written, and a swap-in claims it the same way
 * (swapcache_prepare()); a fault that finds it set waits and retries.  Counts
 * are plain integers, with no SWAP_MAP_MAX and no continuation pages.
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include <mmsim/export.h>
#include <mmsim/locking.h>
#include <mmsim/machine.h>
#include <mmsim/swapops.h>

#define SWAP_HAS_CACHE 0x80000000U

struct page;

/**
 * struct swap_info_struct - the machine's swap device
 * @lock: protects @swap_map, @inuse_pages and @cluster_next
 * @max: slots, the header slot 0 included
 * @pages: usable slots (@max - 1)
 * @inuse_pages: slots with a count or SWAP_HAS_CACHE
 * @swap_map: per slot, the number of swap PTEs holding its entry, with
 *	SWAP_HAS_CACHE while reclaim writes to it
 * @cluster_next: where the next slot search starts
 * @data: the slots' bytes, slot n at @data + (n << page_shift)
 */
struct swap_info_struct {
	spinlock_t lock;
	unsigned long max;
	unsigned long pages;
	unsigned long inuse_pages;
	unsigned int *swap_map;
	unsigned long cluster_next;
	unsigned char *data;
};

/**
 * msim_swapon - give @m a swap device of @nr_pages usable slots
 * Return: 0; -EINVAL for 0 pages or more than a swap PTE can address;
 * -EBUSY if @m has one already; -ENOMEM if the host refuses the memory.
 */
MSIM_API int msim_swapon(struct msim_machine *m, unsigned long nr_pages);

/** msim_nr_swap_pages - free slots of @m's swap device (0 without one). */
MSIM_API unsigned long msim_nr_swap_pages(struct msim_machine *m);

/** msim_total_swap_pages - usable slots of @m's swap device. */
MSIM_API unsigned long msim_total_swap_pages(struct msim_machine *m);

/**
 * get_swap_page - a free slot for @page, with SWAP_HAS_CACHE set
 * Return: its entry, or an entry of val 0 when there is no swap device,
 * no free slot, or injection fails the MSIM_ALLOC_SWAP allocation.
 */
MSIM_API swp_entry_t get_swap_page(struct page *page);

/**
 * swap_duplicate - one more swap PTE holds @entry (fork, or reclaim
 * unmapping one more mapping).  Return: 0, or -EINVAL for an entry that
 * names no slot in use.
 */
MSIM_API int swap_duplicate(struct msim_machine *m, swp_entry_t entry);

/** swap_free - a swap PTE holding @entry is gone (swap-in). */
MSIM_API void swap_free(struct msim_machine *m, swp_entry_t entry);

/**
 * free_swap_and_cache - a swap PTE holding @entry was zapped.
 * Return: 1 if @entry named a slot, 0 otherwise.
 */
MSIM_API int free_swap_and_cache(struct msim_machine *m, swp_entry_t entry);

/**
 * swapcache_prepare - claim @entry's slot for a swap-in, as Linux's swap-in
 * that bypasses the swap cache does, by setting SWAP_HAS_CACHE.
 * Return: 0; -EEXIST while reclaim writes the slot or another swap-in
 * holds it (the caller waits and retries the fault); -ENOENT if no swap
 * PTE holds @entry any more.
 */
MSIM_API int swapcache_prepare(struct msim_machine *m, swp_entry_t entry);

/** swapcache_clear - end the claim of swapcache_prepare(). */
MSIM_API void swapcache_clear(struct msim_machine *m, swp_entry_t entry);

/** swap_cache_busy - is SWAP_HAS_CACHE set on @entry's slot? */
MSIM_API bool swap_cache_busy(struct msim_machine *m, swp_entry_t entry);

/** put_swap_page - drop the SWAP_HAS_CACHE that get_swap_page() set. */
MSIM_API void put_swap_page(struct page *page, swp_entry_t entry);

/** __swap_count - the number of swap PTEs holding @entry. */
MSIM_API int __swap_count(struct msim_machine *m, swp_entry_t entry);

/** swap_writepage - write @page's bytes to the slot of @entry. */
MSIM_API void swap_writepage(struct page *page, swp_entry_t entry);

/** swap_readpage - read the slot of @entry into @page. */
MSIM_API void swap_readpage(struct page *page, swp_entry_t entry);

#endif /* MMSIM_SWAP_H */
