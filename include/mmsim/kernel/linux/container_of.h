/* SPDX-License-Identifier: MIT */
/*
 * <linux/container_of.h>: container_of().  DUPLICATED (<mmsim/list.h>).
 */
#ifndef MMSIM_KERNEL_LINUX_CONTAINER_OF_H
#define MMSIM_KERNEL_LINUX_CONTAINER_OF_H

#include <mmsim-kernel/dup/minmax.h>

#endif /* MMSIM_KERNEL_LINUX_CONTAINER_OF_H */
