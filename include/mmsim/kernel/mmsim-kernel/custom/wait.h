/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: wait queues and completions.
 *
 * A wait queue is a pthread mutex, a condition variable and a sequence
 * number.  wait_event() samples the sequence, tests the condition
 * without any lock of the queue's held (as the kernel's does, so that the
 * condition may take the caller's locks), and sleeps until a wake_up()
 * moves the sequence: no wakeup is lost.  The sleeps go through
 * msim_sync_wait() under the queue's name, so a deterministic scheduler
 * sees them; the timed waits (wait_event_timeout(), ...) sleep on the
 * host clock and a scheduler does not.  The interruptible and killable
 * forms never see a signal.
 * MODEL: waitqueue-active-true: waitqueue_active() always says true (a
 * caller only skips a wakeup when it is false, so this costs wakeups,
 * never loses one).
 *
 * A completion is a count under a wait queue, as in the kernel.
 */
#ifndef MMSIM_KERNEL_CUSTOM_WAIT_H
#define MMSIM_KERNEL_CUSTOM_WAIT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <mmsim/export.h>
#include <mmsim/locking.h>
#include <mmsim-kernel/custom/jiffies.h>

struct wait_queue_head {
	pthread_mutex_t msim_lock;
	pthread_cond_t msim_cond;
	unsigned long msim_seq;
	const char *msim_name;
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)                                    \
	{                                                                      \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, #name  \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name)                                          \
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

MSIM_API void msim_init_waitqueue_head(wait_queue_head_t *wq_head,
				       const char *name);
/** msim_wait_seq - the queue's wakeup count, to sleep on. */
MSIM_API unsigned long msim_wait_seq(wait_queue_head_t *wq_head);
/** msim_wait_sleep - sleep until a wakeup after the one @seq counted. */
MSIM_API void msim_wait_sleep(wait_queue_head_t *wq_head, unsigned long seq);
/**
 * msim_wait_sleep_until - the same, but give up at jiffies @deadline
 * Return: false if the deadline passed.
 */
MSIM_API bool msim_wait_sleep_until(wait_queue_head_t *wq_head,
				    unsigned long seq, unsigned long deadline);
/** msim_wake_up - wake every sleeper of @wq_head. */
MSIM_API void msim_wake_up(wait_queue_head_t *wq_head);
MSIM_API void msim_destroy_waitqueue_head(wait_queue_head_t *wq_head);

#define init_waitqueue_head(wq) msim_init_waitqueue_head((wq), #wq)
#define wake_up(wq) msim_wake_up(wq)
#define wake_up_all(wq) msim_wake_up(wq)
#define wake_up_interruptible(wq) msim_wake_up(wq)
#define wake_up_interruptible_all(wq) msim_wake_up(wq)
#define wake_up_var(var) ((void)(var))
#define waitqueue_active(wq) ((void)(wq), 1)
#define wq_has_sleeper(wq) ((void)(wq), 1)

#define wait_event(wq_head, condition)                                         \
	do {                                                                   \
		unsigned long msim_seq_;                                       \
		for (;;) {                                                     \
			msim_seq_ = msim_wait_seq(&(wq_head));                 \
			if (condition)                                         \
				break;                                         \
			msim_wait_sleep(&(wq_head), msim_seq_);                \
		}                                                              \
	} while (0)

#define wait_event_interruptible(wq_head, condition)                           \
	({                                                                     \
		wait_event(wq_head, condition);                                \
		0;                                                             \
	})
#define wait_event_killable(wq_head, condition)                                \
	wait_event_interruptible(wq_head, condition)
#define wait_event_idle(wq_head, condition) wait_event(wq_head, condition)

/*
 * The jiffies left (at least 1) if @condition came true, 0 if @timeout
 * passed first; as the kernel's, whatever the interrupt forms say.
 */
#define wait_event_timeout(wq_head, condition, timeout)                        \
	({                                                                     \
		unsigned long msim_deadline_ = jiffies + (timeout);            \
		unsigned long msim_seq_;                                       \
		long msim_ret_;                                                \
		for (;;) {                                                     \
			msim_seq_ = msim_wait_seq(&(wq_head));                 \
			if (condition) {                                       \
				msim_ret_ = (long)(msim_deadline_ - jiffies);  \
				if (msim_ret_ < 1)                             \
					msim_ret_ = 1;                         \
				break;                                         \
			}                                                      \
			if (!msim_wait_sleep_until(&(wq_head), msim_seq_,      \
						   msim_deadline_)) {          \
				msim_ret_ = (condition) ? 1 : 0;               \
				break;                                         \
			}                                                      \
		}                                                              \
		msim_ret_;                                                     \
	})
#define wait_event_interruptible_timeout(wq_head, condition, timeout)          \
	wait_event_timeout(wq_head, condition, timeout)
#define wait_event_killable_timeout(wq_head, condition, timeout)               \
	wait_event_timeout(wq_head, condition, timeout)

/* Completions. */
struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};

#define COMPLETION_INITIALIZER(work)                                           \
	{                                                                      \
		0, __WAIT_QUEUE_HEAD_INITIALIZER((work).wait)                  \
	}
#define DECLARE_COMPLETION(work)                                               \
	struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

MSIM_API void msim_init_completion(struct completion *x, const char *name);
MSIM_API void msim_reinit_completion(struct completion *x);
MSIM_API void msim_complete(struct completion *x);
MSIM_API void msim_complete_all(struct completion *x);
MSIM_API void msim_wait_for_completion(struct completion *x);
MSIM_API unsigned long msim_wait_for_completion_timeout(struct completion *x,
							unsigned long timeout);
MSIM_API bool msim_try_wait_for_completion(struct completion *x);
MSIM_API bool msim_completion_done(struct completion *x);

/** complete - one waiter (present or future) may go on. */
static inline void complete(struct completion *x)
{
	msim_complete(x);
}

/** complete_all - every waiter, now and until reinit_completion(). */
static inline void complete_all(struct completion *x)
{
	msim_complete_all(x);
}

static inline void wait_for_completion(struct completion *x)
{
	msim_wait_for_completion(x);
}

/**
 * wait_for_completion_timeout - Return: 0 on timeout, else the jiffies
 * left (at least 1).
 */
static inline unsigned long wait_for_completion_timeout(struct completion *x,
							unsigned long timeout)
{
	return msim_wait_for_completion_timeout(x, timeout);
}

static inline bool try_wait_for_completion(struct completion *x)
{
	return msim_try_wait_for_completion(x);
}

static inline bool completion_done(struct completion *x)
{
	return msim_completion_done(x);
}

#define init_completion(x) msim_init_completion((x), #x)

static inline void reinit_completion(struct completion *x)
{
	msim_reinit_completion(x);
}

static inline int wait_for_completion_interruptible(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

static inline int wait_for_completion_killable(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

#endif /* MMSIM_KERNEL_CUSTOM_WAIT_H */
