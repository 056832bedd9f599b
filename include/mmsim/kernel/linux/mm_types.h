/* SPDX-License-Identifier: MIT */
/*
 * <linux/mm_types.h>: struct mm_struct, struct vm_area_struct, struct
 * page, struct folio (the model's).  CUSTOMISED: the kernel's names and
 * the fields the model keeps.
 */
#ifndef MMSIM_KERNEL_LINUX_MM_TYPES_H
#define MMSIM_KERNEL_LINUX_MM_TYPES_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_MM_TYPES_H */
