/* SPDX-License-Identifier: MIT */
/*
 * <linux/device/class.h>: struct class, class_create().  STUBBED.
 */
#ifndef MMSIM_KERNEL_LINUX_DEVICE_CLASS_H
#define MMSIM_KERNEL_LINUX_DEVICE_CLASS_H

#include <mmsim-kernel/stubs/device.h>

#endif /* MMSIM_KERNEL_LINUX_DEVICE_CLASS_H */
