/* SPDX-License-Identifier: MIT */
/*
 * <linux/topology.h>: numa_node_id().  STUBBED: one node.
 */
#ifndef MMSIM_KERNEL_LINUX_TOPOLOGY_H
#define MMSIM_KERNEL_LINUX_TOPOLOGY_H

#include <mmsim-kernel/custom/ioport.h>

#endif /* MMSIM_KERNEL_LINUX_TOPOLOGY_H */
