/* SPDX-License-Identifier: MIT */
/*
 * <linux/fs.h>: struct file, struct inode, struct file_operations,
 * alloc_chrdev_region().  STUBBED: enough for a test to call a driver's
 * file operations (msim_kdev_open()); see mmsim-kernel/stubs/fs.h.
 */
#ifndef MMSIM_KERNEL_LINUX_FS_H
#define MMSIM_KERNEL_LINUX_FS_H

#include <mmsim-kernel/stubs/fs.h>

#endif /* MMSIM_KERNEL_LINUX_FS_H */
