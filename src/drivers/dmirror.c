// SPDX-License-Identifier: MIT
/*
 * An HMM mirror (see dmirror.h): the interval-notifier protocol of
 * lib/test_hmm.c, and its device memory, written for the model.
 *
 * Lock order: the mm's locks, then the device lock, then the checker's;
 * the device memory's free list under its own lock, innermost (its
 * ->page_free may be called with any of them held).  The fault path
 * holds the mmap lock only around hmm_range_fault() and never together
 * with the device lock.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/dmirror.h>

/**
 * struct msim_dmirror_devmem - the device's own memory
 * @pgmap: its pagemap, MEMORY_DEVICE_PRIVATE, owned by the mirror's owner
 * @dmirror: the mirror
 * @lock: protects @free and @nr_free
 * @free: the free device pages, a stack
 * @nr_free, @nr_pages: how many are free, and in all
 * @res_first: the first pfn of its physical range
 *
 * A device page's bytes live in a system page of the device's, which its
 * zone_device_data points to, from msim_dmirror_devmem_add() until the
 * memory goes.
 */
struct msim_dmirror_devmem {
	struct dev_pagemap pgmap;
	struct msim_dmirror *dmirror;
	spinlock_t lock;
	struct page **free;
	unsigned long nr_free, nr_pages;
	unsigned long res_first;
};

/* dmirror_do_update(): the device forgets [@start, @end). */
static void dmirror_do_update(struct msim_dmirror *dmirror, unsigned long start,
			      unsigned long end)
{
	msim_xlate_drop_range(&dmirror->pt, start, end);
}

static bool dmirror_interval_invalidate(struct mmu_interval_notifier *mni,
					const struct mmu_notifier_range *range,
					unsigned long cur_seq)
{
	struct msim_dmirror *dmirror =
		container_of(mni, struct msim_dmirror, notifier);

	/*
	 * Our own migration, or our own exclusive access: the device sets
	 * its entries itself.
	 */
	if ((range->event == MMU_NOTIFY_MIGRATE ||
	     range->event == MMU_NOTIFY_EXCLUSIVE) &&
	    range->owner == dmirror->owner && dmirror->owner) {
		dmirror->nr_skipped++;
		return true;
	}

	if (mmu_notifier_range_blockable(range))
		down_write(&dmirror->mutex);
	else if (!down_write_trylock(&dmirror->mutex))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	dmirror->nr_invalidates++;
	dmirror_do_update(dmirror, range->start, range->end);
	up_write(&dmirror->mutex);
	return true;
}

static const struct mmu_interval_notifier_ops dmirror_min_ops = {
	.invalidate = dmirror_interval_invalidate,
};

struct msim_dmirror *msim_dmirror_create(struct mm_struct *mm,
					 unsigned long start,
					 unsigned long length, void *owner,
					 const char *name,
					 struct msim_coherence *coherence)
{
	struct msim_dmirror *dmirror =
		msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*dmirror));
	int ret;

	if (!dmirror)
		return ERR_PTR(-ENOMEM);
	dmirror->mm = mm;
	dmirror->owner = owner;
	msim_xlate_table_init(&dmirror->pt, mm->machine, name, coherence);
	init_rwsem(&dmirror->mutex);
	dmirror->mutex.name = "dmirror->mutex";
	msim_trace_name_object(&dmirror->notifier, name);
	ret = mmu_interval_notifier_insert(&dmirror->notifier, mm, start,
					   length, &dmirror_min_ops);
	if (ret) {
		msim_trace_forget_object(&dmirror->notifier);
		msim_rwsem_destroy(&dmirror->mutex);
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, dmirror);
		return ERR_PTR(ret);
	}
	return dmirror;
}

static void dmirror_devmem_remove(struct msim_dmirror *dmirror);

void msim_dmirror_destroy(struct msim_dmirror *dmirror)
{
	struct msim_machine *m = dmirror->mm->machine;

	if (dmirror->devmem)
		dmirror_devmem_remove(dmirror);
	/*
	 * The device stops translating first, as a device is quiesced
	 * before its file is released: no entry outlives the notifier that
	 * keeps it coherent (lib/test_hmm.c drops its entries after the
	 * remove, which is as safe only because nothing uses them then).
	 * Then the remove, which waits for a running ->invalidate, with the
	 * lock not held.
	 */
	down_write(&dmirror->mutex);
	dmirror_do_update(dmirror, 0, ULONG_MAX);
	up_write(&dmirror->mutex);
	mmu_interval_notifier_remove(&dmirror->notifier);
	msim_trace_forget_object(&dmirror->notifier);
	msim_rwsem_destroy(&dmirror->mutex);
	msim_kfree(m, MSIM_ALLOC_OTHER, dmirror);
}

