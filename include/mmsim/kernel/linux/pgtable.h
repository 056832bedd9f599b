/* SPDX-License-Identifier: MIT */
/*
 * <linux/pgtable.h>: pgd_t ... pte_t, *_offset(), pte_offset_map_lock(),
 * the pte accessors.  CUSTOMISED: the model's tables, levels folded as the
 * architecture has them; see mmsim-kernel/custom/mm.h.
 */
#ifndef MMSIM_KERNEL_LINUX_PGTABLE_H
#define MMSIM_KERNEL_LINUX_PGTABLE_H

#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_PGTABLE_H */
