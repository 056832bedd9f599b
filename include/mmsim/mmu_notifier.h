/* SPDX-License-Identifier: MIT */
/**
 * DOC: MMU notifiers
 *
 * Secondary MMUs (a hypervisor's shadow page tables, a device's IOMMU, a
 * remote DMA engine) map the pages an mm maps.  Whenever the primary page
 * tables lose or change an entry, the secondary copies must be told before
 * the page can be freed or reused; that is what these notifiers are for.
 *
 * Two kinds of subscription, as in Linux 6.x:
 *
 *  - struct mmu_notifier: a classic subscriber on the mm's list, called for
 *    every invalidation of the mm (start/end around the page-table change,
 *    the secondary-TLB flush hooks, the aging and change_pte hooks, and
 *    ->release when the mm goes away).  Callbacks run inside an SRCU
 *    read-side section, so unregistering waits for the ones in flight.
 *    mmu_notifier_get()/mmu_notifier_put() share one subscription per
 *    (ops, mm) and free it after a grace period.
 *
 *  - struct mmu_interval_notifier: a subscription to one address range,
 *    kept in an interval tree, called only for invalidations that overlap
 *    it, with a sequence number that lets the driver detect collisions
 *    (mmu_interval_read_begin() / mmu_interval_read_retry()).
 *
 * The API here is the kernel's include/linux/mmu_notifier.h before 6.3 (the
 * seed's: ->invalidate_range, ->change_pte, a @vma in the range and in
 * mmu_notifier_range_init()): a driver written against it compiles
 * against this header with only its include lines changed.  Linux 6.18's
 * API is <linux/mmu_notifier.h> of the kernel tree (include/mmsim/kernel/),
 * which includes this header and renames what changed.  struct
 * mmu_notifier_ops carries the members of both, and the model calls
 * whichever a subscription has:
 *
 *  - ->invalidate_range (before 6.6) where those kernels called it: from
 *    invalidate_range_end() unless the caller flushed already (_only_end),
 *    from ptep_clear_flush_notify() and from the mmu_gather's TLB flush;
 *  - ->arch_invalidate_secondary_tlbs (6.6 on) wherever the CPU's TLB is
 *    flushed: the mmu_gather's flush, ptep_clear_flush(), mprotect() and
 *    fork's write-protection of the parent (flush_tlb_mm()).
 *
 * Adaptations where kernel types do not exist here:
 *
 *  - struct rcu_head comes from srcu.h; struct interval_tree_node from
 *    interval_tree.h.
 *  - The *_notify() helpers are static inline functions rather than
 *    statement-expression macros, and only the PTE ones exist: the model
 *    has no huge PMD or PUD entries.
 *  - There is no lockdep: the might_sleep() and lock_map annotations are
 *    gone.
 *
 * ->release is called as Linux 6.x calls it: mmu_notifier_release() calls
 * every subscriber's ->release while it is still on the list and unlinks
 * them all afterwards, so a subscriber freed by its own ->release is a
 * use-after-free (as in the kernel), and an mmu_notifier_unregister()
 * racing the exit may call ->release a second time.
 *
 * Behaviour differs from Linux 6.x in two places, each on purpose (README's
 * "The model" names them):
 *
 *  - When a non-blocking start fails in a classic subscriber after the
 *    interval subscribers were invalidated, the interval side is ended
 *    too (Linux leaves it counted as running, so the sequence would stay
 *    odd for good): failed-start-ends-interval.
 *  - The frees queued by mmu_notifier_put() run when some thread next
 *    waits for a grace period (see srcu.h), not from a kernel thread:
 *    srcu-no-callback-thread.
 *
 * Locking: the mm's subscription structure is created on the first
 * registration under mm_take_all_locks(); classic callbacks are called
 * with the mmap lock or the page-table lock of the caller held, never with
 * the notifier's own locks.
 */
#ifndef MMSIM_MMU_NOTIFIER_H
#define MMSIM_MMU_NOTIFIER_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <mmsim/interval_tree.h>
#include <mmsim/list.h>
#include <mmsim/mm.h>
#include <mmsim/mm_types.h>
#include <mmsim/pgtable.h>
#include <mmsim/srcu.h>
#include <mmsim/trace.h>

