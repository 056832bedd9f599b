/* SPDX-License-Identifier: MIT */
/**
 * DOC: Sleepable RCU
 *
 * The part of Linux's SRCU the notifier code needs: readers that may sleep
 * mark a read-side critical section with srcu_read_lock()/srcu_read_unlock(),
 * and an updater that has unlinked an object either waits with
 * synchronize_srcu() until every reader that could still see it has left,
 * or hands the object to call_srcu() to be freed after such a grace period.
 *
 * The model keeps two reader counts and flips new readers from one to the
 * other at each grace period, so that a grace period waits only for the
 * readers that entered before it: a stream of new readers cannot hold it
 * off forever.  Readers take a mutex, which real SRCU avoids; here being
 * obviously correct (and race-detector clean) is worth more than speed.
 *
 * There is no callback thread: callbacks queued by call_srcu() run, in
 * queueing order, at the end of the next synchronize_srcu() (on any
 * thread) that started after they were queued, or in srcu_barrier(),
 * which waits until every callback queued before it has run.  That is a
 * thread that may sleep and so holds no spinlock, the nearest thing to
 * the nothing-held context of Linux's callbacks.  Like Linux's they must
 * not sleep, and must not call synchronize_srcu() on the same
 * srcu_struct.
 *
 * Grace-period waits go through msim_sync_wait() under the name "srcu",
 * so that a scheduler installed with msim_set_sync_ops() sees a thread
 * waiting for readers, as it sees one waiting for a lock.  Entering and
 * leaving a read-side section and synchronize_srcu() are scheduling
 * points too, and the hooks see a reader as holding the domain for
 * reading (->acquired, ->released), so that a deadlock report can name
 * the readers a grace period waits for.
 */
#ifndef MMSIM_SRCU_H
#define MMSIM_SRCU_H

#include <mmsim/export.h>
#include <pthread.h>
#include <stdbool.h>

/**
 * struct rcu_head - a callback queued for after a grace period
 * @next: the next queued callback
 * @func: what to call, with this head
 */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

/**
 * struct srcu_struct - one SRCU domain
 * @lock: protects everything below
 * @cond: signalled when a reader count drops to zero or a grace period or
 *	a callback batch ends
 * @idx: which of @readers new readers count on
 * @readers: readers that entered while @idx had each value
 * @gp_running: a grace period is flipping and draining (one at a time)
 * @cbs: callbacks waiting for a grace period, oldest first; @cbs_tail is
 *	the link the next one goes into
 * @ready: callbacks whose grace period is over, waiting to be run
 * @cbs_queued, @cbs_ready, @cbs_done: callbacks ever queued, ever made
 *	ready, ever run (all in queueing order), so that srcu_barrier() knows
 *	when the ones queued before it have run
 * @cbs_running: a thread is running the ready callbacks
 * @msim_id: the domain's number for the hooks (msim_sync_new_id()), 0 for
 *	a static one
 */
struct srcu_struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int idx;
	unsigned long readers[2];
	bool gp_running;
	struct rcu_head *cbs;
	struct rcu_head **cbs_tail;
	struct rcu_head *ready;
	struct rcu_head **ready_tail;
	unsigned long cbs_queued;
	unsigned long cbs_ready;
	unsigned long cbs_done;
	bool cbs_running;
	unsigned int msim_id;
};

/** DEFINE_STATIC_SRCU - a file-scope srcu_struct that needs no init. */
#define DEFINE_STATIC_SRCU(name)                                               \
	static struct srcu_struct name = {                                     \
		.lock = PTHREAD_MUTEX_INITIALIZER,                             \
		.cond = PTHREAD_COND_INITIALIZER,                              \
		.cbs_tail = &name.cbs,                                         \
		.ready_tail = &name.ready,                                     \
	}

/** init_srcu_struct - set up @ssp; always 0 here. */
MSIM_API int msim_init_srcu_struct(struct srcu_struct *ssp);
static inline int init_srcu_struct(struct srcu_struct *ssp)
{
	return msim_init_srcu_struct(ssp);
}

/** cleanup_srcu_struct - tear down @ssp; it must have no reader or callback. */
MSIM_API void msim_cleanup_srcu_struct(struct srcu_struct *ssp);
static inline void cleanup_srcu_struct(struct srcu_struct *ssp)
{
	msim_cleanup_srcu_struct(ssp);
}

/**
 * srcu_read_lock - enter a read-side critical section
 * Return: the index to pass to the matching srcu_read_unlock().
 */
MSIM_API int msim_srcu_read_lock(struct srcu_struct *ssp);
static inline int srcu_read_lock(struct srcu_struct *ssp)
{
	return msim_srcu_read_lock(ssp);
}

/** srcu_read_unlock - leave the critical section entered with @idx. */
MSIM_API void msim_srcu_read_unlock(struct srcu_struct *ssp, int idx);
static inline void srcu_read_unlock(struct srcu_struct *ssp, int idx)
{
	msim_srcu_read_unlock(ssp, idx);
}

/**
 * synchronize_srcu - wait until every reader that entered before this call
 * has left.  Must not be called inside a read-side critical section of @ssp.
 */
MSIM_API void msim_synchronize_srcu(struct srcu_struct *ssp);
static inline void synchronize_srcu(struct srcu_struct *ssp)
{
	msim_synchronize_srcu(ssp);
}

/** call_srcu - call @func(@rhp) after a grace period. */
MSIM_API void msim_call_srcu(struct srcu_struct *ssp, struct rcu_head *rhp,
			     void (*func)(struct rcu_head *head));
static inline void call_srcu(struct srcu_struct *ssp, struct rcu_head *rhp,
			     void (*func)(struct rcu_head *head))
{
	msim_call_srcu(ssp, rhp, func);
}

/** srcu_barrier - wait until every callback queued before it has run. */
MSIM_API void msim_srcu_barrier(struct srcu_struct *ssp);
static inline void srcu_barrier(struct srcu_struct *ssp)
{
	msim_srcu_barrier(ssp);
}

#endif /* MMSIM_SRCU_H */
