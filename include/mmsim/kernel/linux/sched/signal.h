/* SPDX-License-Identifier: MIT */
/*
 * <linux/sched/signal.h>: signal_pending(), fatal_signal_pending().
 * STUBBED: there are no signals.
 */
#ifndef MMSIM_KERNEL_LINUX_SCHED_SIGNAL_H
#define MMSIM_KERNEL_LINUX_SCHED_SIGNAL_H

#include <mmsim-kernel/custom/sched.h>

#endif /* MMSIM_KERNEL_LINUX_SCHED_SIGNAL_H */
