/* SPDX-License-Identifier: MIT */
/*
 * <linux/kernel.h>: The everyday helpers: the host's UAPI
 * <linux/kernel.h>, then min()/max(), ARRAY_SIZE(), container_of(), the
 * rounding helpers, printk(), WARN_ON()/BUG_ON(), ERR_PTR() and kstrto*().
 * DUPLICATED, and CUSTOMISED for printk and the WARN/BUG reports.
 */
#ifndef MMSIM_KERNEL_LINUX_KERNEL_H
#define MMSIM_KERNEL_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_KERNEL_H */
