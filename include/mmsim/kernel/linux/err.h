/* SPDX-License-Identifier: MIT */
/*
 * <linux/err.h>: ERR_PTR(), PTR_ERR(), IS_ERR(), IS_ERR_OR_NULL()
 * (<mmsim/err.h>), ERR_CAST(), PTR_ERR_OR_ZERO().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_ERR_H
#define MMSIM_KERNEL_LINUX_ERR_H

#include <mmsim-kernel/dup/err.h>

#endif /* MMSIM_KERNEL_LINUX_ERR_H */
