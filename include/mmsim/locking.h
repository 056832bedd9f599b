/* SPDX-License-Identifier: MIT */
/**
 * DOC: Locks
 *
 * spinlock_t and struct rw_semaphore with the kernel's operations, built on
 * pthreads.  Every operation first passes through msim_sync_ops when one is
 * installed, so that a deterministic scheduler can make each acquisition a
 * preemption point and, when a lock is contended, park the thread and run
 * another instead of letting pthreads block it.  The pthread mutex inside
 * each lock only guards the lock's own state and is never held across a
 * scheduling point.  Without msim_sync_ops the locks behave as ordinary
 * blocking locks for real threads.
 *
 * The same hooks see the rest of what a scheduler and a lock checker need:
 * when a lock is acquired and where (the site, as lockdep records
 * _RET_IP_), when it is released, every might_sleep(), the explicit
 * preemption points the model declares (msim_preempt_point()), polling
 * waits that give the other threads a turn (msim_sync_yield()), shared
 * state read or written outside any lock (msim_sync_access()), and BUG()s.
 *
 * The kernel-named acquisitions (spin_lock(), down_read(), ...) are macros
 * so that they record their caller's site; msim_spin_lock() and friends
 * take it as an argument (NULL: unknown).  A spinlock held raises the
 * thread's preempt count (<mmsim/thread_info.h>), as in the kernel.
 */
#ifndef MMSIM_LOCKING_H
#define MMSIM_LOCKING_H

#include <mmsim/export.h>
#include <pthread.h>
#include <stdbool.h>

/*
 * What a scheduling point is about to do.  The lock operations come first
 * and keep their values; the rest were added with the scheduler.
 */
enum msim_sync_event {
	MSIM_SYNC_SPIN_LOCK,
	MSIM_SYNC_SPIN_UNLOCK,
	MSIM_SYNC_DOWN_READ,
	MSIM_SYNC_UP_READ,
	MSIM_SYNC_DOWN_WRITE,
	MSIM_SYNC_UP_WRITE,
	MSIM_SYNC_DOWNGRADE,
	MSIM_SYNC_SRCU_READ_LOCK,
	MSIM_SYNC_SRCU_READ_UNLOCK,
	MSIM_SYNC_SYNCHRONIZE_SRCU,
	MSIM_SYNC_PREEMPT, /* msim_preempt_point(): no lock, @name the point */
	MSIM_SYNC_CALL,	   /* a notifier callback is called: @name its op */
	MSIM_SYNC_RETURN,  /* ... and has returned */
	MSIM_SYNC_YIELD,   /* msim_sync_yield(): a polling wait */
	MSIM_SYNC_MAP_ACQUIRE, /* msim_lock_map_acquire(): never a point */
	MSIM_SYNC_MAP_RELEASE, /* msim_lock_map_release(): never a point */
	MSIM_NR_SYNC_EVENTS
};

/** msim_sync_event_name - "spin_lock", "down_read", ..., "preempt". */
MSIM_API const char *msim_sync_event_name(enum msim_sync_event ev);

/**
 * struct msim_site - where in the library something happened
 * @func: the function, as __func__
 * @file: the source file, as __FILE__
 * @line: the line
 */
struct msim_site {
	const char *func;
	const char *file;
	int line;
};

/* The caller's site, for the _at functions and the hooks. */
#define MSIM_THIS_SITE                                                         \
	(&(const struct msim_site){ __func__, __FILE__, __LINE__ })

/**
 * struct msim_sync_ops - a scheduler's hold on every lock
 * @point: called before every lock operation on @lock (a preemption point),
 *	and at every other scheduling point (@ev says which; @lock is then
 *	the SRCU domain, or NULL).
 * @block: called instead of sleeping when @lock cannot be taken; returns
 *	when the caller should look at the lock again.
 * @wake: called after @lock was released or downgraded, so that threads
 *	parked in @block on it may run again.
 * @acquired: @lock was taken (@ev is the acquiring operation) at @site
 *	(may be NULL).
 * @released: @lock is about to be released.
 * @may_sleep: the thread is about to sleep, or could (might_sleep()).
 * @access: shared state called @key (msim_sync_key()) is read or written
 *	without a lock that the operations above would show.
 * @bug: a BUG() fired at @site: the thread cannot go on.  Does not return
 *	(without the hook the process aborts).
 * @warn: a WARN() fired at @site; the thread goes on.
 */
struct msim_sync_ops {
	void (*point)(void *lock, enum msim_sync_event ev, const char *name);
	void (*block)(void *lock, const char *name);
	void (*wake)(void *lock, const char *name);
	void (*acquired)(void *lock, enum msim_sync_event ev, const char *name,
			 const struct msim_site *site);
	void (*released)(void *lock, enum msim_sync_event ev, const char *name);
	void (*may_sleep)(const char *what, const struct msim_site *site);
	void (*access)(unsigned long key, bool write);
	void (*bug)(const char *msg, const struct msim_site *site);
	void (*warn)(const char *msg, const struct msim_site *site);
};

