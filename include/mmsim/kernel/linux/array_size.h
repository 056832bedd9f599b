/* SPDX-License-Identifier: MIT */
/*
 * <linux/array_size.h>: ARRAY_SIZE().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_ARRAY_SIZE_H
#define MMSIM_KERNEL_LINUX_ARRAY_SIZE_H

#include <mmsim-kernel/dup/minmax.h>

#endif /* MMSIM_KERNEL_LINUX_ARRAY_SIZE_H */
