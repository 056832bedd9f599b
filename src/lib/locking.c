// SPDX-License-Identifier: MIT
/*
 * Locks on pthreads with a scheduler's hooks; see locking.h.  Each lock
 * keeps its state under its own mutex and waits on its own condition
 * variable, unless a scheduler is installed, in which case waiting is the
 * scheduler's business (ops->block) and the mutex is dropped first.
 *
 * Every operation is one scheduling point: an acquisition before it (so
 * that a scheduler may run a thread that then finds the lock taken), a
 * release after it (so that another thread may take the lock before the
 * releaser goes on).  Between the two, what a thread does under a lock is
 * one step of the schedule, as it is atomic for every thread that takes
 * the lock before touching what it protects.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <mmsim/locking.h>
#include <mmsim/thread_info.h>
#include <mmsim/trace.h>

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (__builtin_expect(!!(cond), 0))                             \
			msim_sync_bug("BUG_ON(" #cond ")", MSIM_THIS_SITE);    \
	} while (0)

static _Atomic(const struct msim_sync_ops *) sync_ops;
static atomic_uint next_id;

void msim_set_sync_ops(const struct msim_sync_ops *ops)
{
	atomic_store(&sync_ops, ops);
}

const struct msim_sync_ops *msim_get_sync_ops(void)
{
	return atomic_load(&sync_ops);
}

static const char *const event_names[MSIM_NR_SYNC_EVENTS] = {
	[MSIM_SYNC_SPIN_LOCK] = "spin_lock",
	[MSIM_SYNC_SPIN_UNLOCK] = "spin_unlock",
	[MSIM_SYNC_DOWN_READ] = "down_read",
	[MSIM_SYNC_UP_READ] = "up_read",
	[MSIM_SYNC_DOWN_WRITE] = "down_write",
	[MSIM_SYNC_UP_WRITE] = "up_write",
	[MSIM_SYNC_DOWNGRADE] = "downgrade_write",
	[MSIM_SYNC_SRCU_READ_LOCK] = "srcu_read_lock",
	[MSIM_SYNC_SRCU_READ_UNLOCK] = "srcu_read_unlock",
	[MSIM_SYNC_SYNCHRONIZE_SRCU] = "synchronize_srcu",
	[MSIM_SYNC_PREEMPT] = "preempt",
	[MSIM_SYNC_CALL] = "call",
	[MSIM_SYNC_RETURN] = "return",
	[MSIM_SYNC_YIELD] = "yield",
	[MSIM_SYNC_MAP_ACQUIRE] = "lock_map_acquire",
	[MSIM_SYNC_MAP_RELEASE] = "lock_map_release",
};

const char *msim_sync_event_name(enum msim_sync_event ev)
{
	if ((unsigned int)ev >= MSIM_NR_SYNC_EVENTS)
		return "?";
	return event_names[ev];
}

static inline void point(void *lock, enum msim_sync_event ev, const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->point)
		ops->point(lock, ev, name);
}

static inline void acquired(void *lock, enum msim_sync_event ev,
			    const char *name, const struct msim_site *site)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->acquired)
		ops->acquired(lock, ev, name, site);
}

static inline void released(void *lock, enum msim_sync_event ev,
			    const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->released)
		ops->released(lock, ev, name);
}

/*
 * The record's lock events (trace.h): the file as its base name, which is
 * all a reader needs beside the function.
 */
static void trace_lock_slow(enum msim_trace_kind kind, const char *name,
			    unsigned int id, enum msim_trace_lock_mode mode,
			    const struct msim_site *site, bool try)
{
	const char *file = site ? site->file : NULL;
	const char *base = file ? strrchr(file, '/') : NULL;

	msim_trace_emit(
		kind, &(const struct msim_trace_args){
			      .s = { name, site ? site->func : NULL,
				     base ? base + 1 : file },
			      .a = { id, mode, site ? site->line : 0, try } });
}

static inline void trace_lock(enum msim_trace_kind kind, const char *name,
			      unsigned int id, enum msim_trace_lock_mode mode,
			      const struct msim_site *site, bool try)
{
	if (msim_trace_on())
		trace_lock_slow(kind, name, id, mode, site, try);
}

