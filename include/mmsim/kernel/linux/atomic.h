/* SPDX-License-Identifier: MIT */
/*
 * <linux/atomic.h>: atomic_t, atomic64_t, atomic_long_t, cmpxchg(),
 * xchg().  DUPLICATED (C11's atomic_fetch_*() names become the kernel's;
 * see mmsim-kernel/dup/atomic.h).
 */
#ifndef MMSIM_KERNEL_LINUX_ATOMIC_H
#define MMSIM_KERNEL_LINUX_ATOMIC_H

#include <mmsim-kernel/dup/atomic.h>

#endif /* MMSIM_KERNEL_LINUX_ATOMIC_H */
