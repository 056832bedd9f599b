/* SPDX-License-Identifier: MIT */
/*
 * <linux/ioport.h>: struct resource, request_free_mem_region(),
 * release_mem_region().  CUSTOMISED: ranges above the machine's RAM for
 * device memory; see mmsim-kernel/custom/ioport.h.
 */
#ifndef MMSIM_KERNEL_LINUX_IOPORT_H
#define MMSIM_KERNEL_LINUX_IOPORT_H

#include <mmsim-kernel/custom/ioport.h>

#endif /* MMSIM_KERNEL_LINUX_IOPORT_H */
