/* SPDX-License-Identifier: MIT */
/**
 * DOC: Architecture descriptors
 *
 * What differs between the simulated CPUs: page size, the shape of the page
 * tables, the user address space and mmap layout, and where each PTE bit
 * lives.  Everything else in mmsim is written once against this table.
 *
 * x86_64 follows arch/x86 with 4-level paging: 4 KiB pages, 9 bits a
 * level, a 47-bit user space, the top-down layout below mmap_base as
 * mmap_base() computes it with randomization off and the default 8 MiB
 * stack limit (TASK_SIZE - 128 MiB).
 *
 * coldfire follows arch/m68k with CONFIG_COLDFIRE and the MMU: 8 KiB pages,
 * two levels (PGDIR_SHIFT 22, 512 PTEs a table), TASK_SIZE 0xc0000000 and
 * the legacy bottom-up layout from TASK_UNMAPPED_BASE 0x60000000, so that
 * the page just below it, 0x5fffe000, is where the vDSO is prelinked.
 * Linux stores ColdFire PTEs as 32-bit words; mmsim keeps every table entry
 * in a 64-bit slot and the ColdFire values never use the upper half.
 */
#ifndef MMSIM_ARCH_H
#define MMSIM_ARCH_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stdint.h>

#define MSIM_PGTABLE_MAX_LEVELS 5

typedef struct {
	uint64_t pgprot;
} pgprot_t;

/**
 * struct msim_pte_bits - where the software PTE keeps each property
 * @present: the hardware may use the entry
 * @protnone: present to the kernel, inaccessible to the hardware
 *	(PROT_NONE); 0 if the arch encodes it otherwise
 * @read: readable (0 if every present user page is readable, as on x86)
 * @write: writable
 * @user: user accessible
 * @young: accessed
 * @dirty: written
 * @special: no struct page behind it to account (the zero page)
 * @exec: executable (0 if the arch has @nx instead)
 * @nx: not executable (0 if the arch has @exec instead)
 * @pfn_shift: where the frame number starts
 * @pfn_mask: the frame number's bits, in place
 * @table: the bits an upper-level entry carries besides the frame number
 * @swp_type_shift: where a swap PTE keeps the entry's type
 * @swp_type_bits: its width
 * @swp_offset_shift: where a swap PTE keeps the entry's offset
 * @swp_offset_bits: its width
 * @swp_exclusive: the swap PTE's PageAnonExclusive marker
 *	(_PAGE_SWP_EXCLUSIVE)
 */
struct msim_pte_bits {
	uint64_t present, protnone, read, write, user, young, dirty, special;
	uint64_t exec, nx;
	unsigned int pfn_shift;
	uint64_t pfn_mask;
	uint64_t table;
	unsigned int swp_type_shift, swp_type_bits;
	unsigned int swp_offset_shift, swp_offset_bits;
	uint64_t swp_exclusive;
};

/**
 * struct msim_arch - one simulated architecture
 * @name: "x86_64" or "coldfire"
 * @page_shift: log2 of PAGE_SIZE
 * @levels: page-table levels, top (pgd) first in the arrays below
 * @level_shift: log2 of the span one entry of that level maps
 * @level_bits: log2 of the number of entries in a table of that level
 * @ptr_bytes: sizeof(void *) of user space (sets /proc/PID/maps widths)
 * @task_size: TASK_SIZE, the end of user space
 * @mmap_base: where the mmap search starts: the top for a top-down
 *	layout, TASK_UNMAPPED_BASE for a bottom-up one
 * @mmap_min_addr: the lowest address a mapping may have
 * @topdown: the default mmap layout is top-down
 * @soft_dirty: CONFIG_MEM_SOFT_DIRTY: new VMAs get VM_SOFTDIRTY
 * @thp: CONFIG_TRANSPARENT_HUGEPAGE: hintless anonymous mappings of
 *	whole PMDs are PMD-aligned and MAP_STACK means VM_NOHUGEPAGE
 * @pte: the PTE encoding
 */
struct msim_arch {
	const char *name;
	unsigned int page_shift;
	unsigned int levels;
	unsigned int level_shift[MSIM_PGTABLE_MAX_LEVELS];
	unsigned int level_bits[MSIM_PGTABLE_MAX_LEVELS];
	unsigned int ptr_bytes;
	unsigned long task_size;
	unsigned long mmap_base;
	unsigned long mmap_min_addr;
	bool topdown;
	bool soft_dirty;
	bool thp;
	struct msim_pte_bits pte;
};

MSIM_API extern const struct msim_arch msim_arch_x86_64;
MSIM_API extern const struct msim_arch msim_arch_coldfire;

/** msim_arch_lookup - the descriptor called @name, or NULL. */
MSIM_API const struct msim_arch *msim_arch_lookup(const char *name);

static inline unsigned long msim_page_size(const struct msim_arch *a)
{
	return 1UL << a->page_shift;
}

/**
 * vm_get_page_prot - the PTE protection bits for a VMA's flags, as the
 * arch's protection_map gives them for a private mapping.
 */
MSIM_API pgprot_t vm_get_page_prot(const struct msim_arch *a,
				   unsigned long vm_flags);

#endif /* MMSIM_ARCH_H */
