// SPDX-License-Identifier: MIT
/*
 * Multi-level page tables in simulated frames.  Level 0 is the pgd; the
 * last level holds the PTEs.  Each table page counts its non-none entries
 * in struct page.pt_used: that is how a table is known to be empty
 * without scanning it, and the checker verifies the count.
 */
#include "internal.h"

/*
 * The table an upper-level entry points to, straight from its pfn, as
 * pmd_page_vaddr() is __va() of it: a table's frame is allocated, so its
 * section is populated, and the walk need not go through struct page.
 */
static inline pte_t *table_of(struct mm_struct *mm, pte_t entry)
{
	return (pte_t *)(mm->machine->ram +
			 (pte_pfn(mm->arch, entry) << mm->arch->page_shift));
}

static inline struct page *table_page(struct mm_struct *mm, const void *ptep)
{
	unsigned long off =
		(unsigned long)((const unsigned char *)ptep - mm->machine->ram);

	return &mm->machine->mem_map[off >> mm->arch->page_shift];
}

/* Bytes the kernel would count for a table of @level (mm_pgtables_bytes). */
static inline long table_bytes(const struct msim_arch *a, unsigned int level)
{
	return (long)(a->ptr_bytes << a->level_bits[level]);
}

int msim_pgd_alloc(struct mm_struct *mm)
{
	mm->pgd_page = msim_alloc_page(mm->machine, MSIM_ALLOC_PGTABLE);
	if (!mm->pgd_page)
		return -ENOMEM;
	mm->pgd = page_address(mm->pgd_page);
	return 0;
}

void msim_pgd_free(struct mm_struct *mm)
{
	if (mm->pgd_page)
		put_page(mm->pgd_page);
	mm->pgd_page = NULL;
	mm->pgd = NULL;
}

pte_t *msim_pte_offset(struct mm_struct *mm, unsigned long addr)
{
	const struct msim_arch *a = mm->arch;
	pte_t *table = mm->pgd;
	unsigned int level;

	for (level = 0; level + 1 < a->levels; level++) {
		pte_t entry = table[msim_pte_index(a, level, addr)];

		if (pte_none(entry))
			return NULL;
		table = table_of(mm, entry);
	}
	return &table[msim_pte_index(a, level, addr)];
}

pte_t *msim_pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	const struct msim_arch *a = mm->arch;
	pte_t *table = mm->pgd, *slot;
	unsigned int level;
	struct page *page;

	for (level = 0; level + 1 < a->levels; level++) {
		slot = &table[msim_pte_index(a, level, addr)];
		if (pte_none(*slot)) {
			page = msim_alloc_page(mm->machine, MSIM_ALLOC_PGTABLE);
			if (!page) {
				/* Undo the tables this walk added above. */
				msim_free_empty_tables(
					mm, addr, addr + msim_page_size(a));
				return NULL;
			}
			*slot = pfn_pte(a, page_to_pfn(page),
					(pgprot_t){ a->pte.table });
			table_page(mm, slot)->pt_used++;
			atomic_fetch_add(&mm->pgtables_bytes,
					 table_bytes(a, level + 1));
		}
		table = table_of(mm, *slot);
	}
	return &table[msim_pte_index(a, level, addr)];
}

/* A frame the entry maps, or ~0 for an empty or non-present one. */
static uint64_t trace_pfn(const struct msim_arch *a, pte_t pte)
{
	return pte_present(a, pte) ? pte_pfn(a, pte) : UINT64_MAX;
}

void msim_trace_pte(struct mm_struct *mm, unsigned long addr, pte_t old,
		    pte_t new)
{
	msim_trace(pte_none(new) ? MSIM_TRACE_PTE_CLEAR : MSIM_TRACE_PTE_SET,
		   .a = { addr, pte_val(old), pte_val(new), (uintptr_t)mm,
			  trace_pfn(mm->arch, old), trace_pfn(mm->arch, new) });
}

void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		pte_t pte)
{
	msim_pte_changed(mm, addr, *ptep, pte);
	if (pte_none(*ptep) && !pte_none(pte))
		table_page(mm, ptep)->pt_used++;
	else if (!pte_none(*ptep) && pte_none(pte))
		table_page(mm, ptep)->pt_used--;
	*ptep = pte;
}

pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	pte_t old = *ptep;

	set_pte_at(mm, addr, ptep, __pte(0));
	return old;
}

