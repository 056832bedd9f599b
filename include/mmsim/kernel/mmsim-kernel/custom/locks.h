/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: spinlock_t, rwlock_t, struct rw_semaphore, struct mutex,
 * and the lock annotations.
 *
 * MODEL: kernel-locks-sleep: the locks are the model's
 * (<mmsim/locking.h>): sleeping pthread locks whose every operation is a
 * point a deterministic scheduler controls (msim_set_sync_ops()), where
 * the kernel's spinlocks spin with preemption off.  A spinlock held
 * raises the thread's preempt count, so that sleeping under one is
 * reported in the scheduler's runs (src/sched/), as might_sleep() is.
 * spinlock_t and struct rw_semaphore are the model's own, under the
 * kernel's names; struct mutex is an rw_semaphore only ever taken for
 * writing; rwlock_t is one that spins (msim_spin: no might_sleep(), and
 * held it raises the preempt count, as a spinlock).  The _irq, _irqsave and _bh
 * forms take the lock the same way (there are no interrupts to mask), and
 * @flags is set to 0.  The interruptible and killable forms never see a signal
 * and return 0. lockdep does not exist: lockdep_assert_held() checks that the
 * lock is held by someone, not by the caller.
 */
#ifndef MMSIM_KERNEL_CUSTOM_LOCKS_H
#define MMSIM_KERNEL_CUSTOM_LOCKS_H

#include <pthread.h>
#include <stdbool.h>
#include <mmsim/locking.h>
#include <mmsim-kernel/custom/bug.h>

/* spinlock_t */
#define __SPIN_LOCK_UNLOCKED(lockname)                                         \
	{                                                                      \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false,    \
			#lockname, 0                                           \
	}
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
typedef spinlock_t raw_spinlock_t;
#define DEFINE_RAW_SPINLOCK(x) DEFINE_SPINLOCK(x)
#define raw_spin_lock_init spin_lock_init
#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock

#define spin_lock_irq(lock) spin_lock(lock)
#define spin_unlock_irq(lock) spin_unlock(lock)
#define spin_lock_bh(lock) spin_lock(lock)
#define spin_unlock_bh(lock) spin_unlock(lock)
#define spin_lock_nested(lock, subclass) spin_lock(lock)
#define spin_lock_irqsave(lock, flags)                                         \
	do {                                                                   \
		(flags) = 0;                                                   \
		spin_lock(lock);                                               \
	} while (0)
#define spin_unlock_irqrestore(lock, flags)                                    \
	do {                                                                   \
		(void)(flags);                                                 \
		spin_unlock(lock);                                             \
	} while (0)
#define spin_trylock_irqsave(lock, flags) ((flags) = 0, spin_trylock(lock))
#define assert_spin_locked(lock) WARN_ON(!spin_is_locked(lock))

/* struct rw_semaphore */
#define __RWSEM_INITIALIZER(name)                                              \
	{                                                                      \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, \
			0, #name, 0, false                                     \
	}
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

static inline int down_read_killable(struct rw_semaphore *sem)
{
	down_read(sem);
	return 0;
}

static inline int down_read_interruptible(struct rw_semaphore *sem)
{
	down_read(sem);
	return 0;
}

static inline int down_write_killable(struct rw_semaphore *sem)
{
	down_write(sem);
	return 0;
}

#define down_read_nested(sem, subclass) down_read(sem)
#define down_write_nested(sem, subclass) down_write(sem)

static inline bool rwsem_is_contended(struct rw_semaphore *sem)
{
	(void)sem;
	return false;
}

/* rwlock_t */
typedef struct {
	struct rw_semaphore msim_sem;
} rwlock_t;

#define __RW_LOCK_UNLOCKED(name)                                               \
	{                                                                      \
		.msim_sem = {                                                  \
			PTHREAD_MUTEX_INITIALIZER,                             \
			PTHREAD_COND_INITIALIZER,                              \
			0,                                                     \
			false,                                                 \
			0,                                                     \
			#name,                                                 \
			0,                                                     \
			true                                                   \
		}                                                              \
	}
#define DEFINE_RWLOCK(x) rwlock_t x = __RW_LOCK_UNLOCKED(x)
#define rwlock_init(lock)                                                      \
	do {                                                                   \
		msim_init_rwsem(&(lock)->msim_sem);                            \
		(lock)->msim_sem.msim_spin = true;                             \
	} while (0)
