// SPDX-License-Identifier: MIT
/*
 * The invariant checker; check.h lists what it verifies.  It reports the
 * first violation only: one wrong thing usually explains the rest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <mmsim/memremap.h>
#include <mmsim/swap.h>
#include "internal.h"

/* The mappings counted per device page of one pagemap. */
struct device_maps {
	struct dev_pagemap *pgmap;
	unsigned long first; /* its first pfn */
	unsigned int *maps;
};

struct checker {
	struct mm_struct *mm;
	char *msg;
	size_t size;
	int failed;
	unsigned long rss, file_rss;
	unsigned int *maps; /* mappings per pfn below nr_maps, or NULL */
	unsigned long nr_maps;
	unsigned long tables;
	unsigned long swapents;
	unsigned int *swaps;	   /* swap PTEs per slot, or NULL */
	struct device_maps *dmaps; /* per pagemap, or NULL */
	unsigned long nr_dmaps;
};

/* Count a mapping of device page @page (machine check only). */
static void count_device_map(struct checker *c, const struct page *page)
{
	unsigned long i, pfn = page_to_pfn(page);

	for (i = 0; i < c->nr_dmaps; i++)
		if (c->dmaps[i].pgmap == page->pgmap) {
			c->dmaps[i].maps[pfn - c->dmaps[i].first]++;
			return;
		}
}

static int fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed++)
		return -EUCLEAN;
	if (c->msg && c->size) {
		va_start(ap, fmt);
		vsnprintf(c->msg, c->size, fmt, ap);
		va_end(ap);
	}
	return -EUCLEAN;
}

/*
 * A VMA's chain links it to its own anon_vma and to ancestors of it (after
 * fork): all share one root, and its own anon_vma is among them.  Two
 * faults racing to give the VMA an anon_vma would break this.
 */
static bool chain_ok(const struct vm_area_struct *vma)
{
	const struct anon_vma_chain *avc;
	bool own = false;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		if (avc->vma != vma ||
		    avc->anon_vma->root != vma->anon_vma->root)
			return false;
		own |= avc->anon_vma == vma->anon_vma;
	}
	return own;
}

static unsigned long subtree_gap(const struct msim_avl_node *n)
{
	return n ? container_of(n, struct vm_area_struct, vm_rb)->rb_subtree_gap
		 : 0;
}

/* What rb_subtree_gap must be: the largest gap in the VMA's subtree. */
static unsigned long expected_subtree_gap(const struct vm_area_struct *vma)
{
	unsigned long gap = vma_compute_gap(vma);

	if (subtree_gap(vma->vm_rb.left) > gap)
		gap = subtree_gap(vma->vm_rb.left);
	if (subtree_gap(vma->vm_rb.right) > gap)
		gap = subtree_gap(vma->vm_rb.right);
	return gap;
}

/* One VMA on its own and against the one before it, @prev. */
static int check_vma(struct checker *c, struct vm_area_struct *prev,
		     struct vm_area_struct *vma)
{
	struct mm_struct *mm = c->mm;
	unsigned long gap;

