// SPDX-License-Identifier: MIT
/*
 * A device with a TLB of user translations, kept by an mmu_notifier, in
 * kernel style and against <linux/...> alone, so that it builds against
 * whichever notifier API LINUX_VERSION_CODE selects: the TLB is flushed
 * by ->arch_invalidate_secondary_tlbs from 6.6 on and by
 * ->invalidate_range before, ->change_pte exists before 6.9, and the
 * driver's own invalidation is described with the range_init() of its
 * version.  Faults follow the pattern of KVM's: a sequence count and an
 * in-progress count under the driver's lock hold new translations off
 * while an invalidation runs.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/version.h>
#include <linux/xarray.h>

#include "notifier_driver.h"

struct ndrv {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	spinlock_t lock;   /* the TLB, and the counts below */
	struct xarray tlb; /* page index -> struct page * */
	unsigned long seq; /* invalidations begun */
	int in_progress;   /* invalidations not yet ended */
	struct NDRV(stats) stats;
};

static struct ndrv *to_ndrv(struct mmu_notifier *mn)
{
	return container_of(mn, struct ndrv, mn);
}

/* Drop the translations of [@start, @end); lock held. */
static void ndrv_flush(struct ndrv *d, unsigned long start, unsigned long end)
{
	unsigned long index;
	void *entry;

	if (start >= end)
		return;
	xa_for_each_range(&d->tlb, index, entry, start >> PAGE_SHIFT,
			  (end - 1) >> PAGE_SHIFT)
	{
		__xa_erase(&d->tlb, index);
		d->stats.entries--;
	}
}

static int ndrv_invalidate_range_start(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct ndrv *d = to_ndrv(mn);

	spin_lock(&d->lock);
	d->seq++;
	d->in_progress++;
	d->stats.starts++;
	ndrv_flush(d, range->start, range->end);
	spin_unlock(&d->lock);
	return 0;
}

static void ndrv_invalidate_range_end(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range)
{
	struct ndrv *d = to_ndrv(mn);

	(void)range;
	spin_lock(&d->lock);
	d->in_progress--;
	d->stats.ends++;
	spin_unlock(&d->lock);
}

static void ndrv_tlb_flush(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	struct ndrv *d = to_ndrv(mn);

	(void)mm;
	spin_lock(&d->lock);
	d->stats.tlb_flushes++;
	ndrv_flush(d, start, end);
	spin_unlock(&d->lock);
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
static void ndrv_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			    unsigned long address, pte_t pte)
{
	struct ndrv *d = to_ndrv(mn);

	(void)mm;
	(void)pte;
	spin_lock(&d->lock);
	d->stats.change_ptes++;
	ndrv_flush(d, address, address + PAGE_SIZE);
	spin_unlock(&d->lock);
}
#endif

static void ndrv_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct ndrv *d = to_ndrv(mn);

	(void)mm;
	spin_lock(&d->lock);
	d->stats.releases++;
	ndrv_flush(d, 0, TASK_SIZE);
	spin_unlock(&d->lock);
}

static const struct mmu_notifier_ops ndrv_ops = {
	.release = ndrv_release,
	.invalidate_range_start = ndrv_invalidate_range_start,
	.invalidate_range_end = ndrv_invalidate_range_end,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	.arch_invalidate_secondary_tlbs = ndrv_tlb_flush,
#else
	.invalidate_range = ndrv_tlb_flush,
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	.change_pte = ndrv_change_pte,
#endif
};

struct ndrv *NDRV(attach)(struct mm_struct *mm)
{
	struct ndrv *d = kzalloc(sizeof(*d), GFP_KERNEL);
	int ret;

	if (!d)
		return ERR_PTR(-ENOMEM);
	d->mm = mm;
	spin_lock_init(&d->lock);
	xa_init(&d->tlb);
	d->mn.ops = &ndrv_ops;
	ret = mmu_notifier_register(&d->mn, mm);
	if (ret) {
		kfree(d);
		return ERR_PTR(ret);
	}
	return d;
}

void NDRV(detach)(struct ndrv *d)
{
	mmu_notifier_unregister(&d->mn, d->mm);
	spin_lock(&d->lock);
	ndrv_flush(d, 0, ULONG_MAX);
	spin_unlock(&d->lock);
	xa_destroy(&d->tlb);
	kfree(d);
}

/* Fill the TLB entry of @addr: GUP, then install unless invalidated. */
static int ndrv_fault(struct ndrv *d, unsigned long addr)
{
	struct page *page;
	unsigned long seq;
	long got;

	for (;;) {
		spin_lock(&d->lock);
		seq = d->seq;
		spin_unlock(&d->lock);

		mmap_read_lock(d->mm);
		got = get_user_pages_remote(d->mm, addr, 1, 0, &page, NULL);
		mmap_read_unlock(d->mm);
		if (got != 1)
			return got < 0 ? (int)got : -EFAULT;

		spin_lock(&d->lock);
		if (d->in_progress || d->seq != seq) {
			spin_unlock(&d->lock);
			put_page(page);
			continue;
		}
		if (!xa_load(&d->tlb, addr >> PAGE_SHIFT))
			d->stats.entries++;
		__xa_store(&d->tlb, addr >> PAGE_SHIFT, page, GFP_ATOMIC);
		spin_unlock(&d->lock);
		/* The TLB holds no reference: the notifier keeps it right. */
		put_page(page);
		return 0;
	}
}

int NDRV(read)(struct ndrv *d, unsigned long addr, unsigned char *byte)
{
	struct page *page;
	int ret;

	for (;;) {
		spin_lock(&d->lock);
		page = xa_load(&d->tlb, addr >> PAGE_SHIFT);
		if (page) {
			*byte = ((unsigned char *)kmap_local_page(
				page))[offset_in_page(addr)];
			spin_unlock(&d->lock);
			return 0;
		}
		spin_unlock(&d->lock);
		ret = ndrv_fault(d, addr & PAGE_MASK);
		if (ret)
			return ret;
	}
}

bool NDRV(holds)(struct ndrv *d, unsigned long addr, unsigned long *pfn)
{
	struct page *page;

	spin_lock(&d->lock);
	page = xa_load(&d->tlb, addr >> PAGE_SHIFT);
	if (page && pfn)
		*pfn = page_to_pfn(page);
	spin_unlock(&d->lock);
	return page != NULL;
}

void NDRV(self_invalidate)(struct ndrv *d, unsigned long start,
			   unsigned long end)
{
	struct mmu_notifier_range range;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, d->mm, start, end);
#else
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, NULL, d->mm, start,
				end);
#endif
	mmap_read_lock(d->mm);
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_end(&range);
	mmap_read_unlock(d->mm);
}

void NDRV(stats)(struct ndrv *d, struct NDRV(stats) * s)
{
	spin_lock(&d->lock);
	*s = d->stats;
	spin_unlock(&d->lock);
}
