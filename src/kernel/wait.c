// SPDX-License-Identifier: MIT
/*
 * Wait queues and completions (see mmsim-kernel/custom/wait.h).
 *
 * A wait queue counts its wakeups in msim_seq under msim_lock.  A waiter
 * reads the count, tests its condition with no lock of the queue's held,
 * and sleeps only while the count has not moved: a wake_up() that came
 * after the test moved it, so no wakeup is lost.  A completion keeps its
 * count under the same lock.
 */
#include <errno.h>
#include <time.h>
#include <linux/completion.h>
#include <linux/wait.h>

void msim_init_waitqueue_head(wait_queue_head_t *wq, const char *name)
{
	pthread_mutex_init(&wq->msim_lock, NULL);
	pthread_cond_init(&wq->msim_cond, NULL);
	wq->msim_seq = 0;
	wq->msim_name = name;
}

void msim_destroy_waitqueue_head(wait_queue_head_t *wq)
{
	pthread_cond_destroy(&wq->msim_cond);
	pthread_mutex_destroy(&wq->msim_lock);
}

unsigned long msim_wait_seq(wait_queue_head_t *wq)
{
	unsigned long seq;

	pthread_mutex_lock(&wq->msim_lock);
	seq = wq->msim_seq;
	pthread_mutex_unlock(&wq->msim_lock);
	return seq;
}

void msim_wait_sleep(wait_queue_head_t *wq, unsigned long seq)
{
	pthread_mutex_lock(&wq->msim_lock);
	while (wq->msim_seq == seq)
		msim_sync_wait(wq, &wq->msim_lock, &wq->msim_cond,
			       wq->msim_name);
	pthread_mutex_unlock(&wq->msim_lock);
}

/* The host's CLOCK_REALTIME at jiffies @deadline, for a timed wait. */
static struct timespec deadline_ts(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	struct timespec ts;
	u64 ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = left > 0 ? (u64)left * (NSEC_PER_SEC / HZ) : 0;
	ts.tv_sec += (time_t)(ns / NSEC_PER_SEC);
	ts.tv_nsec += (long)(ns % NSEC_PER_SEC);
	if (ts.tv_nsec >= NSEC_PER_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= NSEC_PER_SEC;
	}
	return ts;
}

bool msim_wait_sleep_until(wait_queue_head_t *wq, unsigned long seq,
			   unsigned long deadline)
{
	struct timespec ts = deadline_ts(deadline);
	bool woken = true;

	pthread_mutex_lock(&wq->msim_lock);
	while (wq->msim_seq == seq) {
		if (time_after_eq(jiffies, deadline) ||
		    pthread_cond_timedwait(&wq->msim_cond, &wq->msim_lock,
					   &ts) == ETIMEDOUT) {
			woken = wq->msim_seq != seq;
			break;
		}
	}
	pthread_mutex_unlock(&wq->msim_lock);
	return woken;
}

void msim_wake_up(wait_queue_head_t *wq)
{
	pthread_mutex_lock(&wq->msim_lock);
	wq->msim_seq++;
	msim_sync_wake(wq, &wq->msim_cond, wq->msim_name);
	pthread_mutex_unlock(&wq->msim_lock);
}

/* Completions: complete_all() makes the count "infinite". */
#define COMPLETE_ALL UINT_MAX

void msim_init_completion(struct completion *x, const char *name)
{
	x->done = 0;
	msim_init_waitqueue_head(&x->wait, name);
}

void msim_reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->wait.msim_lock);
	x->done = 0;
	pthread_mutex_unlock(&x->wait.msim_lock);
}

void msim_complete(struct completion *x)
{
	pthread_mutex_lock(&x->wait.msim_lock);
	if (x->done != COMPLETE_ALL)
		x->done++;
	x->wait.msim_seq++;
	msim_sync_wake(&x->wait, &x->wait.msim_cond, x->wait.msim_name);
	pthread_mutex_unlock(&x->wait.msim_lock);
}

void msim_complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->wait.msim_lock);
	x->done = COMPLETE_ALL;
	x->wait.msim_seq++;
	msim_sync_wake(&x->wait, &x->wait.msim_cond, x->wait.msim_name);
	pthread_mutex_unlock(&x->wait.msim_lock);
}

/* Take one count; under the queue's lock. */
static bool take_done(struct completion *x)
{
	if (!x->done)
		return false;
	if (x->done != COMPLETE_ALL)
		x->done--;
	return true;
}

void msim_wait_for_completion(struct completion *x)
{
	pthread_mutex_lock(&x->wait.msim_lock);
	while (!take_done(x))
		msim_sync_wait(&x->wait, &x->wait.msim_lock, &x->wait.msim_cond,
			       x->wait.msim_name);
	pthread_mutex_unlock(&x->wait.msim_lock);
}

unsigned long msim_wait_for_completion_timeout(struct completion *x,
					       unsigned long timeout)
{
	unsigned long deadline = jiffies + timeout;
	struct timespec ts = deadline_ts(deadline);
	unsigned long left = 0;

	pthread_mutex_lock(&x->wait.msim_lock);
	for (;;) {
		if (take_done(x)) {
			left = time_after(deadline, jiffies)
				       ? deadline - jiffies
				       : 1;
			break;
		}
		if (time_after_eq(jiffies, deadline) ||
		    pthread_cond_timedwait(&x->wait.msim_cond,
					   &x->wait.msim_lock,
					   &ts) == ETIMEDOUT) {
			left = take_done(x) ? 1 : 0;
			break;
		}
	}
	pthread_mutex_unlock(&x->wait.msim_lock);
	return left;
}

bool msim_try_wait_for_completion(struct completion *x)
{
	bool ret;

	pthread_mutex_lock(&x->wait.msim_lock);
	ret = take_done(x);
	pthread_mutex_unlock(&x->wait.msim_lock);
	return ret;
}

bool msim_completion_done(struct completion *x)
{
	bool ret;

	pthread_mutex_lock(&x->wait.msim_lock);
	ret = x->done != 0;
	pthread_mutex_unlock(&x->wait.msim_lock);
	return ret;
}
