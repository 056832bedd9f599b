// SPDX-License-Identifier: MIT
/*
 * The swap device (mm/swapfile.c) and its I/O (mm/page_io.c): slots and
 * their counts, and the bytes written to them.  swap.h describes the
 * model.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <mmsim/swap.h>
#include "internal.h"

static unsigned long swap_bytes(struct msim_machine *m, unsigned long slots)
{
	return slots << m->arch->page_shift;
}

/*
 * MODEL: one-swap-device: a machine has at most one swap device, type 0,
 * given at creation or by one msim_swapon() and never swapped off; Linux
 * has up to MAX_SWAPFILES of them, with priorities, and swapoff.
 */
int msim_swapon(struct msim_machine *m, unsigned long nr_pages)
{
	const struct msim_arch *a = m->arch;
	struct swap_info_struct *si;

	if (!nr_pages || nr_pages >= (1UL << a->pte.swp_offset_bits) - 1)
		return -EINVAL;
	si = calloc(1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	si->max = nr_pages + 1;
	si->pages = nr_pages;
	si->cluster_next = 1;
	si->swap_map = calloc(si->max, sizeof(*si->swap_map));
	/* As RAM: reserved, backed by the host only once written. */
	si->data = mmap(NULL, swap_bytes(m, si->max), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!si->swap_map || si->data == MAP_FAILED) {
		if (si->data != MAP_FAILED)
			munmap(si->data, swap_bytes(m, si->max));
		free(si->swap_map);
		free(si);
		return -ENOMEM;
	}
	spin_lock_init(&si->lock);
	si->lock.name = "swap_lock";
	spin_lock(&m->zone_lock);
	if (m->swap) {
		spin_unlock(&m->zone_lock);
		msim_spin_lock_destroy(&si->lock);
		munmap(si->data, swap_bytes(m, si->max));
		free(si->swap_map);
		free(si);
		return -EBUSY;
	}
	m->swap = si;
	spin_unlock(&m->zone_lock);
	return 0;
}

void msim_swap_destroy(struct msim_machine *m)
{
	struct swap_info_struct *si = m->swap;

	if (!si)
		return;
	msim_spin_lock_destroy(&si->lock);
	munmap(si->data, swap_bytes(m, si->max));
	free(si->swap_map);
	free(si);
	m->swap = NULL;
}

unsigned long msim_nr_swap_pages(struct msim_machine *m)
{
	struct swap_info_struct *si = READ_ONCE(m->swap);
	unsigned long n;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	n = si->pages - si->inuse_pages;
	spin_unlock(&si->lock);
	return n;
}

unsigned long msim_total_swap_pages(struct msim_machine *m)
{
	struct swap_info_struct *si = READ_ONCE(m->swap);

	return si ? si->pages : 0;
}

/* The device's slot for @entry if it names one in range; NULL otherwise. */
static struct swap_info_struct *swap_info_get(struct msim_machine *m,
					      swp_entry_t entry)
{
	struct swap_info_struct *si = READ_ONCE(m->swap);

	if (!si || non_swap_entry(entry) || swp_type(entry) != 0 ||
	    !swp_offset(entry) || swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

swp_entry_t get_swap_page(struct page *page)
{
	struct msim_machine *m = page->machine;
	struct swap_info_struct *si = READ_ONCE(m->swap);
	unsigned long i, off;

	if (!si || msim_should_fail(m, MSIM_ALLOC_SWAP))
		return (swp_entry_t){ 0 };
	spin_lock(&si->lock);
	/*
	 * MODEL: swap-next-fit: next fit from where the last search ended,
	 * as scan_swap_map() did; Linux 6.x hands slots out by clusters kept
	 * per CPU and per order, so which slot a page gets differs.
	 */
	for (i = 0; i < si->pages; i++) {
		off = 1 + (si->cluster_next - 1 + i) % si->pages;
		if (!si->swap_map[off]) {
			si->swap_map[off] = SWAP_HAS_CACHE;
			si->inuse_pages++;
			si->cluster_next = off + 1 < si->max ? off + 1 : 1;
			spin_unlock(&si->lock);
			atomic_fetch_add(&m->live[MSIM_ALLOC_SWAP], 1);
			return swp_entry(0, off);
		}
	}
	spin_unlock(&si->lock);
	return (swp_entry_t){ 0 };
}

/* Lower the slot's count by @usage (1, or SWAP_HAS_CACHE); free at zero. */
static void swap_entry_put(struct msim_machine *m, struct swap_info_struct *si,
			   unsigned long off, unsigned int usage)
{
	unsigned int *map = &si->swap_map[off];
	bool freed = false;

	spin_lock(&si->lock);
	if (usage == SWAP_HAS_CACHE)
		*map &= ~SWAP_HAS_CACHE;
	else if (*map & ~SWAP_HAS_CACHE)
		(*map)--;
	if (!*map) {
		si->inuse_pages--;
		freed = true;
	}
	spin_unlock(&si->lock);
	if (freed)
		atomic_fetch_sub(&m->live[MSIM_ALLOC_SWAP], 1);
}

/*
 * MODEL: swap-count-unbounded: a slot's count is a plain integer; Linux
 * keeps it in a byte up to SWAP_MAP_MAX and continues it on
 * continuation pages beyond (add_swap_count_continuation()), which can
 * fail with -ENOMEM.
 */
int swap_duplicate(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	int err = -EINVAL;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	if (si->swap_map[swp_offset(entry)]) {
		si->swap_map[swp_offset(entry)]++;
		err = 0;
	}
	spin_unlock(&si->lock);
	return err;
}

void swap_free(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);

	if (si)
		swap_entry_put(m, si, swp_offset(entry), 1);
}

/*
 * There is no swap cache to drop a page from: the slot's count is all
 * there is.
 */
int free_swap_and_cache(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);

	if (!si)
		return 0;
	swap_entry_put(m, si, swp_offset(entry), 1);
	return 1;
}

int swapcache_prepare(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	unsigned int *map;
	int err = 0;

	if (!si)
		return -ENOENT;
	map = &si->swap_map[swp_offset(entry)];
	spin_lock(&si->lock);
	if (*map & SWAP_HAS_CACHE)
		err = -EEXIST;
	else if (!*map)
		err = -ENOENT;
	else
		*map |= SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	return err;
}

void swapcache_clear(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);

	if (si)
		swap_entry_put(m, si, swp_offset(entry), SWAP_HAS_CACHE);
}

