/* SPDX-License-Identifier: MIT */
/**
 * DOC: /proc reports
 *
 * The VMAs as fs/proc/task_mmu.c prints them: /proc/PID/maps byte for byte
 * (address widths, padding, the trailing space of a nameless line, the
 * name column for special mappings), and an smaps-like summary per VMA.
 */
#ifndef MMSIM_PROC_H
#define MMSIM_PROC_H

#include <mmsim/export.h>
#include <stddef.h>
#include <stdio.h>
#include <mmsim/mm_types.h>

/**
 * msim_maps_line - format one maps line of @vma into @buf, newline
 * included.  Return: the length snprintf() would give.
 */
MSIM_API int msim_maps_line(const struct vm_area_struct *vma, char *buf,
			    size_t size);

/** msim_show_maps - print every VMA of @mm as /proc/PID/maps does. */
MSIM_API void msim_show_maps(struct mm_struct *mm, FILE *out);

/**
 * msim_show_smaps - per VMA: the maps line, then Size, KernelPageSize,
 * MMUPageSize, Rss, Anonymous, Swap (kB, as smaps) and VmFlags.
 */
MSIM_API void msim_show_smaps(struct mm_struct *mm, FILE *out);

/**
 * msim_vma_rss - resident pages of @vma: present PTEs that map a normal
 * (not special, so not the zero page) frame, and migration entries (their
 * page is still in memory), as smaps counts Rss.
 */
MSIM_API unsigned long msim_vma_rss(struct vm_area_struct *vma);

/** msim_vma_swap - pages of @vma out on swap (swap PTEs). */
MSIM_API unsigned long msim_vma_swap(struct vm_area_struct *vma);

/** msim_vm_flags_string - the VmFlags mnemonics of @flags, into @buf. */
MSIM_API const char *msim_vm_flags_string(vm_flags_t flags, char *buf,
					  size_t size);

#endif /* MMSIM_PROC_H */
