/* SPDX-License-Identifier: MIT */
/*
 * <linux/memremap.h>: struct dev_pagemap, memremap_pages(),
 * memunmap_pages(), zone_device_page_init(), page_pgmap(),
 * is_device_private_page() (the model's ZONE_DEVICE, MEMORY_DEVICE_PRIVATE
 * only).  CUSTOMISED.  Missing: the other memory types,
 * devm_memremap_pages() needs a device (STUBBED: memremap_pages()).
 */
#ifndef MMSIM_KERNEL_LINUX_MEMREMAP_H
#define MMSIM_KERNEL_LINUX_MEMREMAP_H

#include <mmsim/memremap.h>
#include <mmsim-kernel/custom/mm.h>
#include <mmsim-kernel/custom/ioport.h>
#include <mmsim-kernel/stubs/device.h>

/* devm_*: no managed resources; the device's life is the driver's. */
#define devm_memremap_pages(dev, pgmap) memremap_pages((pgmap), numa_node_id())
#define devm_memunmap_pages(dev, pgmap) memunmap_pages(pgmap)
#define devm_request_free_mem_region(dev, base, size)                          \
	request_free_mem_region((base), (size), dev_name(dev))

#endif /* MMSIM_KERNEL_LINUX_MEMREMAP_H */
