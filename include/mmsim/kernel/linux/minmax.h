/* SPDX-License-Identifier: MIT */
/*
 * <linux/minmax.h>: min(), max(), clamp(), swap().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_MINMAX_H
#define MMSIM_KERNEL_LINUX_MINMAX_H

#include <mmsim-kernel/dup/minmax.h>

#endif /* MMSIM_KERNEL_LINUX_MINMAX_H */
