/* SPDX-License-Identifier: MIT */
/*
 * <linux/wait.h>: Wait queues: wait_event() and its variants, wake_up().
 * CUSTOMISED: on the model's waits, which a scheduler sees; see mmsim-
 * kernel/custom/wait.h.
 */
#ifndef MMSIM_KERNEL_LINUX_WAIT_H
#define MMSIM_KERNEL_LINUX_WAIT_H

#include <mmsim-kernel/custom/wait.h>

#endif /* MMSIM_KERNEL_LINUX_WAIT_H */
