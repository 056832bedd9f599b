// SPDX-License-Identifier: MIT
/*
 * A KVM-like shadow MMU (see kvm.h): the mmu_notifier protocol of
 * virt/kvm/kvm_main.c, written for the model.
 *
 * Lock order: the mm's locks (a notifier callback may be called with
 * them held), then mmu_lock, then the checker's.  The fault path takes
 * none of the mm's locks while it holds mmu_lock.
 */
#include <errno.h>
#include <limits.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/kvm.h>

static inline struct msim_kvm *mmu_notifier_to_kvm(struct mmu_notifier *mn)
{
	return container_of(mn, struct msim_kvm, mmu_notifier);
}

_Static_assert(offsetof(struct msim_kvm_spte, xe) == 0,
	       "the table frees an spte through its entry");

static struct msim_kvm_spte *spte_lookup(struct msim_kvm *kvm,
					 unsigned long hva)
{
	struct msim_xlate_entry *xe = msim_xlate_lookup(&kvm->sptes, hva);

	return xe ? container_of(xe, struct msim_kvm_spte, xe) : NULL;
}

/* kvm_unmap_gfn_range(): every spte in [@start, @end).  Under mmu_lock. */
static void kvm_zap_range(struct msim_kvm *kvm, unsigned long start,
			  unsigned long end)
{
	kvm->nr_zapped += msim_xlate_drop_range(&kvm->sptes, start, end);
}

/*
 * kvm_mmu_invalidate_begin(): until the matching end, no spte may be made
 * for the range; the range seen by faults is the union of all running
 * invalidations, as the kernel keeps it.
 */
static int
kvm_mmu_notifier_invalidate_range_start(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct msim_kvm *kvm = mmu_notifier_to_kvm(mn);

	spin_lock(&kvm->mmu_lock);
	if (!kvm->mmu_invalidate_in_progress++) {
		kvm->mmu_invalidate_range_start = range->start;
		kvm->mmu_invalidate_range_end = range->end;
	} else {
		if (range->start < kvm->mmu_invalidate_range_start)
			kvm->mmu_invalidate_range_start = range->start;
		if (range->end > kvm->mmu_invalidate_range_end)
			kvm->mmu_invalidate_range_end = range->end;
	}
	if (!(kvm->msim_bugs & MSIM_KVM_BUG_NO_ZAP))
		kvm_zap_range(kvm, range->start, range->end);
	spin_unlock(&kvm->mmu_lock);
	return 0;
}

/*
 * kvm_mmu_invalidate_end(): the sequence moves before the count drops, so
 * that a fault that saw neither the count nor the old sequence cannot
 * have looked up the pfn before this invalidation.
 */
static void
kvm_mmu_notifier_invalidate_range_end(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range)
{
	struct msim_kvm *kvm = mmu_notifier_to_kvm(mn);

	(void)range;
	spin_lock(&kvm->mmu_lock);
	msim_trace(MSIM_TRACE_SEQ_SET,
		   .s = { "mmu_invalidate_seq", kvm->sptes.name },
		   .a = { (uintptr_t)kvm, kvm->mmu_invalidate_seq + 1,
			  kvm->mmu_invalidate_seq });
	__atomic_store_n(&kvm->mmu_invalidate_seq, kvm->mmu_invalidate_seq + 1,
			 __ATOMIC_RELEASE);
	kvm->mmu_invalidate_in_progress--;
	/* An end without its start: KVM_BUG_ON() in the kernel. */
	if (kvm->mmu_invalidate_in_progress < 0)
		msim_sync_bug("KVM_BUG_ON(kvm->mmu_invalidate_in_progress < 0)",
			      MSIM_THIS_SITE);
	spin_unlock(&kvm->mmu_lock);
}

/*
 * kvm_set_spte_gfn(): the PTE of @address now holds @pte.  Its start
 * zapped the spte already unless the caller has no range around it; one
 * still there follows the new frame read-only, or goes if the new PTE is
 * writable (the next guest write faults and takes it writable).
 */
