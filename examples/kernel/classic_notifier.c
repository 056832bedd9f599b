// SPDX-License-Identifier: MIT
/*
 * kx_tlb: a device whose TLB shares the CPU's page tables, as an IOMMU
 * doing shared virtual addressing does, kept coherent by a classic
 * mmu_notifier on Linux 6.18's API.
 *
 * A miss walks the page tables under the page-table lock, as the
 * device's page walker would, and fills the TLB there; a page that is
 * not present is first faulted in (the device's page request).  The TLB
 * is flushed wherever the CPU's is (->arch_invalidate_secondary_tlbs),
 * which happens after a PTE is cleared or loses permission and before
 * the page can be freed; that is all such a device needs, no
 * invalidate_range_start()/end().  One subscription per mm, shared by
 * every file bound to it (mmu_notifier_get()/mmu_notifier_put(), which
 * frees it after a grace period).  The device reads through its TLB with
 * the TLB's lock held, so that no flush, and so no free, passes it.
 *
 * Lock order: the page-table lock, then the TLB's lock, then its XArray's.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mmsim_examples.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

struct kx_tlb {
	struct mmu_notifier mn;
	spinlock_t lock;       /* the entries, the count, dead */
	struct xarray entries; /* page index -> xa_mk_value(pfn) */
	unsigned long flushes;
	bool dead; /* the mm is gone: translate nothing */
};

struct kx_tlb_file {
	struct mm_struct *mm;
	struct mmu_notifier *mn;
};

static struct kx_tlb *to_tlb(struct mmu_notifier *mn)
{
	return container_of(mn, struct kx_tlb, mn);
}

/* Forget [@start, @end); the TLB's lock held. */
static void kx_tlb_drop(struct kx_tlb *tlb, unsigned long start,
			unsigned long end)
{
	unsigned long index;
	void *entry;

	if (end <= start)
		return;
	xa_for_each_range(&tlb->entries, index, entry, start >> PAGE_SHIFT,
			  (end - 1) >> PAGE_SHIFT)
		xa_erase(&tlb->entries, index);
}

static void kx_tlb_flush(struct mmu_notifier *mn, struct mm_struct *mm,
			 unsigned long start, unsigned long end)
{
	struct kx_tlb *tlb = to_tlb(mn);

	(void)mm;
	spin_lock(&tlb->lock);
	tlb->flushes++;
	kx_tlb_drop(tlb, start, end);
	spin_unlock(&tlb->lock);
}

static void kx_tlb_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct kx_tlb *tlb = to_tlb(mn);

	(void)mm;
	spin_lock(&tlb->lock);
	tlb->dead = true;
	kx_tlb_drop(tlb, 0, ULONG_MAX);
	spin_unlock(&tlb->lock);
}

static struct mmu_notifier *kx_tlb_alloc_notifier(struct mm_struct *mm)
{
	struct kx_tlb *tlb = kzalloc(sizeof(*tlb), GFP_KERNEL);

	(void)mm;
	if (!tlb)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&tlb->lock);
	xa_init(&tlb->entries);
	return &tlb->mn;
}

static void kx_tlb_free_notifier(struct mmu_notifier *mn)
{
	struct kx_tlb *tlb = to_tlb(mn);

	xa_destroy(&tlb->entries);
	kfree(tlb);
}

static const struct mmu_notifier_ops kx_tlb_ops = {
	.release = kx_tlb_release,
	.arch_invalidate_secondary_tlbs = kx_tlb_flush,
	.alloc_notifier = kx_tlb_alloc_notifier,
	.free_notifier = kx_tlb_free_notifier,
};

/*
 * The device's page walk: fill the entry of @addr from its PTE, under the
 * page-table lock.  Return: 0, or -EAGAIN if the page must be faulted in.
 */
