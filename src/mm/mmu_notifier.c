// SPDX-License-Identifier: MIT
/*
 * MMU notifiers (see mmu_notifier.h): the semantics of Linux 6.x's
 * mm/mmu_notifier.c, written for the model.
 *
 * One SRCU domain covers every mm.  Classic callbacks run inside it, so
 * that whoever takes a subscription off an mm's list can wait, with
 * synchronize_srcu(), for the callbacks that may still be using it.
 *
 * The classic list is an hlist read under SRCU with no lock while
 * subscriptions are unlinked under subscriptions->lock, so it is handled
 * the way an RCU hlist is: a link is published with a release store and
 * read with an acquire load, and an unlinked entry keeps its next pointer
 * so that a reader standing on it walks on.  ->pprev == NULL marks an
 * entry that is on no list (hlist_unhashed(), which mmu_notifier_unregister()
 * tests without the lock, as Linux does); zeroed memory is such an entry.
 *
 * Interval subscriptions sit in an interval tree that is not changed
 * while any invalidation that hit it is running: subscriptions->
 * invalidate_seq is odd from the first such start to the last matching
 * end, inserts and removes in that window are queued on deferred_list and
 * applied when it closes, and the tree is walked without the lock inside
 * it.  Waiters for the window to close (mmu_interval_read_begin(),
 * mmu_interval_notifier_remove()) sleep on a condition variable.
 *
 * For a scheduler (locking.h): every callback's call and return is a
 * scheduling point, named after the op; the callbacks of a range that may
 * not block run with the thread's nonblock_count raised, so that a
 * callback that sleeps there is caught; a running invalidation holds the
 * odd window as a lock map called "invalidate_seq" (lockdep's
 * __mmu_notifier_invalidate_range_start_map plays that part in Linux), so
 * that a deadlock report names who a waiter waits for and a lock checker
 * sees a driver that waits for the window with a lock its callbacks take;
 * and the fields read without a lock are declared (msim_sync_access()).
 */
#include <errno.h>
#include <limits.h>
#include <mmsim/trace.h>
#include "internal.h"

DEFINE_STATIC_SRCU(srcu);

/**
 * struct mmu_notifier_subscriptions - what an mm with notifiers keeps
 * @list: classic subscriptions (struct mmu_notifier.hlist)
 * @has_itree: interval subscriptions may exist; set once under
 *	mm_take_all_locks(), never cleared
 * @lock: protects @list changes, the fields below and the tree
 * @invalidate_seq: odd while an invalidation that hit the tree runs
 * @active_invalidate_ranges: invalidations between start and end
 * @itree: the interval subscriptions
 * @deferred_list: interval subscriptions to insert or remove when the
 *	odd window closes (struct mmu_interval_notifier.deferred_item)
 * @wq_lock, @wq: where the waiters for @invalidate_seq to move sleep
 */
struct mmu_notifier_subscriptions {
	struct hlist_head list;
	bool has_itree;
	spinlock_t lock;
	unsigned long invalidate_seq;
	unsigned long active_invalidate_ranges;
	struct msim_avl_root itree;
	struct hlist_head deferred_list;
	pthread_mutex_t wq_lock;
	pthread_cond_t wq;
};

/*
 * The fields read both under the lock and without it are accessed
 * atomically everywhere, so that a race detector sees no plain access
 * racing with another thread's.  The sequences are written under
 * subs->lock, the subscriptions pointer and has_itree under
 * mm_take_all_locks(): those are the keys their lockless readers declare.
 */
static inline void subs_access(struct mmu_notifier_subscriptions *subs,
			       bool write)
{
	msim_sync_access(msim_sync_key(msim_lock_id(&subs->lock)), write);
}

