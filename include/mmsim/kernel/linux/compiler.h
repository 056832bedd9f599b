/* SPDX-License-Identifier: MIT */
/*
 * <linux/compiler.h>: Annotations, likely(), READ_ONCE(), barriers.
 * DUPLICATED (no model behind it).
 */
#ifndef MMSIM_KERNEL_LINUX_COMPILER_H
#define MMSIM_KERNEL_LINUX_COMPILER_H

#include <mmsim-kernel/dup/compiler.h>

#endif /* MMSIM_KERNEL_LINUX_COMPILER_H */
