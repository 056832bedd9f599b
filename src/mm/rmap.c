// SPDX-License-Identifier: MIT
/*
 * Each anon_vma_chain entry holds a reference on its anon_vma, so an
 * anon_vma lives exactly as long as some VMA is chained to it.
 *
 * Anonymous rmap (mm/rmap.c): anon_vma allocation and reuse, the chains a
 * split or a merge copies, and the per-page accounting of new anonymous
 * pages.  The anon_vma's VMAs are kept on a list (see rmap_walk()).
 */
#include "internal.h"

static struct anon_vma *anon_vma_alloc(struct msim_machine *m)
{
	struct anon_vma *anon_vma;

	anon_vma = msim_kzalloc(m, MSIM_ALLOC_ANON_VMA, sizeof(*anon_vma));
	if (!anon_vma)
		return NULL;
	atomic_init(&anon_vma->refcount, 1);
	anon_vma->root = anon_vma;
	anon_vma->parent = anon_vma;
	anon_vma->machine = m;
	INIT_LIST_HEAD(&anon_vma->head);
	return anon_vma;
}

/*
 * An anon_vma below the root of a fork hierarchy holds a reference on the
 * root (pages may point at the root's anon_vma after merges), dropped
 * when it is freed.
 */
static void put_anon_vma(struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	if (atomic_fetch_sub(&anon_vma->refcount, 1) != 1)
		return;
	msim_kfree(anon_vma->machine, MSIM_ALLOC_ANON_VMA, anon_vma);
	if (root != anon_vma)
		put_anon_vma(root);
}

static struct anon_vma_chain *anon_vma_chain_alloc(struct msim_machine *m)
{
	return msim_kzalloc(m, MSIM_ALLOC_AVC, sizeof(struct anon_vma_chain));
}

static void anon_vma_chain_link(struct vm_area_struct *vma,
				struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	list_add_tail(&avc->same_anon_vma, &anon_vma->head);
}

/*
 * Two VMAs whose pages could share an anon_vma: adjacent, contiguous in
 * pgoff, and equal in every flag but the access bits (reusable_anon_vma()).
 */
static bool anon_vma_compatible(const struct vm_area_struct *a,
				const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start &&
	       !((a->vm_flags ^ b->vm_flags) &
		 ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >>
					     a->vm_mm->arch->page_shift);
}

static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old,
					  struct vm_area_struct *a,
					  struct vm_area_struct *b)
{
	if (anon_vma_compatible(a, b) && old->anon_vma &&
	    list_is_singular(&old->anon_vma_chain))
		return old->anon_vma;
	return NULL;
}

/* A neighbour's anon_vma @vma may adopt, so that the two can merge later. */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma = NULL;

	if (vma->vm_next)
		anon_vma = reusable_anon_vma(vma->vm_next, vma, vma->vm_next);
	if (!anon_vma && vma->vm_prev)
		anon_vma = reusable_anon_vma(vma->vm_prev, vma->vm_prev, vma);
	return anon_vma;
}

/*
 * Faults call this with the mmap lock held only for reading, so two
 * threads may fault the same VMA at once: the decision is taken again
 * under mm->page_table_lock, as __anon_vma_prepare() does, and whoever
 * comes second frees what it allocated.  Neighbours cannot go away
 * meanwhile: that needs the mmap lock for writing.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct msim_machine *m = mm->machine;
	struct anon_vma *anon_vma, *allocated = NULL;
	struct anon_vma_chain *avc;
	bool need_alloc;

	msim_sync_access(msim_sync_key(msim_lock_id(&mm->page_table_lock)),
			 false);
	if (READ_ONCE(vma->anon_vma))
		return 0;
	avc = anon_vma_chain_alloc(m);
	if (!avc)
		return -ENOMEM;
	/*
	 * A neighbour's anon_vma, once seen, stays reusable: its chain can
	 * only grow under the mmap lock held for writing.
	 */
	spin_lock(&mm->page_table_lock);
	need_alloc = !vma->anon_vma && !find_mergeable_anon_vma(vma);
	spin_unlock(&mm->page_table_lock);
	if (need_alloc) {
		allocated = anon_vma_alloc(m);
		if (!allocated) {
			msim_kfree(m, MSIM_ALLOC_AVC, avc);
			return -ENOMEM;
		}
	}

	/* The rmap lock before the page-table lock, as rmap walks take them. */
	down_write(&m->rmap_lock);
	spin_lock(&mm->page_table_lock);
	if (!vma->anon_vma) {
		anon_vma = find_mergeable_anon_vma(vma);
		if (anon_vma) {
			atomic_fetch_add(&anon_vma->refcount, 1);
		} else {
			anon_vma = allocated;
			allocated = NULL;
			anon_vma->num_children++; /* its own parent */
		}
		WRITE_ONCE(vma->anon_vma, anon_vma);
		anon_vma_chain_link(vma, avc, anon_vma);
		anon_vma->num_active_vmas++;
		avc = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	up_write(&m->rmap_lock);
	if (allocated)
		put_anon_vma(allocated);
	if (avc)
		msim_kfree(m, MSIM_ALLOC_AVC, avc);
	return 0;
}

