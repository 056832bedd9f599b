/* SPDX-License-Identifier: MIT */
/*
 * <linux/rcupdate.h>: RCU: rcu_read_lock(), synchronize_rcu(), call_rcu(),
 * kfree_rcu(), rcu_dereference().  CUSTOMISED: on the model's SRCU,
 * callbacks run when a grace period is waited for; see mmsim-
 * kernel/custom/rcupdate.h.
 */
#ifndef MMSIM_KERNEL_LINUX_RCUPDATE_H
#define MMSIM_KERNEL_LINUX_RCUPDATE_H

#include <mmsim-kernel/custom/rcupdate.h>
#include <mmsim-kernel/custom/slab.h>

#endif /* MMSIM_KERNEL_LINUX_RCUPDATE_H */
