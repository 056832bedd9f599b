/* SPDX-License-Identifier: MIT */
/*
 * <linux/gfp.h>: GFP flags, alloc_page(), alloc_pages(), __free_page().
 * CUSTOMISED: frames of the current machine, order 0 only; see mmsim-
 * kernel/custom/mm.h.
 */
#ifndef MMSIM_KERNEL_LINUX_GFP_H
#define MMSIM_KERNEL_LINUX_GFP_H

#include <mmsim-kernel/custom/slab.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_GFP_H */
