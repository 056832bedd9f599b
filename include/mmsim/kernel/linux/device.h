/* SPDX-License-Identifier: MIT */
/*
 * <linux/device.h>: struct device, struct class, device_create(), dev_*()
 * messages.  STUBBED: enough to compile and to find a device from a test;
 * see mmsim-kernel/stubs/device.h.
 */
#ifndef MMSIM_KERNEL_LINUX_DEVICE_H
#define MMSIM_KERNEL_LINUX_DEVICE_H

#include <mmsim-kernel/stubs/device.h>

#endif /* MMSIM_KERNEL_LINUX_DEVICE_H */
