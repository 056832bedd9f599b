/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: struct resource and the free physical ranges a driver of
 * device-private memory asks for (request_free_mem_region()).  The range
 * is reserved above the machine's RAM with msim_device_pfn_alloc() and
 * never handed out again; release_mem_region() forgets the record.  The
 * resource tree itself is not modelled: iomem_resource is only the
 * parent a driver names.
 */
#ifndef MMSIM_KERNEL_CUSTOM_IOPORT_H
#define MMSIM_KERNEL_CUSTOM_IOPORT_H

#include <mmsim/err.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/types.h>

#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_BUSY 0x80000000
#define IORES_DESC_DEVICE_PRIVATE_MEMORY 6

/**
 * struct resource - a range of physical addresses
 * @start: the first byte; @end: the last byte
 * @name: who asked for it
 * @flags: IORESOURCE_*
 * @desc: IORES_DESC_*
 */
struct resource {
	resource_size_t start;
	resource_size_t end;
	const char *name;
	unsigned long flags;
	unsigned long desc;
	struct resource *msim_next;
};

MSIM_API extern struct resource msim_iomem_resource;
#define iomem_resource msim_iomem_resource

/**
 * msim_request_free_mem_region - request_free_mem_region(): @size bytes
 * (a multiple of the page size) of free physical address space, on the
 * current machine.  Return: the resource, or ERR_PTR(-ERANGE / -ENOMEM).
 */
MSIM_API struct resource *msim_request_free_mem_region(struct resource *base,
						       unsigned long size,
						       const char *name);
/** msim_release_mem_region - release_mem_region() of a region requested so. */
MSIM_API void msim_release_mem_region(resource_size_t start, resource_size_t n);

static inline struct resource *request_free_mem_region(struct resource *base,
						       unsigned long size,
						       const char *name)
{
	return msim_request_free_mem_region(base, size, name);
}

static inline void release_mem_region(resource_size_t start, resource_size_t n)
{
	msim_release_mem_region(start, n);
}

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

#define NUMA_NO_NODE (-1)
#define numa_node_id() 0
#define dev_to_node(dev) NUMA_NO_NODE

#endif /* MMSIM_KERNEL_CUSTOM_IOPORT_H */
