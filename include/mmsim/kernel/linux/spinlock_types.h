/* SPDX-License-Identifier: MIT */
/*
 * <linux/spinlock_types.h>: spinlock_t.  CUSTOMISED (the model's).
 */
#ifndef MMSIM_KERNEL_LINUX_SPINLOCK_TYPES_H
#define MMSIM_KERNEL_LINUX_SPINLOCK_TYPES_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_SPINLOCK_TYPES_H */
