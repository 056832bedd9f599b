/* SPDX-License-Identifier: MIT */
/*
 * <linux/compiler_types.h>: The sparse annotations and attributes.
 * DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_COMPILER_TYPES_H
#define MMSIM_KERNEL_LINUX_COMPILER_TYPES_H

#include <mmsim-kernel/dup/compiler.h>

#endif /* MMSIM_KERNEL_LINUX_COMPILER_TYPES_H */