	if (vma->vm_prev != prev)
		return fail(c, "VMA %#lx: vm_prev wrong", vma->vm_start);
	if (vma->vm_mm != mm)
		return fail(c, "VMA %#lx: vm_mm wrong", vma->vm_start);
	if (vma->vm_start >= vma->vm_end ||
	    !mm_page_aligned(mm, vma->vm_start) ||
	    !mm_page_aligned(mm, vma->vm_end) || vma->vm_end > mm->task_size)
		return fail(c, "VMA %#lx-%#lx: bad range", vma->vm_start,
			    vma->vm_end);
	if (prev && prev->vm_end > vma->vm_start)
		return fail(c, "VMAs %#lx-%#lx and %#lx-%#lx overlap",
			    prev->vm_start, prev->vm_end, vma->vm_start,
			    vma->vm_end);
	gap = expected_subtree_gap(vma);
	if (vma->rb_subtree_gap != gap)
		return fail(c, "VMA %#lx: rb_subtree_gap %#lx, want %#lx",
			    vma->vm_start, vma->rb_subtree_gap, gap);
	if (vma_is_anonymous(vma) &&
	    vma->vm_page_prot.pgprot !=
		    vm_get_page_prot(mm->arch, vma->vm_flags).pgprot)
		return fail(c, "VMA %#lx: vm_page_prot stale", vma->vm_start);
	if (vma->vm_pgoff != vma->vm_start >> PAGE_SHIFT_OF(mm) &&
	    vma_is_anonymous(vma))
		return fail(c, "VMA %#lx: pgoff %#lx breaks anon rule",
			    vma->vm_start, vma->vm_pgoff);
	if (!!vma->anon_vma != !list_empty(&vma->anon_vma_chain))
		return fail(c, "VMA %#lx: anon_vma and chain disagree",
			    vma->vm_start);
	if (vma->anon_vma && !chain_ok(vma))
		return fail(c,
			    "VMA %#lx: anon_vma chain not one "
			    "hierarchy holding vma->anon_vma",
			    vma->vm_start);
	if ((vma->vm_flags & VM_ACCOUNT) &&
	    (vma->vm_flags & (VM_NORESERVE | VM_SHARED)))
		return fail(c, "VMA %#lx: VM_ACCOUNT with NORESERVE",
			    vma->vm_start);
	return 0;
}

/* The mm's total_vm and its parts, counted again from the VMAs. */
struct vm_counts {
	unsigned long total, data, exec, stack;
};

static void count_vma(struct vm_counts *n, const struct vm_area_struct *vma)
{
	unsigned long pages = vma_pages(vma);

	n->total += pages;
	if ((vma->vm_flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
		n->exec += pages;
	else if (vma->vm_flags & VM_STACK)
		n->stack += pages;
	else if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		n->data += pages;
}

/*
 * The list and the tree hold the same VMAs in the same order, each VMA is
 * sound (check_vma()), and the mm's counts agree with them.
 */
static int check_vmas(struct checker *c)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma, *prev = NULL;
	struct vm_counts n = { 0 };
	struct msim_avl_node *node;
	int count = 0, err;

	if (msim_avl_check(&mm->mm_rb))
		return fail(c, "VMA tree: heights or parent links broken");
	node = msim_avl_first(&mm->mm_rb);
	for (vma = mm->mmap; vma; prev = vma, vma = vma->vm_next) {
		if (!node ||
		    container_of(node, struct vm_area_struct, vm_rb) != vma)
			return fail(c, "VMA %#lx: list and tree disagree",
				    vma->vm_start);
		node = msim_avl_next(node);
		err = check_vma(c, prev, vma);
		if (err)
			return err;
		count_vma(&n, vma);
		count++;
	}
	if (node)
		return fail(c, "VMA tree holds a VMA the list does not");
	if (count != mm->map_count)
		return fail(c, "map_count %d, VMAs %d", mm->map_count, count);
	if (mm->highest_vm_end != (prev ? prev->vm_end : 0))
		return fail(c, "highest_vm_end %#lx wrong", mm->highest_vm_end);
	if (n.total != mm->total_vm || n.data != mm->data_vm ||
	    n.exec != mm->exec_vm || n.stack != mm->stack_vm)
		return fail(
			c,
			"vm counters total/data/exec/stack %lu/%lu/%lu/%lu, "
			"VMAs say %lu/%lu/%lu/%lu",
			mm->total_vm, mm->data_vm, mm->exec_vm, mm->stack_vm,
			n.total, n.data, n.exec, n.stack);
	return 0;
}

static bool chained_to(struct vm_area_struct *vma, struct anon_vma *anon_vma)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == anon_vma)
			return true;
	return false;
}

