/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: the mm API in the kernel's own form, backed by the model.
 *
 * The <mmsim/...> headers already give struct mm_struct, struct
 * vm_area_struct, struct page, pte_t, find_vma(), get_user_pages_remote(),
 * set_pte_at() and the rest of the mm with the kernel's signatures.
 * Where the model's form needs an architecture or a machine argument
 * (a simulated process may run a 4 KiB x86-64 machine next to an 8 KiB
 * ColdFire one), the kernel's form here takes them from the machine
 * msim_current_machine() names: the current task's, as kernel code runs
 * on behalf of current.  Calling one with no machine to name is a BUG.
 * Both forms stay usable in one translation unit: pfn_to_page(pfn) and
 * pfn_to_page(machine, pfn), pte_write(pte) and pte_write(arch, pte),
 * ZERO_PAGE(0) and ZERO_PAGE(machine) pick by their arguments.
 *
 *  - MODEL: kernel-page-size-per-machine: PAGE_SIZE, PAGE_SHIFT,
 *    PAGE_MASK and TASK_SIZE are the current machine's (and the current
 *    mm's): expressions, not constants, so they cannot size a static
 *    array or appear in #if.
 *  - MODEL: walk-types-are-pte: the page-table walk types pgd_t, p4d_t,
 *    pud_t and pmd_t are pte_t (every table entry of the model is one
 *    64-bit word), so a driver that mixes them up compiles; the levels an
 *    architecture lacks are folded as the kernel folds them (x86-64 has
 *    no p4d, ColdFire only pgd and pte), their *_none() false and
 *    *_offset() the entry above.  There are no huge pages: *_leaf() and
 *    pmd_trans_huge() are false.  The page-table lock of every table is
 *    mm->page_table_lock; pte_offset_map_lock() walks again under it, as
 *    the model frees empty tables at once.
 *  - kmap() and friends give the frame's bytes (there is no highmem);
 *    kmapping a device-private page is a BUG (the CPU cannot address it).
 *  - alloc_page() takes a zeroed frame of the machine (accounted as
 *    MSIM_ALLOC_FRAME, failure-injectable).
 *    MODEL: alloc-pages-order0: the model has order-0 pages only, so
 *    alloc_pages() of a higher order warns and fails.
 */
#ifndef MMSIM_KERNEL_CUSTOM_MM_H
#define MMSIM_KERNEL_CUSTOM_MM_H

#include <string.h>
#include <mmsim/mmsim.h>
#include <mmsim-kernel/custom/bug.h>
#include <mmsim-kernel/custom/locks.h>
#include <mmsim-kernel/custom/sched.h>
#include <mmsim-kernel/custom/slab.h>
#include <mmsim-kernel/dup/list.h>
#include <mmsim-kernel/dup/math.h>

/**
 * msim_kernel_machine - msim_current_machine(), or a BUG at @file:@line
 * when there is none
 */
MSIM_API struct msim_machine *msim_kernel_machine(const char *file, int line);
/** msim_kernel_task_size - TASK_SIZE of current's mm (its machine's). */
MSIM_API unsigned long msim_kernel_task_size(void);
/** msim_kernel_alloc_page - alloc_page(): a zeroed frame, or NULL. */
MSIM_API struct page *msim_kernel_alloc_page(gfp_t gfp);

#define msim_kmachine() msim_kernel_machine(__FILE__, __LINE__)
#define msim_karch() (msim_kmachine()->arch)

#define PAGE_SHIFT ((int)msim_karch()->page_shift)
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN((addr), PAGE_SIZE)
#define PAGE_ALIGN_DOWN(addr) ALIGN_DOWN((addr), PAGE_SIZE)
#define PAGE_ALIGNED(addr) IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define TASK_SIZE msim_kernel_task_size()
#define PFN_DOWN(x) ((unsigned long)(x) >> PAGE_SHIFT)
#define PFN_UP(x) (((unsigned long)(x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))

#define pgprot_val(x) ((x).pgprot)
#define __pgprot(x) ((pgprot_t){ (x) })

/* Picks the model's form by the type of the first argument. */
#define msim_first_arg(x, ...) x
#define msim_by_arch(model_form, kernel_form, ...)                             \
	_Generic((msim_first_arg(__VA_ARGS__, 0)),                             \
		const struct msim_arch *: model_form,                          \
		struct msim_arch *: model_form,                                \
		default: kernel_form)(__VA_ARGS__)