static inline unsigned long load_seq(struct mmu_notifier_subscriptions *subs,
				     const unsigned long *p)
{
	subs_access(subs, false);
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_seq(struct mmu_notifier_subscriptions *subs,
			     unsigned long *p, unsigned long v)
{
	subs_access(subs, true);
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline struct mmu_notifier_subscriptions *
mm_subscriptions(struct mm_struct *mm)
{
	msim_sync_access(msim_sync_key(msim_lock_id(&mm->page_table_lock)),
			 false);
	return __atomic_load_n(&mm->notifier_subscriptions, __ATOMIC_ACQUIRE);
}

static inline bool has_itree(struct mmu_notifier_subscriptions *subs)
{
	return __atomic_load_n(&subs->has_itree, __ATOMIC_ACQUIRE);
}

/* The RCU-style hlist operations on the classic list. */

static inline struct hlist_node *rcu_next(struct hlist_node *const *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline bool rcu_hlist_empty(struct hlist_head *head)
{
	return !rcu_next(&head->first);
}

/* The classic list of @subs, read without the lock: declared. */
static inline bool subs_list_empty(struct mmu_notifier_subscriptions *subs)
{
	subs_access(subs, false);
	return rcu_hlist_empty(&subs->list);
}

/* hlist_unhashed() for a node whose pprev is written under the lock. */
static inline bool rcu_hlist_unhashed(struct hlist_node *n)
{
	return !__atomic_load_n(&n->pprev, __ATOMIC_ACQUIRE);
}

/*
 * A callback of subscription @sub is called, and returns @ret.
 * @nonblock: its range may not block, so that sleeping in it is a bug
 * (might_sleep() sees nonblock_count).  The record sees the entry after
 * the scheduling point and the exit before it, so that they bracket the
 * callback alone.
 */
static void cb_call(const char *op, bool nonblock, const void *sub)
{
	msim_sync_event(MSIM_SYNC_CALL, op);
	if (nonblock)
		msim_current_thread_info()->nonblock_count++;
	msim_trace(MSIM_TRACE_CALLBACK_ENTER,
		   .s = { op, msim_trace_object_name(sub) },
		   .a = { (uintptr_t)sub, 0,
			  msim_trace_object_is_instrument(sub) });
}

static void cb_return(const char *op, bool nonblock, const void *sub, long ret)
{
	msim_trace(MSIM_TRACE_CALLBACK_EXIT,
		   .s = { op, msim_trace_object_name(sub) },
		   .a = { (uintptr_t)sub, (uint64_t)ret,
			  msim_trace_object_is_instrument(sub) });
	if (nonblock)
		msim_current_thread_info()->nonblock_count--;
	msim_sync_event(MSIM_SYNC_RETURN, op);
}

static const char *const notify_events[] = {
	[MMU_NOTIFY_UNMAP] = "MMU_NOTIFY_UNMAP",
	[MMU_NOTIFY_CLEAR] = "MMU_NOTIFY_CLEAR",
	[MMU_NOTIFY_PROTECTION_VMA] = "MMU_NOTIFY_PROTECTION_VMA",
	[MMU_NOTIFY_PROTECTION_PAGE] = "MMU_NOTIFY_PROTECTION_PAGE",
	[MMU_NOTIFY_SOFT_DIRTY] = "MMU_NOTIFY_SOFT_DIRTY",
	[MMU_NOTIFY_RELEASE] = "MMU_NOTIFY_RELEASE",
	[MMU_NOTIFY_MIGRATE] = "MMU_NOTIFY_MIGRATE",
	[MMU_NOTIFY_EXCLUSIVE] = "MMU_NOTIFY_EXCLUSIVE",
};

/*
 * The record's view of a notifier call: @op on @mm for [@start, @end);
 * @range, when the call has one, gives the event, the flags, the owner
 * and its identity, which the matching end repeats.
 */
static void trace_call_slow(const char *op, const struct mmu_notifier_range *r,
			    unsigned long start, unsigned long end)
{
	const char *ev = "";

	if (r && (unsigned int)r->event <
			 sizeof(notify_events) / sizeof(notify_events[0]))
		ev = notify_events[r->event];
	msim_trace_emit(
		MSIM_TRACE_NOTIFIER_BEGIN,
		&(const struct msim_trace_args){
			.s = { op, ev },
			.a = { start, end,
			       r ? mmu_notifier_range_blockable(r) : 1,
			       r ? (uintptr_t)r->owner : 0, (uintptr_t)r } });
}

static inline void trace_call(const char *op,
			      const struct mmu_notifier_range *r,
			      unsigned long start, unsigned long end)
{
	if (msim_trace_on())
		trace_call_slow(op, r, start, end);
}

static inline void trace_done(const char *op,
			      const struct mmu_notifier_range *r, long ret)
{
	msim_trace(MSIM_TRACE_NOTIFIER_END, .s = { op },
		   .a = { (uint64_t)ret, 0, 0, 0, (uintptr_t)r });
}

/* The mm's sequence moves: for the record. */
static inline void trace_mm_seq(unsigned long old, unsigned long new)
{
	if (old != new)
		msim_trace(MSIM_TRACE_SEQ_SET, .s = { "invalidate_seq" },
			   .a = { 0, new, old });
}

static bool range_nonblock(const struct mmu_notifier_range *range)
{
	return !mmu_notifier_range_blockable(range);
}

/* Locked: the entry is complete before a reader can reach it. */
static void rcu_hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	__atomic_store_n(&n->next, first, __ATOMIC_RELAXED);
	__atomic_store_n(&n->pprev, &h->first, __ATOMIC_RELEASE);
	if (first)
		__atomic_store_n(&first->pprev, &n->next, __ATOMIC_RELAXED);
	__atomic_store_n(&h->first, n, __ATOMIC_RELEASE);
}

/*
 * Locked; a no-op for an entry already off the list.  The entry keeps its
 * next pointer, for a reader standing on it.
 */
static void rcu_hlist_del_init(struct hlist_node *n)
{
	struct hlist_node *next = n->next;

	if (!n->pprev)
		return;
	__atomic_store_n(n->pprev, next, __ATOMIC_RELEASE);
	if (next)
		__atomic_store_n(&next->pprev, n->pprev, __ATOMIC_RELAXED);
	__atomic_store_n(&n->pprev, NULL, __ATOMIC_RELEASE);
}

/*
 * Iterate the classic list; the caller is inside an SRCU read section.
 * The next link is read after the body, as hlist_for_each_entry_rcu()
 * reads it: a body that frees @sub makes that a use-after-free.
 */
#define for_each_subscription(sub, subs, pos)                                  \
	for (subs_access(subs, false), pos = rcu_next(&(subs)->list.first);    \
	     pos &&                                                            \
	     ((sub) = container_of(pos, struct mmu_notifier, hlist), true);    \
	     pos = rcu_next(&pos->next))

/*
 * mm_take_all_locks(): see the header for why these two locks are
 * enough.  The rmap lock is every anon_vma's lock at once, taken for
 * writing as Linux takes each of them: an rmap walk of another process
 * (reclaim, migration) invalidates this mm's ranges without its mmap lock,
 * from before it takes the page-table lock to after it drops it, and a
 * registration in that window would see its subscriber's end called
 * without the start.
 */
int mm_take_all_locks(struct mm_struct *mm)
{
	down_write(&mm->machine->rmap_lock);
	spin_lock(&mm->page_table_lock);
	return 0;
}

void mm_drop_all_locks(struct mm_struct *mm)
{
	spin_unlock(&mm->page_table_lock);
	up_write(&mm->machine->rmap_lock);
}

/* The interval tree side. */

static inline bool
mn_itree_is_invalidating(struct mmu_notifier_subscriptions *subs)
{
	return subs->invalidate_seq & 1;
}

static inline struct mmu_interval_notifier *
itree_sub(struct interval_tree_node *node)
{
	return node ? container_of(node, struct mmu_interval_notifier,
				   interval_tree)
		    : NULL;
}

/*
 * Count a new invalidation and return the first subscription it hits.  A
 * hit opens (or keeps open) the odd window, which freezes the tree until
 * the last active invalidation ends; @seq gets the window's number.
 */
static struct mmu_interval_notifier *
mn_itree_inv_start_range(struct mmu_notifier_subscriptions *subs,
			 const struct mmu_notifier_range *range,
			 unsigned long *seq)
{
	struct interval_tree_node *node;

	spin_lock(&subs->lock);
	subs->active_invalidate_ranges++;
	node = interval_tree_iter_first(&subs->itree, range->start,
					range->end - 1);
	if (node) {
		trace_mm_seq(subs->invalidate_seq, subs->invalidate_seq | 1);
		store_seq(subs, &subs->invalidate_seq,
			  subs->invalidate_seq | 1);
	}
	*seq = subs->invalidate_seq;
	spin_unlock(&subs->lock);
	msim_lock_map_acquire(&subs->wq, "invalidate_seq", MSIM_THIS_SITE);
	return itree_sub(node);
}

/* The tree is frozen: walking it needs no lock. */
static struct mmu_interval_notifier *
mn_itree_inv_next(struct mmu_interval_notifier *interval_sub,
		  const struct mmu_notifier_range *range)
{
	return itree_sub(interval_tree_iter_next(&interval_sub->interval_tree,
						 range->start, range->end - 1));
}

static void mn_itree_wake_up_all(struct mmu_notifier_subscriptions *subs)
{
	pthread_mutex_lock(&subs->wq_lock);
	msim_sync_wake(&subs->wq, &subs->wq, "invalidate_seq");
	pthread_mutex_unlock(&subs->wq_lock);
}

/*
 * What may wait for the odd window to close may not hold a lock that an
 * invalidation takes: said to a lock checker every time, as Linux's
 * lockdep map does, not only when the wait happens.
 */
static void mn_itree_may_wait(struct mmu_notifier_subscriptions *subs,
			      const struct msim_site *site)
{
	msim_might_sleep("invalidate_seq", site);
	msim_lock_map_acquire(&subs->wq, "invalidate_seq", site);
	msim_lock_map_release(&subs->wq, "invalidate_seq");
	/* Where the wait is, for a scheduler's report; until it is over. */
	msim_current_thread_info()->site = site;
}

/* Sleep until the odd window numbered @seq has been closed. */
static void mn_itree_wait_seq(struct mmu_notifier_subscriptions *subs,
			      unsigned long seq)
{
	/*
	 * The sequence only moves under subs->lock and the waker broadcasts
	 * under wq_lock afterwards, so testing it under wq_lock loses no
	 * wakeup.
	 */
	pthread_mutex_lock(&subs->wq_lock);
	while (load_seq(subs, &subs->invalidate_seq) == seq)
		msim_sync_wait(&subs->wq, &subs->wq_lock, &subs->wq,
			       "invalidate_seq");
	pthread_mutex_unlock(&subs->wq_lock);
}

/*
 * One invalidation ends.  The last one to end closes the odd window and
 * applies the queued inserts and removes, all in one critical section:
 * whoever sees the new sequence under the lock knows the tree and the
 * deferred list no longer reference anything removed.
 */
static void mn_itree_inv_end(struct mmu_notifier_subscriptions *subs)
{
	struct mmu_interval_notifier *interval_sub;
	struct hlist_node *next;

	msim_lock_map_release(&subs->wq, "invalidate_seq");
	spin_lock(&subs->lock);
	if (!subs->active_invalidate_ranges)
		msim_sync_bug("mn_itree_inv_end() without a start",
			      MSIM_THIS_SITE);
	if (--subs->active_invalidate_ranges ||
	    !mn_itree_is_invalidating(subs)) {
		spin_unlock(&subs->lock);
		return;
	}

	trace_mm_seq(subs->invalidate_seq, subs->invalidate_seq + 1);
	store_seq(subs, &subs->invalidate_seq, subs->invalidate_seq + 1);

	hlist_for_each_entry_safe(interval_sub, next, &subs->deferred_list,
				  deferred_item)
	{
		if (msim_interval_tree_node_empty(&interval_sub->interval_tree))
			interval_tree_insert(&interval_sub->interval_tree,
					     &subs->itree);
		else
			interval_tree_remove(&interval_sub->interval_tree,
					     &subs->itree);
		hlist_del_init(&interval_sub->deferred_item);
	}
	spin_unlock(&subs->lock);

	mn_itree_wake_up_all(subs);
}

unsigned long
mmu_interval_read_begin(struct mmu_interval_notifier *interval_sub)
{
	struct mmu_notifier_subscriptions *subs =
		mm_subscriptions(interval_sub->mm);
	unsigned long seq;
	bool is_invalidating;

	/*
	 * The subscription's sequence equals the mm's only if the window
	 * now open already hit it (its ->invalidate recorded the number), or
	 * if it was inserted while invalidations were running; then its
	 * mappings may be stale until the window closes.  Otherwise its
	 * sequence is from an earlier window, odd, and unequal to the mm's,
	 * which only ever grows: a later invalidation will change it.
	 */
	mn_itree_may_wait(subs, MSIM_THIS_SITE);
	spin_lock(&subs->lock);
	seq = load_seq(subs, &interval_sub->invalidate_seq);
	is_invalidating = seq == subs->invalidate_seq;
	spin_unlock(&subs->lock);

	if (is_invalidating)
		mn_itree_wait_seq(subs, seq);
	msim_current_thread_info()->site = NULL;
	msim_trace(MSIM_TRACE_SEQ_READ_BEGIN,
		   .s = { "mmu_interval_read_begin",
			  msim_trace_object_name(interval_sub) },
		   .a = { (uintptr_t)interval_sub, seq });
	/*
	 * mmu_interval_read_retry() may already be true: the caller finds
	 * out at its retry, which bounds the wait here to one window.
	 */
	return seq;
}

/* exit_mmap: every interval subscription loses the whole address space. */
static void mn_itree_release(struct mmu_notifier_subscriptions *subs,
			     struct mm_struct *mm)
{
	struct mmu_notifier_range range = {
		.flags = MMU_NOTIFIER_RANGE_BLOCKABLE,
		.event = MMU_NOTIFY_RELEASE,
		.mm = mm,
		.start = 0,
		.end = ULONG_MAX,
	};
	struct mmu_interval_notifier *interval_sub;
	unsigned long cur_seq;

	for (interval_sub = mn_itree_inv_start_range(subs, &range, &cur_seq);
	     interval_sub;
	     interval_sub = mn_itree_inv_next(interval_sub, &range)) {
		/* Blockable: a false return would be the driver's bug. */
		bool ok;

		cb_call("invalidate", false, interval_sub);
		ok = interval_sub->ops->invalidate(interval_sub, &range,
						   cur_seq);
		cb_return("invalidate", false, interval_sub, ok);
	}

	mn_itree_inv_end(subs);
}

/*
 * exit_mmap: call ->release of every classic subscription, then unlink
 * them all, as Linux 6.x does.  A registration cannot race this (it needs
 * mm_users, which is zero here), but mmu_notifier_unregister() and
 * mmu_notifier_put() can.  ->release runs with the subscription still on
 * the list, and the walk reads its next link after the call: a driver
 * that frees its subscription in ->release (the 2008 skeleton driver
 * did) has the walk and the unlinking below touch freed memory, which
 * AddressSanitizer reports, as KASAN would.  An unregister that saw the
 * subscription listed calls ->release too, so it may run twice.
 */
static void mn_hlist_release(struct mmu_notifier_subscriptions *subs,
			     struct mm_struct *mm)
{
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int id;

	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos)
		/*
		 * The only way for the driver to drop its secondary
		 * mappings and stop making new ones before the pages are
		 * freed.
		 */
		if (subscription->ops->release) {
			cb_call("release", false, subscription);
			subscription->ops->release(subscription, mm);
			cb_return("release", false, subscription, 0);
		}

	spin_lock(&subs->lock);
	while (!hlist_empty(&subs->list)) {
		subscription = hlist_entry(subs->list.first,
					   struct mmu_notifier, hlist);
		/*
		 * No ->release can be called any more: an unregister that
		 * comes later finds the subscription unhashed.
		 */
		rcu_hlist_del_init(&subscription->hlist);
	}
	spin_unlock(&subs->lock);
	srcu_read_unlock(&srcu, id);

	/*
	 * Do not return to exit_mmap(), which frees the pages, while a
	 * ->release called by mmu_notifier_unregister() still runs: it is
	 * inside a read section entered before its subscription was
	 * unlinked.
	 */
	synchronize_srcu(&srcu);
}

void __mmu_notifier_release(struct mm_struct *mm)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);

	trace_call("release", NULL, 0, 0);
	if (has_itree(subs))
		mn_itree_release(subs, mm);
	/*
	 * An unregister unlinks only after its ->release returned: an empty
	 * list leaves nothing to wait for.
	 */
	if (!subs_list_empty(subs))
		mn_hlist_release(subs, mm);
	trace_done("release", NULL, 0);
}

