/* expect: has no member named .*vma */
/* Since 6.3 struct mmu_notifier_range has no VMA. */
#include <linux/mmu_notifier.h>

unsigned long flags_of(const struct mmu_notifier_range *range)
{
	return range->vma ? range->vma->vm_flags : 0;
}
