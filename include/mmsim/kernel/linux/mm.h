/* SPDX-License-Identifier: MIT */
/*
 * <linux/mm.h>: The mm: the model's structures and calls under their
 * kernel names (find_vma(), vma_lookup(), get_user_pages_remote(),
 * vm_normal_page(), ...), PAGE_SIZE, the pte accessors and pfn_to_page()
 * without an arch or machine argument, the page-table walk, the page lock,
 * kmap() and the page copies.  CUSTOMISED: backed by the model; see mmsim-
 * kernel/custom/mm.h.  Missing: huge pages, file-backed and shared memory,
 * mmap of device files, vm_insert_page() and remap_pfn_range().
 */
#ifndef MMSIM_KERNEL_LINUX_MM_H
#define MMSIM_KERNEL_LINUX_MM_H

#include <mmsim-kernel/custom/mm.h>
#include <mmsim-kernel/custom/slab.h>
#include <mmsim-kernel/dup/kernel.h>

#endif /* MMSIM_KERNEL_LINUX_MM_H */
