/* SPDX-License-Identifier: MIT */
/*
 * <linux/sched.h>: The host's UAPI <linux/sched.h> (clone flags), then
 * current, struct task_struct, schedule(), cond_resched(),
 * signal_pending().  CUSTOMISED: the model's tasks; see mmsim-
 * kernel/custom/sched.h.
 */
#ifndef MMSIM_KERNEL_LINUX_SCHED_H
#define MMSIM_KERNEL_LINUX_SCHED_H

#include_next <linux/sched.h>
#include <mmsim-kernel/custom/sched.h>

#endif /* MMSIM_KERNEL_LINUX_SCHED_H */
