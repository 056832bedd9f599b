/* SPDX-License-Identifier: MIT */
/*
 * <linux/srcu.h>: SRCU (<mmsim/srcu.h>, the model's own).  CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_SRCU_H
#define MMSIM_KERNEL_LINUX_SRCU_H

#include <mmsim-kernel/custom/rcupdate.h>

#endif /* MMSIM_KERNEL_LINUX_SRCU_H */
