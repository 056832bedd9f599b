/* expect: mmu_notifier_range_init.* passed 7 arguments */
/* Since 6.3 mmu_notifier_range_init() takes no VMA. */
#include <linux/mmu_notifier.h>

void describe(struct mmu_notifier_range *range, struct vm_area_struct *vma)
{
	mmu_notifier_range_init(range, MMU_NOTIFY_CLEAR, 0, vma, vma->vm_mm,
				vma->vm_start, vma->vm_end);
}
