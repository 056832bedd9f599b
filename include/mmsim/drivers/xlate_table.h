/* SPDX-License-Identifier: MIT */
/**
 * DOC: A secondary translation table
 *
 * What the simulated secondary MMUs (the device TLB, the HMM mirror, the
 * KVM shadow MMU) keep of the primary's translations: page-sized entries
 * {address, frame, writable} in an interval tree, each one recorded with
 * the coherence checker while it exists.  The drivers differ in how they
 * fill and invalidate it, not in the table, so the table does no locking:
 * each driver calls these under its own lock (the TLB's spinlock, the
 * mirror's device lock, mmu_lock).
 *
 * Entries hold no page reference.  A driver that needs more per entry
 * embeds struct msim_xlate_entry as the first member of its own entry:
 * the table frees what it drops.
 */
#ifndef MMSIM_XLATE_TABLE_H
#define MMSIM_XLATE_TABLE_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <mmsim/drivers/coherence.h>
#include <mmsim/interval_tree.h>

struct msim_machine;

/**
 * struct msim_xlate_table - one secondary MMU's translations
 * @root: the entries (struct msim_xlate_entry), by address
 * @nr_entries: how many
 * @machine: where entries are allocated and freed
 * @name: the driver's name, for the checker and reports (not copied)
 * @coherence: where entries are recorded, or NULL
 */
struct msim_xlate_table {
	struct msim_avl_root root;
	unsigned long nr_entries;
	struct msim_machine *machine;
	const char *name;
	struct msim_coherence *coherence;
};

/**
 * struct msim_xlate_entry - one translation
 * @node: [addr, addr + page size - 1] in the table
 * @page: the frame
 * @writable: the secondary may write through it
 * @sm: its record with the coherence checker
 */
struct msim_xlate_entry {
	struct interval_tree_node node;
	struct page *page;
	bool writable;
	struct msim_secondary_mapping sm;
};

/** msim_xlate_table_init - an empty table. */
MSIM_API void msim_xlate_table_init(struct msim_xlate_table *t,
				    struct msim_machine *m, const char *name,
				    struct msim_coherence *coherence);

/** msim_xlate_lookup - the entry translating @addr, or NULL. */
MSIM_API struct msim_xlate_entry *msim_xlate_lookup(struct msim_xlate_table *t,
						    unsigned long addr);

/**
 * msim_xlate_insert - make @e, allocated zeroed with msim_kzalloc() as
 * MSIM_ALLOC_OTHER, translate the page of @size bytes at @addr to @page,
 * and record it with the checker as read at time @seen.  An entry
 * already there is dropped first.
 * Return: how many entries were dropped (0 or 1).
 */
MSIM_API unsigned long msim_xlate_insert(struct msim_xlate_table *t,
					 struct msim_xlate_entry *e,
					 unsigned long addr, unsigned long size,
					 struct page *page, bool writable,
					 unsigned long seen);

/**
 * msim_xlate_repoint - make @e translate to @page now, read-write if
 * @writable, as read at time @seen; the checker sees the old translation
 * go and the new one come.
 */
MSIM_API void msim_xlate_repoint(struct msim_xlate_table *t,
				 struct msim_xlate_entry *e, struct page *page,
				 bool writable, unsigned long seen);

/** msim_xlate_drop - forget @e and free it. */
MSIM_API void msim_xlate_drop(struct msim_xlate_table *t,
			      struct msim_xlate_entry *e);

/**
 * msim_xlate_drop_range - forget every entry meeting [@start, @end).
 * Return: how many.
 */
MSIM_API unsigned long msim_xlate_drop_range(struct msim_xlate_table *t,
					     unsigned long start,
					     unsigned long end);

/**
 * msim_xlate_access - copy @len bytes between @buf and the page at @base,
 * from offset @off in it, if an entry translates @base and allows the
 * access: into the frame if @write, out of it otherwise.  The caller
 * checked that the range stays in the page.
 * Return: the entry used, or NULL for a miss (nothing copied).
 */
MSIM_API struct msim_xlate_entry *
msim_xlate_access(struct msim_xlate_table *t, unsigned long base,
		  unsigned long off, void *buf, size_t len, bool write);

/**
 * msim_xlate_page - the frame the entry for @addr translates to, or NULL;
 * @writable (may be NULL) gets its permission.
 */
MSIM_API struct page *msim_xlate_page(struct msim_xlate_table *t,
				      unsigned long addr, bool *writable);

/**
 * msim_xlate_entry_show - "NAME ADDR pfn PFN rw|ro" for @e, without the
 * newline, so that a driver can add its own bits.
 */
MSIM_API void msim_xlate_entry_show(struct msim_xlate_table *t,
				    struct msim_xlate_entry *e, FILE *out);

/** msim_xlate_show - one line an entry, in address order. */
MSIM_API void msim_xlate_show(struct msim_xlate_table *t, FILE *out);

#endif /* MMSIM_XLATE_TABLE_H */
