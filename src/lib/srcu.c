// SPDX-License-Identifier: MIT
/*
 * SRCU on a mutex and a condition variable; see srcu.h.
 *
 * Grace periods: readers count themselves on the side @idx names.  A grace
 * period flips @idx, so that later readers count on the other side, and
 * waits for the old side to drain.  Grace periods run one at a time, so
 * when one starts the other side is already empty (the previous one
 * drained it and nobody has counted on it since): every reader that
 * entered before the flip is on the old side, and no reader that enters
 * after it is waited for.
 *
 * Callbacks carry a sequence number (their position in queueing order).
 * @cbs holds the ones whose grace period may not be over, numbered
 * [cbs_ready, cbs_queued); a callback becomes ready when a grace period
 * that started after it was queued ends.  Ready callbacks are run outside
 * the lock by one thread at a time, in order, so that "cbs_done >= n"
 * means the first n have all run.
 *
 * MODEL: srcu-no-callback-thread: callbacks run at the end of the next
 * grace period some thread waits for (synchronize_srcu(), srcu_barrier()),
 * not from a kernel thread of their own; so the frees queued by
 * mmu_notifier_put() wait for such a thread too.
 *
 * Why only a thread that waited for a grace period runs them: Linux runs
 * SRCU callbacks from its own context, with nothing held, so a callback
 * may take a spinlock that the thread calling call_srcu() or
 * srcu_read_unlock() holds.  A thread that can sleep in synchronize_srcu()
 * holds no spinlock, so running them there cannot deadlock that way.  A
 * callback thread of our own would be closer still, but would run outside
 * the control of a deterministic scheduler.
 */
#include <mmsim/locking.h>
#include <mmsim/srcu.h>
#include <mmsim/thread_info.h>
#include <mmsim/trace.h>

int msim_init_srcu_struct(struct srcu_struct *ssp)
{
	pthread_mutex_init(&ssp->lock, NULL);
	pthread_cond_init(&ssp->cond, NULL);
	ssp->idx = 0;
	ssp->readers[0] = ssp->readers[1] = 0;
	ssp->gp_running = false;
	ssp->cbs = NULL;
	ssp->cbs_tail = &ssp->cbs;
	ssp->ready = NULL;
	ssp->ready_tail = &ssp->ready;
	ssp->cbs_queued = ssp->cbs_ready = ssp->cbs_done = 0;
	ssp->cbs_running = false;
	ssp->msim_id = msim_sync_new_id();
	return 0;
}

void msim_cleanup_srcu_struct(struct srcu_struct *ssp)
{
	pthread_cond_destroy(&ssp->cond);
	pthread_mutex_destroy(&ssp->lock);
}

/* Move the callbacks numbered below @upto from @cbs to @ready.  Locked. */
static void make_ready(struct srcu_struct *ssp, unsigned long upto)
{
	struct rcu_head *rhp;

	while (ssp->cbs_ready < upto) {
		rhp = ssp->cbs;
		ssp->cbs = rhp->next;
		if (!ssp->cbs)
			ssp->cbs_tail = &ssp->cbs;
		rhp->next = NULL;
		*ssp->ready_tail = rhp;
		ssp->ready_tail = &rhp->next;
		ssp->cbs_ready++;
	}
}

/*
 * Run the ready callbacks unless another thread already does (it will
 * find ours too before it stops).  Called with the lock held; drops it
 * around the calls.
 */
static void run_ready(struct srcu_struct *ssp)
{
	struct rcu_head *batch, *next;
	unsigned long n;

	if (ssp->cbs_running)
		return;
	ssp->cbs_running = true;
	while (ssp->ready) {
		batch = ssp->ready;
		ssp->ready = NULL;
		ssp->ready_tail = &ssp->ready;
		pthread_mutex_unlock(&ssp->lock);
		for (n = 0; batch; n++) {
			next = batch->next;
			batch->func(batch);
			batch = next;
		}
		pthread_mutex_lock(&ssp->lock);
		ssp->cbs_done += n;
		msim_sync_wake(ssp, &ssp->cond, "srcu");
	}
	ssp->cbs_running = false;
}

/* The hooks, as locking.c calls them. */
static void srcu_point(struct srcu_struct *ssp, enum msim_sync_event ev)
{
	const struct msim_sync_ops *ops = msim_get_sync_ops();

	if (ops && ops->point)
		ops->point(ssp, ev, "srcu");
}