/* Aging: a page is young if any MMU saw it used. */

int __mmu_notifier_clear_flush_young(struct mm_struct *mm, unsigned long start,
				     unsigned long end)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int young = 0, id;

	trace_call("clear_flush_young", NULL, start, end);
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (!subscription->ops->clear_flush_young)
			continue;
		int y;

		cb_call("clear_flush_young", false, subscription);
		y = subscription->ops->clear_flush_young(subscription, mm,
							 start, end);
		cb_return("clear_flush_young", false, subscription, y);
		young |= y;
	}
	srcu_read_unlock(&srcu, id);
	trace_done("clear_flush_young", NULL, young);
	return young;
}

int __mmu_notifier_clear_young(struct mm_struct *mm, unsigned long start,
			       unsigned long end)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int young = 0, id;

	trace_call("clear_young", NULL, start, end);
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (!subscription->ops->clear_young)
			continue;
		int y;

		cb_call("clear_young", false, subscription);
		y = subscription->ops->clear_young(subscription, mm, start,
						   end);
		cb_return("clear_young", false, subscription, y);
		young |= y;
	}
	srcu_read_unlock(&srcu, id);
	trace_done("clear_young", NULL, young);
	return young;
}

/* Nothing is cleared, so the first young answer settles it. */
int __mmu_notifier_test_young(struct mm_struct *mm, unsigned long address)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int young = 0, id;

	trace_call("test_young", NULL, address, address + mm_page_size(mm));
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (subscription->ops->test_young) {
			cb_call("test_young", false, subscription);
			young = subscription->ops->test_young(subscription, mm,
							      address);
			cb_return("test_young", false, subscription, young);
			if (young)
				break;
		}
	}
	srcu_read_unlock(&srcu, id);
	trace_done("test_young", NULL, young);
	return young;
}

