/* SPDX-License-Identifier: MIT */
/*
 * <linux/timekeeping.h>: ktime_get_ns().  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_TIMEKEEPING_H
#define MMSIM_KERNEL_LINUX_TIMEKEEPING_H

#include <mmsim-kernel/custom/jiffies.h>

#endif /* MMSIM_KERNEL_LINUX_TIMEKEEPING_H */
