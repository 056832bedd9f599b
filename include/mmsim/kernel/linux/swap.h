/* SPDX-License-Identifier: MIT */
/*
 * <linux/swap.h>: The swap API the model has (<mmsim/swap.h>).
 * CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_SWAP_H
#define MMSIM_KERNEL_LINUX_SWAP_H

#include <mmsim/swap.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_SWAP_H */
