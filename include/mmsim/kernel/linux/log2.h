/* SPDX-License-Identifier: MIT */
/*
 * <linux/log2.h>: ilog2(), is_power_of_2(), roundup_pow_of_two().
 * DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_LOG2_H
#define MMSIM_KERNEL_LINUX_LOG2_H

#include <mmsim-kernel/dup/math.h>

#endif /* MMSIM_KERNEL_LINUX_LOG2_H */