#define msim_by_machine(model_form, kernel_form, ...)                          \
	_Generic((msim_first_arg(__VA_ARGS__, 0)), struct msim_machine *       \
		 : model_form, default                                         \
		 : kernel_form)(__VA_ARGS__)

/* PTE accessors, the kernel's form. */
static inline int msim_k_pte_present(pte_t pte)
{
	return (pte_present)(msim_karch(), pte);
}

static inline int msim_k_pte_write(pte_t pte)
{
	return (pte_write)(msim_karch(), pte);
}

static inline int msim_k_pte_young(pte_t pte)
{
	return (pte_young)(msim_karch(), pte);
}

static inline int msim_k_pte_dirty(pte_t pte)
{
	return (pte_dirty)(msim_karch(), pte);
}

static inline int msim_k_pte_special(pte_t pte)
{
	return (pte_special)(msim_karch(), pte);
}

static inline int msim_k_pte_protnone(pte_t pte)
{
	return (pte_protnone)(msim_karch(), pte);
}

static inline unsigned long msim_k_pte_pfn(pte_t pte)
{
	return (pte_pfn)(msim_karch(), pte);
}

static inline pte_t msim_k_pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return (pfn_pte)(msim_karch(), pfn, prot);
}

/* pte_mkwrite(pte, vma): 6.3 on; the VMA says nothing more here. */
static inline pte_t msim_k_pte_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	(void)vma;
	return (pte_mkwrite)(msim_karch(), pte);
}