unsigned long msim_pte_table_end(const struct msim_arch *a, unsigned long addr,
				 unsigned long end)
{
	unsigned long span = 1UL << a->level_shift[a->levels - 2];
	unsigned long boundary = (addr + span) & ~(span - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

/* The span one entry of @level covers. */
static inline unsigned long entry_span(const struct msim_arch *a,
				       unsigned int level)
{
	return 1UL << a->level_shift[level];
}

/*
 * Is @level the leaf level?  The second test never decides anything, but
 * it bounds the recursion below for the compiler, which otherwise inlines
 * it past the arrays and warns.
 */
static inline bool leaf_level(const struct msim_arch *a, unsigned int level)
{
	return level + 1 >= a->levels || level + 1 >= MSIM_PGTABLE_MAX_LEVELS;
}

static void free_level(struct mm_struct *mm, pte_t *table, unsigned int level,
		       unsigned long start, unsigned long end)
{
	const struct msim_arch *a = mm->arch;
	unsigned long span = entry_span(a, level), addr, next;
	pte_t *slot, *child;
	struct page *page;

	for (addr = start; addr < end; addr = next) {
		next = (addr & ~(span - 1)) + span;
		if (next - 1 >= end - 1)
			next = end;
		slot = &table[msim_pte_index(a, level, addr)];
		if (pte_none(*slot))
			continue;
		child = table_of(mm, *slot);
		if (!leaf_level(a, level + 1))
			free_level(mm, child, level + 1, addr, next);
		page = table_page(mm, child);
		if (page->pt_used)
			continue;
		*slot = __pte(0);
		table_page(mm, slot)->pt_used--;
		atomic_fetch_sub(&mm->pgtables_bytes,
				 table_bytes(a, level + 1));
		put_page(page);
	}
}

/*
 * MODEL: free-empty-tables: munmap, MADV_DONTNEED and exit, and a fault,
 * fork or migration that fails after allocating tables, free here every
 * table they left empty.  Linux frees tables at munmap (free_pgtables())
 * only within the floor and ceiling its neighbouring VMAs leave, and
 * after MADV_DONTNEED only a PTE table the zap covered whole
 * (CONFIG_PT_RECLAIM).
 */
void msim_free_empty_tables(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	if (start < end && mm->arch->levels > 1)
		free_level(mm, mm->pgd, 0, start, end);
}

pte_t *msim_pte_next(struct mm_struct *mm, unsigned long *addrp,
		     unsigned long end)
{
	const struct msim_arch *a = mm->arch;
	unsigned long addr = *addrp, span, next;
	unsigned int level;
	pte_t *table;
	pte_t entry;

	while (addr < end) {
		table = mm->pgd;
		for (level = 0; level + 1 < a->levels; level++) {
			entry = table[msim_pte_index(a, level, addr)];
			if (pte_none(entry))
				break;
			table = table_of(mm, entry);
		}
		if (level + 1 == a->levels) {
			*addrp = addr;
			return &table[msim_pte_index(a, level, addr)];
		}
		/* No table below this entry: skip all it covers. */
		span = entry_span(a, level);
		next = (addr & ~(span - 1)) + span;
		if (next <= addr)
			break;
		addr = next;
	}
	*addrp = end;
	return NULL;
}

static int walk_level(struct mm_struct *mm, pte_t *table, unsigned int level,
		      unsigned long start, unsigned long end,
		      int (*fn)(struct mm_struct *, unsigned long, pte_t *,
				void *),
		      void *arg)
{
	const struct msim_arch *a = mm->arch;
	unsigned long span = entry_span(a, level), addr, next;
	pte_t *slot;
	int ret;

	for (addr = start; addr < end; addr = next) {
		next = (addr & ~(span - 1)) + span;
		if (next - 1 >= end - 1)
			next = end;
		slot = &table[msim_pte_index(a, level, addr)];
		if (pte_none(*slot))
			continue;
		if (leaf_level(a, level))
			ret = fn(mm, addr & ~(span - 1), slot, arg);
		else
			ret = walk_level(mm, table_of(mm, *slot), level + 1,
					 addr, next, fn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int msim_walk_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		   int (*fn)(struct mm_struct *mm, unsigned long addr,
			     pte_t *ptep, void *arg),
		   void *arg)
{
	if (start >= end)
		return 0;
	return walk_level(mm, mm->pgd, 0, start, end, fn, arg);
}

static int count_tables(struct mm_struct *mm, pte_t *table, unsigned int level)
{
	const struct msim_arch *a = mm->arch;
	unsigned long i, n = 1UL << a->level_bits[level];
	int count = 1;

	if (leaf_level(a, level))
		return 1;
	for (i = 0; i < n; i++)
		if (!pte_none(table[i]))
			count += count_tables(mm, table_of(mm, table[i]),
					      level + 1);
	return count;
}

unsigned long msim_nr_pgtables(struct mm_struct *mm)
{
	return mm->pgd ? (unsigned long)count_tables(mm, mm->pgd, 0) : 0;
}
