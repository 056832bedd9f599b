/* SPDX-License-Identifier: MIT */
/*
 * <linux/pfn.h>: PFN_DOWN(), PFN_UP(), PFN_PHYS().  CUSTOMISED (the
 * current machine's page size).
 */
#ifndef MMSIM_KERNEL_LINUX_PFN_H
#define MMSIM_KERNEL_LINUX_PFN_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_PFN_H */
