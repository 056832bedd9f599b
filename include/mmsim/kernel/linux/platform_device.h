/* SPDX-License-Identifier: MIT */
/*
 * <linux/platform_device.h>: Platform devices and drivers.  STUBBED: probe
 * on registration, remove on unregistration; see mmsim-
 * kernel/stubs/platform.h.
 */
#ifndef MMSIM_KERNEL_LINUX_PLATFORM_DEVICE_H
#define MMSIM_KERNEL_LINUX_PLATFORM_DEVICE_H

#include <mmsim-kernel/stubs/platform.h>

#endif /* MMSIM_KERNEL_LINUX_PLATFORM_DEVICE_H */
