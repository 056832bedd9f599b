/* SPDX-License-Identifier: MIT */
/*
 * <linux/rculist.h>: The RCU list and hlist API.  DUPLICATED.
 */
#ifndef MMSIM_KERNEL_LINUX_RCULIST_H
#define MMSIM_KERNEL_LINUX_RCULIST_H

#include <mmsim-kernel/dup/rculist.h>
#include <mmsim-kernel/custom/rcupdate.h>

#endif /* MMSIM_KERNEL_LINUX_RCULIST_H */