struct mmu_notifier_subscriptions;
struct mmu_notifier;
struct mmu_notifier_range;
struct mmu_interval_notifier;

/**
 * enum mmu_notifier_event - why an invalidation happens
 * @MMU_NOTIFY_UNMAP: munmap(), or mremap() moving the range away
 * @MMU_NOTIFY_CLEAR: entries cleared for another reason (madvise, a page
 *	replaced by another, ...)
 * @MMU_NOTIFY_PROTECTION_VMA: the protection of the whole range changes to
 *	the VMA's vm_page_prot (mprotect); no need to look at each PTE
 * @MMU_NOTIFY_PROTECTION_PAGE: read/write bits change per page; a mirror
 *	must read the CPU page table again in its end callback
 * @MMU_NOTIFY_SOFT_DIRTY: soft-dirty tracking reset; same pages, same
 *	access rights
 * @MMU_NOTIFY_RELEASE: the mm is going away; sent to interval notifiers
 *	from mmu_notifier_release() over the whole address space
 * @MMU_NOTIFY_MIGRATE: migration; a driver may skip it when @owner in the
 *	range is its own
 * @MMU_NOTIFY_EXCLUSIVE: exclusive device access is being set up or lost
 */
enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP = 0,
	MMU_NOTIFY_CLEAR,
	MMU_NOTIFY_PROTECTION_VMA,
	MMU_NOTIFY_PROTECTION_PAGE,
	MMU_NOTIFY_SOFT_DIRTY,
	MMU_NOTIFY_RELEASE,
	MMU_NOTIFY_MIGRATE,
	MMU_NOTIFY_EXCLUSIVE,
};

/* In range->flags: the callbacks may sleep. */
#define MMU_NOTIFIER_RANGE_BLOCKABLE (1 << 0)

/**
 * struct mmu_notifier_ops - a classic subscriber's callbacks; any may be NULL
 * @release: the mm is being torn down (exit_mmap), or the subscriber is
 *	unregistering.  Called before the pages are freed, with the
 *	subscription still on the mm's list; twice if an unregister races
 *	the exit, as in Linux.  Afterwards the secondary MMU must not touch
 *	the mm's pages.  May run concurrently with the other callbacks.
 * @clear_flush_young: the primary MMU test-and-cleared the accessed bit
 *	of [@start, @end); do the same in the secondary MMU and flush its
 *	TLB.  Return non-zero if the secondary mapping was young.
 * @clear_young: as @clear_flush_young, but the secondary TLB flush may be
 *	skipped.
 * @test_young: is @address young in the secondary MMU?  Does not clear.
 * @change_pte: the PTE for @address now holds @pte (a new frame, e.g.
 *	after copy-on-write); called before the primary entry is set.
 * @invalidate_range_start: the entries of range->[start, end) are about to
 *	be changed or removed; until the matching end, no secondary mapping
 *	may be established in the range.  The pages are still mapped.  When
 *	the range is not blockable the callback must not sleep and returns
 *	-EAGAIN if it would have to; a subscriber that can fail here must
 *	not have @invalidate_range_end, since it would be called anyway.
 * @invalidate_range_end: the entries are gone (and the pages freed).
 * @invalidate_range: (before 6.6) flush a secondary TLB for [@start,
 *	@end); called after the primary entries were cleared and before the
 *	pages are freed, possibly for a sub-range of an enclosing start/end,
 *	and from invalidate_range_end() (unless the caller already did it
 *	under the page-table lock).
 * @arch_invalidate_secondary_tlbs: (6.6 on) a secondary TLB that shares
 *	the CPU's page tables is flushed for [@start, @end) wherever the
 *	CPU's TLB is: after entries were cleared or lost permissions, before
 *	the pages are freed.  May be called with the page-table lock held:
 *	must not sleep.  A subscriber with this hook needs no start/end.
 * @alloc_notifier: for mmu_notifier_get(): a new subscription for @mm, or
 *	an ERR_PTR().
 * @free_notifier: for mmu_notifier_put(): free @subscription.  Called
 *	after the last put and a grace period, when no callback is running or
 *	can start.  Must not sleep.
 *
 * MODEL: old-notifier-api: the callbacks of Linux before 6.6 are here
 * next to 6.6's, @invalidate_range (which 6.6 turned into
 * @arch_invalidate_secondary_tlbs) and @change_pte (removed in 6.9), and
 * the model calls both kinds, so that the seed's drivers run as they
 * are; this header's mmu_notifier_range_init() likewise keeps the @vma
 * argument it lost in 6.3.  The kernel tree's <linux/mmu_notifier.h>
 * offers 6.18's API over the same structure.
 */
struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *subscription,
			struct mm_struct *mm);
	int (*clear_flush_young)(struct mmu_notifier *subscription,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long end);
	int (*clear_young)(struct mmu_notifier *subscription,
			   struct mm_struct *mm, unsigned long start,
			   unsigned long end);
	int (*test_young)(struct mmu_notifier *subscription,
			  struct mm_struct *mm, unsigned long address);
	void (*change_pte)(struct mmu_notifier *subscription,
			   struct mm_struct *mm, unsigned long address,
			   pte_t pte);
	int (*invalidate_range_start)(struct mmu_notifier *subscription,
				      const struct mmu_notifier_range *range);
	void (*invalidate_range_end)(struct mmu_notifier *subscription,
				     const struct mmu_notifier_range *range);
	void (*invalidate_range)(struct mmu_notifier *subscription,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long end);
	void (*arch_invalidate_secondary_tlbs)(
		struct mmu_notifier *subscription, struct mm_struct *mm,
		unsigned long start, unsigned long end);
	struct mmu_notifier *(*alloc_notifier)(struct mm_struct *mm);
	void (*free_notifier)(struct mmu_notifier *subscription);
};

/**
 * struct mmu_notifier - a classic subscription, embedded in the driver's
 * @hlist: the link on the mm's list; unhashed when on none
 * @ops: the callbacks
 * @mm: the mm subscribed to; pinned with mmgrab() while registered
 * @rcu: queues the deferred free of mmu_notifier_put()
 * @users: mmu_notifier_get() references
 */
struct mmu_notifier {
	struct hlist_node hlist;
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
	struct rcu_head rcu;
	unsigned int users;
};

/**
 * struct mmu_interval_notifier_ops
 * @invalidate: an invalidation overlaps the subscription.  Must call
 *	mmu_interval_set_seq(@interval_sub, @cur_seq) under the driver lock
 *	that also guards mmu_interval_read_retry(); afterwards the driver
 *	stops using its mappings in the range.  May sleep; returns false only
 *	when it would have to sleep and mmu_notifier_range_blockable(@range)
 *	is false.
 */
struct mmu_interval_notifier_ops {
	bool (*invalidate)(struct mmu_interval_notifier *interval_sub,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq);
};

/**
 * struct mmu_interval_notifier - a subscription to one range
 * @interval_tree: the range, [start, last], and the link in the mm's tree
 * @ops: the callbacks
 * @mm: the mm; pinned with mmgrab() until removal
 * @deferred_item: the link on the mm's list of inserts and removes that
 *	wait for the running invalidations to end
 * @invalidate_seq: the sequence number of the last invalidation that hit
 *	it (odd), as set by mmu_interval_set_seq()
 */
struct mmu_interval_notifier {
	struct interval_tree_node interval_tree;
	const struct mmu_interval_notifier_ops *ops;
	struct mm_struct *mm;
	struct hlist_node deferred_item;
	unsigned long invalidate_seq;
};

/*
 * struct mmu_notifier_range lost its @vma member in Linux 6.3.  Under the
 * kernel tree (include/mmsim/kernel/ on the include path) for 6.3 on, the
 * default, the member is spelt msim_vma, so that a driver that reads
 * range->vma does not compile, as it would not in the kernel; elsewhere,
 * and for a kernel tree set below 6.3, it is @vma.  The name is decided
 * by whichever of the two includes this header first; the layout is the
 * same either way.
 */
#ifndef MSIM_RANGE_VMA
#if defined(__has_include)
#if __has_include(<mmsim-kernel/custom/mmu_notifier.h>)
#include <linux/version.h> /* the kernel tree's */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define MSIM_RANGE_VMA msim_vma
#endif
#endif
#endif
#endif
#ifndef MSIM_RANGE_VMA
#define MSIM_RANGE_VMA vma
#endif

