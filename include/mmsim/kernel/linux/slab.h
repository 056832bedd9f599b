/* SPDX-License-Identifier: MIT */
/*
 * <linux/slab.h>: kmalloc(), kzalloc(), krealloc(), kfree(), kmem_cache.
 * CUSTOMISED: charged to the current machine (MSIM_ALLOC_KMALLOC),
 * failure-injectable; see mmsim-kernel/custom/slab.h.
 */
#ifndef MMSIM_KERNEL_LINUX_SLAB_H
#define MMSIM_KERNEL_LINUX_SLAB_H

#include <mmsim-kernel/custom/slab.h>
#include <mmsim-kernel/custom/rcupdate.h>

#endif /* MMSIM_KERNEL_LINUX_SLAB_H */