void __mmu_notifier_change_pte(struct mm_struct *mm, unsigned long address,
			       pte_t pte)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int id;

	trace_call("change_pte", NULL, address, address + mm_page_size(mm));
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (!subscription->ops->change_pte)
			continue;
		cb_call("change_pte", false, subscription);
		subscription->ops->change_pte(subscription, mm, address, pte);
		cb_return("change_pte", false, subscription, 0);
	}
	srcu_read_unlock(&srcu, id);
	trace_done("change_pte", NULL, 0);
}

/* Invalidation. */

/*
 * Call ->invalidate of every interval subscription the range hits.  When
 * one cannot proceed without sleeping (non-blocking start), the whole
 * start fails: the caller will not call the end, so end the tree's part
 * here.  The subscriptions already invalidated saw their sequence move
 * and retry, which is harmless.
 */
static int mn_itree_invalidate(struct mmu_notifier_subscriptions *subs,
			       const struct mmu_notifier_range *range)
{
	struct mmu_interval_notifier *interval_sub;
	unsigned long cur_seq;

	for (interval_sub = mn_itree_inv_start_range(subs, range, &cur_seq);
	     interval_sub;
	     interval_sub = mn_itree_inv_next(interval_sub, range)) {
		bool ok;

		cb_call("invalidate", range_nonblock(range), interval_sub);
		ok = interval_sub->ops->invalidate(interval_sub, range,
						   cur_seq);
		cb_return("invalidate", range_nonblock(range), interval_sub,
			  ok);
		if (ok)
			continue;
		/* Only a non-blocking invalidation may fail. */
		if (mmu_notifier_range_blockable(range))
			continue;
		mn_itree_inv_end(subs);
		return -EAGAIN;
	}
	return 0;
}