void msim_lock_map_acquire(void *map, const char *name,
			   const struct msim_site *site)
{
	acquired(map, MSIM_SYNC_MAP_ACQUIRE, name, site);
}

void msim_lock_map_release(void *map, const char *name)
{
	released(map, MSIM_SYNC_MAP_RELEASE, name);
}

void msim_preempt_point(const char *name)
{
	point(NULL, MSIM_SYNC_PREEMPT, name);
}

void msim_sync_event(enum msim_sync_event ev, const char *name)
{
	point(NULL, ev, name);
}

void msim_sync_yield(const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->point)
		ops->point(NULL, MSIM_SYNC_YIELD, name);
	else
		sched_yield();
}

void msim_might_sleep(const char *what, const struct msim_site *site)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->may_sleep)
		ops->may_sleep(what, site);
}

void msim_sync_access(unsigned long key, bool write)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->access)
		ops->access(key, write);
}

unsigned int msim_sync_new_id(void)
{
	return atomic_fetch_add(&next_id, 1) + 1;
}

void msim_sync_reset_ids(void)
{
	atomic_store(&next_id, 0);
}

void msim_sync_report_bug(const char *msg, const struct msim_site *site)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->bug)
		ops->bug(msg, site);
}

_Noreturn void msim_sync_bug(const char *msg, const struct msim_site *site)
{
	msim_sync_report_bug(msg, site);
	abort();
}

void msim_sync_warn(const char *msg, const struct msim_site *site)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	if (ops && ops->warn)
		ops->warn(msg, site);
}

/* Wait for a change of @lock's state; called with @mutex held. */
void msim_sync_wait(void *lock, pthread_mutex_t *mutex, pthread_cond_t *cond,
		    const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	msim_trace(MSIM_TRACE_WAIT, .s = { name }, .a = { (uintptr_t)lock });
	if (ops && ops->block) {
		pthread_mutex_unlock(mutex);
		ops->block(lock, name);
		pthread_mutex_lock(mutex);
	} else {
		pthread_cond_wait(cond, mutex);
	}
	msim_trace(MSIM_TRACE_WAITED, .s = { name }, .a = { (uintptr_t)lock });
}

/*
 * A lock's own release wakes its waiters without a WAKE event: the
 * release says as much, and the scheduler's wake events say whom it woke.
 */
static void wake(void *lock, pthread_cond_t *cond, const char *name)
{
	const struct msim_sync_ops *ops = atomic_load(&sync_ops);

	pthread_cond_broadcast(cond);
	if (ops && ops->wake)
		ops->wake(lock, name);
}

void msim_sync_wake(void *lock, pthread_cond_t *cond, const char *name)
{
	msim_trace(MSIM_TRACE_WAKE, .s = { name }, .a = { (uintptr_t)lock });
	wake(lock, cond, name);
}

void msim_spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
	pthread_cond_init(&lock->cond, NULL);
	lock->locked = false;
	lock->name = "spinlock";
	lock->msim_id = msim_sync_new_id();
}

void msim_spin_lock_destroy(spinlock_t *lock)
{
	pthread_cond_destroy(&lock->cond);
	pthread_mutex_destroy(&lock->mutex);
}

/*
 * Waiting for a spinlock is spinning, not sleeping: it is allowed with
 * other spinlocks held, and raises no might_sleep().  The preempt count
 * goes up once the lock is ours, as preempt_disable() in the kernel.
 */
void msim_spin_lock(spinlock_t *lock, const struct msim_site *site)
{
	const struct msim_site *outer = msim_current_thread_info()->site;

	/* Where this operation is, for reports; the caller's after it. */
	msim_current_thread_info()->site = site;
	trace_lock(MSIM_TRACE_LOCK_ASK, lock->name, lock->msim_id,
		   MSIM_TRACE_LOCK_SPIN, site, false);
	point(lock, MSIM_SYNC_SPIN_LOCK, lock->name);
	pthread_mutex_lock(&lock->mutex);
	while (lock->locked)
		msim_sync_wait(lock, &lock->mutex, &lock->cond, lock->name);
	lock->locked = true;
	pthread_mutex_unlock(&lock->mutex);
	msim_current_thread_info()->preempt_count++;
	trace_lock(MSIM_TRACE_LOCK_ACQUIRED, lock->name, lock->msim_id,
		   MSIM_TRACE_LOCK_SPIN, site, false);
	acquired(lock, MSIM_SYNC_SPIN_LOCK, lock->name, site);
	msim_current_thread_info()->site = outer;
}

