// SPDX-License-Identifier: MIT
/*
 * A device TLB kept coherent by ->invalidate_range alone (see dev_tlb.h).
 *
 * Lock order: the page-table lock, then the TLB's lock, then the
 * checker's.  A translation is read and cached with the page-table lock
 * held throughout, which is what makes start/end unnecessary: a PTE
 * change either comes before (and the device sees the new PTE) or after
 * (and its ->invalidate_range flushes what was cached).
 */
#include <errno.h>
#include <limits.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/dev_tlb.h>
#include <mmsim/gup.h>

/* The IOTLB and ATS invalidation the IOMMU driver would queue. */
static void dev_tlb_invalidate_range(struct mmu_notifier *mn,
				     struct mm_struct *mm, unsigned long start,
				     unsigned long end)
{
	struct msim_dev_tlb *tlb = container_of(mn, struct msim_dev_tlb, mn);

	(void)mm;
	spin_lock(&tlb->lock);
	tlb->nr_flushes++;
	/* The device that misses its flush keeps using what it cached. */
	if (!(tlb->msim_bugs & MSIM_DEV_TLB_BUG_NO_FLUSH))
		msim_xlate_drop_range(&tlb->table, start, end);
	spin_unlock(&tlb->lock);
}

static void dev_tlb_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct msim_dev_tlb *tlb = container_of(mn, struct msim_dev_tlb, mn);

	(void)mm;
	spin_lock(&tlb->lock);
	msim_xlate_drop_range(&tlb->table, 0, ULONG_MAX);
	__atomic_store_n(&tlb->released, true, __ATOMIC_RELEASE);
	spin_unlock(&tlb->lock);
}

static const struct mmu_notifier_ops dev_tlb_ops = {
	.invalidate_range = dev_tlb_invalidate_range,
	.release = dev_tlb_release,
};

struct msim_dev_tlb *msim_dev_tlb_create(struct mm_struct *mm, const char *name,
					 struct msim_coherence *coherence)
{
	struct msim_dev_tlb *tlb =
		msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*tlb));
	int ret;

	if (!tlb)
		return ERR_PTR(-ENOMEM);
	tlb->mm = mm;
	msim_xlate_table_init(&tlb->table, mm->machine, name, coherence);
	spin_lock_init(&tlb->lock);
	tlb->lock.name = "dev_tlb->lock";
	tlb->mn.ops = &dev_tlb_ops;
	msim_trace_name_object(&tlb->mn, name);
	ret = mmu_notifier_register(&tlb->mn, mm);
	if (ret) {
		msim_trace_forget_object(&tlb->mn);
		msim_spin_lock_destroy(&tlb->lock);
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, tlb);
		return ERR_PTR(ret);
	}
	return tlb;
}

void msim_dev_tlb_destroy(struct msim_dev_tlb *tlb)
{
	struct msim_machine *m = tlb->mm->machine;

	mmu_notifier_unregister(&tlb->mn, tlb->mm);
	msim_trace_forget_object(&tlb->mn);
	msim_spin_lock_destroy(&tlb->lock);
	msim_kfree(m, MSIM_ALLOC_OTHER, tlb);
}

/*
 * An ATS translation request: cache the PTE's translation if it allows
 * the access.  Return: 1 cached, 0 the PTE does not allow it, -ENOMEM.
 */
static int ats_translate(struct msim_dev_tlb *tlb, unsigned long addr,
			 bool write)
{
	struct mm_struct *mm = tlb->mm;
	const struct msim_arch *a = mm->arch;
	struct msim_xlate_entry *e;
	struct page *page;
	pte_t *ptep, pte;
	int ret = 0;

	e = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*e));
	if (!e)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	pte = ptep ? *ptep : __pte(0);
	page = pfn_to_page(mm->machine, pte_pfn(a, pte));
	if (msim_pte_allows(a, pte, write, false) && page) {
		spin_lock(&tlb->lock);
		if (!tlb->released) {
			msim_xlate_insert(
				&tlb->table, e, addr, mm_page_size(mm), page,
				pte_write(a, pte),
				msim_coherence_now(tlb->table.coherence));
			e = NULL;
			ret = 1;
		}
		spin_unlock(&tlb->lock);
	}
	spin_unlock(&mm->page_table_lock);
	if (e)
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, e);
	return ret;
}

/* A page request (PRI): fault the page in, as the IOMMU's handler does. */
static int page_request(struct msim_dev_tlb *tlb, unsigned long addr,
			bool write)
{
	struct page *page;
	long ret;

	tlb->nr_page_requests++;
	mmap_read_lock(tlb->mm);
	ret = get_user_pages_remote(tlb->mm, addr, 1, write ? FOLL_WRITE : 0,
				    &page, NULL);
	mmap_read_unlock(tlb->mm);
	if (ret < 0)
		return (int)ret;
	if (ret != 1)
		return -EFAULT;
	put_page(page);
	return 0;
}

int msim_dev_tlb_access(struct msim_dev_tlb *tlb, unsigned long addr, void *buf,
			size_t len, bool write)
{
	struct mm_struct *mm = tlb->mm;
	unsigned long off = addr & (mm_page_size(mm) - 1);
	unsigned long base = addr - off;
	struct msim_xlate_entry *e;
	int ret;

	if (len > mm_page_size(mm) - off)
		return -EINVAL;
	for (;;) {
		if (__atomic_load_n(&tlb->released, __ATOMIC_ACQUIRE))
			return -EFAULT;
		spin_lock(&tlb->lock);
		e = msim_xlate_access(&tlb->table, base, off, buf, len, write);
		spin_unlock(&tlb->lock);
		if (e)
			return 0;
		tlb->nr_misses++;
		ret = ats_translate(tlb, base, write);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		ret = page_request(tlb, base, write);
		if (ret)
			return ret;
	}
}

struct page *msim_dev_tlb_entry_page(struct msim_dev_tlb *tlb,
				     unsigned long addr, bool *writable)
{
	struct page *page;

	spin_lock(&tlb->lock);
	page = msim_xlate_page(&tlb->table, addr & mm_page_mask(tlb->mm),
			       writable);
	spin_unlock(&tlb->lock);
	return page;
}

void msim_dev_tlb_show(struct msim_dev_tlb *tlb, FILE *out)
{
	spin_lock(&tlb->lock);
	msim_xlate_show(&tlb->table, out);
	spin_unlock(&tlb->lock);
}
