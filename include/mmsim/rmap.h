/* SPDX-License-Identifier: MIT */
/**
 * DOC: Anonymous reverse map
 *
 * anon_vma_prepare() gives a VMA its anon_vma at the first write fault; a
 * split VMA shares it through anon_vma_clone(); merges keep or adopt one.
 * Whether a VMA has an anon_vma yet changes what Linux will merge, so these
 * are modelled exactly even before anything walks the reverse map.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include <mmsim/mm_types.h>

/** anon_vma_prepare - give @vma an anon_vma; 0 or -ENOMEM. */
int anon_vma_prepare(struct vm_area_struct *vma);

/** anon_vma_clone - link @dst to every anon_vma @src is linked to. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);

/**
 * anon_vma_fork - give @vma, the child's copy of @pvma, its place in the
 * anon_vma hierarchy: chained to all of @pvma's anon_vmas, and with an
 * anon_vma of its own whose parent is @pvma's (or an unused one reused).
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);

/** unlink_anon_vmas - drop @vma's chain, freeing anon_vmas left unused. */
void unlink_anon_vmas(struct vm_area_struct *vma);

/**
 * vma_had_uncowed_parents - @vma's anon_vma chain holds more than its own
 * anon_vma (it was forked and its pages may be shared with a parent).
 */
static inline bool vma_had_uncowed_parents(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && !list_is_singular(&vma->anon_vma_chain);
}

/** page_add_new_anon_rmap - account a fresh anonymous page mapped at @addr. */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long addr);

/** page_remove_rmap - one mapping of @page is gone. */
void page_remove_rmap(struct page *page, struct vm_area_struct *vma);

#endif /* MMSIM_RMAP_H */
