// SPDX-License-Identifier: MIT
/*
 * Special mappings (mm/vma.c _install_special_mapping()): VMAs whose
 * pages belong to the kernel, such as the vDSO.  They are not anonymous,
 * never merge (their vm_ops differ from NULL), and are found through
 * vm_private_data by their fault handler.
 */
#include "internal.h"

static const struct vm_special_mapping *vma_spec(struct vm_area_struct *vma)
{
	return vma->vm_private_data;
}

static const char *special_mapping_name(struct vm_area_struct *vma)
{
	return vma_spec(vma)->name;
}

/*
 * The page at vmf->pgoff of the pages array, which ends with NULL, with a
 * reference for the PTE about to map it; past the end SIGBUS.  The array
 * is walked, as Linux walks it, rather than bounded by the VMA: the part
 * of a split mapping past the split has a vm_pgoff of its own.
 */
struct page *special_mapping_page(const struct vm_special_mapping *sm,
				  unsigned long pgoff)
{
	struct page **pages = sm->pages;

	if (!pages)
		return NULL;
	for (; pgoff && *pages; pages++)
		pgoff--;
	return *pages;
}

static vm_fault_t special_mapping_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	const struct vm_special_mapping *sm = vma_spec(vma);

	if (sm->fault)
		return sm->fault(sm, vma, vmf);
	vmf->page = special_mapping_page(sm, vmf->pgoff);
	if (!vmf->page)
		return VM_FAULT_SIGBUS;
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct special_mapping_vmops = {
	.name = special_mapping_name,
	.fault = special_mapping_fault,
};

bool vma_is_special_mapping(const struct vm_area_struct *vma,
			    const struct vm_special_mapping *sm)
{
	return vma->vm_private_data == sm &&
	       vma->vm_ops == &special_mapping_vmops;
}

struct vm_area_struct *
_install_special_mapping(struct mm_struct *mm, unsigned long addr,
			 unsigned long len, vm_flags_t vm_flags,
			 const struct vm_special_mapping *spec)
{
	struct vm_area_struct *vma;

	if (!len || !mm_page_aligned(mm, addr) || !mm_page_aligned(mm, len) ||
	    addr + len < addr || addr + len > mm->task_size)
		return ERR_PTR(-EINVAL);
	if (find_vma_intersection(mm, addr, addr + len))
		return ERR_PTR(-ENOMEM);
	if (mm->map_count >= mm->machine->sysctl_max_map_count)
		return ERR_PTR(-ENOMEM);
	vma = vm_area_alloc(mm);
	if (!vma)
		return ERR_PTR(-ENOMEM);
	vm_flags |= mm->def_flags | VM_DONTEXPAND;
	if (mm->arch->soft_dirty)
		vm_flags |= VM_SOFTDIRTY;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_pgoff = 0;
	vma->vm_flags = vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT);
	vma->vm_page_prot = vm_get_page_prot(mm->arch, vma->vm_flags);
	vma->vm_ops = &special_mapping_vmops;
	vma->vm_private_data = (void *)spec;
	vma_link(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (long)vma_pages(vma));
	return vma;
}
