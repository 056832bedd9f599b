/* SPDX-License-Identifier: MIT */
/**
 * DOC: Invariant checker
 *
 * msim_mm_check() walks an mm and cross-checks everything that must agree:
 * the VMA tree's order, balance, gap augmentation and sorted list; that
 * VMAs do not overlap and map_count, total_vm, data_vm, exec_vm and
 * stack_vm match them; that every PTE lies inside a VMA and gives no more
 * access than the VMA's flags; that every table's entry count is right and
 * no table is empty; that rss counters match the PTEs (MM_ANONPAGES, and
 * MM_FILEPAGES for the pages of special mappings such as the vDSO, which
 * must be the mapping's own page at that offset, mapped read-only); and
 * that every anonymous frame's mapcount and refcount equal the mappings
 * of it.
 * msim_machine_check() adds the machine-wide view: free frames, commit
 * charge, each frame's mapcount against the mappings of all mms together,
 * its refcount at least that plus GUP_PIN_COUNTING_BIAS per pin (GUP's
 * FOLL_GET references are not counted anywhere, so an extra reference
 * shows only as a frame still allocated at teardown), and that a pinned
 * page is mapped by one mm only, exclusively.  Swap PTEs must name a
 * slot in use and MM_SWAPENTS count them; each slot's count must equal
 * the swap PTEs naming it in all mms, and the slots in use the live
 * MSIM_ALLOC_SWAP objects.  Migration entries must name an isolated
 * anonymous page and count in MM_ANONPAGES.  Device-private entries must
 * name an anonymous device page in use, of a live pagemap, as a PTE
 * names a frame (anon_vma, index, writable only in a VM_WRITE VMA and
 * when exclusive), and count in MM_ANONPAGES; device-exclusive entries
 * keep their exclusive anonymous frame mapped and counted.  Each device
 * page in use has a map count for each entry naming it, in all mms
 * together, and at least as many references; the pages in use are those
 * its pagemap counts as handed out.
 */
#ifndef MMSIM_CHECK_H
#define MMSIM_CHECK_H

#include <mmsim/export.h>
#include <stddef.h>
#include <mmsim/mm_types.h>

/**
 * msim_mm_check - check @mm
 *
 * The caller must hold none of @mm's locks (nor the rmap lock): the check
 * takes, in the mm's lock order, the mmap lock for reading, the machine's
 * rmap lock for reading, the page-table lock and, for each swap PTE, the
 * swap lock, and holds them while it reads.  So it may run while other
 * threads fault, reclaim, migrate or fork @mm or mms that share its pages,
 * and what it checks is one state @mm was in: a violation it reports is
 * there, not an artefact of reading while others wrote.
 *
 * Return: 0, or -EUCLEAN with the first violation described on stderr.
 */
MSIM_API int msim_mm_check(struct mm_struct *mm);

/** msim_mm_check_msg - msim_mm_check(), the description into @msg. */
MSIM_API int msim_mm_check_msg(struct mm_struct *mm, char *msg, size_t size);

/**
 * msim_machine_check - check every mm of @m, then frames and commit charge
 * across them.  Each mm is checked as msim_mm_check() does, but the
 * machine-wide counts (a frame's mapcount against the PTEs of all mms, the
 * swap slots' counts, free frames, the commit charge) add up the mms one
 * after another: they hold only while no call on any mm of @m is running,
 * so call it on a quiescent machine.
 * Return: 0 or -EUCLEAN, described into @msg if not NULL.
 */
MSIM_API int msim_machine_check(struct msim_machine *m, char *msg, size_t size);

#endif /* MMSIM_CHECK_H */