/*
 * Call every ->invalidate_range_start, even after one failed: a start
 * cannot tell whether its own call counted, so on failure the end of every
 * subscriber that has one is called here, and the caller calls none.  A
 * subscriber that can fail its start may not have an end (the kernel
 * warns), since that end would be called all the same.
 */
static int
mn_hlist_invalidate_range_start(struct mmu_notifier_subscriptions *subs,
				struct mmu_notifier_range *range)
{
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int ret = 0, id, err;

	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		const struct mmu_notifier_ops *ops = subscription->ops;

		if (!ops->invalidate_range_start)
			continue;
		cb_call("invalidate_range_start", range_nonblock(range),
			subscription);
		err = ops->invalidate_range_start(subscription, range);
		cb_return("invalidate_range_start", range_nonblock(range),
			  subscription, err);
		if (err)
			ret = err;
	}

	if (ret) {
		for_each_subscription(subscription, subs, pos) {
			if (!subscription->ops->invalidate_range_end)
				continue;
			cb_call("invalidate_range_end", range_nonblock(range),
				subscription);
			subscription->ops->invalidate_range_end(subscription,
								range);
			cb_return("invalidate_range_end", range_nonblock(range),
				  subscription, 0);
		}
	}
	srcu_read_unlock(&srcu, id);
	return ret;
}

/*
 * Interval subscriptions first: if one of them cannot proceed, the classic
 * ones are not even started.
 *
 * MODEL: failed-start-ends-interval: when the interval part succeeded
 * and a classic start fails, Linux 6.x returns -EAGAIN with the interval
 * invalidation still counted as active; since the caller must not call
 * the end, the odd window would then never close and
 * mmu_interval_read_begin() and mmu_interval_notifier_remove() would wait
 * forever.  The model ends it here instead.
 */
static int invalidate_range_start(struct mmu_notifier_subscriptions *subs,
				  struct mmu_notifier_range *range)
{
	bool itree = has_itree(subs);
	int ret;

	if (itree) {
		ret = mn_itree_invalidate(subs, range);
		if (ret)
			return ret;
	}
	if (!subs_list_empty(subs)) {
		ret = mn_hlist_invalidate_range_start(subs, range);
		if (ret && itree)
			mn_itree_inv_end(subs);
		return ret;
	}
	return 0;
}

