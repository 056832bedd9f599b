/* SPDX-License-Identifier: MIT */
/*
 * <linux/bitops.h>: set_bit(), test_and_set_bit(), __ffs(),
 * hweight_long().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_BITOPS_H
#define MMSIM_KERNEL_LINUX_BITOPS_H

#include <mmsim-kernel/dup/bitops.h>

#endif /* MMSIM_KERNEL_LINUX_BITOPS_H */
