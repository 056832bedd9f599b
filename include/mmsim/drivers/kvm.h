/* SPDX-License-Identifier: MIT */
/**
 * DOC: A KVM-like shadow MMU
 *
 * The secondary MMU of virt/kvm/kvm_main.c reduced to what its use of the
 * mmu_notifier API needs: a table of shadow PTEs filled on guest faults
 * from the primary page tables, and the classic callbacks that keep it
 * coherent.
 *
 *  - The guest's physical memory is one memslot that maps guest frame n
 *    to user page n of the mm: a gfn is the user address shifted by the
 *    page size.  Sptes live in an interval tree keyed by user address.
 *  - A guest fault snapshots mmu_invalidate_seq, gets the page as
 *    hva_to_pfn() does (get_user_pages_remote(), which faults the primary
 *    in), drops the reference as kvm_release_pfn_clean() would once the
 *    spte is set, and installs the spte under mmu_lock only if
 *    mmu_invalidate_retry_gfn() says no invalidation of the gfn began or
 *    ended meanwhile; otherwise it retries.  The spte holds no reference:
 *    only the notifiers keep it from outliving the page.
 *  - ->invalidate_range_start raises mmu_invalidate_in_progress, widens
 *    the in-progress range and zaps the sptes in it; ->invalidate_range_end
 *    bumps mmu_invalidate_seq and lowers the count.  ->change_pte points a
 *    remaining spte at the new frame, read-only, or drops it if the new
 *    PTE is writable.  The aging callbacks test and clear the sptes' own
 *    accessed bits.  ->release zaps everything.
 *
 * mmu_lock is a spinlock here (the kernel's is an rwlock on x86).
 */
#ifndef MMSIM_KVM_H
#define MMSIM_KVM_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <mmsim/mmu_notifier.h>
#include <mmsim/drivers/xlate_table.h>

/* msim_bugs: the mistakes a test can make the driver commit. */
#define MSIM_KVM_BUG_NO_RETRY (1U << 0) /* install whatever was looked up */
#define MSIM_KVM_BUG_NO_ZAP (1U << 1)	/* start leaves the sptes alone */

/**
 * struct msim_kvm - one guest's shadow MMU over one mm
 * @mmu_notifier: the classic subscription
 * @mm: the mm the guest's memory lives in
 * @mmu_lock: protects the sptes and the mmu_invalidate_* fields
 * @mmu_invalidate_seq: bumped at the end of every invalidation
 * @mmu_invalidate_in_progress: invalidations between start and end
 * @mmu_invalidate_range_start: the lowest address any of them covers
 * @mmu_invalidate_range_end: the end of the highest
 * @sptes: the shadow PTEs (struct msim_kvm_spte), by user address, with the
 *	name for reports and listings and the checker they are recorded with
 * @released: ->release ran; no spte may be made any more
 * @msim_fault_hook: called by a guest fault between the pfn lookup and
 *	the spte install, with no lock held, so that a test can run an mm
 *	operation in that window
 * @msim_bugs: MSIM_KVM_BUG_* to commit
 * @nr_faults, @nr_retries, @nr_zapped: statistics
 */
struct msim_kvm {
	struct mmu_notifier mmu_notifier;
	struct mm_struct *mm;
	/* MODEL: kvm-mmu-lock-spinlock: x86 KVM's mmu_lock is an rwlock. */
	spinlock_t mmu_lock;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	unsigned long mmu_invalidate_range_start;
	unsigned long mmu_invalidate_range_end;
	struct msim_xlate_table sptes;
	bool released;
	void (*msim_fault_hook)(struct msim_kvm *kvm, unsigned long hva,
				void *arg);
	void *msim_fault_hook_arg;
	unsigned int msim_bugs;
	unsigned long nr_faults, nr_retries, nr_zapped;
};

/**
 * struct msim_kvm_spte - one shadow PTE
 * @xe: the translation of one page in kvm->sptes (first: the table
 *	frees the spte through it)
 * @accessed: the guest used it since the last aging
 */
struct msim_kvm_spte {
	struct msim_xlate_entry xe;
	bool accessed;
};

/**
 * msim_kvm_create - a guest whose memory is @mm, subscribed to its
 * notifiers.  The caller holds an mm_users reference and not the mmap
 * lock.  @coherence may be NULL.
 * Return: the guest, or ERR_PTR(-ENOMEM / -EINVAL).
 */
MSIM_API struct msim_kvm *msim_kvm_create(struct mm_struct *mm,
					  const char *name,
					  struct msim_coherence *coherence);

/** msim_kvm_destroy - unsubscribe (zapping everything) and free. */
MSIM_API void msim_kvm_destroy(struct msim_kvm *kvm);

/**
 * msim_kvm_page_fault - a guest fault on the gfn of @hva: make an spte
 * for it, writable if @write
 * Return: 0, -EFAULT (no VMA or it forbids the access; the guest was
 * released), -ENOMEM.
 */
MSIM_API int msim_kvm_page_fault(struct msim_kvm *kvm, unsigned long hva,
				 bool write);

/**
 * msim_kvm_access - the guest reads or writes @len bytes at @hva (within
 * one page) through its sptes, faulting as needed.  Return as
 * msim_kvm_page_fault(), or -EINVAL for a range crossing a page.
 */
MSIM_API int msim_kvm_access(struct msim_kvm *kvm, unsigned long hva, void *buf,
			     size_t len, bool write);

/**
 * msim_kvm_spte_page - the frame the spte of @hva points to, or NULL;
 * @writable and @accessed (may be NULL) get its bits.
 */
MSIM_API struct page *msim_kvm_spte_page(struct msim_kvm *kvm,
					 unsigned long hva, bool *writable,
					 bool *accessed);

/** msim_kvm_show - one line an spte: "ADDR pfn PFN rw|ro [young]". */
MSIM_API void msim_kvm_show(struct msim_kvm *kvm, FILE *out);

#endif /* MMSIM_KVM_H */
