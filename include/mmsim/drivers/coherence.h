/* SPDX-License-Identifier: MIT */
/**
 * DOC: Secondary MMU coherence checker
 *
 * A secondary MMU (a shadow page table, a device TLB, a mirror) may keep a
 * translation only as long as the primary page tables have the same one:
 * the same frame, at the same address, with at least the permission the
 * secondary entry grants.  The mmu_notifier API exists to keep that so;
 * this checker verifies that a driver used it right.
 *
 * Drivers record every translation they install, as a struct
 * msim_secondary_mapping embedded in their own entry, and forget it when
 * they drop the entry.  The checker subscribes to the mm itself and logs
 * every invalidation (event, range, when it started and ended) on one
 * logical clock that also stamps the mappings: when the driver read the
 * primary translation (@seen) and when it installed its copy
 * (@established).
 *
 * msim_coherence_check() reports every recorded mapping that
 *
 *  - points to a frame that has been freed, or freed and allocated again
 *    (struct page.msim_alloc_gen moved since the driver read it);
 *  - points to a frame the primary page tables no longer map at that
 *    address, or that they map with no access (PROT_NONE);
 *  - is writable while the primary PTE is read-only;
 *
 * where a device-private entry naming the frame (device memory) and a
 * device-exclusive entry naming it (a page the device holds for atomic
 * access) count as mapping it, the first writable only if the entry is;
 *
 * and names, for each, the first logged invalidation covering its address
 * that had not ended when the driver read the primary translation: the
 * one the driver missed, by not dropping the mapping or by installing it
 * from a stale read.
 *
 * The checker is not part of the model: it allocates from the host, not
 * from the machine, so that checking changes nothing it checks.
 */
#ifndef MMSIM_COHERENCE_H
#define MMSIM_COHERENCE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <mmsim/list.h>
#include <mmsim/mm_types.h>
#include <mmsim/page.h>

struct msim_coherence;

/**
 * struct msim_secondary_mapping - one translation a secondary MMU holds
 * @node: on the checker's list while recorded
 * @driver: the driver instance's name, for reports (not copied)
 * @address: the page-aligned user address translated
 * @page: the frame the translation points to
 * @gen: @page->msim_alloc_gen when the driver read the primary PTE
 * @writable: the secondary entry allows writes
 * @seen: the clock when the driver read the primary translation
 * @established: the clock when the entry was installed (set by
 *	msim_coherence_map())
 */
struct msim_secondary_mapping {
	struct list_head node;
	const char *driver;
	unsigned long address;
	struct page *page;
	unsigned long gen;
	bool writable;
	unsigned long seen;
	unsigned long established;
};

/**
 * msim_coherence_create - a checker for @mm, subscribed to its notifiers
 * The caller holds an mm_users reference and not the mmap lock.
 * Return: the checker, or ERR_PTR(-ENOMEM), or ERR_PTR(-EINVAL) for an
 * mm that has exited.
 */
MSIM_API struct msim_coherence *msim_coherence_create(struct mm_struct *mm);

/**
 * msim_coherence_destroy - unsubscribe and free; the mappings still
 * recorded are forgotten (their drivers must not forget them afterwards).
 */
MSIM_API void msim_coherence_destroy(struct msim_coherence *c);

/** msim_coherence_mm - the mm @c watches. */
MSIM_API struct mm_struct *msim_coherence_mm(const struct msim_coherence *c);

/**
 * msim_coherence_now - advance the clock and return the new time; what a
 * driver stores in @seen just before it reads a primary translation.
 * 0 for a NULL @c, so that drivers may run without a checker.
 */
MSIM_API unsigned long msim_coherence_now(struct msim_coherence *c);

/**
 * msim_secondary_mapping_init - fill @sm for a translation of @address to
 * @page (its generation taken now), read at time @seen
 */
MSIM_API void msim_secondary_mapping_init(struct msim_secondary_mapping *sm,
					  const char *driver,
					  unsigned long address,
					  struct page *page, bool writable,
					  unsigned long seen);

/**
 * msim_coherence_map - record @sm as installed now.  A NULL @c is allowed
 * and records nothing.  Callable from notifier callbacks.
 */
MSIM_API void msim_coherence_map(struct msim_coherence *c,
				 struct msim_secondary_mapping *sm);

/** msim_coherence_unmap - forget @sm; a no-op if it is not recorded. */
MSIM_API void msim_coherence_unmap(struct msim_coherence *c,
				   struct msim_secondary_mapping *sm);

/** msim_coherence_nr_mappings - mappings recorded now, by every driver. */
MSIM_API unsigned long msim_coherence_nr_mappings(struct msim_coherence *c);

/**
 * msim_coherence_nr_mappings_of - mappings recorded now by @driver (the
 * same pointer the driver records with)
 */
MSIM_API unsigned long msim_coherence_nr_mappings_of(struct msim_coherence *c,
						     const char *driver);

/** msim_coherence_nr_invalidations - invalidations logged so far. */
MSIM_API unsigned long
msim_coherence_nr_invalidations(struct msim_coherence *c);

/**
 * msim_coherence_check - check every recorded mapping against the primary
 * page tables and the frames
 * @report: where the description goes, one line a violation, as
 *	"DRIVER: ADDR -> pfn PFN rw|ro (seen tS, established tE): WHAT;
 *	missed EVENT [START, END) tA-tB"; truncated to @size, always
 *	terminated; may be NULL
 * Takes the mm's page_table_lock: the caller must not hold it, nor be in
 * the middle of an invalidation.
 * Return: the number of violating mappings.
 */
MSIM_API unsigned long msim_coherence_check(struct msim_coherence *c,
					    char *report, size_t size);

/** msim_notify_event_name - "MMU_NOTIFY_UNMAP" and so on. */
MSIM_API const char *msim_notify_event_name(int event);

#endif /* MMSIM_COHERENCE_H */
