/* SPDX-License-Identifier: MIT */
/*
 * <linux/init.h>: __init, __exit, module_init().  STUBBED.
 */
#ifndef MMSIM_KERNEL_LINUX_INIT_H
#define MMSIM_KERNEL_LINUX_INIT_H

#include <mmsim-kernel/stubs/module.h>

#endif /* MMSIM_KERNEL_LINUX_INIT_H */
