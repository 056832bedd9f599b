/* expect: arch_invalidate_secondary_tlbs_was_added_in_linux_6_6 */
/* cflags: -DMSIM_LINUX_VERSION_CODE=0x060500 */
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
	.arch_invalidate_secondary_tlbs = flush,
};