static inline pte_t pte_mkwrite_novma(pte_t pte)
{
	return (pte_mkwrite)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_wrprotect(pte_t pte)
{
	return (pte_wrprotect)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_mkdirty(pte_t pte)
{
	return (pte_mkdirty)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_mkclean(pte_t pte)
{
	return (pte_mkclean)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_mkyoung(pte_t pte)
{
	return (pte_mkyoung)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_mkold(pte_t pte)
{
	return (pte_mkold)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_mkspecial(pte_t pte)
{
	return (pte_mkspecial)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_modify(pte_t pte, pgprot_t prot)
{
	return (pte_modify)(msim_karch(), pte, prot);
}

static inline swp_entry_t msim_k_pte_to_swp_entry(pte_t pte)
{
	return (pte_to_swp_entry)(msim_karch(), pte);
}

static inline pte_t msim_k_swp_entry_to_pte(swp_entry_t entry)
{
	return (swp_entry_to_pte)(msim_karch(), entry);
}

static inline bool msim_k_is_swap_pte(pte_t pte)
{
	return (is_swap_pte)(msim_karch(), pte);
}

static inline bool msim_k_pte_swp_exclusive(pte_t pte)
{
	return (pte_swp_exclusive)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_swp_mkexclusive(pte_t pte)
{
	return (pte_swp_mkexclusive)(msim_karch(), pte);
}

static inline pte_t msim_k_pte_swp_clear_exclusive(pte_t pte)
{
	return (pte_swp_clear_exclusive)(msim_karch(), pte);
}

#define pte_present(...)                                                       \
	msim_by_arch(pte_present, msim_k_pte_present, __VA_ARGS__)
#define pte_write(...) msim_by_arch(pte_write, msim_k_pte_write, __VA_ARGS__)
#define pte_young(...) msim_by_arch(pte_young, msim_k_pte_young, __VA_ARGS__)
#define pte_dirty(...) msim_by_arch(pte_dirty, msim_k_pte_dirty, __VA_ARGS__)
#define pte_special(...)                                                       \
	msim_by_arch(pte_special, msim_k_pte_special, __VA_ARGS__)
#define pte_protnone(...)                                                      \
	msim_by_arch(pte_protnone, msim_k_pte_protnone, __VA_ARGS__)
#define pte_pfn(...) msim_by_arch(pte_pfn, msim_k_pte_pfn, __VA_ARGS__)
#define pfn_pte(...) msim_by_arch(pfn_pte, msim_k_pfn_pte, __VA_ARGS__)
#define pte_mkwrite(...)                                                       \
	msim_by_arch(pte_mkwrite, msim_k_pte_mkwrite, __VA_ARGS__)
#define pte_wrprotect(...)                                                     \
	msim_by_arch(pte_wrprotect, msim_k_pte_wrprotect, __VA_ARGS__)
#define pte_mkdirty(...)                                                       \
	msim_by_arch(pte_mkdirty, msim_k_pte_mkdirty, __VA_ARGS__)
#define pte_mkclean(...)                                                       \
	msim_by_arch(pte_mkclean, msim_k_pte_mkclean, __VA_ARGS__)
#define pte_mkyoung(...)                                                       \
	msim_by_arch(pte_mkyoung, msim_k_pte_mkyoung, __VA_ARGS__)
#define pte_mkold(...) msim_by_arch(pte_mkold, msim_k_pte_mkold, __VA_ARGS__)
#define pte_mkspecial(...)                                                     \
	msim_by_arch(pte_mkspecial, msim_k_pte_mkspecial, __VA_ARGS__)
#define pte_modify(...) msim_by_arch(pte_modify, msim_k_pte_modify, __VA_ARGS__)
#define pte_to_swp_entry(...)                                                  \
	msim_by_arch(pte_to_swp_entry, msim_k_pte_to_swp_entry, __VA_ARGS__)
#define swp_entry_to_pte(...)                                                  \
	msim_by_arch(swp_entry_to_pte, msim_k_swp_entry_to_pte, __VA_ARGS__)
#define is_swap_pte(...)                                                       \
	msim_by_arch(is_swap_pte, msim_k_is_swap_pte, __VA_ARGS__)
#define pte_swp_exclusive(...)                                                 \
	msim_by_arch(pte_swp_exclusive, msim_k_pte_swp_exclusive, __VA_ARGS__)
#define pte_swp_mkexclusive(...)                                               \
	msim_by_arch(pte_swp_mkexclusive, msim_k_pte_swp_mkexclusive,          \
		     __VA_ARGS__)
#define pte_swp_clear_exclusive(...)                                           \
	msim_by_arch(pte_swp_clear_exclusive, msim_k_pte_swp_clear_exclusive,  \
		     __VA_ARGS__)

static inline int pte_same(pte_t a, pte_t b)
{
	return pte_val(a) == pte_val(b);
}

static inline pte_t ptep_get(pte_t *ptep)
{
	return __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
}

static inline void pte_clear(struct mm_struct *mm, unsigned long addr,
			     pte_t *ptep)
{
	ptep_get_and_clear(mm, addr, ptep);
}

/* Frames and pages, the kernel's form. */
static inline struct page *msim_k_pfn_to_page(unsigned long pfn)
{
	return msim_pfn_to_page(msim_kmachine(), pfn);
}

#define pfn_to_page(...)                                                       \
	msim_by_machine(pfn_to_page, msim_k_pfn_to_page, __VA_ARGS__)

static inline bool pfn_valid(unsigned long pfn)
{
	return msim_k_pfn_to_page(pfn) != NULL;
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page_to_pfn(page)
	       << page->machine->arch->page_shift;
}

static inline struct page *pte_page(pte_t pte)
{
	return msim_k_pfn_to_page(msim_k_pte_pfn(pte));
}

static inline pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return (pfn_pte)(page->machine->arch, page_to_pfn(page), prot);
}

/* ZERO_PAGE(vaddr): the one zero page of the machine. */
static inline struct page *msim_k_zero_page(unsigned long vaddr)
{
	(void)vaddr;
	return (ZERO_PAGE)(msim_kmachine());
}

#define ZERO_PAGE(x)                                                           \
	_Generic((x), struct msim_machine *                                    \
		 : ZERO_PAGE, default                                          \
		 : msim_k_zero_page)(x)

static inline unsigned long my_zero_pfn(unsigned long addr)
{
	(void)addr;
	return 0;
}

static inline bool is_zero_page(const struct page *page)
{
	return page_to_pfn(page) == 0 && !is_zone_device_page(page);
}

/* virt_to_page(): a kernel address of the machine's RAM. */
static inline struct page *virt_to_page(const void *addr)
{
	struct msim_machine *m = msim_kmachine();

	return msim_pfn_to_page(
		m, (unsigned long)((const unsigned char *)addr - m->ram) >>
			   m->arch->page_shift);
}

#define virt_to_pfn(addr) page_to_pfn(virt_to_page(addr))

static inline struct page *msim_k_pfn_swap_entry_to_page(swp_entry_t entry)
{
	return msim_pfn_swap_entry_to_page(msim_kmachine(), entry);
}

#define pfn_swap_entry_to_page(...)                                            \
	msim_by_machine(msim_pfn_swap_entry_to_page,                           \
			msim_k_pfn_swap_entry_to_page, __VA_ARGS__)

static inline int page_count(const struct page *page)
{
	return page_ref_count(page);
}

static inline void set_page_dirty(struct page *page)
{
	SetPageDirty(page);
}

#define set_page_dirty_lock set_page_dirty
#define mark_page_accessed(page) SetPageReferenced(page)
#define compound_head(page) (page)
#define PageCompound(page) 0
#define PageHuge(page) 0
#define PageTransHuge(page) 0
#define PageHead(page) 0
#define PageTail(page) 0

/* Folios of one page. */
static inline unsigned long folio_pfn(const struct folio *folio)
{
	return page_to_pfn(&folio->page);
}

static inline void *folio_address(const struct folio *folio)
{
	return page_address(&folio->page);
}

static inline struct folio *pfn_folio(unsigned long pfn)
{
	return page_folio(msim_k_pfn_to_page(pfn));
}

#define folio_nr_pages(folio) 1L
#define folio_order(folio) 0U
#define folio_size(folio) PAGE_SIZE
#define folio_test_large(folio) false
#define folio_test_anon(folio) PageAnon(&(folio)->page)
#define folio_test_locked(folio) PageLocked(&(folio)->page)
#define folio_test_dirty(folio) PageDirty(&(folio)->page)
#define folio_mark_dirty(folio) SetPageDirty(&(folio)->page)
#define folio_mapcount(folio) page_mapcount(&(folio)->page)
#define folio_ref_count(folio) page_ref_count(&(folio)->page)

/* Allocation of frames. */
static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (WARN_ONCE(order, "mmsim: no compound pages (order %u)", order))
		return NULL;
	return msim_kernel_alloc_page(gfp);
}

static inline struct page *alloc_page(gfp_t gfp)
{
	return msim_kernel_alloc_page(gfp);
}

#define alloc_pages_node(nid, gfp, order) alloc_pages(gfp, order)
#define alloc_page_vma(gfp, vma, addr) alloc_page(gfp)

static inline void __free_pages(struct page *page, unsigned int order)
{
	(void)order;
	put_page(page);
}

static inline void __free_page(struct page *page)
{
	put_page(page);
}

static inline unsigned long __get_free_page(gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	return page ? (unsigned long)page_address(page) : 0;
}

#define get_zeroed_page(gfp) __get_free_page(gfp)

static inline void free_page(unsigned long addr)
{
	if (addr)
		put_page(virt_to_page((void *)addr));
}

/* kmap and the page copies: no highmem, the frame's own bytes. */
static inline void *kmap(struct page *page)
{
	BUG_ON(is_zone_device_page(page));
	return page_address(page);
}

static inline void kunmap(struct page *page)
{
	(void)page;
}

#define kmap_local_page(page) kmap(page)
#define kmap_local_folio(folio, offset)                                        \
	((char *)kmap(&(folio)->page) + (offset))
#define kmap_atomic(page) kmap(page)
#define kunmap_local(addr) ((void)(addr))
#define kunmap_atomic(addr) ((void)(addr))

static inline void memcpy_from_page(char *to, struct page *page, size_t offset,
				    size_t len)
{
	memcpy(to, (char *)kmap(page) + offset, len);
}

static inline void memcpy_to_page(struct page *page, size_t offset,
				  const char *from, size_t len)
{
	memcpy((char *)kmap(page) + offset, from, len);
}

static inline void memzero_page(struct page *page, size_t offset, size_t len)
{
	memset((char *)kmap(page) + offset, 0, len);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	BUG_ON(is_zone_device_page(to) || is_zone_device_page(from));
	copy_user_highpage(to, from);
}

static inline void clear_highpage(struct page *page)
{
	memset(kmap(page), 0, 1UL << page->machine->arch->page_shift);
}

#define clear_page(addr) memset((addr), 0, PAGE_SIZE)
#define copy_page(to, from) memcpy((to), (from), PAGE_SIZE)

/*
 * The page-table walk.  Kernel level k (pgd 0, p4d 1, pud 2, pmd 3,
 * pte 4) is the architecture's level k - (5 - levels); a negative one is
 * folded into the level below it.
 */
typedef pte_t pgd_t;
typedef pte_t p4d_t;
typedef pte_t pud_t;
typedef pte_t pmd_t;

#define pgd_val(x) pte_val(x)
#define p4d_val(x) pte_val(x)
#define pud_val(x) pte_val(x)
#define pmd_val(x) pte_val(x)
#define __pgd(x) __pte(x)
#define __p4d(x) __pte(x)
#define __pud(x) __pte(x)
#define __pmd(x) __pte(x)

static inline int msim_kpt_level(int k)
{
	return k - (5 - (int)msim_karch()->levels);
}

/* The entry for @addr at arch level @level under the upper entry @up. */
static inline pte_t *msim_kpt_descend(pte_t *up, int level, unsigned long addr)
{
	struct msim_machine *m = msim_kmachine();
	const struct msim_arch *a = m->arch;
	pte_t e = ptep_get(up);
	unsigned long pfn = (pte_val(e) & a->pte.pfn_mask) >> a->pte.pfn_shift;

	if (pte_none(e) || pfn >= m->nr_frames || !PageTable(&m->mem_map[pfn]))
		return NULL;
	return (pte_t *)page_address(&m->mem_map[pfn]) +
	       msim_pte_index(a, (unsigned int)level, addr);
}

static inline pte_t *msim_kpt_offset(int k, pte_t *up, unsigned long addr)
{
	int level = msim_kpt_level(k);

	return level <= 0 ? up : msim_kpt_descend(up, level, addr);
}

static inline int msim_kpt_none(int k, pte_t e)
{
	return msim_kpt_level(k) < 0 ? 0 : pte_none(e);
}

static inline int msim_kpt_bad(int k, pte_t e)
{
	const struct msim_arch *a = msim_karch();

	if (msim_kpt_level(k) < 0 || pte_none(e))
		return 0;
	return (pte_val(e) & ~a->pte.pfn_mask) != a->pte.table;
}

static inline pgd_t *pgd_offset(struct mm_struct *mm, unsigned long addr)
{
	return &mm->pgd[msim_pte_index(mm->arch, 0, addr)];
}

static inline p4d_t *p4d_offset(pgd_t *pgd, unsigned long addr)
{
	return msim_kpt_offset(1, pgd, addr);
}

static inline pud_t *pud_offset(p4d_t *p4d, unsigned long addr)
{
	return msim_kpt_offset(2, p4d, addr);
}

static inline pmd_t *pmd_offset(pud_t *pud, unsigned long addr)
{
	return msim_kpt_offset(3, pud, addr);
}

/* NULL when there is no table (a none or bad pmd), as 6.x returns. */
static inline pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr)
{
	return msim_kpt_descend(pmd, (int)msim_karch()->levels - 1, addr);
}

#define pte_offset_kernel(pmd, addr) pte_offset_map(pmd, addr)
#define pte_unmap(pte) ((void)(pte))

static inline spinlock_t *pte_lockptr(struct mm_struct *mm, pmd_t *pmd)
{
	(void)pmd;
	return &mm->page_table_lock;
}

#define pmd_lockptr(mm, pmd) pte_lockptr(mm, pmd)

static inline pte_t *pte_offset_map_lock(struct mm_struct *mm, pmd_t *pmd,
					 unsigned long addr, spinlock_t **ptlp)
{
	pte_t *ptep;

	(void)pmd;
	*ptlp = &mm->page_table_lock;
	spin_lock(*ptlp);
	ptep = msim_pte_offset(mm, addr);
	if (!ptep)
		spin_unlock(*ptlp);
	return ptep;
}

static inline void pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	(void)pte;
	spin_unlock(ptl);
}

static inline spinlock_t *pmd_lock(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *ptl = pte_lockptr(mm, pmd);

	spin_lock(ptl);
	return ptl;
}

#define pgd_none(pgd) msim_kpt_none(0, pgd)
#define p4d_none(p4d) msim_kpt_none(1, p4d)
#define pud_none(pud) msim_kpt_none(2, pud)
#define pmd_none(pmd) msim_kpt_none(3, pmd)
#define pgd_bad(pgd) msim_kpt_bad(0, pgd)
#define p4d_bad(p4d) msim_kpt_bad(1, p4d)
#define pud_bad(pud) msim_kpt_bad(2, pud)
#define pmd_bad(pmd) msim_kpt_bad(3, pmd)
#define pgd_present(pgd) (!pgd_none(pgd))
#define p4d_present(p4d) (!p4d_none(p4d))
#define pud_present(pud) (!pud_none(pud))
#define pmd_present(pmd) (!pmd_none(pmd))
#define pud_leaf(pud) ((void)(pud), 0)
#define pmd_leaf(pmd) ((void)(pmd), 0)
#define pud_trans_huge(pud) ((void)(pud), 0)
#define pmd_trans_huge(pmd) ((void)(pmd), 0)
#define pmd_devmap(pmd) ((void)(pmd), 0)
#define pgdp_get(pgdp) ptep_get(pgdp)
#define p4dp_get(p4dp) ptep_get(p4dp)
#define pudp_get(pudp) ptep_get(pudp)
#define pmdp_get(pmdp) ptep_get(pmdp)
#define pmdp_get_lockless(pmdp) ptep_get(pmdp)

#endif /* MMSIM_KERNEL_CUSTOM_MM_H */
