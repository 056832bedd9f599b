/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: RCU, on the model's SRCU (<mmsim/srcu.h>).
 *
 * MODEL: rcu-on-srcu: rcu_read_lock() enters a read-side section of one
 * SRCU domain for the whole process (nesting counted per thread), and
 * such a reader may sleep, which real RCU forbids and the model does not
 * detect.  synchronize_rcu() waits for
 * every section that began before it; call_rcu() and kfree_rcu() queue a
 * callback for after such a grace period; rcu_barrier() waits for the
 * callbacks queued before it.  As with the model's SRCU there is no
 * callback thread: queued callbacks run at the end of the next grace
 * period some thread waits for, or in rcu_barrier(); a test that checks
 * for leaks after kfree_rcu() calls rcu_barrier() first.
 * rcu_dereference() is an acquire load, rcu_assign_pointer() a release
 * store; the lockdep conditions are ignored.
 */
#ifndef MMSIM_KERNEL_CUSTOM_RCUPDATE_H
#define MMSIM_KERNEL_CUSTOM_RCUPDATE_H

#include <mmsim/export.h>
#include <mmsim/srcu.h>
#include <mmsim-kernel/dup/compiler.h>

typedef void (*rcu_callback_t)(struct rcu_head *head);

MSIM_API void msim_rcu_read_lock(void);
MSIM_API void msim_rcu_read_unlock(void);
MSIM_API void msim_synchronize_rcu(void);
MSIM_API void msim_call_rcu(struct rcu_head *head, rcu_callback_t func);
MSIM_API void msim_rcu_barrier(void);
/** msim_kvfree_rcu - kvfree(@ptr) after a grace period. */
MSIM_API void msim_kvfree_rcu(const void *ptr);
/** msim_rcu_read_lock_held - this thread is in a read-side section. */
MSIM_API int msim_rcu_read_lock_held(void);

static inline void rcu_read_lock(void)
{
	msim_rcu_read_lock();
}

static inline void rcu_read_unlock(void)
{
	msim_rcu_read_unlock();
}

static inline void synchronize_rcu(void)
{
	msim_synchronize_rcu();
}

static inline void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	msim_call_rcu(head, func);
}

static inline void rcu_barrier(void)
{
	msim_rcu_barrier();
}

static inline int rcu_read_lock_held(void)
{
	return msim_rcu_read_lock_held();
}

#define rcu_read_lock_bh rcu_read_lock
#define rcu_read_unlock_bh rcu_read_unlock
#define rcu_read_lock_sched rcu_read_lock
#define rcu_read_unlock_sched rcu_read_unlock
#define synchronize_rcu_expedited synchronize_rcu
#define kfree_rcu(ptr, rhf) msim_kvfree_rcu(ptr)
#define kvfree_rcu(ptr, ...) msim_kvfree_rcu(ptr)
#define kfree_rcu_mightsleep(ptr) msim_kvfree_rcu(ptr)

#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_check(p, c) rcu_dereference(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) rcu_dereference(p)
#define srcu_dereference(p, ssp) rcu_dereference(p)
#define rcu_access_pointer(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define rcu_replace_pointer(rcu_ptr, ptr, c)                                   \
	__atomic_exchange_n(&(rcu_ptr), (ptr), __ATOMIC_ACQ_REL)

#endif /* MMSIM_KERNEL_CUSTOM_RCUPDATE_H */
