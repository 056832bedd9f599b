/* SPDX-License-Identifier: MIT */
/*
 * <linux/printk.h>: printk(), pr_*(), KERN_*.  CUSTOMISED: to a sink a
 * test may set, stderr by default; see mmsim-kernel/custom/printk.h.
 */
#ifndef MMSIM_KERNEL_LINUX_PRINTK_H
#define MMSIM_KERNEL_LINUX_PRINTK_H

#include <mmsim-kernel/custom/printk.h>

#endif /* MMSIM_KERNEL_LINUX_PRINTK_H */