static void kvm_mmu_notifier_change_pte(struct mmu_notifier *mn,
					struct mm_struct *mm,
					unsigned long address, pte_t pte)
{
	struct msim_kvm *kvm = mmu_notifier_to_kvm(mn);
	const struct msim_arch *a = mm->arch;
	struct msim_kvm_spte *spte;
	struct page *page;

	address &= mm_page_mask(mm);
	spin_lock(&kvm->mmu_lock);
	spte = spte_lookup(kvm, address);
	if (spte) {
		page = pfn_to_page(mm->machine, pte_pfn(a, pte));
		if (pte_write(a, pte) || !pte_present(a, pte) || !page) {
			msim_xlate_drop(&kvm->sptes, &spte->xe);
			kvm->nr_zapped++;
		} else {
			msim_xlate_repoint(
				&kvm->sptes, &spte->xe, page, false,
				msim_coherence_now(kvm->sptes.coherence));
		}
	}
	spin_unlock(&kvm->mmu_lock);
}

/* kvm_age_gfn(): the sptes' accessed bits, cleared as they are read. */
static int kvm_age_range(struct msim_kvm *kvm, unsigned long start,
			 unsigned long end)
{
	struct interval_tree_node *node;
	struct msim_kvm_spte *spte;
	int young = 0;

	if (start >= end)
		return 0;
	spin_lock(&kvm->mmu_lock);
	for (node = interval_tree_iter_first(&kvm->sptes.root, start, end - 1);
	     node; node = interval_tree_iter_next(node, start, end - 1)) {
		spte = container_of(node, struct msim_kvm_spte, xe.node);
		young |= spte->accessed;
		spte->accessed = false;
	}
	spin_unlock(&kvm->mmu_lock);
	return young;
}

static int kvm_mmu_notifier_clear_flush_young(struct mmu_notifier *mn,
					      struct mm_struct *mm,
					      unsigned long start,
					      unsigned long end)
{
	(void)mm;
	return kvm_age_range(mmu_notifier_to_kvm(mn), start, end);
}

/* Without the TLB flush, which a software table does not need. */
static int kvm_mmu_notifier_clear_young(struct mmu_notifier *mn,
					struct mm_struct *mm,
					unsigned long start, unsigned long end)
{
	(void)mm;
	return kvm_age_range(mmu_notifier_to_kvm(mn), start, end);
}

static int kvm_mmu_notifier_test_young(struct mmu_notifier *mn,
				       struct mm_struct *mm,
				       unsigned long address)
{
	struct msim_kvm *kvm = mmu_notifier_to_kvm(mn);
	struct msim_kvm_spte *spte;
	int young;

	spin_lock(&kvm->mmu_lock);
	spte = spte_lookup(kvm, address & mm_page_mask(mm));
	young = spte && spte->accessed;
	spin_unlock(&kvm->mmu_lock);
	return young;
}

/* kvm_mmu_notifier_release(): the guest loses all of its memory. */
static void kvm_mmu_notifier_release(struct mmu_notifier *mn,
				     struct mm_struct *mm)
{
	struct msim_kvm *kvm = mmu_notifier_to_kvm(mn);

	(void)mm;
	spin_lock(&kvm->mmu_lock);
	kvm_zap_range(kvm, 0, ULONG_MAX);
	__atomic_store_n(&kvm->released, true, __ATOMIC_RELEASE);
	spin_unlock(&kvm->mmu_lock);
}

static const struct mmu_notifier_ops kvm_mmu_notifier_ops = {
	.invalidate_range_start = kvm_mmu_notifier_invalidate_range_start,
	.invalidate_range_end = kvm_mmu_notifier_invalidate_range_end,
	.change_pte = kvm_mmu_notifier_change_pte,
	.clear_flush_young = kvm_mmu_notifier_clear_flush_young,
	.clear_young = kvm_mmu_notifier_clear_young,
	.test_young = kvm_mmu_notifier_test_young,
	.release = kvm_mmu_notifier_release,
};

