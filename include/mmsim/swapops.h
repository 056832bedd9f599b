/* SPDX-License-Identifier: MIT */
/**
 * DOC: Swap and migration entries
 *
 * A PTE that is neither none nor present holds a swap entry: where the
 * page's bytes went (a swap device and a slot on it), or, with one of the
 * special types, a frame: a page being migrated (migration entries), a
 * page of device-private memory the CPU cannot map (device-private
 * entries, readable or writable), or a page a device has taken for
 * exclusive access (device-exclusive entries, which keep the page
 * mapped: its mapcount and the rss count stay).  As in Linux, the
 * arch-independent swp_entry_t keeps the type in its top
 * MAX_SWAPFILES_SHIFT bits and the offset below; each arch packs the two
 * into a non-present PTE its own way (struct msim_pte_bits, the swp_*
 * fields), keeping clear of the bits that make a PTE present.
 *
 * Besides the entry, a swap PTE carries the arch's exclusive bit
 * (pte_swp_exclusive()): the page was PageAnonExclusive when it was
 * unmapped, so it may come back writable without a copy.
 */
#ifndef MMSIM_SWAPOPS_H
#define MMSIM_SWAPOPS_H

#include <stdbool.h>
#include <mmsim/pgtable.h>

typedef unsigned long pgoff_t;

/** swp_entry_t - a swap entry: type and offset */
typedef struct {
	unsigned long val;
} swp_entry_t;

#define MAX_SWAPFILES_SHIFT 5
#define SWP_MIGRATION_NUM 3
#define SWP_DEVICE_NUM 3
/*
 * The top types are the special entries, as in Linux: migration, then
 * device memory.  The hwpoison and marker types that Linux also reserves
 * there do not exist in the model.
 */
#define MAX_SWAPFILES                                                          \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_MIGRATION_NUM - SWP_DEVICE_NUM)
#define SWP_MIGRATION_READ MAX_SWAPFILES
#define SWP_MIGRATION_READ_EXCLUSIVE (MAX_SWAPFILES + 1)
#define SWP_MIGRATION_WRITE (MAX_SWAPFILES + 2)
#define SWP_DEVICE_WRITE (MAX_SWAPFILES + SWP_MIGRATION_NUM)
#define SWP_DEVICE_READ (SWP_DEVICE_WRITE + 1)
#define SWP_DEVICE_EXCLUSIVE (SWP_DEVICE_WRITE + 2)

#define SWP_TYPE_SHIFT (64 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK ((1UL << SWP_TYPE_SHIFT) - 1)

/** swp_entry - the entry of @offset on swap device @type. */
static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	return (swp_entry_t){ (type << SWP_TYPE_SHIFT) |
			      (offset & SWP_OFFSET_MASK) };
}

static inline unsigned int swp_type(swp_entry_t entry)
{
	return (unsigned int)(entry.val >> SWP_TYPE_SHIFT);
}

static inline unsigned long swp_offset(swp_entry_t entry)
{
	return entry.val & SWP_OFFSET_MASK;
}

/** is_swap_pte - neither none nor present: the PTE holds a swap entry. */
static inline bool is_swap_pte(const struct msim_arch *a, pte_t pte)
{
	return !pte_none(pte) && !pte_present(a, pte);
}

/** pte_to_swp_entry - the entry in swap PTE @pte (exclusive bit dropped). */
static inline swp_entry_t pte_to_swp_entry(const struct msim_arch *a, pte_t pte)
{
	uint64_t v = pte_val(pte);
	unsigned long type = (v >> a->pte.swp_type_shift) &
			     ((1UL << a->pte.swp_type_bits) - 1);
	unsigned long offset = (v >> a->pte.swp_offset_shift) &
			       ((1UL << a->pte.swp_offset_bits) - 1);

	return swp_entry(type, offset);
}

/** swp_entry_to_pte - the non-present PTE holding @entry. */
static inline pte_t swp_entry_to_pte(const struct msim_arch *a,
				     swp_entry_t entry)
{
	return __pte(((uint64_t)swp_type(entry) << a->pte.swp_type_shift) |
		     ((uint64_t)swp_offset(entry) << a->pte.swp_offset_shift));
}

static inline bool pte_swp_exclusive(const struct msim_arch *a, pte_t pte)
{
	return pte_val(pte) & a->pte.swp_exclusive;
}

static inline pte_t pte_swp_mkexclusive(const struct msim_arch *a, pte_t pte)
{
	return __pte(pte_val(pte) | a->pte.swp_exclusive);
}

static inline pte_t pte_swp_clear_exclusive(const struct msim_arch *a,
					    pte_t pte)
{
	return __pte(pte_val(pte) & ~a->pte.swp_exclusive);
}

/** non_swap_entry - a special entry (migration, device), not a swap slot. */
static inline bool non_swap_entry(swp_entry_t entry)
{
	return swp_type(entry) >= MAX_SWAPFILES;
}

static inline bool is_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) >= SWP_MIGRATION_READ &&
	       swp_type(entry) <= SWP_MIGRATION_WRITE;
}

static inline bool is_writable_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_WRITE;
}

static inline bool is_readable_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_READ;
}

static inline bool is_readable_exclusive_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_READ_EXCLUSIVE;
}

/** make_readable_migration_entry - a shared page's frame @pfn migrating. */
static inline swp_entry_t make_readable_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_READ, pfn);
}

/** make_readable_exclusive_migration_entry - exclusive, not writable. */
static inline swp_entry_t
make_readable_exclusive_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_READ_EXCLUSIVE, pfn);
}

/** make_writable_migration_entry - the PTE was writable (so exclusive). */
static inline swp_entry_t make_writable_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_WRITE, pfn);
}

/** swp_offset_pfn - the frame a migration or device entry names. */
static inline unsigned long swp_offset_pfn(swp_entry_t entry)
{
	return swp_offset(entry);
}

static inline bool is_device_private_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_WRITE ||
	       swp_type(entry) == SWP_DEVICE_READ;
}

static inline bool is_writable_device_private_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_WRITE;
}

/** make_readable_device_private_entry - device page @offset, read-only. */
static inline swp_entry_t make_readable_device_private_entry(pgoff_t offset)
{
	return swp_entry(SWP_DEVICE_READ, offset);
}

/** make_writable_device_private_entry - device page @offset, writable. */
static inline swp_entry_t make_writable_device_private_entry(pgoff_t offset)
{
	return swp_entry(SWP_DEVICE_WRITE, offset);
}

static inline bool is_device_exclusive_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_EXCLUSIVE;
}

/**
 * make_device_exclusive_entry - page @offset, taken by a device for
 * exclusive (atomic) access; writable, as the PTE it replaced was.
 */
static inline swp_entry_t make_device_exclusive_entry(pgoff_t offset)
{
	return swp_entry(SWP_DEVICE_EXCLUSIVE, offset);
}

/** is_pfn_swap_entry - the entry names a frame rather than a slot. */
static inline bool is_pfn_swap_entry(swp_entry_t entry)
{
	return is_migration_entry(entry) || is_device_private_entry(entry) ||
	       is_device_exclusive_entry(entry);
}

#endif /* MMSIM_SWAPOPS_H */