#define read_lock(lock) down_read(&(lock)->msim_sem)
#define read_unlock(lock) up_read(&(lock)->msim_sem)
#define write_lock(lock) down_write(&(lock)->msim_sem)
#define write_unlock(lock) up_write(&(lock)->msim_sem)
#define read_lock_irqsave(lock, flags) ((flags) = 0, read_lock(lock))
#define read_unlock_irqrestore(lock, flags) ((void)(flags), read_unlock(lock))
#define write_lock_irqsave(lock, flags) ((flags) = 0, write_lock(lock))
#define write_unlock_irqrestore(lock, flags) ((void)(flags), write_unlock(lock))
#define read_lock_bh read_lock
#define read_unlock_bh read_unlock
#define write_lock_bh write_lock
#define write_unlock_bh write_unlock
#define read_lock_irq read_lock
#define read_unlock_irq read_unlock
#define write_lock_irq write_lock
#define write_unlock_irq write_unlock

/* struct mutex */
struct mutex {
	struct rw_semaphore msim_sem;
};

#define __MUTEX_INITIALIZER(name)                                              \
	{                                                                      \
		.msim_sem = __RWSEM_INITIALIZER(name)                          \
	}
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

static inline void msim_mutex_init(struct mutex *lock, const char *name)
{
	msim_init_rwsem(&lock->msim_sem);
	lock->msim_sem.name = name;
}

#define mutex_init(mutex) msim_mutex_init((mutex), #mutex)

static inline void mutex_destroy(struct mutex *lock)
{
	msim_rwsem_destroy(&lock->msim_sem);
}

static inline void mutex_lock(struct mutex *lock)
{
	down_write(&lock->msim_sem);
}

static inline int mutex_lock_interruptible(struct mutex *lock)
{
	down_write(&lock->msim_sem);
	return 0;
}

static inline int mutex_lock_killable(struct mutex *lock)
{
	down_write(&lock->msim_sem);
	return 0;
}

static inline int mutex_trylock(struct mutex *lock)
{
	return down_write_trylock(&lock->msim_sem);
}

static inline void mutex_unlock(struct mutex *lock)
{
	up_write(&lock->msim_sem);
}

static inline bool mutex_is_locked(struct mutex *lock)
{
	return msim_rwsem_is_write_locked(&lock->msim_sem);
}

#define mutex_lock_nested(lock, subclass) mutex_lock(lock)

/* lockdep, reduced to "held by somebody" checks. */
struct lock_class_key {
	int msim_unused;
};

#define msim_lock_is_held(lock)                                                \
	_Generic((lock), spinlock_t *                                          \
		 : msim_spin_is_locked, struct rw_semaphore *                  \
		 : msim_rwsem_is_locked, struct mutex *                        \
		 : mutex_is_locked)(lock)
#define lockdep_assert_held(lock) WARN_ON(!msim_lock_is_held(lock))
#define lockdep_assert_held_write(lock) lockdep_assert_held(lock)
#define lockdep_assert_held_read(lock) lockdep_assert_held(lock)
#define lockdep_assert_held_once(lock) WARN_ON_ONCE(!msim_lock_is_held(lock))
#define lockdep_assert_not_held(lock) ((void)(lock))
#define lockdep_is_held(lock) 1
#define lockdep_set_class(lock, key) ((void)(key))
#define lock_map_acquire(map) ((void)(map))
#define lock_map_release(map) ((void)(map))
#define might_lock(lock) ((void)(lock))
#define might_sleep() msim_might_sleep("might_sleep", MSIM_THIS_SITE)
#define might_sleep_if(cond)                                                   \
	do {                                                                   \
		if (cond)                                                      \
			might_sleep();                                         \
	} while (0)
#define might_fault() ((void)0)

/* No interrupts, no preemption to disable. */
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#define local_irq_disable() ((void)0)
#define local_irq_enable() ((void)0)
#define preempt_disable() ((void)0)
#define preempt_enable() ((void)0)
#define in_interrupt() 0
#define in_atomic() 0
#define in_task() 1
#define irqs_disabled() 0

#endif /* MMSIM_KERNEL_CUSTOM_LOCKS_H */
