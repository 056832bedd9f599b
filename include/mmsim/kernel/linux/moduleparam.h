/* SPDX-License-Identifier: MIT */
/*
 * <linux/moduleparam.h>: module_param().  STUBBED: parameters keep their
 * initial values.
 */
#ifndef MMSIM_KERNEL_LINUX_MODULEPARAM_H
#define MMSIM_KERNEL_LINUX_MODULEPARAM_H

#include <mmsim-kernel/stubs/module.h>

#endif /* MMSIM_KERNEL_LINUX_MODULEPARAM_H */
