/* cflags: -DMSIM_LINUX_VERSION_CODE=KERNEL_VERSION(6,2,0) */
/*
 * Before 6.3: mmu_notifier_range_init() with its VMA (the seed's API), and
 * the range's vma member.
 */
#include <linux/mmu_notifier.h>

void invalidate(struct vm_area_struct *vma)
{
	struct mmu_notifier_range range;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma, vma->vm_mm,
				vma->vm_start, vma->vm_end);
	if (range.vma != vma)
		return;
	mmu_notifier_invalidate_range_start(&range);
	mmu_notifier_invalidate_range_end(&range);
}