/**
 * struct mmu_notifier_range - one invalidation
 * @vma: the VMA, when the invalidation is within one (may be NULL); named
 *	MSIM_RANGE_VMA (see above)
 * @mm: the mm
 * @start: the first address; @end: the first address after the range
 * @flags: MMU_NOTIFIER_RANGE_BLOCKABLE, set by the start function
 * @event: why (enum mmu_notifier_event)
 * @owner: for MMU_NOTIFY_MIGRATE and MMU_NOTIFY_EXCLUSIVE, the device
 *	owner that caused it, so that its driver can ignore it
 */
struct mmu_notifier_range {
	struct vm_area_struct *MSIM_RANGE_VMA;
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	unsigned flags;
	enum mmu_notifier_event event;
	void *owner;
};

/*
 * Set once, on the first registration, and never cleared before the mm is
 * freed; the acquire pairs with the release store in the registration so
 * that a caller holding no lock sees the structure initialized.
 */
static inline int mm_has_notifiers(struct mm_struct *mm)
{
	return __atomic_load_n(&mm->notifier_subscriptions, __ATOMIC_ACQUIRE) !=
	       NULL;
}

/**
 * mm_take_all_locks - exclude every path that walks or changes the mm's
 * page tables or calls its notifiers
 *
 * The caller holds the mmap lock for writing, which excludes faults, GUP
 * and every VMA-level operation.  The paths that run without the mmap
 * lock are rmap walks from other processes (reclaim, migration), which
 * hold the machine's rmap lock (Linux's anon_vma locks, all in one) from
 * before their invalidation starts to after it ends, and take
 * mm->page_table_lock (in place of Linux's split PTE locks) inside it:
 * holding the rmap lock for writing and the page-table lock as well
 * leaves no invalidation running.
 * Return: 0 (Linux's fails with -EINTR on a fatal signal; nothing here
 * signals).
 */
MSIM_API int mm_take_all_locks(struct mm_struct *mm);

/** mm_drop_all_locks - undo mm_take_all_locks(). */
MSIM_API void mm_drop_all_locks(struct mm_struct *mm);

/**
 * mmu_notifier_get_locked - the subscription of @ops on @mm, made with
 * ops->alloc_notifier() if there is none yet; a reference either way
 * Caller holds the mmap lock for writing.
 * Return: the subscription, or an ERR_PTR().
 */
MSIM_API struct mmu_notifier *
mmu_notifier_get_locked(const struct mmu_notifier_ops *ops,
			struct mm_struct *mm);

/** mmu_notifier_get - mmu_notifier_get_locked(), taking the mmap lock. */
static inline struct mmu_notifier *
mmu_notifier_get(const struct mmu_notifier_ops *ops, struct mm_struct *mm)
{
	struct mmu_notifier *ret;

	mmap_write_lock(mm);
	ret = mmu_notifier_get_locked(ops, mm);
	mmap_write_unlock(mm);
	return ret;
}

/**
 * mmu_notifier_put - drop a mmu_notifier_get() reference; after the last,
 * the subscription is unlinked and, after a grace period,
 * ops->free_notifier() is called and the mm unpinned.  ->release is not
 * called.  May be called from ->release.
 *
 * The free is asynchronous, as in Linux: here it runs at the end of the
 * next grace period some thread waits for (an unregister, the exit of an
 * mm with notifiers) or in mmu_notifier_synchronize(), never inside this
 * call.
 */
MSIM_API void mmu_notifier_put(struct mmu_notifier *subscription);

/**
 * mmu_notifier_synchronize - wait until the frees queued by every
 * mmu_notifier_put() before it are done (a driver calls it before it goes
 * away).
 */
MSIM_API void mmu_notifier_synchronize(void);

/**
 * mmu_notifier_register - subscribe @subscription (with ->ops set) to @mm
 * The caller holds an mm_users reference and not the mmap lock.
 * Return: 0 or -ENOMEM.
 */
MSIM_API int mmu_notifier_register(struct mmu_notifier *subscription,
				   struct mm_struct *mm);

/** __mmu_notifier_register - the same, with the mmap lock held for writing. */
MSIM_API int __mmu_notifier_register(struct mmu_notifier *subscription,
				     struct mm_struct *mm);

