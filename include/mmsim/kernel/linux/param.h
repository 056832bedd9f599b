/* SPDX-License-Identifier: MIT */
/*
 * <linux/param.h>: the host's UAPI header (system headers include it
 * under this name).  HZ is the kernel tree's (<linux/jiffies.h>): 100,
 * the value the UAPI header gives user space too, and a valid CONFIG_HZ.
 */
#ifndef MMSIM_KERNEL_LINUX_PARAM_H
#define MMSIM_KERNEL_LINUX_PARAM_H

#include_next <linux/param.h>

#endif /* MMSIM_KERNEL_LINUX_PARAM_H */