struct msim_kvm *msim_kvm_create(struct mm_struct *mm, const char *name,
				 struct msim_coherence *coherence)
{
	struct msim_kvm *kvm =
		msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*kvm));
	int ret;

	if (!kvm)
		return ERR_PTR(-ENOMEM);
	kvm->mm = mm;
	msim_xlate_table_init(&kvm->sptes, mm->machine, name, coherence);
	spin_lock_init(&kvm->mmu_lock);
	kvm->mmu_lock.name = "kvm->mmu_lock";
	kvm->mmu_notifier.ops = &kvm_mmu_notifier_ops;
	msim_trace_name_object(&kvm->mmu_notifier, name);
	ret = mmu_notifier_register(&kvm->mmu_notifier, mm);
	if (ret) {
		msim_trace_forget_object(&kvm->mmu_notifier);
		msim_spin_lock_destroy(&kvm->mmu_lock);
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, kvm);
		return ERR_PTR(ret);
	}
	return kvm;
}

void msim_kvm_destroy(struct msim_kvm *kvm)
{
	struct msim_machine *m = kvm->mm->machine;

	/* Calls ->release unless exit_mmap() did: no spte is left. */
	mmu_notifier_unregister(&kvm->mmu_notifier, kvm->mm);
	msim_trace_forget_object(&kvm->mmu_notifier);
	msim_spin_lock_destroy(&kvm->mmu_lock);
	msim_kfree(m, MSIM_ALLOC_OTHER, kvm);
}

/*
 * mmu_invalidate_retry_gfn(): did an invalidation that may cover @hva run
 * since @mmu_seq was read?  Under mmu_lock.
 */
static bool mmu_invalidate_retry_gfn(struct msim_kvm *kvm,
				     unsigned long mmu_seq, unsigned long hva)
{
	if (kvm->mmu_invalidate_in_progress &&
	    hva >= kvm->mmu_invalidate_range_start &&
	    hva < kvm->mmu_invalidate_range_end)
		return true;
	return kvm->mmu_invalidate_seq != mmu_seq;
}

/*
 * hva_to_pfn(): the page, faulted in as GUP does.  The reference is
 * dropped once the spte is set or abandoned (kvm_release_pfn_clean()).
 */
static int hva_to_pfn(struct msim_kvm *kvm, unsigned long hva, bool write,
		      struct page **page)
{
	long ret;

	mmap_read_lock(kvm->mm);
	ret = get_user_pages_remote(kvm->mm, hva, 1, write ? FOLL_WRITE : 0,
				    page, NULL);
	mmap_read_unlock(kvm->mm);
	if (ret < 0)
		return (int)ret;
	return ret == 1 ? 0 : -EFAULT;
}

/*
 * MODEL: kvm-one-memslot: the guest's physical memory is one memslot
 * covering the whole mm, guest frame n at user page n, so a fault names
 * the host virtual address itself; KVM looks the gfn up in the memslots
 * userspace set (gfn_to_hva()).
 */