/*
 * dmirror_do_fault(): install the snapshot.  Under the device lock, after
 * mmu_interval_read_retry() said it is current.
 */
static int dmirror_do_fault(struct msim_dmirror *dmirror,
			    struct hmm_range *range, unsigned long seen)
{
	struct mm_struct *mm = dmirror->mm;
	struct msim_xlate_entry *e;
	unsigned long addr, i;
	struct page *page;

	for (addr = range->start, i = 0; addr < range->end;
	     addr += mm_page_size(mm), i++) {
		if (!(range->hmm_pfns[i] & HMM_PFN_VALID))
			continue;
		/* The device's own pages come as they are (dev_private_owner).
		 */
		page = msim_pfn_to_page(mm->machine,
					range->hmm_pfns[i] & ~HMM_PFN_FLAGS);
		if (!page)
			return -EFAULT;
		e = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*e));
		if (!e)
			return -ENOMEM;
		msim_xlate_insert(&dmirror->pt, e, addr, mm_page_size(mm), page,
				  range->hmm_pfns[i] & HMM_PFN_WRITE, seen);
	}
	return 0;
}

/* dmirror_range_fault(): the read_begin / fault / read_retry loop. */
int msim_dmirror_fault(struct msim_dmirror *dmirror, unsigned long start,
		       unsigned long end, bool write)
{
	struct mm_struct *mm = dmirror->mm;
	unsigned long npages, seen;
	struct hmm_range range = {
		.notifier = &dmirror->notifier,
		.default_flags =
			HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = dmirror->owner,
	};
	int ret;

	start &= mm_page_mask(mm);
	end = mm_page_align(mm, end);
	if (start >= end)
		return -EINVAL;
	npages = (end - start) >> mm_page_shift(mm);
	range.start = start;
	range.end = end;
	range.hmm_pfns = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER,
				      npages * sizeof(*range.hmm_pfns));
	if (!range.hmm_pfns)
		return -ENOMEM;

	dmirror->nr_faults++;
	for (;;) {
		range.notifier_seq = mmu_interval_read_begin(range.notifier);
		seen = msim_coherence_now(dmirror->pt.coherence);
		memset(range.hmm_pfns, 0, npages * sizeof(*range.hmm_pfns));
		mmap_read_lock(mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (ret == -EBUSY) {
			dmirror->nr_retries++;
			continue;
		}
		if (ret)
			break;

		/* The window between the snapshot and the install. */
		msim_preempt_point("dmirror_fault_install");
		if (dmirror->msim_fault_hook)
			dmirror->msim_fault_hook(dmirror, start,
						 dmirror->msim_fault_hook_arg);

		down_write(&dmirror->mutex);
		if (!(dmirror->msim_bugs & MSIM_DMIRROR_BUG_NO_RETRY) &&
		    mmu_interval_read_retry(range.notifier,
					    range.notifier_seq)) {
			up_write(&dmirror->mutex);
			dmirror->nr_retries++;
			continue;
		}
		ret = dmirror_do_fault(dmirror, &range, seen);
		up_write(&dmirror->mutex);
		break;
	}
	msim_kfree(mm->machine, MSIM_ALLOC_OTHER, range.hmm_pfns);
	return ret;
}

/*
 * The bytes an entry's page holds: a system page's own, or for a device
 * page those of the system page the device keeps it in.
 */
static unsigned char *dmirror_page_bytes(struct page *page)
{
	if (is_device_private_page(page))
		return page_address(page->zone_device_data);
	return page_address(page);
}

