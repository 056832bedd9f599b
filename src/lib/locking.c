// SPDX-License-Identifier: MIT
/*
 * Locks on pthreads with a scheduler's hooks; see locking.h.  Each lock
 * keeps its state under its own mutex and waits on its own condition
 * variable, unless a scheduler is installed, in which case waiting is the
 * scheduler's business (ops->block) and the mutex is dropped first.
 */
#include <stdatomic.h>
#include <mmsim/locking.h>

static _Atomic(const struct msim_sync_ops *) sync_ops;

void msim_set_sync_ops(const struct msim_sync_ops *ops)
{
	atomic_store(&sync_ops, ops);
}

static inline void point(void *lock, enum msim_sync_event ev, const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->point)
		ops->point(lock, ev, name);
}

/* Wait for a change of @lock's state; called with @mutex held. */
void msim_sync_wait(void *lock, pthread_mutex_t *mutex, pthread_cond_t *cond,
		    const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->block) {
		pthread_mutex_unlock(mutex);
		ops->block(lock, name);
		pthread_mutex_lock(mutex);
	} else {
		pthread_cond_wait(cond, mutex);
	}
}

void msim_sync_wake(void *lock, pthread_cond_t *cond, const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	pthread_cond_broadcast(cond);
	if (ops && ops->wake)
		ops->wake(lock, name);
}

void msim_spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
	pthread_cond_init(&lock->cond, NULL);
	lock->locked = false;
	lock->name = "spinlock";
}

void msim_spin_lock_destroy(spinlock_t *lock)
{
	pthread_cond_destroy(&lock->cond);
	pthread_mutex_destroy(&lock->mutex);
}

void msim_spin_lock(spinlock_t *lock)
{
	point(lock, MSIM_SYNC_SPIN_LOCK, lock->name);
	pthread_mutex_lock(&lock->mutex);
	while (lock->locked)
		msim_sync_wait(lock, &lock->mutex, &lock->cond, lock->name);
	lock->locked = true;
	pthread_mutex_unlock(&lock->mutex);
}

void msim_spin_unlock(spinlock_t *lock)
{
	pthread_mutex_lock(&lock->mutex);
	lock->locked = false;
	pthread_mutex_unlock(&lock->mutex);
	msim_sync_wake(lock, &lock->cond, lock->name);
	point(lock, MSIM_SYNC_SPIN_UNLOCK, lock->name);
}

bool msim_spin_trylock(spinlock_t *lock)
{
	bool taken;

	point(lock, MSIM_SYNC_SPIN_LOCK, lock->name);
	pthread_mutex_lock(&lock->mutex);
	taken = !lock->locked;
	lock->locked = true;
	pthread_mutex_unlock(&lock->mutex);
	return taken;
}

bool msim_spin_is_locked(spinlock_t *lock)
{
	bool locked;

	pthread_mutex_lock(&lock->mutex);
	locked = lock->locked;
	pthread_mutex_unlock(&lock->mutex);
	return locked;
}

void msim_init_rwsem(struct rw_semaphore *sem)
{
	pthread_mutex_init(&sem->mutex, NULL);
	pthread_cond_init(&sem->cond, NULL);
	sem->readers = 0;
	sem->writer = false;
	sem->writers_waiting = 0;
	sem->name = "rwsem";
}

void msim_rwsem_destroy(struct rw_semaphore *sem)
{
	pthread_cond_destroy(&sem->cond);
	pthread_mutex_destroy(&sem->mutex);
}

void msim_down_read(struct rw_semaphore *sem)
{
	point(sem, MSIM_SYNC_DOWN_READ, sem->name);
	pthread_mutex_lock(&sem->mutex);
	while (sem->writer || sem->writers_waiting)
		msim_sync_wait(sem, &sem->mutex, &sem->cond, sem->name);
	sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
}

bool msim_down_read_trylock(struct rw_semaphore *sem)
{
	bool ok;

	point(sem, MSIM_SYNC_DOWN_READ, sem->name);
	pthread_mutex_lock(&sem->mutex);
	ok = !sem->writer && !sem->writers_waiting;
	if (ok)
		sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
	return ok;
}

void msim_up_read(struct rw_semaphore *sem)
{
	bool last;

	pthread_mutex_lock(&sem->mutex);
	last = --sem->readers == 0;
	pthread_mutex_unlock(&sem->mutex);
	if (last)
		msim_sync_wake(sem, &sem->cond, sem->name);
	point(sem, MSIM_SYNC_UP_READ, sem->name);
}

void msim_down_write(struct rw_semaphore *sem)
{
	point(sem, MSIM_SYNC_DOWN_WRITE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	sem->writers_waiting++;
	while (sem->writer || sem->readers)
		msim_sync_wait(sem, &sem->mutex, &sem->cond, sem->name);
	sem->writers_waiting--;
	sem->writer = true;
	pthread_mutex_unlock(&sem->mutex);
}

bool msim_down_write_trylock(struct rw_semaphore *sem)
{
	bool ok;

	point(sem, MSIM_SYNC_DOWN_WRITE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	ok = !sem->writer && !sem->readers;
	if (ok)
		sem->writer = true;
	pthread_mutex_unlock(&sem->mutex);
	return ok;
}

void msim_up_write(struct rw_semaphore *sem)
{
	pthread_mutex_lock(&sem->mutex);
	sem->writer = false;
	pthread_mutex_unlock(&sem->mutex);
	msim_sync_wake(sem, &sem->cond, sem->name);
	point(sem, MSIM_SYNC_UP_WRITE, sem->name);
}

void msim_downgrade_write(struct rw_semaphore *sem)
{
	pthread_mutex_lock(&sem->mutex);
	sem->writer = false;
	sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
	msim_sync_wake(sem, &sem->cond, sem->name);
	point(sem, MSIM_SYNC_DOWNGRADE, sem->name);
}

bool msim_rwsem_is_locked(struct rw_semaphore *sem)
{
	bool locked;

	pthread_mutex_lock(&sem->mutex);
	locked = sem->writer || sem->readers;
	pthread_mutex_unlock(&sem->mutex);
	return locked;
}

bool msim_rwsem_is_write_locked(struct rw_semaphore *sem)
{
	bool locked;

	pthread_mutex_lock(&sem->mutex);
	locked = sem->writer;
	pthread_mutex_unlock(&sem->mutex);
	return locked;
}
