/* expect: implicit declaration of function .*remap_pfn_range */
/* What the tree lacks is a compile error naming it. */
#include <linux/mm.h>

int map(struct vm_area_struct *vma, unsigned long pfn)
{
	return remap_pfn_range(vma, vma->vm_start, pfn, PAGE_SIZE,
			       vma->vm_page_prot);
}
