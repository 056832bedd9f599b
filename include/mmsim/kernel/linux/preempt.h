/* SPDX-License-Identifier: MIT */
/*
 * <linux/preempt.h>: preempt_disable(), in_atomic().  STUBBED: nothing to
 * disable.
 */
#ifndef MMSIM_KERNEL_LINUX_PREEMPT_H
#define MMSIM_KERNEL_LINUX_PREEMPT_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_PREEMPT_H */