/*
 * A page that is not anonymous is only ever the page a special mapping
 * (the vDSO) offers at that offset, mapped read-only: a write must have
 * copied it into an anonymous page first.
 */
static int check_file_pte(struct checker *c, struct vm_area_struct *vma,
			  unsigned long addr, pte_t pte, struct page *page)
{
	const struct msim_arch *a = c->mm->arch;
	const struct vm_special_mapping *sm = vma->vm_private_data;
	unsigned long pgoff =
		((addr - vma->vm_start) >> a->page_shift) + vma->vm_pgoff;

	if (vma_is_anonymous(vma) || !sm || !vma_is_special_mapping(vma, sm))
		return fail(c, "PTE at %#lx: page %#lx not anonymous", addr,
			    page_to_pfn(page));
	if (special_mapping_page(sm, pgoff) != page)
		return fail(c,
			    "PTE at %#lx: page %#lx is not the special "
			    "mapping's page %lu",
			    addr, page_to_pfn(page), pgoff);
	if (pte_write(a, pte))
		return fail(c,
			    "PTE at %#lx maps a special mapping's page "
			    "writable",
			    addr);
	if (page_mapcount(page) < 1)
		return fail(c, "PTE at %#lx: page %#lx mapcount %d", addr,
			    page_to_pfn(page), page_mapcount(page));
	if (c->maps && page_to_pfn(page) < c->nr_maps)
		c->maps[page_to_pfn(page)]++;
	c->file_rss++;
	return 0;
}

/*
 * A device-private entry maps an anonymous device page of a live pagemap,
 * as a PTE maps a frame: the page has a reference and a map count for
 * it, belongs to the VMA's anon_vma at the VMA's index, and is writable
 * only in a VMA with VM_WRITE and when exclusive.  A device-exclusive
 * entry keeps its anonymous, exclusive frame mapped.  Both count in rss.
 */
static int check_device_pte(struct checker *c, struct vm_area_struct *vma,
			    unsigned long addr, swp_entry_t entry)
{
	struct mm_struct *mm = c->mm;
	unsigned long pfn = swp_offset_pfn(entry);
	struct page *page = msim_pfn_to_page(mm->machine, pfn);
	bool private = is_device_private_entry(entry);

	if (!page || private != is_device_private_page(page))
		return fail(c,
			    "PTE at %#lx: device %s entry for pfn %#lx, "
			    "which is no %s page",
			    addr, private ? "private" : "exclusive", pfn,
			    private ? "device-private" : "RAM");
	if (page_ref_count(page) < 1 || msim_test_page_flag(page, PG_free) ||
	    PageTable(page) || !PageAnon(page))
		return fail(c,
			    "PTE at %#lx: device %s entry for pfn %#lx, not "
			    "an anonymous page in use",
			    addr, private ? "private" : "exclusive", pfn);
	if (!chained_to(vma, page->mapping))
		return fail(c,
			    "PTE at %#lx: device page's anon_vma not on the "
			    "VMA's chain",
			    addr);
	if (page->index !=
	    ((addr - vma->vm_start) >> PAGE_SHIFT_OF(mm)) + vma->vm_pgoff)
		return fail(c, "PTE at %#lx: page index %#lx wrong", addr,
			    page->index);
	if (page_mapcount(page) < 1)
		return fail(c, "PTE at %#lx: page %#lx mapcount %d", addr, pfn,
			    page_mapcount(page));
	if (private && is_writable_device_private_entry(entry)) {
		if (!(vma->vm_flags & VM_WRITE))
			return fail(c,
				    "PTE at %#lx: writable device-private "
				    "entry in a VMA without VM_WRITE",
				    addr);
		if (!PageAnonExclusive(page))
			return fail(c,
				    "PTE at %#lx: writable device-private "
				    "entry, page not exclusive",
				    addr);
	}
	if (!private && !PageAnonExclusive(page))
		return fail(c,
			    "PTE at %#lx: device-exclusive entry, page not "
			    "exclusive",
			    addr);
	if (private)
		count_device_map(c, page);
	else if (c->maps && pfn < c->nr_maps)
		c->maps[pfn]++;
	c->rss++;
	return 0;
}

