// SPDX-License-Identifier: MIT
/*
 * An HMM mirror (see dmirror.h): the interval-notifier protocol of
 * lib/test_hmm.c, written for the model.
 *
 * Lock order: the mm's locks, then the device lock, then the checker's.
 * The fault path holds the mmap lock only around hmm_range_fault() and
 * never together with the device lock.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/dmirror.h>

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

	/* Our own migration: the device already has what it needs. */
	if (range->event == MMU_NOTIFY_MIGRATE &&
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
	ret = mmu_interval_notifier_insert(&dmirror->notifier, mm, start,
					   length, &dmirror_min_ops);
	if (ret) {
		msim_rwsem_destroy(&dmirror->mutex);
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, dmirror);
		return ERR_PTR(ret);
	}
	return dmirror;
}

void msim_dmirror_destroy(struct msim_dmirror *dmirror)
{
	struct msim_machine *m = dmirror->mm->machine;

	/* Waits for a running ->invalidate: take the lock only after. */
	mmu_interval_notifier_remove(&dmirror->notifier);
	down_write(&dmirror->mutex);
	dmirror_do_update(dmirror, 0, ULONG_MAX);
	up_write(&dmirror->mutex);
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

		if (dmirror->msim_fault_hook)
			dmirror->msim_fault_hook(dmirror, start,
						 dmirror->msim_fault_hook_arg);

		down_write(&dmirror->mutex);
		if (mmu_interval_read_retry(range.notifier,
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

int msim_dmirror_access(struct msim_dmirror *dmirror, unsigned long addr,
			void *buf, size_t len, bool write)
{
	struct mm_struct *mm = dmirror->mm;
	unsigned long off = addr & (mm_page_size(mm) - 1);
	unsigned long base = addr - off;
	struct msim_xlate_entry *e;
	int ret;

	if (len > mm_page_size(mm) - off)
		return -EINVAL;
	for (;;) {
		down_write(&dmirror->mutex);
		e = msim_xlate_access(&dmirror->pt, base, off, buf, len, write);
		up_write(&dmirror->mutex);
		if (e)
			return 0;
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
