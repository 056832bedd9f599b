/* SPDX-License-Identifier: MIT */
/*
 * <linux/rwlock.h>: rwlock_t.  CUSTOMISED (an rw_semaphore of the
 * model's).
 */
#ifndef MMSIM_KERNEL_LINUX_RWLOCK_H
#define MMSIM_KERNEL_LINUX_RWLOCK_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_RWLOCK_H */