int msim_dmirror_access(struct msim_dmirror *dmirror, unsigned long addr,
			void *buf, size_t len, bool write)
{
	struct mm_struct *mm = dmirror->mm;
	unsigned long off = addr & (mm_page_size(mm) - 1);
	unsigned long base = addr - off;
	struct msim_xlate_entry *e;
	unsigned char *p;
	int ret;

	if (len > mm_page_size(mm) - off)
		return -EINVAL;
	for (;;) {
		down_write(&dmirror->mutex);
		e = msim_xlate_lookup(&dmirror->pt, base);
		if (e && (!write || e->writable)) {
			p = dmirror_page_bytes(e->page) + off;
			if (write)
				memcpy(p, buf, len);
			else
				memcpy(buf, p, len);
			up_write(&dmirror->mutex);
			return 0;
		}
		up_write(&dmirror->mutex);
		ret = msim_dmirror_fault(dmirror, base, base + mm_page_size(mm),
					 write);
		if (ret)
			return ret;
	}
}

struct page *msim_dmirror_entry_page(struct msim_dmirror *dmirror,
				     unsigned long addr, bool *writable)
{
	struct page *page;

	down_write(&dmirror->mutex);
	page = msim_xlate_page(&dmirror->pt, addr & mm_page_mask(dmirror->mm),
			       writable);
	up_write(&dmirror->mutex);
	return page;
}

void msim_dmirror_show(struct msim_dmirror *dmirror, FILE *out)
{
	down_write(&dmirror->mutex);
	msim_xlate_show(&dmirror->pt, out);
	up_write(&dmirror->mutex);
}

/* Device memory. */

static struct msim_dmirror_devmem *to_devmem(struct page *page)
{
	return container_of(page->pgmap, struct msim_dmirror_devmem, pgmap);
}

/* A free device page, handed out (locked, referenced), or NULL. */
static struct page *devmem_alloc(struct msim_dmirror_devmem *dm)
{
	struct page *page = NULL;

	spin_lock(&dm->lock);
	if (dm->nr_free)
		page = dm->free[--dm->nr_free];
	spin_unlock(&dm->lock);
	if (page)
		zone_device_page_init(page);
	return page;
}

/* dev_pagemap_ops.page_free: the last reference is gone. */
static void dmirror_devmem_free(struct page *page)
{
	struct msim_dmirror_devmem *dm = to_devmem(page);

	spin_lock(&dm->lock);
	dm->free[dm->nr_free++] = page;
	spin_unlock(&dm->lock);
}

/* Forget what the device maps in [@start, @end). */
static void dmirror_unmap(struct msim_dmirror *dmirror, unsigned long start,
			  unsigned long end)
{
	down_write(&dmirror->mutex);
	dmirror_do_update(dmirror, start, end);
	up_write(&dmirror->mutex);
}

/*
 * Map the pages a migration moved, before it is finalized
 * (dmirror_migrate_finalize_and_map()): writable where the source was.
 */
static int dmirror_map_migrated(struct msim_dmirror *dmirror,
				struct migrate_vma *args, unsigned long seen)
{
	struct mm_struct *mm = dmirror->mm;
	struct msim_xlate_entry *e;
	struct page *page;
	unsigned long i;
	int ret = 0;

	down_write(&dmirror->mutex);
	for (i = 0; i < args->npages; i++) {
		page = msim_migrate_pfn_to_page(mm->machine, args->dst[i]);
		if (!page || !(args->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		e = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*e));
		if (!e) {
			ret = -ENOMEM;
			continue;
		}
		msim_xlate_insert(&dmirror->pt, e,
				  args->start + (i << mm_page_shift(mm)),
				  mm_page_size(mm), page,
				  args->dst[i] & MIGRATE_PFN_WRITE, seen);
	}
	up_write(&dmirror->mutex);
	return ret;
}

/*
 * One VMA's part of a migration.  To the device: every page, hole and
 * zero page of system memory gets a device page, its bytes copied into
 * the device's keeping, and is mapped in the device.  To the system: the
 * device's pages get system pages, the bytes copied back, and the device
 * forgets them.  Return: the pages moved, or an error.
 */
