// SPDX-License-Identifier: MIT
/*
 * kx_mirror: a device that mirrors its opener's address space, in the
 * manner of the HMM documentation and lib/test_hmm.c: an interval
 * notifier over the whole address space, hmm_range_fault() to fill the
 * device's page table (an XArray of pfns, under a mutex), and the
 * collision retry of mmu_interval_read_begin() and
 * mmu_interval_read_retry().  KX_MIRROR_READ and KX_MIRROR_WRITE move
 * bytes between the process's memory, as the device sees it, and a
 * user buffer, through a bounce buffer: the device's view is copied
 * under the mutex, the user buffer is reached with copy_to_user() and
 * copy_from_user() with no lock held, since they may fault.
 */
#include <linux/fs.h>
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmsim_examples.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

/* In a device page table entry: the device may write. */
#define KX_PT_WRITE 1UL

struct kx_mirror {
	struct mmu_interval_notifier notifier;
	struct mm_struct *mm;
	struct mutex mutex; /* the page table, and the retry check */
	struct xarray pt;   /* page index -> tagged struct page * */
};

static bool kx_mirror_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct kx_mirror *mirror =
		container_of(mni, struct kx_mirror, notifier);
	unsigned long index;
	void *entry;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&mirror->mutex);
	else if (!mutex_trylock(&mirror->mutex))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	xa_for_each_range(&mirror->pt, index, entry, range->start >> PAGE_SHIFT,
			  (range->end - 1) >> PAGE_SHIFT)
		xa_erase(&mirror->pt, index);
	mutex_unlock(&mirror->mutex);
	return true;
}

static const struct mmu_interval_notifier_ops kx_mirror_ops = {
	.invalidate = kx_mirror_invalidate,
};

/* Fill the device's page table for [@start, @end), retrying collisions. */
static int kx_mirror_fault(struct kx_mirror *mirror, unsigned long start,
			   unsigned long end, bool write)
{
	unsigned long timeout =
		jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long npages = (end - start) >> PAGE_SHIFT, i;
	struct hmm_range range = {
		.notifier = &mirror->notifier,
		.start = start,
		.end = end,
		.default_flags =
			HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0),
	};
	struct page *page;
	int ret;

	range.hmm_pfns = kvcalloc(npages, sizeof(*range.hmm_pfns), GFP_KERNEL);
	if (!range.hmm_pfns)
		return -ENOMEM;
	for (;;) {
		if (time_after(jiffies, timeout)) {
			ret = -EBUSY;
			break;
		}
		range.notifier_seq = mmu_interval_read_begin(range.notifier);
		mmap_read_lock(mirror->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mirror->mm);
		if (ret == -EBUSY)
			continue;
		if (ret)
			break;
		mutex_lock(&mirror->mutex);
		if (mmu_interval_read_retry(range.notifier,
					    range.notifier_seq)) {
			mutex_unlock(&mirror->mutex);
			continue;
		}
		for (i = 0; i < npages; i++) {
			page = hmm_pfn_to_page(range.hmm_pfns[i]);
			xa_store(&mirror->pt, (start >> PAGE_SHIFT) + i,
				 xa_tag_pointer(
					 page, range.hmm_pfns[i] & HMM_PFN_WRITE
						       ? KX_PT_WRITE
						       : 0),
				 GFP_ATOMIC);
		}
		mutex_unlock(&mirror->mutex);
		break;
	}
	kvfree(range.hmm_pfns);
	return ret;
}

/*
 * Copy [@start, @end) between the device's view and @bounce, faulting
 * what the device lacks.  Under the mutex, so that no page goes away.
 */
