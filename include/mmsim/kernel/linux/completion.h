/* SPDX-License-Identifier: MIT */
/*
 * <linux/completion.h>: struct completion.  CUSTOMISED, on a wait queue.
 */
#ifndef MMSIM_KERNEL_LINUX_COMPLETION_H
#define MMSIM_KERNEL_LINUX_COMPLETION_H

#include <mmsim-kernel/custom/wait.h>

#endif /* MMSIM_KERNEL_LINUX_COMPLETION_H */
