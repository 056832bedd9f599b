/* SPDX-License-Identifier: MIT */
/*
 * <linux/mmu_notifier.h>: The mmu_notifier API of the chosen kernel
 * version (Linux 6.18 by default).  CUSTOMISED: the model's notifiers; see
 * mmsim-kernel/custom/mmu_notifier.h and <linux/version.h>.
 */
#ifndef MMSIM_KERNEL_LINUX_MMU_NOTIFIER_H
#define MMSIM_KERNEL_LINUX_MMU_NOTIFIER_H

#include <mmsim-kernel/custom/mmu_notifier.h>
#include <mmsim-kernel/custom/mm.h>

#endif /* MMSIM_KERNEL_LINUX_MMU_NOTIFIER_H */
