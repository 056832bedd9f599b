/* SPDX-License-Identifier: MIT */
/*
 * <linux/align.h>: ALIGN(), IS_ALIGNED(), PTR_ALIGN().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_ALIGN_H
#define MMSIM_KERNEL_LINUX_ALIGN_H

#include <mmsim-kernel/dup/math.h>

#endif /* MMSIM_KERNEL_LINUX_ALIGN_H */
