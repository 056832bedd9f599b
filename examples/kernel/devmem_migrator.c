// SPDX-License-Identifier: MIT
/*
 * kx_devmem: a device with memory of its own that the CPU cannot
 * address (MEMORY_DEVICE_PRIVATE), in the manner of lib/test_hmm.c's.
 *
 * At load it asks for a free physical range above RAM
 * (request_free_mem_region()), has struct pages made for it
 * (memremap_pages()), and keeps each device page's bytes in a system
 * page of its own (page->zone_device_data), which is what "the device's
 * memory" is here.  KX_MIGRATE_TO_DEVICE moves the opener's anonymous
 * pages there with migrate_vma (the PTEs become device-private entries);
 * a CPU access to one faults, and ->migrate_to_ram moves that page back;
 * KX_MIGRATE_TO_SYSTEM moves them back on request; the last reference to
 * a device page hands it back (->page_free).  At unload every page still
 * in use is evicted (migrate_device_range()) before the memory goes.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmsim_examples.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#define KX_DEVMEM_PAGES 32

static struct kx_devmem {
	struct resource *res;
	struct dev_pagemap pgmap;
	spinlock_t lock; /* the free list */
	struct page *free[KX_DEVMEM_PAGES];
	unsigned long nr_free;
} kx_devmem;

/* The owner the device's migrations and its pages carry. */
static int kx_devmem_owner;

static struct page *kx_devmem_alloc(void)
{
	struct page *page = NULL;

	spin_lock(&kx_devmem.lock);
	if (kx_devmem.nr_free)
		page = kx_devmem.free[--kx_devmem.nr_free];
	spin_unlock(&kx_devmem.lock);
	if (page)
		zone_device_page_init(page); /* locked, one reference */
	return page;
}

static void kx_devmem_page_free(struct page *page)
{
	spin_lock(&kx_devmem.lock);
	kx_devmem.free[kx_devmem.nr_free++] = page;
	spin_unlock(&kx_devmem.lock);
}

/* A system page for the bytes of @spage, device or not; NULL if none. */
static struct page *kx_copy_to_ram(struct page *spage)
{
	struct page *dpage = alloc_page(GFP_HIGHUSER_MOVABLE);

	if (!dpage)
		return NULL;
	lock_page(dpage);
	copy_highpage(dpage, spage->zone_device_data);
	return dpage;
}

/* ->migrate_to_ram: the CPU touched a device page. */
static vm_fault_t kx_devmem_fault(struct vm_fault *vmf)
{
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address & PAGE_MASK,
		.end = (vmf->address & PAGE_MASK) + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = &kx_devmem_owner,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	struct page *spage, *dpage;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	spage = migrate_pfn_to_page(src);
	if (spage && (src & MIGRATE_PFN_MIGRATE)) {
		dpage = kx_copy_to_ram(spage);
		if (!dpage) {
			migrate_vma_finalize(&args);
			return VM_FAULT_OOM;
		}
		dst = migrate_pfn(page_to_pfn(dpage));
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return 0;
}

static const struct dev_pagemap_ops kx_devmem_ops = {
	.page_free = kx_devmem_page_free,
	.migrate_to_ram = kx_devmem_fault,
};

/* Migrate one VMA's part of the range; Return: the pages moved. */
static long kx_migrate_vma(struct vm_area_struct *vma, unsigned long start,
			   unsigned long end, bool to_device)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT, i;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.pgmap_owner = &kx_devmem_owner,
		.flags = to_device ? MIGRATE_VMA_SELECT_SYSTEM
				   : MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
	};
	struct page *spage, *dpage;
	long moved = 0;
	int ret;

	args.src = kcalloc(npages, sizeof(*args.src), GFP_KERNEL);
	args.dst = kcalloc(npages, sizeof(*args.dst), GFP_KERNEL);
	if (!args.src || !args.dst) {
		ret = -ENOMEM;
		goto out;
	}
	ret = migrate_vma_setup(&args);
	if (ret)
		goto out;
	for (i = 0; i < args.npages; i++) {
		if (!(args.src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		spage = migrate_pfn_to_page(args.src[i]);
		if (to_device) {
			dpage = kx_devmem_alloc();
			if (!dpage)
				continue;
			if (spage)
				copy_highpage(dpage->zone_device_data, spage);
			else
				clear_highpage(dpage->zone_device_data);
		} else {
			if (!spage)
				continue;
			dpage = kx_copy_to_ram(spage);
			if (!dpage)
				continue;
		}
		args.dst[i] = migrate_pfn(page_to_pfn(dpage));
		moved++;
	}
	migrate_vma_pages(&args);
	for (i = 0; i < args.npages; i++)
		if (args.dst[i] && !(args.src[i] & MIGRATE_PFN_MIGRATE))
			moved--;
	migrate_vma_finalize(&args);
out:
	kfree(args.src);
	kfree(args.dst);
	return ret ? ret : moved;
}

static long kx_devmem_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uarg = u64_to_user_ptr(arg);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long addr, end, next;
	long ret = 0, moved = 0;
	struct kx_cmd c;

	(void)filp;
	if (cmd != KX_MIGRATE_TO_DEVICE && cmd != KX_MIGRATE_TO_SYSTEM)
		return -ENOTTY;
	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (!PAGE_ALIGNED(c.addr) ||
	    check_add_overflow(c.addr, c.npages << PAGE_SHIFT, &end))
		return -EINVAL;
	mmap_read_lock(mm);
	for (addr = c.addr; addr < end; addr = next) {
		vma = vma_lookup(mm, addr);
		if (!vma) {
			ret = -EFAULT;
			break;
		}
		next = min(end, vma->vm_end);
		ret = kx_migrate_vma(vma, addr, next,
				     cmd == KX_MIGRATE_TO_DEVICE);
		if (ret < 0)
			break;
		moved += ret;
		ret = 0;
	}
	mmap_read_unlock(mm);
	if (ret)
		return ret;
	c.result = moved;
	return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

static const struct file_operations kx_devmem_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kx_devmem_ioctl,
};