int msim_kvm_page_fault(struct msim_kvm *kvm, unsigned long hva, bool write)
{
	struct mm_struct *mm = kvm->mm;
	unsigned long mmu_seq, seen;
	struct msim_kvm_spte *spte;
	struct page *page;
	bool retry;
	int ret;

	hva &= mm_page_mask(mm);
	kvm->nr_faults++;
	for (;;) {
		/* Both written under mmu_lock, read here without it. */
		msim_sync_access(msim_sync_key(msim_lock_id(&kvm->mmu_lock)),
				 false);
		if (__atomic_load_n(&kvm->released, __ATOMIC_ACQUIRE))
			return -EFAULT;
		/* Before the lookup: paired with the release in the end. */
		mmu_seq = __atomic_load_n(&kvm->mmu_invalidate_seq,
					  __ATOMIC_ACQUIRE);
		msim_trace(MSIM_TRACE_SEQ_READ_BEGIN,
			   .s = { "mmu_invalidate_seq", kvm->sptes.name },
			   .a = { (uintptr_t)kvm, mmu_seq });
		seen = msim_coherence_now(kvm->sptes.coherence);
		ret = hva_to_pfn(kvm, hva, write, &page);
		if (ret)
			return ret;

		/* The window between the lookup and the install. */
		msim_preempt_point("kvm_fault_install");
		if (kvm->msim_fault_hook)
			kvm->msim_fault_hook(kvm, hva,
					     kvm->msim_fault_hook_arg);

		spte = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER,
				    sizeof(*spte));
		if (!spte) {
			put_page(page);
			return -ENOMEM;
		}

		spin_lock(&kvm->mmu_lock);
		retry = kvm->released;
		if (!retry && !(kvm->msim_bugs & MSIM_KVM_BUG_NO_RETRY)) {
			retry = mmu_invalidate_retry_gfn(kvm, mmu_seq, hva);
			msim_trace(MSIM_TRACE_SEQ_READ_RETRY,
				   .s = { "mmu_invalidate_retry_gfn",
					  kvm->sptes.name },
				   .a = { (uintptr_t)kvm, mmu_seq,
					  kvm->mmu_invalidate_seq, retry });
		}
		if (retry) {
			spin_unlock(&kvm->mmu_lock);
			msim_kfree(mm->machine, MSIM_ALLOC_OTHER, spte);
			put_page(page);
			kvm->nr_retries++;
			/*
			 * The vCPU re-enters the guest and faults again,
			 * while the invalidation goes on elsewhere: a polling
			 * wait, which lets a scheduler run the others.
			 */
			msim_sync_yield("mmu_invalidate_retry");
			continue;
		}
		spte->accessed = true;
		kvm->nr_zapped +=
			msim_xlate_insert(&kvm->sptes, &spte->xe, hva,
					  mm_page_size(mm), page, write, seen);
		spin_unlock(&kvm->mmu_lock);
		put_page(page);
		return 0;
	}
}

int msim_kvm_access(struct msim_kvm *kvm, unsigned long hva, void *buf,
		    size_t len, bool write)
{
	struct mm_struct *mm = kvm->mm;
	unsigned long off = hva & (mm_page_size(mm) - 1);
	unsigned long base = hva - off;
	struct msim_xlate_entry *xe;
	int ret;

	if (len > mm_page_size(mm) - off)
		return -EINVAL;
	for (;;) {
		spin_lock(&kvm->mmu_lock);
		xe = msim_xlate_access(&kvm->sptes, base, off, buf, len, write);
		if (xe) {
			container_of(xe, struct msim_kvm_spte, xe)->accessed =
				true;
			spin_unlock(&kvm->mmu_lock);
			return 0;
		}
		spin_unlock(&kvm->mmu_lock);
		ret = msim_kvm_page_fault(kvm, base, write);
		if (ret)
			return ret;
	}
}

struct page *msim_kvm_spte_page(struct msim_kvm *kvm, unsigned long hva,
				bool *writable, bool *accessed)
{
	struct msim_kvm_spte *spte;
	struct page *page = NULL;

	spin_lock(&kvm->mmu_lock);
	spte = spte_lookup(kvm, hva & mm_page_mask(kvm->mm));
	if (spte) {
		page = spte->xe.page;
		if (writable)
			*writable = spte->xe.writable;
		if (accessed)
			*accessed = spte->accessed;
	}
	spin_unlock(&kvm->mmu_lock);
	return page;
}

void msim_kvm_show(struct msim_kvm *kvm, FILE *out)
{
	struct interval_tree_node *node;
	struct msim_kvm_spte *spte;

	spin_lock(&kvm->mmu_lock);
	for (node = interval_tree_iter_first(&kvm->sptes.root, 0, ULONG_MAX);
	     node; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		spte = container_of(node, struct msim_kvm_spte, xe.node);
		msim_xlate_entry_show(&kvm->sptes, &spte->xe, out);
		fprintf(out, "%s\n", spte->accessed ? " young" : "");
	}
	spin_unlock(&kvm->mmu_lock);
}
