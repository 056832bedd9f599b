// SPDX-License-Identifier: MIT
/*
 * The skeleton rmap notifier driver (see skeleton_rmap.h).
 *
 * Lock order: the mm's locks, then m->lock, then the checker's.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <mmsim/mmsim.h>
#include <mmsim/gup.h>
#include <mmsim/drivers/skeleton_rmap.h>

/* my_mmu_insert_page(): called with m->lock held. */
static int my_mmu_insert_page(struct msim_my_mmu *m, unsigned long address,
			      struct page *page, bool writable,
			      unsigned long seen, struct msim_my_mmu_map *map)
{
	struct msim_my_mmu_map *old;

	list_for_each_entry(old, &m->list, node) {
		if (old->address == address) {
			list_del_init(&old->node);
			msim_coherence_unmap(m->coherence, &old->sm);
			m->nr_mapped--;
			msim_kfree(m->mm->machine, MSIM_ALLOC_OTHER, old);
			break;
		}
	}
	map->address = address;
	map->page = page;
	map->writable = writable;
	list_add_tail(&map->node, &m->list);
	m->nr_mapped++;
	msim_secondary_mapping_init(&map->sm, m->name, address, page, writable,
				    seen);
	msim_coherence_map(m->coherence, &map->sm);
	return 0;
}

/* my_mmu_zap_range(): called with m->lock held. */
static void my_mmu_zap_range(struct msim_my_mmu *m, unsigned long start,
			     unsigned long end)
{
	struct msim_my_mmu_map *map, *next;

	list_for_each_entry_safe(map, next, &m->list, node) {
		if (map->address < start || map->address >= end)
			continue;
		list_del_init(&map->node);
		msim_coherence_unmap(m->coherence, &map->sm);
		m->nr_mapped--;
		msim_kfree(m->mm->machine, MSIM_ALLOC_OTHER, map);
	}
}

static int my_mmu_invalidate_range_begin(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	struct msim_my_mmu *m = container_of(mn, struct msim_my_mmu, notifier);

	spin_lock(&m->lock);
	m->invalidates++; /* holds off new references */
	m->invalidate_gen++;
	my_mmu_zap_range(m, range->start, range->end);
	spin_unlock(&m->lock);
	return 0;
}

static void my_mmu_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct msim_my_mmu *m = container_of(mn, struct msim_my_mmu, notifier);

	(void)range;
	spin_lock(&m->lock);
	m->invalidates--; /* enables new references */
	spin_unlock(&m->lock);
}

/*
 * MODEL: skeleton-release-keeps-driver: ->release zaps everything but does
 * not free the driver, where the sample did kfree() it: a later
 * mmu_notifier_unregister() would touch freed memory.  msim_my_mmu_detach()
 * frees it.
 */
static void my_mmu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct msim_my_mmu *m = container_of(mn, struct msim_my_mmu, notifier);

	(void)mm;
	spin_lock(&m->lock);
	my_mmu_zap_range(m, 0, ULONG_MAX);
	m->released = true;
	spin_unlock(&m->lock);
}

static const struct mmu_notifier_ops my_mmu_ops = {
	.release = my_mmu_release,
	.invalidate_range_start = my_mmu_invalidate_range_begin,
	.invalidate_range_end = my_mmu_invalidate_range_end,
};

struct msim_my_mmu *
msim_my_mmu_attach_to_process(struct mm_struct *mm, const char *name,
			      struct msim_coherence *coherence)
{
	struct msim_my_mmu *m =
		msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*m));
	int ret;

	if (!m)
		return ERR_PTR(-ENOMEM);
	m->notifier.ops = &my_mmu_ops;
	spin_lock_init(&m->lock);
	m->lock.name = "my_mmu->lock";
	INIT_LIST_HEAD(&m->list);
	m->mm = mm;
	m->name = name;
	m->coherence = coherence;
	msim_trace_name_object(&m->notifier, name);
	ret = mmu_notifier_register(&m->notifier, mm);
	if (ret) {
		msim_trace_forget_object(&m->notifier);
		msim_spin_lock_destroy(&m->lock);
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, m);
		return ERR_PTR(ret);
	}
	return m;
}

void msim_my_mmu_detach(struct msim_my_mmu *m)
{
	struct msim_machine *machine = m->mm->machine;

	mmu_notifier_unregister(&m->notifier, m->mm);
	msim_trace_forget_object(&m->notifier);
	msim_spin_lock_destroy(&m->lock);
	msim_kfree(machine, MSIM_ALLOC_OTHER, m);
}

/*
 * The page the PTE maps if it allows the access, else NULL.  Under the
 * page-table lock.
 * MODEL: skeleton-maps-zero-page: the zero page is mapped like any page,
 * where the sample's vm_normal_page() test would have looped on it.
 */
