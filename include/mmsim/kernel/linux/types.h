/* SPDX-License-Identifier: MIT */
/*
 * <linux/types.h>: the host's UAPI header (__u32, __le64, ... which glibc
 * and other UAPI headers include under this same name), then the
 * kernel-internal types.
 *
 * DUPLICATED (kernel meaning, no model behind it): u8 ... u64, s8 ... s64,
 * bool, gfp_t, fmode_t, phys_addr_t, dma_addr_t, resource_size_t, pgoff_t,
 * loff_t, atomic_t, atomic64_t, struct list_head and hlist (from
 * <mmsim/list.h>, which the model uses too).  This header stays small:
 * system headers include it.
 */
#ifndef MMSIM_KERNEL_LINUX_TYPES_H
#define MMSIM_KERNEL_LINUX_TYPES_H

#include_next <linux/types.h>
#include <mmsim-kernel/dup/types.h>

#endif /* MMSIM_KERNEL_LINUX_TYPES_H */