int __mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(range->mm);
	int ret;

	trace_call("invalidate_range_start", range, range->start, range->end);
	ret = invalidate_range_start(subs, range);
	trace_done("invalidate_range_start", range, ret);
	return ret;
}

static void mn_hlist_invalidate_end(struct mmu_notifier_subscriptions *subs,
				    struct mmu_notifier_range *range,
				    bool only_end)
{
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int id;

	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		/*
		 * A subscriber with only ->invalidate_range gets its flush
		 * here too, unless the caller already made it under the
		 * page-table lock (only_end).
		 */
		if (!only_end && subscription->ops->invalidate_range) {
			cb_call("invalidate_range", false, subscription);
			subscription->ops->invalidate_range(
				subscription, range->mm, range->start,
				range->end);
			cb_return("invalidate_range", false, subscription, 0);
		}
		if (subscription->ops->invalidate_range_end) {
			cb_call("invalidate_range_end", range_nonblock(range),
				subscription);
			subscription->ops->invalidate_range_end(subscription,
								range);
			cb_return("invalidate_range_end", range_nonblock(range),
				  subscription, 0);
		}
	}
	srcu_read_unlock(&srcu, id);
}

void __mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range,
					 bool only_end)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(range->mm);

	trace_call("invalidate_range_end", range, range->start, range->end);
	if (has_itree(subs))
		mn_itree_inv_end(subs);
	if (!subs_list_empty(subs))
		mn_hlist_invalidate_end(subs, range, only_end);
	trace_done("invalidate_range_end", range, 0);
}

void __mmu_notifier_invalidate_range(struct mm_struct *mm, unsigned long start,
				     unsigned long end)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int id;

	trace_call("invalidate_range", NULL, start, end);
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (!subscription->ops->invalidate_range)
			continue;
		cb_call("invalidate_range", false, subscription);
		subscription->ops->invalidate_range(subscription, mm, start,
						    end);
		cb_return("invalidate_range", false, subscription, 0);
	}
	srcu_read_unlock(&srcu, id);
	trace_done("invalidate_range", NULL, 0);
}

/* Called by the model's TLB flushes; see the header. */
void __mmu_notifier_arch_invalidate_secondary_tlbs(struct mm_struct *mm,
						   unsigned long start,
						   unsigned long end)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	struct mmu_notifier *subscription;
	struct hlist_node *pos;
	int id;

	trace_call("arch_invalidate_secondary_tlbs", NULL, start, end);
	id = srcu_read_lock(&srcu);
	for_each_subscription(subscription, subs, pos) {
		if (!subscription->ops->arch_invalidate_secondary_tlbs)
			continue;
		cb_call("arch_invalidate_secondary_tlbs", false, subscription);
		subscription->ops->arch_invalidate_secondary_tlbs(
			subscription, mm, start, end);
		cb_return("arch_invalidate_secondary_tlbs", false, subscription,
			  0);
	}
	srcu_read_unlock(&srcu, id);
	trace_done("arch_invalidate_secondary_tlbs", NULL, 0);
}

bool mmu_notifier_range_update_to_read_only(
	const struct mmu_notifier_range *range)
{
	if (!range->vma || range->event != MMU_NOTIFY_PROTECTION_VMA)
		return false;
	/* mprotect() has already set the new flags. */
	return range->vma->vm_flags & VM_READ;
}

/* Registration. */

static struct mmu_notifier_subscriptions *
subscriptions_alloc(struct mm_struct *mm)
{
	struct mmu_notifier_subscriptions *subs;

	subs = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*subs));
	if (!subs)
		return NULL;
	INIT_HLIST_HEAD(&subs->list);
	spin_lock_init(&subs->lock);
	subs->lock.name = "mmu_notifier";
	/* Even (idle), and never equal to a new interval subscription's. */
	subs->invalidate_seq = 2;
	subs->itree = MSIM_AVL_ROOT;
	INIT_HLIST_HEAD(&subs->deferred_list);
	pthread_mutex_init(&subs->wq_lock, NULL);
	pthread_cond_init(&subs->wq, NULL);
	return subs;
}

/* A NULL @subscription registers the mm for interval subscriptions. */
int __mmu_notifier_register(struct mmu_notifier *subscription,
			    struct mm_struct *mm)
{
	struct mmu_notifier_subscriptions *subs = NULL;
	int ret;

	/*
	 * MODEL: register-needs-users: registration needs a live address
	 * space; Linux BUGs on an mm without users, the model refuses it.
	 */
	msim_mm_refs_access(mm, false);
	if (atomic_load(&mm->mm_users) <= 0)
		return -EINVAL;

	/*
	 * Allocate before taking the locks.  Nobody else can create the
	 * structure meanwhile: that needs the mmap lock we hold for writing.
	 */
	if (!mm->notifier_subscriptions) {
		subs = subscriptions_alloc(mm);
		if (!subs)
			return -ENOMEM;
	}

	ret = mm_take_all_locks(mm);
	if (ret) {
		if (subs)
			msim_kfree(mm->machine, MSIM_ALLOC_OTHER, subs);
		return ret;
	}

