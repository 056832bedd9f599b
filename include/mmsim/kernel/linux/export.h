/* SPDX-License-Identifier: MIT */
/*
 * <linux/export.h>: EXPORT_SYMBOL().  STUBBED: every symbol is visible.
 */
#ifndef MMSIM_KERNEL_LINUX_EXPORT_H
#define MMSIM_KERNEL_LINUX_EXPORT_H

#include <mmsim-kernel/stubs/module.h>

#endif /* MMSIM_KERNEL_LINUX_EXPORT_H */
