/* SPDX-License-Identifier: MIT */
/*
 * <linux/math.h>: DIV_ROUND_UP(), round_up(), ...  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_MATH_H
#define MMSIM_KERNEL_LINUX_MATH_H

#include <mmsim-kernel/dup/math.h>

#endif /* MMSIM_KERNEL_LINUX_MATH_H */
