/* SPDX-License-Identifier: MIT */
/*
 * <linux/gfp_types.h>: The GFP flags.  CUSTOMISED: only __GFP_ZERO changes
 * anything.
 */
#ifndef MMSIM_KERNEL_LINUX_GFP_TYPES_H
#define MMSIM_KERNEL_LINUX_GFP_TYPES_H

#include <mmsim-kernel/custom/slab.h>

#endif /* MMSIM_KERNEL_LINUX_GFP_TYPES_H */
