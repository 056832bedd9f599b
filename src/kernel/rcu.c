// SPDX-License-Identifier: MIT
/*
 * RCU on one SRCU domain for the process (see
 * mmsim-kernel/custom/rcupdate.h).  rcu_read_lock() takes no argument and
 * nests, so each thread keeps its depth and the index of its outermost
 * SRCU section, in its block (<mmsim/thread_info.h>), which a scheduler's
 * simulated threads each have.
 */
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <mmsim/thread_info.h>

DEFINE_STATIC_SRCU(rcu_srcu);

void msim_rcu_read_lock(void)
{
	struct msim_thread_info *ti = msim_current_thread_info();

	if (!ti->rcu_depth++)
		ti->rcu_idx = srcu_read_lock(&rcu_srcu);
}

void msim_rcu_read_unlock(void)
{
	struct msim_thread_info *ti = msim_current_thread_info();

	WARN_ON_ONCE(!ti->rcu_depth);
	/* srcu_read_unlock() is a scheduling point: ti may change after. */
	if (ti->rcu_depth && !--ti->rcu_depth)
		srcu_read_unlock(&rcu_srcu, ti->rcu_idx);
}

int msim_rcu_read_lock_held(void)
{
	return msim_current_thread_info()->rcu_depth != 0;
}

void msim_synchronize_rcu(void)
{
	/* The kernel's would deadlock, or lockdep complain. */
	WARN_ON_ONCE(msim_current_thread_info()->rcu_depth);
	synchronize_srcu(&rcu_srcu);
}

void msim_call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	call_srcu(&rcu_srcu, head, func);
}

void msim_rcu_barrier(void)
{
	srcu_barrier(&rcu_srcu);
}

/*
 * kfree_rcu(): the object's own rcu_head cannot say where the object
 * starts, so a small record of the host's carries the pointer.  If even
 * that cannot be had, wait for the grace period here instead.
 */
struct kfree_rcu_record {
	struct rcu_head rcu;
	const void *ptr;
};

static void kfree_rcu_cb(struct rcu_head *head)
{
	struct kfree_rcu_record *r =
		container_of(head, struct kfree_rcu_record, rcu);

	kvfree(r->ptr);
	free(r);
}

void msim_kvfree_rcu(const void *ptr)
{
	struct kfree_rcu_record *r;

	if (!ptr)
		return;
	r = malloc(sizeof(*r));
	if (!r) {
		synchronize_srcu(&rcu_srcu);
		kvfree(ptr);
		return;
	}
	r->ptr = ptr;
	call_srcu(&rcu_srcu, &r->rcu, kfree_rcu_cb);
}
