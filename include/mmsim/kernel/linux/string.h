/* SPDX-License-Identifier: MIT */
/*
 * <linux/string.h>: The host's <string.h>, strscpy(), memchr_inv(),
 * kstrto*().  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_STRING_H
#define MMSIM_KERNEL_LINUX_STRING_H

#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_STRING_H */
