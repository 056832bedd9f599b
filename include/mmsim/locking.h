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
 */
#ifndef MMSIM_LOCKING_H
#define MMSIM_LOCKING_H

#include <mmsim/export.h>
#include <pthread.h>
#include <stdbool.h>

enum msim_sync_event {
	MSIM_SYNC_SPIN_LOCK,
	MSIM_SYNC_SPIN_UNLOCK,
	MSIM_SYNC_DOWN_READ,
	MSIM_SYNC_UP_READ,
	MSIM_SYNC_DOWN_WRITE,
	MSIM_SYNC_UP_WRITE,
	MSIM_SYNC_DOWNGRADE,
};

/**
 * struct msim_sync_ops - a scheduler's hold on every lock
 * @point: called before every lock operation on @lock (a preemption point).
 * @block: called instead of sleeping when @lock cannot be taken; returns
 *	when the caller should look at the lock again.
 * @wake: called after @lock was released or downgraded, so that threads
 *	parked in @block on it may run again.
 */
struct msim_sync_ops {
	void (*point)(void *lock, enum msim_sync_event ev, const char *name);
	void (*block)(void *lock, const char *name);
	void (*wake)(void *lock, const char *name);
};

/** msim_set_sync_ops - install (or with NULL remove) the lock hooks. */
MSIM_API void msim_set_sync_ops(const struct msim_sync_ops *ops);

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

typedef struct {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	bool locked;
	const char *name;
} spinlock_t;

MSIM_API void msim_spin_lock_init(spinlock_t *lock);
static inline void spin_lock_init(spinlock_t *lock)
{
	msim_spin_lock_init(lock);
}
MSIM_API void msim_spin_lock_destroy(spinlock_t *lock);
MSIM_API void msim_spin_lock(spinlock_t *lock);
static inline void spin_lock(spinlock_t *lock)
{
	msim_spin_lock(lock);
}
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

/**
 * struct rw_semaphore - sleeping reader/writer lock
 *
 * A waiting writer holds back new readers, as Linux's rwsem does, so a
 * stream of faults cannot starve munmap.
 */
struct rw_semaphore {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	int readers;
	bool writer;
	int writers_waiting;
	const char *name;
};

MSIM_API void msim_init_rwsem(struct rw_semaphore *sem);
static inline void init_rwsem(struct rw_semaphore *sem)
{
	msim_init_rwsem(sem);
}
MSIM_API void msim_rwsem_destroy(struct rw_semaphore *sem);
MSIM_API void msim_down_read(struct rw_semaphore *sem);
static inline void down_read(struct rw_semaphore *sem)
{
	msim_down_read(sem);
}
MSIM_API bool msim_down_read_trylock(struct rw_semaphore *sem);
static inline bool down_read_trylock(struct rw_semaphore *sem)
{
	return msim_down_read_trylock(sem);
}
MSIM_API void msim_up_read(struct rw_semaphore *sem);
static inline void up_read(struct rw_semaphore *sem)
{
	msim_up_read(sem);
}
MSIM_API void msim_down_write(struct rw_semaphore *sem);
static inline void down_write(struct rw_semaphore *sem)
{
	msim_down_write(sem);
}
MSIM_API bool msim_down_write_trylock(struct rw_semaphore *sem);
static inline bool down_write_trylock(struct rw_semaphore *sem)
{
	return msim_down_write_trylock(sem);
}
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