/*
 * A swap PTE names a slot in use; a migration entry a page isolated for
 * migration, still counted in rss, with no mapping of it counted.
 */
static int check_swap_pte(struct checker *c, struct vm_area_struct *vma,
			  unsigned long addr, pte_t pte)
{
	struct mm_struct *mm = c->mm;
	struct swap_info_struct *si = mm->machine->swap;
	swp_entry_t entry = pte_to_swp_entry(mm->arch, pte);
	unsigned long off = swp_offset(entry);
	struct page *page;

	if (is_device_private_entry(entry) || is_device_exclusive_entry(entry))
		return check_device_pte(c, vma, addr, entry);
	if (is_migration_entry(entry)) {
		page = pfn_to_page(mm->machine, swp_offset_pfn(entry));
		if (!page || msim_test_page_flag(page, PG_free) ||
		    PageTable(page) || !PageAnon(page))
			return fail(c,
				    "PTE at %#lx: migration entry for pfn "
				    "%#lx, not an anonymous page",
				    addr, off);
		if (!PageLocked(page))
			return fail(c,
				    "PTE at %#lx: migration entry for pfn "
				    "%#lx, which is not isolated",
				    addr, off);
		if (!chained_to(vma, page->mapping))
			return fail(c,
				    "PTE at %#lx: migrating page's anon_vma "
				    "not on the VMA's chain",
				    addr);
		if (is_writable_migration_entry(entry) &&
		    !(vma->vm_flags & VM_WRITE))
			return fail(c,
				    "PTE at %#lx: writable migration entry "
				    "in a VMA without VM_WRITE",
				    addr);
		c->rss++;
		return 0;
	}
	unsigned int count;

	if (non_swap_entry(entry) || swp_type(entry) || !si || !off ||
	    off >= si->max)
		return fail(c, "PTE at %#lx: swap entry %#lx names no slot",
			    addr, entry.val);
	/* Other mms' swap PTEs of the slot change under their own locks. */
	spin_lock(&si->lock);
	count = si->swap_map[off] & ~SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	if (!count)
		return fail(c, "PTE at %#lx: swap slot %#lx has count 0", addr,
			    off);
	if (!vma->anon_vma)
		return fail(c,
			    "PTE at %#lx: swap entry in a VMA without an "
			    "anon_vma",
			    addr);
	if (c->swaps)
		c->swaps[off]++;
	c->swapents++;
	return 0;
}

