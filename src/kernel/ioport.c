// SPDX-License-Identifier: MIT
/*
 * Free physical ranges for device memory (see mmsim-kernel/custom/ioport.h):
 * each request reserves pfns above the current machine's RAM and keeps a
 * record of its own, freed by release_mem_region().
 */
#include <pthread.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/slab.h>

struct resource msim_iomem_resource = {
	.start = 0,
	.end = ~(resource_size_t)0,
	.name = "PCI mem",
	.flags = IORESOURCE_MEM,
};

static pthread_mutex_t regions_lock = PTHREAD_MUTEX_INITIALIZER;
static struct resource *regions;

struct resource *msim_request_free_mem_region(struct resource *base,
					      unsigned long size,
					      const char *name)
{
	struct msim_machine *m = msim_kmachine();
	unsigned long pfn;
	struct resource *res;

	(void)base;
	if (!size || size & ~PAGE_MASK)
		return ERR_PTR(-EINVAL);
	pfn = msim_device_pfn_alloc(m, size >> PAGE_SHIFT);
	if (!pfn)
		return ERR_PTR(-ERANGE);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return ERR_PTR(-ENOMEM);
	res->start = (resource_size_t)pfn << PAGE_SHIFT;
	res->end = res->start + size - 1;
	res->name = name;
	res->flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	res->desc = IORES_DESC_DEVICE_PRIVATE_MEMORY;
	pthread_mutex_lock(&regions_lock);
	res->msim_next = regions;
	regions = res;
	pthread_mutex_unlock(&regions_lock);
	return res;
}

void msim_release_mem_region(resource_size_t start, resource_size_t n)
{
	struct resource **p, *res = NULL;

	pthread_mutex_lock(&regions_lock);
	for (p = &regions; *p; p = &(*p)->msim_next) {
		if ((*p)->start == start && resource_size(*p) == n) {
			res = *p;
			*p = res->msim_next;
			break;
		}
	}
	pthread_mutex_unlock(&regions_lock);
	WARN(!res, "release_mem_region(%#llx, %#llx): not requested",
	     (unsigned long long)start, (unsigned long long)n);
	kfree(res);
}
