/* SPDX-License-Identifier: MIT */
/*
 * <linux/swapops.h>: swp_entry_t, pte_to_swp_entry(),
 * is_device_private_entry(), pfn_swap_entry_to_page() (the model's
 * entries; the kernel's forms without an arch argument).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_SWAPOPS_H
#define MMSIM_KERNEL_LINUX_SWAPOPS_H

#include <mmsim/swapops.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_SWAPOPS_H */
