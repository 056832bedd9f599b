/* SPDX-License-Identifier: MIT */
/*
 * <linux/delay.h>: msleep(), usleep_range(), udelay().  CUSTOMISED: host
 * sleeps.
 */
#ifndef MMSIM_KERNEL_LINUX_DELAY_H
#define MMSIM_KERNEL_LINUX_DELAY_H

#include <mmsim-kernel/custom/jiffies.h>

#endif /* MMSIM_KERNEL_LINUX_DELAY_H */
