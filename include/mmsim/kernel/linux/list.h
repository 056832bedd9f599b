/* SPDX-License-Identifier: MIT */
/*
 * <linux/list.h>: The list and hlist API.  DUPLICATED (the model's
 * <mmsim/list.h> and the rest).
 */
#ifndef MMSIM_KERNEL_LINUX_LIST_H
#define MMSIM_KERNEL_LINUX_LIST_H

#include <mmsim-kernel/dup/list.h>

#endif /* MMSIM_KERNEL_LINUX_LIST_H */
