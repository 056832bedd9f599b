/* expect: mmu_notifier_invalidate_range\(\): removed in Linux 6.6 */
#include <linux/mmu_notifier.h>

void flush(struct mm_struct *mm)
{
	mmu_notifier_invalidate_range(mm, 0, 4096);
}