static struct miscdevice kx_devmem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kx_devmem",
	.fops = &kx_devmem_fops,
};

static void kx_devmem_free_backing(void)
{
	unsigned long pfn, first = PHYS_PFN(kx_devmem.res->start);
	struct page *page;

	for (pfn = first; pfn < first + KX_DEVMEM_PAGES; pfn++) {
		page = pfn_to_page(pfn);
		if (page->zone_device_data)
			__free_page(page->zone_device_data);
		page->zone_device_data = NULL;
	}
}

static int __init kx_devmem_init(void)
{
	unsigned long pfn, first;
	struct page *page;
	void *ptr;
	int ret;

	spin_lock_init(&kx_devmem.lock);
	kx_devmem.nr_free = 0;
	kx_devmem.res = request_free_mem_region(
		&iomem_resource, KX_DEVMEM_PAGES * PAGE_SIZE, "kx_devmem");
	if (IS_ERR(kx_devmem.res))
		return PTR_ERR(kx_devmem.res);
	kx_devmem.pgmap.type = MEMORY_DEVICE_PRIVATE;
	kx_devmem.pgmap.range.start = kx_devmem.res->start;
	kx_devmem.pgmap.range.end = kx_devmem.res->end;
	kx_devmem.pgmap.nr_range = 1;
	kx_devmem.pgmap.ops = &kx_devmem_ops;
	kx_devmem.pgmap.owner = &kx_devmem_owner;
	ptr = memremap_pages(&kx_devmem.pgmap, numa_node_id());
	if (IS_ERR_OR_NULL(ptr)) {
		ret = ptr ? PTR_ERR(ptr) : -EFAULT;
		goto release;
	}
	first = PHYS_PFN(kx_devmem.res->start);
	for (pfn = first; pfn < first + KX_DEVMEM_PAGES; pfn++) {
		page = pfn_to_page(pfn);
		page->zone_device_data = alloc_page(GFP_HIGHUSER);
		if (!page->zone_device_data) {
			ret = -ENOMEM;
			goto unmap;
		}
		kx_devmem.free[kx_devmem.nr_free++] = page;
	}
	ret = misc_register(&kx_devmem_misc);
	if (!ret)
		return 0;
unmap:
	kx_devmem_free_backing();
	memunmap_pages(&kx_devmem.pgmap);
release:
	release_mem_region(kx_devmem.res->start, resource_size(kx_devmem.res));
	return ret;
}

/* Every device page still in use goes back to system memory. */
static void kx_devmem_evict(void)
{
	unsigned long src[KX_DEVMEM_PAGES], dst[KX_DEVMEM_PAGES], i;
	struct page *spage, *dpage;

	migrate_device_range(src, PHYS_PFN(kx_devmem.res->start),
			     KX_DEVMEM_PAGES);
	for (i = 0; i < KX_DEVMEM_PAGES; i++) {
		dst[i] = 0;
		spage = migrate_pfn_to_page(src[i]);
		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = kx_copy_to_ram(spage);
		if (dpage)
			dst[i] = migrate_pfn(page_to_pfn(dpage));
	}
	migrate_device_pages(src, dst, KX_DEVMEM_PAGES);
	migrate_device_finalize(src, dst, KX_DEVMEM_PAGES);
}

static void __exit kx_devmem_exit(void)
{
	misc_deregister(&kx_devmem_misc);
	kx_devmem_evict();
	kx_devmem_free_backing();
	memunmap_pages(&kx_devmem.pgmap);
	release_mem_region(kx_devmem.res->start, resource_size(kx_devmem.res));
}

module_init(kx_devmem_init);
module_exit(kx_devmem_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Device-private memory that anonymous pages migrate to");
