/* SPDX-License-Identifier: MIT */
/*
 * <linux/rwsem.h>: struct rw_semaphore, down_read() ... (the model's).
 * CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_RWSEM_H
#define MMSIM_KERNEL_LINUX_RWSEM_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_RWSEM_H */
