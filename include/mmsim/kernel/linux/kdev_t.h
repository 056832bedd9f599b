/* SPDX-License-Identifier: MIT */
/*
 * <linux/kdev_t.h>: MAJOR(), MINOR(), MKDEV().  STUBBED (dev_t is the
 * host's).
 */
#ifndef MMSIM_KERNEL_LINUX_KDEV_T_H
#define MMSIM_KERNEL_LINUX_KDEV_T_H

#include <mmsim-kernel/stubs/device.h>

#endif /* MMSIM_KERNEL_LINUX_KDEV_T_H */
