/* SPDX-License-Identifier: MIT */
/**
 * DOC: Anonymous reverse map
 *
 * anon_vma_prepare() gives a VMA its anon_vma at the first write fault; a
 * split VMA shares it through anon_vma_clone(); merges keep or adopt one.
 * Whether a VMA has an anon_vma yet changes what Linux will merge, so these
 * are modelled exactly even before anything walks the reverse map.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include <mmsim/export.h>
#include <mmsim/mm_types.h>

/** anon_vma_prepare - give @vma an anon_vma; 0 or -ENOMEM. */
MSIM_API int anon_vma_prepare(struct vm_area_struct *vma);

/** anon_vma_clone - link @dst to every anon_vma @src is linked to. */
MSIM_API int anon_vma_clone(struct vm_area_struct *dst,
			    struct vm_area_struct *src);

/**
 * anon_vma_fork - give @vma, the child's copy of @pvma, its place in the
 * anon_vma hierarchy: chained to all of @pvma's anon_vmas, and with an
 * anon_vma of its own whose parent is @pvma's (or an unused one reused).
 */
MSIM_API int anon_vma_fork(struct vm_area_struct *vma,
			   struct vm_area_struct *pvma);

/** unlink_anon_vmas - drop @vma's chain, freeing anon_vmas left unused. */
MSIM_API void unlink_anon_vmas(struct vm_area_struct *vma);

/**
 * vma_had_uncowed_parents - @vma's anon_vma chain holds more than its own
 * anon_vma (it was forked and its pages may be shared with a parent).
 */
static inline bool vma_had_uncowed_parents(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && !list_is_singular(&vma->anon_vma_chain);
}

/** page_add_new_anon_rmap - account a fresh anonymous page mapped at @addr. */
MSIM_API void page_add_new_anon_rmap(struct page *page,
				     struct vm_area_struct *vma,
				     unsigned long addr);

/** page_remove_rmap - one mapping of @page is gone. */
MSIM_API void page_remove_rmap(struct page *page, struct vm_area_struct *vma);

struct mem_cgroup;

/**
 * page_referenced - age @page through every mapping of it
 * @is_locked: the caller holds the page lock (ignored: no page lock here)
 * @memcg: only mappings of this memory cgroup (must be NULL: none here)
 * @vm_flags: if not NULL, gets the VM_* flags of the referencing VMAs
 *
 * Walks the page's anon_vma and, in every VMA that maps it, test-and-clears
 * the PTE's accessed bit with ptep_clear_flush_young_notify(), so that
 * secondary MMUs (->clear_flush_young) age their mappings too, as vmscan
 * does when it decides what to reclaim.  A mapping counts once if either
 * side was young; on a PG_young page (idle tracking took an access
 * away) the first mapping found counts in any case, and PG_young is
 * cleared.  Takes the rmap lock and each mm's page-table lock.
 * Return: the number of mappings that had referenced the page.
 */
MSIM_API int page_referenced(struct page *page, int is_locked,
			     struct mem_cgroup *memcg, unsigned long *vm_flags);

/* enum ttu_flags: the kernel's values; none changes anything here. */
enum ttu_flags {
	TTU_SPLIT_HUGE_PMD = 0x4,
	TTU_IGNORE_MLOCK = 0x8,
	TTU_SYNC = 0x10,
	TTU_HWPOISON = 0x20,
	TTU_BATCH_FLUSH = 0x40,
	TTU_RMAP_LOCKED = 0x80,
};

/**
 * try_to_unmap - replace every mapping of @page, which reclaim gave a
 * swap slot (PageSwapCache, the entry in page->private), by a swap PTE
 *
 * Per mapping, as try_to_unmap_one(): a MMU_NOTIFY_CLEAR invalidation of
 * that page's range in that mm; inside it the PTE is cleared and flushed,
 * the slot's count raised, the swap PTE (with the exclusive marker if the
 * page was PageAnonExclusive) installed, the secondary TLBs flushed
 * (->invalidate_range) and the mapping's reference dropped.  A page that
 * may be pinned for DMA gets its PTE back (an exclusive page cannot be
 * shared with the swap slot while pinned).
 * Return: true if no mapping is left.
 */
MSIM_API bool try_to_unmap(struct page *page, enum ttu_flags flags);

/**
 * try_to_migrate - as try_to_unmap(), but install migration entries
 * naming @page's frame (try_to_migrate_one(), MMU_NOTIFY_CLEAR per
 * mapping); the mappings' references stay with the caller's isolation.
 * Return: true if no mapping is left.
 */
MSIM_API bool try_to_migrate(struct page *page, enum ttu_flags flags);

/**
 * remove_migration_ptes - in every mapping of @src, replace a migration
 * entry naming @src's frame by a PTE of @dst (which may be @src, to undo
 * a migration), with a reference and a mapping of @dst for each
 * @locked: the caller holds the rmap lock already
 */
MSIM_API void remove_migration_ptes(struct page *src, struct page *dst,
				    bool locked);

struct folio;

/**
 * make_device_exclusive - give a device exclusive (atomic) access to the
 * anonymous page at @addr (Linux 6.15 on)
 * @owner: the caller's owner cookie, carried by the MMU_NOTIFY_EXCLUSIVE
 *	invalidation this makes, so that its own notifier can skip it
 * @foliop: gets the page's folio
 *
 * The caller holds the mmap lock for reading.  The page is faulted in
 * writable (COW broken), its PTE cleared and flushed, and replaced by a
 * device-exclusive entry; the page stays mapped.  Any CPU access, GUP
 * included, restores the PTE first, telling the device with an
 * MMU_NOTIFY_EXCLUSIVE invalidation without an owner.  fork restores it
 * in the parent before copying.
 * Return: the page, locked and with a reference for the caller (who maps
 * it in the device, then unlocks and puts it), or an ERR_PTR(): -EINVAL
 * for an unaligned @addr, -EFAULT / -ENOMEM from the fault, -EOPNOTSUPP
 * for a page that is not anonymous.
 */
MSIM_API struct page *make_device_exclusive(struct mm_struct *mm,
					    unsigned long addr, void *owner,
					    struct folio **foliop);

#endif /* MMSIM_RMAP_H */