static int kx_tlb_walk(struct kx_tlb *tlb, struct mm_struct *mm,
		       unsigned long addr)
{
	spinlock_t *ptl;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *ptep, pte;
	int ret = -EAGAIN;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return -EAGAIN;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return -EAGAIN;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return -EAGAIN;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd) || pmd_bad(*pmd))
		return -EAGAIN;
	ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!ptep)
		return -EAGAIN;
	pte = ptep_get(ptep);
	if (pte_present(pte) && !pte_protnone(pte)) {
		spin_lock(&tlb->lock);
		if (!tlb->dead) {
			xa_store(&tlb->entries, addr >> PAGE_SHIFT,
				 xa_mk_value(pte_pfn(pte)), GFP_ATOMIC);
			ret = 0;
		} else {
			ret = -EFAULT;
		}
		spin_unlock(&tlb->lock);
	}
	pte_unmap_unlock(ptep, ptl);
	return ret;
}

/* The device reads the byte at @addr through its TLB, filling it. */
static int kx_tlb_read(struct kx_tlb *tlb, struct mm_struct *mm,
		       unsigned long addr, u8 *byte)
{
	void *entry;
	long got;
	int ret;

	for (;;) {
		spin_lock(&tlb->lock);
		entry = xa_load(&tlb->entries, addr >> PAGE_SHIFT);
		if (entry) {
			struct page *page = pfn_to_page(xa_to_value(entry));
			u8 *p = kmap_local_page(page);

			*byte = p[offset_in_page(addr)];
			kunmap_local(p);
		}
		spin_unlock(&tlb->lock);
		if (entry)
			return 0;

		if (!mmget_not_zero(mm))
			return -EFAULT;
		mmap_read_lock(mm);
		ret = kx_tlb_walk(tlb, mm, addr & PAGE_MASK);
		if (ret == -EAGAIN) {
			/* The page request: fault it in, then walk again. */
			got = get_user_pages_remote(mm, addr, 1, 0, NULL, NULL);
			ret = got == 1 ? 0 : -EFAULT;
		}
		mmap_read_unlock(mm);
		mmput(mm);
		if (ret)
			return ret;
	}
}

static int kx_tlb_open(struct inode *inode, struct file *filp)
{
	struct kx_tlb_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	(void)inode;
	if (!f)
		return -ENOMEM;
	filp->private_data = f;
	return 0;
}

static int kx_tlb_file_release(struct inode *inode, struct file *filp)
{
	struct kx_tlb_file *f = filp->private_data;

	(void)inode;
	if (f->mn)
		mmu_notifier_put(f->mn);
	kfree(f);
	return 0;
}

static long kx_tlb_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct kx_tlb_file *f = filp->private_data;
	void __user *uarg = u64_to_user_ptr(arg);
	struct mmu_notifier *mn;
	struct kx_cmd c;
	struct kx_tlb *tlb;
	u8 byte;
	int ret;

	if (cmd == KX_TLB_BIND) {
		if (f->mn)
			return -EBUSY;
		mn = mmu_notifier_get(&kx_tlb_ops, current->mm);
		if (IS_ERR(mn))
			return PTR_ERR(mn);
		f->mn = mn;
		f->mm = current->mm;
		return 0;
	}
	if (!f->mn)
		return -EINVAL;
	tlb = to_tlb(f->mn);
	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	switch (cmd) {
	case KX_TLB_READ:
		ret = kx_tlb_read(tlb, f->mm, c.addr, &byte);
		if (ret)
			return ret;
		c.result = byte;
		break;
	case KX_TLB_FLUSHES:
		spin_lock(&tlb->lock);
		c.result = tlb->flushes;
		spin_unlock(&tlb->lock);
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

static const struct file_operations kx_tlb_fops = {
	.owner = THIS_MODULE,
	.open = kx_tlb_open,
	.release = kx_tlb_file_release,
	.unlocked_ioctl = kx_tlb_ioctl,
};

static struct miscdevice kx_tlb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kx_tlb",
	.fops = &kx_tlb_fops,
};

static int __init kx_tlb_init(void)
{
	return misc_register(&kx_tlb_misc);
}

static void __exit kx_tlb_exit(void)
{
	misc_deregister(&kx_tlb_misc);
	/* The subscriptions put are freed after a grace period. */
	mmu_notifier_synchronize();
}

module_init(kx_tlb_init);
module_exit(kx_tlb_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("A device TLB sharing the CPU's page tables");
