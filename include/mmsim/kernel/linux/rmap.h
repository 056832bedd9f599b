/* SPDX-License-Identifier: MIT */
/*
 * <linux/rmap.h>: make_device_exclusive(), try_to_migrate() (the model's).
 * CUSTOMISED.
 */
#ifndef MMSIM_KERNEL_LINUX_RMAP_H
#define MMSIM_KERNEL_LINUX_RMAP_H

#include <mmsim/rmap.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_RMAP_H */
