/* SPDX-License-Identifier: MIT */
/*
 * <linux/irqflags.h>: local_irq_save() and friends.  STUBBED: no
 * interrupts.
 */
#ifndef MMSIM_KERNEL_LINUX_IRQFLAGS_H
#define MMSIM_KERNEL_LINUX_IRQFLAGS_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_IRQFLAGS_H */
