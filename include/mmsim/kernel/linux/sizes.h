/* SPDX-License-Identifier: MIT */
/*
 * <linux/sizes.h>: SZ_1K ... SZ_1G.  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_SIZES_H
#define MMSIM_KERNEL_LINUX_SIZES_H

#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_SIZES_H */
