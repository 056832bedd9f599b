/* SPDX-License-Identifier: MIT */
/*
 * <linux/spinlock.h>: spinlock_t, rwlock_t and their _irq/_irqsave/_bh
 * forms.  CUSTOMISED: the model's scheduler-visible locks; see mmsim-
 * kernel/custom/locks.h.
 */
#ifndef MMSIM_KERNEL_LINUX_SPINLOCK_H
#define MMSIM_KERNEL_LINUX_SPINLOCK_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_SPINLOCK_H */
