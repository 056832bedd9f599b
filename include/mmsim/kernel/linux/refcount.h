/* SPDX-License-Identifier: MIT */
/*
 * <linux/refcount.h>: refcount_t, with the kernel's saturation warnings.
 * DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_REFCOUNT_H
#define MMSIM_KERNEL_LINUX_REFCOUNT_H

#include <mmsim-kernel/dup/refcount.h>

#endif /* MMSIM_KERNEL_LINUX_REFCOUNT_H */