/** msim_set_sync_ops - install (or with NULL remove) the lock hooks. */
MSIM_API void msim_set_sync_ops(const struct msim_sync_ops *ops);

/** msim_get_sync_ops - the hooks installed, or NULL. */
MSIM_API const struct msim_sync_ops *msim_get_sync_ops(void);

/**
 * msim_sync_wait - sleep until @cond is signalled, or park in the scheduler
 * @lock: what is waited for, as the hooks name it (any stable address)
 * @mutex: held by the caller, dropped while waiting, held again on return
 * @cond: signalled by msim_sync_wake()
 * @name: what the hooks are told it is
 *
 * For every wait of the library, not only the locks' own (SRCU grace
 * periods, the interval notifiers' sequence): with msim_sync_ops installed
 * the thread parks in ->block instead of on @cond, so that a scheduler
 * sees it.  Like pthread_cond_wait(), it may return early: callers wait in
 * a loop that tests their condition under @mutex.
 */
MSIM_API void msim_sync_wait(void *lock, pthread_mutex_t *mutex,
			     pthread_cond_t *cond, const char *name);

/**
 * msim_sync_wake - wake the waiters of @lock, then tell the scheduler
 * @lock: as given to msim_sync_wait()
 * @cond: their condition variable
 * @name: as given to msim_sync_wait()
 *
 * Called after the state waited for has changed, with or without the
 * waiters' mutex held.
 */
MSIM_API void msim_sync_wake(void *lock, pthread_cond_t *cond,
			     const char *name);

/**
 * msim_preempt_point - a window of the model where another thread may run
 * @name: the point's name, which scripted schedules switch at
 *
 * Where the kernel can be preempted or interrupted between two steps that
 * take no lock of their own (a fault's page lookup and its PTE install, a
 * driver's lookup and its secondary install): a scheduling point for the
 * scheduler, nothing at all without one.
 */
MSIM_API void msim_preempt_point(const char *name);

/**
 * msim_sync_event - a scheduling point that is no lock operation
 * @ev: MSIM_SYNC_CALL or MSIM_SYNC_RETURN
 * @name: what is called (a notifier op: "invalidate_range_start")
 */
MSIM_API void msim_sync_event(enum msim_sync_event ev, const char *name);

/**
 * msim_sync_yield - a polling wait lets the others run
 * @name: what is waited for
 *
 * For waits that look at the state again and again instead of sleeping on
 * it (a migration entry, a swap slot being read): sched_yield() for real
 * threads; for a scheduler, a point at which another thread must run if
 * one can.
 */
MSIM_API void msim_sync_yield(const char *name);

/**
 * msim_might_sleep - the caller is about to sleep, or could
 * @site: where (NULL: unknown)
 *
 * Sleeping with a spinlock held, or inside a notifier callback of a range
 * that may not block, is a bug the scheduler's checks report.
 */
MSIM_API void msim_might_sleep(const char *what, const struct msim_site *site);

/**
 * msim_lock_map_acquire - a lock checker's view of something lock-like
 * @map: what is held (any stable address)
 * @name: its name, which is its class for a lock checker
 * @site: where
 *
 * lockdep's lock_map_acquire(): no lock is taken and nothing waits, but
 * the hooks see @map held until msim_lock_map_release(), so that they can
 * learn the order of real locks around it and name its holders when a
 * thread waits for what it stands for.  Any number of threads may hold a
 * map at once, and one thread may hold it more than once.
 */
MSIM_API void msim_lock_map_acquire(void *map, const char *name,
				    const struct msim_site *site);

/** msim_lock_map_release - @map is no longer held. */
MSIM_API void msim_lock_map_release(void *map, const char *name);

/**
 * msim_sync_key - a key for msim_sync_access(), stable across runs
 * @id: a lock's id (msim_lock_id()), or what msim_sync_page_key() gives
 */
static inline unsigned long msim_sync_key(unsigned int id)
{
	return id;
}

/** msim_sync_page_key - the key of the frame numbered @pfn. */
static inline unsigned long msim_sync_page_key(unsigned long pfn)
{
	return (1UL << (sizeof(long) * 8 - 1)) | pfn;
}

/**
 * msim_sync_access - shared state is accessed without a lock
 * @key: msim_sync_key() of the lock that guards its writers, or a page's
 * @write: written, not only read
 *
 * What two threads do between their scheduling points commutes when their
 * lock operations and these accesses are on different keys; a partial-
 * order reduction relies on it (src/sched/).
 */
MSIM_API void msim_sync_access(unsigned long key, bool write);

/**
 * msim_sync_new_id - a number for a new lock or shared object
 *
 * Numbers count up from 1 in the order objects are made, from the last
 * msim_sync_reset_ids(): in two runs that made the same objects in the same
 * order, one object has one number, which its address would not promise.
 */
