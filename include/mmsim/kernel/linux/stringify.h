/* SPDX-License-Identifier: MIT */
/*
 * <linux/stringify.h>: __stringify().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_STRINGIFY_H
#define MMSIM_KERNEL_LINUX_STRINGIFY_H

#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_STRINGIFY_H */
