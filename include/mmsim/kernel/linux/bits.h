/* SPDX-License-Identifier: MIT */
/*
 * <linux/bits.h>: BIT(), GENMASK().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_BITS_H
#define MMSIM_KERNEL_LINUX_BITS_H

#include <mmsim-kernel/dup/bitops.h>

#endif /* MMSIM_KERNEL_LINUX_BITS_H */
