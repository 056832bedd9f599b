/* SPDX-License-Identifier: MIT */
/*
 * <linux/vmalloc.h>: vmalloc(), vzalloc(), vfree(), kvmalloc().
 * CUSTOMISED: the kmalloc() allocator.
 */
#ifndef MMSIM_KERNEL_LINUX_VMALLOC_H
#define MMSIM_KERNEL_LINUX_VMALLOC_H

#include <mmsim-kernel/custom/slab.h>

#endif /* MMSIM_KERNEL_LINUX_VMALLOC_H */
