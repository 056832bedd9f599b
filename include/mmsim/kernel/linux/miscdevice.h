/* SPDX-License-Identifier: MIT */
/*
 * <linux/miscdevice.h>: struct miscdevice, misc_register().  STUBBED: a
 * registry msim_kdev_open() looks in.
 */
#ifndef MMSIM_KERNEL_LINUX_MISCDEVICE_H
#define MMSIM_KERNEL_LINUX_MISCDEVICE_H

#include <mmsim-kernel/stubs/fs.h>

#endif /* MMSIM_KERNEL_LINUX_MISCDEVICE_H */
