/* SPDX-License-Identifier: MIT */
/*
 * <linux/bitmap.h>: DECLARE_BITMAP(), bitmap_zero(), bitmap_empty(),
 * find_first_bit().  DUPLICATED; the rest of the bitmap API is missing.
 */
#ifndef MMSIM_KERNEL_LINUX_BITMAP_H
#define MMSIM_KERNEL_LINUX_BITMAP_H

#include <mmsim-kernel/dup/bitops.h>
#include <mmsim-kernel/dup/types.h>

#endif /* MMSIM_KERNEL_LINUX_BITMAP_H */