/**
 * mmu_notifier_unregister - unsubscribe; calls ->release unless
 * mmu_notifier_release() already did, and returns only after every
 * callback of @subscription has returned.  The caller holds an mm_count
 * reference (the subscription's own pin is dropped here).
 */
MSIM_API void mmu_notifier_unregister(struct mmu_notifier *subscription,
				      struct mm_struct *mm);

/**
 * mmu_interval_read_begin - start a read side against the subscription's
 * range: wait for an invalidation that hit it to end, then return the
 * sequence number to pass to mmu_interval_read_retry().  It waits, as
 * mmu_interval_notifier_remove() does, in msim_sync_wait() under the name
 * "invalidate_seq", where a scheduler's hooks see it.
 */
MSIM_API unsigned long
mmu_interval_read_begin(struct mmu_interval_notifier *interval_sub);

/**
 * mmu_interval_notifier_insert - subscribe to [@start, @start + @length)
 * of @mm.  The caller holds an mm_users reference and not the mmap lock.
 * Return: 0, -EOVERFLOW for an empty or wrapping range, -EINVAL for an
 * exited mm, -ENOMEM.
 */
MSIM_API int
mmu_interval_notifier_insert(struct mmu_interval_notifier *interval_sub,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long length,
			     const struct mmu_interval_notifier_ops *ops);

/** mmu_interval_notifier_insert_locked - the same, mmap lock held (write). */
MSIM_API int mmu_interval_notifier_insert_locked(
	struct mmu_interval_notifier *interval_sub, struct mm_struct *mm,
	unsigned long start, unsigned long length,
	const struct mmu_interval_notifier_ops *ops);

/**
 * mmu_interval_notifier_remove - unsubscribe; when it returns, no
 * ->invalidate of @interval_sub is running or will start.  May sleep:
 * the caller must not hold a lock the ->invalidate callbacks take.
 */
MSIM_API void
mmu_interval_notifier_remove(struct mmu_interval_notifier *interval_sub);

/**
 * mmu_interval_set_seq - record the sequence of the invalidation in
 * progress; to be called from ->invalidate, with @cur_seq as passed to it
 * (always odd), under the driver lock that mmu_interval_read_retry() is
 * called under.
 */
static inline void
mmu_interval_set_seq(struct mmu_interval_notifier *interval_sub,
		     unsigned long cur_seq)
{
	msim_trace(MSIM_TRACE_SEQ_SET,
		   .s = { "mmu_interval_set_seq",
			  msim_trace_object_name(interval_sub) },
		   .a = { (uintptr_t)interval_sub, cur_seq,
			  __atomic_load_n(&interval_sub->invalidate_seq,
					  __ATOMIC_RELAXED) });
	__atomic_store_n(&interval_sub->invalidate_seq, cur_seq,
			 __ATOMIC_RELEASE);
}

/**
 * mmu_interval_read_retry - end a read side; called under the driver lock
 * ->invalidate takes around mmu_interval_set_seq().
 * @seq: what the matching mmu_interval_read_begin() returned
 * Return: true if an invalidation collided and the caller must retry.
 */
static inline bool
mmu_interval_read_retry(struct mmu_interval_notifier *interval_sub,
			unsigned long seq)
{
	/*
	 * The driver lock orders this; the atomic load only keeps a race
	 * detector quiet when a driver also calls mmu_interval_check_retry().
	 */
	unsigned long now = __atomic_load_n(&interval_sub->invalidate_seq,
					    __ATOMIC_RELAXED);

	msim_trace(MSIM_TRACE_SEQ_READ_RETRY,
		   .s = { "mmu_interval_read_retry",
			  msim_trace_object_name(interval_sub) },
		   .a = { (uintptr_t)interval_sub, seq, now, now != seq });
	return now != seq;
}

/**
 * mmu_interval_check_retry - has an invalidation collided yet?  Callable
 * without the driver lock, any number of times, to give up early; true is
 * final, false may be stale.
 */
static inline bool
mmu_interval_check_retry(struct mmu_interval_notifier *interval_sub,
			 unsigned long seq)
{
	return __atomic_load_n(&interval_sub->invalidate_seq,
			       __ATOMIC_ACQUIRE) != seq;
}

