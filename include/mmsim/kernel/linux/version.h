/* SPDX-License-Identifier: MIT */
/*
 * <linux/version.h>: the kernel version the tree stands for.
 *
 * CUSTOMISED: LINUX_VERSION_CODE is Linux 6.18's unless the build defines
 * MSIM_LINUX_VERSION_CODE, e.g. -DMSIM_LINUX_VERSION_CODE=0x060500 (or
 * KERNEL_VERSION(6, 5, 0)) for the API of 6.5.  What follows the version:
 * the mmu_notifier API (<linux/mmu_notifier.h>): ->invalidate_range and
 * mmu_notifier_invalidate_range*() before 6.6, ->arch_invalidate_secondary_tlbs
 * from 6.6; ->change_pte and set_pte_at_notify() before 6.9; a @vma in
 * mmu_notifier_range_init() before 6.3.  The model under the tree is the
 * same whatever the version: it calls whichever hooks a subscription has.
 */
#ifndef MMSIM_KERNEL_LINUX_VERSION_H
#define MMSIM_KERNEL_LINUX_VERSION_H

#define KERNEL_VERSION(a, b, c)                                                \
	(((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

#ifdef MSIM_LINUX_VERSION_CODE
#define LINUX_VERSION_CODE (MSIM_LINUX_VERSION_CODE)
#else
#define LINUX_VERSION_CODE KERNEL_VERSION(6, 18, 0)
#endif
#define LINUX_VERSION_MAJOR (LINUX_VERSION_CODE >> 16)
#define LINUX_VERSION_PATCHLEVEL ((LINUX_VERSION_CODE >> 8) & 0xff)
#define LINUX_VERSION_SUBLEVEL (LINUX_VERSION_CODE & 0xff)

#endif /* MMSIM_KERNEL_LINUX_VERSION_H */
