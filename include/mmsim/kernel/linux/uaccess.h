/* SPDX-License-Identifier: MIT */
/*
 * <linux/uaccess.h>: copy_to_user(), copy_from_user(), get_user(),
 * put_user(), u64_to_user_ptr().  CUSTOMISED: through the current task's
 * simulated mm, faulting as the kernel does; see mmsim-
 * kernel/custom/uaccess.h.
 */
#ifndef MMSIM_KERNEL_LINUX_UACCESS_H
#define MMSIM_KERNEL_LINUX_UACCESS_H

#include <mmsim-kernel/custom/uaccess.h>

#endif /* MMSIM_KERNEL_LINUX_UACCESS_H */