static int check_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct checker *c = arg;
	const struct msim_arch *a = mm->arch;
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pte_t pte = *ptep;
	struct page *page;
	unsigned long pfn;

	if (!vma)
		return fail(c, "PTE at %#lx outside every VMA", addr);
	if (!pte_present(a, pte))
		return check_swap_pte(c, vma, addr, pte);
	if (msim_pte_allows(a, pte, true, false) && !(vma->vm_flags & VM_WRITE))
		return fail(c, "PTE at %#lx writable in a VMA without VM_WRITE",
			    addr);
	if (msim_pte_allows(a, pte, false, false) && !vma_is_accessible(vma))
		return fail(c, "PTE at %#lx accessible in a PROT_NONE VMA",
			    addr);
	if (msim_pte_allows(a, pte, false, true) && !(vma->vm_flags & VM_EXEC))
		return fail(c,
			    "PTE at %#lx executable in a VMA without VM_EXEC",
			    addr);
	pfn = pte_pfn(a, pte);
	if (pfn >= mm->machine->nr_frames)
		return fail(c, "PTE at %#lx: pfn %#lx beyond RAM", addr, pfn);
	/* Never handed out: its struct page may not even exist. */
	if (pfn >= READ_ONCE(mm->machine->next_fresh))
		return fail(c, "PTE at %#lx maps pfn %#lx, which is free", addr,
			    pfn);
	page = vm_normal_page(vma, addr, pte);
	if (!page) {
		if (!is_zero_pfn(pfn))
			return fail(c, "PTE at %#lx: special but not zero page",
				    addr);
		if (pte_write(a, pte))
			return fail(c,
				    "PTE at %#lx maps the zero page writable",
				    addr);
		return 0;
	}
	if (msim_test_page_flag(page, PG_free) || PageTable(page))
		return fail(c, "PTE at %#lx maps pfn %#lx, which is %s", addr,
			    pfn, PageTable(page) ? "a page table" : "free");
	if (!PageAnon(page))
		return check_file_pte(c, vma, addr, pte, page);
	if (!chained_to(vma, page->mapping))
		return fail(c,
			    "PTE at %#lx: page's anon_vma not on the VMA's "
			    "chain",
			    addr);
	if (page->index !=
	    ((addr - vma->vm_start) >> PAGE_SHIFT_OF(mm)) + vma->vm_pgoff)
		return fail(c, "PTE at %#lx: page index %#lx wrong", addr,
			    page->index);
	if (pte_write(a, pte) && !PageAnonExclusive(page))
		return fail(c, "PTE at %#lx writable, page not exclusive",
			    addr);
	if (page_mapcount(page) < 1)
		return fail(c, "PTE at %#lx: page %#lx mapcount %d", addr, pfn,
			    page_mapcount(page));
	if (c->maps && pfn < c->nr_maps)
		c->maps[pfn]++;
	c->rss++;
	return 0;
}

static int check_tables(struct checker *c, pte_t *table, unsigned int level)
{
	struct mm_struct *mm = c->mm;
	const struct msim_arch *a = mm->arch;
	struct page *page = &mm->machine->mem_map[((unsigned char *)table -
						   mm->machine->ram) >>
						  a->page_shift];
	unsigned long i, n = 1UL << a->level_bits[level], used = 0;
	int err;

	if (!PageTable(page) || msim_test_page_flag(page, PG_free))
		return fail(c, "page table at level %u is not a table page",
			    level);
	c->tables++;
	for (i = 0; i < n; i++) {
		if (pte_none(table[i]))
			continue;
		used++;
		if (level + 1 == a->levels)
			continue;
		err = check_tables(c,
				   page_address(pfn_to_page(
					   mm->machine, pte_pfn(a, table[i]))),
				   level + 1);
		if (err)
			return err;
	}
	if (used != page->pt_used)
		return fail(c, "table at level %u: pt_used %u, entries %lu",
			    level, page->pt_used, used);
	if (level && !used)
		return fail(c, "empty page table left at level %u", level);
	return 0;
}

/* The counters, against what the walk found: under the page-table lock. */
static int check_counters(struct checker *c)
{
	struct mm_struct *mm = c->mm;
	const struct msim_arch *a = mm->arch;
	long bytes = 0;

	if (c->rss != get_mm_counter(mm, MM_ANONPAGES))
		return fail(c, "rss MM_ANONPAGES %lu, PTEs map %lu",
			    get_mm_counter(mm, MM_ANONPAGES), c->rss);
	if (c->file_rss != get_mm_counter(mm, MM_FILEPAGES))
		return fail(c, "rss MM_FILEPAGES %lu, PTEs map %lu",
			    get_mm_counter(mm, MM_FILEPAGES), c->file_rss);
	if (c->swapents != get_mm_counter(mm, MM_SWAPENTS))
		return fail(c, "rss MM_SWAPENTS %lu, swap PTEs %lu",
			    get_mm_counter(mm, MM_SWAPENTS), c->swapents);
	/* Every table but the pgd counts (mm_pgtables_bytes). */
	if (c->tables > 1)
		bytes = (long)(c->tables - 1) *
			(long)(a->ptr_bytes << a->level_bits[a->levels - 1]);
	if (atomic_load(&mm->pgtables_bytes) != bytes)
		return fail(c, "pgtables_bytes %ld, tables say %ld",
			    atomic_load(&mm->pgtables_bytes), bytes);
	return 0;
}

