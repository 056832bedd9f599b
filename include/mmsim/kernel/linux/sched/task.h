/* SPDX-License-Identifier: MIT */
/*
 * <linux/sched/task.h>: get_task_struct() and friends (the model's).
 * CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_SCHED_TASK_H
#define MMSIM_KERNEL_LINUX_SCHED_TASK_H

#include <mmsim-kernel/custom/sched.h>

#endif /* MMSIM_KERNEL_LINUX_SCHED_TASK_H */
