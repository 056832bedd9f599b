/* SPDX-License-Identifier: MIT */
/*
 * <linux/cdev.h>: struct cdev, cdev_init(), cdev_add().  STUBBED: a
 * registry msim_kdev_open() looks in.
 */
#ifndef MMSIM_KERNEL_LINUX_CDEV_H
#define MMSIM_KERNEL_LINUX_CDEV_H

#include <mmsim-kernel/stubs/fs.h>

#endif /* MMSIM_KERNEL_LINUX_CDEV_H */