/*
 * The whole mm, with the caller holding its mmap lock for reading: the
 * VMAs cannot change, but faults, reclaim, migration and forks of this
 * mm or of others sharing its pages run on.  So the check takes what
 * each of them takes to change what it reads, in the mm's lock order
 * (mmap_lock, then the rmap lock, then the page-table lock, then the
 * swap lock): the rmap lock for reading holds the anon_vma chains and
 * vma->anon_vma still; the page-table lock holds this mm's PTEs, tables
 * and rss counters, which change together under it, and the pages they
 * map stay mapped; each swap slot's count is read under the swap lock.
 * What it sees is one state the mm was in, not a mix of several.
 */
static int check_mm(struct checker *c)
{
	struct mm_struct *mm = c->mm;
	int err;

	down_read(&mm->machine->rmap_lock);
	spin_lock(&mm->page_table_lock);
	c->rss = 0;
	c->file_rss = 0;
	c->swapents = 0;
	c->tables = 0;
	err = check_vmas(c);
	if (!err)
		err = check_tables(c, mm->pgd, 0);
	if (!err)
		err = msim_walk_ptes(mm, 0, mm->task_size, check_pte, c);
	if (!err)
		err = check_counters(c);
	spin_unlock(&mm->page_table_lock);
	up_read(&mm->machine->rmap_lock);
	return err;
}

int msim_mm_check_msg(struct mm_struct *mm, char *msg, size_t size)
{
	struct checker c = { .mm = mm, .msg = msg, .size = size };
	int err;

	if (msg && size)
		msg[0] = '\0';
	mmap_read_lock(mm);
	err = check_mm(&c);
	mmap_read_unlock(mm);
	return err;
}

int msim_mm_check(struct mm_struct *mm)
{
	char msg[256];
	int err = msim_mm_check_msg(mm, msg, sizeof(msg));

	if (err)
		fprintf(stderr, "mmsim: mm check: %s\n", msg);
	return err;
}

/*
 * Every slot's count is the number of swap PTEs naming it, in all mms
 * together; a slot is in use exactly when it has a count or is being
 * written by reclaim, and each in use is one live MSIM_ALLOC_SWAP object.
 */
static int check_swap(struct checker *c, struct msim_machine *m)
{
	struct swap_info_struct *si = m->swap;
	unsigned long off, inuse = 0;
	unsigned int count;
	int err = 0;

	if (!si)
		return msim_live(m, MSIM_ALLOC_SWAP)
			       ? fail(c, "swap slots live without swap")
			       : 0;
	spin_lock(&si->lock);
	if (si->swap_map[0])
		err = fail(c, "swap header slot 0 in use");
	for (off = 1; off < si->max && !err; off++) {
		count = si->swap_map[off] & ~SWAP_HAS_CACHE;
		if (si->swap_map[off])
			inuse++;
		if (count != c->swaps[off])
			err = fail(c, "swap slot %#lx: count %u, swap PTEs %u",
				   off, count, c->swaps[off]);
	}
	if (!err && inuse != si->inuse_pages)
		err = fail(c, "%lu swap slots in use, counter says %lu", inuse,
			   si->inuse_pages);
	spin_unlock(&si->lock);
	if (!err && (long)inuse != msim_live(m, MSIM_ALLOC_SWAP))
		err = fail(c, "%lu swap slots in use, %ld allocated", inuse,
			   msim_live(m, MSIM_ALLOC_SWAP));
	return err;
}

/*
 * Every mm on the machine, one after the other; the pages of their
 * VM_ACCOUNT VMAs are added up in *@accounted for the commit charge.
 */