static long dmirror_migrate_vma(struct msim_dmirror *dmirror,
				struct vm_area_struct *vma, unsigned long start,
				unsigned long end, bool to_device)
{
	struct mm_struct *mm = dmirror->mm;
	struct msim_machine *m = mm->machine;
	struct msim_dmirror_devmem *dm = dmirror->devmem;
	unsigned long psize = mm_page_size(mm);
	unsigned long npages = (end - start) >> mm_page_shift(mm), i;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.pgmap_owner = dmirror->owner,
		.flags = to_device ? MIGRATE_VMA_SELECT_SYSTEM
				   : MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
	};
	struct page *spage, *dpage;
	unsigned long seen = msim_coherence_now(dmirror->pt.coherence);
	long moved = 0;
	int ret;

	args.src = msim_kzalloc(m, MSIM_ALLOC_OTHER, npages * sizeof(long));
	args.dst = msim_kzalloc(m, MSIM_ALLOC_OTHER, npages * sizeof(long));
	if (!args.src || !args.dst) {
		ret = -ENOMEM;
		goto out;
	}
	ret = migrate_vma_setup(&args);
	if (ret || !args.cpages)
		goto out;
	for (i = 0; i < args.npages; i++) {
		if (!(args.src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		spage = msim_migrate_pfn_to_page(m, args.src[i]);
		if (to_device) {
			dpage = devmem_alloc(dm);
			if (!dpage)
				continue;
			if (spage)
				memcpy(page_address(dpage->zone_device_data),
				       page_address(spage), psize);
			else
				memset(page_address(dpage->zone_device_data), 0,
				       psize);
		} else {
			/* Holes stay holes: only the device's pages move. */
			if (!spage)
				continue;
			dpage = msim_alloc_page(m, MSIM_ALLOC_FRAME);
			if (!dpage)
				continue;
			lock_page(dpage);
			memcpy(page_address(dpage),
			       page_address(spage->zone_device_data), psize);
		}
		args.dst[i] = migrate_pfn(page_to_pfn(dpage)) |
			      (args.src[i] & MIGRATE_PFN_WRITE);
	}
	if (!to_device)
		dmirror_unmap(dmirror, start, end);
	migrate_vma_pages(&args);
	if (to_device)
		ret = dmirror_map_migrated(dmirror, &args, seen);
	for (i = 0; i < args.npages; i++)
		if ((args.src[i] & MIGRATE_PFN_MIGRATE) && args.dst[i])
			moved++;
	migrate_vma_finalize(&args);
out:
	msim_kfree(m, MSIM_ALLOC_OTHER, args.src);
	msim_kfree(m, MSIM_ALLOC_OTHER, args.dst);
	return ret ? ret : moved;
}

static long dmirror_migrate(struct msim_dmirror *dmirror, unsigned long start,
			    unsigned long end, bool to_device)
{
	struct mm_struct *mm = dmirror->mm;
	struct vm_area_struct *vma;
	unsigned long addr, next;
	long ret = 0, moved = 0;

	if (!dmirror->devmem || !mm_page_aligned(mm, start) ||
	    !mm_page_aligned(mm, end) || end <= start)
		return -EINVAL;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		vma = vma_lookup(mm, addr);
		if (!vma) {
			ret = -EFAULT;
			break;
		}
		next = vma->vm_end < end ? vma->vm_end : end;
		ret = dmirror_migrate_vma(dmirror, vma, addr, next, to_device);
		if (ret < 0)
			break;
		moved += ret;
		ret = 0;
	}
	mmap_read_unlock(mm);
	if (to_device)
		dmirror->nr_to_device += (unsigned long)moved;
	else
		dmirror->nr_to_system += (unsigned long)moved;
	return ret < 0 ? ret : moved;
}

long msim_dmirror_migrate_to_device(struct msim_dmirror *dmirror,
				    unsigned long start, unsigned long end)
{
	return dmirror_migrate(dmirror, start, end, true);
}

long msim_dmirror_migrate_to_system(struct msim_dmirror *dmirror,
				    unsigned long start, unsigned long end)
{
	return dmirror_migrate(dmirror, start, end, false);
}

/*
 * dev_pagemap_ops.migrate_to_ram: a CPU touched one of the device's
 * pages.  Move that page back (the fault holds it locked and referenced:
 * .fault_page), and the device forgets it.
 */