MSIM_API void __mmu_notifier_subscriptions_destroy(struct mm_struct *mm);
MSIM_API void __mmu_notifier_release(struct mm_struct *mm);
MSIM_API int __mmu_notifier_clear_flush_young(struct mm_struct *mm,
					      unsigned long start,
					      unsigned long end);
MSIM_API int __mmu_notifier_clear_young(struct mm_struct *mm,
					unsigned long start, unsigned long end);
MSIM_API int __mmu_notifier_test_young(struct mm_struct *mm,
				       unsigned long address);
MSIM_API void __mmu_notifier_change_pte(struct mm_struct *mm,
					unsigned long address, pte_t pte);
MSIM_API int
__mmu_notifier_invalidate_range_start(struct mmu_notifier_range *r);
MSIM_API void __mmu_notifier_invalidate_range_end(struct mmu_notifier_range *r,
						  bool only_end);
MSIM_API void __mmu_notifier_invalidate_range(struct mm_struct *mm,
					      unsigned long start,
					      unsigned long end);
MSIM_API void __mmu_notifier_arch_invalidate_secondary_tlbs(
	struct mm_struct *mm, unsigned long start, unsigned long end);

/**
 * mmu_notifier_range_update_to_read_only - does this mprotect()
 * invalidation leave the range readable (so that a mirror can downgrade
 * its entries instead of dropping them)?
 */
MSIM_API bool
mmu_notifier_range_update_to_read_only(const struct mmu_notifier_range *range);

static inline bool
mmu_notifier_range_blockable(const struct mmu_notifier_range *range)
{
	return range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE;
}

/**
 * mmu_notifier_release - the mm is being torn down (start of exit_mmap):
 * end every interval subscription's use of the range (an
 * MMU_NOTIFY_RELEASE invalidation of the whole address space), then call
 * every classic ->release that mmu_notifier_unregister() has not.
 */
static inline void mmu_notifier_release(struct mm_struct *mm)
{
	if (mm_has_notifiers(mm))
		__mmu_notifier_release(mm);
}

/** mmu_notifier_clear_flush_young - OR of every ->clear_flush_young. */
static inline int mmu_notifier_clear_flush_young(struct mm_struct *mm,
						 unsigned long start,
						 unsigned long end)
{
	if (mm_has_notifiers(mm))
		return __mmu_notifier_clear_flush_young(mm, start, end);
	return 0;
}

/** mmu_notifier_clear_young - OR of every ->clear_young. */
static inline int mmu_notifier_clear_young(struct mm_struct *mm,
					   unsigned long start,
					   unsigned long end)
{
	if (mm_has_notifiers(mm))
		return __mmu_notifier_clear_young(mm, start, end);
	return 0;
}

/** mmu_notifier_test_young - is any secondary mapping of @address young? */
static inline int mmu_notifier_test_young(struct mm_struct *mm,
					  unsigned long address)
{
	if (mm_has_notifiers(mm))
		return __mmu_notifier_test_young(mm, address);
	return 0;
}

/** mmu_notifier_change_pte - tell every ->change_pte about @pte. */
static inline void mmu_notifier_change_pte(struct mm_struct *mm,
					   unsigned long address, pte_t pte)
{
	if (mm_has_notifiers(mm))
		__mmu_notifier_change_pte(mm, address, pte);
}

/**
 * mmu_notifier_invalidate_range_start - announce an invalidation of
 * range->[start, end), letting the callbacks sleep.  Must be paired with
 * mmu_notifier_invalidate_range_end() (or _only_end()).
 */
static inline void
mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range)
{
	if (mm_has_notifiers(range->mm)) {
		range->flags |= MMU_NOTIFIER_RANGE_BLOCKABLE;
		__mmu_notifier_invalidate_range_start(range);
	}
}

/**
 * mmu_notifier_invalidate_range_start_nonblock - the same, but no callback
 * may sleep.  Return: 0, or -EAGAIN if a subscriber would have had to
 * sleep; then the invalidation did not happen and the caller must not call
 * the end function (whatever had started was ended here).
 */
static inline int
mmu_notifier_invalidate_range_start_nonblock(struct mmu_notifier_range *range)
{
	int ret = 0;

	if (mm_has_notifiers(range->mm)) {
		range->flags &= ~MMU_NOTIFIER_RANGE_BLOCKABLE;
		ret = __mmu_notifier_invalidate_range_start(range);
	}
	return ret;
}

