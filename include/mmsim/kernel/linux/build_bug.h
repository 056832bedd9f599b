/* SPDX-License-Identifier: MIT */
/*
 * <linux/build_bug.h>: BUILD_BUG_ON() and friends, as _Static_assert.
 * DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_BUILD_BUG_H
#define MMSIM_KERNEL_LINUX_BUILD_BUG_H

#include <mmsim-kernel/custom/bug.h>

#endif /* MMSIM_KERNEL_LINUX_BUILD_BUG_H */
