/* expect: mmu_notifier_invalidate_range_only_end\(\): removed in Linux 6.6 */
#include <linux/mmu_notifier.h>

void end(struct mmu_notifier_range *range)
{
	mmu_notifier_invalidate_range_only_end(range);
}