/**
 * mmu_notifier_invalidate_range_end - the invalidation is done; calls
 * ->invalidate_range and ->invalidate_range_end.
 */
static inline void
mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range)
{
	if (mm_has_notifiers(range->mm))
		__mmu_notifier_invalidate_range_end(range, false);
}

/**
 * mmu_notifier_invalidate_range_only_end - the same without the
 * ->invalidate_range calls, for callers that made them under the
 * page-table lock already (ptep_clear_flush_notify()).
 */
static inline void
mmu_notifier_invalidate_range_only_end(struct mmu_notifier_range *range)
{
	if (mm_has_notifiers(range->mm))
		__mmu_notifier_invalidate_range_end(range, true);
}

/**
 * mmu_notifier_invalidate_range - flush secondary TLBs for [@start, @end)
 * after the primary entries were cleared, before the pages are freed.
 */
static inline void mmu_notifier_invalidate_range(struct mm_struct *mm,
						 unsigned long start,
						 unsigned long end)
{
	if (mm_has_notifiers(mm))
		__mmu_notifier_invalidate_range(mm, start, end);
}

/**
 * mmu_notifier_arch_invalidate_secondary_tlbs - the CPU's TLB is flushed
 * for [@start, @end): flush the secondary TLBs that share its page tables
 * (->arch_invalidate_secondary_tlbs).  The model calls it from its own
 * TLB flushes; a driver need not.
 */
static inline void mmu_notifier_arch_invalidate_secondary_tlbs(
	struct mm_struct *mm, unsigned long start, unsigned long end)
{
	if (mm_has_notifiers(mm))
		__mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end);
}

/** mmu_notifier_subscriptions_init - a new mm has no subscription. */
static inline void mmu_notifier_subscriptions_init(struct mm_struct *mm)
{
	mm->notifier_subscriptions = NULL;
}

/**
 * mmu_notifier_subscriptions_destroy - free the subscription structure of
 * an mm being freed (__mmdrop); every subscription is gone by then, since
 * each pins mm_count.
 */
static inline void mmu_notifier_subscriptions_destroy(struct mm_struct *mm)
{
	if (mm_has_notifiers(mm))
		__mmu_notifier_subscriptions_destroy(mm);
}

/**
 * mmu_notifier_range_init - describe an invalidation
 *
 * The seed's (pre-6.3) signature, with @vma.
 *
 * MODEL: range-init-clears-owner: @owner is cleared too, which the
 * kernel's leaves to the caller, so that a driver that compares owners
 * never reads garbage.
 */
static inline void
mmu_notifier_range_init(struct mmu_notifier_range *range,
			enum mmu_notifier_event event, unsigned flags,
			struct vm_area_struct *vma, struct mm_struct *mm,
			unsigned long start, unsigned long end)
{
	range->MSIM_RANGE_VMA = vma;
	range->event = event;
	range->mm = mm;
	range->start = start;
	range->end = end;
	range->flags = flags;
	range->owner = NULL;
}

/**
 * msim_mmu_notifier_range_init - mmu_notifier_range_init() with the
 * argument list of Linux 6.3 on (no @vma); the kernel tree's
 * mmu_notifier_range_init() is this one.  The range's VMA is NULL.
 */
static inline void
msim_mmu_notifier_range_init(struct mmu_notifier_range *range,
			     enum mmu_notifier_event event, unsigned flags,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	mmu_notifier_range_init(range, event, flags, NULL, mm, start, end);
}

/** mmu_notifier_range_init_owner - the same, naming the device owner. */
static inline void mmu_notifier_range_init_owner(
	struct mmu_notifier_range *range, enum mmu_notifier_event event,
	unsigned int flags, struct vm_area_struct *vma, struct mm_struct *mm,
	unsigned long start, unsigned long end, void *owner)
{
	mmu_notifier_range_init(range, event, flags, vma, mm, start, end);
	range->owner = owner;
}

/*
 * The architecture's PTE aging and clearing helpers with Linux's
 * signatures.  Callers hold the mm's page_table_lock, which guards the
 * PTE words.  An arch header that provides its own defines the
 * __HAVE_ARCH_ macro.
 *
 * MODEL: no-cpu-tlb: the simulated CPU (msim_user_access()) reads the PTE
 * on every access and caches no translation, so the flushing variants
 * only clear; secondary MMUs, the ColdFire CPU among them, still hear of
 * every flush through their notifiers.
 */
