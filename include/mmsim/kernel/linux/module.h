/* SPDX-License-Identifier: MIT */
/*
 * <linux/module.h>: module_init(), module_exit(), MODULE_LICENSE(),
 * THIS_MODULE, EXPORT_SYMBOL().  STUBBED: no loader; a test calls
 * msim_kmod_init(); see mmsim-kernel/stubs/module.h.
 */
#ifndef MMSIM_KERNEL_LINUX_MODULE_H
#define MMSIM_KERNEL_LINUX_MODULE_H

#include <mmsim-kernel/stubs/module.h>
#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_MODULE_H */