MSIM_API unsigned int msim_sync_new_id(void);

/** msim_sync_reset_ids - start numbering from 1 again (a scheduler's). */
MSIM_API void msim_sync_reset_ids(void);

/**
 * msim_sync_bug - BUG(): the library found its own state broken
 * @msg: what, e.g. "BUG_ON(sem->readers <= 0)"
 * @site: where
 *
 * Calls the scheduler's ->bug hook, which reports it and stops the thread;
 * without one, aborts.  Does not return.
 */
MSIM_API _Noreturn void msim_sync_bug(const char *msg,
				      const struct msim_site *site);

/**
 * msim_sync_report_bug - tell a scheduler about a BUG(), if one listens
 *
 * For BUG()s with a report of their own (the kernel tree's): returns only
 * when no scheduler took it, and the caller ends the process then.
 */
MSIM_API void msim_sync_report_bug(const char *msg,
				   const struct msim_site *site);

/** msim_sync_warn - a WARN(): a scheduler's ->warn hook hears of it. */
MSIM_API void msim_sync_warn(const char *msg, const struct msim_site *site);

typedef struct {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	bool locked;
	const char *name;
	unsigned int msim_id;
} spinlock_t;

MSIM_API void msim_spin_lock_init(spinlock_t *lock);
static inline void spin_lock_init(spinlock_t *lock)
{
	msim_spin_lock_init(lock);
}
MSIM_API void msim_spin_lock_destroy(spinlock_t *lock);
MSIM_API void msim_spin_lock(spinlock_t *lock, const struct msim_site *site);
#define spin_lock(lock) msim_spin_lock(lock, MSIM_THIS_SITE)
MSIM_API void msim_spin_unlock(spinlock_t *lock);
static inline void spin_unlock(spinlock_t *lock)
{
	msim_spin_unlock(lock);
}
/** spin_trylock - take @lock if it is free; true if taken. */
MSIM_API bool msim_spin_trylock(spinlock_t *lock);
static inline bool spin_trylock(spinlock_t *lock)
{
	return msim_spin_trylock(lock);
}
MSIM_API bool msim_spin_is_locked(spinlock_t *lock);
static inline bool spin_is_locked(spinlock_t *lock)
{
	return msim_spin_is_locked(lock);
}

/** msim_lock_id - @lock's number from msim_sync_new_id(), 0 if static. */
static inline unsigned int msim_lock_id(const spinlock_t *lock)
{
	return lock->msim_id;
}

/**
 * struct rw_semaphore - sleeping reader/writer lock
 *
 * A waiting writer holds back new readers, as Linux's rwsem does, so a
 * stream of faults cannot starve munmap.  @msim_spin makes it a lock that
 * spins (the kernel tree's rwlock_t): taking it never sleeps, and holding
 * it raises the preempt count, as a spinlock does.
 */
struct rw_semaphore {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	int readers;
	bool writer;
	int writers_waiting;
	const char *name;
	unsigned int msim_id;
	bool msim_spin;
};

MSIM_API void msim_init_rwsem(struct rw_semaphore *sem);
static inline void init_rwsem(struct rw_semaphore *sem)
{
	msim_init_rwsem(sem);
}
MSIM_API void msim_rwsem_destroy(struct rw_semaphore *sem);
MSIM_API void msim_down_read(struct rw_semaphore *sem,
			     const struct msim_site *site);
#define down_read(sem) msim_down_read(sem, MSIM_THIS_SITE)
MSIM_API bool msim_down_read_trylock(struct rw_semaphore *sem,
				     const struct msim_site *site);
#define down_read_trylock(sem) msim_down_read_trylock(sem, MSIM_THIS_SITE)
MSIM_API void msim_up_read(struct rw_semaphore *sem);
static inline void up_read(struct rw_semaphore *sem)
{
	msim_up_read(sem);
}
MSIM_API void msim_down_write(struct rw_semaphore *sem,
			      const struct msim_site *site);
#define down_write(sem) msim_down_write(sem, MSIM_THIS_SITE)
MSIM_API bool msim_down_write_trylock(struct rw_semaphore *sem,
				      const struct msim_site *site);
#define down_write_trylock(sem) msim_down_write_trylock(sem, MSIM_THIS_SITE)
MSIM_API void msim_up_write(struct rw_semaphore *sem);
static inline void up_write(struct rw_semaphore *sem)
{
	msim_up_write(sem);
}
MSIM_API void msim_downgrade_write(struct rw_semaphore *sem);
static inline void downgrade_write(struct rw_semaphore *sem)
{
	msim_downgrade_write(sem);
}
MSIM_API bool msim_rwsem_is_locked(struct rw_semaphore *sem);
static inline bool rwsem_is_locked(struct rw_semaphore *sem)
{
	return msim_rwsem_is_locked(sem);
}
MSIM_API bool msim_rwsem_is_write_locked(struct rw_semaphore *sem);

#endif /* MMSIM_LOCKING_H */