	/*
	 * With every lock held no invalidation runs, so none can see the
	 * structure half-made or a subscription on the list without having
	 * seen its start.  The release store is for readers that hold no
	 * lock (mm_has_notifiers()).
	 */
	if (subs)
		__atomic_store_n(&mm->notifier_subscriptions, subs,
				 __ATOMIC_RELEASE);
	subs = mm->notifier_subscriptions;

	if (subscription) {
		/* Paired with the mmdrop() of unregister or of the free. */
		mmgrab(mm);
		subscription->mm = mm;
		subscription->users = 1;

		spin_lock(&subs->lock);
		rcu_hlist_add_head(&subscription->hlist, &subs->list);
		spin_unlock(&subs->lock);
	} else {
		__atomic_store_n(&subs->has_itree, true, __ATOMIC_RELEASE);
	}

	mm_drop_all_locks(mm);
	return 0;
}

int mmu_notifier_register(struct mmu_notifier *subscription,
			  struct mm_struct *mm)
{
	int ret;

	mmap_write_lock(mm);
	ret = __mmu_notifier_register(subscription, mm);
	mmap_write_unlock(mm);
	return ret;
}

/* A new reference to @ops' subscription on @mm, if there is one. */
static struct mmu_notifier *
find_get_mmu_notifier(struct mm_struct *mm, const struct mmu_notifier_ops *ops)
{
	struct mmu_notifier_subscriptions *subs = mm->notifier_subscriptions;
	struct mmu_notifier *subscription;

	spin_lock(&subs->lock);
	hlist_for_each_entry(subscription, &subs->list, hlist)
	{
		if (subscription->ops != ops)
			continue;
		if (subscription->users != UINT_MAX)
			subscription->users++;
		else
			subscription = ERR_PTR(-EOVERFLOW);
		spin_unlock(&subs->lock);
		return subscription;
	}
	spin_unlock(&subs->lock);
	return NULL;
}

struct mmu_notifier *mmu_notifier_get_locked(const struct mmu_notifier_ops *ops,
					     struct mm_struct *mm)
{
	struct mmu_notifier *subscription;
	int ret;

	if (mm->notifier_subscriptions) {
		subscription = find_get_mmu_notifier(mm, ops);
		if (subscription)
			return subscription;
	}

	subscription = ops->alloc_notifier(mm);
	if (IS_ERR(subscription))
		return subscription;
	subscription->ops = ops;
	ret = __mmu_notifier_register(subscription, mm);
	if (ret) {
		ops->free_notifier(subscription);
		return ERR_PTR(ret);
	}
	return subscription;
}

void __mmu_notifier_subscriptions_destroy(struct mm_struct *mm)
{
	struct mmu_notifier_subscriptions *subs = mm->notifier_subscriptions;

	/*
	 * Every subscription pins mm_count, so by now all are gone: the
	 * list and the tree are empty and no invalidation runs.
	 */
	pthread_cond_destroy(&subs->wq);
	pthread_mutex_destroy(&subs->wq_lock);
	msim_spin_lock_destroy(&subs->lock);
	msim_kfree(mm->machine, MSIM_ALLOC_OTHER, subs);
	mm->notifier_subscriptions = NULL;
}

/*
 * Unregistering while exit_mmap() runs mmu_notifier_release() is allowed,
 * as in Linux 6.x: if the subscription is still listed, its ->release is
 * called here (perhaps a second time, when the exit's is running too),
 * and it is unlinked only afterwards.  Either way this returns only after
 * every callback of @subscription has returned.
 */
void mmu_notifier_unregister(struct mmu_notifier *subscription,
			     struct mm_struct *mm)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	int id;

	if (!rcu_hlist_unhashed(&subscription->hlist)) {
		/*
		 * The read section keeps mmu_notifier_release() from
		 * returning to exit_mmap(), which frees the pages, while
		 * this ->release runs.
		 */
		id = srcu_read_lock(&srcu);
		if (subscription->ops->release) {
			cb_call("release", false, subscription);
			subscription->ops->release(subscription, mm);
			cb_return("release", false, subscription, 0);
		}
		srcu_read_unlock(&srcu, id);

		spin_lock(&subs->lock);
		rcu_hlist_del_init(&subscription->hlist);
		spin_unlock(&subs->lock);
	}

	/* Wait for every callback still running, ->release included. */
	synchronize_srcu(&srcu);

	/* The registration's pin. */
	mmdrop(mm);
}

static void mmu_notifier_free_rcu(struct rcu_head *rcu)
{
	struct mmu_notifier *subscription =
		container_of(rcu, struct mmu_notifier, rcu);
	struct mm_struct *mm = subscription->mm;

	subscription->ops->free_notifier(subscription);
	/* The registration's pin. */
	mmdrop(mm);
}

void mmu_notifier_put(struct mmu_notifier *subscription)
{
	struct mm_struct *mm = subscription->mm;
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);

	spin_lock(&subs->lock);
	/* A put without a get is a driver bug; ignore it. */
	if (!subscription->users || --subscription->users) {
		spin_unlock(&subs->lock);
		return;
	}
	/* Already off the list if exit_mmap() released it. */
	rcu_hlist_del_init(&subscription->hlist);
	spin_unlock(&subs->lock);

	call_srcu(&srcu, &subscription->rcu, mmu_notifier_free_rcu);
}

/*
 * Linux's only waits for a grace period, after which its SRCU machinery
 * runs the queued frees by itself.  Here nothing runs them but a thread
 * that waits for a grace period (see srcu.h), so wait for them too.
 */
