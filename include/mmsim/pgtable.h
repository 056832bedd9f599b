/* SPDX-License-Identifier: MIT */
/**
 * DOC: Page tables
 *
 * Real multi-level tables of PTE words in simulated frames.  Upper-level
 * entries hold the frame number of the next table; the leaf entries are
 * the arch's software PTE (see struct msim_pte_bits).  Tables are allocated
 * on the way down when a fault needs them and freed as soon as the last
 * entry in them is cleared, all under mm->page_table_lock.
 *
 * The accessors take the arch because one process may hold mms of
 * different machines; otherwise they are the kernel's pte_*() helpers.
 */
#ifndef MMSIM_PGTABLE_H
#define MMSIM_PGTABLE_H

#include <mmsim/export.h>
#include <mmsim/trace.h>
#include <stdbool.h>
#include <stdint.h>
#include <mmsim/arch.h>

/*
 * MODEL: pte-64bit-slots: every table entry, upper-level or leaf, is a
 * 64-bit word on every arch; Linux's ColdFire tables hold 32-bit words,
 * and the ColdFire values here never use the upper half.
 */
typedef struct {
	uint64_t pte;
} pte_t;

struct mm_struct;
struct page;

static inline uint64_t pte_val(pte_t pte)
{
	return pte.pte;
}

static inline pte_t __pte(uint64_t val)
{
	return (pte_t){ val };
}

static inline bool pte_none(pte_t pte)
{
	return pte.pte == 0;
}

static inline bool pte_present(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & (a->pte.present | a->pte.protnone);
}

/* Present to the kernel but not to the hardware (PROT_NONE). */
static inline bool pte_protnone(const struct msim_arch *a, pte_t pte)
{
	return a->pte.protnone && (pte.pte & a->pte.protnone) &&
	       !(pte.pte & a->pte.present);
}

static inline bool pte_write(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & a->pte.write;
}

static inline bool pte_young(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & a->pte.young;
}

static inline bool pte_dirty(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & a->pte.dirty;
}

static inline bool pte_special(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & a->pte.special;
}

static inline bool pte_user(const struct msim_arch *a, pte_t pte)
{
	return pte.pte & a->pte.user;
}

static inline unsigned long pte_pfn(const struct msim_arch *a, pte_t pte)
{
	return (pte.pte & a->pte.pfn_mask) >> a->pte.pfn_shift;
}

static inline pte_t pfn_pte(const struct msim_arch *a, unsigned long pfn,
			    pgprot_t prot)
{
	return __pte((((uint64_t)pfn << a->pte.pfn_shift) & a->pte.pfn_mask) |
		     prot.pgprot);
}

static inline pte_t pte_mkwrite(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte | a->pte.write);
}

static inline pte_t pte_wrprotect(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte & ~a->pte.write);
}

static inline pte_t pte_mkdirty(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte | a->pte.dirty);
}

static inline pte_t pte_mkclean(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte & ~a->pte.dirty);
}

static inline pte_t pte_mkyoung(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte | a->pte.young);
}

static inline pte_t pte_mkold(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte & ~a->pte.young);
}

static inline pte_t pte_mkspecial(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte.pte | a->pte.special);
}

/**
 * pte_modify - keep the frame and the young, dirty and special bits of
 * @pte, take every protection bit from @newprot (mprotect).
 */
static inline pte_t pte_modify(const struct msim_arch *a, pte_t pte,
			       pgprot_t newprot)
{
	uint64_t keep =
		a->pte.pfn_mask | a->pte.young | a->pte.dirty | a->pte.special;

	return __pte((pte.pte & keep) | newprot.pgprot);
}

/**
 * msim_pte_allows - may the hardware make an access of this kind through
 * @pte: readable, writable, or executable, as the bits say.
 */
MSIM_API bool msim_pte_allows(const struct msim_arch *a, pte_t pte, bool write,
			      bool exec);

/** msim_pte_index - index of @addr in a table of level @level. */
static inline unsigned int msim_pte_index(const struct msim_arch *a,
					  unsigned int level,
					  unsigned long addr)
{
	return (addr >> a->level_shift[level]) &
	       ((1UL << a->level_bits[level]) - 1);
}

/**
 * msim_pte_offset - the leaf entry for @addr, or NULL if a table on the
 * way is missing.  Caller holds mm->page_table_lock.
 */
MSIM_API pte_t *msim_pte_offset(struct mm_struct *mm, unsigned long addr);

/**
 * msim_pte_alloc - the leaf entry for @addr, allocating missing tables.
 * Return: the entry, or NULL if a table could not be allocated (nothing
 * is left half-built).  Caller holds mm->page_table_lock.
 */
MSIM_API pte_t *msim_pte_alloc(struct mm_struct *mm, unsigned long addr);

/**
 * set_pte_at - install @pte at @ptep, counting it in its table if the slot
 * was empty.  Caller holds mm->page_table_lock.
 */
MSIM_API void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
			 pte_t pte);

/**
 * msim_trace_pte - record that the PTE for @addr went from @old to @new
 * (a PTE_SET or PTE_CLEAR event, <mmsim/trace.h>)
 *
 * set_pte_at() and ptep_get_and_clear() record their changes; code that
 * writes an entry directly (the accessed and dirty bits, a write-protect)
 * calls msim_pte_changed() after it.
 */
MSIM_API void msim_trace_pte(struct mm_struct *mm, unsigned long addr,
			     pte_t old, pte_t new);

/** msim_pte_changed - msim_trace_pte() if recording and @old != @new. */
static inline void msim_pte_changed(struct mm_struct *mm, unsigned long addr,
				    pte_t old, pte_t new)
{
	if (msim_trace_on() && pte_val(old) != pte_val(new))
		msim_trace_pte(mm, addr, old, new);
}

/**
 * ptep_get_and_clear - clear the entry and return what it held.  The table
 * is not freed here even if it became empty; see msim_free_empty_tables().
 */
MSIM_API pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr,
				  pte_t *ptep);

/**
 * msim_free_empty_tables - free every page table in [@start, @end) that
 * holds no entry, bottom up.  Caller holds mm->page_table_lock.
 */
MSIM_API void msim_free_empty_tables(struct mm_struct *mm, unsigned long start,
				     unsigned long end);

/**
 * msim_pte_table_end - the end of the range the leaf table covering @addr
 * maps, clamped to @end.
 */
MSIM_API unsigned long msim_pte_table_end(const struct msim_arch *a,
					  unsigned long addr,
					  unsigned long end);

/**
 * msim_walk_ptes - call @fn for every non-none leaf entry in [@start, @end)
 * in address order, skipping missing tables.  A non-zero return from @fn
 * stops the walk and is returned.  Caller holds mm->page_table_lock.
 */
MSIM_API int msim_walk_ptes(struct mm_struct *mm, unsigned long start,
			    unsigned long end,
			    int (*fn)(struct mm_struct *mm, unsigned long addr,
				      pte_t *ptep, void *arg),
			    void *arg);

/** msim_nr_pgtables - page-table pages of @mm, the pgd included. */
MSIM_API unsigned long msim_nr_pgtables(struct mm_struct *mm);

#endif /* MMSIM_PGTABLE_H */
