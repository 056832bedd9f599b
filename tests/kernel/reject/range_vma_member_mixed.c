/* expect: has no member named .*vma */
/*
 * The same with the model's headers included first, as a test file that
 * uses both may: the kernel tree on the include path decides the name.
 */
#include <mmsim/mmsim.h>
#include <linux/mmu_notifier.h>

unsigned long flags_of(const struct mmu_notifier_range *range)
{
	return range->vma ? range->vma->vm_flags : 0;
}