static int kx_mirror_copy(struct kx_mirror *mirror, unsigned long start,
			  unsigned long end, char *bounce, bool write)
{
	unsigned long addr, index;
	struct page *page;
	void *entry;
	char *p;
	int ret;

	for (addr = start; addr < end;) {
		index = addr >> PAGE_SHIFT;
		mutex_lock(&mirror->mutex);
		entry = xa_load(&mirror->pt, index);
		if (!entry ||
		    (write && !(xa_pointer_tag(entry) & KX_PT_WRITE))) {
			mutex_unlock(&mirror->mutex);
			ret = kx_mirror_fault(mirror, addr, end, write);
			if (ret)
				return ret;
			continue;
		}
		page = xa_untag_pointer(entry);
		p = kmap_local_page(page);
		if (write)
			memcpy(p, bounce + (addr - start), PAGE_SIZE);
		else
			memcpy(bounce + (addr - start), p, PAGE_SIZE);
		kunmap_local(p);
		mutex_unlock(&mirror->mutex);
		addr += PAGE_SIZE;
	}
	return 0;
}

static int kx_mirror_open(struct inode *inode, struct file *filp)
{
	struct kx_mirror *mirror = kzalloc(sizeof(*mirror), GFP_KERNEL);
	int ret;

	(void)inode;
	if (!mirror)
		return -ENOMEM;
	mutex_init(&mirror->mutex);
	xa_init(&mirror->pt);
	mirror->mm = current->mm;
	ret = mmu_interval_notifier_insert(&mirror->notifier, current->mm, 0,
					   ULONG_MAX & PAGE_MASK,
					   &kx_mirror_ops);
	if (ret) {
		kfree(mirror);
		return ret;
	}
	filp->private_data = mirror;
	return 0;
}

static int kx_mirror_release(struct inode *inode, struct file *filp)
{
	struct kx_mirror *mirror = filp->private_data;

	(void)inode;
	mmu_interval_notifier_remove(&mirror->notifier);
	xa_destroy(&mirror->pt);
	mutex_destroy(&mirror->mutex);
	kfree(mirror);
	return 0;
}

static long kx_mirror_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct kx_mirror *mirror = filp->private_data;
	void __user *uarg = u64_to_user_ptr(arg);
	bool write = cmd == KX_MIRROR_WRITE;
	unsigned long start, end, size;
	struct kx_cmd c;
	char *bounce;
	int ret;

	if (cmd != KX_MIRROR_READ && cmd != KX_MIRROR_WRITE)
		return -ENOTTY;
	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	start = c.addr;
	size = c.npages << PAGE_SHIFT;
	if (!PAGE_ALIGNED(start) || !c.npages ||
	    check_add_overflow(start, size, &end))
		return -EINVAL;
	if (!mmget_not_zero(mirror->mm))
		return -EINVAL;
	bounce = kvmalloc(size, GFP_KERNEL);
	if (!bounce) {
		ret = -ENOMEM;
		goto out;
	}
	if (write && copy_from_user(bounce, u64_to_user_ptr(c.ptr), size)) {
		ret = -EFAULT;
		goto out;
	}
	ret = kx_mirror_copy(mirror, start, end, bounce, write);
	if (ret)
		goto out;
	if (!write && copy_to_user(u64_to_user_ptr(c.ptr), bounce, size)) {
		ret = -EFAULT;
		goto out;
	}
	c.result = size;
	ret = copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
out:
	kvfree(bounce);
	mmput(mirror->mm);
	return ret;
}

static const struct file_operations kx_mirror_fops = {
	.owner = THIS_MODULE,
	.open = kx_mirror_open,
	.release = kx_mirror_release,
	.unlocked_ioctl = kx_mirror_ioctl,
};

static struct miscdevice kx_mirror_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kx_mirror",
	.fops = &kx_mirror_fops,
};

static int __init kx_mirror_init(void)
{
	return misc_register(&kx_mirror_misc);
}

static void __exit kx_mirror_exit(void)
{
	misc_deregister(&kx_mirror_misc);
}

module_init(kx_mirror_init);
module_exit(kx_mirror_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("An HMM mirror of its opener's address space");