int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct msim_machine *m = dst->vm_mm->machine;
	struct anon_vma_chain *avc, *pavc;

	down_write(&m->rmap_lock);
	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma) {
		avc = anon_vma_chain_alloc(m);
		if (!avc) {
			up_write(&m->rmap_lock);
			/* dst keeps no half-built chain. */
			dst->anon_vma = NULL;
			unlink_anon_vmas(dst);
			return -ENOMEM;
		}
		atomic_fetch_add(&pavc->anon_vma->refcount, 1);
		/* Keep src's order: the chain's tail is the oldest. */
		avc->vma = dst;
		avc->anon_vma = pavc->anon_vma;
		list_add_tail(&avc->same_vma, &dst->anon_vma_chain);
		list_add_tail(&avc->same_anon_vma, &pavc->anon_vma->head);
		/*
		 * At fork, reuse an anon_vma that no VMA uses any more and that
		 * has at most one child, rather than grow the hierarchy one
		 * level for every generation of a forking loop.
		 */
		if (!dst->anon_vma && src->anon_vma &&
		    pavc->anon_vma->num_children < 2 &&
		    pavc->anon_vma->num_active_vmas == 0)
			dst->anon_vma = pavc->anon_vma;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	up_write(&m->rmap_lock);
	return 0;
}

int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct msim_machine *m = vma->vm_mm->machine;
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma;
	int err;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	err = anon_vma_clone(vma, pvma);
	if (err)
		return err;
	if (vma->anon_vma)
		return 0;

	anon_vma = anon_vma_alloc(m);
	avc = anon_vma ? anon_vma_chain_alloc(m) : NULL;
	if (!avc) {
		if (anon_vma)
			msim_kfree(m, MSIM_ALLOC_ANON_VMA, anon_vma);
		unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	down_write(&m->rmap_lock);
	anon_vma->num_active_vmas++;
	anon_vma->root = pvma->anon_vma->root;
	anon_vma->parent = pvma->anon_vma;
	atomic_fetch_add(&anon_vma->root->refcount, 1);
	vma->anon_vma = anon_vma;
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->num_children++;
	up_write(&m->rmap_lock);
	return 0;
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct msim_machine *m = vma->vm_mm->machine;
	struct anon_vma_chain *avc, *next;

	down_write(&m->rmap_lock);
	/* Before the chain goes: it may hold the last reference. */
	if (vma->anon_vma) {
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;
	}
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		list_del_init(&avc->same_anon_vma);
		if (list_empty(&anon_vma->head))
			anon_vma->parent->num_children--;
		list_del_init(&avc->same_vma);
		msim_kfree(m, MSIM_ALLOC_AVC, avc);
		put_anon_vma(anon_vma);
	}
	up_write(&m->rmap_lock);
}

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long addr)
{
	unsigned int shift = vma->vm_mm->arch->page_shift;

	atomic_store(&page->_mapcount, 0);
	msim_set_page_flag(page, PG_anon);
	SetPageAnonExclusive(page);
	page->mapping = vma->anon_vma;
	page->index = ((addr - vma->vm_start) >> shift) + vma->vm_pgoff;
}

void page_remove_rmap(struct page *page, struct vm_area_struct *vma)
{
	(void)vma;
	msim_page_access(page, true);
	BUG_ON(atomic_fetch_sub(&page->_mapcount, 1) < 0);
}