static vm_fault_t dmirror_devmem_fault(struct vm_fault *vmf)
{
	struct msim_dmirror_devmem *dm = to_devmem(vmf->page);
	struct msim_dmirror *dmirror = dm->dmirror;
	struct mm_struct *mm = vmf->vma->vm_mm;
	unsigned long src = 0, dst = 0, addr = vmf->address;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = addr,
		.end = addr + mm_page_size(mm),
		.src = &src,
		.dst = &dst,
		.pgmap_owner = dmirror->owner,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	struct page *spage, *dpage;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	if (!args.cpages)
		return 0;
	spage = msim_migrate_pfn_to_page(mm->machine, src);
	if (spage && (src & MIGRATE_PFN_MIGRATE)) {
		dpage = msim_alloc_page(mm->machine, MSIM_ALLOC_FRAME);
		if (dpage) {
			lock_page(dpage);
			memcpy(page_address(dpage),
			       page_address(spage->zone_device_data),
			       mm_page_size(mm));
			dst = migrate_pfn(page_to_pfn(dpage)) |
			      (src & MIGRATE_PFN_WRITE);
		}
	}
	dmirror_unmap(dmirror, args.start, args.end);
	migrate_vma_pages(&args);
	if ((src & MIGRATE_PFN_MIGRATE) && dst)
		__atomic_fetch_add(&dmirror->nr_cpu_faults, 1,
				   __ATOMIC_RELAXED);
	migrate_vma_finalize(&args);
	return dst ? 0 : VM_FAULT_OOM;
}

static const struct dev_pagemap_ops dmirror_devmem_ops = {
	.page_free = dmirror_devmem_free,
	.migrate_to_ram = dmirror_devmem_fault,
};

