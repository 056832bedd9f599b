/* SPDX-License-Identifier: MIT */
/*
 * <linux/kref.h>: struct kref.  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_KREF_H
#define MMSIM_KERNEL_LINUX_KREF_H

#include <mmsim-kernel/dup/refcount.h>

#endif /* MMSIM_KERNEL_LINUX_KREF_H */
