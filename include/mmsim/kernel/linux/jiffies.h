/* SPDX-License-Identifier: MIT */
/*
 * <linux/jiffies.h>: jiffies, HZ, time_after(), msecs_to_jiffies().
 * CUSTOMISED: the host's monotonic clock at HZ 100; see mmsim-
 * kernel/custom/jiffies.h.
 */
#ifndef MMSIM_KERNEL_LINUX_JIFFIES_H
#define MMSIM_KERNEL_LINUX_JIFFIES_H

#include <mmsim-kernel/custom/jiffies.h>

#endif /* MMSIM_KERNEL_LINUX_JIFFIES_H */