static int check_mms(struct checker *c, struct msim_machine *m,
		     unsigned long *accounted)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	int err = 0;

	spin_lock(&m->mmlist_lock);
	list_for_each_entry(mm, &m->mmlist, mmlist) {
		c->mm = mm;
		mmap_read_lock(mm);
		err = check_mm(c);
		for_each_vma(mm, vma)
			if (vma->vm_flags & VM_ACCOUNT)
				*accounted += vma_pages(vma);
		mmap_read_unlock(mm);
		if (err)
			break;
	}
	spin_unlock(&m->mmlist_lock);
	return err;
}

/*
 * An allocated frame other than a page table: mapped as many times as
 * its mapcount says (c->maps counted the PTEs of every mm), referenced at
 * least by each mapping and pin, and exclusive to one mapping if pinned.
 */
static unsigned int maps_of(const struct checker *c, unsigned long pfn)
{
	return pfn < c->nr_maps ? c->maps[pfn] : 0;
}

static int check_frame(struct checker *c, unsigned long pfn, struct page *page)
{
	if (page_mapcount(page) != (int)maps_of(c, pfn))
		return fail(c, "pfn %#lx: mapcount %d, mapped %u times", pfn,
			    page_mapcount(page), maps_of(c, pfn));
	/* GUP's FOLL_GET references are not counted anywhere: >=. */
	if (page_ref_count(page) <
		    page_mapcount(page) +
			    GUP_PIN_COUNTING_BIAS *
				    atomic_load(&page->_pincount) ||
	    page_ref_count(page) < 1)
		return fail(c, "pfn %#lx: refcount %d, mapcount %d, pins %d",
			    pfn, page_ref_count(page), page_mapcount(page),
			    atomic_load(&page->_pincount));
	if (page_maybe_dma_pinned(page) && page_mapped(page) &&
	    (page_mapcount(page) != 1 || !PageAnonExclusive(page)))
		return fail(c, "pfn %#lx: pinned but shared (mapcount %d)", pfn,
			    page_mapcount(page));
	return 0;
}

/*
 * Every frame but the zero page: free and unmapped, or sound in use.  The
 * frames never handed out are free and unmapped by construction (no PTE
 * maps one: check_pte()), so only those below next_fresh are walked, and
 * a machine of a terabyte is checked in the time of the frames it used.
 */
static int check_frames(struct checker *c, struct msim_machine *m)
{
	unsigned long pfn, nfree;
	struct page *page;
	int err = 0;

	spin_lock(&m->zone_lock);
	nfree = m->nr_frames - m->next_fresh;
	for (pfn = 1; pfn < m->next_fresh && !err; pfn++) {
		page = &m->mem_map[pfn];
		if (msim_test_page_flag(page, PG_free)) {
			nfree++;
			if (maps_of(c, pfn))
				err = fail(c, "free pfn %#lx is mapped", pfn);
			continue;
		}
		if (!PageTable(page))
			err = check_frame(c, pfn, page);
	}
	if (!err && nfree != m->nr_free)
		err = fail(c, "%lu frames free, counter says %lu", nfree,
			   m->nr_free);
	spin_unlock(&m->zone_lock);
	return err;
}

/*
 * Count arrays for the device pages of every pagemap of @m.  A pagemap
 * cannot go away while a device-private entry maps one of its pages
 * (memunmap_pages() waits for them all to be freed); the count check at
 * the end looks for each on the list again.
 */
static int device_maps_alloc(struct checker *c, struct msim_machine *m)
{
	struct dev_pagemap *pgmap;
	unsigned long n = 0;
	int err = 0;

	spin_lock(&m->pgmap_lock);
	list_for_each_entry(pgmap, &m->pgmaps, msim_node)
		n++;
	if (n)
		c->dmaps = calloc(n, sizeof(*c->dmaps));
	if (n && !c->dmaps)
		err = -ENOMEM;
	list_for_each_entry(pgmap, &m->pgmaps, msim_node) {
		struct device_maps *d;

		if (err)
			break;
		d = &c->dmaps[c->nr_dmaps++];
		d->pgmap = pgmap;
		d->first = pgmap->range.start >> m->arch->page_shift;
		d->maps = calloc(pgmap->msim_nr_pages, sizeof(*d->maps));
		if (!d->maps)
			err = -ENOMEM;
	}
	spin_unlock(&m->pgmap_lock);
	return err;
}

