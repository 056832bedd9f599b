/* SPDX-License-Identifier: MIT */
/*
 * <linux/bug.h>: WARN_ON(), WARN_ON_ONCE(), WARN(), BUG_ON(), BUG(),
 * VM_BUG_ON().  CUSTOMISED: a warning is printed with its file and line
 * and counted (msim_kernel_warnings()), a BUG ends the run with a report;
 * see mmsim-kernel/custom/bug.h.
 */
#ifndef MMSIM_KERNEL_LINUX_BUG_H
#define MMSIM_KERNEL_LINUX_BUG_H

#include <mmsim-kernel/custom/bug.h>

#endif /* MMSIM_KERNEL_LINUX_BUG_H */
