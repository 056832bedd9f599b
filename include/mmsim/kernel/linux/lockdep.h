/* SPDX-License-Identifier: MIT */
/*
 * <linux/lockdep.h>: lockdep_assert_held() and friends.  CUSTOMISED:
 * checks that somebody holds the lock; the rest of lockdep is missing (its
 * annotations compile to nothing).
 */
#ifndef MMSIM_KERNEL_LINUX_LOCKDEP_H
#define MMSIM_KERNEL_LINUX_LOCKDEP_H

#include <mmsim-kernel/custom/locks.h>

#endif /* MMSIM_KERNEL_LINUX_LOCKDEP_H */