static void device_maps_free(struct checker *c)
{
	unsigned long i;

	for (i = 0; i < c->nr_dmaps; i++)
		free(c->dmaps[i].maps);
	free(c->dmaps);
}

/*
 * Every device page in use has as many map counts as device-private
 * entries map it, and a reference for each; a free one (refcount 0, its
 * driver's) has neither; the pages in use are those the pagemap counts
 * as handed out.  Under pgmap_lock, if the pagemap is still there.
 */
static int check_device_pagemap(struct checker *c, struct msim_machine *m,
				const struct device_maps *d)
{
	struct dev_pagemap *pgmap;
	unsigned long j, inuse = 0;
	struct page *page;

	list_for_each_entry(pgmap, &m->pgmaps, msim_node)
		if (pgmap == d->pgmap)
			break;
	if (&pgmap->msim_node == &m->pgmaps)
		return 0; /* unmapped meanwhile */
	for (j = 0; j < pgmap->msim_nr_pages; j++) {
		page = &pgmap->msim_pages[j];
		if (page_ref_count(page))
			inuse++;
		if (page_mapcount(page) != (int)d->maps[j])
			return fail(c,
				    "device pfn %#lx: mapcount %d, mapped %u "
				    "times",
				    d->first + j, page_mapcount(page),
				    d->maps[j]);
		if (page_ref_count(page) < page_mapcount(page))
			return fail(c,
				    "device pfn %#lx: refcount %d, mapcount %d",
				    d->first + j, page_ref_count(page),
				    page_mapcount(page));
	}
	if ((long)inuse != atomic_load(&pgmap->msim_refs))
		return fail(c,
			    "pagemap at pfn %#lx: %lu pages in use, %ld "
			    "handed out",
			    d->first, inuse, atomic_load(&pgmap->msim_refs));
	return 0;
}

static int check_device_pages(struct checker *c, struct msim_machine *m)
{
	unsigned long i;
	int err = 0;

	spin_lock(&m->pgmap_lock);
	for (i = 0; i < c->nr_dmaps && !err; i++)
		err = check_device_pagemap(c, m, &c->dmaps[i]);
	spin_unlock(&m->pgmap_lock);
	return err;
}

int msim_machine_check(struct msim_machine *m, char *msg, size_t size)
{
	struct checker c = { .msg = msg, .size = size };
	unsigned long accounted = 0;
	int err;

	if (msg && size)
		msg[0] = '\0';
	/* Only frames handed out can be mapped (check_pte()). */
	c.nr_maps = READ_ONCE(m->next_fresh);
	c.maps = calloc(c.nr_maps, sizeof(*c.maps));
	if (!c.maps)
		return -ENOMEM;
	if (m->swap) {
		c.swaps = calloc(m->swap->max, sizeof(*c.swaps));
		if (!c.swaps) {
			free(c.maps);
			return -ENOMEM;
		}
	}
	if (device_maps_alloc(&c, m)) {
		device_maps_free(&c);
		free(c.maps);
		free(c.swaps);
		return -ENOMEM;
	}
	err = check_mms(&c, m, &accounted);
	if (!err)
		err = check_frames(&c, m);
	if (!err && (long)accounted != atomic_load(&m->vm_committed_as))
		err = fail(&c, "commit charge %ld, VM_ACCOUNT VMAs hold %lu",
			   atomic_load(&m->vm_committed_as), accounted);
	if (!err)
		err = check_swap(&c, m);
	if (!err)
		err = check_device_pages(&c, m);
	device_maps_free(&c);
	free(c.maps);
	free(c.swaps);
	return err;
}
