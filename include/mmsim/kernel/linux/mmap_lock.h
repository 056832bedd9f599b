/* SPDX-License-Identifier: MIT */
/*
 * <linux/mmap_lock.h>: mmap_read_lock() and friends (the model's).
 * CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_MMAP_LOCK_H
#define MMSIM_KERNEL_LINUX_MMAP_LOCK_H

#include <mmsim-kernel/custom/sched.h>

#endif /* MMSIM_KERNEL_LINUX_MMAP_LOCK_H */
