/* SPDX-License-Identifier: MIT */
/*
 * <linux/overflow.h>: check_add_overflow(), array_size(), struct_size().
 * DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_OVERFLOW_H
#define MMSIM_KERNEL_LINUX_OVERFLOW_H

#include <mmsim-kernel/dup/math.h>

#endif /* MMSIM_KERNEL_LINUX_OVERFLOW_H */