/*
 * MODEL: srcu-reader-mutex: a reader takes the srcu_struct's mutex to
 * count itself, where Linux's readers only touch per-CPU counters; being
 * obviously correct, and clean for a race detector, is worth more here
 * than speed.
 */
int msim_srcu_read_lock(struct srcu_struct *ssp)
{
	const struct msim_sync_ops *ops;
	int idx;

	srcu_point(ssp, MSIM_SYNC_SRCU_READ_LOCK);
	pthread_mutex_lock(&ssp->lock);
	idx = (int)ssp->idx;
	ssp->readers[idx]++;
	pthread_mutex_unlock(&ssp->lock);
	msim_trace(MSIM_TRACE_SRCU_READ_LOCK, .s = { "srcu" },
		   .a = { ssp->msim_id, (uint64_t)idx });
	ops = msim_get_sync_ops();
	if (ops && ops->acquired)
		ops->acquired(ssp, MSIM_SYNC_SRCU_READ_LOCK, "srcu", NULL);
	return idx;
}

void msim_srcu_read_unlock(struct srcu_struct *ssp, int idx)
{
	const struct msim_sync_ops *ops = msim_get_sync_ops();
	bool underflow;

	msim_trace(MSIM_TRACE_SRCU_READ_UNLOCK, .s = { "srcu" },
		   .a = { ssp->msim_id, (uint64_t)idx });
	if (ops && ops->released)
		ops->released(ssp, MSIM_SYNC_SRCU_READ_UNLOCK, "srcu");
	pthread_mutex_lock(&ssp->lock);
	underflow = !ssp->readers[idx];
	if (!underflow && !--ssp->readers[idx])
		msim_sync_wake(ssp, &ssp->cond, "srcu");
	pthread_mutex_unlock(&ssp->lock);
	if (underflow)
		msim_sync_bug("srcu_read_unlock() without srcu_read_lock()",
			      MSIM_THIS_SITE);
	srcu_point(ssp, MSIM_SYNC_SRCU_READ_UNLOCK);
}

void msim_synchronize_srcu(struct srcu_struct *ssp)
{
	const struct msim_site *outer = msim_current_thread_info()->site;
	unsigned long upto;
	unsigned int old;

	msim_might_sleep("synchronize_srcu", MSIM_THIS_SITE);
	msim_current_thread_info()->site = MSIM_THIS_SITE;
	msim_trace(MSIM_TRACE_SRCU_SYNC_BEGIN, .s = { "srcu" },
		   .a = { ssp->msim_id });
	srcu_point(ssp, MSIM_SYNC_SYNCHRONIZE_SRCU);
	pthread_mutex_lock(&ssp->lock);
	while (ssp->gp_running)
		msim_sync_wait(ssp, &ssp->lock, &ssp->cond, "srcu");
	ssp->gp_running = true;
	upto = ssp->cbs_queued;
	old = ssp->idx;
	ssp->idx = old ^ 1;
	while (ssp->readers[old])
		msim_sync_wait(ssp, &ssp->lock, &ssp->cond, "srcu");
	ssp->gp_running = false;
	msim_sync_wake(ssp, &ssp->cond, "srcu");
	make_ready(ssp, upto);
	run_ready(ssp);
	pthread_mutex_unlock(&ssp->lock);
	msim_trace(MSIM_TRACE_SRCU_SYNC_END, .s = { "srcu" },
		   .a = { ssp->msim_id });
	msim_current_thread_info()->site = outer;
}

void msim_call_srcu(struct srcu_struct *ssp, struct rcu_head *rhp,
		    void (*func)(struct rcu_head *head))
{
	rhp->func = func;
	rhp->next = NULL;
	pthread_mutex_lock(&ssp->lock);
	*ssp->cbs_tail = rhp;
	ssp->cbs_tail = &rhp->next;
	ssp->cbs_queued++;
	pthread_mutex_unlock(&ssp->lock);
}

void msim_srcu_barrier(struct srcu_struct *ssp)
{
	unsigned long upto;

	msim_might_sleep("srcu_barrier", MSIM_THIS_SITE);
	pthread_mutex_lock(&ssp->lock);
	upto = ssp->cbs_queued;
	pthread_mutex_unlock(&ssp->lock);

	synchronize_srcu(ssp);

	pthread_mutex_lock(&ssp->lock);
	while (ssp->cbs_done < upto)
		msim_sync_wait(ssp, &ssp->lock, &ssp->cond, "srcu");
	pthread_mutex_unlock(&ssp->lock);
}