void msim_spin_unlock(spinlock_t *lock)
{
	bool was;

	trace_lock(MSIM_TRACE_LOCK_RELEASED, lock->name, lock->msim_id,
		   MSIM_TRACE_LOCK_SPIN, NULL, false);
	released(lock, MSIM_SYNC_SPIN_UNLOCK, lock->name);
	pthread_mutex_lock(&lock->mutex);
	was = lock->locked;
	lock->locked = false;
	pthread_mutex_unlock(&lock->mutex);
	BUG_ON(!was);
	msim_current_thread_info()->preempt_count--;
	wake(lock, &lock->cond, lock->name);
	point(lock, MSIM_SYNC_SPIN_UNLOCK, lock->name);
}

bool msim_spin_trylock(spinlock_t *lock)
{
	bool taken;

	trace_lock(MSIM_TRACE_LOCK_ASK, lock->name, lock->msim_id,
		   MSIM_TRACE_LOCK_SPIN, NULL, true);
	point(lock, MSIM_SYNC_SPIN_LOCK, lock->name);
	pthread_mutex_lock(&lock->mutex);
	taken = !lock->locked;
	lock->locked = true;
	pthread_mutex_unlock(&lock->mutex);
	if (taken) {
		msim_current_thread_info()->preempt_count++;
		trace_lock(MSIM_TRACE_LOCK_ACQUIRED, lock->name, lock->msim_id,
			   MSIM_TRACE_LOCK_SPIN, NULL, true);
		acquired(lock, MSIM_SYNC_SPIN_LOCK, lock->name, NULL);
	}
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

/* A spinning rwsem held counts in the preempt count, as a spinlock. */
static void spin_held(struct rw_semaphore *sem, int delta)
{
	if (sem->msim_spin)
		msim_current_thread_info()->preempt_count += delta;
}

void msim_init_rwsem(struct rw_semaphore *sem)
{
	pthread_mutex_init(&sem->mutex, NULL);
	pthread_cond_init(&sem->cond, NULL);
	sem->readers = 0;
	sem->writer = false;
	sem->writers_waiting = 0;
	sem->name = "rwsem";
	sem->msim_id = msim_sync_new_id();
	sem->msim_spin = false;
}

void msim_rwsem_destroy(struct rw_semaphore *sem)
{
	pthread_cond_destroy(&sem->cond);
	pthread_mutex_destroy(&sem->mutex);
}

void msim_down_read(struct rw_semaphore *sem, const struct msim_site *site)
{
	const struct msim_site *outer = msim_current_thread_info()->site;

	if (!sem->msim_spin)
		msim_might_sleep("down_read", site);
	msim_current_thread_info()->site = site;
	trace_lock(MSIM_TRACE_LOCK_ASK, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_READ, site, false);
	point(sem, MSIM_SYNC_DOWN_READ, sem->name);
	pthread_mutex_lock(&sem->mutex);
	while (sem->writer || sem->writers_waiting)
		msim_sync_wait(sem, &sem->mutex, &sem->cond, sem->name);
	sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
	spin_held(sem, 1);
	trace_lock(MSIM_TRACE_LOCK_ACQUIRED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_READ, site, false);
	acquired(sem, MSIM_SYNC_DOWN_READ, sem->name, site);
	msim_current_thread_info()->site = outer;
}

bool msim_down_read_trylock(struct rw_semaphore *sem,
			    const struct msim_site *site)
{
	bool ok;

	trace_lock(MSIM_TRACE_LOCK_ASK, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_READ, site, true);
	point(sem, MSIM_SYNC_DOWN_READ, sem->name);
	pthread_mutex_lock(&sem->mutex);
	ok = !sem->writer && !sem->writers_waiting;
	if (ok)
		sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
	if (ok) {
		spin_held(sem, 1);
		trace_lock(MSIM_TRACE_LOCK_ACQUIRED, sem->name, sem->msim_id,
			   MSIM_TRACE_LOCK_READ, site, true);
		acquired(sem, MSIM_SYNC_DOWN_READ, sem->name, site);
	}
	return ok;
}

void msim_up_read(struct rw_semaphore *sem)
{
	bool last;
	int readers;

	trace_lock(MSIM_TRACE_LOCK_RELEASED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_READ, NULL, false);
	released(sem, MSIM_SYNC_UP_READ, sem->name);
	pthread_mutex_lock(&sem->mutex);
	readers = sem->readers--;
	last = sem->readers == 0;
	pthread_mutex_unlock(&sem->mutex);
	BUG_ON(readers <= 0);
	spin_held(sem, -1);
	if (last)
		wake(sem, &sem->cond, sem->name);
	point(sem, MSIM_SYNC_UP_READ, sem->name);
}

void msim_down_write(struct rw_semaphore *sem, const struct msim_site *site)
{
	const struct msim_site *outer = msim_current_thread_info()->site;

	if (!sem->msim_spin)
		msim_might_sleep("down_write", site);
	msim_current_thread_info()->site = site;
	trace_lock(MSIM_TRACE_LOCK_ASK, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_WRITE, site, false);
	point(sem, MSIM_SYNC_DOWN_WRITE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	sem->writers_waiting++;
	while (sem->writer || sem->readers)
		msim_sync_wait(sem, &sem->mutex, &sem->cond, sem->name);
	sem->writers_waiting--;
	sem->writer = true;
	pthread_mutex_unlock(&sem->mutex);
	spin_held(sem, 1);
	trace_lock(MSIM_TRACE_LOCK_ACQUIRED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_WRITE, site, false);
	acquired(sem, MSIM_SYNC_DOWN_WRITE, sem->name, site);
	msim_current_thread_info()->site = outer;
}

bool msim_down_write_trylock(struct rw_semaphore *sem,
			     const struct msim_site *site)
{
	bool ok;

	trace_lock(MSIM_TRACE_LOCK_ASK, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_WRITE, site, true);
	point(sem, MSIM_SYNC_DOWN_WRITE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	ok = !sem->writer && !sem->readers;
	if (ok)
		sem->writer = true;
	pthread_mutex_unlock(&sem->mutex);
	if (ok) {
		spin_held(sem, 1);
		trace_lock(MSIM_TRACE_LOCK_ACQUIRED, sem->name, sem->msim_id,
			   MSIM_TRACE_LOCK_WRITE, site, true);
		acquired(sem, MSIM_SYNC_DOWN_WRITE, sem->name, site);
	}
	return ok;
}

void msim_up_write(struct rw_semaphore *sem)
{
	bool was;

	trace_lock(MSIM_TRACE_LOCK_RELEASED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_WRITE, NULL, false);
	released(sem, MSIM_SYNC_UP_WRITE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	was = sem->writer;
	sem->writer = false;
	pthread_mutex_unlock(&sem->mutex);
	BUG_ON(!was);
	spin_held(sem, -1);
	wake(sem, &sem->cond, sem->name);
	point(sem, MSIM_SYNC_UP_WRITE, sem->name);
}

/*
 * The write hold becomes a read hold: for a lock checker, one release and
 * one acquisition at once, with no site of its own.
 */
void msim_downgrade_write(struct rw_semaphore *sem)
{
	bool was;

	trace_lock(MSIM_TRACE_LOCK_RELEASED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_WRITE, NULL, false);
	released(sem, MSIM_SYNC_DOWNGRADE, sem->name);
	pthread_mutex_lock(&sem->mutex);
	was = sem->writer;
	sem->writer = false;
	sem->readers++;
	pthread_mutex_unlock(&sem->mutex);
	BUG_ON(!was);
	trace_lock(MSIM_TRACE_LOCK_ACQUIRED, sem->name, sem->msim_id,
		   MSIM_TRACE_LOCK_READ, NULL, false);
	acquired(sem, MSIM_SYNC_DOWNGRADE, sem->name, NULL);
	wake(sem, &sem->cond, sem->name);
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
