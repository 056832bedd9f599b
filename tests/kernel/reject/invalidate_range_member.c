/* expect: invalidate_range_was_removed_in_linux_6_6 */
/*
 * Linux 6.18 has no ->invalidate_range: a driver that sets it does not
 * compile, and the error says why.
 */
#include <linux/mmu_notifier.h>

static void flush(struct mmu_notifier *mn, struct mm_struct *mm,
		  unsigned long start, unsigned long end)
{
	(void)mn;
	(void)mm;
	(void)start;
	(void)end;
}

const struct mmu_notifier_ops ops = {
	.invalidate_range = flush,
};