bool swap_cache_busy(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	bool busy;

	if (!si)
		return false;
	spin_lock(&si->lock);
	busy = si->swap_map[swp_offset(entry)] & SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	return busy;
}

void put_swap_page(struct page *page, swp_entry_t entry)
{
	struct msim_machine *m = page->machine;
	struct swap_info_struct *si = swap_info_get(m, entry);

	if (si)
		swap_entry_put(m, si, swp_offset(entry), SWAP_HAS_CACHE);
}

int __swap_count(struct msim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	int n;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	n = (int)(si->swap_map[swp_offset(entry)] & ~SWAP_HAS_CACHE);
	spin_unlock(&si->lock);
	return n;
}

static void *swap_slot_address(struct msim_machine *m, swp_entry_t entry)
{
	return m->swap->data + swap_bytes(m, swp_offset(entry));
}

void swap_writepage(struct page *page, swp_entry_t entry)
{
	struct msim_machine *m = page->machine;

	if (swap_info_get(m, entry))
		memcpy(swap_slot_address(m, entry), page_address(page),
		       msim_page_size(m->arch));
}

void swap_readpage(struct page *page, swp_entry_t entry)
{
	struct msim_machine *m = page->machine;

	if (swap_info_get(m, entry))
		memcpy(page_address(page), swap_slot_address(m, entry),
		       msim_page_size(m->arch));
}
