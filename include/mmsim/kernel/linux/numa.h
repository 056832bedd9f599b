/* SPDX-License-Identifier: MIT */
/*
 * <linux/numa.h>: NUMA_NO_NODE, numa_node_id().  STUBBED: one node.
 */
#ifndef MMSIM_KERNEL_LINUX_NUMA_H
#define MMSIM_KERNEL_LINUX_NUMA_H

#include <mmsim-kernel/custom/ioport.h>

#endif /* MMSIM_KERNEL_LINUX_NUMA_H */
