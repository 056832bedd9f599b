/* SPDX-License-Identifier: MIT */
/*
 * <linux/mutex.h>: struct mutex.  CUSTOMISED: an rw_semaphore of the
 * model's taken for writing; see mmsim-kernel/custom/locks.h.
 */
#ifndef MMSIM_KERNEL_LINUX_MUTEX_H
#define MMSIM_KERNEL_LINUX_MUTEX_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_MUTEX_H */
