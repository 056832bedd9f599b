/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: the mmu_notifier API of the kernel version the tree stands
 * for (<linux/version.h>), on the model's notifiers (<mmsim/mmu_notifier.h>,
 * whose struct mmu_notifier_ops carries the members of every version and
 * whose notifier core calls whichever a subscription has).
 *
 * Linux 6.18 (the default):
 *  - ->arch_invalidate_secondary_tlbs, called wherever the CPU's TLB is
 *    flushed; no ->invalidate_range (gone in 6.6), no ->change_pte (gone
 *    in 6.9);
 *  - mmu_notifier_range_init(range, event, flags, mm, start, end) and
 *    _owner(), without the @vma of before 6.3;
 *  - no mmu_notifier_invalidate_range(), _only_end(),
 *    ptep_clear_flush_notify() (6.6), mmu_notifier_change_pte() or
 *    set_pte_at_notify() (6.9).
 * What a version does not have is a compile error that names it (a
 * member spelt so that the compiler's "has no member named" says why, a
 * function a failed static assertion).
 *
 * With MSIM_LINUX_VERSION_CODE below KERNEL_VERSION(6, 6, 0), the
 * older API is the one here instead (the seed's, before 6.3, with @vma),
 * and ->arch_invalidate_secondary_tlbs is what does not exist.
 *
 * struct mmu_notifier_range has its @vma member only before 6.3; from 6.3
 * the model's code reaches it under another name (<mmsim/mmu_notifier.h>
 * decides which when it sees the kernel tree on the include path).
 */
#ifndef MMSIM_KERNEL_CUSTOM_MMU_NOTIFIER_H
#define MMSIM_KERNEL_CUSTOM_MMU_NOTIFIER_H

#include <linux/version.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim-kernel/dup/compiler.h>
#include <mmsim-kernel/dup/list.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define mmu_notifier_range_init(range, event, flags, mm, start, end)           \
	msim_mmu_notifier_range_init(range, event, flags, mm, start, end)
#define mmu_notifier_range_init_owner(range, event, flags, mm, start, end,     \
				      owner)                                   \
	mmu_notifier_range_init_owner(range, event, flags, NULL, mm, start,    \
				      end, owner)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define invalidate_range                                                       \
	invalidate_range_was_removed_in_linux_6_6_use_arch_invalidate_secondary_tlbs
#define mmu_notifier_invalidate_range(...)                                     \
	MSIM_KERNEL_MISSING("mmu_notifier_invalidate_range(): removed in "     \
			    "Linux 6.6 (see <linux/version.h>)")
#define mmu_notifier_invalidate_range_only_end(...)                            \
	MSIM_KERNEL_MISSING("mmu_notifier_invalidate_range_only_end(): "       \
			    "removed in Linux 6.6 (see <linux/version.h>)")
#define ptep_clear_flush_notify(...)                                           \
	MSIM_KERNEL_MISSING("ptep_clear_flush_notify(): removed in Linux 6.6 " \
			    "(see <linux/version.h>)")
#else
#define arch_invalidate_secondary_tlbs                                         \
	arch_invalidate_secondary_tlbs_was_added_in_linux_6_6
#define mmu_notifier_arch_invalidate_secondary_tlbs(...)                       \
	MSIM_KERNEL_MISSING("mmu_notifier_arch_invalidate_secondary_tlbs(): "  \
			    "added in Linux 6.6 (see <linux/version.h>)")
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define change_pte change_pte_was_removed_in_linux_6_9
#define mmu_notifier_change_pte(...)                                           \
	MSIM_KERNEL_MISSING("mmu_notifier_change_pte(): removed in Linux 6.9 " \
			    "(see <linux/version.h>)")
#define set_pte_at_notify(...)                                                 \
	MSIM_KERNEL_MISSING("set_pte_at_notify(): removed in Linux 6.9 (see "  \
			    "<linux/version.h>)")
#endif

#endif /* MMSIM_KERNEL_CUSTOM_MMU_NOTIFIER_H */