int msim_dmirror_devmem_add(struct msim_dmirror *dmirror,
			    unsigned long nr_pages)
{
	struct mm_struct *mm = dmirror->mm;
	struct msim_machine *m = mm->machine;
	struct msim_dmirror_devmem *dm;
	unsigned long i, first;
	void *ret;

	if (!dmirror->owner || dmirror->devmem || !nr_pages)
		return -EINVAL;
	dm = msim_kzalloc(m, MSIM_ALLOC_OTHER, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->free =
		msim_kzalloc(m, MSIM_ALLOC_OTHER, nr_pages * sizeof(*dm->free));
	if (!dm->free)
		goto nomem;
	first = msim_device_pfn_alloc(m, nr_pages);
	if (!first) {
		msim_kfree(m, MSIM_ALLOC_OTHER, dm->free);
		msim_kfree(m, MSIM_ALLOC_OTHER, dm);
		return -ERANGE;
	}
	dm->dmirror = dmirror;
	dm->nr_pages = nr_pages;
	dm->res_first = first;
	spin_lock_init(&dm->lock);
	dm->lock.name = "dmirror devmem";
	dm->pgmap.type = MEMORY_DEVICE_PRIVATE;
	dm->pgmap.nr_range = 1;
	dm->pgmap.range.start = (unsigned long long)first << mm_page_shift(mm);
	dm->pgmap.range.end =
		dm->pgmap.range.start +
		((unsigned long long)nr_pages << mm_page_shift(mm)) - 1;
	dm->pgmap.ops = &dmirror_devmem_ops;
	dm->pgmap.owner = dmirror->owner;
	ret = msim_memremap_pages(m, &dm->pgmap);
	if (IS_ERR(ret)) {
		msim_kfree(m, MSIM_ALLOC_OTHER, dm->free);
		msim_kfree(m, MSIM_ALLOC_OTHER, dm);
		return (int)PTR_ERR(ret);
	}
	/* The device's memory proper: a system page for each of its pages. */
	for (i = 0; i < nr_pages; i++) {
		struct page *page = msim_pfn_to_page(m, first + i);

		page->zone_device_data = msim_alloc_page(m, MSIM_ALLOC_FRAME);
		if (!page->zone_device_data)
			break;
		dm->free[dm->nr_free++] = page;
	}
	dmirror->devmem = dm;
	if (i < nr_pages) {
		dmirror_devmem_remove(dmirror);
		return -ENOMEM;
	}
	return 0;
nomem:
	msim_kfree(m, MSIM_ALLOC_OTHER, dm);
	return -ENOMEM;
}

unsigned long msim_dmirror_devmem_free(struct msim_dmirror *dmirror)
{
	struct msim_dmirror_devmem *dm = dmirror->devmem;
	unsigned long n;

	if (!dm)
		return 0;
	spin_lock(&dm->lock);
	n = dm->nr_free;
	spin_unlock(&dm->lock);
	return n;
}

/*
 * Evict every device page still in use back to system memory, wherever
 * it is mapped (dmirror_device_evict_chunk()), then unmap the memory.
 */
static void dmirror_devmem_remove(struct msim_dmirror *dmirror)
{
	struct msim_dmirror_devmem *dm = dmirror->devmem;
	struct msim_machine *m = dmirror->mm->machine;
	unsigned long psize = mm_page_size(dmirror->mm), n = dm->nr_pages, i;
	unsigned long *src, *dst;
	struct page *spage, *dpage;

	src = msim_kzalloc(m, MSIM_ALLOC_OTHER, n * sizeof(long));
	dst = msim_kzalloc(m, MSIM_ALLOC_OTHER, n * sizeof(long));
	if (src && dst) {
		msim_migrate_device_range(m, src, dm->res_first, n);
		for (i = 0; i < n; i++) {
			spage = msim_migrate_pfn_to_page(m, src[i]);
			if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
				continue;
			/* Cannot fail here in Linux (__GFP_NOFAIL). */
			dpage = msim_alloc_page(m, MSIM_ALLOC_FRAME);
			if (!dpage)
				continue;
			lock_page(dpage);
			memcpy(page_address(dpage),
			       page_address(spage->zone_device_data), psize);
			dst[i] = migrate_pfn(page_to_pfn(dpage));
		}
		dmirror_unmap(dmirror, 0, ULONG_MAX);
		msim_migrate_device_pages(m, src, dst, n);
		msim_migrate_device_finalize(m, src, dst, n);
	}
	msim_kfree(m, MSIM_ALLOC_OTHER, src);
	msim_kfree(m, MSIM_ALLOC_OTHER, dst);
	/* Nothing uses the device's keeping of its pages any more. */
	for (i = 0; i < n; i++) {
		spage = msim_pfn_to_page(m, dm->res_first + i);
		if (spage->zone_device_data)
			put_page(spage->zone_device_data);
		spage->zone_device_data = NULL;
	}
	memunmap_pages(&dm->pgmap);
	msim_spin_lock_destroy(&dm->lock);
	msim_kfree(m, MSIM_ALLOC_OTHER, dm->free);
	msim_kfree(m, MSIM_ALLOC_OTHER, dm);
	dmirror->devmem = NULL;
}

long msim_dmirror_exclusive(struct msim_dmirror *dmirror, unsigned long start,
			    unsigned long end)
{
	struct mm_struct *mm = dmirror->mm;
	struct msim_xlate_entry *e;
	unsigned long addr, seen;
	struct folio *folio;
	struct page *page;
	long taken = 0;

	if (!mm_page_aligned(mm, start) || !mm_page_aligned(mm, end))
		return -EINVAL;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr += mm_page_size(mm)) {
		seen = msim_coherence_now(dmirror->pt.coherence);
		page = make_device_exclusive(mm, addr, dmirror->owner, &folio);
		if (IS_ERR(page)) {
			mmap_read_unlock(mm);
			return taken ? taken : PTR_ERR(page);
		}
		/*
		 * Mapped while the page is locked: a CPU fault restoring
		 * the PTE waits for the lock, and its invalidation then
		 * drops this entry.
		 */
		e = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*e));
		down_write(&dmirror->mutex);
		if (e)
			msim_xlate_insert(&dmirror->pt, e, addr,
					  mm_page_size(mm), page, true, seen);
		up_write(&dmirror->mutex);
		folio_unlock(folio);
		folio_put(folio);
		if (!e) {
			mmap_read_unlock(mm);
			return taken ? taken : -ENOMEM;
		}
		taken++;
	}
	mmap_read_unlock(mm);
	dmirror->nr_exclusive += (unsigned long)taken;
	return taken;
}

int msim_dmirror_snapshot(struct msim_dmirror *dmirror, unsigned long start,
			  unsigned long end, unsigned long *pfns)
{
	struct mm_struct *mm = dmirror->mm;
	struct hmm_range range = {
		.notifier = &dmirror->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.dev_private_owner = dmirror->owner,
	};
	int ret;

	if (!mm_page_aligned(mm, start) || !mm_page_aligned(mm, end) ||
	    end <= start)
		return -EINVAL;
	do {
		range.notifier_seq = mmu_interval_read_begin(range.notifier);
		memset(pfns, 0,
		       ((end - start) >> mm_page_shift(mm)) * sizeof(*pfns));
		mmap_read_lock(mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
	} while (ret == -EBUSY);
	return ret;
}