static struct page *pte_page_for(struct mm_struct *mm, unsigned long address,
				 int write, bool *writable)
{
	const struct msim_arch *a = mm->arch;
	pte_t *ptep = msim_pte_offset(mm, address);
	pte_t pte = ptep ? *ptep : __pte(0);

	if (!msim_pte_allows(a, pte, write, false))
		return NULL;
	*writable = pte_write(a, pte);
	return pfn_to_page(mm->machine, pte_pfn(a, pte));
}

/*
 * MODEL: skeleton-invalidate-gen: the sample held the PTE lock from the
 * PTE read to the insert; here it is dropped in between, so a count of
 * invalidations that went up and back down meanwhile is caught by
 * comparing invalidate_gen before the read and at the insert.
 */
struct page *msim_my_mmu_populate_page(struct msim_my_mmu *m,
				       unsigned long address, int write)
{
	struct mm_struct *mm = m->mm;
	bool ignore = m->msim_bugs & MSIM_MY_MMU_BUG_IGNORE_INVALIDATES;
	unsigned long gen, seen;
	struct msim_my_mmu_map *map;
	struct page *page;
	bool writable = false;
	long err;

	address &= mm_page_mask(mm);
	map = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*map));
	if (!map)
		return ERR_PTR(-ENOMEM);

	for (;;) {
		spin_lock(&m->lock);
		gen = m->invalidate_gen;
		/* No need to do anything if a range invalidate is running. */
		if ((m->invalidates && !ignore) || m->released) {
			spin_unlock(&m->lock);
			page = ERR_PTR(m->released ? -EFAULT : -EAGAIN);
			break;
		}
		spin_unlock(&m->lock);

		seen = msim_coherence_now(m->coherence);
		mmap_read_lock(mm);
		spin_lock(&mm->page_table_lock);
		page = pte_page_for(mm, address, write, &writable);
		spin_unlock(&mm->page_table_lock);
		mmap_read_unlock(mm);

		if (!page) {
			/* Run the fault handler to set the PTE up right. */
			mmap_read_lock(mm);
			err = get_user_pages_remote(mm, address, 1,
						    write ? FOLL_WRITE : 0,
						    NULL, NULL);
			mmap_read_unlock(mm);
			if (err < 0) {
				page = ERR_PTR(err);
				break;
			}
			continue;
		}

		/* The window between the lookup and the insert. */
		msim_preempt_point("my_mmu_populate");
		if (m->msim_populate_hook)
			m->msim_populate_hook(m, address,
					      m->msim_populate_hook_arg);

		/* The lock keeps the count of invalidates constant. */
		spin_lock(&m->lock);
		if (!ignore && (m->invalidates || m->invalidate_gen != gen)) {
			page = ERR_PTR(-EAGAIN);
		} else if (m->released) {
			page = ERR_PTR(-EFAULT);
		} else {
			my_mmu_insert_page(m, address, page, writable, seen,
					   map);
			map = NULL;
		}
		spin_unlock(&m->lock);
		break;
	}
	if (IS_ERR(page) && PTR_ERR(page) == -EAGAIN)
		m->nr_eagain++;
	if (map)
		msim_kfree(mm->machine, MSIM_ALLOC_OTHER, map);
	return page;
}

int msim_my_mmu_access(struct msim_my_mmu *m, unsigned long address, void *buf,
		       size_t len, bool write)
{
	unsigned long off = address & (mm_page_size(m->mm) - 1);
	unsigned long base = address - off;
	struct msim_my_mmu_map *map;
	struct page *page;
	unsigned char *p;

	if (len > mm_page_size(m->mm) - off)
		return -EINVAL;
	for (;;) {
		spin_lock(&m->lock);
		list_for_each_entry(map, &m->list, node) {
			if (map->address != base || (write && !map->writable))
				continue;
			p = (unsigned char *)page_address(map->page) + off;
			if (write)
				memcpy(p, buf, len);
			else
				memcpy(buf, p, len);
			spin_unlock(&m->lock);
			return 0;
		}
		spin_unlock(&m->lock);
		page = msim_my_mmu_populate_page(m, base, write);
		if (IS_ERR(page) && PTR_ERR(page) != -EAGAIN)
			return (int)PTR_ERR(page);
	}
}

unsigned long msim_my_mmu_find_addr(struct msim_my_mmu *m, struct page *page)
{
	unsigned long address = (unsigned long)-EFAULT;
	struct msim_my_mmu_map *map;

	spin_lock(&m->lock);
	list_for_each_entry(map, &m->list, node) {
		if (map->page == page) {
			address = map->address;
			break;
		}
	}
	spin_unlock(&m->lock);
	return address;
}

void msim_my_mmu_show(struct msim_my_mmu *m, FILE *out)
{
	struct msim_my_mmu_map *map;

	spin_lock(&m->lock);
	list_for_each_entry(map, &m->list, node)
		fprintf(out, "%s 0x%lx pfn 0x%lx %s\n", m->name, map->address,
			page_to_pfn(map->page), map->writable ? "rw" : "ro");
	spin_unlock(&m->lock);
}
