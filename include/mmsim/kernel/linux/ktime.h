/* SPDX-License-Identifier: MIT */
/*
 * <linux/ktime.h>: ktime_get() and ktime_t.  CUSTOMISED: the host's
 * monotonic clock.
 */
#ifndef MMSIM_KERNEL_LINUX_KTIME_H
#define MMSIM_KERNEL_LINUX_KTIME_H

#include <mmsim-kernel/custom/jiffies.h>

#endif /* MMSIM_KERNEL_LINUX_KTIME_H */