#ifndef __HAVE_ARCH_PTEP_TEST_AND_CLEAR_YOUNG
#define __HAVE_ARCH_PTEP_TEST_AND_CLEAR_YOUNG
/** ptep_test_and_clear_young - clear the accessed bit; was it set? */
static inline int ptep_test_and_clear_young(struct vm_area_struct *vma,
					    unsigned long address, pte_t *ptep)
{
	const struct msim_arch *a = vma->vm_mm->arch;
	pte_t pte = *ptep;

	if (!pte_young(a, pte))
		return 0;
	*ptep = pte_mkold(a, pte);
	msim_pte_changed(vma->vm_mm, address, pte, *ptep);
	return 1;
}
#endif

#ifndef __HAVE_ARCH_PTEP_CLEAR_YOUNG_FLUSH
#define __HAVE_ARCH_PTEP_CLEAR_YOUNG_FLUSH
/** ptep_clear_flush_young - the same, then flush the TLB entry (none here). */
static inline int ptep_clear_flush_young(struct vm_area_struct *vma,
					 unsigned long address, pte_t *ptep)
{
	return ptep_test_and_clear_young(vma, address, ptep);
}
#endif

#ifndef __HAVE_ARCH_PTEP_CLEAR_FLUSH
#define __HAVE_ARCH_PTEP_CLEAR_FLUSH
/**
 * ptep_clear_flush - clear the entry, flush the TLB entry, return the old.
 * The model has no TLB; the secondary TLBs that share the page tables are
 * flushed as the CPU's would be (6.6 on).
 */
static inline pte_t ptep_clear_flush(struct vm_area_struct *vma,
				     unsigned long address, pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = address & ~(mm_page_size(mm) - 1);
	pte_t pte = ptep_get_and_clear(mm, address, ptep);

	mmu_notifier_arch_invalidate_secondary_tlbs(mm, addr,
						    addr + mm_page_size(mm));
	return pte;
}
#endif

/** ptep_clear_flush_young_notify - age the PTE and every secondary mapping. */
static inline int ptep_clear_flush_young_notify(struct vm_area_struct *vma,
						unsigned long address,
						pte_t *ptep)
{
	int young = ptep_clear_flush_young(vma, address, ptep);

	young |= mmu_notifier_clear_flush_young(
		vma->vm_mm, address, address + mm_page_size(vma->vm_mm));
	return young;
}

/** ptep_clear_young_notify - the same without TLB flushes. */
static inline int ptep_clear_young_notify(struct vm_area_struct *vma,
					  unsigned long address, pte_t *ptep)
{
	int young = ptep_test_and_clear_young(vma, address, ptep);

	young |= mmu_notifier_clear_young(vma->vm_mm, address,
					  address + mm_page_size(vma->vm_mm));
	return young;
}

/**
 * ptep_clear_flush_notify - ptep_clear_flush(), then flush the secondary
 * TLBs for the page, before the caller may free it.
 * Return: the old entry.
 */
static inline pte_t ptep_clear_flush_notify(struct vm_area_struct *vma,
					    unsigned long address, pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = address & ~(mm_page_size(mm) - 1);
	pte_t pte = ptep_clear_flush(vma, address, ptep);

	mmu_notifier_invalidate_range(mm, addr, addr + mm_page_size(mm));
	return pte;
}

/**
 * set_pte_at_notify - tell the secondary MMUs first, then set the PTE
 *
 * The old entry was already cleared and flushed (ptep_clear_flush()), so
 * updating the secondaries first is safe; it is also necessary when the
 * frame and the protection change together (copy-on-write), or a
 * secondary MMU could keep the old frame read-only while a CPU already
 * writes the new one.
 */
static inline void set_pte_at_notify(struct mm_struct *mm,
				     unsigned long address, pte_t *ptep,
				     pte_t pte)
{
	mmu_notifier_change_pte(mm, address, pte);
	set_pte_at(mm, address, ptep, pte);
}

#endif /* MMSIM_MMU_NOTIFIER_H */