void mmu_notifier_synchronize(void)
{
	srcu_barrier(&srcu);
}

/* Interval subscriptions. */

static int __mmu_interval_notifier_insert(
	struct mmu_interval_notifier *interval_sub, struct mm_struct *mm,
	struct mmu_notifier_subscriptions *subs, unsigned long start,
	unsigned long length, const struct mmu_interval_notifier_ops *ops)
{
	interval_sub->mm = mm;
	interval_sub->ops = ops;
	msim_interval_tree_clear_node(&interval_sub->interval_tree);
	interval_sub->interval_tree.start = start;
	/* The tree's intervals include their last address. */
	if (length == 0 ||
	    __builtin_add_overflow(start, length - 1,
				   &interval_sub->interval_tree.last))
		return -EOVERFLOW;

	msim_mm_refs_access(mm, false);
	if (atomic_load(&mm->mm_users) <= 0)
		return -EINVAL;

	/* Paired with the mmdrop() in mmu_interval_notifier_remove(). */
	mmgrab(mm);

	/*
	 * While invalidations run we cannot know which ranges they cover,
	 * so the new range must count as invalidated: its sequence is the
	 * mm's, odd, and read_begin() waits for the window to close.  If a
	 * window is open the tree is frozen and the insert waits on the
	 * deferred list; if none is (no running invalidation hit anything),
	 * open one so that the invalidations that are running close it.
	 *
	 * With nothing running the new sequence is the mm's minus one: odd,
	 * so that it never equals an idle mm's, and far from being reached
	 * again.
	 */
	spin_lock(&subs->lock);
	if (subs->active_invalidate_ranges) {
		if (mn_itree_is_invalidating(subs)) {
			hlist_add_head(&interval_sub->deferred_item,
				       &subs->deferred_list);
		} else {
			store_seq(subs, &subs->invalidate_seq,
				  subs->invalidate_seq | 1);
			interval_tree_insert(&interval_sub->interval_tree,
					     &subs->itree);
		}
		store_seq(subs, &interval_sub->invalidate_seq,
			  subs->invalidate_seq);
	} else {
		store_seq(subs, &interval_sub->invalidate_seq,
			  subs->invalidate_seq - 1);
		interval_tree_insert(&interval_sub->interval_tree,
				     &subs->itree);
	}
	spin_unlock(&subs->lock);
	return 0;
}

/*
 * The mm's first interval notifier needs the subscriptions structure: a
 * registration without a subscription, made with or without the mmap
 * lock already held.
 */
static int interval_insert(struct mmu_interval_notifier *interval_sub,
			   struct mm_struct *mm, unsigned long start,
			   unsigned long length,
			   const struct mmu_interval_notifier_ops *ops,
			   bool locked)
{
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	int ret;

	if (!subs || !has_itree(subs)) {
		ret = locked ? __mmu_notifier_register(NULL, mm)
			     : mmu_notifier_register(NULL, mm);
		if (ret)
			return ret;
		subs = mm_subscriptions(mm);
	}
	return __mmu_interval_notifier_insert(interval_sub, mm, subs, start,
					      length, ops);
}

int mmu_interval_notifier_insert(struct mmu_interval_notifier *interval_sub,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long length,
				 const struct mmu_interval_notifier_ops *ops)
{
	return interval_insert(interval_sub, mm, start, length, ops, false);
}

int mmu_interval_notifier_insert_locked(
	struct mmu_interval_notifier *interval_sub, struct mm_struct *mm,
	unsigned long start, unsigned long length,
	const struct mmu_interval_notifier_ops *ops)
{
	return interval_insert(interval_sub, mm, start, length, ops, true);
}

void mmu_interval_notifier_remove(struct mmu_interval_notifier *interval_sub)
{
	struct mm_struct *mm = interval_sub->mm;
	struct mmu_notifier_subscriptions *subs = mm_subscriptions(mm);
	unsigned long seq = 0;

	mn_itree_may_wait(subs, MSIM_THIS_SITE);
	spin_lock(&subs->lock);
	if (mn_itree_is_invalidating(subs)) {
		struct interval_tree_node *node = &interval_sub->interval_tree;

		if (msim_interval_tree_node_empty(node)) {
			/* Its insert is still queued: cancel it. */
			hlist_del_init(&interval_sub->deferred_item);
		} else {
			/* The tree is frozen: queue the removal, then wait. */
			hlist_add_head(&interval_sub->deferred_item,
				       &subs->deferred_list);
			seq = subs->invalidate_seq;
		}
	} else {
		interval_tree_remove(&interval_sub->interval_tree,
				     &subs->itree);
	}
	spin_unlock(&subs->lock);

	/*
	 * A running invalidation may be calling our ->invalidate, and the
	 * deferred list holds our node until the window closes.  Seeing
	 * the sequence move is not enough: the closer moves it before it
	 * walks the deferred list, so take the lock once more to wait for
	 * the rest of its critical section (the race fixed in Linux in
	 * 2022).  The caller must not hold a lock ->invalidate takes.
	 */
	if (seq)
		mn_itree_wait_seq(subs, seq);
	msim_current_thread_info()->site = NULL;
	if (seq) {
		spin_lock(&subs->lock);
		spin_unlock(&subs->lock);
	}

	/* The insert's pin. */
	mmdrop(mm);
}
