/* SPDX-License-Identifier: MIT */
/*
 * <linux/sched/mm.h>: mmget(), mmput(), mmgrab(), mmdrop(), get_task_mm()
 * (the model's).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_SCHED_MM_H
#define MMSIM_KERNEL_LINUX_SCHED_MM_H

#include <mmsim-kernel/custom/sched.h>

#endif /* MMSIM_KERNEL_LINUX_SCHED_MM_H */
